"""The outbox sends each email once, through a real SMTP server, retries when it fails for now,
gives up at once when it is refused for good, and sends every attempt with the same Message-ID."""

from __future__ import annotations

import logging
import re
import smtplib
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock, outbox
from portal.config import from_environment
from portal.outbox import MAX_ATTEMPTS, OutboxEmail, SmtpSettings
from tests.support.postgres import free_port


class MailServer:
    """What a real SMTP server (aiosmtpd) received, and how it should misbehave."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_next = 0  # answer DATA with `refusal` this many times
        self.refusal = "451 4.3.0 Try again later"
        self.sender_refusal: str | None = None  # the answer to MAIL FROM, if not "250 OK"
        self.mailbox_refusals: dict[str, str] = {}  # the answer to RCPT TO, by address
        self.logins: list[tuple[bytes, bytes]] = []
        self.port = free_port()

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.sender_refusal:
            return self.sender_refusal
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.mailbox_refusals:
            return self.mailbox_refusals[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_next:
            self.refuse_next -= 1
            return self.refusal
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login, data.password))
        # handled=False: aiosmtpd answers "535" itself rather than leaving the client waiting.
        return AuthResult(success=data.password == b"right-password", handled=False)

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.messages]

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


def _running(server: MailServer, **options: Any) -> Controller:
    controller = Controller(
        server, hostname="127.0.0.1", port=server.port, server_hostname="localhost", **options
    )
    controller.start()
    return controller


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    controller = _running(server)
    yield server
    controller.stop()


@pytest.fixture
def settings(mail_server: MailServer) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=mail_server.port,
        username=None,
        password=None,
        starttls=False,
        sender="learning-panels@example.gov.uk",
    )


def _queued(db: Session, subject: str = "Invitation to a learning panel") -> OutboxEmail:
    email = outbox.enqueue(
        db, "grace@example.gov.uk", subject, "You are invited — see the portal.\n"
    )
    db.commit()
    return email


def test_an_enqueued_email_is_delivered_once(
    db: Session, mail_server: MailServer, settings: SmtpSettings
) -> None:
    email = _queued(db, "Panel 3 — invitation")

    first = outbox.send_due(db, settings)
    second = outbox.send_due(db, settings)

    assert first == outbox.SendReport(sent=1)
    assert second == outbox.SendReport()
    assert len(mail_server.messages) == 1
    message = mail_server.messages[0]
    assert message["To"] == "grace@example.gov.uk"
    assert message["From"] == "learning-panels@example.gov.uk"
    assert message["Subject"] == "Panel 3 — invitation"
    assert message.get_content().replace("\r\n", "\n") == "You are invited — see the portal.\n"
    db.expire_all()
    assert email.sent_at is not None
    assert email.attempts == 0
    assert email.locked_until is None
    assert message["Message-ID"] == email.message_id


def test_nothing_is_enqueued_until_the_caller_commits(db: Session) -> None:
    outbox.enqueue(db, "grace@example.gov.uk", "Subject", "Body")
    db.rollback()
    assert db.scalars(select(OutboxEmail)).all() == []


def test_a_refused_email_is_retried_after_the_back_off_and_then_delivered(
    db: Session, mail_server: MailServer, settings: SmtpSettings
) -> None:
    email = _queued(db)
    mail_server.refuse_next = 1
    now = clock.now()

    refused = outbox.send_due(db, settings, now=now)
    assert refused == outbox.SendReport(failed=1)
    assert email.attempts == 1
    assert email.last_error == "451 4.3.0 Try again later"
    assert email.next_attempt_at == now + outbox.BACK_OFF[0]
    assert email.sent_at is None

    too_soon = outbox.send_due(db, settings, now=now + outbox.BACK_OFF[0] - timedelta(seconds=1))
    assert too_soon == outbox.SendReport()
    assert mail_server.messages == []

    retried = outbox.send_due(db, settings, now=now + outbox.BACK_OFF[0])
    assert retried == outbox.SendReport(sent=1)
    assert mail_server.subjects() == ["Invitation to a learning panel"]
    assert email.sent_at is not None


def test_back_off_grows_with_each_failure(
    db: Session, mail_server: MailServer, settings: SmtpSettings
) -> None:
    email = _queued(db)
    mail_server.refuse_next = 3
    now = clock.now()
    waits = []
    for _ in range(3):
        outbox.send_due(db, settings, now=now)
        waits.append(email.next_attempt_at - now)
        now = email.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]


def test_an_email_is_given_up_after_the_last_attempt(
    db: Session,
    mail_server: MailServer,
    settings: SmtpSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    email = _queued(db)
    mail_server.refuse_next = 1000
    now = clock.now()
    reports = []
    for _ in range(MAX_ATTEMPTS):
        reports.append(outbox.send_due(db, settings, now=now))
        now = email.next_attempt_at

    assert reports[:-1] == [outbox.SendReport(failed=1)] * (MAX_ATTEMPTS - 1)
    assert reports[-1] == outbox.SendReport(given_up=1)
    assert outbox.send_due(db, settings, now=now + timedelta(days=365)) == outbox.SendReport()
    db.expire_all()
    assert email.attempts == MAX_ATTEMPTS
    assert email.sent_at is None
    assert email.given_up_at is not None
    assert email.last_error == "451 4.3.0 Try again later"
    assert mail_server.messages == []
    assert any(
        record.levelno == logging.ERROR and "Gave up" in record.getMessage()
        for record in caplog.records
    )


def test_with_no_server_listening_the_failure_is_recorded_not_raised(db: Session) -> None:
    first, second = _queued(db, "First"), _queued(db, "Second")
    nowhere = SmtpSettings("127.0.0.1", free_port(), None, None, False, "portal@example.gov.uk")

    report = outbox.send_due(db, nowhere)

    assert report == outbox.SendReport(failed=2)
    for email in (first, second):
        assert email.attempts == 1
        assert email.sent_at is None
        assert email.locked_until is None
        assert email.last_error is not None
        assert email.last_error.startswith("ConnectionRefusedError")


def test_a_refused_recipient_does_not_hold_up_the_others(
    db: Session, mail_server: MailServer, settings: SmtpSettings
) -> None:
    mail_server.mailbox_refusals["nobody@example.gov.uk"] = "550 5.1.1 No such mailbox"
    refused = outbox.enqueue(db, "nobody@example.gov.uk", "To nobody", "Body")
    _queued(db, "To Grace")
    db.commit()

    report = outbox.send_due(db, settings)

    assert report == outbox.SendReport(sent=1, given_up=1)
    assert mail_server.subjects() == ["To Grace"]
    assert refused.last_error is not None
    assert "550 5.1.1 No such mailbox" in refused.last_error


# Where in the conversation the server says no, what it says, and smtplib's name for it.
PERMANENT = {
    "recipient": ("550 5.1.1 No such mailbox", "SMTPRecipientsRefused"),
    "message": ("554 5.6.0 Message refused", "SMTPDataError"),
    "sender": ("553 5.7.1 Sender not allowed", "SMTPSenderRefused"),
}
TEMPORARY = {
    "recipient": ("450 4.2.1 Mailbox busy, try later", "SMTPRecipientsRefused"),
    "message": ("451 4.3.0 Try again later", "SMTPDataError"),
    "sender": ("451 4.7.1 Greylisted, try later", "SMTPSenderRefused"),
}


def _refuse(server: MailServer, where: str, reply: str) -> None:
    if where == "recipient":
        server.mailbox_refusals["grace@example.gov.uk"] = reply
    elif where == "message":
        server.refuse_next, server.refusal = 1000, reply
    else:
        server.sender_refusal = reply


def _relent(server: MailServer) -> None:
    server.mailbox_refusals.clear()
    server.refuse_next, server.sender_refusal = 0, None


@pytest.mark.parametrize("where", sorted(PERMANENT))
def test_an_email_refused_for_good_is_given_up_at_once_not_retried(
    db: Session,
    mail_server: MailServer,
    settings: SmtpSettings,
    caplog: pytest.LogCaptureFixture,
    where: str,
) -> None:
    reply, _error = PERMANENT[where]
    email = _queued(db)
    _refuse(mail_server, where, reply)
    now = clock.now()

    report = outbox.send_due(db, settings, now=now)

    assert report == outbox.SendReport(given_up=1)
    db.expire_all()
    assert email.attempts == 1
    assert email.given_up_at == now
    assert email.sent_at is None
    assert email.last_error is not None and reply in email.last_error
    assert any(
        record.levelno == logging.ERROR and "refused for good" in record.getMessage()
        for record in caplog.records
    )
    # Not tried again at any of the times a temporary failure would have been.
    _relent(mail_server)
    for wait in outbox.BACK_OFF:
        assert outbox.send_due(db, settings, now=now + wait) == outbox.SendReport()
    assert mail_server.messages == []
    assert email.attempts == 1


@pytest.mark.parametrize("where", sorted(TEMPORARY))
def test_an_email_refused_for_now_is_retried_after_the_back_off(
    db: Session, mail_server: MailServer, settings: SmtpSettings, where: str
) -> None:
    reply, _error = TEMPORARY[where]
    email = _queued(db)
    _refuse(mail_server, where, reply)
    now = clock.now()

    assert outbox.send_due(db, settings, now=now) == outbox.SendReport(failed=1)
    assert email.given_up_at is None
    assert email.next_attempt_at == now + outbox.BACK_OFF[0]
    assert email.last_error is not None and reply in email.last_error

    _relent(mail_server)
    assert outbox.send_due(db, settings, now=now + outbox.BACK_OFF[0]) == (
        outbox.SendReport(sent=1)
    )
    assert mail_server.message_ids() == [email.message_id]


@pytest.mark.parametrize("permanent", [True, False])
@pytest.mark.parametrize("where", sorted(PERMANENT))
def test_smtplib_refusals_are_told_apart_by_their_code(permanent: bool, where: str) -> None:
    """Each kind of refusal smtplib raises is judged by its code, not by where it came."""
    reply, name = (PERMANENT if permanent else TEMPORARY)[where]
    code, text = int(reply[:3]), reply[4:].encode()
    error: Exception = {
        "SMTPRecipientsRefused": lambda: smtplib.SMTPRecipientsRefused({"a@b": (code, text)}),
        "SMTPDataError": lambda: smtplib.SMTPDataError(code, text),
        "SMTPSenderRefused": lambda: smtplib.SMTPSenderRefused(code, text, "a@b"),
    }[name]()
    assert outbox.is_permanent(error) is permanent


def test_failing_to_connect_or_to_sign_in_is_never_permanent() -> None:
    assert not outbox.is_permanent(ConnectionRefusedError())
    assert not outbox.is_permanent(smtplib.SMTPServerDisconnected("gone"))
    assert not outbox.is_permanent(smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad password"))


# Plain-text sign-in is only for this loopback test server; the portal can use STARTTLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_server_wanting_a_sign_in_the_settings_lack_is_retried_not_given_up(
    db: Session,
) -> None:
    server = MailServer()
    controller = _running(
        server, authenticator=server.authenticate, auth_required=True, auth_require_tls=False
    )
    try:
        settings = SmtpSettings("127.0.0.1", server.port, None, None, False, "p@example.gov.uk")
        email = _queued(db)

        # The server answers MAIL FROM with "530 5.7.0 Authentication required".
        assert outbox.send_due(db, settings) == outbox.SendReport(failed=1)
    finally:
        controller.stop()
    assert email.given_up_at is None
    assert email.last_error is not None and email.last_error.startswith("530")


def test_each_email_gets_its_own_message_id_when_it_is_queued(
    app: Flask, db: Session, mail_server: MailServer, settings: SmtpSettings
) -> None:
    app.config["MAIL_FROM"] = "Learning panels <learning-panels@panels.example.gov.uk>"
    with app.app_context():
        first = outbox.enqueue(db, "grace@example.gov.uk", "First", "Body")
        second = outbox.enqueue(db, "alan@example.gov.uk", "Second", "Body")
    # Outside the application (a script, say) there is no sender to take the domain from.
    third = outbox.enqueue(db, "ada@example.gov.uk", "Third", "Body")

    assert re.fullmatch(r"<[0-9a-f]{32}@panels\.example\.gov\.uk>", first.message_id)
    assert re.fullmatch(r"<[0-9a-f]{32}@learning-panels>", third.message_id)
    assert len({first.message_id, second.message_id, third.message_id}) == 3
    db.commit()
    assert outbox.send_due(db, settings) == outbox.SendReport(sent=3)
    assert sorted(mail_server.message_ids()) == sorted(
        [first.message_id, second.message_id, third.message_id]
    )


class WorkerKilled(BaseException):
    """The worker's process ends (killed, the machine lost) between two lines of send_due."""


