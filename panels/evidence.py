"""Evidence of progress on an action (a revised procedure, a training record): kept when the owning
agency reports progress, read by a worker in the core's limited process (`portal.documents`),
as reviews are, and offered to whoever can see the action once read.

`report` checks at once what can be checked at once (who may report, what the upload is), so a
plain mistake is shown on the form, and queues reading the file with the progress it belongs to;
the person follows the reading on `/jobs/<id>`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from agencies.models import User
from panels import actions
from panels.models.actions import Action, ActionEvidence, ActionUpdate, EvidenceState
from portal import audit, downloads, jobs
from portal.documents import UnreadableDocument, check_upload, read_document
from portal.errors import DomainError
from portal.policy import authorise
from portal.urls import path_for

READ_EVIDENCE = "panels.read-evidence"
WHAT = "The evidence"
# Enough for any action's procedures and records; a plan is not a file store.
MAX_PER_ACTION = 20


@dataclass(frozen=True)
class Upload:
    """A file as the person's browser sent it: its name, and at most MAX_BYTES + 1 of it."""

    filename: str
    data: bytes


def report(
    db: Session, actor: User, action: Action, text: str, upload: Upload | None
) -> tuple[ActionUpdate, jobs.Job | None]:
    """Progress on the action, with the evidence for it if a file is attached: the file is kept
    and a worker is asked to read it (the job the person follows)."""
    update = actions.report_progress(db, actor, action, text)
    if upload is None:
        return update, None
    evidence = attach(db, actor, action, update, upload)
    job = jobs.enqueue(
        db,
        READ_EVIDENCE,
        {"evidence_id": evidence.id},
        requested_by_id=actor.id,
        title=f"Reading {evidence.filename}, evidence for action {action.reference}",
        back_path=path_for("panels.action_detail", action_id=action.id),
    )
    return update, job


def attach(
    db: Session, actor: User, action: Action, update: ActionUpdate, upload: Upload
) -> ActionEvidence:
    """Keep an uploaded file as evidence of `update`, to be read by `read`."""
    authorise(actor, "report_progress", action, "Only the owning agency can add evidence.")
    if update.action_id != action.id:
        raise DomainError("Evidence belongs with progress on the same action.")
    check_upload(upload.filename, upload.data, WHAT)
    if len(action.evidence) >= MAX_PER_ACTION:
        raise DomainError(
            f"An action holds at most {MAX_PER_ACTION} files of evidence; describe the rest "
            "in the progress."
        )
    evidence = ActionEvidence(
        action=action,
        update=update,
        filename=downloads.safe_name(upload.filename, _kind(upload.filename))[:255],
        content_type=downloads.kind_of(upload.data).mimetype,
        size=len(upload.data),
        original=upload.data,
        state=EvidenceState.READING,
        uploaded_by_id=actor.id,
    )
    db.add(evidence)
    db.flush()
    audit.record(
        db,
        actor.id,
        "action.evidence_attached",
        "action",
        action.id,
        evidence=evidence.id,
        filename=evidence.filename,
        size=evidence.size,
    )
    return evidence


def _kind(filename: str) -> downloads.Kind:
    """The kind its name says, so the name keeps its extension; what it is comes from its bytes."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return {"pdf": downloads.PDF, "docx": downloads.WORD}.get(suffix, downloads.TEXT)


def read(db: Session, evidence: ActionEvidence) -> None:
    """Read the evidence's text in a limited process; UnreadableDocument if it cannot be read.
    Takes as long as the document does: a worker's job, not a request's."""
    evidence.text = read_document(evidence.filename, evidence.original, what=WHAT)
    evidence.state = EvidenceState.READ
    audit.record(
        db, None, "action.evidence_read", "action", evidence.action_id, evidence=evidence.id
    )


def refuse(db: Session, evidence: ActionEvidence, reason: str) -> None:
    """The reader refused the file: nobody is offered it, and the person who attached it is told
    why on the action."""
    evidence.state = EvidenceState.UNREADABLE
    evidence.refusal = reason
    evidence.original = b""
    audit.record(
        db,
        None,
        "action.evidence_unreadable",
        "action",
        evidence.action_id,
        evidence=evidence.id,
        reason=reason,
    )


@jobs.handler(READ_EVIDENCE)
def _read_evidence(db: Session, job: jobs.Job, progress: jobs.Progress) -> str | None:
    evidence = db.get(ActionEvidence, job.payload["evidence_id"])
    if evidence is None:
        raise DomainError("The evidence no longer exists.")
    progress("Reading the evidence…")
    try:
        read(db, evidence)
    except UnreadableDocument as refused:
        refuse(db, evidence, refused.message)
        return refused.message
    job.done_path = path_for("panels.action_detail", action_id=evidence.action_id)
    job.outcome = (
        f"{evidence.filename} has been read and is listed with the progress on action "
        f"{evidence.action.reference}."
    )
    return None


def check_readable(actor: User, evidence: ActionEvidence) -> None:
    """Whether `actor` may read this evidence: whoever can see its action, once it is read."""
    authorise(actor, "view", evidence.action, "You cannot see this action or its evidence.")
    if evidence.state is not EvidenceState.READ:
        raise DomainError(
            "This evidence is still being read."
            if evidence.state is EvidenceState.READING
            else "This evidence could not be read, so it is not kept."
        )


def open_original(db: Session, actor: User, evidence: ActionEvidence) -> bytes:
    """The evidence as uploaded, for whoever can see its action: audited."""
    check_readable(actor, evidence)
    audit.record(
        db,
        actor.id,
        "action.evidence_downloaded",
        "action",
        evidence.action_id,
        evidence=evidence.id,
    )
    return evidence.original
