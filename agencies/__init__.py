"""Agencies, their identity providers, users, roles and memberships."""

# Declares the area's access rules with the policy as soon as any part of it is used.
from agencies import access as _access  # noqa: F401
