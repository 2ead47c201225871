"""The home page's routes: what waits for the person signed in, dismissing one notice or all of
them, and the progress of a job they started.

The page shows work from every area, so it sits above them all.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from agencies.signed_in import me
from home.dashboard import home_for, short_text
from portal import clock, notices
from portal.db import get_db
from portal.jobs import Job, JobState
from portal.pages import ButtonForm, attempt, get_or_404
from portal.policy import ensure, require

# Seconds between the progress page's reloads while the job runs: quick enough to feel live.
REFRESH_SECONDS = 2

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
@require("view_dashboard")
def dashboard() -> Any:
    home = home_for(get_db(), me(), clock.today(), clock.now())
    return render_template(
        "home/home.html", home=home, today=clock.today(), form=ButtonForm(), short_text=short_text
    )


@blueprint.post("/notices/<int:notice_id>/read")
@require("view_dashboard")
def notice_read(notice_id: int) -> Any:
    if ButtonForm().validate_on_submit():
        attempt(None, lambda: notices.mark_read(get_db(), current_user.id, notice_id))
    return redirect(url_for(".dashboard"))


@blueprint.post("/notices/read")
@require("view_dashboard")
def notices_read() -> Any:
    """Dismiss all of the person's notices: only their own, whatever the form says."""
    if ButtonForm().validate_on_submit():
        dismissed = attempt(None, lambda: notices.mark_all_read(get_db(), current_user.id))
        if isinstance(dismissed, int) and dismissed:
            flash(f"{dismissed} notice{'s' if dismissed != 1 else ''} dismissed.", "success")
    return redirect(url_for(".dashboard"))


@blueprint.get("/jobs/<int:job_id>")
def job(job_id: int) -> Any:
    """How the job is going, with a button to check again (and a script that checks by itself);
    once done, on to what it made."""
    job = get_or_404(Job, job_id)
    ensure("follow", job)
    # The page's own script asks with ?poll: it moves on by reloading, so the person is told
    # once what came of the job.
    if job.state is JobState.DONE and job.done_path and "poll" not in request.args:
        if job.outcome:
            flash(job.outcome, "success")
        return redirect(job.done_path, 303)
    return render_template("home/job.html", job=job, refresh=REFRESH_SECONDS)
