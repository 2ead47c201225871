"""Errors: the domain error services raise, and the error pages people see."""

from __future__ import annotations

import html

from flask import Flask, current_app, g, render_template
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from portal.db import get_db


class DomainError(Exception):
    """A rule of the domain said no; the message is written for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EditConflict(DomainError):
    """Someone else saved the record since the form was loaded: nothing was overwritten."""

    def __init__(self, current_version: int | None) -> None:
        super().__init__(
            "Someone else saved changes while you were editing. Your text is below, not yet "
            "saved: check their changes, then save again."
        )
        # None when the database refused a save that raced another: the version is not known.
        self.current_version = current_version


_PAGES = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, there is a problem with your request",
    413: "The file is too big",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}

# How long to tell browsers and load balancers to wait while the database cannot be reached: a
# restart or a fail-over of the database server takes about this long.
RETRY_AFTER_SECONDS = 30


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(Exception, _unexpected_error)


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    """The error page; if even that fails (the database gone, a template broken), a plain one.

    An error page that raised would leave the server's bare page, without the security headers.
    """
    title = _PAGES.get(code, _PAGES[500] if code >= 500 else _PAGES[400])
    try:
        # The request's transaction may have failed: the page reads who is signed in afresh.
        get_db().rollback()
        return render_template("errors/error.html", code=code, title=title, detail=detail), code
    except Exception:
        current_app.logger.exception("the error page could not be shown")
        return _plain(title, detail), code


def _plain(title: str, detail: str | None) -> str:
    """An error page needing nothing: no template, no database, no signed-in person."""
    body = detail or "Go back and try again. If it keeps happening, contact the administrator."
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} - Learning panel portal</title>"
        '<link rel="stylesheet" href="/static/govuk/govuk-frontend.min.css"></head>'
        '<body class="govuk-template__body"><main class="govuk-main-wrapper govuk-width-container">'
        f'<h1 class="govuk-heading-l">{html.escape(title)}</h1>'
        f'<p class="govuk-body">{html.escape(body)}</p>'
        '<p class="govuk-body"><a class="govuk-link" href="/">Go to your home page</a></p>'
        "</main></body></html>"
    )


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    if code >= 500:
        return _render(code)
    return _render(code if code in _PAGES else 400)


def _csrf_error(_error: CSRFError) -> tuple[str, int]:
    return _render(
        400,
        "The form you sent had expired or did not come from this service. Go back, refresh "
        "the page and try again.",
    )


def _database_error(error: DBAPIError) -> tuple[str, int, dict[str, str]] | tuple[str, int]:
    """The database cannot be reached (restarting, failing over, refusing connections): say the
    service is unavailable for now, not that it is broken. The server rolls back whatever the
    request had not committed, and the pool (pre-ping) finds new connections once it is back."""
    if not _unreachable(error):
        return _unexpected_error(error)
    current_app.logger.warning("the database could not be reached: %s", error.orig)
    # Who is signed in cannot be read now: the page is shown as to someone not signed in (where
    # Flask-Login keeps the request's user), so showing it needs no database.
    g._login_user = AnonymousUserMixin()
    page, code = _render(
        503,
        "Try again in a few minutes. If you were saving something, check whether it was saved "
        "before you send it again.",
    )
    return page, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _unreachable(error: DBAPIError) -> bool:
    """A lost or refused connection (the driver's OperationalError), as opposed to a refused
    statement, such as a constraint broken, which is a fault."""
    return error.connection_invalidated or isinstance(error, OperationalError)


def _unexpected_error(error: Exception) -> tuple[str, int]:
    if isinstance(error, HTTPException):
        return _http_error(error)
    current_app.logger.exception("unhandled error")
    return _render(500)
