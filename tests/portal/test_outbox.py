"""Emails go through the job queue: each is sent once, through a real SMTP server, by the job
queued with it; a failure for now is recorded and retried with back-off, then set aside for the
administrator; a refusal for good is given up at once; every attempt has the same Message-ID."""

from __future__ import annotations

import logging
import re
import smtplib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.orm import Session, sessionmaker

from portal import clock, jobs, migrate, outbox
from portal.config import from_environment
from portal.jobs import Job, JobState
from portal.outbox import MAX_ATTEMPTS, OutboxEmail, SmtpSettings
from tests.support.postgres import free_port
from tests.support.work import run_jobs


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
def mail_server(app: Flask) -> Iterator[MailServer]:
    """A mail server on loopback, and the portal configured to send through it."""
    server = MailServer()
    controller = _running(server)
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, MAIL_FROM="learning-panels@example.gov.uk"
    )
    yield server
    controller.stop()


def _queued(db: Session, subject: str = "Invitation to a learning panel") -> OutboxEmail:
    email = outbox.enqueue(
        db, "grace@example.gov.uk", subject, "You are invited — see the portal.\n"
    )
    db.commit()
    return email


def job_of(db: Session, email: OutboxEmail) -> Job:
    """The job that sends the email, as the database holds it now."""
    db.expire_all()
    (job,) = [
        job
        for job in db.scalars(select(Job).where(Job.kind == outbox.SEND))
        if job.payload == {"email_id": email.id}
    ]
    return job


def fresh(db: Session, email: OutboxEmail) -> OutboxEmail:
    db.refresh(email)
    return email


def test_an_enqueued_email_is_sent_once_by_its_job(
    app: Flask, db: Session, mail_server: MailServer
) -> None:
    email = _queued(db, "Panel 3 — invitation")
    job = job_of(db, email)

    assert run_jobs(app) == [job.id]
    assert run_jobs(app) == []

    assert len(mail_server.messages) == 1
    message = mail_server.messages[0]
    assert message["To"] == "grace@example.gov.uk"
    assert message["From"] == "learning-panels@example.gov.uk"
    assert message["Subject"] == "Panel 3 — invitation"
    assert message.get_content().replace("\r\n", "\n") == "You are invited — see the portal.\n"
    assert message["Message-ID"] == email.message_id
    fresh(db, email)
    assert email.sent_at is not None
    assert (email.attempts, email.last_error, email.given_up_at) == (0, None, None)
    assert job_of(db, email).state is JobState.DONE


def test_an_email_and_its_job_are_queued_only_when_the_change_commits(db: Session) -> None:
    outbox.enqueue(db, "grace@example.gov.uk", "Subject", "Body")
    db.rollback()
    assert db.scalars(select(OutboxEmail)).all() == []
    assert db.scalars(select(Job)).all() == []

    email = outbox.enqueue(db, "grace@example.gov.uk", "Subject", "Body")
    db.commit()
    job = job_of(db, email)
    assert (job.kind, job.state) == ("email.send", JobState.QUEUED)


def test_an_email_already_sent_or_given_up_is_not_sent_again(
    app: Flask, db: Session, mail_server: MailServer
) -> None:
    sent = _queued(db, "Sent")
    given_up = _queued(db, "Given up")
    run_jobs(app)
    given_up.sent_at = None
    given_up.given_up_at = clock.now()
    db.commit()
    assert mail_server.subjects() == ["Sent", "Given up"]

    # A job run once more for each (queued twice by mistake, say) sends nothing.
    again = [jobs.enqueue(db, outbox.SEND, {"email_id": e.id}) for e in (sent, given_up)]
    db.commit()
    assert sorted(run_jobs(app)) == sorted(job.id for job in again)
    assert mail_server.subjects() == ["Sent", "Given up"]
    for job in again:
        db.refresh(job)
        assert job.state is JobState.DONE


