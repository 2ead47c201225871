"""Operations on users: the account made at first sign-in, asking for its approval, approval,
suspension and roles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from agencies.access import grantable_roles, is_admin
from agencies.models import IdentityProvider, Role, RoleGrant, User, UserStatus
from portal import audit, clock, notices
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.policy import can
from portal.urls import path_for


def account_for_sign_in(db: Session, provider: IdentityProvider, claims: dict[str, Any]) -> User:
    """The user these verified claims belong to, made (pending unless the provider says
    otherwise) on their first sign-in. The agency comes from the provider, never the claims."""
    user = db.scalar(
        select(User).where(User.issuer == provider.issuer, User.subject == claims["sub"])
    )
    name = str(claims.get("name") or claims.get("email") or claims["sub"])[:200]
    email = claims.get("email")
    if user is None:
        user = User(
            issuer=provider.issuer,
            subject=claims["sub"],
            agency_id=provider.agency_id,
            name=name,
            email=email,
            status=UserStatus.APPROVED if provider.auto_approve else UserStatus.PENDING,
        )
        if provider.auto_approve:
            user.approved_at = clock.now()
        db.add(user)
        db.flush()
        audit.record(
            db,
            user.id,
            "user.created",
            "user",
            user.id,
            status=user.status.value,
            agency_id=provider.agency_id,
        )
    else:
        user.name, user.email = name, email
    return user


def ask_for_approval(db: Session, user: User) -> list[User]:
    """Tell whoever approves `user`'s pending account, once, that they are waiting: their
    agency's leads, or the portal's administrators when it has none. Returns the leads."""
    leads = people_with_role(db, Role.AGENCY_LEAD, [user.agency_id])
    asked = db.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "user.approval_asked",
            AuditEvent.object_type == "user",
            AuditEvent.object_id == str(user.id),
        )
    )
    approvers = leads or list(db.scalars(holding(Role.ADMINISTRATOR).order_by(User.name)))
    # With nobody to ask yet, the next sign-in asks again.
    if asked is None and approvers:
        notices.tell(
            db,
            approvers,
            f"{user.name} of {user.agency.name} has signed in for the first time and is waiting "
            "for you to approve their account.",
            path_for("agencies.user_detail", user_id=user.id),
            "A new starter is waiting for approval",
            current_app.config["PORTAL_BASE_URL"],
        )
        audit.record(
            db,
            None,
            "user.approval_asked",
            "user",
            user.id,
            told=[approver.id for approver in approvers],
        )
    return leads


def holding(role: Role) -> Select[User]:
    """The approved people who hold `role`: narrow it further as needed."""
    return (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role, User.status == UserStatus.APPROVED)
    )


def people_with_role(db: Session, role: Role, agency_ids: Iterable[int]) -> list[User]:
    """The approved people who hold `role` in any of the agencies `agency_ids`, by name."""
    query = holding(role).where(User.agency_id.in_(set(agency_ids))).order_by(User.name)
    return list(db.scalars(query))


def manageable_users(actor: User) -> Select[User]:
    """The users `actor` may manage (all, or their agency's), waiting for approval first."""
    query = select(User)
    if not actor.has_role(Role.ADMINISTRATOR):
        query = query.where(User.agency_id == actor.agency_id)
    pending_first = case((User.status == UserStatus.PENDING, 0), else_=1)
    return query.order_by(pending_first, User.name)


def approve(db: Session, actor: User, user: User) -> None:
    if not can(actor, "approve", user):
        raise DomainError("You cannot approve this account.")
    user.status = UserStatus.APPROVED
    user.approved_at = clock.now()
    audit.record(db, actor.id, "user.approved", "user", user.id)


def suspend(db: Session, actor: User, user: User) -> None:
    if not can(actor, "suspend", user):
        raise DomainError("You cannot suspend this account.")
    _keep_an_administrator(db, user, "suspend them")
    user.status = UserStatus.SUSPENDED
    audit.record(db, actor.id, "user.suspended", "user", user.id)


def reinstate(db: Session, actor: User, user: User) -> None:
    """Let a suspended person use the portal again, with the roles they had."""
    if not can(actor, "reinstate", user):
        raise DomainError("You cannot reinstate this account.")
    user.status = UserStatus.APPROVED
    audit.record(db, actor.id, "user.reinstated", "user", user.id)


def _keep_an_administrator(db: Session, user: User, change: str) -> None:
    """Refuse to suspend or demote `user` if no other approved administrator would remain."""
    if not (is_admin(user) and user.status is UserStatus.APPROVED):
        return
    administrators = holding(Role.ADMINISTRATOR).with_only_columns(User.id)
    # Lock them first: two administrators removing each other at once then take turns, and
    # the count below, a statement of its own, sees what the first one did (PostgreSQL).
    db.execute(administrators.order_by(User.id).with_for_update(of=User))
    others = administrators.where(User.id != user.id).subquery()
    if not db.scalar(select(func.count()).select_from(others)):
        raise DomainError(
            f"{user.name} is the only portal administrator left, so you cannot {change}. "
            "Make someone else an administrator first."
        )


def set_roles(db: Session, actor: User, user: User, roles: Iterable[Role]) -> None:
    """Give `user` exactly `roles`, changing only those `actor` is allowed to grant."""
    if not can(actor, "assign_roles", user):
        raise DomainError("You cannot change this person's roles.")
    wanted, allowed = set(roles), grantable_roles(actor)
    if not wanted <= allowed:
        raise DomainError("Only a portal administrator can make someone an administrator.")
    current = user.roles
    added, removed = (wanted - current), (current - wanted) & allowed
    if Role.ADMINISTRATOR in removed:
        _keep_an_administrator(db, user, "remove their administrator role")
    for grant in list(user.role_grants):
        if grant.role in removed:
            user.role_grants.remove(grant)
    for role in sorted(added):
        user.role_grants.append(RoleGrant(role=role, granted_by_id=actor.id))
    if added or removed:
        audit.record(
            db,
            actor.id,
            "user.roles_changed",
            "user",
            user.id,
            added=sorted(added),
            removed=sorted(removed),
        )
