"""Wiring the outbox to the app: messages written from templates/mail/ in their reader's language (`send`), the
mailer in app.extensions["mailer"], and delivery started after each commit that queued mail (on the RQ worker with
REDIS_URL, else on a thread of this process). `flask send-mail` and the worker deliver whatever a kick missed."""
from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, has_app_context, render_template
from sqlalchemy import event

from .extensions import db
from .i18n import written_in
from .services.accounts import notifications
from .services.mail import delivery, outbox
from .services.mail.smtp import SmtpSettings

log = logging.getLogger(__name__)
# What RQ runs for a kick (a string: no import of the CLI layer from here).
QUEUED_DELIVERY = "talent_match.cli.worker.deliver_mail"


def send(template: str, to: str, locale: str, *, unsubscribe_url: str | None = None, **context) -> None:
    """Queue templates/mail/<template>.txt written in `locale` (its first line is the subject, the rest after a
    blank line the body) in the current transaction; the caller commits. Digests pass `unsubscribe_url` (the body
    may show it too)."""
    with written_in(locale):
        text = render_template(f"mail/{template}.txt", unsubscribe_url=unsubscribe_url, **context)
    subject, _, body = text.strip().partition("\n\n")
    outbox.queue(db.session, kind=template, to=to, subject=subject.strip(), body=body.strip() + "\n",
                 unsubscribe_url=unsubscribe_url)


def link(endpoint: str, **values) -> str:
    """An absolute link for mail: PUBLIC_BASE_URL and the route's path, in a request or not (the CLI)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"] + path


def unsubscribe_url(user, preference: str) -> str:
    """What a digest for `preference` (notify_matches, notify_followups) passes to `send`."""
    token = notifications.unsubscribe_token(current_app.config["SECRET_KEY"], user, preference)
    return link("account.unsubscribe", token=token)


class Mailer:
    def __init__(self, smtp_url: str | None, mail_from: str, redis_url: str | None = None):
        self.settings = SmtpSettings.from_url(smtp_url) if smtp_url else None
        self.mail_from, self.redis_url = mail_from, redis_url
        self._lock = threading.Lock()

    def deliver(self, bind, *, up_to_id: int | None = None) -> dict[str, int]:
        with self._lock:  # one deliverer per process at a time; others' claims keep processes apart
            return delivery.deliver_queued(bind, self.settings, self.mail_from, up_to_id=up_to_id)

    def kick(self, bind) -> None:
        """Start delivery off the request path."""
        if self.redis_url:
            try:
                from redis import Redis
                from rq import Queue

                from .services.background import QUEUE_NAME

                Queue(QUEUE_NAME, connection=Redis.from_url(self.redis_url, socket_connect_timeout=2)).enqueue(
                    QUEUED_DELIVERY, job_timeout=600)
                return
            except Exception as exc:  # noqa: BLE001 - a queue that is down must not lose the kick
                log.warning("mail delivery: Redis unreachable (%s); delivering on a thread", type(exc).__name__)
        threading.Thread(target=self._deliver_quietly, args=(bind,), name="mail-delivery", daemon=True).start()

    def _deliver_quietly(self, bind) -> None:
        try:
            self.deliver(bind)
        except Exception:  # noqa: BLE001 - the rows stay queued; send-mail or the next kick retries them
            log.exception("mail delivery failed")


def init_mail(app: Flask, db) -> Mailer:
    mailer = Mailer(app.config.get("SMTP_URL"), app.config["MAIL_FROM"], app.config.get("REDIS_URL"))
    app.extensions["mailer"] = mailer
    _listen_once(db)
    return mailer


_listening = False


def _listen_once(db) -> None:
    global _listening
    if _listening:
        return
    _listening = True

    @event.listens_for(db.session, "after_commit")
    def _kick_after_commit(session) -> None:
        if session.info.pop(outbox.QUEUED_FLAG, False) and has_app_context():
            mailer = current_app.extensions.get("mailer")
            if mailer is not None and not current_app.config.get("MAIL_KICKS_DISABLED"):
                mailer.kick(session.get_bind())
