"""Demo panels: three invented cases, their panels in different states, built through the same
operations people use, so every screen has something to show and every demo person finds work
waiting on their home page (the README's walk-through says what). Nothing here is a real case."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import Agency, User
from panels import (
    actions,
    cases,
    contributions,
    dip_samples,
    impact_reviews,
    learning,
    panels,
    sessions,
)
from panels.actions import ActionFields
from panels.models.actions import Action, ActionState
from panels.models.cases import (
    Case,
    MappaCategory,
    MappaLevel,
    OffenceCategory,
    ProbationRegion,
    QualityRating,
    ReviewStatus,
)
from panels.models.contributions import Contribution
from panels.models.impact import ImpactOutcome, impact_review_due_after
from panels.models.learning import LearningLevel, Theme
from panels.models.panels import Panel, PanelRole, PanelState
from panels.models.sessions import Attendance, PanelSession
from portal import clock
from portal.clock import LONDON

# The case whose panel is being monitored; the extracts area's demo adds its review.
MONITORED_CASE = "SFO-DEMO-0142"


def seed_panels(db: Session, people: dict[str, User], agencies: dict[str, int]) -> None:
    """`people` by first name, `agencies` ids by demo slug; does nothing if already seeded."""
    if db.scalar(select(Case.id).where(Case.reference == MONITORED_CASE)):
        return
    today = clock.today()
    _monitoring_panel(db, people, agencies, today)
    _open_panel(db, people, agencies, today)
    _closed_panel(db, people, agencies, today)
    if "Rachel" in people:
        _inspectorate_panel(db, people, agencies, today)
        _dip_sample(db, people)
    db.commit()


def _themes(db: Session, *names: str) -> list[int]:
    return list(db.scalars(select(Theme.id).where(Theme.name.in_(names))))


def _panel(
    db: Session, people: dict[str, User], agencies: dict[str, int], case: Case, today: date
) -> Panel:
    chair = people["Priya"]
    panel = _convene(
        db,
        chair,
        case,
        terms_of_reference=(
            "To bring together every agency involved with the person on probation in the "
            "two years before the offence, to understand what each knew and did, and to agree "
            "learning and actions for each agency.\n\nThe panel will look in particular at "
            "information sharing between agencies and at the assessment of risk to children."
        ),
        deadlines=(today + timedelta(days=21), today + timedelta(days=90)),
        invited=[
            agencies[slug]
            for slug in (
                "demo-probation",
                "demo-met-police",
                "demo-childrens-services",
                "demo-mental-health",
            )
        ],
        representatives=[people[name] for name in ("Tom", "Hannah", "Ben", "Mark")],
    )
    panels.add_member(db, chair, panel, people["Sam"], PanelRole.OBSERVER)
    return panel


def _convene(
    db: Session,
    chair: User,
    case: Case,
    *,
    terms_of_reference: str,
    deadlines: tuple[date, date],
    invited: list[int],
    representatives: list[User],
) -> Panel:
    """A panel for `case` with the agencies `invited` (by id), open, their representatives
    named; `deadlines` for contributions and for the action plan."""
    panel = panels.open_panel(
        db,
        chair,
        case,
        terms_of_reference=terms_of_reference,
        contribution_deadline=deadlines[0],
        action_plan_target_date=deadlines[1],
    )
    for agency_id in invited:
        panels.invite_agency(db, chair, panel, db.get(Agency, agency_id))  # type: ignore[arg-type]
    # Opened first, as a chair does, so the agencies' leads are told before their
    # representatives are named.
    panels.move_to(db, chair, panel, PanelState.OPEN)
    for person in representatives:
        panels.add_member(db, chair, panel, person, PanelRole.REPRESENTATIVE)
    return panel


def _contribution(db: Session, panel: Panel, author: User, involvement: str) -> object:
    contribution = next(
        c
        for c in db.scalars(
            select(Contribution).where(
                Contribution.panel_id == panel.id,
                Contribution.agency_id == author.agency_id,
            )
        )
    )
    contributions.save(
        db,
        author,
        contribution,
        contribution.version,
        {
            "involvement": involvement,
            "analysis": "Risk was assessed at the start of the order but not reviewed when "
            "circumstances changed. Information held by one agency did not reach the others.",
            "good_practice": "Appointments were kept and followed up promptly.",
            "learning": "Review risk whenever circumstances change, and ask partners what "
            "they know.",
            "proposed_actions": "Refresh guidance on risk reviews; set up a monthly "
            "information-sharing meeting.",
        },
    )
    contributions.add_event(
        db,
        author,
        contribution,
        event_date=date(2025, 11, 3),
        event="Contact recorded with the person",
        agency_action="Noted in the case record",
        comment="No enquiry was made with partner agencies.",
    )
    db.flush()
    return contribution


def _accepted(db: Session, chair: User, panel: Panel, author: User, involvement: str) -> None:
    """`author`'s agency's contribution, written, submitted and accepted by the chair."""
    contribution = _contribution(db, panel, author, involvement)
    contributions.submit(db, author, contribution)  # type: ignore[arg-type]
    contributions.accept(db, chair, contribution)  # type: ignore[arg-type]


def _monitoring_panel(
    db: Session, people: dict[str, User], agencies: dict[str, int], today: date
) -> None:
    case = cases.create_case(
        db,
        people["Priya"],
        reference=MONITORED_CASE,
        region=ProbationRegion.NORTH_EAST,
        offence_category=OffenceCategory.MURDER,
        offence_date=today - timedelta(days=200),
        charge_date=today - timedelta(days=198),
        high_profile=True,
        mappa_category=MappaCategory.CATEGORY_2,
        mappa_level=MappaLevel.LEVEL_2,
        review_status=ReviewStatus.QUALITY_ASSURED,
        quality_rating=QualityRating.REQUIRES_IMPROVEMENT,
    )
    panel = _panel(db, people, agencies, case, today)
    chair = people["Priya"]
    written = {
        name: _contribution(
            db,
            panel,
            people[name],
            f"{people[name].agency.name} worked with the person on probation for eighteen months.",
        )
        for name in ("Tom", "Hannah", "Ben", "Mark")
    }
    for name, contribution in written.items():
        contributions.submit(db, people[name], contribution)  # type: ignore[arg-type]
    contributions.return_to_agency(
        db,
        chair,
        written["Hannah"],  # type: ignore[arg-type]
        "Please add the domestic abuse call-outs of spring 2025 to the chronology.",
    )
    contributions.submit(db, people["Hannah"], written["Hannah"])  # type: ignore[arg-type]
    for contribution in written.values():
        contributions.accept(db, chair, contribution)  # type: ignore[arg-type]

    first = _held_session(
        db,
        chair,
        panel,
        days_ago=30,
        duration_minutes=150,
        agenda="Introductions\n\nEach agency's chronology\n\nEmerging learning",
    )
    sessions.record_attendance(
        db,
        chair,
        first,
        {member.user_id: Attendance.PRESENT for member in panel.members}
        | {people["Sam"].id: Attendance.APOLOGIES},
    )
    sessions.save_minutes(
        db,
        chair,
        first,
        version=first.version,
        minutes="Each agency presented its chronology. The panel noted that police knew of "
        "domestic abuse call-outs that probation did not.",
        decisions="Agree learning on information sharing and risk review at the next session.",
    )
    sessions.publish_minutes(db, chair, first)
    panels.move_to(db, chair, panel, PanelState.CONTRIBUTIONS_CLOSED)

    shared = learning.record(
        db,
        chair,
        panel,
        title="Police call-outs did not reach the probation practitioner",
        description="Domestic abuse call-outs were known to police but not shared with "
        "probation, so the risk assessment was not reviewed.",
        level=LearningLevel.MULTI_AGENCY,
        theme_ids=_themes(db, "Information sharing", "Domestic abuse enquiries"),
        agency_ids=[agencies["demo-probation"], agencies["demo-met-police"]],
    )
    learning.share(db, chair, shared)
    risk = learning.record(
        db,
        chair,
        panel,
        title="Risk was not reviewed when circumstances changed",
        description="A change of address and a new relationship did not trigger a review.",
        level=LearningLevel.LOCAL,
        theme_ids=_themes(db, "Risk assessment", "Professional curiosity"),
        agency_ids=[agencies["demo-probation"]],
    )
    learning.share(db, chair, risk)

    def propose(agency: str, what: str, role: str, due: int) -> Action:
        return actions.propose(
            db,
            chair,
            panel,
            ActionFields(
                description=what,
                owner_agency_id=agencies[agency],
                owner_role=role,
                target_date=today + timedelta(days=due),
                measure_of_success="Evidence of the change is seen in a sample of cases.",
                learning_point_id=shared.id,
            ),
        )

    sharing = propose(
        "demo-met-police",
        "Share every domestic abuse call-out about a person "
        "on probation with their probation practitioner within one working day.",
        "Head of Public Protection",
        60,
    )
    review = propose(
        "demo-probation",
        "Review risk assessments when a person on probation "
        "changes address or starts a relationship.",
        "Head of Operations",
        -10,
    )
    checks = propose(
        "demo-childrens-services",
        "Tell probation about any child protection enquiry involving a person on probation.",
        "Safeguarding Lead",
        45,
    )
    triage = propose(
        "demo-mental-health", "Join the monthly multi-agency risk meeting.", "Clinical Director", 30
    )
    actions.respond(db, people["Hannah"], sharing, ActionState.AGREED, "")
    actions.respond(db, people["Tom"], review, ActionState.AGREED, "")
    actions.respond(
        db,
        people["Ben"],
        checks,
        ActionState.PARTLY_AGREED,
        "Agreed for open cases; closed cases are outside our systems (operational reasons).",
    )
    actions.respond(
        db,
        people["Mark"],
        triage,
        ActionState.NOT_AGREED,
        "The trust already attends the MAPPA meeting, which covers these cases (policy reasons).",
    )
    panels.move_to(db, chair, panel, PanelState.ACTION_PLAN_AGREED)
    panels.move_to(db, chair, panel, PanelState.MONITORING)
    actions.report_progress(
        db,
        people["Hannah"],
        sharing,
        "A daily extract of call-outs now goes to the probation hub; 40 shared in the first month.",
    )
    actions.sign_off(db, chair, sharing)
    actions.report_progress(db, people["Ben"], checks, "Procedure drafted; training booked.")
    _work_left_on_monitored_panel(db, people, agencies, panel)


def _held_session(
    db: Session, chair: User, panel: Panel, *, days_ago: int, duration_minutes: int, agenda: str
) -> PanelSession:
    """A session the panel held at the civic centre, at ten in the morning `days_ago` days ago."""
    return sessions.schedule(
        db,
        chair,
        panel,
        starts_at=clock.now().replace(hour=10, minute=0, second=0, microsecond=0)
        - timedelta(days=days_ago),
        duration_minutes=duration_minutes,
        location="Northshire Civic Centre, Room 4",
        online_link="",
        agenda=agenda,
    )


def _work_left_on_monitored_panel(
    db: Session, people: dict[str, User], agencies: dict[str, int], panel: Panel
) -> None:
    """What the chair has still to do: the minutes of last week's session to publish, and
    learning agreed there to share. (Children's services' progress waits for her sign-off,
    and probation's action is overdue.)"""
    chair = people["Priya"]
    held = _held_session(
        db,
        chair,
        panel,
        days_ago=6,
        duration_minutes=90,
        agenda="Progress on the actions\n\nLearning still to share",
    )
    sessions.record_attendance(
        db, chair, held, {member.user_id: Attendance.PRESENT for member in panel.members}
    )
    sessions.save_minutes(
        db,
        chair,
        held,
        version=held.version,
        minutes="Police reported that call-outs now reach the probation hub daily. Children's "
        "services have drafted their procedure. Probation's review of risk assessments is late.",
        decisions="Share the learning on partner checks with probation and the police.",
    )
    learning.record(
        db,
        chair,
        panel,
        title="Partner agencies were not asked what they knew",
        description="Nobody asked the police or children's services about the new "
        "relationship before the risk assessment was signed off.",
        level=LearningLevel.MULTI_AGENCY,
        theme_ids=_themes(db, "Professional curiosity", "Information sharing"),
        agency_ids=[agencies["demo-probation"], agencies["demo-met-police"]],
    )


def _open_panel(
    db: Session, people: dict[str, User], agencies: dict[str, int], today: date
) -> None:
    case = cases.create_case(
        db,
        people["Priya"],
        reference="SFO-DEMO-0219",
        region=ProbationRegion.YORKSHIRE_AND_THE_HUMBER,
        offence_category=OffenceCategory.RAPE,
        offence_date=today - timedelta(days=90),
        charge_date=today - timedelta(days=85),
        high_profile=False,
        mappa_category=MappaCategory.CATEGORY_1,
        mappa_level=MappaLevel.LEVEL_1,
        review_status=ReviewStatus.IN_PROGRESS,
        quality_rating=None,
    )
    panel = _panel(db, people, agencies, case, today)
    chair = people["Priya"]
    probation = _contribution(
        db, panel, people["Tom"], "Probation supervised the person on licence for nine months."
    )
    contributions.submit(db, people["Tom"], probation)  # type: ignore[arg-type]
    childrens = _contribution(
        db, panel, people["Ben"], "Children's services assessed the family twice."
    )
    contributions.submit(db, people["Ben"], childrens)  # type: ignore[arg-type]
    contributions.return_to_agency(
        db,
        chair,
        childrens,  # type: ignore[arg-type]
        "Please set out what checks were made with probation before closing the case.",
    )
    _contribution(db, panel, people["Hannah"], "Police had three contacts with the person.")
    # Actions proposed early, as the panel found them: the owning agencies are to answer.
    for agency, what, role, due in (
        (
            "demo-met-police",
            "Name a single point of contact for probation in each police district.",
            "Head of Public Protection",
            40,
        ),
        (
            "demo-mental-health",
            "Tell the probation practitioner when a person on probation misses two "
            "appointments in a row.",
            "Clinical Director",
            50,
        ),
    ):
        actions.propose(
            db,
            chair,
            panel,
            ActionFields(
                description=what,
                owner_agency_id=agencies[agency],
                owner_role=role,
                target_date=today + timedelta(days=due),
                measure_of_success="Confirmed in writing to the panel, and seen in a sample "
                "of cases.",
            ),
        )
    sessions.schedule(
        db,
        chair,
        panel,
        starts_at=clock.now().replace(hour=13, minute=30, second=0, microsecond=0)
        + timedelta(days=14),
        duration_minutes=120,
        location="",
        online_link="https://meet.example.org/panel-0219",
        agenda="Terms of reference\n\nAgencies' chronologies\n\nNext steps",
    )


def _closed_panel(
    db: Session, people: dict[str, User], agencies: dict[str, int], today: date
) -> None:
    case = cases.create_case(
        db,
        people["Priya"],
        reference="SFO-DEMO-0877",
        region=ProbationRegion.NORTH_EAST,
        offence_category=OffenceCategory.MANSLAUGHTER,
        offence_date=today - timedelta(days=500),
        charge_date=today - timedelta(days=495),
        high_profile=False,
        mappa_category=None,
        mappa_level=None,
        review_status=ReviewStatus.QUALITY_ASSURED,
        quality_rating=QualityRating.GOOD,
    )
    panel = _panel(db, people, agencies, case, today)
    chair = people["Priya"]
    for name in ("Tom", "Mark"):
        _accepted(db, chair, panel, people[name], "Involvement over two years.")
    panels.move_to(db, chair, panel, PanelState.CONTRIBUTIONS_CLOSED)
    point = learning.record(
        db,
        chair,
        panel,
        title="Mental health information was not shared before release",
        description="The trust's assessment was not seen by the probation practitioner.",
        level=LearningLevel.REGIONAL,
        theme_ids=_themes(db, "Information sharing", "Mental health", "Release planning"),
        agency_ids=[agencies["demo-probation"], agencies["demo-mental-health"]],
    )
    learning.share(db, chair, point)
    action = actions.propose(
        db,
        chair,
        panel,
        ActionFields(
            description="Send the discharge summary to probation before release.",
            owner_agency_id=agencies["demo-mental-health"],
            owner_role="Clinical Director",
            target_date=today - timedelta(days=30),
            measure_of_success="Summaries seen in every case sampled.",
            learning_point_id=point.id,
        ),
    )
    actions.respond(db, people["Mark"], action, ActionState.AGREED, "")
    panels.move_to(db, chair, panel, PanelState.ACTION_PLAN_AGREED)
    panels.move_to(db, chair, panel, PanelState.MONITORING)
    actions.report_progress(db, people["Mark"], action, "Done in all 12 cases sampled.")
    actions.sign_off(db, chair, action)
    panels.move_to(db, chair, panel, PanelState.CLOSED)


def _inspectorate_panel(
    db: Session, people: dict[str, User], agencies: dict[str, int], today: date
) -> None:
    """A panel the inspectorate convened, chaired by Rachel Obi: being monitored, its two
    actions signed off months ago; the police have reviewed their action's impact, probation's
    review is due in ten days."""
    chair = people["Rachel"]
    case = cases.create_case(
        db,
        chair,
        reference="SFO-DEMO-0305",
        region=ProbationRegion.NORTH_EAST,
        offence_category=OffenceCategory.ATTEMPTED_MURDER,
        offence_date=today - timedelta(days=420),
        charge_date=today - timedelta(days=416),
        high_profile=False,
        mappa_category=MappaCategory.CATEGORY_2,
        mappa_level=MappaLevel.LEVEL_1,
        review_status=ReviewStatus.QUALITY_ASSURED,
        quality_rating=QualityRating.REQUIRES_IMPROVEMENT,
    )
    representatives = [people["Tom"], people["Hannah"]]
    panel = _convene(
        db,
        chair,
        case,
        terms_of_reference="Convened by HM Inspectorate of Probation after its inspection of "
        "the region, to see how probation and the police shared what they knew about domestic "
        "abuse in the year before the offence.",
        deadlines=(today - timedelta(days=300), today - timedelta(days=260)),
        invited=[agencies["demo-probation"], agencies["demo-met-police"]],
        representatives=representatives,
    )
    for person in representatives:
        _accepted(db, chair, panel, person, f"{person.agency.name} knew the person for a year.")
    panels.move_to(db, chair, panel, PanelState.CONTRIBUTIONS_CLOSED)

    def agreed(agency: str, what: str, role: str, by: str) -> Action:
        action = actions.propose(
            db,
            chair,
            panel,
            ActionFields(
                description=what,
                owner_agency_id=agencies[agency],
                owner_role=role,
                target_date=today - timedelta(days=220),
                measure_of_success="Seen in every case of a sample of twenty.",
            ),
        )
        actions.respond(db, people[by], action, ActionState.AGREED, "")
        return action

    police = agreed(
        "demo-met-police",
        "Give probation practitioners read access to the domestic abuse call-out log for the "
        "people they supervise.",
        "Head of Public Protection",
        "Hannah",
    )
    probation = agreed(
        "demo-probation",
        "Check the police call-out log before any risk assessment is signed off.",
        "Head of Operations",
        "Tom",
    )
    panels.move_to(db, chair, panel, PanelState.ACTION_PLAN_AGREED)
    panels.move_to(db, chair, panel, PanelState.MONITORING)
    for action, by, text, days_ago in (
        (police, "Hannah", "Access granted to all 34 practitioners in the region.", 215),
        (probation, "Tom", "The risk assessment template now asks for the log check.", 172),
    ):
        actions.report_progress(db, people[by], action, text)
        actions.sign_off(db, chair, action)
        _signed_off_days_ago(action, days_ago)
    impact_reviews.record(
        db,
        people["Hannah"],
        police,
        outcome=ImpactOutcome.CHANGED,
        evidence="An audit of twenty cases supervised since: the practitioner had read the "
        "call-out log in nineteen, and acted on it in the four cases with call-outs.",
    )


def _signed_off_days_ago(action: Action, days: int) -> None:
    """The demo runs on the day it is seeded: move a sign-off back in time, and its impact
    review date with it, so that reviews are due and overdue as they would be in use."""
    completed_at = clock.now() - timedelta(days=days)
    action.completed_at = completed_at
    action.impact_review_due = impact_review_due_after(completed_at.astimezone(LONDON).date())


def _dip_sample(db: Session, people: dict[str, User]) -> None:
    """Sam Okafor's sample of the completed actions of the North East (every one of the four),
    with his finding on the police action whose impact has been reviewed."""
    inspector = people["Sam"]
    sample = dip_samples.draw(db, inspector, ProbationRegion.NORTH_EAST, 4)
    reviewed = next(
        item for item in sample.items if impact_reviews.review_of(db, item.action) is not None
    )
    dip_samples.record_finding(
        db,
        inspector,
        reviewed,
        delivered_as_intended=True,
        impact_evidenced=True,
        finding="Access to the log was confirmed with three practitioners; the agency's audit "
        "of twenty cases was re-checked on five of them.",
    )
