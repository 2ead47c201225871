"""What every page handler needs: ids and numbers read safely from the URL, load or 404, forms
that refuse control characters, run an operation, paginate."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import abort, current_app, flash, redirect, render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import IntegerConverter, Map
from wtforms import HiddenField

from portal.db import get_db
from portal.errors import DomainError, EditConflict

T = TypeVar("T")
PER_PAGE = 25
# Every id column is a 32-bit INTEGER: a larger number names nothing, on any database.
MAX_ID = 2**31 - 1
# Far beyond any list the portal holds, and small enough that its OFFSET stays a 64-bit number.
MAX_PAGE = 100_000


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in every route: an id too large to be stored is a 404, not a database error."""

    def __init__(self, map: Map, fixed_digits: int = 0, max: int = MAX_ID) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=0, max=max)


def as_id(value: Any) -> int | None:
    """`value` as an id that could be stored, or None: for ids sent in forms and query strings."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def query_int(name: str, default: int, lowest: int, highest: int) -> int:
    """A whole number from the query string, `default` if missing or not a number, kept in range."""
    text = request.args.get(name, "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return default
    return min(max(int(text), lowest), highest)


def page_number() -> int:
    """The page asked for in ?page=: any number, or none, gives a page that can be fetched."""
    return query_int("page", 1, 1, MAX_PAGE)


def get_or_404(model: type[T], id_: int) -> T:
    if not 0 < id_ <= MAX_ID:
        abort(404)
    found = get_db().get(model, id_)
    if found is None:
        abort(404)
    return found


# What PostgreSQL cannot store (NUL) and what no one types: control characters other than tab,
# carriage return and newline. Refused the same way on every database.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def without_control_characters(text: str) -> str:
    """`text` less the characters no form accepts: for searches, which refuse nothing."""
    return _CONTROL.sub("", text)


class Form(FlaskForm):
    """The base of every form: a field holding a control character is refused with a message."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if any(has_control_characters(value) for value in _texts(field.raw_data)):
                message = "Remove the control characters (such as NUL) from this answer"
                if message not in field.errors:
                    # Validation may have stopped early and left a tuple of errors.
                    field.errors = [*field.errors, message]
                valid = False
        return valid


def _texts(raw: Iterable[Any] | None) -> Iterable[str]:
    return (value for value in raw or () if isinstance(value, str))


class ButtonForm(Form):
    """A button that changes something: only its CSRF token and, maybe, a value."""

    value = HiddenField()


class Refused:
    """What `attempt` returns when a domain rule said no."""


REFUSED = Refused()


def attempt(form: FlaskForm | None, operation: Callable[[], T]) -> T | Refused:
    """Run a domain operation and commit; if a rule says no, roll back and show why on the form.

    Returns REFUSED then, so the page is shown again with everything the person typed.
    """
    db = get_db()
    try:
        try:
            result = operation()
            db.commit()
        except (StaleDataError, DBAPIError) as refused:
            # Two saves of one version at once: the database let one win and refused the rest.
            if isinstance(refused, DBAPIError) and not _lost_a_race(refused):
                raise
            db.rollback()
            current_app.logger.info("a save lost a race: %s", refused)
            raise EditConflict(None) from refused
    except DomainError as error:
        db.rollback()
        if form is not None:
            form.form_errors.append(error.message)
            form.refused = error  # type: ignore[attr-defined]
            if (
                isinstance(error, EditConflict)
                and error.current_version is not None
                and hasattr(form, "version")
            ):
                # Saving again is then a deliberate choice to replace what is saved now.
                form.version.data = str(error.current_version)
        else:
            flash(error.message, "important")
        return REFUSED
    return result


# PostgreSQL's unique violation, serialization failure and deadlock.
_RACES = {"23505", "40001", "40P01"}


def _lost_a_race(error: DBAPIError) -> bool:
    """Whether the database refused a change because a concurrent one got there first: a row
    the other inserted, or (SQLite) its write lock held past the busy timeout. Any other
    refusal is a fault, left to the error page."""
    code = getattr(error.orig, "sqlstate", None)
    message = str(error.orig)
    if isinstance(error, IntegrityError):
        return code == "23505" or message.startswith("UNIQUE constraint failed")
    return code in _RACES or "database is locked" in message


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    total: int
    per_page: int

    @property
    def count(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def window(self) -> list[int | None]:
        """The page numbers a pager offers, as GOV.UK's pagination does for many pages: the
        first, the last, this one and those either side; None where numbers are left out.
        (Every number of 2,000 pages would be a page of links in itself.)"""
        near = range(max(1, self.number - 1), min(self.count, self.number + 1) + 1)
        shown: list[int | None] = []
        previous = 0
        for number in sorted({1, self.count, *near}):
            if number - previous > 1:
                shown.append(None)
            shown.append(number)
            previous = number
        return shown


def paginate(query: Select[Any], per_page: int = PER_PAGE) -> Page[Any]:
    """The page of `query` asked for in ?page=, counting the whole in one more query."""
    number = page_number()
    db = get_db()
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(db.scalars(query.limit(per_page).offset((number - 1) * per_page)).unique())
    return Page(items, number, total, per_page)


def confirm(
    operation: Callable[[], object],
    *,
    title: str,
    detail: str,
    button: str,
    done: str,
    back: str,
    warning: bool = False,
) -> Any:
    """A page asking to confirm a step; once confirmed, run it, say so and go back to `back`."""
    form = ButtonForm()
    if form.validate_on_submit() and attempt(form, operation) is not REFUSED:
        flash(done, "success")
        return redirect(back)
    return render_template(
        "confirm.html",
        form=form,
        title=title,
        detail=detail,
        button=button,
        back=back,
        warning=warning,
    )
