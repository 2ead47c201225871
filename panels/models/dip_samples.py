"""The inspectorate's dip samples: a random draw of completed actions in one probation region,
and the inspector's finding on each (delivered as intended? impact evidenced?)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agencies.models import User
from panels.models.actions import Action
from panels.models.cases import ProbationRegion
from portal import clock
from portal.db import Base, UtcDateTime, enum_column


class DipSample(Base):
    """A sample drawn by an inspector. `size` is how many actions were asked for; the items are
    those drawn, fewer when the region had fewer completed actions."""

    __tablename__ = "dip_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[ProbationRegion] = mapped_column(enum_column(ProbationRegion, "region"))
    size: Mapped[int] = mapped_column(Integer)
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    drawn_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    items: Mapped[list[DipSampleItem]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="DipSampleItem.id"
    )
    drawn_by: Mapped[User] = relationship(lazy="joined")

    @property
    def reference(self) -> str:
        """How a sample is referred to: 'DS4'."""
        return f"DS{self.id}"


class DipSampleItem(Base):
    """One sampled action and the inspector's finding on it: both answers None until recorded."""

    __tablename__ = "dip_sample_items"
    __table_args__ = (UniqueConstraint("sample_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("dip_samples.id"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    delivered_as_intended: Mapped[bool | None] = mapped_column()
    impact_evidenced: Mapped[bool | None] = mapped_column()
    finding: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    sample: Mapped[DipSample] = relationship(back_populates="items")
    action: Mapped[Action] = relationship()
    recorded_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[recorded_by_id])

    __mapper_args__ = {"version_id_col": version}
