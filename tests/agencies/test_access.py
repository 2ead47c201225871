"""Access rules for agencies and their people, rule by rule."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from agencies import users
from agencies.access import grantable_roles
from agencies.models import Agency, Role, User
from portal.policy import can
from tests.support import people


@pytest.fixture
def cast(db: Session, admin: User, police: Agency) -> dict[str, User]:
    """People of two agencies: probation (with its lead) and police (with theirs)."""
    probation, police = people.provider_of(db, "probation"), people.provider_of(db, "police")
    return {
        "admin": admin,
        "lead": people.person(db, admin, probation, "lead", [Role.AGENCY_LEAD]),
        "practitioner": people.person(db, admin, probation, "practitioner", [Role.PRACTITIONER]),
        "pending": people.person(db, None, probation, "pending", approved=False),
        "police_lead": people.person(db, admin, police, "police-lead", [Role.AGENCY_LEAD]),
        "police_pending": people.person(db, None, police, "police-pending", approved=False),
    }


def test_only_the_administrator_manages_agencies(cast: dict[str, User]) -> None:
    assert can(cast["admin"], "manage_agencies")
    assert not can(cast["lead"], "manage_agencies")
    assert not can(cast["practitioner"], "manage_agencies")


def test_leads_and_administrators_list_users(cast: dict[str, User]) -> None:
    assert can(cast["admin"], "list_users")
    assert can(cast["lead"], "list_users")
    assert not can(cast["practitioner"], "list_users")


def test_agency_lead_approves_their_own_agencys_people_only(cast: dict[str, User]) -> None:
    assert can(cast["lead"], "approve", cast["pending"])
    assert not can(cast["lead"], "approve", cast["police_pending"])
    assert can(cast["police_lead"], "approve", cast["police_pending"])
    assert can(cast["admin"], "approve", cast["police_pending"])
    assert not can(cast["practitioner"], "approve", cast["pending"])


def test_nobody_changes_their_own_roles(cast: dict[str, User]) -> None:
    assert not can(cast["lead"], "assign_roles", cast["lead"])
    assert not can(cast["admin"], "assign_roles", cast["admin"])
    assert can(cast["lead"], "assign_roles", cast["practitioner"])


def test_only_administrators_grant_the_administrator_role(cast: dict[str, User]) -> None:
    assert Role.ADMINISTRATOR in grantable_roles(cast["admin"])
    assert Role.ADMINISTRATOR not in grantable_roles(cast["lead"])


def test_pending_and_suspended_people_may_do_nothing(db: Session, cast: dict[str, User]) -> None:
    assert not can(cast["pending"], "view_dashboard")
    users.suspend(db, db.merge(cast["admin"]), cast["lead"])
    db.commit()
    assert not can(cast["lead"], "view_dashboard")
    assert not can(cast["lead"], "approve", cast["pending"])


def test_anonymous_visitors_may_do_nothing(cast: dict[str, User]) -> None:
    from flask_login import AnonymousUserMixin

    assert not can(AnonymousUserMixin(), "view_dashboard")
    assert not can(None, "view", cast["lead"])


def test_agency_lead_cannot_suspend_or_change_the_roles_of_an_administrator(
    cast: dict[str, User],
) -> None:
    lead, admin = cast["lead"], cast["admin"]
    assert lead.agency_id == admin.agency_id
    assert can(lead, "view", admin)
    assert not can(lead, "suspend", admin)
    assert not can(lead, "assign_roles", admin)
    assert can(lead, "suspend", cast["practitioner"])
    assert can(lead, "assign_roles", cast["practitioner"])


def test_only_administrators_reinstate_and_only_suspended_people(
    db: Session, cast: dict[str, User]
) -> None:
    practitioner = cast["practitioner"]
    assert not can(cast["admin"], "reinstate", practitioner)
    users.suspend(db, db.merge(cast["lead"]), practitioner)
    db.commit()
    assert can(cast["admin"], "reinstate", practitioner)
    assert not can(cast["lead"], "reinstate", practitioner)
    assert not can(cast["police_lead"], "reinstate", practitioner)
    assert not can(practitioner, "reinstate", practitioner)


def test_nobody_is_offered_the_removal_of_the_last_administrator(
    db: Session, cast: dict[str, User]
) -> None:
    admin = cast["admin"]
    for who in ("admin", "lead", "police_lead", "practitioner"):
        assert not can(cast[who], "suspend", admin), who
        assert not can(cast[who], "assign_roles", admin), who


def test_administrators_may_suspend_or_demote_each_other(
    db: Session, cast: dict[str, User]
) -> None:
    other = people.person(
        db, cast["admin"], people.provider_of(db, "police"), "alan", [Role.ADMINISTRATOR]
    )
    assert can(cast["admin"], "suspend", other) and can(other, "suspend", cast["admin"])
    assert can(cast["admin"], "assign_roles", other)
    assert can(other, "assign_roles", cast["admin"])
    assert not can(cast["police_lead"], "suspend", other)
