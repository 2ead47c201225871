"""A case's SFO review document: reading an upload's text and cutting it into sections, keeping
it, and naming the parties of the case whom redaction must hide."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import docx
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from extracts.models import CaseParty, PartyRole, ReviewDocument
from panels.models.cases import Case
from portal import audit
from portal.errors import DomainError
from portal.policy import authorise

MAX_BYTES = 10 * 1024 * 1024
ACCEPTED = {".docx": "Word document", ".txt": "plain text", ".pdf": "PDF with text"}


@dataclass(frozen=True)
class Section:
    heading: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"heading": self.heading, "text": self.text}


class UnreadableDocument(DomainError):
    pass


def text_of(filename: str, data: bytes) -> str:
    """The words of an uploaded review, or UnreadableDocument saying why not."""
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if suffix not in ACCEPTED:
        raise UnreadableDocument(
            "The review must be a Word document (.docx), a text file (.txt) or a PDF with text."
        )
    if len(data) > MAX_BYTES:
        raise UnreadableDocument("The review must be smaller than 10 MB.")
    if not data:
        raise UnreadableDocument("The file is empty.")
    reader = {".docx": _docx_text, ".txt": _plain_text, ".pdf": _pdf_text}[suffix]
    text = reader(data)
    if not text.strip():
        raise UnreadableDocument(
            "No text could be read from the file. If it is a scanned PDF, upload the Word "
            "document instead or paste the text."
        )
    return text


def _plain_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _docx_text(data: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableDocument("The Word document could not be opened.") from error
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n\n".join(lines)


def _pdf_text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as error:
        raise UnreadableDocument("The PDF could not be opened.") from error


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


def keep_review(
    db: Session, actor: User, case: Case, filename: str, content_type: str, data: bytes
) -> ReviewDocument:
    """Keep an uploaded (or pasted) review with its text in sections."""
    authorise(actor, "manage_review", case, "Only a chair of this case's panel can add its review.")
    sections = split_sections(text_of(filename, data))
    document = ReviewDocument(
        case_id=case.id,
        filename=filename[:255],
        content_type=content_type[:100],
        size=len(data),
        original=data,
        sections=[section.as_dict() for section in sections],
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


def open_original(db: Session, actor: User, document: ReviewDocument) -> bytes:
    """The review as uploaded, unredacted, for someone who prepares extracts: audited."""
    authorise(actor, "view_original", document, "You cannot read the unredacted review.")
    audit.record(db, actor.id, "review.original_downloaded", "review_document", document.id)
    return document.original


def latest_review(db: Session, case_id: int) -> ReviewDocument | None:
    return db.scalars(
        select(ReviewDocument)
        .where(ReviewDocument.case_id == case_id)
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
