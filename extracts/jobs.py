"""The extracts area's slow work, done by workers while the person follows it on `/jobs/<id>`:
reading an uploaded review, finding what to redact in it, issuing each recipient's PDF.

Each `*_later` function checks at once what can be checked at once (who may do it, what the
upload is), so a plain mistake is shown on the form; it then queues the job with the change
that needs it. The job's handler does the work with the same operations, asking again whether
the person may still do it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from extracts import extracts, reviews
from extracts.document_reader import UnreadableDocument
from extracts.models import Extract, ReviewDocument
from panels.models.cases import Case
from portal import audit, jobs
from portal.errors import DomainError
from portal.urls import path_for

READ_REVIEW = "extracts.read-review"
PREPARE = "extracts.prepare"
ISSUE = "extracts.issue"
T = TypeVar("T")


def read_review_later(
    db: Session, actor: User, case: Case, filename: str, content_type: str, data: bytes
) -> jobs.Job:
    """Keep the upload and queue reading it."""
    document = reviews.receive_review(db, actor, case, filename, content_type, data)
    return jobs.enqueue(
        db,
        READ_REVIEW,
        {"document_id": document.id},
        requested_by_id=actor.id,
        title=f"Reading the review of case {case.reference}",
        back_path=path_for("extracts.review", case_id=case.id),
    )


@jobs.handler(READ_REVIEW)
def _read_review(db: Session, job: jobs.Job, progress: jobs.Progress) -> str | None:
    document = db.get(ReviewDocument, job.payload["document_id"])
    assert document is not None  # reviews are never deleted
    progress("Reading the review…")
    try:
        reviews.read_review(db, document)
    except UnreadableDocument as refused:
        reviews.refuse_review(db, document, refused.message)
        return refused.message
    job.done_path = path_for("extracts.review", case_id=document.case_id)
    job.outcome = f"The review has been read: {len(document.sections)} sections."
    return None


def prepare_later(db: Session, actor: User, case: Case, show_recipient_name: bool) -> jobs.Job:
    """Queue preparing a new extract of the case's latest review."""
    extracts.check_start(db, actor, case)
    return jobs.enqueue(
        db,
        PREPARE,
        {"case_id": case.id, "actor_id": actor.id, "show_recipient_name": show_recipient_name},
        requested_by_id=actor.id,
        title=f"Preparing an extract of the review of case {case.reference}",
        back_path=path_for("extracts.review", case_id=case.id),
    )


@jobs.handler(PREPARE)
def _prepare(db: Session, job: jobs.Job, progress: jobs.Progress) -> None:
    actor, case = _get(db, User, job.payload["actor_id"]), _get(db, Case, job.payload["case_id"])
    progress("Finding what to redact…")
    extract = extracts.start(db, actor, case, bool(job.payload["show_recipient_name"]))
    job.done_path = path_for("extracts.extract_detail", extract_id=extract.id)
    job.outcome = f"Extract {extract.reference} is ready: check each proposed redaction."


def issue_later(
    db: Session,
    actor: User,
    extract: Extract,
    recipients: list[User],
    expires_at: datetime | None,
) -> jobs.Job:
    """Queue making, checking and issuing each recipient's PDF."""
    extracts.check_issue(actor, extract, recipients)
    copies = f"{len(recipients)} {'copy' if len(recipients) == 1 else 'copies'}"
    return jobs.enqueue(
        db,
        ISSUE,
        {
            "extract_id": extract.id,
            "actor_id": actor.id,
            "recipient_ids": [recipient.id for recipient in recipients],
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
        requested_by_id=actor.id,
        title=f"Issuing {copies} of extract {extract.reference}",
        back_path=path_for("extracts.extract_issue", extract_id=extract.id),
    )


@jobs.handler(ISSUE)
def _issue(db: Session, job: jobs.Job, progress: jobs.Progress) -> str | None:
    actor = _get(db, User, job.payload["actor_id"])
    extract = _get(db, Extract, job.payload["extract_id"])
    chosen = set(job.payload["recipient_ids"])
    recipients = list(db.scalars(select(User).where(User.id.in_(chosen)).order_by(User.name)))
    expires = job.payload["expires_at"]
    try:
        issued = extracts.issue(
            db,
            actor,
            extract,
            recipients,
            datetime.fromisoformat(expires) if expires else None,
            progress,
        )
    except extracts.LeakFound as leak:
        db.rollback()
        audit.record(
            db,
            actor.id,
            "extract.issue_refused",
            "extract",
            extract.id,
            recipient=leak.recipient.id,
            leaks=leak.leaks,
        )
        return leak.message
    job.done_path = path_for("extracts.extract_detail", extract_id=extract.id)
    people = f"{len(issued)} {'person' if len(issued) == 1 else 'people'}"
    job.outcome = f"The extract has been issued to {people}."
    return None


def _get(db: Session, model: type[T], id_: int) -> T:
    found = db.get(model, id_)
    if found is None:
        raise DomainError("What this was for no longer exists.")
    return found
