"""The route access tests' scene (tests/panels/test_route_access.py), for the hostile tests too."""

from tests.panels.test_route_access import scene  # noqa: F401 - a fixture, found by its name
