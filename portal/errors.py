"""Errors: the domain error services raise, and the error pages people see."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain said no; the message is written for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EditConflict(DomainError):
    """Someone else saved the record since the form was loaded: nothing was overwritten."""

    def __init__(self, current_version: int) -> None:
        super().__init__(
            "Someone else saved changes while you were editing. Your text is below, not yet "
            "saved: check their changes, then save again."
        )
        self.current_version = current_version


_PAGES = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, there is a problem with your request",
    413: "The file is too big",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(Exception, _unexpected_error)


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    return (
        render_template(
            "errors/error.html", code=code, title=_PAGES.get(code, _PAGES[400]), detail=detail
        ),
        code,
    )


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    return _render(code if code in _PAGES else 400)


def _csrf_error(_error: CSRFError) -> tuple[str, int]:
    return _render(
        400,
        "The form you sent had expired or did not come from this service. Go back, refresh "
        "the page and try again.",
    )


def _unexpected_error(error: Exception) -> tuple[str, int]:
    if isinstance(error, HTTPException):
        return _http_error(error)
    current_app.logger.exception("unhandled error")
    return _render(500)
