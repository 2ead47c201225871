"""Demo history for the insight pages and the annual report: two dozen closed panels of the last
three years across five regions, chaired by fictional former chairs, with their learning
(tagged, shared, acknowledged), their actions (answered, completed, reviewed for impact) and two
dip samples. Nothing here is a real case. It is seeded before the demo's live panels, so
that theirs are the newest records, as the pages listing them expect.

They are written as records imported from before the portal would be, with the moments of their
past (the panel's moves and the actions' answers in the audit log and on the records, as the
operations write them) at the times they happened: the operations stamp everything with today,
and tell people of what they do, while the history must tell nobody anything. So no notice,
email or to-do comes of it: every action is completed or not agreed, every piece of learning
shared with an agency whose people use the demo is acknowledged, and every action they own is
reviewed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import Agency, AgencyKind, Role, RoleGrant, User, UserStatus
from panels.models.actions import Action, ActionState, ActionUpdate
from panels.models.cases import Case, OffenceCategory, ProbationRegion, ReviewStatus
from panels.models.contributions import Contribution, ContributionState
from panels.models.dip_samples import DipSample, DipSampleItem
from panels.models.impact import ImpactOutcome, ImpactReview, impact_review_due_after
from panels.models.learning import (
    LearningAcknowledgement,
    LearningLevel,
    LearningPoint,
    LearningResponse,
    Theme,
)
from panels.models.panels import Invitation, Panel, PanelMember, PanelRole, PanelState
from portal import audit, clock

REFERENCE = "SFO-HIST-{:04d}"
HISTORY_PANELS = 24
ISSUER = "https://history.invalid/"


@dataclass(frozen=True)
class FormerChair:
    name: str
    agency: str  # a demo agency's slug, or the name of a history agency


# Agencies that took part in panels before they used the portal: they have no sign-in.
HISTORY_AGENCIES = {
    "Probation Service, Eastmoor (demo history)": AgencyKind.PROBATION,
    "Eastmoor Police (demo history)": AgencyKind.POLICE,
    "Westvale Housing Trust (demo history)": AgencyKind.HOUSING,
    "Westvale Youth Justice Service (demo history)": AgencyKind.YOUTH_JUSTICE,
    "Eastmoor Health Board (demo history)": AgencyKind.HEALTH,
}
FORMER_CHAIRS = (
    FormerChair("Ruth Adeyemi", "demo-probation"),
    FormerChair("Colin Marsh", "Probation Service, Eastmoor (demo history)"),
    FormerChair("Ifeoma Nwosu", "Probation Service, Eastmoor (demo history)"),
)
FORMER_INSPECTOR = FormerChair("Helen Cho", "demo-hmip")
# Not the North East, whose completed actions the demo's own dip sample draws every one of.
REGIONS = (
    ProbationRegion.YORKSHIRE_AND_THE_HUMBER,
    ProbationRegion.NORTH_WEST,
    ProbationRegion.LONDON,
    ProbationRegion.WALES,
    ProbationRegion.SOUTH_WEST,
)
DEMO_LOCAL = ("demo-probation", "demo-met-police", "demo-childrens-services", "demo-mental-health")
LEARNING = (
    "Risk was not reviewed after a change of address",
    "Police call-outs did not reach the practitioner",
    "Nobody checked with children's services before release",
    "Mental health discharge was not shared with probation",
    "Recall was delayed while the case was reallocated",
    "The victim's family was not told of the release date",
    "Management oversight did not question the risk level",
    "Substance misuse treatment ended without anyone knowing",
)
ACTIONS = (
    "Review risk whenever a person on probation changes address.",
    "Share domestic abuse call-outs with probation within one working day.",
    "Check with children's services before every release.",
    "Send discharge summaries to probation before release.",
    "Brief managers on questioning risk levels in supervision.",
    "Tell victims' families of release dates through the victim liaison unit.",
)
DETAILS = {
    LearningResponse.BRIEFED_TEAMS: "Every team was briefed at its next meeting.",
    LearningResponse.CHANGED_GUIDANCE: "The guidance was revised and republished.",
    LearningResponse.TRAINING: "A training session was added to the induction programme.",
    LearningResponse.NO_ACTION: "Already covered by the agency's own procedure.",
}


def seed_history(db: Session, demo_agencies: dict[str, int]) -> None:
    """`demo_agencies` ids by demo slug; does nothing if already seeded or if the demo's
    agencies are not there."""
    if db.scalar(select(Case.id).where(Case.reference == REFERENCE.format(1))):
        return
    if not all(slug in demo_agencies for slug in (*DEMO_LOCAL, "demo-hmip")):
        return
    agencies = dict(demo_agencies)
    for name, kind in HISTORY_AGENCIES.items():
        agency = Agency(name=name, kind=kind, active=True)
        db.add(agency)
        db.flush()
        agencies[name] = agency.id
    chairs = [_former(db, person, agencies) for person in FORMER_CHAIRS]
    inspector = _former(db, FORMER_INSPECTOR, agencies)
    # The inspectorate's observer sat on some of them: they can see those.
    observer = db.scalar(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(User.agency_id == agencies["demo-hmip"], RoleGrant.role == Role.OBSERVER)
        .order_by(User.id)
        .limit(1)
    )
    themes = list(db.scalars(select(Theme).where(Theme.active).order_by(Theme.id)))
    randomly = random.Random(142)  # the same history every time  # noqa: S311
    now = clock.now()
    completed: dict[ProbationRegion, list[Action]] = {}
    for number in range(1, HISTORY_PANELS + 1):
        region = REGIONS[(number - 1) % len(REGIONS)]
        local = region is ProbationRegion.YORKSHIRE_AND_THE_HUMBER
        pool = list(DEMO_LOCAL) if local else list(HISTORY_AGENCIES)
        if region is ProbationRegion.LONDON:
            pool.append("demo-met-police")
        invited = [agencies[pool[0]], *randomly.sample([agencies[a] for a in pool[1:]], 2)]
        chair = chairs[0] if local else chairs[1 + number % 2]
        # Spread over the last three years, the newest closed two months ago.
        opened = now - timedelta(days=1100 - (number - 1) * 33 + randomly.randint(0, 20))
        panel = _panel(db, randomly, number, region, chair, invited, opened)
        if observer is not None and number % 4 == 0:
            db.add(PanelMember(panel_id=panel.id, user_id=observer.id, role=PanelRole.OBSERVER))
        plan_agreed = opened + timedelta(days=randomly.randint(50, 130))
        closed = min(plan_agreed + timedelta(days=randomly.randint(120, 300)), now - timedelta(60))
        points = _learning(db, randomly, panel, chair, invited, themes, opened, agencies)
        done = _actions(db, randomly, panel, chair, invited, points, plan_agreed, agencies)
        completed.setdefault(region, []).extend(done)
        moves = [
            (PanelState.DRAFT, PanelState.OPEN, opened),
            (PanelState.OPEN, PanelState.CONTRIBUTIONS_CLOSED, opened + timedelta(days=45)),
            (PanelState.CONTRIBUTIONS_CLOSED, PanelState.ACTION_PLAN_AGREED, plan_agreed),
            (PanelState.ACTION_PLAN_AGREED, PanelState.MONITORING, plan_agreed),
            (PanelState.MONITORING, PanelState.CLOSED, closed),
        ]
        for old, new, moment in moves:
            _audited(db, chair, "panel.state_changed", "panel", panel.id, moment, old, new)
        # As panels.panels.move_to keeps them: the first time of each of these moves.
        panel.opened_at, panel.plan_agreed_at, panel.closed_at = opened, plan_agreed, closed
    _dip_sample(db, randomly, inspector, REGIONS[0], completed, now - timedelta(400))
    _dip_sample(db, randomly, inspector, ProbationRegion.LONDON, completed, now - timedelta(30))
    db.commit()


def _former(db: Session, person: FormerChair, agencies: dict[str, int]) -> User:
    """An approved person with no role now and no way to sign in: they have moved on."""
    user = User(
        issuer=ISSUER,
        subject=person.name.lower().replace(" ", "."),
        agency_id=agencies[person.agency],
        name=person.name,
        email=None,
        status=UserStatus.APPROVED,
        approved_at=clock.now() - timedelta(days=1200),
        created_at=clock.now() - timedelta(days=1200),
    )
    db.add(user)
    db.flush()
    return user


def _audited(
    db: Session,
    actor: User,
    action: str,
    object_type: str,
    object_id: int,
    moment: datetime,
    old: PanelState | ActionState,
    new: PanelState | ActionState,
) -> None:
    """The event `portal.state_machine.move` writes, at the moment it happened."""
    event = audit.record(db, actor.id, action, object_type, object_id, old=old.value, new=new.value)
    event.occurred_at = moment


def _panel(
    db: Session,
    randomly: random.Random,
    number: int,
    region: ProbationRegion,
    chair: User,
    invited: list[int],
    opened: datetime,
) -> Panel:
    recorded = opened - timedelta(days=randomly.randint(10, 60))
    case = Case(
        reference=REFERENCE.format(number),
        region=region,
        offence_category=randomly.choice(list(OffenceCategory)),
        offence_date=(recorded - timedelta(days=randomly.randint(30, 120))).date(),
        review_status=ReviewStatus.QUALITY_ASSURED,
        created_by_id=chair.id,
        created_at=recorded,
    )
    db.add(case)
    db.flush()
    panel = Panel(
        case_id=case.id,
        chair_id=chair.id,
        state=PanelState.CLOSED,
        terms_of_reference="To learn from the agencies' work with the person on probation.",
        contribution_deadline=(opened + timedelta(days=28)).date(),
        action_plan_target_date=(opened + timedelta(days=90)).date(),
        created_at=opened - timedelta(days=1),
    )
    db.add(panel)
    db.flush()
    db.add(PanelMember(panel_id=panel.id, user_id=chair.id, role=PanelRole.CHAIR, added_at=opened))
    for agency_id in invited:
        db.add(
            Invitation(
                panel_id=panel.id, agency_id=agency_id, invited_at=opened, notified_at=opened
            )
        )
        db.add(
            Contribution(
                panel_id=panel.id,
                agency_id=agency_id,
                state=ContributionState.ACCEPTED,
                involvement="The agency's involvement with the person, as the panel heard it.",
                updated_at=opened,
                submitted_at=opened + timedelta(days=randomly.randint(10, 40)),
            )
        )
    db.flush()
    return panel


def _learning(
    db: Session,
    randomly: random.Random,
    panel: Panel,
    chair: User,
    invited: list[int],
    themes: list[Theme],
    opened: datetime,
    agencies: dict[str, int],
) -> list[LearningPoint]:
    local = {agencies[slug] for slug in DEMO_LOCAL}
    points = []
    for _ in range(randomly.randint(1, 3)):
        recorded = opened + timedelta(days=randomly.randint(40, 70))
        point = LearningPoint(
            panel_id=panel.id,
            title=randomly.choice(LEARNING),
            description="<p>What the panel found, and why it matters beyond this case.</p>",
            level=randomly.choice(list(LearningLevel)),
            created_by_id=chair.id,
            created_at=recorded,
            shared_at=recorded + timedelta(days=randomly.randint(1, 5)),
        )
        point.themes = randomly.sample(themes, randomly.randint(1, 3))
        sharing = randomly.sample(invited, randomly.randint(1, len(invited)))
        point.agencies = [db.get_one(Agency, agency_id) for agency_id in sharing]
        db.add(point)
        db.flush()
        for agency_id in sharing:
            # The demo's own agencies have acknowledged all of it: no reminder is owed.
            if agency_id not in local and randomly.random() < 0.25:
                continue
            response = randomly.choice(list(LearningResponse))
            assert point.shared_at is not None
            acknowledged = point.shared_at + timedelta(days=randomly.randint(3, 60))
            db.add(
                LearningAcknowledgement(
                    learning_point_id=point.id,
                    agency_id=agency_id,
                    acknowledged_by_id=chair.id,
                    acknowledged_at=acknowledged,
                    response=response,
                    detail=DETAILS[response],
                    done_on=acknowledged.date(),
                )
            )
        points.append(point)
    return points


def _actions(
    db: Session,
    randomly: random.Random,
    panel: Panel,
    chair: User,
    invited: list[int],
    points: list[LearningPoint],
    plan_agreed: datetime,
    agencies: dict[str, int],
) -> list[Action]:
    """Two to four actions, owned mostly by probation (the first agency invited), answered before
    the plan was agreed; those agreed are completed, and most reviewed for their impact."""
    local = {agencies[slug] for slug in DEMO_LOCAL}
    done = []
    today = clock.today()
    for _ in range(randomly.randint(2, 4)):
        owner = invited[0] if randomly.random() < 0.6 else randomly.choice(invited[1:])
        created = plan_agreed - timedelta(days=randomly.randint(20, 40))
        answered = created + timedelta(days=randomly.randint(2, 15))
        answer = randomly.choice(
            [
                ActionState.AGREED,
                ActionState.AGREED,
                ActionState.PARTLY_AGREED,
                ActionState.NOT_AGREED,
            ]
        )
        action = Action(
            panel_id=panel.id,
            description=f"<p>{randomly.choice(ACTIONS)}</p>",
            owner_agency_id=owner,
            owner_role="Head of Operations",
            target_date=(plan_agreed + timedelta(days=randomly.randint(60, 120))).date(),
            measure_of_success="<p>Seen in a sample of cases.</p>",
            learning_point_id=randomly.choice(points).id if points else None,
            state=answer,
            answer=answer,
            response_reason=""
            if answer is ActionState.AGREED
            else "<p>Only in part: the rest is covered elsewhere.</p>",
            responded_by_id=chair.id,
            responded_at=answered,
            created_at=created,
        )
        db.add(action)
        db.flush()
        _audited(
            db,
            chair,
            "action.answered",
            "action",
            action.id,
            answered,
            ActionState.PROPOSED,
            answer,
        )
        if answer is ActionState.NOT_AGREED:
            continue
        finished = plan_agreed + timedelta(days=randomly.randint(30, 110))
        action.updates.append(
            ActionUpdate(
                author_id=chair.id, text="<p>Done, with evidence.</p>", created_at=finished
            )
        )
        action.state, action.completed_at = ActionState.COMPLETED, finished
        action.impact_review_due = impact_review_due_after(finished.date())
        _audited(
            db,
            chair,
            "action.signed_off",
            "action",
            action.id,
            finished,
            answer,
            ActionState.COMPLETED,
        )
        # The demo's own agencies have reviewed every one: no review is waiting for them.
        if owner in local or (action.impact_review_due < today and randomly.random() < 0.7):
            db.add(
                ImpactReview(
                    action_id=action.id,
                    outcome=randomly.choice(list(ImpactOutcome)),
                    evidence="<p>An audit of cases since.</p>",
                    recorded_by_id=chair.id,
                    recorded_at=min(
                        datetime.combine(action.impact_review_due, time(12), UTC), clock.now()
                    ),
                )
            )
        done.append(action)
    db.flush()
    return done


def _dip_sample(
    db: Session,
    randomly: random.Random,
    inspector: User,
    region: ProbationRegion,
    completed: dict[ProbationRegion, list[Action]],
    drawn: datetime,
) -> None:
    """A sample the inspectorate drew and finished: every finding recorded."""
    eligible = [a for a in completed.get(region, []) if a.completed_at and a.completed_at < drawn]
    chosen = randomly.sample(eligible, min(5, len(eligible)))
    if not chosen:
        return
    sample = DipSample(region=region, size=5, drawn_by_id=inspector.id, drawn_at=drawn)
    for action in chosen:
        delivered = randomly.random() < 0.8
        sample.items.append(
            DipSampleItem(
                action_id=action.id,
                delivered_as_intended=delivered,
                impact_evidenced=delivered and randomly.random() < 0.6,
                finding="Seen in the cases sampled." if delivered else "Not seen in practice.",
                recorded_by_id=inspector.id,
                recorded_at=drawn + timedelta(days=14),
            )
        )
    db.add(sample)
    db.flush()
