"""Notices tell people in the portal, with an email beside each for those with an address."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from portal import notices
from portal.errors import DomainError
from portal.notices import Notice
from portal.outbox import OutboxEmail
from tests.support import people


@pytest.fixture
def grace(db: Session, admin: User) -> User:
    """Her provider gives an email address."""
    return people.person(db, admin, people.provider_of(db, "probation"), "grace")


@pytest.fixture
def norman(db: Session, admin: User) -> User:
    """His provider gives no email address."""
    person = people.person(db, admin, people.provider_of(db, "probation"), "norman")
    person.email = None
    db.commit()
    return person


def _tell(db: Session, recipients: list[User], text: str = "You are invited to panel 3.") -> None:
    notices.tell(
        db, recipients, text, "/panels/3", "Invitation to a learning panel", "https://p.gov.uk/"
    )
    db.commit()


def test_tell_gives_each_recipient_a_notice_and_emails_those_with_an_address(
    db: Session, grace: User, norman: User
) -> None:
    assert grace.email == "grace@example.gov.uk"
    assert norman.email is None

    _tell(db, [grace, norman, grace])

    notices_by_person = {
        person.id: db.scalars(select(Notice).where(Notice.user_id == person.id)).all()
        for person in (grace, norman)
    }
    assert [(n.text, n.link) for n in notices_by_person[grace.id]] == [
        ("You are invited to panel 3.", "/panels/3")
    ]
    assert len(notices_by_person[norman.id]) == 1
    emails = db.scalars(select(OutboxEmail)).all()
    assert [(email.to_address, email.subject) for email in emails] == [
        ("grace@example.gov.uk", "Invitation to a learning panel")
    ]
    body = emails[0].body
    assert body.startswith("You are invited to panel 3.\n")
    assert "https://p.gov.uk/panels/3" in body
    assert "never send sensitive information" in body
    assert body.rstrip().endswith("Multi-agency learning panel portal")


def test_tell_refuses_a_link_that_is_not_a_path_on_the_portal(db: Session, grace: User) -> None:
    with pytest.raises(ValueError, match="path on the portal"):
        notices.tell(db, [grace], "Text", "https://elsewhere.example/", "Subject", "https://p")


def test_unread_notices_are_newest_first_and_marking_one_read_removes_it(
    db: Session, grace: User
) -> None:
    _tell(db, [grace], "First")
    _tell(db, [grace], "Second")

    newest_first = notices.unread(db, grace.id)
    assert [notice.text for notice in newest_first] == ["Second", "First"]
    assert [notice.text for notice in notices.unread(db, grace.id, limit=1)] == ["Second"]

    notices.mark_read(db, grace.id, newest_first[0].id)
    db.commit()
    assert [notice.text for notice in notices.unread(db, grace.id)] == ["First"]


def test_mark_read_refuses_another_persons_notice(db: Session, grace: User, norman: User) -> None:
    _tell(db, [norman], "For Norman")
    norman_notice = notices.unread(db, norman.id)[0]

    with pytest.raises(DomainError, match="could not be found"):
        notices.mark_read(db, grace.id, norman_notice.id)
    with pytest.raises(DomainError, match="could not be found"):
        notices.mark_read(db, grace.id, norman_notice.id + 1000)

    db.commit()
    db.expire_all()
    assert norman_notice.read_at is None
    assert [notice.text for notice in notices.unread(db, norman.id)] == ["For Norman"]
