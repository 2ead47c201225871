"""Who may do what, asked the same way everywhere: `can(user, action, obj)`.

Each area states its rules in its own `access.py` with `@rule(action, type)`; this module
holds the one way of asking them, so routes, services and templates never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from portal.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])
Rule = Callable[[Any, Any], bool]

_RULES: dict[tuple[str, type | None], Rule] = {}


def rule(action: str, on: type | None = None) -> Callable[[Rule], Rule]:
    """Declare who may do `action` (to an object of type `on`)."""

    def register(check: Rule) -> Rule:
        if (action, on) in _RULES:
            raise LookupError(f"a rule for {action!r} on {on} is already declared")
        _RULES[(action, on)] = check
        return check

    return register


def can(user: Any, action: str, obj: object = None) -> bool:
    """True if `user` may do `action` (to `obj`); unknown combinations are a programming error.

    Nobody who is signed out, pending or suspended may do anything.
    """
    check = _RULES.get((action, None if obj is None else type(obj)))
    if check is None:
        raise LookupError(f"no access rule for {action!r} on {type(obj).__name__}")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return check(user, obj)


def require(action: str) -> Callable[[F], F]:
    """Refuse the view with 403 unless the current user may do `action` (no object)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def ensure(action: str, obj: object) -> None:
    """Stop the request with 403 unless the current user may do `action` to `obj`."""
    if not can(current_user, action, obj):
        abort(403)


def authorise(user: Any, action: str, obj: object, message: str) -> None:
    """For services: raise DomainError(message) unless `user` may do `action` to `obj`."""
    if not can(user, action, obj):
        raise DomainError(message)
