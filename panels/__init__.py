"""Learning panels: cases, panels, contributions, sessions, learning and the action plan."""

# Declares the area's access rules with the policy as soon as any part of it is used.
from panels import access as _access  # noqa: F401
