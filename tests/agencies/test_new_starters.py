"""A new starter's first sign-in: whoever approves them is told (a notice and an email), once;
the page they land on says who that is and offers a way back; the approver finds them waiting
on their home page until they are approved."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies import users
from agencies.models import Agency, Role, User
from home.dashboard import fresh_notices, home_for
from portal import clock
from portal.notices import Notice
from portal.outbox import OutboxEmail
from tests.support import people
from tests.support.providers import sign_in


def newcomer(db: Session) -> User:
    db.expire_all()
    found = db.scalar(select(User).where(User.subject == "newcomer"))
    assert found is not None
    return found


def told(db: Session, user: User) -> list[Notice]:
    db.expire_all()
    return list(
        db.scalars(select(Notice).where(Notice.link == f"/users/{user.id}").order_by(Notice.id))
    )


def test_the_agency_leads_are_told_once_and_the_new_starter_is_told_who_they_are(
    app: Flask, client: FlaskClient, db: Session, admin: User, agency: Agency
) -> None:
    lead = people.person(
        db, admin, people.provider_of(db, "probation"), "grace", [Role.AGENCY_LEAD]
    )

    assert sign_in(client, "probation", "newcomer").headers["Location"] == "/sign-in/pending"
    page = client.get("/sign-in/pending").get_data(as_text=True)
    assert "Who approves it" in page
    assert "Your agency lead, Grace Hopper, approves accounts for Northshire Probation" in page
    assert 'href="/sign-in">Go back to the sign-in page</a>' in page

    person = newcomer(db)
    (notice,) = told(db, person)
    assert notice.user_id == lead.id
    assert notice.text == (
        "Nia Newcomer of Northshire Probation has signed in for the first time and is waiting "
        "for you to approve their account."
    )
    (email,) = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == lead.email)).all()
    assert email.subject == "A new starter is waiting for approval"
    assert f"/users/{person.id}" in email.body

    # Trying again tells nobody anything more.
    sign_in(app.test_client(), "probation", "newcomer")
    assert len(told(db, person)) == 1


def test_without_an_agency_lead_the_administrators_are_told(
    app: Flask, client: FlaskClient, db: Session, admin: User, agency: Agency
) -> None:
    sign_in(client, "probation", "newcomer")
    page = client.get("/sign-in/pending").get_data(as_text=True)
    assert "Northshire Probation has no agency lead in the portal yet" in page
    assert "a portal administrator approves accounts" in page
    assert [notice.user_id for notice in told(db, newcomer(db))] == [admin.id]


def test_the_approver_finds_the_new_starter_waiting_until_they_approve_them(
    app: Flask, client: FlaskClient, db: Session, admin: User, agency: Agency
) -> None:
    lead = people.person(
        db, admin, people.provider_of(db, "probation"), "grace", [Role.AGENCY_LEAD]
    )
    sign_in(client, "probation", "newcomer")
    person = newcomer(db)
    with app.test_request_context():
        waiting = home_for(db, lead, clock.today(), clock.now()).todo
        assert [(item.task, item.href) for item in waiting] == [
            ("Approve Nia Newcomer's account", f"/users/{person.id}")
        ]
        assert [item.task for item in home_for(db, admin, clock.today(), clock.now()).todo] == [
            "Approve Nia Newcomer's account"
        ]
        users.approve(db, lead, person)
        db.commit()
        assert home_for(db, lead, clock.today(), clock.now()).todo == []
        # The notice told of something that has changed since: it clears itself.
        assert fresh_notices(db, lead.id) == []


def test_a_suspended_person_is_told_only_an_administrator_reinstates_them(
    client: FlaskClient, db: Session, admin: User, agency: Agency
) -> None:
    person = people.person(db, admin, people.provider_of(db, "probation"), "newcomer")
    users.suspend(db, db.merge(admin), person)
    db.commit()
    sign_in(client, "probation", "newcomer")
    page = client.get("/sign-in/pending").get_data(as_text=True)
    assert "Your account is suspended" in page
    assert "only a portal administrator can reinstate" in page
    assert told(db, person) == []
