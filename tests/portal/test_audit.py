"""The audit log is append-only, in the ORM and in the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from portal import audit


def test_audit_events_record_who_what_and_when(db: Session, admin) -> None:
    event = audit.record(db, admin.id, "example.done", "thing", 7, colour="blue")
    db.commit()
    db.expire_all()
    assert event.actor_id == admin.id
    assert event.object_id == "7"
    assert event.details == {"colour": "blue"}
    assert event.occurred_at.tzinfo is not None


def test_orm_refuses_to_change_an_audit_event(db: Session) -> None:
    event = audit.record(db, None, "example.done", "thing")
    db.commit()
    event.action = "example.undone"
    with pytest.raises(PermissionError):
        db.commit()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET action = 'rewritten'", "DELETE FROM audit_events"],
)
def test_database_refuses_to_change_or_delete_audit_events(db: Session, statement: str) -> None:
    audit.record(db, None, "example.done", "thing")
    db.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text(statement))
    db.rollback()
    assert db.execute(text("SELECT action FROM audit_events")).scalars().all() == ["example.done"]
