"""Pages for a panel: opening it, its agencies and people, and moving it through its life."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from agencies.models import Agency, User
from agencies.signed_in import me
from panels import panels, queries
from panels.forms import InviteForm, MemberForm, PanelForm
from panels.models.actions import Action
from panels.models.cases import Case
from panels.models.contributions import Contribution
from panels.models.learning import LearningPoint
from panels.models.panels import PANEL_TRANSITIONS, Panel, PanelMember, PanelRole, PanelState
from panels.models.sessions import PanelSession
from panels.views import blueprint
from portal import clock, state_machine
from portal.db import get_db
from portal.pages import REFUSED, ButtonForm, Refused, attempt, confirm, get_or_404, paginate
from portal.policy import ensure, require

# What the button that moves a panel into each state says.
MOVE_LABELS = {
    PanelState.OPEN: "Open the panel to agencies",
    PanelState.CONTRIBUTIONS_CLOSED: "Close contributions",
    PanelState.ACTION_PLAN_AGREED: "Agree the action plan",
    PanelState.MONITORING: "Start monitoring the actions",
    PanelState.CLOSED: "Close the panel",
}


@blueprint.get("/panels")
@require("list_panels")
def panel_list() -> Any:
    query = queries.visible_panels(get_db(), me()).order_by(Panel.created_at.desc())
    page = paginate(query)
    progress = queries.progress(get_db(), [panel.id for panel in page.items], clock.today())
    return render_template("panels/panels.html", page=page, progress=progress)


@blueprint.route("/cases/<int:case_id>/panels/new", methods=["GET", "POST"])
def panel_new(case_id: int) -> Any:
    case = get_or_404(Case, case_id)
    ensure("open_panel", case)
    form = PanelForm()
    if form.validate_on_submit():
        panel = attempt(
            form,
            lambda: panels.open_panel(
                get_db(),
                me(),
                case,
                terms_of_reference=form.terms_of_reference.data or "",
                contribution_deadline=form.contribution_deadline.data,
                action_plan_target_date=form.action_plan_target_date.data,
            ),
        )
        if not isinstance(panel, Refused):
            flash(
                "The panel has been set up in draft. Invite the agencies, then open it.", "success"
            )
            return redirect(url_for(".panel_detail", panel_id=panel.id))
    return render_template("panels/panel_form.html", form=form, case=case, panel=None)


@blueprint.get("/panels/<int:panel_id>")
def panel_detail(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    ensure("view", panel)
    db = get_db()
    contributions = db.scalars(
        select(Contribution).where(Contribution.panel_id == panel.id).order_by(Contribution.id)
    ).all()
    return render_template(
        "panels/panel.html",
        panel=panel,
        contributions=contributions,
        sessions=db.scalars(
            select(PanelSession)
            .where(PanelSession.panel_id == panel.id)
            .order_by(PanelSession.starts_at)
        ).all(),
        learning=db.scalars(
            select(LearningPoint)
            .where(LearningPoint.panel_id == panel.id)
            .order_by(LearningPoint.id)
        ).all(),
        actions=db.scalars(
            select(Action).where(Action.panel_id == panel.id).order_by(Action.target_date)
        ).all(),
        moves=[(state, MOVE_LABELS[state]) for state in sorted(PANEL_TRANSITIONS[panel.state])],
        progress=queries.progress(db, [panel.id], clock.today())[panel.id],
        today=clock.today(),
        form=ButtonForm(),
    )


@blueprint.route("/panels/<int:panel_id>/edit", methods=["GET", "POST"])
def panel_edit(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    ensure("manage", panel)
    form = PanelForm(obj=panel)
    if request.method == "GET":
        form.load(panel)
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: panels.update_panel(
                get_db(),
                me(),
                panel,
                version=form.version_seen(),
                terms_of_reference=form.terms_of_reference.data or "",
                contribution_deadline=form.contribution_deadline.data,
                action_plan_target_date=form.action_plan_target_date.data,
            ),
        )
        if outcome is not REFUSED:
            flash("The panel has been saved.", "success")
            return redirect(url_for(".panel_detail", panel_id=panel.id))
    return render_template("panels/panel_form.html", form=form, case=panel.case, panel=panel)


@blueprint.route("/panels/<int:panel_id>/invite", methods=["GET", "POST"])
def panel_invite(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    ensure("manage", panel)
    invited = {invitation.agency_id for invitation in panel.invitations}
    candidates = [
        agency
        for agency in get_db().scalars(select(Agency).where(Agency.active).order_by(Agency.name))
        if agency.id not in invited
    ]
    form = InviteForm()
    form.agency.choices = [(agency.id, agency.name) for agency in candidates]
    if form.validate_on_submit():
        agency = get_or_404(Agency, form.agency.data or 0)
        outcome = attempt(
            form,
            lambda: panels.invite_agency(get_db(), me(), panel, agency),
        )
        if outcome is not REFUSED:
            flash(f"{agency.name} has been invited.", "success")
            return redirect(url_for(".panel_detail", panel_id=panel.id))
    return render_template("panels/invite.html", form=form, panel=panel, candidates=candidates)


@blueprint.route("/panels/<int:panel_id>/members", methods=["GET", "POST"])
def panel_members(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    try:
        role = PanelRole(request.values.get("role", PanelRole.REPRESENTATIVE.value))
    except ValueError:
        abort(400)
    if role is PanelRole.CHAIR:
        abort(400)
    # Agency leads name their own representatives; observers are the chair's choice alone.
    ensure("manage" if role is PanelRole.OBSERVER else "nominate", panel)
    form = MemberForm(role=role.value)
    candidates = queries.candidates(get_db(), me(), panel, role)
    form.user.choices = [
        (person.id, f"{person.name}, {person.agency.name}") for person in candidates
    ]
    if form.validate_on_submit():
        person = get_or_404(User, form.user.data or 0)
        outcome = attempt(
            form,
            lambda: panels.add_member(get_db(), me(), panel, person, role),
        )
        if outcome is not REFUSED:
            flash(f"{person.name} has been added to the panel.", "success")
            return redirect(url_for(".panel_detail", panel_id=panel.id))
    return render_template(
        "panels/members.html", form=form, panel=panel, role=role, candidates=candidates
    )


@blueprint.route("/panels/<int:panel_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
def panel_member_remove(panel_id: int, member_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    ensure("manage", panel)
    member = get_or_404(PanelMember, member_id)
    if member.panel_id != panel.id:
        abort(404)
    return confirm(
        lambda: panels.remove_member(get_db(), me(), panel, member),
        title=f"Remove {member.user.name} from the panel?",
        detail="They will no longer see the panel's material.",
        button="Remove from panel",
        done=f"{member.user.name} has been removed from the panel.",
        back=url_for(".panel_detail", panel_id=panel.id),
        warning=True,
    )


@blueprint.route("/panels/<int:panel_id>/state", methods=["GET", "POST"])
def panel_move(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    ensure("manage", panel)
    try:
        state = PanelState(request.values.get("value", ""))
    except ValueError:
        abort(400)
    if not state_machine.allowed(PANEL_TRANSITIONS, panel.state, state):
        abort(400)
    form = ButtonForm(value=state.value)
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: panels.move_to(get_db(), me(), panel, state),
        )
        if outcome is not REFUSED:
            flash(f"The panel is now {state.label.lower()}.", "success")
            return redirect(url_for(".panel_detail", panel_id=panel.id))
    return render_template(
        "panels/move.html",
        form=form,
        panel=panel,
        state=state,
        label=MOVE_LABELS[state],
        # Before closing, the chair is told what the panel's actions leave undone.
        outstanding=queries.outstanding(get_db(), panel, clock.today())
        if state is PanelState.CLOSED
        else None,
        today=clock.today(),
    )
