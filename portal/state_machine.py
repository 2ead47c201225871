"""Moving a record along its life: the one way every state machine (panels, contributions,
actions, extracts) changes state. Each machine is an enum of states and a table of the moves
allowed from each; this consults the table and writes the audit event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from portal import audit
from portal.db import LabelledEnum
from portal.errors import DomainError

S = TypeVar("S", bound=LabelledEnum)


class Stateful(Protocol[S]):
    id: Any
    state: S


def allowed(transitions: Mapping[S, frozenset[S]], current: S, target: S) -> bool:
    return target in transitions[current]


def move(
    db: Session,
    actor_id: int | None,
    record: Stateful[S],
    target: S,
    transitions: Mapping[S, frozenset[S]],
    *,
    noun: str,
    event: str | None = None,
    **details: Any,
) -> S:
    """Move `record` to `target` if its machine allows it from where it is; return the state it
    left. The audit event is `<object type>.state_changed` unless the machine names its own."""
    current = record.state
    if not allowed(transitions, current, target):
        article = "An" if noun[0] in "aeiou" else "A"
        raise DomainError(
            f"{article} {noun} that is {current.label.lower()} cannot become "
            f"{target.label.lower()}."
        )
    record.state = target
    object_type = type(record).__name__.lower()
    audit.record(
        db,
        actor_id,
        event or f"{object_type}.state_changed",
        object_type,
        record.id,
        old=current.value,
        new=target.value,
        **details,
    )
    return current
