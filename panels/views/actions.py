"""Pages for the action plan: adding actions, agencies' answers, progress and its evidence,
sign-off, exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, stream_with_context, url_for
from sqlalchemy import Select, select

from agencies.signed_in import me
from panels import action_plan_export, actions, evidence, impact_reviews
from panels.actions import ActionFields
from panels.forms import ActionForm, ProgressForm, ResponseForm
from panels.models.actions import Action, ActionEvidence, ActionState
from panels.models.impact import IMPACT_REVIEW_AFTER_MONTHS
from panels.models.learning import LearningPoint
from panels.models.panels import Panel
from panels.views import blueprint
from portal import clock, downloads
from portal.db import get_db
from portal.documents import MAX_BYTES
from portal.pages import REFUSED, Refused, attempt, confirm, get_or_404, paginate
from portal.policy import ensure


def _load(action_id: int, what: str) -> Action:
    action = get_or_404(Action, action_id)
    ensure(what, action)
    return action


def _back(action: Action) -> Any:
    return redirect(url_for(".action_detail", action_id=action.id))


def _offer(form: ActionForm, panel: Panel) -> None:
    form.owner_agency.choices = [
        (invitation.agency_id, invitation.agency.name) for invitation in panel.invitations
    ]
    points = get_db().scalars(select(LearningPoint).where(LearningPoint.panel_id == panel.id))
    form.learning_point.choices = [("", "None")] + [(point.id, point.title) for point in points]


def _fields(form: ActionForm) -> ActionFields:
    return ActionFields(
        description=form.description.data or "",
        owner_agency_id=form.owner_agency.data or 0,
        owner_role=form.owner_role.data or "",
        target_date=form.target_date.data or clock.today(),
        measure_of_success=form.measure_of_success.data or "",
        learning_point_id=form.learning_point.data,
    )


@blueprint.get("/panels/<int:panel_id>/actions")
def action_plan(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    ensure("view", panel)
    return render_template(
        "panels/action_plan.html",
        panel=panel,
        page=paginate(actions.plan_of(panel.id)),
        today=clock.today(),
    )


@blueprint.get("/panels/<int:panel_id>/actions.csv")
def action_plan_csv(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    rows = _csv_rows(_exported(panel, "csv"), clock.today())
    # Sent as it is read: the request's session stays open until the last row is out.
    return downloads.stream(stream_with_context(rows), f"{_name(panel)}.csv", downloads.CSV)


def _csv_rows(plan: Select[Action], today: date) -> Iterator[bytes]:
    for chunk in action_plan_export.action_plan_csv(
        action_plan_export.read_plan(get_db(), plan), today
    ):
        yield chunk.encode("utf-8")


@blueprint.get("/panels/<int:panel_id>/actions.pdf")
def action_plan_pdf(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    plan = _exported(panel, "pdf")
    body = action_plan_export.plan_pdf(get_db(), panel, plan, clock.today())
    return downloads.download(body, f"{_name(panel)}.pdf")


def _exported(panel: Panel, kind: str) -> Select[Action]:
    ensure("view", panel)
    plan = attempt(None, lambda: actions.export_plan(get_db(), me(), panel, kind))
    if isinstance(plan, Refused):
        abort(403)
    return plan


def _name(panel: Panel) -> str:
    return f"action-plan-{downloads.name_part(panel.case.reference)}"


@blueprint.route("/panels/<int:panel_id>/actions/new", methods=["GET", "POST"])
def action_new(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    ensure("propose_action", panel)
    form = ActionForm()
    _offer(form, panel)
    if form.validate_on_submit():
        action = attempt(
            form,
            lambda: actions.propose(get_db(), me(), panel, _fields(form)),
        )
        if not isinstance(action, Refused):
            flash("The action has been added; its agency has been asked to answer it.", "success")
            return _back(action)
    return render_template("panels/action_form.html", form=form, panel=panel, action=None)


@blueprint.get("/actions/<int:action_id>")
def action_detail(action_id: int) -> Any:
    action = _load(action_id, "view")
    review = impact_reviews.review_of(get_db(), action)
    return render_template(
        "panels/action.html",
        action=action,
        today=clock.today(),
        review=review,
        impact=impact_reviews.status_of(action, review, clock.today()),
    )


@blueprint.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
def action_edit(action_id: int) -> Any:
    action = _load(action_id, "edit")
    form = ActionForm(obj=action)
    _offer(form, action.panel)
    if request.method == "GET":
        form.load(action)
        form.owner_agency.data = action.owner_agency_id
        form.learning_point.data = action.learning_point_id
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: actions.revise(
                get_db(),
                me(),
                action,
                form.version_seen(),
                _fields(form),
            ),
        )
        if outcome is not REFUSED:
            flash("The action has been saved.", "success")
            return _back(action)
    return render_template(
        "panels/action_form.html", form=form, panel=action.panel, action=action, today=clock.today()
    )


@blueprint.route("/actions/<int:action_id>/respond", methods=["GET", "POST"])
def action_respond(action_id: int) -> Any:
    action = _load(action_id, "respond")
    form = ResponseForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: actions.respond(
                get_db(),
                me(),
                action,
                ActionState(form.answer.data),
                form.reason.data or "",
            ),
        )
        if outcome is not REFUSED:
            flash("Your agency's answer has been recorded.", "success")
            return _back(action)
    return render_template(
        "panels/respond_form.html", form=form, action=action, today=clock.today()
    )


@blueprint.route("/actions/<int:action_id>/progress", methods=["GET", "POST"])
def action_progress(action_id: int) -> Any:
    action = _load(action_id, "report_progress")
    form = ProgressForm()
    if form.validate_on_submit():
        upload = form.evidence.data
        attached = (
            evidence.Upload(upload.filename, upload.read(MAX_BYTES + 1))
            if upload and upload.filename
            else None
        )
        outcome = attempt(
            form,
            lambda: evidence.report(get_db(), me(), action, form.text.data or "", attached),
        )
        if not isinstance(outcome, Refused):
            _update, job = outcome
            if job is not None:
                # The person follows the reading of their file, then comes back to the action.
                return redirect(url_for("home.job", job_id=job.id), 303)
            flash("The progress has been added.", "success")
            return _back(action)
    return render_template(
        "panels/progress_form.html", form=form, action=action, today=clock.today()
    )


def _evidence(evidence_id: int) -> ActionEvidence:
    found = get_or_404(ActionEvidence, evidence_id)
    ensure("view", found.action)
    return found


@blueprint.get("/evidence/<int:evidence_id>")
def evidence_detail(evidence_id: int) -> Any:
    found = _evidence(evidence_id)
    return render_template("panels/action_evidence.html", evidence=found, today=clock.today())


@blueprint.get("/evidence/<int:evidence_id>/original")
def evidence_original(evidence_id: int) -> Any:
    found = _evidence(evidence_id)
    original = attempt(None, lambda: evidence.open_original(get_db(), me(), found))
    if isinstance(original, Refused):  # still being read, or refused by the reader: say so
        return redirect(url_for(".evidence_detail", evidence_id=found.id))
    # What the uploader's browser claimed the file was is not kept; the bytes say what it is.
    return downloads.download(original, found.filename)


@blueprint.route("/actions/<int:action_id>/sign-off", methods=["GET", "POST"])
def action_sign_off(action_id: int) -> Any:
    action = _load(action_id, "sign_off")
    return confirm(
        lambda: actions.sign_off(get_db(), me(), action),
        title="Sign off this action as complete?",
        detail="Sign it off only if the evidence shows the measure of success has been met. "
        f"Its owning agency will review its impact on practice {IMPACT_REVIEW_AFTER_MONTHS} "
        "months from now.",
        button="Sign off as complete",
        done="The action has been signed off as complete.",
        back=url_for(".action_detail", action_id=action.id),
    )
