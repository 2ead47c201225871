"""The home page asks as many SQL queries with 50 of each kind of work waiting as with 5, for
every role: the to-do list is worked out one query for each kind of work across all the person's
panels, never one a panel, and each list is cut at the most urgent few (the work beyond the
first five is written in bulk, as bench/national_data.py writes it, so the test stays fast)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from agencies.models import User, UserStatus
from home.dashboard import SHOWN
from panels.models.actions import Action, ActionState, ActionUpdate
from panels.models.cases import Case, OffenceCategory, ProbationRegion, ReviewStatus
from panels.models.contributions import Contribution, ContributionState
from panels.models.learning import LearningLevel, LearningPoint, learning_point_agencies
from panels.models.panels import Invitation, Panel, PanelMember, PanelRole, PanelState
from panels.models.sessions import PanelSession
from portal import clock
from tests.panels.test_list_queries import count_queries
from tests.support.people import signed_in_as
from tests.support.world import World

# Whose page, and a piece of work each finds on it once there is some of every kind.
PEOPLE = {
    "chair": "Review Northshire Probation",
    "police_lead": "Name Northshire Police",
    "police_rep": "Record the impact of action",
    "admin": "Approve Waiting person",
    "observer": "Come to the session of",
    "practitioner": "Nothing is waiting for you.",
    "probation_rep": "Come to the session of",
}


# The links of the to-do list: what to do.
TASK = re.compile(r'<a class="govuk-link govuk-!-font-weight-bold" href="[^"]*">([^<]+)</a>')


def _next(db: Session, model: Any) -> count[int]:
    return count((db.scalar(select(func.max(model.id))) or 0) + 1)


def work(db: Session, world: World, how_many: int) -> None:
    """`how_many` more of every kind of work the home page lists, on panels chaired by the
    chair: contributions to review and to write, sessions held without minutes and coming,
    learning to share and to acknowledge, actions overdue, to sign off and whose impact is due,
    an invited agency without representatives, and people waiting for approval."""
    chair, rep = world["chair"], world["police_rep"]
    probation, police = world.agencies["probation"].id, world.agencies["police"].id
    now, today = clock.now(), clock.today()
    case_ids, panel_ids = _next(db, Case), _next(db, Panel)
    action_ids, point_ids = _next(db, Action), _next(db, LearningPoint)
    rows: dict[Any, list[dict[str, Any]]] = {
        model: []
        for model in (
            Case,
            Panel,
            Invitation,
            PanelMember,
            Contribution,
            PanelSession,
            LearningPoint,
            learning_point_agencies,
            Action,
            ActionUpdate,
            User,
        )
    }

    def panel(state: PanelState, represented: bool) -> int:
        case_id, panel_id = next(case_ids), next(panel_ids)
        rows[Case].append(
            dict(
                id=case_id,
                reference=f"SFO-HOME-{case_id:05d}",
                region=ProbationRegion.WALES,
                offence_category=OffenceCategory.MURDER,
                offence_date=today,
                review_status=ReviewStatus.IN_PROGRESS,
                created_by_id=chair.id,
            )
        )
        rows[Panel].append(
            dict(
                id=panel_id,
                case_id=case_id,
                chair_id=chair.id,
                state=state,
                contribution_deadline=today + timedelta(days=10),
            )
        )
        rows[PanelMember].append(dict(panel_id=panel_id, user_id=chair.id, role=PanelRole.CHAIR))
        for agency in (probation, police):
            rows[Invitation].append(dict(panel_id=panel_id, agency_id=agency))
        if represented:
            rows[PanelMember].append(
                dict(panel_id=panel_id, user_id=rep.id, role=PanelRole.REPRESENTATIVE)
            )
            rows[PanelMember].append(
                dict(
                    panel_id=panel_id,
                    user_id=world["probation_rep"].id,
                    role=PanelRole.REPRESENTATIVE,
                )
            )
            rows[PanelMember].append(
                dict(panel_id=panel_id, user_id=world["observer"].id, role=PanelRole.OBSERVER)
            )
        return panel_id

    def action(panel_id: int, state: ActionState, days: int, **more: Any) -> int:
        action_id = next(action_ids)
        rows[Action].append(
            dict(
                id=action_id,
                panel_id=panel_id,
                description="<p>Audit twenty cases.</p>",
                owner_agency_id=police,
                owner_role="Lead",
                target_date=today + timedelta(days=days),
                measure_of_success="<p>Done.</p>",
                state=state,
                **more,
            )
        )
        return action_id

    def learning(panel_id: int, shared: bool) -> None:
        point_id = next(point_ids)
        rows[LearningPoint].append(
            dict(
                id=point_id,
                panel_id=panel_id,
                title=f"Learning {point_id}",
                description="<p>Information was not shared.</p>",
                level=LearningLevel.LOCAL,
                created_by_id=chair.id,
                created_at=now - timedelta(days=3),
                shared_at=now - timedelta(days=1) if shared else None,
            )
        )
        rows[learning_point_agencies].append(dict(learning_point_id=point_id, agency_id=police))

    for number in range(how_many):
        reviewing = panel(PanelState.OPEN, represented=True)
        rows[Contribution].append(
            dict(
                panel_id=reviewing,
                agency_id=probation,
                state=ContributionState.SUBMITTED,
                submitted_at=now - timedelta(days=2),
            )
        )
        rows[Contribution].append(
            dict(panel_id=reviewing, agency_id=police, state=ContributionState.DRAFT)
        )
        for days in (-3, 5):
            rows[PanelSession].append(
                dict(panel_id=reviewing, starts_at=now + timedelta(days=days, hours=number))
            )
        learning(reviewing, shared=False)
        learning(reviewing, shared=True)
        action(reviewing, ActionState.PROPOSED, days=-4)
        delivering = panel(PanelState.MONITORING, represented=True)
        agreed = action(delivering, ActionState.AGREED, days=20)
        rows[ActionUpdate].append(dict(action_id=agreed, author_id=rep.id, text="Half done."))
        action(
            delivering,
            ActionState.COMPLETED,
            days=-100,
            completed_at=now - timedelta(days=170),
            impact_review_due=today + timedelta(days=10),
        )
        panel(PanelState.OPEN, represented=False)  # police invited, no one named yet
        rows[User].append(
            dict(
                issuer="https://police.example",
                subject=f"waiting-{reviewing}",
                agency_id=police,
                name=f"Waiting person {reviewing}",
                status=UserStatus.PENDING,
            )
        )
    for model, written in rows.items():
        db.execute(insert(model), written)
    db.commit()


@pytest.mark.parametrize(("who", "finds"), PEOPLE.items(), ids=list(PEOPLE))
def test_the_home_page_asks_as_many_queries_for_50_of_each_kind_of_work_as_for_5(
    app: Flask, db: Session, world: World, who: str, finds: str
) -> None:
    work(db, world, 5)
    at_five, page = count_queries(app, db, world, who, "/")
    assert finds in page, f"{who} does not find {finds!r}"
    work(db, world, 45)
    at_fifty, page = count_queries(app, db, world, who, "/")
    assert at_fifty == at_five, f"{who}: {at_five} queries for 5 of each, {at_fifty} for 50"
    # Each kind of work is cut at the most urgent few (actions to answer and to report
    # progress on together), however much there is.
    waiting = page[page.index('id="waiting"') :]
    waiting = waiting[: waiting.index("</ol>")] if "</ol>" in waiting else ""
    kinds = Counter(task.split()[0] for task in TASK.findall(waiting))
    assert all(shown <= 2 * SHOWN for shown in kinds.values()), f"{who}: {kinds}"


@pytest.mark.parametrize("who", ["police_lead", "police_rep"])
def test_the_home_page_reads_of_its_panels_only_the_members_and_invitations_the_rules_ask_about(
    app: Flask, db: Session, world: World, who: str
) -> None:
    """The access rules on the work listed ask whether the person sits on each panel and whether
    their agency is invited to it, and the contributions due name their agency's writers: the
    other agencies' representatives and invitations (hundreds on a lead's panels nationally)
    are not loaded."""
    work(db, world, 20)
    person = world[who]
    client = signed_in_as(app.test_client(), db, person)
    loaded: list[Any] = []

    def remember(record: Any, _context: Any) -> None:
        loaded.append(record)

    event.listen(PanelMember, "load", remember)
    event.listen(Invitation, "load", remember)
    try:
        page = client.get("/").get_data(as_text=True)
    finally:
        event.remove(PanelMember, "load", remember)
        event.remove(Invitation, "load", remember)
    assert PEOPLE[who] in page
    members = [record for record in loaded if isinstance(record, PanelMember)]
    invitations = [record for record in loaded if isinstance(record, Invitation)]
    assert members and invitations, "the rules read no panel's members or invitations"
    assert all(
        member.user_id == person.id
        or (member.role is PanelRole.REPRESENTATIVE and member.user.agency_id == person.agency_id)
        for member in members
    )
    assert {invitation.agency_id for invitation in invitations} == {person.agency_id}
