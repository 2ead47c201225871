"""The administration pages, for each role: what they may do, and what they are refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies import users
from agencies.models import Agency, IdentityProvider, Role, User, UserStatus
from portal import clock, jobs
from portal.audit import AuditEvent
from tests.conftest import csrf_token
from tests.support import people
from tests.support.access_table import everything
from tests.support.local_provider import provider_process
from tests.support.postgres import free_port
from tests.support.providers import Provider, accepting_only, config, new_key, sign_in


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


def meanwhile(app: Flask, method: str, path: str, change: Callable[[], None]) -> None:
    """Make `change` happen during the next `method` request to `path`, once the sign-in check has
    loaded who is asking: as if someone else did it at the same moment. Call it before the
    test's first request (Flask takes no new hooks after that)."""
    waiting = [change]

    @app.before_request
    def someone_else_at_the_same_moment() -> None:
        if waiting and request.method == method and request.path == path:
            waiting.pop()()


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


def new_agency_form(client: FlaskClient, issuer: str, method: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_token(client, "/admin/agencies/new"),
        "name": "Northshire Youth Justice",
        "kind": "youth_justice",
        "slug": "northshire-yjs",
        "issuer": issuer,
        "client_id": "portal-client",
        "token_endpoint_auth_method": method,
    }


@pytest.fixture
def unregistered_provider(
    tmp_path: Path, portal_base_url: str, portal_keys: dict[str, Any]
) -> Iterator[str]:
    """A provider no agency uses yet, which accepts only signed client assertions."""
    settings = accepting_only(
        config(portal_base_url, "northshire-yjs", "unused", portal_keys, [new_key()]),
        "private_key_jwt",
    )
    with provider_process(settings, tmp_path) as issuer:
        yield issuer


def test_administrator_registers_an_agency_and_its_provider(
    client: FlaskClient, db: Session, cast: dict[str, User], unregistered_provider: str
) -> None:
    as_(client, cast["admin"])
    response = client.post(
        "/admin/agencies/new",
        data=new_agency_form(client, unregistered_provider, "private_key_jwt"),
    )
    assert response.status_code == 302
    assert "Northshire Youth Justice" in client.get("/admin/agencies").get_data(as_text=True)
    provider = db.scalar(select(IdentityProvider).where(IdentityProvider.slug == "northshire-yjs"))
    assert provider is not None and provider.issuer == unregistered_provider
    assert provider.token_endpoint_auth_method == "private_key_jwt"
    assert provider.secret_variable == "OIDC_CLIENT_SECRET_NORTHSHIRE_YJS"
    assert events(db, "agency.registered")[-1].actor_id == cast["admin"].id

    page = client.get(f"/admin/agencies/{provider.agency_id}/provider").get_data(as_text=True)
    assert f"{portal_base_url_of(client)}/sign-in/northshire-yjs/callback" in page
    assert f"{portal_base_url_of(client)}/sign-in/northshire-yjs/back-channel-logout" in page
    assert f"{portal_base_url_of(client)}/.well-known/jwks.json" in page


def portal_base_url_of(client: FlaskClient) -> str:
    return str(client.application.config["PORTAL_BASE_URL"])


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("client_secret_basic", "does not accept client_secret_basic client authentication"),
        ("none", "It accepts: private_key_jwt"),
    ],
)
def test_registering_an_agency_with_a_method_its_provider_refuses_changes_nothing(
    client: FlaskClient,
    db: Session,
    cast: dict[str, User],
    unregistered_provider: str,
    method: str,
    message: str,
) -> None:
    as_(client, cast["admin"])
    response = client.post(
        "/admin/agencies/new", data=new_agency_form(client, unregistered_provider, method)
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(Agency).where(Agency.name == "Northshire Youth Justice")) is None


