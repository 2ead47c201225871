"""Outgoing email: each kept in `outbox_emails` and sent by a job of the queue (`portal.jobs`).

`enqueue` adds the email and its `email.send` job to the caller's session, so both are queued
exactly when the change they are about is committed, and the one `flask --app portal.app worker`
sends email as it does every other job. The job sends its one email over SMTP and records it
sent, committed with the job's completion; it skips an email already sent or given up, so a job
run twice sends nothing twice. Every attempt carries the Message-ID made when the email was
queued, so a resend after a worker died between sending and recording is recognisable.

A failure is recorded on the email, where it survives whatever the queue does with the job:

- refused for good (5xx, see `is_permanent`, or a header that cannot be written): the email is
  given up with the server's answer and logged, and the handler returns the refusal, so the job
  ends refused at once, not retried, and the record commits with it. (Raising DomainError would
  end it the same way, but the queue rolls a raised refusal's writes back, the record with them.)
- failed for now (4xx, the server unreachable, a refusal to sign in): the queue rolls a failing
  job's writes back, so the attempt and the server's answer are written in a short transaction
  of their own (as the queue reports progress) before the handler raises `EmailNotSent`. The
  queue tries the job again after each wait in `BACK_OFF` and, after the last, sets it aside for
  the administrator (/admin/jobs, with the same answer as its last error). The email is not
  given up then: trying the job again from that page sends it.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Integer, String, Text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import clock, jobs
from portal.db import Base, UtcDateTime
from portal.errors import DomainError


class OutboxEmail(Base):
    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # Made when the email is queued and sent with every attempt, so a mail system that got it
    # before a worker died (sent, but not yet recorded as sent) can tell the resend is the same.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    # Attempts that failed, and what the mail server (or the connection) said at the last.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # Set when the email was refused for good (5xx), or could never be written.
    given_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


SEND = "email.send"
# Wait this long after the n-th temporary failure (4xx, the server unreachable) before trying
# again; the job is set aside after the last. A permanent refusal (5xx) is given up at once.
BACK_OFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACK_OFF) + 1
SMTP_TIMEOUT_SECONDS = 30
ERROR_LENGTH = 300
# Refusals about the connection's sign-in (RFC 4954), not about the email: the administrator
# fixes the settings and the email goes, so these are retried as if temporary.
SIGN_IN_CODES = frozenset({530, 534, 535, 538})
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,250}[A-Za-z0-9])?")

logger = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """The email could not be sent for now; raised so that the job queue tries again later."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    starttls: bool
    sender: str


def smtp_settings(config: Mapping[str, Any]) -> SmtpSettings:
    """The mail server to send through, from the Flask configuration."""
    return SmtpSettings(
        host=str(config["SMTP_HOST"]),
        port=int(config["SMTP_PORT"]),
        username=config.get("SMTP_USERNAME") or None,
        password=config.get("SMTP_PASSWORD") or None,
        starttls=bool(config.get("SMTP_STARTTLS", False)),
        sender=str(config["MAIL_FROM"]),
    )


def enqueue(db: Session, to_address: str, subject: str, body: str) -> OutboxEmail:
    """Add an email and the job that sends it to the session; both are queued when the caller
    commits the change the email is about."""
    email = OutboxEmail(
        to_address=to_address,
        subject=subject,
        body=body,
        message_id=_new_message_id(),
        attempts=0,
    )
    db.add(email)
    db.flush()  # the job names the email by its id
    jobs.enqueue(db, SEND, {"email_id": email.id})
    return email


def _new_message_id() -> str:
    """A Message-ID unique for ever, at the domain the portal sends its email from."""
    sender = str(current_app.config.get("MAIL_FROM", "")) if has_app_context() else ""
    domain = parseaddr(sender)[1].rpartition("@")[2]
    if not _DOMAIN.fullmatch(domain):
        domain = "learning-panels"
    return f"<{uuid.uuid4().hex}@{domain}>"


