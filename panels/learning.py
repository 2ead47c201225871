"""Operations on learning: recording, revising and sharing it; and the learning library."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from agencies.models import User
from panels import notify
from panels.models.cases import Case, ProbationRegion
from panels.models.learning import (
    LearningLevel,
    LearningPoint,
    Theme,
    learning_point_agencies,
    learning_point_themes,
)
from panels.models.panels import Panel
from panels.queries import visible_learning
from portal import audit, clock, richtext
from portal.clock import LONDON
from portal.errors import DomainError
from portal.policy import authorise
from portal.urls import path_for


def active_themes(db: Session) -> list[Theme]:
    return list(db.scalars(select(Theme).where(Theme.active).order_by(Theme.name)))


def record(
    db: Session,
    actor: User,
    panel: Panel,
    *,
    title: str,
    description: str,
    level: LearningLevel,
    theme_ids: list[int],
    agency_ids: list[int],
) -> LearningPoint:
    authorise(actor, "manage", panel, "Only the panel's chair can record agreed learning.")
    point = LearningPoint(panel=panel, created_by_id=actor.id)
    _fill(db, point, title, description, level, theme_ids, agency_ids)
    db.add(point)
    db.flush()
    audit.record(db, actor.id, "learning.recorded", "learning_point", point.id, title=point.title)
    return point


def revise(
    db: Session,
    actor: User,
    point: LearningPoint,
    *,
    title: str,
    description: str,
    level: LearningLevel,
    theme_ids: list[int],
    agency_ids: list[int],
) -> None:
    authorise(actor, "manage", point, "Learning can be changed by the chair until it is shared.")
    _fill(db, point, title, description, level, theme_ids, agency_ids)
    audit.record(db, actor.id, "learning.revised", "learning_point", point.id)


def _fill(
    db: Session,
    point: LearningPoint,
    title: str,
    description: str,
    level: LearningLevel,
    theme_ids: list[int],
    agency_ids: list[int],
) -> None:
    if not theme_ids:
        raise DomainError("Choose at least one theme.")
    themes = list(db.scalars(select(Theme).where(Theme.id.in_(theme_ids), Theme.active)))
    invited = {invitation.agency_id: invitation.agency for invitation in point.panel.invitations}
    if len(themes) != len(set(theme_ids)) or not set(agency_ids) <= set(invited):
        raise DomainError("Choose themes from the list and agencies invited to the panel.")
    point.title, point.description, point.level = title.strip(), richtext.clean(description), level
    point.themes = themes
    point.agencies = [invited[agency_id] for agency_id in agency_ids]


def share(db: Session, actor: User, point: LearningPoint) -> None:
    """Share with the agencies concerned: every approved member of them can now read it."""
    authorise(
        actor, "share", point, "Only the chair can share learning, once it names the agencies."
    )
    point.shared_at = clock.now()
    audit.record(
        db,
        actor.id,
        "learning.shared",
        "learning_point",
        point.id,
        agencies=[agency.id for agency in point.agencies],
    )
    for agency in point.agencies:
        notify.tell(
            db,
            notify.agency_leads(db, agency.id),
            f"Learning from the panel for case {point.panel.case.reference} has been shared "
            f"with {agency.name}: {point.title}",
            path_for("panels.learning_detail", point_id=point.id),
            "Learning shared with your agency",
        )


@dataclass(frozen=True)
class LibraryFilter:
    text: str = ""
    theme_id: int | None = None
    agency_id: int | None = None
    region: ProbationRegion | None = None
    since: date | None = None
    until: date | None = None


def library(
    db: Session, user: User, wanted: LibraryFilter, page: int, per_page: int
) -> tuple[list[LearningPoint], int, list[tuple[str, int]]]:
    """One page of the learning `user` may see, filtered; the total; and how often each theme
    recurs among all of it (most frequent first)."""
    query = _filtered(visible_learning(db, user), wanted)
    ids = query.with_only_columns(LearningPoint.id).scalar_subquery()
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    points = list(
        db.scalars(
            query.options(joinedload(LearningPoint.panel).joinedload(Panel.case))
            .order_by(LearningPoint.created_at.desc(), LearningPoint.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).unique()
    )
    recurring = db.execute(
        select(Theme.name, func.count(learning_point_themes.c.learning_point_id))
        .join(learning_point_themes, learning_point_themes.c.theme_id == Theme.id)
        .where(learning_point_themes.c.learning_point_id.in_(ids))
        .group_by(Theme.name)
        .order_by(func.count(learning_point_themes.c.learning_point_id).desc(), Theme.name)
    ).all()
    return points, total, [(name, count) for name, count in recurring]


def _filtered(query: Select[LearningPoint], wanted: LibraryFilter) -> Select[LearningPoint]:
    if wanted.text:
        pattern = f"%{wanted.text.strip()}%"
        query = query.where(
            or_(LearningPoint.title.ilike(pattern), LearningPoint.description.ilike(pattern))
        )
    if wanted.theme_id:
        query = query.where(
            LearningPoint.id.in_(
                select(learning_point_themes.c.learning_point_id).where(
                    learning_point_themes.c.theme_id == wanted.theme_id
                )
            )
        )
    if wanted.agency_id:
        query = query.where(
            LearningPoint.id.in_(
                select(learning_point_agencies.c.learning_point_id).where(
                    learning_point_agencies.c.agency_id == wanted.agency_id
                )
            )
        )
    if wanted.region:
        query = query.where(
            LearningPoint.panel_id.in_(
                select(Panel.id)
                .join(Case, Case.id == Panel.case_id)
                .where(Case.region == wanted.region)
            )
        )
    if wanted.since:
        query = query.where(LearningPoint.created_at >= _start_of(wanted.since))
    if wanted.until:
        query = query.where(LearningPoint.created_at < _start_of(wanted.until + timedelta(days=1)))
    return query


def _start_of(day: date) -> datetime:
    """Midnight in UK time at the start of `day`, as a UTC timestamp."""
    return datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC)


def shared_with(agency_id: int) -> Select[LearningPoint]:
    """Learning shared with an agency, newest first: "Learning shared with my agency"."""
    return (
        select(LearningPoint)
        .join(
            learning_point_agencies,
            learning_point_agencies.c.learning_point_id == LearningPoint.id,
        )
        .where(
            learning_point_agencies.c.agency_id == agency_id,
            LearningPoint.shared_at.is_not(None),
        )
        .options(joinedload(LearningPoint.panel).joinedload(Panel.case))
        .order_by(LearningPoint.shared_at.desc(), LearningPoint.id.desc())
    )
