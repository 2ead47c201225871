"""The administration pages, for each role: what they may do, and what they are refused."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import Agency, IdentityProvider, Role, User, UserStatus
from portal.audit import AuditEvent
from tests.conftest import csrf_token
from tests.support import people
from tests.support.providers import Provider, sign_in


@pytest.fixture
def cast(db: Session, admin: User, police: Agency) -> dict[str, User]:
    probation, police_idp = people.provider_of(db, "probation"), people.provider_of(db, "police")
    return {
        "admin": admin,
        "lead": people.person(db, admin, probation, "grace", [Role.AGENCY_LEAD]),
        "chair": people.person(db, admin, probation, "chair", [Role.PANEL_CHAIR]),
        "pending": people.person(db, None, probation, "newcomer", approved=False),
        "police_pending": people.person(db, None, police_idp, "officer", approved=False),
        "police_member": people.person(db, admin, police_idp, "member", [Role.PANEL_MEMBER]),
    }


def as_(client: FlaskClient, user: User) -> FlaskClient:
    slug = "police" if user.subject in {"officer", "member"} else "probation"
    assert sign_in(client, slug, user.subject).status_code == 302
    return client


def events(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


ADMIN_ONLY = ["/admin/agencies", "/admin/agencies/new", "/admin/agencies/1/provider"]


@pytest.mark.parametrize("who", ["lead", "chair", "police_member"])
def test_agency_pages_refuse_everyone_but_the_administrator(
    client: FlaskClient, cast: dict[str, User], who: str
) -> None:
    as_(client, cast[who])
    for url in ADMIN_ONLY:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            "/admin/agencies/new", data={"csrf_token": csrf_token(client, "/sign-out")}
        ).status_code
        == 403
    )


def test_user_list_refuses_people_who_are_not_leads(
    client: FlaskClient, cast: dict[str, User]
) -> None:
    as_(client, cast["chair"])
    assert client.get("/users").status_code == 403


def test_administrator_registers_an_agency_and_its_provider(
    client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    as_(client, cast["admin"])
    response = client.post(
        "/admin/agencies/new",
        data={
            "csrf_token": csrf_token(client, "/admin/agencies/new"),
            "name": "Northshire Youth Justice",
            "kind": "youth_justice",
            "slug": "northshire-yjs",
            "issuer": "https://login.northshire.example",
            "client_id": "portal-client",
        },
    )
    assert response.status_code == 302
    assert "Northshire Youth Justice" in client.get("/admin/agencies").get_data(as_text=True)
    provider = db.scalar(select(IdentityProvider).where(IdentityProvider.slug == "northshire-yjs"))
    assert provider is not None and provider.issuer == "https://login.northshire.example"
    assert provider.secret_variable == "OIDC_CLIENT_SECRET_NORTHSHIRE_YJS"
    assert events(db, "agency.registered")[-1].actor_id == cast["admin"].id


def test_bad_agency_form_keeps_what_was_typed_and_changes_nothing(
    client: FlaskClient, db: Session, cast: dict[str, User], provider: Provider
) -> None:
    as_(client, cast["admin"])
    response = client.post(
        "/admin/agencies/new",
        data={
            "csrf_token": csrf_token(client, "/admin/agencies/new"),
            "name": "Another Probation",
            "kind": "probation",
            "slug": "another-probation",
            "issuer": provider.issuer,  # already registered
            "client_id": "portal-client",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That issuer is already registered for another agency." in page
    assert 'value="Another Probation"' in page
    assert db.scalar(select(Agency).where(Agency.name == "Another Probation")) is None

    response = client.post(
        "/admin/agencies/new",
        data={"csrf_token": csrf_token(client, "/admin/agencies/new"), "slug": "Bad Slug!"},
    )
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter the agency&#39;s name" in page
    assert "lower-case letters, numbers and hyphens" in page


def test_administrator_switches_off_an_agencys_sign_in(
    client: FlaskClient, db: Session, cast: dict[str, User], police: Agency
) -> None:
    as_(client, cast["admin"])
    url = f"/admin/agencies/{police.id}/provider"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "issuer": police.provider.issuer,
            "client_id": police.provider.client_id,
        },
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(IdentityProvider, police.provider.id).enabled is False
    assert events(db, "provider.updated")[-1].details == {"enabled": [True, False]}
    assert "Northshire Police" not in client.get("/sign-in").get_data(as_text=True)


def test_agency_lead_sees_only_their_own_agencys_people(
    client: FlaskClient, cast: dict[str, User]
) -> None:
    as_(client, cast["lead"])
    page = client.get("/users").get_data(as_text=True)
    assert "Nia Newcomer" in page
    assert "Officer" not in page
    assert client.get(f"/users/{cast['police_pending'].id}").status_code == 403


def test_agency_lead_approves_a_pending_account_and_gives_roles(
    client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    as_(client, cast["lead"])
    pending = cast["pending"]
    response = client.post(
        f"/users/{pending.id}/approve",
        data={"csrf_token": csrf_token(client, f"/users/{pending.id}")},
    )
    assert response.headers["Location"] == f"/users/{pending.id}/roles"
    roles_url = f"/users/{pending.id}/roles"
    form = client.get(roles_url).get_data(as_text=True)
    assert "Practitioner" in form
    assert "Portal administrator" not in form
    client.post(
        roles_url,
        data={"csrf_token": csrf_token(client, roles_url), "roles": ["practitioner", "observer"]},
    )
    db.expire_all()
    user = db.get(User, pending.id)
    assert user.status is UserStatus.APPROVED
    assert user.roles == {Role.PRACTITIONER, Role.OBSERVER}
    assert events(db, "user.approved")[-1].actor_id == cast["lead"].id
    assert events(db, "user.roles_changed")[-1].details == {
        "added": ["observer", "practitioner"],
        "removed": [],
    }


def test_agency_lead_cannot_approve_another_agencys_people(
    client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    as_(client, cast["lead"])
    target = cast["police_pending"]
    response = client.post(
        f"/users/{target.id}/approve", data={"csrf_token": csrf_token(client, "/sign-out")}
    )
    assert response.status_code == 403
    db.expire_all()
    assert db.get(User, target.id).status is UserStatus.PENDING


def test_agency_lead_cannot_make_anyone_an_administrator(
    client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    as_(client, cast["lead"])
    url = f"/users/{cast['chair'].id}/roles"
    response = client.post(
        url, data={"csrf_token": csrf_token(client, url), "roles": ["administrator"]}
    )
    assert response.status_code == 200
    assert "Select only roles from the list" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, cast["chair"].id).roles == {Role.PANEL_CHAIR}


def test_nobody_can_change_their_own_roles(client: FlaskClient, cast: dict[str, User]) -> None:
    as_(client, cast["lead"])
    assert client.get(f"/users/{cast['lead'].id}/roles").status_code == 403


def test_suspending_asks_for_confirmation_first(
    client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    as_(client, cast["lead"])
    url = f"/users/{cast['chair'].id}/suspend"
    page = client.get(url).get_data(as_text=True)
    assert "Are you sure you want to suspend" in page
    db.expire_all()
    assert db.get(User, cast["chair"].id).status is UserStatus.APPROVED
    client.post(url, data={"csrf_token": csrf_token(client, url)})
    db.expire_all()
    assert db.get(User, cast["chair"].id).status is UserStatus.SUSPENDED
    assert events(db, "user.suspended")[-1].actor_id == cast["lead"].id


def test_people_may_see_their_own_account_but_not_others(
    client: FlaskClient, cast: dict[str, User]
) -> None:
    as_(client, cast["chair"])
    assert client.get(f"/users/{cast['chair'].id}").status_code == 200
    assert client.get(f"/users/{cast['lead'].id}").status_code == 403
    assert client.get("/users/99999").status_code == 404


def test_user_list_is_paginated(client: FlaskClient, db: Session, cast: dict[str, User]) -> None:
    probation = people.provider_of(db, "probation")
    for number in range(30):
        people.person(db, None, probation, f"extra-{number:02d}", approved=False)
    as_(client, cast["admin"])
    first = client.get("/users").get_data(as_text=True)
    assert "36 people" in first
    assert 'href="/users?page=2"' in first
    second = client.get("/users?page=2").get_data(as_text=True)
    assert "Extra 24" in first and "Extra 24" not in second
    assert "Extra 25" in second and "Grace Hopper" in second
