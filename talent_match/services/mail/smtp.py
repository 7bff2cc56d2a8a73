"""SMTP settings from one URL, and sending one message with the standard library's smtplib.

SMTP_URL forms: smtp://host:25 (plain), smtp+starttls://user:pass@host:587 (upgraded with STARTTLS),
smtps://user:pass@host:465 (TLS from the first byte). User and password are URL-quoted. Certificates are checked
against the system's trust store (SSL_CERT_FILE points elsewhere when needed).
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
TIMEOUT_S = 30


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str                 # plain, starttls or tls
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> "SmtpSettings":
        """Raises ValueError naming what is wrong, so a bad SMTP_URL stops the app at start, not at first mail."""
        parts = urlsplit(url.strip())
        if parts.scheme not in SCHEMES:
            raise ValueError(f"SMTP_URL must start with {', '.join(s + '://' for s in SCHEMES)}, not {url!r}")
        if not parts.hostname:
            raise ValueError(f"SMTP_URL names no host: {url!r}")
        security, default_port = SCHEMES[parts.scheme]
        return cls(parts.hostname, parts.port or default_port, security,
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None)

    def describe(self) -> str:
        """For logs and health: never the password."""
        return f"{self.security}://{self.host}:{self.port}" + (f" as {self.username}" if self.username else "")


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand one message to the server; raises smtplib.SMTPException or OSError when it was not accepted."""
    context = ssl.create_default_context()
    if settings.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_S, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
    with client:
        if settings.security == "starttls":
            client.starttls(context=context)
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(message)