def test_a_refused_email_is_retried_after_the_back_off_and_then_delivered(
    app: Flask, db: Session, mail_server: MailServer
) -> None:
    email = _queued(db)
    mail_server.refuse_next = 1
    now = clock.now()

    run_jobs(app, now)
    job = job_of(db, email)
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    assert job.run_after == now + outbox.BACK_OFF[0]
    assert job.last_error == "EmailNotSent: 451 4.3.0 Try again later"
    # Recorded on the email too, although the queue rolled the failed job's writes back.
    fresh(db, email)
    assert email.attempts == 1
    assert email.last_error == "451 4.3.0 Try again later"
    assert email.sent_at is None and email.given_up_at is None

    assert run_jobs(app, now + outbox.BACK_OFF[0] - timedelta(seconds=1)) == []
    assert mail_server.messages == []

    assert run_jobs(app, now + outbox.BACK_OFF[0]) == [job.id]
    assert mail_server.subjects() == ["Invitation to a learning panel"]
    assert fresh(db, email).sent_at is not None
    assert job_of(db, email).state is JobState.DONE


def test_back_off_grows_with_each_failure(app: Flask, db: Session, mail_server: MailServer) -> None:
    email = _queued(db)
    mail_server.refuse_next = 3
    now = clock.now()
    waits = []
    for _ in range(3):
        run_jobs(app, now)
        run_after = job_of(db, email).run_after
        waits.append(run_after - now)
        now = run_after
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
    assert fresh(db, email).attempts == 3


def test_an_email_that_keeps_failing_is_set_aside_for_the_administrator(
    app: Flask, db: Session, mail_server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    email = _queued(db)
    mail_server.refuse_next = 1000
    now = clock.now()
    for _ in range(MAX_ATTEMPTS):
        assert len(run_jobs(app, now)) == 1
        now = job_of(db, email).run_after

    job = job_of(db, email)
    assert (job.state, job.attempts) == (JobState.SET_ASIDE, MAX_ATTEMPTS)
    assert [aside.id for aside in jobs.set_aside(db)] == [job.id]
    assert run_jobs(app, now + timedelta(days=365)) == []
    fresh(db, email)
    assert email.attempts == MAX_ATTEMPTS
    assert email.last_error == "451 4.3.0 Try again later"
    assert email.sent_at is None and email.given_up_at is None
    assert mail_server.messages == []
    assert any(
        record.levelno == logging.ERROR and "set aside" in record.getMessage()
        for record in caplog.records
    )

    # Once the mail server is put right, the administrator tries the job again and it goes.
    mail_server.refuse_next = 0
    jobs.try_again(db, None, job)
    db.commit()
    assert run_jobs(app) == [job.id]
    assert mail_server.message_ids() == [email.message_id]
    assert fresh(db, email).sent_at is not None


def test_with_no_server_listening_the_failure_is_recorded_and_retried(
    app: Flask, db: Session
) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    first, second = _queued(db, "First"), _queued(db, "Second")

    assert len(run_jobs(app)) == 2

    for email in (first, second):
        assert job_of(db, email).state is JobState.QUEUED
        fresh(db, email)
        assert email.attempts == 1
        assert email.sent_at is None and email.given_up_at is None
        assert email.last_error is not None
        assert email.last_error.startswith("ConnectionRefusedError")


def test_a_refused_recipient_does_not_hold_up_the_others(
    app: Flask, db: Session, mail_server: MailServer
) -> None:
    mail_server.mailbox_refusals["nobody@example.gov.uk"] = "550 5.1.1 No such mailbox"
    refused = outbox.enqueue(db, "nobody@example.gov.uk", "To nobody", "Body")
    delivered = _queued(db, "To Grace")

    assert len(run_jobs(app)) == 2

    assert mail_server.subjects() == ["To Grace"]
    assert fresh(db, delivered).sent_at is not None
    assert job_of(db, delivered).state is JobState.DONE
    assert job_of(db, refused).state is JobState.REFUSED
    fresh(db, refused)
    assert refused.given_up_at is not None
    assert refused.last_error is not None
    assert "550 5.1.1 No such mailbox" in refused.last_error


def test_a_header_that_cannot_be_written_is_given_up_and_nothing_is_sent(
    app: Flask, db: Session, mail_server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    smuggled = outbox.enqueue(
        db, "grace@example.gov.uk\nBcc: everyone@example.gov.uk", "Smuggled", "Body"
    )
    _queued(db, "Honest")

    assert len(run_jobs(app)) == 2

    assert mail_server.subjects() == ["Honest"]
    assert all(message["Bcc"] is None for message in mail_server.messages)
    fresh(db, smuggled)
    assert smuggled.sent_at is None and smuggled.given_up_at is not None
    assert smuggled.last_error is not None and smuggled.last_error.startswith("ValueError")
    job = job_of(db, smuggled)
    assert job.state is JobState.REFUSED
    assert job.outcome is not None and "ValueError" in job.outcome
    assert any(
        record.levelno == logging.ERROR and "refused for good" in record.getMessage()
        for record in caplog.records
    )


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
    app: Flask,
    db: Session,
    mail_server: MailServer,
    caplog: pytest.LogCaptureFixture,
    where: str,
) -> None:
    reply, _error = PERMANENT[where]
    email = _queued(db)
    _refuse(mail_server, where, reply)
    now = clock.now()

    assert len(run_jobs(app, now)) == 1

    # The job ends, refused, and is not retried; the email keeps the server's answer.
    job = job_of(db, email)
    assert (job.state, job.attempts) == (JobState.REFUSED, 1)
    assert job.outcome is not None and reply in job.outcome
    fresh(db, email)
    assert email.attempts == 1
    assert email.given_up_at is not None
    assert email.sent_at is None
    assert email.last_error is not None and reply in email.last_error
    assert any(
        record.levelno == logging.ERROR and "refused for good" in record.getMessage()
        for record in caplog.records
    )
    # Not tried again at any of the times a temporary failure would have been.
    _relent(mail_server)
    for wait in outbox.BACK_OFF:
        assert run_jobs(app, now + wait) == []
    assert mail_server.messages == []
    assert fresh(db, email).attempts == 1


@pytest.mark.parametrize("where", sorted(TEMPORARY))
def test_an_email_refused_for_now_is_retried_after_the_back_off(
    app: Flask, db: Session, mail_server: MailServer, where: str
) -> None:
    reply, _error = TEMPORARY[where]
    email = _queued(db)
    _refuse(mail_server, where, reply)
    now = clock.now()

    assert len(run_jobs(app, now)) == 1
    job = job_of(db, email)
    assert job.state is JobState.QUEUED
    assert job.run_after == now + outbox.BACK_OFF[0]
    fresh(db, email)
    assert email.given_up_at is None
    assert email.last_error is not None and reply in email.last_error

    _relent(mail_server)
    assert run_jobs(app, now + outbox.BACK_OFF[0]) == [job.id]
    assert mail_server.message_ids() == [email.message_id]
    assert fresh(db, email).sent_at is not None


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
    app: Flask, db: Session
) -> None:
    server = MailServer()
    controller = _running(
        server, authenticator=server.authenticate, auth_required=True, auth_require_tls=False
    )
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, MAIL_FROM="p@example.gov.uk")
    try:
        email = _queued(db)
        # The server answers MAIL FROM with "530 5.7.0 Authentication required".
        assert len(run_jobs(app)) == 1
    finally:
        controller.stop()
    assert job_of(db, email).state is JobState.QUEUED
    fresh(db, email)
    assert email.given_up_at is None
    assert email.last_error is not None and email.last_error.startswith("530")


