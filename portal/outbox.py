"""Outgoing email, kept in a table and sent by a worker command that retries."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any, cast

from flask import current_app, has_app_context
from sqlalchemy import ColumnElement, CursorResult, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import clock
from portal.db import Base, UtcDateTime


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
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # Set when the mail server refused the email for good (5xx) or the last attempt failed.
    given_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Claimed by a worker until then, so two workers never send the same email.
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


# Wait this long after the n-th temporary failure (4xx, the server unreachable) before trying
# again; give up after the last. A permanent refusal (5xx) is given up at once.
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
# A claim outlives any batch: the worker stops sending and lets the rest go after SEND_FOR,
# so no email is sent by a second worker while the first still holds it.
CLAIM_FOR = timedelta(minutes=15)
SEND_FOR = timedelta(minutes=10)
SMTP_TIMEOUT_SECONDS = 30
ERROR_LENGTH = 300
DEFAULT_BATCH = 50
# Refusals about the connection's sign-in (RFC 4954), not about the email: the administrator
# fixes the settings and the email goes, so these are retried as if temporary.
SIGN_IN_CODES = frozenset({530, 534, 535, 538})
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,250}[A-Za-z0-9])?")

logger = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    failed: int = 0  # will be tried again later
    given_up: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.given_up


def enqueue(db: Session, to_address: str, subject: str, body: str) -> OutboxEmail:
    """Add an email to the session; it is queued when the caller commits the change it is about."""
    email = OutboxEmail(
        to_address=to_address,
        subject=subject,
        body=body,
        message_id=_new_message_id(),
        attempts=0,
    )
    db.add(email)
    return email


def _new_message_id() -> str:
    """A Message-ID unique for ever, at the domain the portal sends its email from."""
    sender = str(current_app.config.get("MAIL_FROM", "")) if has_app_context() else ""
    domain = parseaddr(sender)[1].rpartition("@")[2]
    if not _DOMAIN.fullmatch(domain):
        domain = "learning-panels"
    return f"<{uuid.uuid4().hex}@{domain}>"


def send_due(
    db: Session, settings: SmtpSettings, now: datetime | None = None, batch: int = DEFAULT_BATCH
) -> SendReport:
    """Send up to `batch` due emails through one SMTP connection; commits as it goes.

    Failures are recorded on the email, never raised: one bad address or a mail server that is
    down must not stop the worker. A temporary failure is tried again later; an email the
    server refuses for good is given up at once.
    """
    now = now or clock.now()
    claimed = _claim(db, now, batch)
    if not claimed:
        return SendReport()
    started = time.monotonic()
    sent = failed = given_up = 0
    connection: smtplib.SMTP | None = None
    try:
        for position, email in enumerate(claimed):
            if time.monotonic() - started > SEND_FOR.total_seconds():
                _release(db, claimed[position:])
                break
            try:
                if connection is None:
                    connection = _connect(settings)
            except _SMTP_ERRORS as error:
                # The server cannot be reached: every email left fails the same way, now,
                # rather than each waiting for its own connection to time out.
                for unsent in claimed[position:]:
                    if _failed(unsent, error, now):
                        failed += 1
                    else:
                        given_up += 1
                db.commit()
                break
            try:
                connection.send_message(_message(email, settings))
            except _SMTP_ERRORS as error:
                if _failed(email, error, now, permanent=is_permanent(error)):
                    failed += 1
                else:
                    given_up += 1
                if isinstance(error, OSError | smtplib.SMTPServerDisconnected):
                    _close(connection)
                    connection = None
            else:
                email.sent_at, email.locked_until = now, None
                sent += 1
            # One commit per email, so a crash does not send the ones already sent again.
            db.commit()
    finally:
        if connection is not None:
            _close(connection)
    return SendReport(sent=sent, failed=failed, given_up=given_up)


# ValueError: a header that cannot be written (a newline in an address, say).
_SMTP_ERRORS = (smtplib.SMTPException, OSError, ValueError)


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        OutboxEmail.sent_at.is_(None),
        OutboxEmail.given_up_at.is_(None),
        OutboxEmail.next_attempt_at <= now,
        or_(OutboxEmail.locked_until.is_(None), OutboxEmail.locked_until <= now),
    )


def _claim(db: Session, now: datetime, batch: int) -> list[OutboxEmail]:
    """Lock due emails for this worker and commit the claim before anything is sent.

    Each UPDATE repeats the conditions, so an email another worker claimed between our
    SELECT and our UPDATE matches no row (PostgreSQL re-checks them once the other worker's
    row lock is released; SQLite lets one writer at a time) and is left to that worker.
    """
    candidates = db.scalars(
        select(OutboxEmail.id)
        .where(*_due(now))
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(batch)
    ).all()
    claimed_ids = []
    for email_id in candidates:
        # An UPDATE gives a CursorResult, which has the rowcount the claim depends on.
        result = cast(
            "CursorResult[Any]",
            db.execute(
                update(OutboxEmail)
                .where(OutboxEmail.id == email_id, *_due(now))
                .values(locked_until=now + CLAIM_FOR)
                .execution_options(synchronize_session=False)
            ),
        )
        if result.rowcount == 1:
            claimed_ids.append(email_id)
    db.commit()
    if not claimed_ids:
        return []
    return list(
        db.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.id.in_(claimed_ids))
            .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
            .execution_options(populate_existing=True)
        )
    )


def _release(db: Session, emails: list[OutboxEmail]) -> None:
    for email in emails:
        email.locked_until = None
    db.commit()


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


def _failed(email: OutboxEmail, error: Exception, now: datetime, permanent: bool = False) -> bool:
    """Record a failed attempt; False when the email is given up: refused for good, or out of
    attempts."""
    email.attempts += 1
    email.last_error = _describe(error)
    email.locked_until = None
    if permanent or email.attempts >= MAX_ATTEMPTS:
        email.given_up_at = now
        # The id, not the address: logs travel further than the database.
        logger.error(
            "Gave up sending email %s, %s: %s",
            email.id,
            "refused for good" if permanent else f"after {email.attempts} attempts",
            email.last_error,
        )
        return False
    email.next_attempt_at = now + BACK_OFF[email.attempts - 1]
    logger.warning(
        "Could not send email %s (attempt %s), will try again at %s: %s",
        email.id,
        email.attempts,
        email.next_attempt_at.isoformat(),
        email.last_error,
    )
    return True


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
