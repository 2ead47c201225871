"""What waits for someone on their home page: a to-do list computed from the records of every
area (not from notices), sorted by urgency, and the notices still worth reading; in a fixed
number of queries, however much work there is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import (
    Row,
    Select,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import (
    Session,
    contains_eager,
    joinedload,
    lazyload,
    load_only,
    selectinload,
)
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.exceptions import HTTPException

from agencies.access import is_admin
from agencies.models import Role, User, UserStatus
from extracts.extracts import awaiting_approval_by
from extracts.models import Extract, ExtractIssue, ExtractState, FactualComment
from panels.access import is_inspector
from panels.dip_samples import drawn_in
from panels.impact_reviews import DUE_SOON_DAYS
from panels.learning import shared_with
from panels.models.actions import (
    OPEN_STATES,
    SHORT_TEXT_LENGTH,
    Action,
    ActionState,
    ActionUpdate,
    summarise,
)
from panels.models.cases import Case
from panels.models.contributions import Contribution, ContributionState
from panels.models.dip_samples import DipSample, DipSampleItem
from panels.models.impact import ImpactReview
from panels.models.learning import LearningAcknowledgement, LearningPoint
from panels.models.panels import (
    CONTRIBUTING,
    DELIVERING,
    LIVE,
    REVIEWING,
    Invitation,
    Panel,
    PanelMember,
    PanelRole,
    PanelState,
)
from panels.models.sessions import PanelSession
from panels.queries import Progress, progress, upcoming_for
from portal import notices, richtext
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.db import LabelledEnum
from portal.jobs import Job, JobState
from portal.notices import Notice
from portal.policy import can
from portal.templating import format_date, format_datetime
from portal.urls import path_for

SHOWN = 10
# Sessions this close are work to prepare for (the chair) or to come to (everyone else).
SESSION_HORIZON = timedelta(days=28)
# Notices read from the database before the stale ones are left out, and shown at most.
NOTICES_READ, NOTICES_SHOWN = 50, 8
# The record a page shows, by the name its route gives the record's id, as the audit log names
# it: a notice linking to /actions/3 is about ("action", "3").
SUBJECTS = {
    "action_id": "action",
    "contribution_id": "contribution",
    "session_id": "panel_session",
    "point_id": "learning_point",
    "panel_id": "panel",
    "case_id": "case",
    "extract_id": "extract",
    "issue_id": "extract_issue",
    "user_id": "user",
}
# What the chair (or whoever else prepares the case's extracts) does with an issued copy once a
# comment on it has come: reads it, withdraws it or changes when it expires. Any of these
# after the comment answers it.
ANSWERS_TO_COMMENTS = (
    "extract.viewed",
    "extract.downloaded",
    "extract.revoked",
    "extract.expiry_set",
)
# A recipient who has opened their copy has read it.
READ_EXTRACT = ("extract.viewed", "extract.downloaded")


@dataclass(frozen=True)
class Todo:
    """One piece of work waiting for someone: what to do (the link's words), where, what it is
    about, and by when: its deadline, or since when it has waited when it has none."""

    task: str
    href: str
    about: str
    due: date | None = None
    since: date | None = None
    state: LabelledEnum | None = None
    # Other pages about the same work: a notice linking to one of them is shown as this item.
    covers: tuple[str, ...] = ()

    @property
    def when(self) -> date | None:
        return self.due or self.since

    def days_late(self, today: date) -> int:
        """How many days past its deadline; 0 if it has none or it has not passed."""
        return max((today - self.due).days, 0) if self.due else 0

    def timing(self, today: date) -> str:
        """Its deadline and how late, or how long it has waited, in words."""
        if self.due:
            days = (self.due - today).days
            if days < 0:
                return f"Due {format_date(self.due)}: {_days(-days)} late"
            if days == 0:
                return f"Due today, {format_date(self.due)}"
            return f"Due {format_date(self.due)}, in {_days(days)}"
        if self.since:
            days = (today - self.since).days
            waited = f", {_days(days)}" if days > 0 else ""
            return f"Waiting since {format_date(self.since)}{waited}"
        return ""


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def by_urgency(todo: Iterable[Todo]) -> list[Todo]:
    """Most urgent first: the earliest deadline (the latest is the most overdue), or the longest
    wait; work with neither comes last. Work of the same day keeps the order it was found in."""
    return sorted(todo, key=lambda item: (item.when is None, item.when or date.max))


@dataclass
class Home:
    todo: list[Todo] = field(default_factory=list)
    overdue: list[Action] = field(default_factory=list)
    sessions: list[PanelSession] = field(default_factory=list)
    # Each with its id, title and when it was shared.
    shared_learning: list[Row[Any]] = field(default_factory=list)
    chaired: list[Panel] = field(default_factory=list)
    progress: dict[int, Progress] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    more_notices: int = 0
    # More contributions wait for the chair's review than the list shows.
    more_to_review: bool = False


def home_for(db: Session, user: User, today: date, now: datetime) -> Home:
    sessions = upcoming_for(db, user, now)
    chaired = list(
        db.scalars(
            select(Panel)
            .where(Panel.chair_id == user.id)
            .options(lazyload(Panel.chair))  # `user`
            .order_by(Panel.created_at.desc())
            .limit(SHOWN)
        ).unique()
    )
    # The chair's work is only on the panels they chair: for someone who chairs none (most
    # people), its queries would find nothing.
    chairs = bool(chaired)
    to_review, more_to_review = _contributions_to_review(db, user) if chairs else ([], False)
    # The work whose access rules read its panels' members and invited agencies is found
    # first, then what the rules read is loaded once for all of it.
    actions = _actions_waiting(db, user, today, chairs=chairs)
    due = _contributions_of_my_agency_due(db, user)
    unnamed = _invitations_without_representatives(db, user)
    _load_panel_rules(
        db,
        user,
        [
            *(contribution.panel for contribution in due),
            *(invitation.panel for invitation in unnamed),
            *(action.panel for action in actions.every()),
        ],
    )
    todo = [
        *to_review,
        *_sessions_to_prepare_or_attend(user, sessions, now),
        *(_minutes_to_publish(db, user, now) if chairs else []),
        *(_learning_to_share(db, user) if chairs else []),
        *_actions_to_sign_off(user, actions),
        *(_comments_to_answer(db, user) if chairs else []),
        *_extracts_to_approve(db, user),
        *_extracts_to_finish(db, user),
        *_people_to_approve(db, user),
        *_jobs_set_aside(db, user),
        *_contributions_due(user, due),
        *_actions_of_my_agency(user, actions.of_my_agency),
        *_impact_to_record(user, actions.impact_due),
        *_learning_to_acknowledge(db, user),
        *_representatives_to_name(user, unnamed),
        *_findings_to_record(db, user),
        *_extracts_to_read(db, user, now),
    ]
    # A notice about work on the list is shown as that work, with its deadline.
    on_the_list = {href for item in todo for href in (item.href, *item.covers)}
    fresh = [notice for notice in fresh_notices(db, user.id) if notice.link not in on_the_list]
    return Home(
        todo=by_urgency(todo),
        overdue=_overdue_i_can_act_on(user, actions, today),
        sessions=sessions,
        # Only their titles are shown: not their panels, themes or agencies (three queries).
        shared_learning=list(
            db.execute(
                shared_with(user.agency_id)
                .with_only_columns(LearningPoint.id, LearningPoint.title, LearningPoint.shared_at)
                .limit(5)
            )
        ),
        chaired=chaired,
        progress=progress(db, [panel.id for panel in chaired], today) if chairs else {},
        notices=fresh[:NOTICES_SHOWN],
        more_notices=max(len(fresh) - NOTICES_SHOWN, 0),
        more_to_review=more_to_review,
    )


def _local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(LONDON).date() if moment else None


def _case(panel: Panel) -> str:
    return f"panel for case {panel.case.reference}"


def short_text(action: Action) -> str:
    """`Action.short_text`, remembered for each description: cleaning the HTML takes a fifth
    of a millisecond, and the page shows up to forty actions, the same at every visit."""
    return _summary(action.description or "")


@lru_cache(maxsize=4096)
def _summary(description: str) -> str:
    return summarise(richtext.to_plain(description), SHORT_TEXT_LENGTH)


def _action_about(action: Action) -> str:
    """An action in its own words: what it is, whose, for which case."""
    return f"{short_text(action)} ({action.owner_agency.name}, {_case(action.panel)})"


# Of a record's panel, what the page and the access rules read, and of its case, its reference;
# not the panel's chair (see `_with_panel`).
_PANEL_SHOWN = (
    load_only(Panel.case_id, Panel.chair_id, Panel.state, Panel.contribution_deadline),
    joinedload(Panel.case).load_only(Case.reference),
    lazyload(Panel.chair),
)


# Of a contribution, what the lists and the access rules read: not what it says.
_CONTRIBUTION_SHOWN = load_only(
    Contribution.panel_id, Contribution.agency_id, Contribution.state, Contribution.submitted_at
)


def _with_panel(panel: Any, *, joined: bool = False) -> Any:
    """Load, with the records, their panel and its case in the same query: from the `panels`
    the query already joins to filter on (`joined`), not from a second copy of it; and not the
    panel's chair, whom nothing here reads, and who would bring two tables more (the chair and
    their agency). PostgreSQL takes longer to plan a join of eight tables (up to 10 ms) than
    to run it."""
    loaded = contains_eager(panel) if joined else joinedload(panel)
    return loaded.options(*_PANEL_SHOWN)


def _load_panel_rules(db: Session, user: User, panels: Iterable[Panel]) -> None:
    """Load what the access rules read of these panels for `user`, in one query each for all
    of them: the lists of work find their records without, so that the rules' needs are read
    once for every kind of work, not once for each.

    The rules ask of a panel whether `user` is a member, and whether `user`'s agency is invited;
    the contributions due show who of that agency writes them. So each panel's `members` holds
    `user` and their agency's representatives, and its `invitations` their agency's, not the
    others (a lead's panels have hundreds), which nothing on the page reads."""
    by_id = {panel.id: panel for panel in panels}
    if not by_id:
        return
    members: dict[int, list[PanelMember]] = {panel_id: [] for panel_id in by_id}
    invitations: dict[int, list[Invitation]] = {panel_id: [] for panel_id in by_id}
    for member in db.scalars(
        select(PanelMember)
        .join(User, User.id == PanelMember.user_id)
        .where(
            PanelMember.panel_id.in_(by_id),
            or_(
                PanelMember.user_id == user.id,
                and_(
                    PanelMember.role == PanelRole.REPRESENTATIVE,
                    User.agency_id == user.agency_id,
                ),
            ),
        )
        # Of the members, their names and agencies' ids.
        .options(
            contains_eager(PanelMember.user).options(
                load_only(User.name, User.agency_id),
                lazyload(User.agency),
                lazyload(User.role_grants),
            )
        )
        .order_by(PanelMember.id)
    ):
        members[member.panel_id].append(member)
    for invitation in db.scalars(
        select(Invitation)
        .where(Invitation.panel_id.in_(by_id), Invitation.agency_id == user.agency_id)
        .options(lazyload(Invitation.agency))
        .order_by(Invitation.id)
    ):
        invitations[invitation.panel_id].append(invitation)
    # As `selectinload` fills the collections it loads: as loaded, not as changed.
    for panel_id, panel in by_id.items():
        set_committed_value(panel, "members", members[panel_id])
        set_committed_value(panel, "invitations", invitations[panel_id])


def _on_panels_chaired(user: User, record: Any, panel_states: Iterable[PanelState]) -> Select[Any]:
    """Records of `record`'s table on the panels `user` chairs that are in one of
    `panel_states`, each loaded with its panel and the panel's case."""
    return (
        select(record)
        .join(Panel, Panel.id == record.panel_id)
        .where(Panel.chair_id == user.id, Panel.state.in_(panel_states))
        .options(_with_panel(record.panel, joined=True))
    )


def _event_on_issue(actions: Iterable[str], *conditions: Any) -> Any:
    """Whether the audit log holds one of `actions` on the extract issue of the row, with
    `conditions` on the event."""
    return exists().where(
        AuditEvent.action.in_(actions),
        AuditEvent.object_type == "extract_issue",
        AuditEvent.object_id == cast(ExtractIssue.id, String),
        *conditions,
    )


# The actions waiting for someone: every kind in one query.


@dataclass
class WaitingActions:
    """The actions of each kind of work on actions, each list cut at its most urgent few, as
    `_actions_waiting` finds them."""

    # Agreed, with progress reported, on the panels the person chairs.
    to_sign_off: list[Action] = field(default_factory=list)
    # Open, owned by their agency, on the panels they answer for it.
    of_my_agency: list[Action] = field(default_factory=list)
    # Completed, owned by their agency, on those panels, impact review due and not recorded.
    impact_due: list[Action] = field(default_factory=list)
    # Open and past their target date, on the panels the person chairs.
    overdue_chaired: list[Action] = field(default_factory=list)
    # When progress was last reported on each action to sign off.
    last_reported: dict[int, datetime] = field(default_factory=dict)

    def every(self) -> list[Action]:
        return [*self.to_sign_off, *self.of_my_agency, *self.impact_due, *self.overdue_chaired]


def _by_target_date(action: Action) -> tuple[date, int]:
    return action.target_date, action.id


def _by_impact_review_due(action: Action) -> tuple[date, int]:
    return action.impact_review_due or date.min, action.id


def _first(kind: str, ids: Select[Any], *order: Any, limit: int) -> Select[Any]:
    """The first `limit` action ids `ids` finds in `order`, each labelled `kind`. (A subquery:
    SQLite allows no LIMIT on a part of a UNION.)"""
    first = ids.order_by(*order).limit(limit).subquery()
    return select(literal(kind, String).label("kind"), first.c.id)


def _actions_waiting(db: Session, user: User, today: date, *, chairs: bool) -> WaitingActions:
    """Every kind of action waiting for `user`, in one query: the ids of each kind are found
    apart, each through its own index and cut at its most urgent few, and the actions of all
    of them are then read at once, with their panels and cases. What the access rules read of
    their panels is loaded afterwards, with the rest of the page's (`_load_panel_rules`)."""
    of_my_agency = (
        Action.owner_agency_id == user.agency_id,
        _on_a_panel_i_represent(user, Action.panel_id),
    )
    reviewed = exists().where(ImpactReview.action_id == Action.id)
    kinds = [
        _first(
            "of_my_agency",
            select(Action.id).where(*of_my_agency, Action.state.in_(OPEN_STATES)),
            Action.target_date,
            Action.id,
            limit=2 * SHOWN,
        ),
        _first(
            "impact_due",
            select(Action.id).where(
                *of_my_agency,
                Action.state == ActionState.COMPLETED,
                Action.impact_review_due <= today + timedelta(days=DUE_SOON_DAYS),
                ~reviewed,
            ),
            Action.impact_review_due,
            Action.id,
            limit=SHOWN,
        ),
    ]
    # The chair's work is only on the panels they chair: for someone who chairs none, these
    # would find nothing.
    if chairs:
        on_panels_chaired = (
            select(Action.id)
            .join(Panel, Panel.id == Action.panel_id)
            .where(Panel.chair_id == user.id)
        )
        # All of them, then the most overdue: `offset(0)` keeps the database from reading
        # every overdue action in the country by date until it has found the first few of
        # this chair's (16,000 actions at national size, for 20 of a chair's 250).
        overdue_chaired = (
            on_panels_chaired.add_columns(Action.target_date)
            .where(Action.state.in_(OPEN_STATES), Action.target_date < today)
            .offset(0)
            .subquery()
        )
        kinds += [
            _first(
                "to_sign_off",
                on_panels_chaired.where(
                    Panel.state.in_(DELIVERING),
                    Action.state.in_([ActionState.AGREED, ActionState.PARTLY_AGREED]),
                    Action.updates.any(),
                ),
                Action.target_date,
                Action.id,
                limit=SHOWN,
            ),
            _first(
                "overdue_chaired",
                select(overdue_chaired.c.id),
                overdue_chaired.c.target_date,
                overdue_chaired.c.id,
                limit=2 * SHOWN,
            ),
        ]
    wanted = union_all(*kinds).subquery()
    last_reported = (
        select(ActionUpdate.created_at)
        .where(ActionUpdate.action_id == Action.id)
        .order_by(ActionUpdate.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    found: dict[str, list[Action]] = {}
    waiting = WaitingActions()
    for kind, action, reported in db.execute(
        select(wanted.c.kind, Action, last_reported)
        .join(Action, Action.id == wanted.c.id)
        .options(
            # What the lists and the access rules read: not its measure of success, its
            # answer's reasons and the rest.
            load_only(
                Action.panel_id,
                Action.description,
                Action.owner_agency_id,
                Action.target_date,
                Action.state,
                Action.completed_at,
                Action.impact_review_due,
            ),
            _with_panel(Action.panel),
        )
    ):
        found.setdefault(kind, []).append(action)
        if reported is not None:
            waiting.last_reported[action.id] = reported
    waiting.to_sign_off = sorted(found.get("to_sign_off", []), key=_by_target_date)
    waiting.of_my_agency = sorted(found.get("of_my_agency", []), key=_by_target_date)
    waiting.impact_due = sorted(found.get("impact_due", []), key=_by_impact_review_due)
    waiting.overdue_chaired = sorted(found.get("overdue_chaired", []), key=_by_target_date)
    return waiting


# What a chair has to do on the panels they chair.


def _contributions_to_review(db: Session, user: User) -> tuple[list[Todo], bool]:
    """The SHOWN contributions that have waited longest for the chair's review, and whether
    more are waiting (one more is read to know)."""
    found = db.scalars(
        _on_panels_chaired(user, Contribution, REVIEWING)
        .where(Contribution.state.in_([ContributionState.SUBMITTED, ContributionState.RESUBMITTED]))
        .options(_CONTRIBUTION_SHOWN)
        .order_by(Contribution.submitted_at, Contribution.id)
        .limit(SHOWN + 1)
    ).all()
    return [
        Todo(
            task=f"Review {contribution.agency.name}'s contribution to the "
            f"{_case(contribution.panel)}",
            href=path_for("panels.contribution_detail", contribution_id=contribution.id),
            about="Accept it, or return it with comments.",
            since=_local_date(contribution.submitted_at),
            state=contribution.state,
        )
        for contribution in found[:SHOWN]
        if can(user, "review", contribution)
    ], len(found) > SHOWN


def _sessions_to_prepare_or_attend(
    user: User, sessions: list[PanelSession], now: datetime
) -> list[Todo]:
    todo = []
    for session in sessions:
        if session.starts_at >= now + SESSION_HORIZON:
            continue
        chairing = session.panel.chair_id == user.id
        what = "Prepare" if chairing else "Come to"
        where = session.location or "online"
        todo.append(
            Todo(
                task=f"{what} the session of {format_date(session.starts_at)} for the "
                f"{_case(session.panel)}",
                href=path_for("panels.session_detail", session_id=session.id),
                about=f"{format_datetime(session.starts_at)}, {where}."
                + (" Its agenda, the papers, who is coming." if chairing else ""),
                due=_local_date(session.starts_at),
            )
        )
    return todo


def _minutes_to_publish(db: Session, user: User, now: datetime) -> list[Todo]:
    held = db.scalars(
        _on_panels_chaired(user, PanelSession, LIVE)
        .where(PanelSession.starts_at < now, PanelSession.minutes_published_at.is_(None))
        # Whether minutes are written, not the agenda or the decisions.
        .options(
            load_only(
                PanelSession.panel_id,
                PanelSession.starts_at,
                PanelSession.minutes,
                PanelSession.minutes_published_at,
            )
        )
        .order_by(PanelSession.starts_at)
        .limit(SHOWN)
    ).unique()
    return [
        Todo(
            task=f"Publish the minutes of the session of {format_date(session.starts_at)} "
            f"for the {_case(session.panel)}",
            href=path_for("panels.session_detail", session_id=session.id),
            about=(
                "The minutes are written, not yet published to the members."
                if session.minutes.strip()
                else "Write the minutes, then publish them to the members."
            ),
            since=_local_date(session.starts_at),
        )
        for session in held
        if can(user, "manage", session)
    ]


def _learning_to_share(db: Session, user: User) -> list[Todo]:
    recorded = db.scalars(
        _on_panels_chaired(user, LearningPoint, LIVE)
        .where(LearningPoint.shared_at.is_(None))
        .options(
            load_only(
                LearningPoint.panel_id,
                LearningPoint.title,
                LearningPoint.created_at,
                LearningPoint.shared_at,
            ),
            lazyload(LearningPoint.themes),
        )
        .order_by(LearningPoint.created_at)
        .limit(SHOWN)
    ).unique()
    todo = []
    for point in recorded:
        if can(user, "share", point):
            task = f"Share the learning “{point.title}”"
            about = f"From the {_case(point.panel)}, with " + ", ".join(
                agency.name for agency in point.agencies
            )
        elif can(user, "manage", point):
            task = f"Say whom the learning “{point.title}” concerns, and share it"
            about = f"From the {_case(point.panel)}: no agency is chosen yet."
        else:
            continue
        todo.append(
            Todo(
                task=task,
                href=path_for("panels.learning_detail", point_id=point.id),
                about=about + ".",
                since=_local_date(point.created_at),
            )
        )
    return todo


def _actions_to_sign_off(user: User, actions: WaitingActions) -> list[Todo]:
    """Agreed actions whose agency has reported progress: the chair checks and signs them off."""
    return [
        Todo(
            task=f"Sign off action {action.reference} once it is done",
            href=path_for("panels.action_detail", action_id=action.id),
            about=f"{_action_about(action)}: progress reported "
            f"{format_date(actions.last_reported[action.id])}.",
            due=action.target_date,
            state=action.state,
        )
        for action in actions.to_sign_off
        if can(user, "sign_off", action)
    ]


def _comments_to_answer(db: Session, user: User) -> list[Todo]:
    """Factual-accuracy comments on extracts of the cases whose panels `user` chairs (the
    chairs are told of each), until someone who prepares the case's extracts has done something
    with the copy commented on: read it, withdrawn it or changed when it expires."""
    answered = _event_on_issue(
        ANSWERS_TO_COMMENTS,
        AuditEvent.actor_id.is_not(None),
        AuditEvent.actor_id != FactualComment.author_id,
        AuditEvent.occurred_at > FactualComment.created_at,
    )
    chaired_cases = select(Panel.case_id).where(Panel.chair_id == user.id)
    found = db.execute(
        select(FactualComment, ExtractIssue)
        .join(ExtractIssue, ExtractIssue.id == FactualComment.issue_id)
        .join(Extract, Extract.id == ExtractIssue.extract_id)
        .where(Extract.case_id.in_(chaired_cases), ~answered)
        # Of all that comes with them, only the author's name and the extract's reference.
        .options(
            contains_eager(ExtractIssue.extract).lazyload(Extract.case),
            lazyload(ExtractIssue.recipient),
            joinedload(FactualComment.author).lazyload(User.agency),
        )
        .order_by(FactualComment.created_at)
        .limit(SHOWN)
    ).unique()
    return [
        Todo(
            task=f"Answer {comment.author.name}'s factual-accuracy comment on extract "
            f"{extract_issue.extract.reference}",
            href=path_for("extracts.extract_detail", extract_id=extract_issue.extract_id),
            about=f"“{summarise(comment.text, 90)}” Check it against their copy (opening "
            "it marks the comment answered), or withdraw the copy.",
            since=_local_date(comment.created_at),
        )
        for comment, extract_issue in found
    ]


def _extracts_to_approve(db: Session, user: User) -> list[Todo]:
    return [
        Todo(
            task=f"Approve redacted extract {extract.reference}",
            href=path_for("extracts.extract_detail", extract_id=extract.id),
            about=f"Of the review of case {extract.case.reference}, prepared by "
            f"{extract.prepared_by.name}: approve it, or send it back.",
            since=_local_date(extract.created_at),
            state=extract.state,
        )
        for extract in awaiting_approval_by(db, user)
    ]


def _extracts_to_finish(db: Session, user: User) -> list[Todo]:
    drafts = db.scalars(
        select(Extract)
        .where(Extract.prepared_by_id == user.id, Extract.state == ExtractState.DRAFT)
        .order_by(Extract.created_at)
        .limit(SHOWN)
    ).unique()
    return [
        Todo(
            task=f"Finish redacted extract {extract.reference}",
            href=path_for("extracts.extract_detail", extract_id=extract.id),
            about=f"Of the review of case {extract.case.reference}: decide every proposed "
            "redaction, then send it for approval.",
            since=_local_date(extract.created_at),
            state=extract.state,
        )
        for extract in drafts
        if can(user, "prepare", extract)
    ]


# What an administrator or an agency lead has to do for the people of their agency.


def _people_to_approve(db: Session, user: User) -> list[Todo]:
    if not (is_admin(user) or user.has_role(Role.AGENCY_LEAD)):
        return []
    query = select(User).where(User.status == UserStatus.PENDING, User.id != user.id)
    if not is_admin(user):
        query = query.where(User.agency_id == user.agency_id)
    waiting = db.scalars(query.order_by(User.created_at).limit(SHOWN)).unique()
    return [
        Todo(
            task=f"Approve {person.name}'s account",
            href=path_for("agencies.user_detail", user_id=person.id),
            about=f"{person.agency.name}: they signed in for the first time and are waiting to "
            "use the portal. Approve them, then give them their role.",
            since=_local_date(person.created_at),
        )
        for person in waiting
        if can(user, "approve", person)
    ]


def _jobs_set_aside(db: Session, user: User) -> list[Todo]:
    if not can(user, "manage_jobs"):
        return []
    count, oldest = db.execute(
        select(func.count(), func.min(Job.finished_at)).where(Job.state == JobState.SET_ASIDE)
    ).one()
    if not count:
        return []
    return [
        Todo(
            task=f"Look at {count} job{'s' if count != 1 else ''} set aside after failing",
            href=path_for("agencies.job_list"),
            about="Read the errors, put right what caused them, and try the jobs again.",
            since=_local_date(oldest),
        )
    ]


# What an agency's representatives and its lead have to do for it on a panel.


def _on_a_panel_i_represent(user: User, panel_id: Any) -> Any:
    """Whether the panel `panel_id` is one where `user` answers for their agency: as its
    representative, or as its lead. (Asked of each record found, not as a list of the panels:
    a lead's agency is invited to hundreds, where it owns a few dozen records.)"""
    as_representative = exists().where(
        PanelMember.panel_id == panel_id,
        PanelMember.user_id == user.id,
        PanelMember.role == PanelRole.REPRESENTATIVE,
    )
    if not user.has_role(Role.AGENCY_LEAD):
        return as_representative
    as_lead = exists().where(
        Invitation.panel_id == panel_id, Invitation.agency_id == user.agency_id
    )
    return or_(as_representative, as_lead)


def _contributions_of_my_agency_due(db: Session, user: User) -> list[Contribution]:
    """The person's agency's contributions still to write or revise, on the panels they answer
    for it."""
    return list(
        db.scalars(
            select(Contribution)
            .join(Panel, Panel.id == Contribution.panel_id)
            .where(
                Contribution.agency_id == user.agency_id,
                _on_a_panel_i_represent(user, Contribution.panel_id),
                Contribution.state.in_([ContributionState.DRAFT, ContributionState.RETURNED]),
                Panel.state.in_(CONTRIBUTING),
            )
            .options(_CONTRIBUTION_SHOWN, _with_panel(Contribution.panel, joined=True))
            .order_by(Panel.contribution_deadline)
            .limit(SHOWN)
        )
    )


def _contributions_due(user: User, due: list[Contribution]) -> list[Todo]:
    todo = []
    for contribution in due:
        panel, agency = contribution.panel, contribution.agency.name
        if can(user, "edit", contribution):
            returned = contribution.state is ContributionState.RETURNED
            task = (
                f"Revise {agency}'s contribution to the {_case(panel)} and submit it again"
                if returned
                else f"Write {agency}'s contribution to the {_case(panel)} and submit it"
            )
            about = (
                "The chair has returned it with comments."
                if returned
                else "Only your agency's representatives see it until it is submitted."
            )
            href = path_for("panels.contribution_detail", contribution_id=contribution.id)
        elif can(user, "view", panel):
            writers = [
                member.user.name
                for member in panel.members
                if member.role is PanelRole.REPRESENTATIVE
                and member.user.agency_id == contribution.agency_id
            ]
            task = f"Make sure {agency}'s contribution to the {_case(panel)} is submitted"
            about = (
                f"Written by {', '.join(writers)}."
                if writers
                else "No representative is named yet to write it."
            )
            href = path_for("panels.panel_detail", panel_id=panel.id)
        else:
            continue
        todo.append(
            Todo(
                task=task,
                href=href,
                about=about,
                due=panel.contribution_deadline,
                state=contribution.state,
            )
        )
    return todo


def _actions_of_my_agency(user: User, open_actions: list[Action]) -> list[Todo]:
    """Actions owned by the person's agency, to answer or to report progress on."""
    todo = []
    for action in open_actions:
        if can(user, "respond", action):
            task = f"Answer action {action.reference}"
        elif can(user, "report_progress", action):
            task = f"Report progress on action {action.reference}"
        else:
            continue
        todo.append(
            Todo(
                task=task,
                href=path_for("panels.action_detail", action_id=action.id),
                about=_action_about(action) + ".",
                due=action.target_date,
                state=action.state,
            )
        )
    return todo


def _impact_to_record(user: User, due: list[Action]) -> list[Todo]:
    """Completed actions of the person's agency whose impact review is due within
    DUE_SOON_DAYS, or overdue, and not yet recorded."""
    return [
        Todo(
            task=f"Record the impact of action {action.reference}",
            href=path_for("panels.action_impact", action_id=action.id),
            about=f"{_action_about(action)}: signed off {format_date(action.completed_at)}. "
            "Say whether it changed practice, and what shows it.",
            due=action.impact_review_due,
        )
        for action in due
        if can(user, "record_impact", action)
    ]


def _learning_to_acknowledge(db: Session, user: User) -> list[Todo]:
    """Learning shared with an agency lead's agency that the agency has not acknowledged."""
    if not user.has_role(Role.AGENCY_LEAD):
        return []
    acknowledged = exists().where(
        LearningAcknowledgement.learning_point_id == LearningPoint.id,
        LearningAcknowledgement.agency_id == user.agency_id,
    )
    waiting = db.scalars(
        shared_with(user.agency_id)
        .where(~acknowledged)
        .options(
            # Their titles, with the agencies they are shared with (the rule reads them), and
            # as `shared_with` loads their panels, with their cases: not their descriptions,
            # themes, or their panels' chairs, whose roles would take one more query.
            load_only(LearningPoint.panel_id, LearningPoint.title, LearningPoint.shared_at),
            lazyload(LearningPoint.themes),
            selectinload(LearningPoint.panel).options(*_PANEL_SHOWN),
        )
        .order_by(None)
        .order_by(LearningPoint.shared_at, LearningPoint.id)
        .limit(SHOWN)
    ).unique()
    return [
        Todo(
            task=f"Acknowledge the learning “{point.title}” shared with your agency",
            href=path_for("panels.learning_acknowledge", point_id=point.id),
            about=f"From the {_case(point.panel)}: say what your agency did with it (briefed "
            "teams, changed guidance, training, or no action and why).",
            since=_local_date(point.shared_at),
            # The notice that it was shared links to the learning itself.
            covers=(path_for("panels.learning_detail", point_id=point.id),),
        )
        for point in waiting
        if can(user, "acknowledge", point)
    ]


def _invitations_without_representatives(db: Session, user: User) -> list[Invitation]:
    """Invitations of an agency lead's agency to live panels, with none of its people on them
    yet."""
    if not user.has_role(Role.AGENCY_LEAD):
        return []
    named = exists().where(
        PanelMember.panel_id == Invitation.panel_id,
        PanelMember.role == PanelRole.REPRESENTATIVE,
        PanelMember.user_id == User.id,
        User.agency_id == Invitation.agency_id,
    )
    return list(
        db.scalars(
            select(Invitation)
            .join(Panel, Panel.id == Invitation.panel_id)
            .where(
                Invitation.agency_id == user.agency_id,
                Panel.state.in_(LIVE - {PanelState.DRAFT}),
                ~named,
            )
            .options(_with_panel(Invitation.panel, joined=True))
            .order_by(Invitation.invited_at)
            .limit(SHOWN)
        )
    )


def _representatives_to_name(user: User, invitations: list[Invitation]) -> list[Todo]:
    """Panels an agency lead's agency is invited to, with none of its people on them yet."""
    return [
        Todo(
            task=f"Name {invitation.agency.name}'s representatives for the "
            f"{_case(invitation.panel)}",
            href=path_for("panels.panel_members", panel_id=invitation.panel_id),
            about="They write its contribution and come to the panel's sessions.",
            since=_local_date(invitation.notified_at or invitation.invited_at),
        )
        for invitation in invitations
        if can(user, "nominate", invitation.panel)
    ]


# What an inspector has to do.


def _findings_to_record(db: Session, user: User) -> list[Todo]:
    """Dip samples drawn in the inspector's agency with actions still without a finding."""
    if not is_inspector(user):
        return []
    waiting = (
        select(DipSampleItem.sample_id, func.count().label("actions"))
        .where(DipSampleItem.recorded_at.is_(None))
        .group_by(DipSampleItem.sample_id)
        .subquery()
    )
    found = db.execute(
        select(DipSample, waiting.c.actions)
        .join(waiting, waiting.c.sample_id == DipSample.id)
        .where(drawn_in(user.agency_id))
        .order_by(DipSample.drawn_at, DipSample.id)
        .limit(SHOWN)
    ).all()
    return [
        Todo(
            task=f"Record your findings on {count} action{'s' if count != 1 else ''} of dip "
            f"sample {sample.reference}",
            href=path_for("panels.dip_sample_detail", dip_sample_id=sample.id),
            about=f"{sample.region.label}, drawn by {sample.drawn_by.name} on "
            f"{format_date(sample.drawn_at)}: was each action delivered as intended, and is "
            "its impact evidenced?",
            since=_local_date(sample.drawn_at),
        )
        for sample, count in found
        if can(user, "view", sample)
    ]


# What is theirs alone.


def _extracts_to_read(db: Session, user: User, now: datetime) -> list[Todo]:
    """Extracts issued to `user`, open to them, that they have not opened yet."""
    opened = _event_on_issue(READ_EXTRACT, AuditEvent.actor_id == user.id)
    unread = db.scalars(
        select(ExtractIssue)
        .where(
            ExtractIssue.recipient_id == user.id,
            ExtractIssue.revoked_at.is_(None),
            or_(ExtractIssue.expires_at.is_(None), ExtractIssue.expires_at > now),
            ~opened,
        )
        # The recipient is `user`, already loaded.
        .options(joinedload(ExtractIssue.extract), lazyload(ExtractIssue.recipient))
        .order_by(ExtractIssue.issued_at)
        .limit(SHOWN)
    ).unique()
    return [
        Todo(
            task=f"Read the redacted extract {extract_issue.extract.reference} issued to you",
            href=path_for("extracts.my_extract", issue_id=extract_issue.id),
            about=f"Of the review of case {extract_issue.extract.case.reference}, issued "
            f"{format_date(extract_issue.issued_at)}"
            + (
                f"; it can be read until {format_datetime(extract_issue.expires_at)}."
                if extract_issue.expires_at
                else "."
            ),
            due=_local_date(extract_issue.expires_at),
            since=_local_date(extract_issue.issued_at),
        )
        for extract_issue in unread
    ]


def _overdue_i_can_act_on(user: User, actions: WaitingActions, today: date) -> list[Action]:
    """Overdue actions `user` can do something about: answer them or report progress for
    their agency, or, as the chair, sign them off or change them."""
    # Those of their agency are the first of its open actions by target date (all of them
    # when there are more overdue than that list holds), as those of the panels they chair
    # are; the most overdue of both are the first of these.
    late_of_my_agency = [action for action in actions.of_my_agency if action.target_date < today]
    overdue = sorted({*actions.overdue_chaired, *late_of_my_agency}, key=_by_target_date)
    verbs = ("respond", "report_progress", "sign_off", "edit")
    return [
        action for action in overdue[: 2 * SHOWN] if any(can(user, verb, action) for verb in verbs)
    ][:SHOWN]


# Notices.


def fresh_notices(db: Session, user_id: int) -> list[Notice]:
    """The person's unread notices, newest first, less those that are old news: a notice tells
    of a change to the record its link shows, and once someone has changed that record again
    (answered the action, accepted the contribution, approved the account), what it said no
    longer holds. Whatever work is left is in the to-do list, computed from the records."""
    unread = notices.unread(db, user_id, limit=NOTICES_READ)
    adapter = current_app.url_map.bind("")
    subjects = {notice.id: _subject_of(adapter, notice.link) for notice in unread}
    wanted = {subject for subject in subjects.values() if subject is not None}
    if not wanted:
        return unread
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in sorted(wanted):
        by_type.setdefault(object_type, []).append(object_id)
    # One `object_type = ? AND object_id IN (...)` a type, not `(type, id) IN (...)`: SQLite
    # reads a row-value list by scanning all of ix_audit_events_object (half a second at
    # national size), where each of these is a search of it, on PostgreSQL too.
    last_changed = db.execute(
        select(AuditEvent.object_type, AuditEvent.object_id, func.max(AuditEvent.occurred_at))
        .where(
            AuditEvent.actor_id.is_not(None),
            or_(
                *(
                    and_(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(ids))
                    for object_type, ids in by_type.items()
                )
            ),
        )
        .group_by(AuditEvent.object_type, AuditEvent.object_id)
    )
    changed = {(object_type, object_id): last for object_type, object_id, last in last_changed}
    return [
        notice
        for notice in unread
        if not _old_news(notice, changed.get(subjects[notice.id] or ("", "")))
    ]


def _old_news(notice: Notice, last_changed: datetime | None) -> bool:
    # The change a notice tells of is written before it (`notices.tell` flushes first).
    return last_changed is not None and last_changed > notice.created_at


def _subject_of(adapter: object, link: str) -> tuple[str, str] | None:
    """The record a portal path shows, as the audit log names it; None for other pages."""
    try:
        _endpoint, values = adapter.match(link, method="GET")  # type: ignore[attr-defined]
    except HTTPException:
        return None
    found = [(SUBJECTS[name], str(value)) for name, value in values.items() if name in SUBJECTS]
    return found[-1] if found else None
