"""Pages for the inspectorate's dip samples: the samples and their results across regions,
drawing a sample, one sample's actions, and the finding on each."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from agencies.signed_in import me
from panels import dip_samples, impact_reviews
from panels.forms import DipSampleForm, FindingForm
from panels.models.cases import ProbationRegion
from panels.models.dip_samples import DipSample, DipSampleItem
from panels.views import blueprint
from portal import clock
from portal.db import get_db
from portal.pages import Refused, attempt, get_or_404, paginate
from portal.policy import ensure, require


@blueprint.get("/dip-samples")
@require("browse_dip_samples")
def dip_sample_list() -> Any:
    user = me()
    return render_template(
        "panels/dip_samples.html",
        page=paginate(dip_samples.visible_samples(user).options(selectinload(DipSample.items))),
        results=dip_samples.results(get_db(), user),
    )


@blueprint.route("/dip-samples/new", methods=["GET", "POST"])
@require("draw_dip_sample")
def dip_sample_new() -> Any:
    form = DipSampleForm()
    if form.validate_on_submit():
        size = form.size.data or 0
        sample = attempt(
            form,
            lambda: dip_samples.draw(get_db(), me(), ProbationRegion(form.region.data), size),
        )
        if not isinstance(sample, Refused):
            drawn = len(sample.items)
            if drawn < size:
                flash(
                    f"You asked for {size} actions; {sample.region.label} has only {drawn} "
                    f"completed action{'s' if drawn != 1 else ''}, so the sample holds "
                    f"{'them all' if drawn != 1 else 'it'}.",
                    "important",
                )
            else:
                flash(
                    f"A sample of {drawn} completed action{'s' if drawn != 1 else ''} "
                    "has been drawn.",
                    "success",
                )
            return redirect(url_for(".dip_sample_detail", dip_sample_id=sample.id))
    return render_template("panels/dip_sample_form.html", form=form, max_size=dip_samples.MAX_SIZE)


@blueprint.get("/dip-samples/<int:dip_sample_id>")
def dip_sample_detail(dip_sample_id: int) -> Any:
    sample = get_or_404(DipSample, dip_sample_id)
    ensure("view", sample)
    db = get_db()
    items = dip_samples.items_of(db, sample)
    return render_template(
        "panels/dip_sample.html",
        sample=sample,
        items=items,
        reviews=impact_reviews.reviews_of(db, [item.action_id for item in items]),
        today=clock.today(),
    )


@blueprint.route("/dip-sample-items/<int:dip_sample_item_id>/finding", methods=["GET", "POST"])
def dip_sample_finding(dip_sample_item_id: int) -> Any:
    item = get_or_404(DipSampleItem, dip_sample_item_id)
    ensure("record_finding", item)
    form = FindingForm()
    if request.method == "GET":
        form.load(item)
        if item.recorded_at is not None:
            form.delivered_as_intended.data = "yes" if item.delivered_as_intended else "no"
            form.impact_evidenced.data = "yes" if item.impact_evidenced else "no"
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: dip_samples.record_finding(
                get_db(),
                me(),
                item,
                delivered_as_intended=form.delivered_as_intended.data == "yes",
                impact_evidenced=form.impact_evidenced.data == "yes",
                finding=form.finding.data or "",
                version=form.version_seen(),
            ),
        )
        if not isinstance(outcome, Refused):
            flash(f"The finding on action {item.action.reference} has been saved.", "success")
            return redirect(
                url_for(".dip_sample_detail", dip_sample_id=item.sample_id) + f"#item-{item.id}"
            )
    return render_template(
        "panels/dip_finding_form.html",
        form=form,
        item=item,
        review=impact_reviews.review_of(get_db(), item.action),
        today=clock.today(),
    )
