"""The SFO review document of a case, kept as uploaded, and its text in sections; and the
known parties of the case, whom redaction must hide."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, deferred, mapped_column, relationship

from agencies.models import Agency, User
from panels.cases import Case
from portal import audit
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column, utcnow
from portal.errors import DomainError
from portal.policy import authorise

MAX_BYTES = 10 * 1024 * 1024
ACCEPTED = {".docx": "Word document", ".txt": "plain text", ".pdf": "PDF with text"}


class PartyRole(LabelledEnum):
    PERSON_ON_PROBATION = "person_on_probation"
    VICTIM = "victim"
    FAMILY_MEMBER = "family_member"
    STAFF = "staff"
    OTHER = "other"

    @staticmethod
    def _labels() -> dict[PartyRole, str]:
        return {
            PartyRole.PERSON_ON_PROBATION: "Person on probation",
            PartyRole.VICTIM: "Victim",
            PartyRole.FAMILY_MEMBER: "Family member",
            PartyRole.STAFF: "Member of staff",
            PartyRole.OTHER: "Other person",
        }


class ReviewDocument(Base):
    """The review as uploaded: the original is for the chair alone, never for practitioners."""

    __tablename__ = "review_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    # Loaded only when asked for: lists of documents must not drag megabytes along.
    original: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sections: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    uploaded_by: Mapped[User] = relationship()


class CaseParty(Base):
    """Someone named in the review whose name must not reach the extract's readers."""

    __tablename__ = "case_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[PartyRole] = mapped_column(enum_column(PartyRole, "party_role"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    # A member of staff who is a portal user: their own extract may show their name.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    agency: Mapped[Agency | None] = relationship(lazy="joined")


# Reading documents ----------------------------------------------------------------------


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
    import docx

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


# Operations -----------------------------------------------------------------------------


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
