"""Redacted extracts of a case's SFO review: the review and its parties, extracts prepared,
approved by a second person, issued to staff and read by them."""

# Declares the area's access rules with the policy as soon as any part of it is used.
from extracts import access as _access  # noqa: F401
