"""The home dashboard and the health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import text

from portal.db import get_db
from portal.policy import require

blueprint = Blueprint("views", __name__)


@blueprint.get("/")
@require("view_dashboard")
def dashboard() -> Any:
    return render_template("portal/dashboard.html")


@blueprint.get("/health")
def health() -> Any:
    """For the load balancer: the process answers and can reach the database."""
    get_db().execute(text("SELECT 1"))
    return {"status": "ok"}