def test_each_email_gets_its_own_message_id_when_it_is_queued(
    app: Flask, db: Session, mail_server: MailServer
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
    assert len(run_jobs(app)) == 3
    assert sorted(mail_server.message_ids()) == sorted(
        [first.message_id, second.message_id, third.message_id]
    )


class WorkerKilled(BaseException):
    """The worker's process ends (killed, the machine lost) between two lines of run_one."""


def test_a_resend_after_a_worker_died_between_sending_and_recording_has_the_same_message_id(
    app: Flask, db: Session, mail_server: MailServer
) -> None:
    email = _queued(db)
    now = clock.now()
    dying: sessionmaker[Session] = sessionmaker(app.extensions["db_engine"])
    commits: list[Session] = []

    @event.listens_for(dying, "before_commit")
    def die_before_recording(session: Session) -> None:
        # The first commit is the job's claim; the next would record the email as sent.
        commits.append(session)
        if len(commits) > 1:
            raise WorkerKilled

    with app.app_context(), pytest.raises(WorkerKilled):
        jobs.run_one(dying, now)
    assert len(mail_server.messages) == 1
    assert fresh(db, email).sent_at is None
    assert job_of(db, email).state is JobState.RUNNING
    assert run_jobs(app, now) == []  # the dead worker's lease still holds the job

    resent = run_jobs(app, now + jobs.LEASE + timedelta(seconds=1))

    assert resent == [job_of(db, email).id]
    assert mail_server.message_ids() == [email.message_id, email.message_id]
    assert fresh(db, email).sent_at is not None


def test_workers_sending_at_the_same_time_send_each_email_once(
    app: Flask, db: Session, mail_server: MailServer
) -> None:
    subjects = [f"Email {number}" for number in range(24)]
    for subject in subjects:
        outbox.enqueue(db, "grace@example.gov.uk", subject, "Body")
    db.commit()
    start = threading.Barrier(4)
    done: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            done.extend(run_jobs(app))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(mail_server.subjects()) == sorted(subjects)
    assert len(done) == len(set(done)) == len(subjects)


# Plain-text sign-in is only for this loopback test server; the portal can use STARTTLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_worker_signs_in_to_the_server_when_configured(app: Flask, db: Session) -> None:
    server = MailServer()
    controller = _running(
        server, authenticator=server.authenticate, auth_required=True, auth_require_tls=False
    )
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=server.port,
        SMTP_USERNAME="portal",
        SMTP_PASSWORD="wrong-password",
        MAIL_FROM="p@x",
    )
    try:
        email = _queued(db, "Signed in")
        now = clock.now()
        assert len(run_jobs(app, now)) == 1
        assert job_of(db, email).state is JobState.QUEUED
        assert fresh(db, email).last_error == "535 5.7.8 Authentication credentials invalid"

        app.config["SMTP_PASSWORD"] = "right-password"
        assert len(run_jobs(app, now + outbox.BACK_OFF[0])) == 1
    finally:
        controller.stop()
    # smtplib tries each mechanism the server offers before it gives up on a password.
    assert set(server.logins) == {(b"portal", b"wrong-password"), (b"portal", b"right-password")}
    assert server.logins[-1] == (b"portal", b"right-password")
    assert server.subjects() == ["Signed in"]
    assert fresh(db, email).sent_at is not None


