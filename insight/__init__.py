"""Insight across panels: how often themes recur, actions by agency and outcome, timeliness and
the reach of shared learning, with small numbers suppressed; and the annual learning report."""

# The rules are declared when the area is imported, before any page asks them.
from insight import access as _access  # noqa: F401
