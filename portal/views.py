"""The health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy import text

from portal.db import get_db

blueprint = Blueprint("views", __name__)


@blueprint.get("/health")
def health() -> Any:
    """For the load balancer: the process answers and can reach the database."""
    get_db().execute(text("SELECT 1"))
    return {"status": "ok"}
