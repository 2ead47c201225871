"""Redacted extracts of a case's review, prepared, approved by a second person and issued to
the members of staff involved, each with their own PDF; every read is audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from agencies.models import User
from panels.cases import Case
from panels.reviews import ReviewDocument
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column, utcnow


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
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
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
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
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
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")
