"""The home page: what waits for the person signed in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import redirect, render_template, url_for
from flask_login import current_user

from panels.dashboard import home_for
from panels.forms import today
from panels.views import blueprint
from portal import notices
from portal.db import get_db
from portal.pages import ButtonForm, attempt, me
from portal.policy import require


@blueprint.get("/")
@require("view_dashboard")
def dashboard() -> Any:
    home = home_for(get_db(), me(), today(), datetime.now(UTC))
    return render_template("panels/home.html", home=home, today=today(), form=ButtonForm())


@blueprint.post("/notices/<int:notice_id>/read")
@require("view_dashboard")
def notice_read(notice_id: int) -> Any:
    if ButtonForm().validate_on_submit():
        attempt(None, lambda: notices.mark_read(get_db(), current_user.id, notice_id))
    return redirect(url_for(".dashboard"))
