"""A real SMTP server in this process (aiosmtpd) for the tests that send mail."""
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from talent_match.services.mail.smtp import SmtpSettings


class Inbox:
    """An aiosmtpd handler that keeps what it accepts, and refuses with `refuse` codes first when told to."""

    def __init__(self):
        self.messages, self.refuse = [], []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse.pop(0)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.original_content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, SmtpSettings.from_url(f"smtp://127.0.0.1:{controller.port}")
    controller.stop()


