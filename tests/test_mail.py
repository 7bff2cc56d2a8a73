"""Outgoing mail through a real SMTP server (aiosmtpd, in this process): queued in the outbox first, delivered
once, retried with backoff on a temporary refusal, given up on a permanent one, never sent twice."""
import ssl
import threading
from datetime import timedelta

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.mailer import Mailer
from talent_match.models import OutboxMessage
from talent_match.models.base import utcnow
from talent_match.services.mail import delivery, outbox
from talent_match.services.mail.smtp import SmtpSettings

from .mail_support import Inbox, free_port

FROM = "지역 AI 인재매칭 <no-reply@talent-match.test>"


def _queue(count=1, **extra):
    for n in range(count):
        outbox.queue(db.session, kind="test", to=f"person{n}@example.kr", subject=f"제목 {n}",
                     body=f"안녕하세요 {n}", **extra)
    db.session.commit()


def _deliver(settings, **kwargs):
    return delivery.deliver_queued(db.engine, settings, FROM, **kwargs)


def test_queued_messages_are_delivered_once_with_their_headers(app_ctx, smtp_server):
    inbox, settings = smtp_server
    _queue(2, headers={"List-Unsubscribe": "<https://example.kr/u/abc>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    assert _deliver(settings) == {"sent": 2, "retry": 0, "failed": 0, "held": 0}
    assert _deliver(settings)["sent"] == 0  # nothing is sent twice
    assert sorted(rcpt for rcpt, _ in inbox.messages) == [["person0@example.kr"], ["person1@example.kr"]]
    received = inbox.messages[0][1]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["Message-ID"] and "talent-match.test" in received["Message-ID"]
    assert "안녕하세요" in received.get_payload(decode=True).decode("utf-8")
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {(m.status, m.attempts) for m in rows} == {("sent", 1)} and all(m.sent_at for m in rows)


def test_a_temporary_refusal_is_retried_after_its_backoff_not_before(app_ctx, smtp_server):
    inbox, settings = smtp_server
    inbox.refuse = ["451 4.3.0 try again later"]
    _queue()
    assert _deliver(settings)["retry"] == 1 and inbox.messages == []
    message = db.session.scalar(select(OutboxMessage))
    assert (message.status, message.attempts) == ("queued", 1) and "451" in message.last_error
    assert _deliver(settings)["sent"] == 0  # still waiting out the backoff
    assert _deliver(settings, now=utcnow() + timedelta(seconds=delivery.BACKOFF_S[0] + 1))["sent"] == 1
    assert len(inbox.messages) == 1


def test_a_permanent_refusal_fails_without_retrying(app_ctx, smtp_server):
    inbox, settings = smtp_server
    inbox.refuse = ["550 5.1.1 no such user"]
    _queue()
    assert _deliver(settings)["failed"] == 1
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "failed" and "550" in message.last_error
    assert _deliver(settings, now=utcnow() + timedelta(days=1))["sent"] == 0 and inbox.messages == []


def test_an_unreachable_server_is_retried_until_the_attempts_run_out(app_ctx):
    dead = SmtpSettings.from_url(f"smtp://127.0.0.1:{free_port()}")
    _queue()
    now = utcnow()
    for attempt in range(delivery.MAX_ATTEMPTS):
        outcome = _deliver(dead, now=now)
        now += timedelta(days=1)
    assert outcome["failed"] == 1
    assert db.session.scalar(select(OutboxMessage.attempts)) == delivery.MAX_ATTEMPTS


def test_two_deliverers_at_once_send_each_message_exactly_once(app_ctx, smtp_server):
    inbox, settings = smtp_server
    _queue(20)
    threads = [threading.Thread(target=delivery.deliver_queued, args=(db.engine, settings, FROM)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(rcpt[0] for rcpt, _ in inbox.messages) == sorted(f"person{n}@example.kr" for n in range(20))


def test_a_message_left_sending_by_a_killed_deliverer_is_failed_not_sent_again(app_ctx, smtp_server):
    inbox, settings = smtp_server
    _queue()
    message = db.session.scalar(select(OutboxMessage))
    message.status, message.attempts = "sending", 1
    db.session.commit()
    _deliver(settings, now=utcnow() + delivery.STALE_AFTER + timedelta(seconds=1))
    db.session.refresh(message)
    assert message.status == "failed" and "not sent again" in message.last_error and inbox.messages == []


def test_without_smtp_messages_are_held_in_the_outbox(app_ctx):
    _queue()
    assert _deliver(None)["held"] == 1
    assert db.session.scalar(select(OutboxMessage.status)) == "held"


def test_the_same_reason_is_queued_once(app_ctx):
    first = outbox.queue(db.session, kind="test", to="a@example.kr", subject="s", body="b", dedupe_key="k:1")
    db.session.commit()
    again = outbox.queue(db.session, kind="test", to="a@example.kr", subject="s", body="b", dedupe_key="k:1")
    assert first is not None and again is None


@pytest.mark.parametrize("url, expected", [
    ("smtp://mail.example.kr", ("mail.example.kr", 25, "plain", None, None)),
    ("smtp+starttls://me%40x.kr:p%3Ass@mail.example.kr:2587", ("mail.example.kr", 2587, "starttls", "me@x.kr", "p:ss")),
    ("smtps://u:p@mail.example.kr", ("mail.example.kr", 465, "tls", "u", "p")),
])
def test_smtp_urls_are_read(url, expected):
    settings = SmtpSettings.from_url(url)
    assert (settings.host, settings.port, settings.security, settings.username, settings.password) == expected
    assert "p:ss" not in settings.describe()


@pytest.mark.parametrize("url", ["http://mail.example.kr", "smtp://", "mail.example.kr:25"])
def test_a_bad_smtp_url_is_refused_with_its_reason(url):
    with pytest.raises(ValueError, match="SMTP_URL"):
        SmtpSettings.from_url(url)


class _Authenticator:
    def __call__(self, server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"mailer", b"s3cret"), handled=False)


@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_starttls_and_implicit_tls_with_a_login(app_ctx, tmp_path, monkeypatch, scheme):
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    inbox, port = Inbox(), free_port()
    options = {"tls_context": context, "require_starttls": True} if scheme == "smtp+starttls" else \
        {"ssl_context": context, "auth_require_tls": False}  # aiosmtpd does not count implicit TLS as TLS
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=_Authenticator(),
                            auth_required=True, **options)
    controller.start()
    try:
        _queue()
        assert _deliver(SmtpSettings.from_url(f"{scheme}://mailer:s3cret@127.0.0.1:{port}"))["sent"] == 1
        assert len(inbox.messages) == 1
        _queue()
        wrong = _deliver(SmtpSettings.from_url(f"{scheme}://mailer:wrong@127.0.0.1:{port}"))
        assert wrong["failed"] == 1 and len(inbox.messages) == 1  # 535: a permanent refusal
    finally:
        controller.stop()


def test_send_mail_delivers_what_was_queued_and_prints_counts(app, runner, smtp_server, monkeypatch):
    inbox, settings = smtp_server
    monkeypatch.setitem(app.extensions, "mailer", Mailer(None, FROM))
    monkeypatch.setattr(app.extensions["mailer"], "settings", settings)
    with app.app_context():
        _queue(3)
    result = runner.invoke(args=["send-mail", "--json"])
    assert result.exit_code == 0 and '"sent": 3' in result.output and len(inbox.messages) == 3


def test_a_commit_that_queued_mail_starts_delivery_by_itself(app, smtp_server, monkeypatch):
    inbox, settings = smtp_server
    mailer = Mailer(None, FROM)
    mailer.settings = settings
    monkeypatch.setitem(app.extensions, "mailer", mailer)
    monkeypatch.setitem(app.config, "MAIL_KICKS_DISABLED", False)
    started = threading.Event()
    original = mailer.kick
    monkeypatch.setattr(mailer, "kick", lambda bind: (original(bind), started.set()))
    with app.app_context():
        _queue()
    assert started.wait(10)
    with app.app_context():
        for _ in range(200):  # the delivery thread finishes within moments
            if db.session.scalar(select(OutboxMessage.status)) == "sent":
                break
            db.session.remove()
            threading.Event().wait(0.05)
        assert db.session.scalar(select(OutboxMessage.status)) == "sent"
    assert len(inbox.messages) == 1
