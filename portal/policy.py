"""Who may do what: the one place access rules live, asked as `can(user, action, obj)`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from agencies.models import Role, User, UserStatus

F = TypeVar("F", bound=Callable[..., Any])

# Roles an agency lead may hand out to their own agency's staff; only an administrator
# may make someone an administrator.
LEAD_GRANTABLE_ROLES = frozenset(Role) - {Role.ADMINISTRATOR}


def _is_admin(user: User) -> bool:
    return user.has_role(Role.ADMINISTRATOR)


def _leads_agency_of(user: User, target: User) -> bool:
    return user.has_role(Role.AGENCY_LEAD) and user.agency_id == target.agency_id


def _may_manage(user: User, target: User) -> bool:
    return target.id != user.id and (_is_admin(user) or _leads_agency_of(user, target))


_RULES: dict[tuple[str, type | None], Callable[[User, Any], bool]] = {
    ("view_dashboard", None): lambda user, _: True,
    ("manage_agencies", None): lambda user, _: _is_admin(user),
    ("list_users", None): lambda user, _: _is_admin(user) or user.has_role(Role.AGENCY_LEAD),
    ("view", User): lambda user, target: (
        target.id == user.id or _is_admin(user) or _leads_agency_of(user, target)
    ),
    ("approve", User): lambda user, target: (
        target.status is UserStatus.PENDING and _may_manage(user, target)
    ),
    ("suspend", User): lambda user, target: (
        target.status is UserStatus.APPROVED and _may_manage(user, target)
    ),
    ("assign_roles", User): lambda user, target: (
        target.status is UserStatus.APPROVED and _may_manage(user, target)
    ),
}


def can(user: Any, action: str, obj: object = None) -> bool:
    """True if `user` may do `action` (to `obj`); unknown combinations are a programming error."""
    rule = _RULES.get((action, None if obj is None else type(obj)))
    if rule is None:
        raise LookupError(f"no access rule for {action!r} on {type(obj).__name__}")
    if not isinstance(user, User) or not user.is_active:
        return False
    return rule(user, obj)


def grantable_roles(user: User) -> frozenset[Role]:
    return frozenset(Role) if _is_admin(user) else LEAD_GRANTABLE_ROLES


def require(action: str) -> Callable[[F], F]:
    """Refuse the view with 403 unless the current user may do `action` (no object)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access_rule = action  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def ensure(action: str, obj: object) -> None:
    """Stop the request with 403 unless the current user may do `action` to `obj`."""
    if not can(current_user, action, obj):
        abort(403)
