"""Pages for learning: recording and sharing it, acknowledging it, the library, and what is
shared with me."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from agencies.models import Agency, Role
from agencies.signed_in import me
from panels import learning, queries
from panels.forms import AcknowledgeForm, LearningForm, LibraryForm
from panels.learning import LibraryFilter
from panels.models.cases import ProbationRegion
from panels.models.learning import LearningLevel, LearningPoint, LearningResponse
from panels.models.panels import Panel
from panels.views import blueprint
from portal import clock, richtext
from portal.db import get_db
from portal.pages import (
    REFUSED,
    ButtonForm,
    Page,
    Refused,
    attempt,
    confirm,
    get_or_404,
    page_number,
    paginate,
    without_control_characters,
)
from portal.policy import can, ensure, require

PER_PAGE = 20


def _offer(form: LearningForm, panel: Panel) -> None:
    form.themes.choices = [(theme.id, theme.name) for theme in learning.active_themes(get_db())]
    form.agencies.choices = [
        (invitation.agency_id, invitation.agency.name) for invitation in panel.invitations
    ]


def _fields(form: LearningForm) -> dict[str, Any]:
    return {
        "title": form.title.data or "",
        "description": form.description.data or "",
        "level": LearningLevel(form.level.data),
        "theme_ids": list(form.themes.data or []),
        "agency_ids": list(form.agencies.data or []),
    }


@blueprint.route("/panels/<int:panel_id>/learning/new", methods=["GET", "POST"])
def learning_new(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    ensure("manage", panel)
    form = LearningForm()
    _offer(form, panel)
    if form.validate_on_submit():
        point = attempt(
            form,
            lambda: learning.record(get_db(), me(), panel, **_fields(form)),
        )
        if not isinstance(point, Refused):
            flash("The learning has been recorded.", "success")
            return redirect(url_for(".learning_detail", point_id=point.id))
    return render_template("panels/learning_form.html", form=form, panel=panel, point=None)


@blueprint.get("/learning/<int:point_id>")
def learning_detail(point_id: int) -> Any:
    point = get_or_404(LearningPoint, point_id)
    ensure("view", point)
    return render_template(
        "panels/learning_point.html",
        point=point,
        form=ButtonForm(),
        # Learning shared with an agency reaches people who may not see the panel's actions.
        actions=[
            action for action in queries.actions_from(get_db(), point) if can(me(), "view", action)
        ],
        today=clock.today(),
        follow_up=learning.follow_up(get_db(), point, clock.today())
        if can(me(), "follow_up", point)
        else None,
    )


@blueprint.route("/learning/<int:point_id>/acknowledge", methods=["GET", "POST"])
def learning_acknowledge(point_id: int) -> Any:
    point = get_or_404(LearningPoint, point_id)
    ensure("acknowledge", point)
    form = AcknowledgeForm()
    earlier = learning.acknowledgement_of(get_db(), point, current_user.agency_id)
    if request.method == "GET" and earlier is not None:
        form.response.data = earlier.response.value
        form.detail.data = earlier.detail
        form.done_on.data = earlier.done_on
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: learning.acknowledge(
                get_db(),
                me(),
                point,
                response=LearningResponse(form.response.data),
                detail=form.detail.data or "",
                done_on=form.done_on.data or clock.today(),  # required by the form
            ),
        )
        if not isinstance(outcome, Refused):
            flash("Your agency's acknowledgement has been saved.", "success")
            return redirect(url_for(".learning_detail", point_id=point.id))
    return render_template("panels/acknowledge_form.html", form=form, point=point, earlier=earlier)


@blueprint.route("/learning/<int:point_id>/edit", methods=["GET", "POST"])
def learning_edit(point_id: int) -> Any:
    point = get_or_404(LearningPoint, point_id)
    ensure("manage", point)
    form = LearningForm(obj=point)
    _offer(form, point.panel)
    if request.method == "GET":
        form.description.data = richtext.to_editable(point.description)
        form.level.data = point.level.value
        form.themes.data = [theme.id for theme in point.themes]
        form.agencies.data = [agency.id for agency in point.agencies]
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: learning.revise(get_db(), me(), point, **_fields(form)),
        )
        if outcome is not REFUSED:
            flash("The learning has been saved.", "success")
            return redirect(url_for(".learning_detail", point_id=point.id))
    return render_template("panels/learning_form.html", form=form, panel=point.panel, point=point)


@blueprint.route("/learning/<int:point_id>/share", methods=["GET", "POST"])
def learning_share(point_id: int) -> Any:
    point = get_or_404(LearningPoint, point_id)
    ensure("share", point)
    return confirm(
        lambda: learning.share(get_db(), me(), point),
        title="Share this learning?",
        detail="Every approved member of "
        + ", ".join(agency.name for agency in point.agencies)
        + " will be able to read it, and it can no longer be changed.",
        button="Share learning",
        done="The learning has been shared with the agencies it concerns.",
        back=url_for(".learning_detail", point_id=point.id),
    )


@blueprint.get("/learning")
@require("list_panels")
def learning_library() -> Any:
    db = get_db()
    form = LibraryForm(request.args)
    form.theme.choices = [("", "Any theme")] + [
        (theme.id, theme.name) for theme in learning.active_themes(db)
    ]
    # Ids and names only: loading the 400 agencies whole took 3 ms, their names 0.5 ms.
    agencies = db.execute(
        select(Agency.id, Agency.name).where(Agency.active).order_by(Agency.name)
    ).all()
    form.agency.choices = [("", "Any agency")] + [(agency.id, agency.name) for agency in agencies]
    # Only an agency's lead acknowledges learning for it: nobody else is offered the filter.
    leads = me().has_role(Role.AGENCY_LEAD)
    if not leads:
        del form.waiting
    form.validate()
    # A filter that names nothing offered (a stale or tampered link) is left out, not an error.
    themes = {theme_id for theme_id, _name in form.theme.choices[1:]}  # type: ignore[index]
    wanted = LibraryFilter(
        text=without_control_characters(form.q.data or "").strip(),
        theme_id=form.theme.data if form.theme.data in themes else None,
        agency_id=form.agency.data if form.agency.data in {a.id for a in agencies} else None,
        region=ProbationRegion(form.region.data)
        if form.region.data in set(ProbationRegion)
        else None,
        since=None if form.since.errors else form.since.data,
        until=None if form.until.errors else form.until.data,
        waiting_for_agency_id=me().agency_id if leads and form.waiting.data else None,
    )
    number = page_number()
    points, total, recurring = learning.library(db, me(), wanted, number, PER_PAGE)
    return render_template(
        "panels/library.html",
        form=form,
        page=Page(points, number, total, PER_PAGE),
        recurring=recurring,
        query_args={k: v for k, v in request.args.items() if k != "page"},
        waiting=wanted.waiting_for_agency_id is not None,
    )


@blueprint.get("/learning/shared")
@require("list_panels")
def learning_shared() -> Any:
    query = learning.shared_with(current_user.agency_id)
    return render_template("panels/shared.html", page=paginate(query, PER_PAGE))
