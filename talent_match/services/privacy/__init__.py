"""A person's rights under PIPA: see and change their consents, download their data, delete their account."""