# Failing to connect, to sign in or to send; the server's refusals are SMTPExceptions, and
# ValueError is smtplib's answer to what it cannot encode (a password, say), which settings mend.
_SMTP_ERRORS = (smtplib.SMTPException, OSError, ValueError)


@jobs.handler(SEND, back_off=BACK_OFF)
def send(db: Session, job: jobs.Job, progress: jobs.Progress) -> str | None:
    """Send one email through the mail server of the application's configuration; the refusal,
    if it was refused for good."""
    email = db.get(OutboxEmail, job.payload["email_id"])
    if email is None:
        raise DomainError("The email to send could not be found.")
    if email.sent_at is not None or email.given_up_at is not None:
        return None  # an earlier run of this job, or another job for the same email, dealt with it
    settings = smtp_settings(current_app.config)
    try:
        message = _message(email, settings)
    except ValueError as error:
        # A header that cannot be written (a newline in an address): no retry can mend it.
        return _give_up(email, error)
    try:
        _deliver(message, settings)
    except _SMTP_ERRORS as error:
        if is_permanent(error):
            return _give_up(email, error)
        description = _describe(error)
        _record_failure(db, email.id, description)
        if job.attempts >= MAX_ATTEMPTS:
            logger.error(
                "Could not send email %s after %s attempts; set aside for the administrator: %s",
                email.id,
                job.attempts,
                description,
            )
        else:
            logger.warning(
                "Could not send email %s (attempt %s), will try again: %s",
                email.id,
                job.attempts,
                description,
            )
        raise EmailNotSent(description) from error
    email.sent_at = clock.now()
    return None


def _give_up(email: OutboxEmail, error: Exception) -> str:
    """Record the email as given up; the refusal, which ends its job."""
    email.attempts += 1
    email.last_error = _describe(error)
    email.given_up_at = clock.now()
    # The id, not the address: logs travel further than the database.
    logger.error("Gave up sending email %s, refused for good: %s", email.id, email.last_error)
    return f"The email was refused for good and will not be sent again: {email.last_error}"


def _record_failure(db: Session, email_id: int, description: str) -> None:
    """Write a failed attempt on the email in a transaction of its own, which stands when the
    queue rolls back the job's session. The job's session has only read, so on SQLite there is
    no write lock of its own for this to wait on."""
    with Session(db.get_bind()) as record:
        record.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == email_id)
            .values(attempts=OutboxEmail.attempts + 1, last_error=description)
        )
        record.commit()


def _deliver(message: EmailMessage, settings: SmtpSettings) -> None:
    connection = _connect(settings)
    try:
        connection.send_message(message)
    finally:
        _close(connection)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    connection = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if settings.starttls:
            connection.starttls(context=ssl.create_default_context())
        if settings.username:
            connection.login(settings.username, settings.password or "")
    except BaseException:
        _close(connection)
        raise
    return connection


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except _SMTP_ERRORS:
        connection.close()


def _message(email: OutboxEmail, settings: SmtpSettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = email.message_id
    message.set_content(email.body)
    return message


def is_permanent(error: Exception) -> bool:
    """Whether the server refused this email for good (5xx): sending it again cannot succeed.

    Only for a refusal of the email itself: failing to connect or to sign in is the server's
    or the settings' fault, and every email is tried again once that is put right.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
    elif isinstance(error, smtplib.SMTPResponseException):
        codes = [error.smtp_code]
    else:
        # Cannot connect, the connection dropped, a timeout: the server may be back later.
        return False
    return bool(codes) and all(500 <= code < 600 and code not in SIGN_IN_CODES for code in codes)


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        description = f"recipient refused: {text}"
    elif isinstance(error, smtplib.SMTPResponseException):
        description = f"{error.smtp_code} {_text(error.smtp_error)}"
    else:
        description = f"{type(error).__name__}: {error}"
    return description[:ERROR_LENGTH]


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
