"""Signing in through each agency's OpenID Connect provider, and signing out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from agencies import users
from agencies.agencies import list_sign_in_providers
from agencies.models import IdentityProvider, User, UserStatus
from portal import audit, oidc, rate_limit, sign_in_sessions
from portal.db import get_db, utcnow
from portal.security import allow_form_action

blueprint = Blueprint("signin", __name__)
login_manager = LoginManager()

# Endpoints anyone may reach; every other route needs a signed-in, approved user.
PUBLIC_ENDPOINTS = frozenset(
    {
        "signin.choose",
        "signin.start",
        "signin.callback",
        "signin.pending",
        "signin.signed_out",
        "views.health",
        "assets",
        "static",
    }
)

_TIMED_OUT = {
    "idle_timeout": ("SESSION_IDLE_TIMEOUT", "you had not done anything for"),
    "lifetime_reached": ("SESSION_LIFETIME", "you had been signed in for"),
}


def _timed_out_message(reason: str) -> str | None:
    """Why a session ended, with the limit this portal is configured with."""
    if reason not in _TIMED_OUT:
        return None
    setting, why = _TIMED_OUT[reason]
    minutes = int(current_app.config[setting].total_seconds() // 60)
    span = (
        f"{minutes // 60} hours" if minutes % 60 == 0 and minutes >= 120 else f"{minutes} minutes"
    )
    return f"You were signed out because {why} {span}."


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = None  # sign_in_sessions does this job server-side
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorised)
    app.before_request(_require_sign_in)
    app.register_blueprint(blueprint)


def _load_user(user_id: str) -> User | None:
    db = get_db()
    session_id = session.get("sign_in_session")
    if not session_id:
        return None
    ended = sign_in_sessions.check(
        db,
        session_id,
        int(user_id),
        current_app.config["SESSION_IDLE_TIMEOUT"],
        current_app.config["SESSION_LIFETIME"],
    )
    if ended:
        if ended in _TIMED_OUT:
            audit.record(db, int(user_id), "signin.session_expired", "user", user_id, reason=ended)
        db.commit()
        session.clear()
        g.session_ended = ended
        return None
    db.commit()
    user = db.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def _require_sign_in() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return _unauthorised()
    return None


def _unauthorised() -> Response:
    message = _timed_out_message(g.get("session_ended", ""))
    if message:
        flash(message, "important")
    return redirect(url_for("signin.choose", next=request.full_path.rstrip("?")))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never let `next` send someone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("panels.dashboard")


def _client(provider: IdentityProvider) -> oidc.Client:
    secret = current_app.config["OIDC_CLIENT_SECRETS"].get(
        provider.secret_variable.removeprefix("OIDC_CLIENT_SECRET_")
    )
    return oidc.Client(
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=secret,
        redirect_uri=url_for("signin.callback", slug=provider.slug, _external=True),
    )


def _usable_provider(slug: str) -> IdentityProvider | None:
    provider = get_db().scalar(select(IdentityProvider).where(IdentityProvider.slug == slug))
    if provider is None or not provider.enabled or not provider.agency.active:
        return None
    if provider.is_demo and not current_app.config["DEMO_PROVIDERS_ALLOWED"]:
        return None
    return provider


@blueprint.get("/sign-in")
def choose() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("panels.dashboard"))
    providers = list_sign_in_providers(get_db(), current_app.config["DEMO_PROVIDERS_ALLOWED"])
    session["next"] = _safe_next(request.args.get("next"))
    return render_template("signin/choose.html", providers=providers)


@blueprint.get("/sign-in/<slug>")
def start(slug: str) -> Any:
    provider = _usable_provider(slug)
    if provider is None:
        return render_template("signin/unknown_agency.html"), 404
    db = get_db()
    try:
        url, state = oidc.begin(db, _client(provider), provider.id)
    except oidc.SignInError as error:
        db.rollback()
        return render_template("signin/failed.html", message=error.message), 502
    db.commit()
    session["sign_in_state"] = state
    return redirect(url)


@blueprint.get("/sign-in/<slug>/callback")
def callback(slug: str) -> Any:
    db = get_db()
    limit = current_app.config["SIGN_IN_RATE_LIMIT"]
    if not rate_limit.allow(db, f"sign-in-callback:{request.remote_addr}", limit, 60):
        return render_template("signin/too_many.html"), 429

    provider = _usable_provider(slug)
    if provider is None:
        _refuse(db, slug, "unknown_agency")
        return render_template("signin/unknown_agency.html"), 403
    try:
        params = request.args.to_dict()
        attempt = oidc.take_attempt(db, params, session.pop("sign_in_state", None))
        db.commit()  # each attempt is used once, whatever happens next
        if attempt.provider_id != provider.id:
            raise oidc.SignInError("provider_mismatch", "Your sign-in could not be completed.")
        claims, id_token = oidc.complete(_client(provider), attempt, params)
    except oidc.SignInError as error:
        db.rollback()
        _refuse(db, slug, error.reason)
        return render_template("signin/failed.html", message=error.message), 400

    user = users.account_for_sign_in(db, provider, claims)
    if user.status is not UserStatus.APPROVED:
        audit.record(db, user.id, "signin.refused", "user", user.id, reason=user.status.value)
        db.commit()
        session.clear()
        session["pending_agency"] = provider.agency.name
        session["pending_status"] = user.status.value
        return redirect(url_for("signin.pending"))

    next_url = session.get("next")
    # A new session id at every sign-in: nothing from before survives it.
    session.clear()
    sign_in_session = sign_in_sessions.start(db, user.id, id_token)
    user.last_signed_in_at = utcnow()
    audit.record(db, user.id, "signin.succeeded", "user", user.id, issuer=provider.issuer)
    db.commit()
    session["sign_in_session"] = sign_in_session.id
    session.permanent = True
    login_user(user)
    return redirect(_safe_next(next_url))


def _refuse(db: Any, slug: str, reason: str) -> None:
    audit.record(db, None, "signin.failed", "identity_provider", slug, reason=reason)
    db.commit()


@blueprint.get("/sign-in/pending")
def pending() -> Any:
    return render_template(
        "signin/pending.html",
        agency=session.get("pending_agency"),
        suspended=session.get("pending_status") == UserStatus.SUSPENDED.value,
    )


@blueprint.route("/sign-out", methods=["GET", "POST"])
@login_required
def sign_out() -> Any:
    user: User = current_user  # type: ignore[assignment]
    db = get_db()
    sign_in_session = db.get(sign_in_sessions.SignInSession, session.get("sign_in_session", ""))
    provider = user.agency.provider
    logout_at = None
    if provider is not None:
        logout_at = oidc.logout_url(
            provider.issuer,
            url_for("signin.signed_out", _external=True),
            provider.client_id,
            sign_in_session.id_token if sign_in_session else None,
        )
    if request.method == "GET":
        if logout_at:
            allow_form_action(_origin(logout_at))
        return render_template("signin/sign_out.html")

    if sign_in_session is not None:
        sign_in_sessions.end(sign_in_session, "signed_out")
    audit.record(db, user.id, "signout", "user", user.id)
    db.commit()
    logout_user()
    session.clear()
    return redirect(logout_at or url_for("signin.signed_out"))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@blueprint.get("/signed-out")
def signed_out() -> Any:
    return render_template("signin/signed_out.html")
