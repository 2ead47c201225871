"""Signing in through a real provider process, and every way a sign-in is refused."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies import agencies, users
from agencies.models import Agency, Role, User, UserStatus
from portal import clock
from portal.app import create_app
from portal.audit import AuditEvent
from portal.sign_in_sessions import SignInSession
from tests.conftest import csrf_token
from tests.support import people
from tests.support.local_provider import deny
from tests.support.providers import Provider, authorize_at_provider, local_path, sign_in


def audit_actions(db: Session) -> list[str]:
    db.expire_all()
    return [event.action for event in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def failure_reasons(db: Session) -> list[str]:
    db.expire_all()
    return [
        event.details["reason"]
        for event in db.scalars(select(AuditEvent).where(AuditEvent.action == "signin.failed"))
    ]


def with_query(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.fixture
def chair(db: Session, admin: User) -> User:
    return people.person(
        db, admin, people.provider_of(db, "probation"), "grace", [Role.PANEL_CHAIR]
    )


def test_signed_in_person_sees_their_name_agency_and_role(
    client: FlaskClient, db: Session, chair: User
) -> None:
    response = sign_in(client, "probation", "grace")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    page = client.get("/").get_data(as_text=True)
    assert "Grace Hopper" in page
    assert "Northshire Probation" in page
    assert "Panel chair" in page
    assert "OFFICIAL-SENSITIVE" in page
    assert "signin.succeeded" in audit_actions(db)


def test_sign_in_returns_to_the_page_asked_for(client: FlaskClient, chair: User) -> None:
    assert client.get("/users").headers["Location"] == "/sign-in?next=/users"
    client.get("/sign-in?next=/users")
    assert sign_in(client, "probation", "grace").headers["Location"] == "/users"


def test_next_cannot_send_someone_to_another_site(client: FlaskClient, chair: User) -> None:
    client.get("/sign-in?next=//evil.example/phish")
    assert sign_in(client, "probation", "grace").headers["Location"] == "/"


def test_authorization_request_uses_pkce_state_and_nonce(
    client: FlaskClient, agency: Agency
) -> None:
    location = client.get("/sign-in/probation").headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32
    assert len(query["nonce"][0]) >= 32
    assert query["response_type"] == ["code"]


def test_first_sign_in_makes_a_pending_account_that_gets_nothing(
    client: FlaskClient, db: Session, agency: Agency
) -> None:
    response = sign_in(client, "probation", "newcomer")
    assert response.headers["Location"] == "/sign-in/pending"
    page = client.get("/sign-in/pending").get_data(as_text=True)
    assert "waiting for approval" in page
    assert "Northshire Probation" in page

    user = db.scalar(select(User).where(User.subject == "newcomer"))
    assert user is not None
    assert user.status is UserStatus.PENDING
    assert user.agency_id == agency.id
    assert user.name == "Nia Newcomer"
    assert client.get("/").status_code == 302
    assert "signin.refused" in audit_actions(db)


def test_suspended_person_cannot_sign_in(
    client: FlaskClient, db: Session, admin: User, chair: User
) -> None:
    users.suspend(db, db.merge(admin), chair)
    db.commit()
    assert sign_in(client, "probation", "grace").headers["Location"] == "/sign-in/pending"
    assert "suspended" in client.get("/sign-in/pending").get_data(as_text=True)


def test_suspension_ends_a_session_already_open(
    client: FlaskClient, db: Session, admin: User, chair: User
) -> None:
    sign_in(client, "probation", "grace")
    assert client.get("/").status_code == 200
    users.suspend(db, db.merge(admin), chair)
    db.commit()
    assert client.get("/").status_code == 302


def test_provider_that_approves_automatically_lets_newcomers_straight_in(
    client: FlaskClient, db: Session, admin: User, agency: Agency
) -> None:
    provider = people.provider_of(db, "probation")
    agencies.update_provider(
        db,
        db.merge(admin),
        provider,
        issuer=provider.issuer,
        client_id=provider.client_id,
        auto_approve=True,
        enabled=True,
    )
    db.commit()
    assert sign_in(client, "probation", "newcomer").headers["Location"] == "/"
    assert "No role yet" in client.get("/").get_data(as_text=True)


def test_accounts_are_keyed_by_issuer_and_subject_and_agency_comes_from_the_issuer(
    client: FlaskClient, db: Session, agency: Agency, police: Agency
) -> None:
    sign_in(client, "probation", "grace")
    sign_in(client, "police", "grace")
    accounts = db.scalars(select(User).where(User.subject == "grace").order_by(User.id)).all()
    assert [account.agency_id for account in accounts] == [agency.id, police.id]
    assert {account.issuer for account in accounts} == {
        agency.provider.issuer,
        police.provider.issuer,
    }


def test_session_is_renewed_at_sign_in(client: FlaskClient, db: Session, chair: User) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    sign_in(client, "probation", "grace")
    with client.session_transaction() as session:
        assert "planted" not in session
        first = session["sign_in_session"]
    client.post("/sign-out", data={"csrf_token": _token(client)})
    sign_in(client, "probation", "grace")
    with client.session_transaction() as session:
        assert session["sign_in_session"] != first


def _token(client: FlaskClient) -> str:
    return csrf_token(client, "/sign-out")


def test_sign_out_ends_the_session_and_goes_to_the_provider_to_sign_out_there(
    client: FlaskClient, db: Session, chair: User, provider: Provider, portal_base_url: str
) -> None:
    sign_in(client, "probation", "grace")
    with client.session_transaction() as session:
        stolen = dict(session)
    response = client.post("/sign-out", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(provider.issuer + "/session/end?")
    assert parse_qs(urlsplit(location).query)["post_logout_redirect_uri"] == [
        portal_base_url + "/signed-out"
    ]
    assert client.get("/").status_code == 302

    # A copy of the cookie taken before signing out is worth nothing afterwards.
    with client.session_transaction() as session:
        session.update(stolen)
    assert client.get("/").status_code == 302
    assert "signout" in audit_actions(db)


def test_sign_out_needs_the_form_token(client: FlaskClient, chair: User) -> None:
    sign_in(client, "probation", "grace")
    assert client.post("/sign-out").status_code == 400
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("field", "age", "message"),
    [
        ("last_seen_at", timedelta(minutes=31), "had not done anything for 30 minutes"),
        ("started_at", timedelta(hours=12, minutes=1), "signed in for 12 hours"),
    ],
)
def test_sessions_end_after_idle_time_and_at_their_absolute_limit(
    client: FlaskClient, db: Session, chair: User, field: str, age: timedelta, message: str
) -> None:
    sign_in(client, "probation", "grace")
    sign_in_session = db.scalars(select(SignInSession)).one()
    setattr(sign_in_session, field, clock.now() - age)
    db.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signin.session_expired" in audit_actions(db)


def test_a_session_just_inside_its_idle_time_goes_on(
    client: FlaskClient, db: Session, chair: User
) -> None:
    sign_in(client, "probation", "grace")
    sign_in_session = db.scalars(select(SignInSession)).one()
    sign_in_session.last_seen_at = clock.now() - timedelta(minutes=29)
    db.commit()
    assert client.get("/").status_code == 200


def test_state_that_does_not_match_the_browser_is_refused(
    client: FlaskClient, db: Session, chair: User
) -> None:
    location = client.get("/sign-in/probation").headers["Location"]
    callback = authorize_at_provider(location, "grace")
    response = client.get(local_path(with_query(callback, state="forged-state")))
    assert response.status_code == 400
    assert "could not be completed" in response.get_data(as_text=True)
    assert failure_reasons(db) == ["state_mismatch"]
    assert client.get("/").status_code == 302


def test_callback_from_another_browser_is_refused(
    client: FlaskClient, app, db: Session, chair: User
) -> None:
    location = client.get("/sign-in/probation").headers["Location"]
    callback = authorize_at_provider(location, "grace")
    attacker = app.test_client()
    assert attacker.get(local_path(callback)).status_code == 400
    assert failure_reasons(db) == ["state_mismatch"]


def test_a_callback_cannot_be_used_twice(client: FlaskClient, db: Session, chair: User) -> None:
    location = client.get("/sign-in/probation").headers["Location"]
    callback = local_path(authorize_at_provider(location, "grace"))
    with client.session_transaction() as session:
        pending_state = session["sign_in_state"]
    assert client.get(callback).status_code == 302
    client.post("/sign-out", data={"csrf_token": _token(client)})
    with client.session_transaction() as session:
        session["sign_in_state"] = pending_state
    assert client.get(callback).status_code == 400
    assert failure_reasons(db) == ["state_unknown"]


def test_id_token_without_the_nonce_is_refused(
    client: FlaskClient, db: Session, chair: User
) -> None:
    location = client.get("/sign-in/probation").headers["Location"]
    callback = authorize_at_provider(with_query(location, nonce=None), "grace")
    assert client.get(local_path(callback)).status_code == 400
    assert failure_reasons(db) == ["nonce_mismatch"]


def test_id_token_carrying_an_earlier_nonce_is_refused(
    client: FlaskClient, db: Session, chair: User
) -> None:
    first = client.get("/sign-in/probation").headers["Location"]
    used_nonce = parse_qs(urlsplit(first).query)["nonce"][0]
    client.get(local_path(authorize_at_provider(first, "grace")))
    client.post("/sign-out", data={"csrf_token": _token(client)})

    second = client.get("/sign-in/probation").headers["Location"]
    callback = authorize_at_provider(with_query(second, nonce=used_nonce), "grace")
    assert client.get(local_path(callback)).status_code == 400
    assert failure_reasons(db) == ["nonce_mismatch"]


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("wrong_issuer", "wrong_issuer"),
        ("wrong_audience", "wrong_audience"),
        ("expired", "expired_token"),
        ("bad_signature", "bad_signature"),
        ("drop_nonce", "nonce_mismatch"),
    ],
)
def test_id_tokens_failing_a_check_are_refused(
    client: FlaskClient,
    db: Session,
    police: Agency,
    tampering_provider: Provider,
    mode: str,
    reason: str,
) -> None:
    tampering_provider.misbehave(mode)
    response = sign_in(client, "police", "grace")
    assert response.status_code == 400
    assert "You have not been signed in" in response.get_data(as_text=True)
    assert failure_reasons(db) == [reason]
    assert db.scalar(select(User).where(User.subject == "grace")) is None
    assert client.get("/").status_code == 302


def test_the_tampering_provider_signs_people_in_when_honest(
    client: FlaskClient, db: Session, police: Agency
) -> None:
    # The refusals above are down to the tampering, not to the provider itself.
    assert sign_in(client, "police", "grace").headers["Location"] == "/sign-in/pending"


def test_unknown_agency_is_told_so(client: FlaskClient, agency: Agency) -> None:
    response = client.get("/sign-in/atlantis-police")
    assert response.status_code == 404
    assert "not registered with this portal" in response.get_data(as_text=True)


def test_agency_switched_off_during_sign_in_is_refused(
    client: FlaskClient, db: Session, admin: User, chair: User, police: Agency
) -> None:
    # An administrator elsewhere, so probation's sign-in may be switched off.
    people.person(db, admin, people.provider_of(db, "police"), "alan", [Role.ADMINISTRATOR])
    location = client.get("/sign-in/probation").headers["Location"]
    callback = authorize_at_provider(location, "grace")
    provider = people.provider_of(db, "probation")
    agencies.update_provider(
        db,
        db.merge(admin),
        provider,
        issuer=provider.issuer,
        client_id=provider.client_id,
        auto_approve=False,
        enabled=False,
    )
    db.commit()
    response = client.get(local_path(callback))
    assert response.status_code == 403
    assert "not registered with this portal" in response.get_data(as_text=True)
    assert failure_reasons(db) == ["unknown_agency"]


def test_person_who_says_no_at_their_provider_is_not_signed_in(
    client: FlaskClient, db: Session, chair: User
) -> None:
    location = client.get("/sign-in/probation").headers["Location"]
    response = client.get(local_path(deny(location)))
    assert response.status_code == 400
    assert failure_reasons(db) == ["provider_refused:access_denied"]


def test_demo_providers_are_refused_outside_demo_and_test_mode(
    database_url: str, agency: Agency, db: Session
) -> None:
    provider = people.provider_of(db, "probation")
    provider.is_demo = True
    db.commit()
    production = create_app(
        {
            "PORTAL_MODE": "production",
            "SECRET_KEY": "x" * 64,
            "DATABASE_URL": database_url,
            "PORTAL_BASE_URL": "https://panels.example.gov.uk",
        }
    )
    client = production.test_client()
    assert "Northshire Probation" not in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/sign-in/probation").status_code == 404
    production.extensions["db_engine"].dispose()


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient, chair: User) -> None:
    sign_in(client, "probation", "grace")
    cookie = client.get_cookie("portal")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure


def test_over_https_the_session_cookie_is_secure(database_url: str) -> None:
    app = create_app({"PORTAL_MODE": "test", "PORTAL_HTTPS": "true", "DATABASE_URL": database_url})
    response = app.test_client().get("/sign-in?next=/users", base_url="https://portal.example")
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-portal=")
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    app.extensions["db_engine"].dispose()


def test_sign_out_tells_the_provider_whose_session_to_end(
    client: FlaskClient, db: Session, chair: User
) -> None:
    sign_in(client, "probation", "grace")
    id_token = db.scalars(select(SignInSession)).one().id_token
    assert id_token and id_token.count(".") == 2
    location = client.post("/sign-out", data={"csrf_token": _token(client)}).headers["Location"]
    assert parse_qs(urlsplit(location).query)["id_token_hint"] == [id_token]
