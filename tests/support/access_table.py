"""What the route-by-person access tests share: a snapshot of everything the portal holds, the
forms they send, and the check that their table names every route of a blueprint."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit import AuditEvent
from portal.db import Base

ANONYMOUS = "anonymous"

Form = Mapping[str, str | list[str]]

# Sign-in bookkeeping, which any request may change; the audit log is compared by its count.
_BOOKKEEPING = {"audit_events", "sign_in_sessions", "sign_in_attempts", "rate_limit_windows"}


@dataclass(frozen=True)
class Shown:
    """Text a page shows to some people and must not show to others."""

    url: str
    text: str  # with {names} of the scene's ids
    to: frozenset[str]
    not_to: frozenset[str]


class Tried(Protocol):
    @property
    def methods(self) -> str: ...

    @property
    def url(self) -> str: ...


def everything(db: Session) -> dict[str, Any]:
    """What the portal holds, to show that a refused POST changed none of it."""
    db.rollback()  # read what the requests committed, not what this session remembers
    held: dict[str, Any] = {
        name: db.execute(select(table).order_by(*table.primary_key.columns)).all()
        for name, table in Base.metadata.tables.items()
        if name not in _BOOKKEEPING
    }
    held["audit_events"] = db.scalar(select(func.count()).select_from(AuditEvent))
    return held


def fill(form: Form, ids: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """The form with the scene's ids put in."""
    return {
        name: [v.format(**ids) for v in value] if isinstance(value, list) else value.format(**ids)
        for name, value in form.items()
    }


def untried(app: Flask, routes: Iterable[Tried], blueprint: str) -> set[tuple[str, str]]:
    """The (rule, method) pairs of `blueprint` that no route of the table tries."""
    adapter = app.url_map.bind("localhost")
    tried = set()
    for route in routes:
        path = route.url.split("?")[0].format_map(_Ones())
        for method in route.methods.split(", "):
            rule, _ = adapter.match(path, method=method, return_rule=True)
            tried.add((rule.rule, method))
    every = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(blueprint + ".")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    return every - tried


class _Ones(dict[str, int]):
    def __missing__(self, _key: str) -> int:
        return 1
