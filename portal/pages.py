"""What every page handler needs: load or 404, run an operation, paginate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import abort, flash, redirect, render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, select
from wtforms import HiddenField

from portal.db import get_db
from portal.errors import DomainError, EditConflict

T = TypeVar("T")
PER_PAGE = 25


def get_or_404(model: type[T], id_: int) -> T:
    found = get_db().get(model, id_)
    if found is None:
        abort(404)
    return found


class ButtonForm(FlaskForm):
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
        result = operation()
    except DomainError as error:
        db.rollback()
        if form is not None:
            form.form_errors.append(error.message)
            form.refused = error  # type: ignore[attr-defined]
            if isinstance(error, EditConflict) and hasattr(form, "version"):
                # Saving again is then a deliberate choice to replace what is saved now.
                form.version.data = str(error.current_version)
        else:
            flash(error.message, "important")
        return REFUSED
    db.commit()
    return result


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    total: int
    per_page: int

    @property
    def count(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def paginate(query: Select[Any], per_page: int = PER_PAGE) -> Page[Any]:
    """The page of `query` asked for in ?page=, counting the whole in one more query."""
    number = max(request.args.get("page", 1, type=int) or 1, 1)
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
