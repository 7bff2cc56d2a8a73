"""Outgoing mail: an outbox table written in the caller's transaction, delivered over SMTP with retries."""
