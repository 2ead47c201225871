"""The insight area's one table: an annual learning report made as a PDF by a worker for the
person who asked, kept for a few days for them alone to download."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, LargeBinary
from sqlalchemy.orm import Mapped, deferred, mapped_column

from panels.models.cases import ProbationRegion
from portal import clock
from portal.db import Base, UtcDateTime, enum_column

# How long a made report is kept: long enough to come back for it, short enough that stale
# figures (and one person's view of them) do not pile up; asking again makes a new one.
KEPT_FOR = timedelta(days=7)


class ReportPdf(Base):
    """The report for one year and region, with the figures as the person who asked sees them
    (rounded where they cannot see every panel), so only they may open it."""

    __tablename__ = "insight_report_pdfs"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    # None for the national report.
    region: Mapped[ProbationRegion | None] = mapped_column(enum_column(ProbationRegion, "region"))
    made_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))

    def is_open(self, now: datetime) -> bool:
        return now < self.expires_at
