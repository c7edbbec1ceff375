"""The application factory: one Flask server, one Dash app, one database, one access model.

``create_app(config)`` returns the Dash app (its Flask server is ``app.server``);
``create_server()`` is what gunicorn runs: ``gunicorn 'portal.app:create_server()'``.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from importlib import import_module

from dash import Dash, _callback
from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import auth, cache, compress, db, plotly_bundle, ui
from portal.config import PROJECT_ROOT, Config, instance_dir
from portal.i18n import _
from portal.plugins import domain_modules, load_all_models
from portal.theme import register_template

_CALLBACKS: tuple[dict, list, list] | None = None


def _register_pages() -> tuple[dict, list, list]:
    """Import every package's pages once per process and remember their callbacks and the
    inline scripts of their clientside callbacks.

    Dash moves ``@callback`` registrations into the first app that starts; keeping a
    copy lets every app built in this process (tests build several) get all of them.
    """
    global _CALLBACKS
    if _CALLBACKS is None:
        import_module("portal.shell")
        import_module("portal.pages")
        domain_modules("pages")
        _CALLBACKS = (dict(_callback.GLOBAL_CALLBACK_MAP), list(_callback.GLOBAL_CALLBACK_LIST),
                      list(_callback.GLOBAL_INLINE_SCRIPTS))
    return _CALLBACKS


class PortalDash(Dash):
    """Dash with the document's language and text size on ``<html>`` (WCAG 3.1.1), per request."""

    def interpolate_index(self, **kwargs):
        from portal import shell

        page = super().interpolate_index(**kwargs)
        return page.replace("<html>", f"<html {shell.html_attributes()}>", 1)


def content_security_policy(script_hashes: list[str]) -> str:
    """What the browser may load and run: only the portal's own files, and of inline scripts
    only Dash's own (its renderer and the clientside callbacks, by hash). No ``unsafe-eval``
    (neither Dash's renderer nor the Plotly charts we draw need it); styles may be inline
    because Plotly writes its own ``<style>`` elements."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_hashes),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


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
    cache.attach(engine, config.redis_url)
    server.extensions["portal.config"] = config
    server.extensions["portal.engine"] = engine
    server.extensions["portal.sessions"] = db.session_factory(engine)
    server.teardown_appcontext(db.close_request_session)
    _time_requests(server)  # first, so that the login and CSRF checks count too
    auth.init_app(server, config)
    for routes in domain_modules("routes"):  # a package's plain Flask pages (e.g. /survey/)
        routes.init_app(server)
    compress.init_app(server, instance_dir() / "static-cache")
    plotly_bundle.init_app(server)

    @server.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        dash_app = server.extensions.get("portal.dash")
        if dash_app is not None and response.mimetype == "text/html":
            # hashed per page: Dash adds inline scripts of its own at its first request
            response.headers.setdefault("Content-Security-Policy",
                                        content_security_policy(list(dash_app.csp_hashes())))
        if (
            config.hsts_seconds > 0 and request.is_secure
        ):  # over plain HTTP the header means nothing
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={config.hsts_seconds}; includeSubDomains")
        return response

    return server


def _time_requests(server: Flask) -> None:
    """``Server-Timing: app;dur=…`` on every answer: the milliseconds the request spent in this
    process, so a browser's timeline (or a bench) tells server time from waiting in a queue."""

    @server.before_request
    def start_clock():
        g.portal_started = time.perf_counter()

    @server.after_request
    def server_timing(response):
        started = g.get("portal_started")
        if started is not None:
            response.headers.add("Server-Timing",
                                 f"app;dur={(time.perf_counter() - started) * 1000:.1f}")
        return response


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
    callback_map, callback_list, inline_scripts = _register_pages()
    from portal import shell

    app.layout = shell.layout
    _callback.GLOBAL_CALLBACK_MAP.update(callback_map)
    _callback.GLOBAL_CALLBACK_LIST.extend(callback_list)
    _callback.GLOBAL_INLINE_SCRIPTS[:] = inline_scripts
    with server.test_request_context("/"):
        app._setup_server()  # take the callbacks now, before another app can
    app.csp_hashes()  # this app takes the clientside callbacks' scripts now, before another app can
    server.extensions["portal.dash"] = app
    server.before_request(ui.guard_callbacks(app))  # after the login and CSRF checks
    # Background jobs run in each serving process (none in tests: they run them in turn).
    from portal.pages import jobs as job_pages

    job_pages.init_app(server, 0 if config.testing else int(os.environ.get("PORTAL_JOB_THREADS",
                                                                          "2")))
    return app


def create_server() -> Flask:
    return create_app().server


if __name__ == "__main__":  # pragma: no cover
    create_app().run(debug=False)
