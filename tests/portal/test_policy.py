"""The policy engine: rules are declared once and asked the same way."""

from __future__ import annotations

import pytest

from portal.policy import can, rule


class Thing:
    pass


class Person:
    is_authenticated = True

    def __init__(self, active: bool) -> None:
        self.is_active = active


@rule("poke", Thing)
def _poke(user: Person, thing: Thing) -> bool:
    return True


def test_a_declared_rule_answers() -> None:
    assert can(Person(active=True), "poke", Thing())


def test_inactive_or_missing_people_may_do_nothing_whatever_the_rule() -> None:
    assert not can(Person(active=False), "poke", Thing())
    assert not can(None, "poke", Thing())


def test_asking_about_an_undeclared_action_is_an_error() -> None:
    with pytest.raises(LookupError):
        can(Person(active=True), "launch_rockets", Thing())


def test_a_rule_cannot_be_declared_twice() -> None:
    with pytest.raises(LookupError):
        rule("poke", Thing)(_poke)
