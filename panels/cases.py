"""Operations on SFO cases: adding one and changing its facts, each audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from panels.models.cases import Case
from portal import audit
from portal.errors import DomainError
from portal.policy import authorise


def create_case(db: Session, actor: User, **fields: Any) -> Case:
    authorise(actor, "create_case", None, "Only a panel chair or administrator can add a case.")
    _check_reference(db, fields["reference"])
    case = Case(created_by_id=actor.id, **fields)
    db.add(case)
    db.flush()
    audit.record(db, actor.id, "case.created", "case", case.id, reference=case.reference)
    return case


def update_case(db: Session, actor: User, case: Case, **fields: Any) -> None:
    authorise(actor, "edit", case, "Only the person who added this case can change it.")
    if fields["reference"] != case.reference:
        _check_reference(db, fields["reference"])
    changes = {
        name: [_plain(getattr(case, name)), _plain(value)]
        for name, value in fields.items()
        if getattr(case, name) != value
    }
    for name, value in fields.items():
        setattr(case, name, value)
    if changes:
        audit.record(db, actor.id, "case.updated", "case", case.id, **changes)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _check_reference(db: Session, reference: str) -> None:
    if db.scalar(select(Case.id).where(Case.reference == reference)):
        raise DomainError(f"A case with the reference {reference} already exists.")
