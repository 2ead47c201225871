"""Pages for impact reviews: the owning agency records whether a completed action changed
practice, and what shows it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from agencies.signed_in import me
from panels import impact_reviews
from panels.forms import ImpactReviewForm
from panels.models.actions import Action
from panels.models.impact import ImpactOutcome
from panels.views import blueprint
from portal import clock
from portal.db import get_db
from portal.pages import Refused, attempt, get_or_404
from portal.policy import ensure


@blueprint.route("/actions/<int:action_id>/impact", methods=["GET", "POST"])
def action_impact(action_id: int) -> Any:
    action = get_or_404(Action, action_id)
    ensure("record_impact", action)
    form = ImpactReviewForm()
    earlier = impact_reviews.review_of(get_db(), action)
    if request.method == "GET" and earlier is not None:
        form.outcome.data = earlier.outcome.value
        form.load(earlier)
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: impact_reviews.record(
                get_db(),
                me(),
                action,
                outcome=ImpactOutcome(form.outcome.data),
                evidence=form.evidence.data or "",
                version=form.version_seen(),
            ),
        )
        if not isinstance(outcome, Refused):
            flash("The impact review has been saved; the panel's chair has been told.", "success")
            return redirect(url_for(".action_detail", action_id=action.id))
        earlier = impact_reviews.review_of(get_db(), action)
    return render_template(
        "panels/impact_form.html",
        form=form,
        action=action,
        earlier=earlier,
        status=impact_reviews.status_of(action, None, clock.today()),
        today=clock.today(),
    )
