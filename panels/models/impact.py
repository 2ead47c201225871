"""Impact reviews of completed actions: some months after the chair signs an action off, the
owning agency records, with evidence, whether it changed practice; one review per action."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agencies.models import User
from panels.models.actions import Action
from portal import clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column

# How long after an action is signed off its impact is reviewed: long enough for a change of
# practice to show, as the inspectorate's dip samples look for it.
IMPACT_REVIEW_AFTER_MONTHS = 6


def impact_review_due_after(completed_on: date, months: int = IMPACT_REVIEW_AFTER_MONTHS) -> date:
    """The date `months` calendar months after `completed_on`; the last day of that month when
    it is shorter (31 August → 28 or 29 February)."""
    month_index = completed_on.month - 1 + months
    year, month = completed_on.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(completed_on.day, calendar.monthrange(year, month)[1]))


class ImpactOutcome(LabelledEnum):
    CHANGED = "changed"
    PARTLY_CHANGED = "partly_changed"
    NOT_CHANGED = "not_changed"

    @staticmethod
    def _labels() -> dict[ImpactOutcome, str]:
        return {
            ImpactOutcome.CHANGED: "Changed practice",
            ImpactOutcome.PARTLY_CHANGED: "Partly changed practice",
            ImpactOutcome.NOT_CHANGED: "Did not change practice",
        }


class ImpactReview(Base):
    """The owning agency's review of a completed action's effect: one per action, changed in
    place (each change audited)."""

    __tablename__ = "action_impact_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), unique=True)
    outcome: Mapped[ImpactOutcome] = mapped_column(enum_column(ImpactOutcome, "impact_outcome"))
    # What shows it (cleaned rich text): an audit of cases, a changed procedure in use.
    evidence: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    action: Mapped[Action] = relationship()
    recorded_by: Mapped[User] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