def test_registering_an_agency_whose_provider_does_not_answer_changes_nothing(
    client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    as_(client, cast["admin"])
    issuer = f"http://127.0.0.1:{free_port()}"
    response = client.post(
        "/admin/agencies/new", data=new_agency_form(client, issuer, "client_secret_basic")
    )
    assert response.status_code == 200
    assert "did not answer with its OpenID Connect configuration" in response.get_data(as_text=True)
    assert db.scalar(select(Agency).where(Agency.name == "Northshire Youth Justice")) is None


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
            "token_endpoint_auth_method": "client_secret_basic",
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
            "token_endpoint_auth_method": "client_secret_basic",
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


@pytest.mark.parametrize("page", ["suspend", "roles"])
def test_agency_lead_cannot_suspend_or_change_the_roles_of_their_agencys_administrator(
    client: FlaskClient, db: Session, cast: dict[str, User], page: str
) -> None:
    admin, lead = cast["admin"], cast["lead"]
    assert lead.agency_id == admin.agency_id
    people.signed_in_as(client, db, lead)
    url = f"/users/{admin.id}/{page}"
    before = everything(db)
    assert client.get(url).status_code == 403
    response = client.post(
        url, data={"csrf_token": csrf_token(client, "/sign-out"), "roles": ["practitioner"]}
    )
    assert response.status_code == 403
    assert everything(db) == before


def test_user_page_offers_a_lead_no_suspend_or_roles_button_for_an_administrator(
    client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    people.signed_in_as(client, db, cast["lead"])
    response = client.get(f"/users/{cast['admin'].id}")
    assert response.status_code == 200
    assert "Suspend account" not in response.get_data(as_text=True)
    assert "Change roles" not in response.get_data(as_text=True)
    chairs = client.get(f"/users/{cast['chair'].id}").get_data(as_text=True)
    assert "Suspend account" in chairs and "Change roles" in chairs


def test_administrator_reinstates_a_suspended_account_after_confirming(
    app: Flask, client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    chair = cast["chair"]
    users.suspend(db, db.merge(cast["lead"]), chair)
    db.commit()
    people.signed_in_as(client, db, cast["admin"])
    assert "Reinstate account" in client.get(f"/users/{chair.id}").get_data(as_text=True)
    url = f"/users/{chair.id}/reinstate"
    assert "Are you sure you want to reinstate Chair?" in client.get(url).get_data(as_text=True)
    db.expire_all()
    assert db.get_one(User, chair.id).status is UserStatus.SUSPENDED

    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.headers["Location"] == f"/users/{chair.id}"
    page = client.get(f"/users/{chair.id}").get_data(as_text=True)
    assert "account has been reinstated" in page
    assert "Reinstate account" not in page and "Suspend account" in page
    db.expire_all()
    reinstated = db.get_one(User, chair.id)
    assert reinstated.status is UserStatus.APPROVED
    assert reinstated.roles == {Role.PANEL_CHAIR}
    assert [(e.actor_id, e.object_id) for e in events(db, "user.reinstated")] == [
        (cast["admin"].id, str(chair.id))
    ]
    again = people.signed_in_as(app.test_client(), db, chair)
    assert again.get("/").status_code == 200


@pytest.mark.parametrize("who", ["lead", "practitioner"])
def test_only_an_administrator_may_reinstate(
    client: FlaskClient, db: Session, cast: dict[str, User], who: str
) -> None:
    probation = people.provider_of(db, "probation")
    actor = cast["lead"]
    if who == "practitioner":
        actor = people.person(db, cast["admin"], probation, "doer", [Role.PRACTITIONER])
    chair = cast["chair"]
    users.suspend(db, db.merge(cast["lead"]), chair)
    db.commit()
    people.signed_in_as(client, db, actor)
    if who == "lead":
        assert "Reinstate account" not in client.get(f"/users/{chair.id}").get_data(as_text=True)
    url = f"/users/{chair.id}/reinstate"
    before = everything(db)
    assert client.get(url).status_code == 403
    response = client.post(url, data={"csrf_token": csrf_token(client, "/sign-out")})
    assert response.status_code == 403
    assert everything(db) == before


def test_a_suspended_person_cannot_reinstate_themselves(
    client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    chair = cast["chair"]
    people.signed_in_as(client, db, chair)
    token = csrf_token(client, "/sign-out")
    users.suspend(db, db.merge(cast["lead"]), chair)
    db.commit()
    url = f"/users/{chair.id}/reinstate"
    before = everything(db)
    # Suspension signs them out, so they are sent to sign in rather than refused.
    for response in (client.get(url), client.post(url, data={"csrf_token": token})):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")
    assert everything(db) == before


def test_one_administrator_may_suspend_another(
    client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    ada = cast["admin"]
    alan = people.person(db, ada, people.provider_of(db, "probation"), "alan", [Role.ADMINISTRATOR])
    people.signed_in_as(client, db, ada)
    url = f"/users/{alan.id}/suspend"
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.headers["Location"] == f"/users/{alan.id}"
    db.expire_all()
    assert db.get_one(User, alan.id).status is UserStatus.SUSPENDED
    assert events(db, "user.suspended")[-1].actor_id == ada.id


def test_the_last_administrator_is_not_suspended_when_two_suspend_each_other_at_once(
    app: Flask, client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    ada = cast["admin"]
    alan = people.person(db, ada, people.provider_of(db, "probation"), "alan", [Role.ADMINISTRATOR])
    url = f"/users/{alan.id}/suspend"

    def alan_suspends_ada() -> None:
        users.suspend(db, alan, ada)
        db.commit()

    meanwhile(app, "POST", url, alan_suspends_ada)
    people.signed_in_as(client, db, ada)
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 200
    assert (
        "Alan Turing is the only portal administrator left, so you cannot suspend them. "
        "Make someone else an administrator first." in response.get_data(as_text=True)
    )
    db.expire_all()
    assert db.get_one(User, alan.id).status is UserStatus.APPROVED
    assert [e.object_id for e in events(db, "user.suspended")] == [str(ada.id)]


def test_the_last_administrator_keeps_the_role_when_two_remove_each_others_at_once(
    app: Flask, client: FlaskClient, db: Session, cast: dict[str, User]
) -> None:
    ada = cast["admin"]
    alan = people.person(db, ada, people.provider_of(db, "probation"), "alan", [Role.ADMINISTRATOR])
    url = f"/users/{alan.id}/roles"

    def alan_removes_adas_role() -> None:
        users.set_roles(db, alan, ada, [Role.PANEL_CHAIR])
        db.commit()

    meanwhile(app, "POST", url, alan_removes_adas_role)
    people.signed_in_as(client, db, ada)
    response = client.post(
        url, data={"csrf_token": csrf_token(client, url), "roles": ["panel_chair"]}
    )
    assert response.status_code == 200
    assert (
        "Alan Turing is the only portal administrator left, so you cannot remove their "
        "administrator role." in response.get_data(as_text=True)
    )
    db.expire_all()
    assert db.get_one(User, alan.id).roles == {Role.ADMINISTRATOR}


@jobs.handler("test.always-fails")
def _always_fails(db: Session, job: jobs.Job, progress: jobs.Progress) -> None:
    raise RuntimeError("the mail server said <no>")


@pytest.fixture
def set_aside_job(app: Flask, db: Session) -> jobs.Job:
    job = jobs.enqueue(db, "test.always-fails")
    db.commit()
    when = clock.now()
    for _ in range(len(jobs.BACK_OFF) + 1):
        jobs.run_one(app.extensions["db_sessionmaker"], when)
        db.refresh(job)
        when = job.run_after
    assert job.state is jobs.JobState.SET_ASIDE
    return job


@pytest.mark.parametrize("who", ["lead", "chair", "police_member"])
def test_jobs_set_aside_are_for_the_administrator_alone(
    client: FlaskClient, db: Session, cast: dict[str, User], set_aside_job: jobs.Job, who: str
) -> None:
    as_(client, cast[who])
    assert client.get("/admin/jobs").status_code == 403
    token = csrf_token(client, "/sign-out")
    retry = client.post(f"/admin/jobs/{set_aside_job.id}/retry", data={"csrf_token": token})
    assert retry.status_code == 403
    db.refresh(set_aside_job)
    assert set_aside_job.state is jobs.JobState.SET_ASIDE


def test_administrator_sees_a_job_set_aside_and_tries_it_again(
    client: FlaskClient, db: Session, cast: dict[str, User], set_aside_job: jobs.Job
) -> None:
    as_(client, cast["admin"])
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "test.always-fails" in page
    assert "the mail server said &lt;no&gt;" in page  # shown inert
    response = client.post(
        f"/admin/jobs/{set_aside_job.id}/retry",
        data={"csrf_token": csrf_token(client, "/admin/jobs")},
    )
    assert response.status_code == 302
    db.refresh(set_aside_job)
    assert (set_aside_job.state, set_aside_job.attempts) == (jobs.JobState.QUEUED, 0)
    assert events(db, "job.retried")[-1].actor_id == cast["admin"].id
    assert "No job has been set aside" in client.get("/admin/jobs").get_data(as_text=True)
