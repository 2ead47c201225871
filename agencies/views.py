"""Administration pages: agencies and their providers, and each agency's users."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from agencies import agencies, users
from agencies.access import grantable_roles
from agencies.forms import AgencyForm, ProviderForm, RolesForm
from agencies.models import Agency, AgencyKind, IdentityProvider, Role, User
from agencies.signed_in import me
from portal import jobs, provider_metadata
from portal.db import get_db
from portal.pages import ButtonForm, Refused, attempt, confirm, get_or_404, paginate
from portal.policy import ensure, require

blueprint = Blueprint("agencies", __name__)


@blueprint.get("/admin/agencies")
@require("manage_agencies")
def agency_list() -> Any:
    return render_template("agencies/list.html", page=paginate(agencies.all_agencies()))


@blueprint.route("/admin/agencies/new", methods=["GET", "POST"])
@require("manage_agencies")
def agency_new() -> Any:
    form = AgencyForm()
    if form.validate_on_submit():
        agency = attempt(form, lambda: _register(form))
        if not isinstance(agency, Refused):
            flash(f"{agency.name} has been registered.", "success")
            return redirect(url_for(".agency_list"))
    return render_template("agencies/new.html", form=form)


def _register(form: AgencyForm) -> Agency:
    method = form.token_endpoint_auth_method.data or ""
    agencies.check_provider(provider_metadata.current(), form.issuer.data or "", method)
    return agencies.register_agency(
        get_db(),
        me(),
        name=form.name.data or "",
        kind=AgencyKind(form.kind.data),
        slug=form.slug.data or "",
        issuer=form.issuer.data or "",
        client_id=form.client_id.data or "",
        token_endpoint_auth_method=method,
        auto_approve=form.auto_approve.data,
    )


@blueprint.route("/admin/agencies/<int:agency_id>/provider", methods=["GET", "POST"])
@require("manage_agencies")
def provider_edit(agency_id: int) -> Any:
    agency: Agency = get_or_404(Agency, agency_id)
    provider = agency.provider
    if provider is None:
        abort(404)
    form = ProviderForm(obj=provider)
    if form.validate_on_submit():
        saved = attempt(form, lambda: _save_provider(form, provider))
        if not isinstance(saved, Refused):
            flash(f"The sign-in settings of {agency.name} have been saved.", "success")
            return redirect(url_for(".agency_list"))
    return render_template("agencies/provider.html", form=form, agency=agency, provider=provider)


def _save_provider(form: ProviderForm, provider: IdentityProvider) -> None:
    method = form.token_endpoint_auth_method.data or ""
    agencies.check_provider(provider_metadata.current(), form.issuer.data or "", method)
    agencies.update_provider(
        get_db(),
        me(),
        provider,
        issuer=form.issuer.data or "",
        client_id=form.client_id.data or "",
        token_endpoint_auth_method=method,
        auto_approve=form.auto_approve.data,
        enabled=form.enabled.data,
    )


@blueprint.get("/users")
@require("list_users")
def user_list() -> Any:
    page = paginate(users.manageable_users(me()))
    return render_template("agencies/users.html", page=page)


@blueprint.get("/users/<int:user_id>")
def user_detail(user_id: int) -> Any:
    user: User = get_or_404(User, user_id)
    ensure("view", user)
    return render_template("agencies/user.html", user=user, form=ButtonForm())


@blueprint.post("/users/<int:user_id>/approve")
def user_approve(user_id: int) -> Any:
    user: User = get_or_404(User, user_id)
    ensure("approve", user)
    form = ButtonForm()
    if form.validate_on_submit() and not isinstance(
        attempt(None, lambda: users.approve(get_db(), me(), user)), Refused
    ):
        flash(f"{user.name}'s account has been approved. Now give them their roles.", "success")
    return redirect(url_for(".user_roles", user_id=user.id))


@blueprint.route("/users/<int:user_id>/suspend", methods=["GET", "POST"])
def user_suspend(user_id: int) -> Any:
    user: User = get_or_404(User, user_id)
    ensure("suspend", user)
    return confirm(
        lambda: users.suspend(get_db(), me(), user),
        title=f"Are you sure you want to suspend {user.name}?",
        detail="They will be signed out and will not be able to sign in until an "
        "administrator reinstates them.",
        button="Suspend account",
        done=f"{user.name}'s account has been suspended.",
        back=url_for(".user_detail", user_id=user.id),
        warning=True,
    )


@blueprint.route("/users/<int:user_id>/reinstate", methods=["GET", "POST"])
def user_reinstate(user_id: int) -> Any:
    user: User = get_or_404(User, user_id)
    ensure("reinstate", user)
    return confirm(
        lambda: users.reinstate(get_db(), me(), user),
        title=f"Are you sure you want to reinstate {user.name}?",
        detail="They will be able to sign in again, with the roles they had when they were "
        "suspended.",
        button="Reinstate account",
        done=f"{user.name}'s account has been reinstated.",
        back=url_for(".user_detail", user_id=user.id),
    )


@blueprint.route("/users/<int:user_id>/roles", methods=["GET", "POST"])
def user_roles(user_id: int) -> Any:
    user: User = get_or_404(User, user_id)
    ensure("assign_roles", user)
    form = RolesForm(
        data={"roles": [role.value for role in user.roles]} if request.method == "GET" else None
    )
    form.offer(grantable_roles(me()))
    if form.validate_on_submit():
        roles = [Role(value) for value in form.roles.data or []]
        saved = attempt(form, lambda: users.set_roles(get_db(), me(), user, roles))
        if not isinstance(saved, Refused):
            flash(f"{user.name}'s roles have been saved.", "success")
            return redirect(url_for(".user_detail", user_id=user.id))
    return render_template("agencies/roles.html", user=user, form=form)


@blueprint.get("/admin/jobs")
@require("manage_jobs")
def job_list() -> Any:
    return render_template("agencies/jobs.html", jobs=jobs.set_aside(get_db()), form=ButtonForm())


@blueprint.post("/admin/jobs/<int:job_id>/retry")
@require("manage_jobs")
def job_retry(job_id: int) -> Any:
    job: jobs.Job = get_or_404(jobs.Job, job_id)
    if ButtonForm().validate_on_submit() and not isinstance(
        attempt(None, lambda: jobs.try_again(get_db(), me().id, job)), Refused
    ):
        flash(f"Job {job.id} will be tried again.", "success")
    return redirect(url_for(".job_list"))
