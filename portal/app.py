"""The application factory: one Flask server, one Dash app, one database, one access model.

``create_app(config)`` returns the Dash app (its Flask server is ``app.server``);
``create_server()`` is what gunicorn runs: ``gunicorn 'portal.app:create_server()'``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from importlib import import_module

from dash import Dash, _callback
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import auth, db
from portal.config import PROJECT_ROOT, Config
from portal.i18n import _
from portal.plugins import domain_modules, load_all_models
from portal.theme import register_template

_CALLBACKS: tuple[dict, list] | None = None


def _register_pages() -> tuple[dict, list]:
    """Import every package's pages once per process and remember their callbacks.

    Dash moves ``@callback`` registrations into the first app that starts; keeping a
    copy lets every app built in this process (tests build several) get all of them.
    """
    global _CALLBACKS
    if _CALLBACKS is None:
        import_module("portal.shell")
        import_module("portal.pages")
        domain_modules("pages")
        _CALLBACKS = (dict(_callback.GLOBAL_CALLBACK_MAP), list(_callback.GLOBAL_CALLBACK_LIST))
    return _CALLBACKS


class PortalDash(Dash):
    """Dash with the document's language and text size on ``<html>`` (WCAG 3.1.1), per request."""

    def interpolate_index(self, **kwargs):
        from portal import shell

        page = super().interpolate_index(**kwargs)
        return page.replace("<html>", f"<html {shell.html_attributes()}>", 1)


def _flask_server(config: Config) -> Flask:
    server = Flask("portal", root_path=str(PROJECT_ROOT / "portal"))
    server.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME="portal_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=config.idle_timeout_minutes),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=config.secure_cookies,
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        TESTING=config.testing,
    )
    proxies = int(os.environ.get("PORTAL_PROXIES", "0"))
    if proxies:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=proxies, x_proto=proxies)
    engine = db.make_engine(config.database_url)
    server.extensions["portal.config"] = config
    server.extensions["portal.engine"] = engine
    server.extensions["portal.sessions"] = db.session_factory(engine)
    server.teardown_appcontext(db.close_request_session)
    auth.init_app(server, config)

    @server.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return server


def create_app(config: Config | None = None) -> Dash:
    config = config or Config.from_env()
    load_all_models()
    register_template()
    server = _flask_server(config)
    app = PortalDash(
        "portal",
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(PROJECT_ROOT / "assets"),
        title=_("Governance Portal"),
        update_title=None,
        suppress_callback_exceptions=True,
        serve_locally=True,
        health_endpoint="healthz",
        enable_mcp=False,
        compress=False,
    )
    callback_map, callback_list = _register_pages()
    from portal import shell

    app.layout = shell.layout
    _callback.GLOBAL_CALLBACK_MAP.update(callback_map)
    _callback.GLOBAL_CALLBACK_LIST.extend(callback_list)
    with server.test_request_context("/"):
        app._setup_server()  # take the callbacks now, before another app can
    return app


def create_server() -> Flask:
    return create_app().server


if __name__ == "__main__":  # pragma: no cover
    create_app().run(debug=False)
