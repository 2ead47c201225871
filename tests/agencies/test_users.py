"""Operations on users: reinstating, and keeping at least one administrator."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies import users
from agencies.models import Agency, Role, User, UserStatus
from portal.audit import AuditEvent
from portal.errors import DomainError
from tests.support import people

LAST = "the only portal administrator left"


@pytest.fixture
def alan(db: Session, admin: User) -> User:
    """A second administrator, beside Ada."""
    return people.person(
        db, admin, people.provider_of(db, "probation"), "alan", [Role.ADMINISTRATOR]
    )


@pytest.fixture
def other_session(app: Flask) -> Iterator[Session]:
    """A second session, as a request made at the same moment would have."""
    session: Session = app.extensions["db_sessionmaker"]()
    yield session
    session.close()


def audited(db: Session, action: str) -> list[tuple[int | None, str | None]]:
    db.expire_all()
    found = db.scalars(select(AuditEvent).where(AuditEvent.action == action))
    return [(event.actor_id, event.object_id) for event in found]


def test_administrator_reinstates_a_suspended_person_with_their_roles(
    db: Session, admin: User, police: Agency
) -> None:
    member = people.person(
        db, admin, people.provider_of(db, "police"), "member", [Role.PANEL_MEMBER]
    )
    users.suspend(db, admin, member)
    db.commit()
    users.reinstate(db, admin, member)
    db.commit()
    db.expire_all()
    assert member.status is UserStatus.APPROVED
    assert member.roles == {Role.PANEL_MEMBER}
    assert audited(db, "user.reinstated") == [(admin.id, str(member.id))]


def test_reinstating_someone_who_is_not_suspended_is_refused(
    db: Session, admin: User, alan: User
) -> None:
    with pytest.raises(DomainError, match="You cannot reinstate this account."):
        users.reinstate(db, admin, alan)
    assert audited(db, "user.reinstated") == []


def test_one_administrator_may_suspend_the_other(db: Session, admin: User, alan: User) -> None:
    users.suspend(db, admin, alan)
    db.commit()
    assert alan.status is UserStatus.SUSPENDED


def test_one_administrator_may_remove_the_others_administrator_role(
    db: Session, admin: User, alan: User
) -> None:
    users.set_roles(db, admin, alan, [Role.PANEL_CHAIR])
    db.commit()
    assert alan.roles == {Role.PANEL_CHAIR}


def test_the_last_administrator_is_not_suspended_by_one_who_was_suspended_meanwhile(
    db: Session, other_session: Session, admin: User, alan: User
) -> None:
    # Alan suspends Ada while Ada, who has not yet seen it, suspends Alan.
    users.suspend(
        other_session, other_session.get_one(User, alan.id), other_session.get_one(User, admin.id)
    )
    other_session.commit()
    with pytest.raises(DomainError, match=f"Alan Turing is {LAST}, so you cannot suspend them"):
        users.suspend(db, admin, alan)
    db.rollback()
    assert alan.status is UserStatus.APPROVED
    assert audited(db, "user.suspended") == [(alan.id, str(admin.id))]


def test_the_last_administrator_keeps_the_role_when_two_remove_each_others_at_once(
    db: Session, other_session: Session, admin: User, alan: User
) -> None:
    users.set_roles(
        other_session,
        other_session.get_one(User, alan.id),
        other_session.get_one(User, admin.id),
        [],
    )
    other_session.commit()
    with pytest.raises(DomainError, match=f"Alan Turing is {LAST}, so you cannot remove"):
        users.set_roles(db, admin, alan, [Role.PANEL_CHAIR])
    db.rollback()
    assert alan.roles == {Role.ADMINISTRATOR}


# PostgreSQL only: SQLite has no row locks (a second writer waits for the whole database), and
# the portal runs on PostgreSQL in production.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_administrators_suspending_each_other_at_once_take_turns(
    db: Session, other_session: Session, admin: User, alan: User
) -> None:
    users.suspend(db, admin, alan)
    db.flush()  # Ada's suspension of Alan is written but not yet committed
    refusals: list[str] = []

    def alan_suspends_ada() -> None:
        actor, target = other_session.get_one(User, alan.id), other_session.get_one(User, admin.id)
        try:
            users.suspend(other_session, actor, target)
            other_session.commit()
        except DomainError as error:
            other_session.rollback()
            refusals.append(error.message)

    meanwhile = threading.Thread(target=alan_suspends_ada)
    meanwhile.start()
    meanwhile.join(timeout=1)
    assert meanwhile.is_alive(), "Alan's suspension did not wait for Ada's"
    db.commit()
    meanwhile.join(timeout=10)
    assert len(refusals) == 1 and f"Ada Lovelace is {LAST}" in refusals[0]
    db.expire_all()
    assert (admin.status, alan.status) == (UserStatus.APPROVED, UserStatus.SUSPENDED)
