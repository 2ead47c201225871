"""Access rules for agencies and their people."""

from __future__ import annotations

from agencies.models import Role, User, UserStatus
from portal.jobs import Job
from portal.policy import rule

# Roles an agency lead may hand out to their own agency's staff; only an administrator
# may make someone an administrator.
LEAD_GRANTABLE_ROLES = frozenset(Role) - {Role.ADMINISTRATOR}


def is_admin(user: User) -> bool:
    return user.has_role(Role.ADMINISTRATOR)


def _leads_agency_of(user: User, target: User) -> bool:
    return user.has_role(Role.AGENCY_LEAD) and user.agency_id == target.agency_id


def _may_manage(user: User, target: User) -> bool:
    """Administrators manage everyone but themselves; a lead, their agency's staff except its
    administrators, so that nobody can lock out the people who run the portal."""
    if target.id == user.id:
        return False
    return is_admin(user) or (_leads_agency_of(user, target) and not is_admin(target))


def grantable_roles(user: User) -> frozenset[Role]:
    return frozenset(Role) if is_admin(user) else LEAD_GRANTABLE_ROLES


@rule("view_dashboard")
def _view_dashboard(user: User, _: None) -> bool:
    return True


@rule("manage_jobs")
def _manage_jobs(user: User, _: None) -> bool:
    return is_admin(user)


@rule("manage_agencies")
def _manage_agencies(user: User, _: None) -> bool:
    return is_admin(user)


@rule("list_users")
def _list_users(user: User, _: None) -> bool:
    return is_admin(user) or user.has_role(Role.AGENCY_LEAD)


@rule("view", User)
def _view_user(user: User, target: User) -> bool:
    return target.id == user.id or is_admin(user) or _leads_agency_of(user, target)


@rule("approve", User)
def _approve(user: User, target: User) -> bool:
    return target.status is UserStatus.PENDING and _may_manage(user, target)


# Whoever may suspend or demote an administrator is another approved administrator, so these
# rules never offer to remove the last one; only two administrators removing each other at the
# same moment could, and `users` refuses that with a count of those who would remain.
@rule("suspend", User)
def _suspend(user: User, target: User) -> bool:
    return target.status is UserStatus.APPROVED and _may_manage(user, target)


# Suspension stops someone at once and any lead may need to; lifting it is left to the
# administrators, so a suspension cannot be undone by the agency whose member it concerns.
@rule("reinstate", User)
def _reinstate(user: User, target: User) -> bool:
    return target.status is UserStatus.SUSPENDED and target.id != user.id and is_admin(user)


@rule("assign_roles", User)
def _assign_roles(user: User, target: User) -> bool:
    return target.status is UserStatus.APPROVED and _may_manage(user, target)


@rule("follow", Job)
def _follow_job(user: User, job: Job) -> bool:
    """Only the person who started a job sees how it goes: its title names their case."""
    return job.requested_by_id == user.id
