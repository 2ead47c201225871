"""Pages for an agency's contribution: writing it, its chronology, submitting and reviewing."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from agencies.signed_in import me
from panels import contributions
from panels.forms import ContributionForm, EventForm, ReturnForm
from panels.models.contributions import SECTIONS, Contribution
from panels.views import blueprint
from portal import clock
from portal.db import get_db
from portal.errors import EditConflict
from portal.pages import REFUSED, ButtonForm, attempt, confirm, get_or_404
from portal.policy import ensure
from portal.templating import format_date


def _load(contribution_id: int, action: str) -> Contribution:
    contribution = get_or_404(Contribution, contribution_id)
    ensure(action, contribution)
    return contribution


def _back(contribution: Contribution) -> Any:
    return redirect(url_for(".contribution_detail", contribution_id=contribution.id))


@blueprint.get("/contributions/<int:contribution_id>")
def contribution_detail(contribution_id: int) -> Any:
    contribution = _load(contribution_id, "view")
    return render_template(
        "panels/contribution.html",
        contribution=contribution,
        sections=SECTIONS,
        form=ButtonForm(),
        deadline=deadline_of(contribution),
    )


@blueprint.route("/contributions/<int:contribution_id>/edit", methods=["GET", "POST"])
def contribution_edit(contribution_id: int) -> Any:
    contribution = _load(contribution_id, "edit")
    form = ContributionForm(obj=contribution)
    if request.method == "GET":
        form.load(contribution)
    theirs = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: contributions.save(
                get_db(),
                me(),
                contribution,
                form.version_seen(),
                form.sections(),
            ),
        )
        if outcome is not REFUSED:
            flash("Your draft has been saved.", "success")
            if form.save_and_submit.data:
                return redirect(url_for(".contribution_submit", contribution_id=contribution.id))
            return _back(contribution)
        if isinstance(getattr(form, "refused", None), EditConflict):
            # Keep what they typed in the form, and show what is saved now beside it.
            get_db().refresh(contribution)
            theirs = contributions.sections_of(contribution)
            # Saving again is then a deliberate choice to replace what is saved now.
            form.version.data = str(contribution.version)
    return render_template(
        "panels/contribution_form.html",
        form=form,
        contribution=contribution,
        sections=SECTIONS,
        theirs=theirs,
        deadline=deadline_of(contribution),
    )


def deadline_of(contribution: Contribution) -> str:
    """The panel's deadline for contributions, in words, with how near or late it is."""
    deadline = contribution.panel.contribution_deadline
    if deadline is None:
        return "The chair has not set a deadline for contributions."
    days = (deadline - clock.today()).days
    if days < 0:
        when = f"{days_in_words(-days)} ago"
    elif days == 0:
        when = "today"
    else:
        when = f"in {days_in_words(days)}"
    return f"The deadline for contributions is {format_date(deadline)} ({when})."


def days_in_words(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


@blueprint.route("/contributions/<int:contribution_id>/events/new", methods=["GET", "POST"])
def contribution_event_new(contribution_id: int) -> Any:
    contribution = _load(contribution_id, "edit")
    form = EventForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: contributions.add_event(
                get_db(),
                me(),
                contribution,
                event_date=form.event_date.data,  # type: ignore[arg-type]
                event=form.event.data or "",
                agency_action=form.agency_action.data or "",
                comment=form.comment.data or "",
            ),
        )
        if outcome is not REFUSED:
            flash("The event has been added to the chronology.", "success")
            return _back(contribution)
    return render_template("panels/event_form.html", form=form, contribution=contribution)


@blueprint.route(
    "/contributions/<int:contribution_id>/events/<int:entry_id>/remove", methods=["GET", "POST"]
)
def contribution_event_remove(contribution_id: int, entry_id: int) -> Any:
    contribution = _load(contribution_id, "edit")
    entry = next((e for e in contribution.chronology if e.id == entry_id), None)
    if entry is None:
        abort(404)
    return confirm(
        lambda: contributions.remove_event(get_db(), me(), contribution, entry_id),
        title="Remove this event from the chronology?",
        detail=f"{format_date(entry.event_date)}: {entry.event}",
        button="Remove event",
        done="The event has been removed from the chronology.",
        back=url_for(".contribution_detail", contribution_id=contribution.id),
        warning=True,
    )


@blueprint.route("/contributions/<int:contribution_id>/submit", methods=["GET", "POST"])
def contribution_submit(contribution_id: int) -> Any:
    contribution = _load(contribution_id, "edit")
    return confirm(
        lambda: contributions.submit(get_db(), me(), contribution),
        title=f"Submit {contribution.agency.name}'s contribution?",
        detail="The chair and the panel's members will be able to read it. You will not be "
        "able to change it unless the chair returns it to you. " + deadline_of(contribution),
        button="Submit contribution",
        done="Your contribution has been submitted to the chair.",
        back=url_for(".contribution_detail", contribution_id=contribution.id),
    )


@blueprint.route("/contributions/<int:contribution_id>/return", methods=["GET", "POST"])
def contribution_return(contribution_id: int) -> Any:
    contribution = _load(contribution_id, "review")
    form = ReturnForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: contributions.return_to_agency(
                get_db(),
                me(),
                contribution,
                form.comments.data or "",
            ),
        )
        if outcome is not REFUSED:
            flash(f"The contribution has been returned to {contribution.agency.name}.", "success")
            return _back(contribution)
    return render_template("panels/return_form.html", form=form, contribution=contribution)


@blueprint.route("/contributions/<int:contribution_id>/accept", methods=["GET", "POST"])
def contribution_accept(contribution_id: int) -> Any:
    contribution = _load(contribution_id, "review")
    return confirm(
        lambda: contributions.accept(get_db(), me(), contribution),
        title=f"Accept {contribution.agency.name}'s contribution?",
        detail="It can no longer be returned or changed.",
        button="Accept contribution",
        done=f"{contribution.agency.name}'s contribution has been accepted.",
        back=url_for(".contribution_detail", contribution_id=contribution.id),
    )
