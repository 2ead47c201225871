"""A case's SFO review document: reading an upload's text and cutting it into sections, keeping
it, and naming the parties of the case whom redaction must hide."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from extracts.document_reader import MAX_BYTES as MAX_BYTES  # the upload page reads no more
from extracts.document_reader import check_upload, read_document
from extracts.models import CaseParty, PartyRole, ReviewDocument, ReviewState
from panels.models.cases import Case
from portal import audit
from portal.errors import DomainError
from portal.policy import authorise


@dataclass(frozen=True)
class Section:
    heading: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"heading": self.heading, "text": self.text}


_HEADING = re.compile(r"^(\d+(\.\d+)*\.?\s+\S.{0,80}|[A-Z][A-Z0-9 ,'&()/-]{3,80})$")


def split_sections(text: str) -> list[Section]:
    """Sections at numbered or capitalised heading lines; one section if there are none."""
    sections: list[Section] = []
    heading, lines = "Review", list[str]()
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped and _HEADING.match(stripped) and len(stripped.split()) <= 12:
            if "".join(lines).strip():
                sections.append(Section(heading, "\n".join(lines).strip()))
            heading, lines = stripped, []
        else:
            lines.append(line)
    if "".join(lines).strip():
        sections.append(Section(heading, "\n".join(lines).strip()))
    return sections


def receive_review(
    db: Session, actor: User, case: Case, filename: str, content_type: str, data: bytes
) -> ReviewDocument:
    """Keep an uploaded (or pasted) review, to be read into sections by `read_review`."""
    authorise(actor, "manage_review", case, "Only a chair of this case's panel can add its review.")
    check_upload(filename, data)
    document = ReviewDocument(
        case_id=case.id,
        filename=filename[:255],
        content_type=content_type[:100],
        size=len(data),
        original=data,
        state=ReviewState.READING,
        uploaded_by_id=actor.id,
    )
    db.add(document)
    db.flush()
    audit.record(
        db,
        actor.id,
        "review.uploaded",
        "review_document",
        document.id,
        case=case.reference,
        filename=document.filename,
        size=document.size,
    )
    return document


def read_review(db: Session, document: ReviewDocument) -> None:
    """Read the review's text, in a limited process, into sections; UnreadableDocument if it
    cannot be read. Takes as long as the document does: a worker's job, not a request's."""
    sections = split_sections(read_document(document.filename, document.original))
    document.sections = [section.as_dict() for section in sections]
    document.state = ReviewState.READ
    audit.record(db, None, "review.read", "review_document", document.id, sections=len(sections))


def keep_review(
    db: Session, actor: User, case: Case, filename: str, content_type: str, data: bytes
) -> ReviewDocument:
    """Keep a review and read it at once, for a caller with time and nobody waiting: the
    demo's seed. People's uploads are read by a worker (`extracts.jobs`)."""
    document = receive_review(db, actor, case, filename, content_type, data)
    read_review(db, document)
    return document


def refuse_review(db: Session, document: ReviewDocument, reason: str) -> None:
    document.state = ReviewState.UNREADABLE
    audit.record(db, None, "review.unreadable", "review_document", document.id, reason=reason)


def reading(db: Session, case_id: int) -> list[ReviewDocument]:
    """Reviews of the case uploaded and not read yet, oldest first."""
    return list(
        db.scalars(
            select(ReviewDocument)
            .where(ReviewDocument.case_id == case_id, ReviewDocument.state == ReviewState.READING)
            .order_by(ReviewDocument.id)
        )
    )


def open_original(db: Session, actor: User, document: ReviewDocument) -> bytes:
    """The review as uploaded, unredacted, for someone who prepares extracts: audited."""
    authorise(actor, "view_original", document, "You cannot read the unredacted review.")
    audit.record(db, actor.id, "review.original_downloaded", "review_document", document.id)
    return document.original


def latest_review(db: Session, case_id: int) -> ReviewDocument | None:
    return db.scalars(
        select(ReviewDocument)
        .where(ReviewDocument.case_id == case_id, ReviewDocument.state == ReviewState.READ)
        .order_by(ReviewDocument.uploaded_at.desc(), ReviewDocument.id.desc())
        .limit(1)
    ).first()


def add_party(
    db: Session,
    actor: User,
    case: Case,
    *,
    name: str,
    role: PartyRole,
    agency_id: int | None = None,
    user_id: int | None = None,
) -> CaseParty:
    authorise(actor, "manage_review", case, "Only a chair of this case's panel can name parties.")
    name = " ".join(name.split())
    if len(name) < 2:
        raise DomainError("Enter the person's name.")
    party = CaseParty(
        case_id=case.id,
        name=name,
        role=role,
        agency_id=agency_id,
        user_id=user_id,
        added_by_id=actor.id,
    )
    db.add(party)
    db.flush()
    audit.record(db, actor.id, "case.party_added", "case", case.id, party=party.id, role=role.value)
    return party


def remove_party(db: Session, actor: User, party: CaseParty) -> None:
    case = db.get(Case, party.case_id)
    authorise(actor, "manage_review", case, "Only a chair of this case's panel can remove parties.")
    db.delete(party)
    audit.record(db, actor.id, "case.party_removed", "case", party.case_id, party=party.id)


def parties_of(db: Session, case_id: int) -> list[CaseParty]:
    return list(
        db.scalars(select(CaseParty).where(CaseParty.case_id == case_id).order_by(CaseParty.id))
    )


def sections_of(document: ReviewDocument) -> list[Section]:
    return [Section(**section) for section in document.sections]
