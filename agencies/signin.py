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
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from agencies import users
from agencies.agencies import list_sign_in_providers
from agencies.models import IdentityProvider, User, UserStatus
from portal import audit, client_keys, clock, oidc, provider_metadata, rate_limit, sign_in_sessions
from portal.db import get_db
from portal.security import allow_form_action
from portal.sign_in_sessions import SignInSession
from portal.urls import external_url

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
        "signin.back_channel_logout",
        "signin.jwks",
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
    provider_metadata.init_app(app)
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
    return url_for("home.dashboard")


def _client(provider: IdentityProvider) -> oidc.Client:
    secret = current_app.config["OIDC_CLIENT_SECRETS"].get(
        provider.secret_variable.removeprefix("OIDC_CLIENT_SECRET_")
    )
    signing_keys = current_app.config["OIDC_SIGNING_KEYS"]
    return oidc.Client(
        issuer=provider.issuer,
        client_id=provider.client_id,
        redirect_uri=external_url("signin.callback", slug=provider.slug),
        auth_method=provider.token_endpoint_auth_method,
        client_secret=secret,
        signing_key=signing_keys[0] if signing_keys else None,
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
        return redirect(url_for("home.dashboard"))
    providers = list_sign_in_providers(get_db(), current_app.config["DEMO_PROVIDERS_ALLOWED"])
    session["next"] = _safe_next(request.args.get("next"))
    return render_template("signin/choose.html", providers=providers)


@blueprint.get("/sign-in/<slug>")
def start(slug: str) -> Any:
    db = get_db()
    limit = current_app.config["SIGN_IN_START_RATE_LIMIT"]
    if not rate_limit.allow(db, f"sign-in-start:{request.remote_addr}", limit, 60):
        return render_template("signin/too_many.html"), 429
    provider = _usable_provider(slug)
    if provider is None:
        return render_template("signin/unknown_agency.html"), 404
    try:
        url, state = oidc.begin(db, provider_metadata.current(), _client(provider), provider.id)
    except oidc.SignInError as error:
        db.rollback()
        return _failed(db, slug, error)
    db.commit()
    session["sign_in_state"] = state
    return redirect(url)


@blueprint.get("/sign-in/<slug>/callback")
def callback(slug: str) -> Any:
    db = get_db()
    params = request.args.to_dict()
    try:
        attempt = oidc.take_attempt(db, params, session.pop("sign_in_state", None))
    except oidc.SignInError as error:
        # Not a sign-in this browser started: junk, a replay or a forgery. Only these meet the
        # limit, so a flood of them cannot hold up a genuine sign-in from the same address.
        db.rollback()
        if _too_many_failures(db):
            return render_template("signin/too_many.html"), 429
        return _failed(db, slug, error)
    db.commit()  # each attempt is used once, whatever happens next

    provider = _usable_provider(slug)
    if provider is None:
        _refuse(db, slug, "unknown_agency")
        return render_template("signin/unknown_agency.html"), 403
    try:
        if attempt.provider_id != provider.id:
            raise oidc.SignInError("provider_mismatch", "Your sign-in could not be completed.")
        client = _client(provider)
        oidc.check_response(provider_metadata.current(), client, params)
        claims, id_token = oidc.complete(
            provider_metadata.current(), client, attempt, params["code"]
        )
    except oidc.SignInError as error:
        db.rollback()
        return _failed(db, slug, error)

    user = users.account_for_sign_in(db, provider, claims)
    if user.status is not UserStatus.APPROVED:
        pending = user.status is UserStatus.PENDING
        leads = users.ask_for_approval(db, user) if pending else []
        audit.record(db, user.id, "signin.refused", "user", user.id, reason=user.status.value)
        db.commit()
        session.clear()
        session["pending_agency"] = provider.agency.name
        session["pending_status"] = user.status.value
        session["pending_leads"] = [lead.name for lead in leads]
        return redirect(url_for("signin.pending"))

    next_url = session.get("next")
    # A new session id at every sign-in: nothing from before survives it.
    session.clear()
    sign_in_session = sign_in_sessions.start(db, user.id, id_token, claims.get("sid"))
    user.last_signed_in_at = clock.now()
    audit.record(db, user.id, "signin.succeeded", "user", user.id, issuer=provider.issuer)
    db.commit()
    session["sign_in_session"] = sign_in_session.id
    session.permanent = True
    login_user(user)
    return redirect(_safe_next(next_url))


def _failures_key() -> str:
    return f"sign-in-failures:{request.remote_addr}"


def _too_many_failures(db: Session) -> bool:
    return rate_limit.exceeded(db, _failures_key(), current_app.config["SIGN_IN_RATE_LIMIT"], 60)


def _failed(db: Session, slug: str, error: oidc.SignInError) -> tuple[str, int]:
    rate_limit.hit(db, _failures_key(), 60)
    _refuse(db, slug, error.reason)
    status = 502 if error.provider_down else 400
    return render_template("signin/failed.html", message=error.message), status


def _refuse(db: Session, slug: str, reason: str) -> None:
    audit.record(db, None, "signin.failed", "identity_provider", slug, reason=reason)
    db.commit()


@blueprint.post("/sign-in/<slug>/back-channel-logout")
def back_channel_logout(slug: str) -> Any:
    """A provider tells us a person has signed out there (OpenID Connect Back-Channel Logout
    1.0): every portal session it names ends at once."""
    db = get_db()
    if _too_many_failures(db):
        return _no_store(jsonify(error="temporarily_unavailable"), 429)
    provider = _usable_provider(slug)
    try:
        if provider is None:
            raise oidc.SignInError("unknown_agency", "")
        token = request.form.get("logout_token")
        if not token:
            raise oidc.SignInError("no_logout_token", "")
        claims = oidc.verify_logout_token(provider_metadata.current(), _client(provider), token)
        oidc.record_logout_token(db, provider.issuer, str(claims["jti"]))
    except oidc.SignInError as error:
        db.rollback()
        rate_limit.hit(db, _failures_key(), 60)
        audit.record(
            db,
            None,
            "signin.back_channel_logout_refused",
            "identity_provider",
            slug,
            reason=error.reason,
        )
        db.commit()
        return _no_store(jsonify(error="invalid_request"), 400)

    ended = _end_sessions_named_by(db, provider, claims.get("sub"), claims.get("sid"))
    for user_id in sorted({sign_in_session.user_id for sign_in_session in ended}):
        audit.record(
            db, None, "signin.back_channel_logout", "user", user_id, issuer=provider.issuer
        )
    db.commit()
    return _no_store(current_app.response_class(status=200), 200)


def _end_sessions_named_by(
    db: Session, provider: IdentityProvider, subject: str | None, sid: str | None
) -> list[SignInSession]:
    query = (
        select(SignInSession)
        .join(User, User.id == SignInSession.user_id)
        .where(User.issuer == provider.issuer, SignInSession.ended_at.is_(None))
    )
    if subject:
        query = query.where(User.subject == subject)
    if sid:
        query = query.where(SignInSession.provider_sid == sid)
    ended = list(db.scalars(query))
    for sign_in_session in ended:
        sign_in_sessions.end(sign_in_session, "signed_out_at_provider")
    return ended


def _no_store(response: Response, status: int) -> Response:
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/.well-known/jwks.json")
def jwks() -> Any:
    """The portal's public keys, for providers that check its signed client assertions."""
    response = jsonify(client_keys.public_key_set(current_app.config["OIDC_SIGNING_KEYS"]))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@blueprint.get("/sign-in/pending")
def pending() -> Any:
    return render_template(
        "signin/pending.html",
        agency=session.get("pending_agency"),
        suspended=session.get("pending_status") == UserStatus.SUSPENDED.value,
        leads=session.get("pending_leads"),
    )


@blueprint.route("/sign-out", methods=["GET", "POST"])
@login_required
def sign_out() -> Any:
    user: User = current_user  # type: ignore[assignment]
    db = get_db()
    sign_in_session = db.get(SignInSession, session.get("sign_in_session", ""))
    provider = user.agency.provider
    logout_at = None
    if provider is not None:
        logout_at = oidc.logout_url(
            provider_metadata.current(),
            provider.issuer,
            external_url("signin.signed_out"),
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
