"""Operations on learning: recording, revising and sharing it; agencies acknowledging it, and
reminders to those who have not; and the learning library."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    column,
    false,
    func,
    literal_column,
    select,
    union,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, selectinload

from agencies.models import Agency, User
from panels import notify
from panels.models.cases import Case, ProbationRegion
from panels.models.learning import (
    LearningAcknowledgement,
    LearningLevel,
    LearningPoint,
    LearningReminder,
    LearningResponse,
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
from portal.templating import format_date
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


# An agency that has not acknowledged shared learning this long after it was shared is reminded.
ACKNOWLEDGE_WITHIN = timedelta(days=28)


def acknowledgement_of(
    db: Session, point: LearningPoint, agency_id: int
) -> LearningAcknowledgement | None:
    return db.scalar(
        select(LearningAcknowledgement).filter_by(learning_point_id=point.id, agency_id=agency_id)
    )


def acknowledge(
    db: Session,
    actor: User,
    point: LearningPoint,
    *,
    response: LearningResponse,
    detail: str,
    done_on: date,
) -> LearningAcknowledgement:
    """The lead of an agency the learning was shared with says what the agency did with it; a
    second time changes what they said."""
    authorise(
        actor,
        "acknowledge",
        point,
        "Only the lead of an agency this learning was shared with can acknowledge it.",
    )
    detail = detail.strip()
    if not detail:
        raise DomainError(
            "Say why your agency is taking no action."
            if response is LearningResponse.NO_ACTION
            else "Say what your agency did."
        )
    if done_on > clock.today():
        raise DomainError("The date it was done must be today or in the past.")
    assert actor.agency_id is not None  # only a lead of an agency the point names gets here
    agency = next(agency for agency in point.agencies if agency.id == actor.agency_id)
    acknowledgement = acknowledgement_of(db, point, agency.id)
    changed = acknowledgement is not None
    if acknowledgement is None:
        acknowledgement = LearningAcknowledgement(learning_point_id=point.id, agency_id=agency.id)
        db.add(acknowledgement)
    acknowledgement.acknowledged_by_id = actor.id
    acknowledgement.acknowledged_at = clock.now()
    acknowledgement.response = response
    acknowledgement.detail = detail
    acknowledgement.done_on = done_on
    db.flush()
    audit.record(
        db,
        actor.id,
        "learning.acknowledgement_changed" if changed else "learning.acknowledged",
        "learning_point",
        point.id,
        agency=agency.id,
        response=response.value,
        done_on=done_on.isoformat(),
    )
    notify.tell(
        db,
        [point.panel.chair],
        f"{agency.name} has {'changed what it did with' if changed else 'acknowledged'} the "
        f"learning from the panel for case {point.panel.case.reference}: {point.title} "
        f"({response.label})",
        path_for("panels.learning_detail", point_id=point.id),
        "Learning acknowledged",
    )
    return acknowledgement


@dataclass(frozen=True)
class AgencyFollowUp:
    """Where one agency stands with learning shared with it."""

    agency_name: str
    acknowledgement: LearningAcknowledgement | None
    days_since_shared: int
    reminded_at: datetime | None

    @property
    def overdue(self) -> bool:
        return self.acknowledgement is None and self.days_since_shared >= ACKNOWLEDGE_WITHIN.days


def follow_up(db: Session, point: LearningPoint, today: date) -> list[AgencyFollowUp]:
    """For each agency the learning was shared with: acknowledged (by whom, when, what they did)
    or not yet, how long since it was shared, and whether it was reminded."""
    if point.shared_at is None:
        return []
    acknowledged = {
        ack.agency_id: ack
        for ack in db.scalars(select(LearningAcknowledgement).filter_by(learning_point_id=point.id))
    }
    reminded = {
        reminder.agency_id: reminder.sent_at
        for reminder in db.scalars(select(LearningReminder).filter_by(learning_point_id=point.id))
    }
    days = (today - point.shared_at.astimezone(LONDON).date()).days
    return [
        AgencyFollowUp(agency.name, acknowledged.get(agency.id), days, reminded.get(agency.id))
        for agency in point.agencies
    ]


def remind_unacknowledged(db: Session, now: datetime) -> int:
    """Remind, once, the leads of each agency that has not acknowledged learning shared with it
    ACKNOWLEDGE_WITHIN ago or more; the number of reminders sent."""
    links = learning_point_agencies
    due = db.execute(
        select(LearningPoint, Agency)
        .join(links, links.c.learning_point_id == LearningPoint.id)
        .join(Agency, Agency.id == links.c.agency_id)
        .outerjoin(
            LearningAcknowledgement,
            and_(
                LearningAcknowledgement.learning_point_id == LearningPoint.id,
                LearningAcknowledgement.agency_id == Agency.id,
            ),
        )
        .outerjoin(
            LearningReminder,
            and_(
                LearningReminder.learning_point_id == LearningPoint.id,
                LearningReminder.agency_id == Agency.id,
            ),
        )
        .where(
            LearningPoint.shared_at <= now - ACKNOWLEDGE_WITHIN,
            LearningAcknowledgement.id.is_(None),
            LearningReminder.learning_point_id.is_(None),
        )
        .order_by(LearningPoint.id, Agency.id)
    ).all()
    for point, agency in due:
        assert point.shared_at is not None  # only shared learning is due
        notify.tell(
            db,
            notify.agency_leads(db, agency.id),
            f"Learning from the panel for case {point.panel.case.reference} was shared with "
            f"{agency.name} on {format_date(point.shared_at)} and "
            f"has not been acknowledged yet: {point.title}. Say what your agency did with it.",
            path_for("panels.learning_acknowledge", point_id=point.id),
            "Learning waiting for your agency's acknowledgement",
        )
        db.add(LearningReminder(learning_point_id=point.id, agency_id=agency.id, sent_at=now))
        audit.record(
            db,
            None,
            "learning.acknowledgement_reminded",
            "learning_point",
            point.id,
            agency=agency.id,
        )
    db.flush()
    return len(due)


@dataclass(frozen=True)
class LibraryFilter:
    text: str = ""
    theme_id: int | None = None
    agency_id: int | None = None
    region: ProbationRegion | None = None
    since: date | None = None
    until: date | None = None
    # Shared with this agency and not yet acknowledged by it: what its lead has to answer.
    waiting_for_agency_id: int | None = None


# PostgreSQL's English stop words (tsearch_data/english.stop): left out of the words searched
# for on SQLite too, so both databases find the same learning.
_STOP_WORDS = """i me my myself we our ours ourselves you your yours yourself yourselves he him his
himself she her hers herself it its itself they them their theirs themselves what which who whom
this that these those am is are was were be been being have has had having do does did doing a an
the and but if or because as until while of at by for with about against between into through
during before after above below to from up down in out on off over under again further then once
here there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# The words of each learning point, on PostgreSQL: a generated column with a GIN index (migration
# 0014), which the model does not map (ORM queries never load it).
_SEARCH_VECTOR = "learning_points.search_vector"


