"""The home page's routes: what waits for the person signed in, and marking a notice read.

The page shows work from every area, so it sits above them all.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from agencies.signed_in import me
from home.dashboard import home_for
from portal import clock, notices
from portal.db import get_db
from portal.pages import ButtonForm, attempt
from portal.policy import require

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
@require("view_dashboard")
def dashboard() -> Any:
    home = home_for(get_db(), me(), clock.today(), clock.now())
    return render_template("home/home.html", home=home, today=clock.today(), form=ButtonForm())


@blueprint.post("/notices/<int:notice_id>/read")
@require("view_dashboard")
def notice_read(notice_id: int) -> Any:
    if ButtonForm().validate_on_submit():
        attempt(None, lambda: notices.mark_read(get_db(), current_user.id, notice_id))
    return redirect(url_for(".dashboard"))
