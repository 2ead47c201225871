"""Pages for SFO cases."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for

from agencies.signed_in import me
from panels import cases, queries
from panels.forms import CaseForm
from panels.models.cases import Case
from panels.views import blueprint
from portal.db import get_db
from portal.pages import REFUSED, Refused, attempt, get_or_404, paginate
from portal.policy import ensure, require


@blueprint.get("/cases")
@require("list_panels")
def case_list() -> Any:
    query = queries.visible_cases(get_db(), me()).order_by(Case.created_at.desc())
    return render_template("panels/cases.html", page=paginate(query))


@blueprint.route("/cases/new", methods=["GET", "POST"])
@require("create_case")
def case_new() -> Any:
    form = CaseForm()
    if form.validate_on_submit():
        case = attempt(form, lambda: cases.create_case(get_db(), me(), **form.fields()))
        if not isinstance(case, Refused):
            flash(f"Case {case.reference} has been added.", "success")
            return redirect(url_for(".case_detail", case_id=case.id))
    return render_template("panels/case_form.html", form=form, case=None)


@blueprint.get("/cases/<int:case_id>")
def case_detail(case_id: int) -> Any:
    case = get_or_404(Case, case_id)
    ensure("view", case)
    return render_template("panels/case.html", case=case)


@blueprint.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
def case_edit(case_id: int) -> Any:
    case = get_or_404(Case, case_id)
    ensure("edit", case)
    form = CaseForm(obj=case)
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: cases.update_case(get_db(), me(), case, **form.fields()),
        )
        if done is not REFUSED:
            flash(f"Case {case.reference} has been saved.", "success")
            return redirect(url_for(".case_detail", case_id=case.id))
    return render_template("panels/case_form.html", form=form, case=case)