def search_words(text: str) -> list[str]:
    """The words of a search that are looked for: letters and digits, lower case, stop words
    left out."""
    return [word for word in re.findall(r"\w+", text.lower()) if word not in STOP_WORDS]


def matching(db: Session, text: str) -> ColumnElement[bool]:
    """Learning whose title or description holds every word of `text`, in any form ("sharing"
    finds "shared"): PostgreSQL's full-text search, SQLite's FTS5 table (migration 0014)."""
    words = search_words(text)
    if not words:
        return false()
    if db.get_bind().dialect.name == "postgresql":
        return literal_column(_SEARCH_VECTOR).bool_op("@@")(
            func.plainto_tsquery(literal_column("'english'"), " ".join(words))
        )
    # Each word quoted: whatever was typed is a word to find, never FTS5's query syntax.
    found = sql_text(
        "SELECT rowid FROM learning_points_fts WHERE learning_points_fts MATCH :words"
    ).bindparams(words=" AND ".join(f'"{word}"' for word in words))
    return LearningPoint.id.in_(found.columns(column("rowid", Integer)))


def library(
    db: Session, user: User, wanted: LibraryFilter, page: int, per_page: int
) -> tuple[list[LearningPoint], int, list[tuple[str, int]]]:
    """One page of the learning `user` may see, filtered; the total; and how often each theme
    recurs among all of it (most frequent first)."""
    conditions = _conditions(db, wanted)
    visible = visible_learning(db, user)
    if wanted.waiting_for_agency_id is not None and wanted.waiting_for_agency_id == user.agency_id:
        # Learning waiting for the agency was shared with it: its people may see all of it.
        visible = [select(LearningPoint)]
    parts = [
        part.where(*conditions).with_only_columns(LearningPoint.id, LearningPoint.created_at)
        for part in visible
    ]
    newest_first = (LearningPoint.created_at.desc(), LearningPoint.id.desc())
    seen: Subquery | None = None
    if len(parts) == 1:
        # All the learning, filtered or not: paged through the index of dates (stopping at the
        # page) and counted apart, rather than every match sorted to count it meanwhile.
        ids = list(
            db.scalars(
                parts[0].order_by(*newest_first).limit(per_page).offset((page - 1) * per_page)
            )
        )
        total = db.scalar(parts[0].with_only_columns(func.count(LearningPoint.id))) or 0
        if conditions:
            seen = parts[0].subquery("seen")
    else:
        # The rows of both parts, each point once: the page's ids and the total in one query,
        # the database sorting ids and dates rather than whole points, counting meanwhile.
        seen = union(*parts).subquery("seen")
        found = db.execute(
            select(seen.c.id, func.count().over())
            .order_by(seen.c.created_at.desc(), seen.c.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
        ids = [point_id for point_id, _total in found]
        if found:
            total = found[0][1]
        elif page > 1:  # past the last page: only then counted apart
            total = db.scalar(select(func.count()).select_from(seen)) or 0
        else:
            total = 0
    points = list(
        db.scalars(
            select(LearningPoint)
            .where(LearningPoint.id.in_(ids))
            # The page's panels (with their cases) in one more query.
            .options(selectinload(LearningPoint.panel))
            .order_by(*newest_first)
        )
    )
    # Counted by theme id (theme names joined to the dozen counts after), the same rows joined
    # in: the database reads each tag of what is seen once.
    tally = func.count().label("tally")
    counts = select(learning_point_themes.c.theme_id, tally).group_by(
        learning_point_themes.c.theme_id
    )
    if seen is not None:
        counts = counts.join(seen, seen.c.id == learning_point_themes.c.learning_point_id)
    by_theme = counts.subquery()
    recurring = db.execute(
        select(Theme.name, by_theme.c.tally)
        .join(by_theme, by_theme.c.theme_id == Theme.id)
        .order_by(by_theme.c.tally.desc(), Theme.name)
    ).all()
    return points, total, [(name, count) for name, count in recurring]


def _conditions(db: Session, wanted: LibraryFilter) -> list[ColumnElement[bool]]:
    """What the learning must be, for the filters chosen."""
    conditions: list[ColumnElement[bool]] = []
    if wanted.text:
        conditions.append(matching(db, wanted.text))
    if wanted.waiting_for_agency_id:
        conditions.append(waiting_for(wanted.waiting_for_agency_id))
    if wanted.theme_id:
        conditions.append(
            LearningPoint.id.in_(
                select(learning_point_themes.c.learning_point_id).where(
                    learning_point_themes.c.theme_id == wanted.theme_id
                )
            )
        )
    if wanted.agency_id:
        conditions.append(
            LearningPoint.id.in_(
                select(learning_point_agencies.c.learning_point_id).where(
                    learning_point_agencies.c.agency_id == wanted.agency_id
                )
            )
        )
    if wanted.region:
        conditions.append(
            LearningPoint.panel_id.in_(
                select(Panel.id)
                .join(Case, Case.id == Panel.case_id)
                .where(Case.region == wanted.region)
            )
        )
    if wanted.since:
        conditions.append(LearningPoint.created_at >= _start_of(wanted.since))
    if wanted.until:
        conditions.append(LearningPoint.created_at < _start_of(wanted.until + timedelta(days=1)))
    return conditions


def waiting_for(agency_id: int) -> ColumnElement[bool]:
    """Learning shared with the agency that the agency has not acknowledged yet."""
    return and_(
        LearningPoint.shared_at.is_not(None),
        LearningPoint.id.in_(
            select(learning_point_agencies.c.learning_point_id).where(
                learning_point_agencies.c.agency_id == agency_id
            )
        ),
        ~select(LearningAcknowledgement.id)
        .where(
            LearningAcknowledgement.learning_point_id == LearningPoint.id,
            LearningAcknowledgement.agency_id == agency_id,
        )
        .exists(),
    )


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
        .options(selectinload(LearningPoint.panel))
        .order_by(LearningPoint.shared_at.desc(), LearningPoint.id.desc())
    )
