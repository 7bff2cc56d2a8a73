"""The domain: plain functions and classes with no request or response in sight."""
