"""The tables of the extracts area: a case's review document as uploaded, the parties it names,
and the redacted extracts made of it, with their redactions, the copies issued to staff and
the readers' comments; their states and the moves allowed between them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from agencies.models import Agency, User
from panels.models.cases import Case
from portal import clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column


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


class ReviewState(LabelledEnum):
    # Kept as uploaded; a worker reads its text into sections.
    READING = "reading"
    READ = "read"
    # The worker refused it: only a review that was read is used for extracts.
    UNREADABLE = "unreadable"


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
    sections: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    state: Mapped[ReviewState] = mapped_column(
        enum_column(ReviewState, "review_state"), default=ReviewState.READING
    )
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

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
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    agency: Mapped[Agency | None] = relationship(lazy="joined")


class ExtractState(LabelledEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"


EXTRACT_TRANSITIONS: dict[ExtractState, frozenset[ExtractState]] = {
    ExtractState.DRAFT: frozenset({ExtractState.AWAITING_APPROVAL}),
    ExtractState.AWAITING_APPROVAL: frozenset({ExtractState.APPROVED, ExtractState.DRAFT}),
    ExtractState.APPROVED: frozenset(),
}


class Decision(LabelledEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Extract(Base):
    __tablename__ = "extracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("review_documents.id"))
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    state: Mapped[ExtractState] = mapped_column(
        enum_column(ExtractState, "extract_state"), default=ExtractState.DRAFT
    )
    # Whether each recipient sees their own name where the review names them.
    show_recipient_name: Mapped[bool] = mapped_column(Boolean, default=True)
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship(lazy="joined")
    document: Mapped[ReviewDocument] = relationship()
    prepared_by: Mapped[User] = relationship(foreign_keys=[prepared_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    redactions: Mapped[list[ExtractRedaction]] = relationship(
        cascade="all, delete-orphan",
        order_by="(ExtractRedaction.section, ExtractRedaction.start, ExtractRedaction.id)",
    )
    issues: Mapped[list[ExtractIssue]] = relationship(
        back_populates="extract", cascade="all, delete-orphan", order_by="ExtractIssue.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ExtractRedaction(Base):
    """One passage to hide: proposed by a detector or a person, then accepted or rejected."""

    __tablename__ = "extract_redactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    extract_id: Mapped[int] = mapped_column(ForeignKey("extracts.id"), index=True)
    section: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(200))
    replacement: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(20))
    # The party this hides, if any: a recipient who is that party may see their own name.
    party_id: Mapped[int | None] = mapped_column(ForeignKey("case_parties.id"))
    # False for a suspicion (shaped like an identifier whose check fails, might be a street):
    # shown apart, for the preparer to reject quickly if wrong.
    certain: Mapped[bool] = mapped_column(Boolean, default=True)
    decision: Mapped[Decision] = mapped_column(
        enum_column(Decision, "redaction_decision"), default=Decision.PROPOSED
    )


class ExtractIssue(Base):
    """The extract as issued to one person: their own PDF, which only they and the chair open."""

    __tablename__ = "extract_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    extract_id: Mapped[int] = mapped_column(ForeignKey("extracts.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    # The redacted text as this recipient reads it, and their PDF, both verified at issue.
    sections: Mapped[str] = deferred(mapped_column(Text))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    extract: Mapped[Extract] = relationship(back_populates="issues")
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id], lazy="joined")
    comments: Mapped[list[FactualComment]] = relationship(
        cascade="all, delete-orphan", order_by="FactualComment.id"
    )

    def is_open(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class FactualComment(Base):
    """A recipient's factual-accuracy comment, for the chair."""

    __tablename__ = "factual_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("extract_issues.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    author: Mapped[User] = relationship(lazy="joined")
