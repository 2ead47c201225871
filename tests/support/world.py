"""A small world of panels for tests, made through the operations people use.

Agencies: probation (the `agency` fixture's, provider process `provider`), police and
children's services (the tampering provider in honest mode, and a provider that is never
signed in with). People, by key:

  admin         Ada Lovelace, probation, portal administrator
  chair         Grace Hopper, probation, panel chair: chairs `panel` and `other_panel`
  probation_rep Alan Turing, probation, panel member: probation's representative on `panel`
  police_rep    "police-rep", police, panel member: police's representative on `panel`
  police_lead   "police-lead", police, agency lead
  observer      "observer", probation, observer: observer on `panel`
  practitioner  "practitioner", probation, practitioner: on no panel
  outsider      "outsider", children's services, panel member: its agency is not invited
  other_member  "other-member", police, panel member: representative on `other_panel` only

`panel` is open, with probation and police invited; `other_panel` is open with police only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from agencies import agencies
from agencies.models import Agency, AgencyKind, Role, User
from panels import cases, panels
from panels.models.cases import Case, OffenceCategory, ProbationRegion, ReviewStatus
from panels.models.panels import Panel, PanelRole, PanelState
from tests.support import people

# The people `build` makes, by key.
PEOPLE = (
    "admin",
    "chair",
    "probation_rep",
    "police_rep",
    "police_lead",
    "observer",
    "practitioner",
    "outsider",
    "other_member",
)


@dataclass
class World:
    agencies: dict[str, Agency] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    case: Case | None = None
    panel: Panel | None = None
    other_panel: Panel | None = None

    def __getitem__(self, key: str) -> User:
        return self.people[key]


def a_case(
    db: Session, chair: User, reference: str, region: ProbationRegion = ProbationRegion.NORTH_EAST
) -> Case:
    return cases.create_case(
        db,
        chair,
        reference=reference,
        region=region,
        offence_category=OffenceCategory.MURDER,
        offence_date=date(2026, 1, 14),
        charge_date=None,
        high_profile=False,
        mappa_category=None,
        mappa_level=None,
        review_status=ReviewStatus.IN_PROGRESS,
        quality_rating=None,
    )


def case_form(
    token: str, reference: str, offence_date: tuple[str, str, str] = ("14", "1", "2026")
) -> dict[str, object]:
    """What the new-case page's form sends, filled in as a chair would."""
    return {
        "csrf_token": token,
        "reference": reference,
        "region": "wales",
        "offence_category": "murder",
        "offence_date": list(offence_date),
        "charge_date": ["", "", ""],
        "review_status": "in_progress",
        "mappa_category": "",
        "mappa_level": "",
        "quality_rating": "",
    }


def agency_never_signed_in_with(db: Session, name: str, kind: AgencyKind, slug: str) -> Agency:
    """An agency whose identity provider is never signed in with."""
    registered = agencies.register_agency(
        db,
        None,
        name=name,
        kind=kind,
        slug=slug,
        issuer=f"http://127.0.0.1:9/never-used-{slug}",
        client_id="portal",
    )
    db.commit()
    return registered


def build(db: Session, admin: User, probation: Agency, police: Agency) -> World:
    world = World()
    childrens = agency_never_signed_in_with(
        db, "Northshire Children's Services", AgencyKind.CHILDRENS_SERVICES, "childrens"
    )
    world.agencies = {"probation": probation, "police": police, "childrens": childrens}
    admin = db.merge(admin)
    idp = {slug: people.provider_of(db, slug) for slug in ("probation", "police", "childrens")}
    cast = {
        "chair": ("probation", "grace", [Role.PANEL_CHAIR]),
        "probation_rep": ("probation", "alan", [Role.PANEL_MEMBER]),
        "police_rep": ("police", "police-rep", [Role.PANEL_MEMBER]),
        "police_lead": ("police", "police-lead", [Role.AGENCY_LEAD]),
        "observer": ("probation", "observer", [Role.OBSERVER]),
        "practitioner": ("probation", "practitioner", [Role.PRACTITIONER]),
        "outsider": ("childrens", "outsider", [Role.PANEL_MEMBER]),
        "other_member": ("police", "other-member", [Role.PANEL_MEMBER]),
    }
    world.people["admin"] = admin
    for key, (slug, subject, roles) in cast.items():
        world.people[key] = people.person(db, admin, idp[slug], subject, roles)
    chair = world["chair"]
    world.case = a_case(db, chair, "SFO-TEST-0001")
    world.panel = panels.open_panel(
        db,
        chair,
        world.case,
        terms_of_reference="Look at what each agency knew.",
        contribution_deadline=date(2026, 12, 31),
        action_plan_target_date=date(2027, 3, 31),
    )
    panels.invite_agency(db, chair, world.panel, probation)
    panels.invite_agency(db, chair, world.panel, police)
    panels.add_member(db, chair, world.panel, world["probation_rep"], PanelRole.REPRESENTATIVE)
    panels.add_member(db, chair, world.panel, world["police_rep"], PanelRole.REPRESENTATIVE)
    panels.add_member(db, chair, world.panel, world["observer"], PanelRole.OBSERVER)
    panels.move_to(db, chair, world.panel, PanelState.OPEN)

    other_case = a_case(db, chair, "SFO-TEST-0002")
    world.other_panel = panels.open_panel(
        db,
        chair,
        other_case,
        terms_of_reference="Another case.",
        contribution_deadline=None,
        action_plan_target_date=None,
    )
    panels.invite_agency(db, chair, world.other_panel, police)
    panels.add_member(db, chair, world.other_panel, world["other_member"], PanelRole.REPRESENTATIVE)
    panels.move_to(db, chair, world.other_panel, PanelState.OPEN)
    db.commit()
    return world
