"""The multi-agency learning panel portal's application factory: the one module that wires every
area (agencies, panels, extracts, the home page) together with the core. Nothing imports it but
the entry points (`flask --app portal.app`, gunicorn, the tests)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, send_from_directory
from flask.cli import FlaskGroup
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from agencies import signin
from agencies.commands import add_administrator, add_agency
from agencies.views import blueprint as agencies_blueprint
from extracts.views import blueprint as extracts_blueprint
from home.views import blueprint as home_blueprint
from insight.views import blueprint as insight_blueprint
from panels.commands import remind_overdue_command
from panels.views import blueprint as panels_blueprint
from portal import config, db, demo, errors, security, templating, views
from portal.cli import core_commands
from portal.config import ConfigError
from portal.pages import BoundedIntegerConverter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(environ: Mapping[str, str] | None = None, **overrides: Any) -> Flask:
    app = Flask(__name__, instance_path=os.path.join(ROOT, "instance"), static_folder=None)
    # Before any route is added: every `<int:...>` id is then one the database could hold.
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.config.update(config.from_environment(environ or os.environ, app.instance_path))
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=app.config["TRUSTED_PROXIES"],
            x_proto=app.config["TRUSTED_PROXIES"],
            x_host=app.config["TRUSTED_PROXIES"],
        )

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(os.path.join(ROOT, "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    _serve_assets(app)
    db.init_app(app)
    signin.init_app(app)  # before CSRF: an anonymous visitor is sent to sign in, whatever they sent
    # A provider's server posts back-channel logouts: it has no form token, and the signed
    # logout token is what proves the request.
    CSRFProtect(app).exempt(signin.back_channel_logout)
    WTFormsHelpers(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    app.register_blueprint(views.blueprint)
    app.register_blueprint(agencies_blueprint)
    app.register_blueprint(panels_blueprint)
    app.register_blueprint(home_blueprint)
    app.register_blueprint(extracts_blueprint)
    app.register_blueprint(insight_blueprint)
    for command in (*core_commands(), add_agency, add_administrator, remind_overdue_command):
        app.cli.add_command(command)
    app.cli.add_command(demo.demo_group)
    return app


def _serve_assets(app: Flask) -> None:
    """GOV.UK Frontend's built files, straight from the npm package installed at set-up."""
    govuk = app.config["GOVUK_FRONTEND_DIR"]
    if not os.path.isfile(os.path.join(govuk, "govuk-frontend.min.css")):
        raise ConfigError(
            f"GOV.UK Frontend is not installed at {govuk}. Run `npm ci` (scripts/setup does)."
        )
    own = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")

    def govuk_assets(filename: str) -> Any:
        return send_from_directory(os.path.join(govuk, "assets"), filename, max_age=86400)

    def static(filename: str) -> Any:
        if filename.startswith("govuk/"):
            return send_from_directory(govuk, filename.removeprefix("govuk/"), max_age=86400)
        return send_from_directory(own, filename, max_age=3600)

    app.add_url_rule("/assets/<path:filename>", "assets", govuk_assets)
    app.add_url_rule("/static/<path:filename>", "static", static)


def main() -> None:
    """The `portal` console script: the same commands as `flask --app portal.app`."""
    FlaskGroup(create_app=create_app)()