def test_a_resend_after_a_worker_died_between_sending_and_recording_has_the_same_message_id(
    app: Flask,
    db: Session,
    mail_server: MailServer,
    settings: SmtpSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    email = _queued(db)
    now = clock.now()
    dying: Session = app.extensions["db_sessionmaker"]()
    commits = []
    commit = dying.commit

    def commit_unless_sent() -> None:
        # The first commit is the claim; the next would record the email as sent.
        commits.append(1)
        if len(commits) > 1:
            raise WorkerKilled
        commit()

    monkeypatch.setattr(dying, "commit", commit_unless_sent)
    try:
        with pytest.raises(WorkerKilled):
            outbox.send_due(dying, settings, now=now)
    finally:
        dying.close()
    db.expire_all()
    assert email.sent_at is None and len(mail_server.messages) == 1

    resent = outbox.send_due(db, settings, now=now + outbox.CLAIM_FOR)

    assert resent == outbox.SendReport(sent=1)
    assert mail_server.message_ids() == [email.message_id, email.message_id]


def test_an_email_claimed_by_another_worker_is_not_sent(
    db: Session, mail_server: MailServer, settings: SmtpSettings
) -> None:
    email = _queued(db)
    now = clock.now()
    email.locked_until = now + timedelta(minutes=5)
    db.commit()

    assert outbox.send_due(db, settings, now=now) == outbox.SendReport()
    assert mail_server.messages == []

    # A worker that died holding the claim does not keep the email from being sent for ever.
    after_the_claim = outbox.send_due(db, settings, now=now + timedelta(minutes=6))
    assert after_the_claim == outbox.SendReport(sent=1)
    assert len(mail_server.messages) == 1


def test_workers_sending_at_the_same_time_send_each_email_once(
    app: Flask, db: Session, mail_server: MailServer, settings: SmtpSettings
) -> None:
    subjects = [f"Email {number}" for number in range(24)]
    for subject in subjects:
        outbox.enqueue(db, "grace@example.gov.uk", subject, "Body")
    db.commit()
    start = threading.Barrier(4)
    reports: list[outbox.SendReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        session: Session = app.extensions["db_sessionmaker"]()
        try:
            start.wait()
            while (report := outbox.send_due(session, settings, batch=5)).handled:
                reports.append(report)
        except BaseException as error:
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(mail_server.subjects()) == sorted(subjects)
    assert sum(report.sent for report in reports) == len(subjects)


# Plain-text sign-in is only for this loopback test server; the portal can use STARTTLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_worker_signs_in_to_the_server_when_configured(db: Session) -> None:
    server = MailServer()
    controller = _running(
        server, authenticator=server.authenticate, auth_required=True, auth_require_tls=False
    )
    try:
        settings = SmtpSettings("127.0.0.1", server.port, "portal", "right-password", False, "p@x")
        _queued(db, "Signed in")
        wrong = replace(settings, password="wrong-password")

        assert outbox.send_due(db, wrong) == outbox.SendReport(failed=1)
        assert outbox.send_due(db, settings, now=clock.now() + timedelta(minutes=1)) == (
            outbox.SendReport(sent=1)
        )
    finally:
        controller.stop()
    # smtplib tries each mechanism the server offers before it gives up on a password.
    assert set(server.logins) == {(b"portal", b"wrong-password"), (b"portal", b"right-password")}
    assert server.logins[-1] == (b"portal", b"right-password")
    assert server.subjects() == ["Signed in"]


def test_the_send_email_command_sends_what_is_due_once(
    app: Flask, db: Session, mail_server: MailServer
) -> None:
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=mail_server.port, MAIL_FROM="panels@example.gov.uk"
    )
    _queued(db, "From the command")

    result = app.test_cli_runner().invoke(args=["send-email", "--once"])

    assert result.exit_code == 0, (result.output, result.exception)
    assert result.output == "Sent 1, failed 0, given up 0.\n"
    assert mail_server.subjects() == ["From the command"]
    assert mail_server.messages[0]["From"] == "panels@example.gov.uk"


def test_smtp_settings_come_from_the_environment() -> None:
    defaults = outbox.smtp_settings(from_environment({"PORTAL_MODE": "demo"}, "/tmp"))
    assert defaults == SmtpSettings(
        host="localhost",
        port=25,
        username=None,
        password=None,
        starttls=False,
        sender="learning-panels@localhost",
    )
    config = from_environment(
        {
            "SECRET_KEY": "k",
            "SMTP_HOST": "smtp.example.gov.uk",
            "SMTP_PORT": "587",
            "SMTP_USERNAME": "portal",
            "SMTP_PASSWORD": "s3cret",
            "SMTP_STARTTLS": "true",
            "MAIL_FROM": "learning-panels@example.gov.uk",
            "PORTAL_BASE_URL": "https://panels.example.gov.uk/",
        },
        "/tmp",
    )
    configured = outbox.smtp_settings(config)
    assert configured == SmtpSettings(
        "smtp.example.gov.uk", 587, "portal", "s3cret", True, "learning-panels@example.gov.uk"
    )
    assert "s3cret" not in repr(configured)
    assert config["PORTAL_BASE_URL"] == "https://panels.example.gov.uk"
    assert from_environment({"PORTAL_MODE": "demo"}, "/tmp")["PORTAL_BASE_URL"] == (
        "http://127.0.0.1:5000"
    )