def test_the_worker_command_sends_the_email_that_is_due(
    app: Flask, db: Session, mail_server: MailServer
) -> None:
    app.config["MAIL_FROM"] = "panels@example.gov.uk"
    email = _queued(db, "From the command")

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 0, (result.output, result.exception)
    assert mail_server.subjects() == ["From the command"]
    assert mail_server.messages[0]["From"] == "panels@example.gov.uk"
    assert fresh(db, email).sent_at is not None
    # The mail worker of its own is no more.
    gone = app.test_cli_runner().invoke(args=["send-email", "--once"])
    assert gone.exit_code != 0 and "No such command" in gone.output


def test_emails_waiting_for_the_old_mail_worker_are_queued_for_the_job_queue(
    database_url: str,
) -> None:
    migrate.downgrade(database_url, "0007")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        for number, (sent, given_up) in enumerate(
            [(None, None), ("2026-11-01 10:00:00", None), (None, "2026-11-01 10:00:00")]
        ):
            connection.execute(
                text(
                    "INSERT INTO outbox_emails (to_address, subject, body, message_id, created_at,"
                    " attempts, next_attempt_at, sent_at, given_up_at) VALUES ('a@example.gov.uk',"
                    " 'Subject', 'Body', :message_id, '2026-11-01 09:00:00', 2,"
                    " '2026-11-01 09:06:00', :sent, :given_up)"
                ),
                {"message_id": f"<{number}@learning-panels>", "sent": sent, "given_up": given_up},
            )
    migrate.upgrade(database_url)

    with Session(engine) as db:
        waiting = db.scalars(select(OutboxEmail).where(OutboxEmail.sent_at.is_(None))).first()
        assert waiting is not None and waiting.message_id == "<0@learning-panels>"
        queued = db.scalars(select(Job)).all()
        assert [(job.kind, job.payload, job.state) for job in queued] == [
            ("email.send", {"email_id": waiting.id}, JobState.QUEUED)
        ]
        assert queued[0].run_after == datetime(2026, 11, 1, 9, 6, tzinfo=UTC)
        assert queued[0].attempts == 0

    migrate.downgrade(database_url, "0007")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM jobs")) == 0
        assert (
            connection.scalar(
                text("SELECT count(*) FROM outbox_emails WHERE next_attempt_at = created_at")
            )
            == 3
        )
    migrate.upgrade(database_url)
    engine.dispose()


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
