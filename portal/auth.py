"""Login, logout, language switch and the request guard that keeps data behind the login.

Every request except the login page, static assets and ``/healthz`` needs a logged-in
user: pages redirect to ``/login``, callbacks and other API calls get 401. Sessions end
after ``idle_timeout_minutes`` without a request, or when the user logs out anywhere.

A right password may still owe steps (``accounts.steps_owed``): the second factor,
enrolling one, a new password. Until they are done the browser holds only a *pending*
login (user id and nonce in the signed cookie, five minutes at most): every page leads
to the step's form and Dash's endpoints answer 401.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from portal import accounts, db, totp
from portal.access import Actor, client_addr
from portal.config import Config
from portal.errors import PortalError
from portal.i18n import _, current_lang, set_lang
from portal.models import User

bp = Blueprint("auth", __name__)
# /survey/: the public survey form for a one-time code (contracts.md), assessment.routes
PUBLIC_PREFIXES = ("/login", "/assets/", "/_dash-component-suites/", "/healthz", "/favicon.ico",
                   "/survey/")
CSRF_COOKIE = "_csrf_token"
PENDING = "pending_login"
PENDING_SECONDS = 300
STEP_VIEWS = {accounts.STEP_TOTP: "auth.second_factor", accounts.STEP_ENROL: "auth.enrol",
              accounts.STEP_PASSWORD: "auth.new_password"}


class LoginUser(UserMixin):
    """The flask-login view of a user; the id carries the session nonce so that a logout
    (or a password change) ends every session of that user."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_nonce}"


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired()])
    password = PasswordField(validators=[DataRequired()])


class CodeForm(FlaskForm):
    code = StringField(validators=[DataRequired()])


class NewPasswordForm(FlaskForm):
    new_password = PasswordField(validators=[DataRequired()])
    confirm = PasswordField(validators=[DataRequired()])


def _config() -> Config:
    return current_app.extensions["portal.config"]


def _load_user(user_id: str) -> LoginUser | None:
    ident, _sep, nonce = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session().get(User, int(ident))
    if user is None or not user.active or not nonce or nonce != user.session_nonce:
        return None
    return LoginUser(user)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used to send users elsewhere."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _home() -> str:
    """The logged-in user's role home page (contracts.md: login redirects there)."""
    from portal.access import current_actor
    from portal.shell import home_path

    return home_path(current_actor())


def _wants_page() -> bool:
    return request.method == "GET" and not request.path.startswith("/_dash-")


def _refuse(expired: bool = False):
    if _wants_page():
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?"),
                                expired=1 if expired else None))
    message = _("Your session has expired; please log in again.") if expired else _("Please log "
                                                                                    "in.")
    return jsonify(error=message, login="/login"), 401


def guard():
    """Runs before every request: language, login, idle timeout."""
    lang = session.get("lang") or _config().default_lang
    if current_user.is_authenticated:
        lang = current_user.user.lang or lang
    set_lang(lang)
    if request.path.startswith(PUBLIC_PREFIXES):
        return None
    if not current_user.is_authenticated:
        pending = _pending_user()
        if pending is not None:
            return (_to_step(request.full_path.rstrip("?")) if _wants_page()
                    else (jsonify(error=_("Please finish logging in."), login="/login"), 401))
        return _refuse()
    now = time.time()
    seen = session.get("seen", now)
    if now - seen > _config().idle_timeout_minutes * 60:
        with db.unit_of_work() as s:
            accounts.logout(s, Actor.for_user(current_user.user, client_addr()), "logout.timeout")
        logout_user()
        session.clear()
        return _refuse(expired=True)
    session["seen"] = now
    session.permanent = True
    return None


def set_csrf_cookie(response):
    """Dash sends this cookie back as the X-CSRFToken header on every callback."""
    fresh_page = request.method == "GET" and not request.path.startswith(("/assets/",
                                                                          "/_dash-component-suites/"))
    if current_user.is_authenticated and (fresh_page or CSRF_COOKIE not in request.cookies):
        response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Strict",
                            secure=_config().secure_cookies, httponly=False)
    return response


def _render_login(form, error, status=200):
    return render_template("login.html", form=form, error=error, lang=current_lang(), _=_,
                           demo=_config().demo, policy=_policy()), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.args.get("lang") in ("zh", "en"):
        session["lang"] = request.args["lang"]
        session["lang_chosen"] = True  # applied to the account at login
        set_lang(session["lang"])
    form = LoginForm()
    error = None
    if request.args.get("expired"):
        error = _("Your session has expired; please log in again.")
    if request.method == "POST":
        if not form.validate_on_submit():
            error = (
                _("Please enter your username and password.")
                if not form.csrf_token.errors
                else _("The form has expired; please try again.")
            )
        else:
            error = _attempt_login(form.username.data, form.password.data)
            if error is None:
                return _after_step()
    return _render_login(form, error, 401 if request.method == "POST" else 200)


def _policy() -> accounts.LockoutPolicy:
    config = _config()
    return accounts.LockoutPolicy(config.lockout_attempts, config.lockout_first_minutes,
                                  config.lockout_max_minutes)


def _attempt_login(username: str, password: str) -> str | None:
    s = db.session()
    try:
        user = accounts.authenticate(s, username, password, client_addr(), _policy())
    except accounts.LoginFailed as failure:
        s.commit()  # the failed attempt and the waiting time are kept
        return failure.message
    if session.pop("lang_chosen", False):
        accounts.set_lang(s, Actor.for_user(user, client_addr()), session["lang"])
    steps = accounts.steps_owed(s, user, demo=_config().demo)
    s.commit()
    session.pop("csrf_token", None)  # a fresh CSRF secret for the new session …
    g.pop("csrf_token", None)  # … and not Flask-WTF's per-request copy of the old one
    session[PENDING] = {"user": user.id, "nonce": user.session_nonce, "steps": steps,
                        "until": time.time() + PENDING_SECONDS, "next": request.args.get("next")}
    return None


def _pending_user() -> User | None:
    """The user of a pending login, if it is still fresh and their sessions were not ended."""
    pending = session.get(PENDING)
    if not pending or pending.get("until", 0) < time.time():
        session.pop(PENDING, None)
        return None
    user = db.session().get(User, pending["user"])
    if user is None or not user.active or user.session_nonce != pending["nonce"]:
        session.pop(PENDING, None)
        return None
    return user


def _to_step(wanted: str | None = None):
    """Lead to the step owed now. With none left (the one-time recovery codes were on screen
    and the user opened another page instead of continuing) finish the login there: landing on
    ``wanted``, the page they asked for, as the continue button would have led to the portal."""
    pending = session[PENDING]
    if not pending["steps"]:
        if wanted:
            pending["next"] = wanted
            session[PENDING] = pending
        return _after_step()
    return redirect(url_for(STEP_VIEWS[pending["steps"][0]]))


def _after_step():
    """Lead to the next owed step, or turn the pending login into a session."""
    pending = session[PENDING]
    if pending["steps"]:
        return _to_step()
    s = db.session()
    user = s.get(User, pending["user"])
    accounts.complete_login(s, user, client_addr())
    s.commit()
    session.pop(PENDING, None)
    login_user(LoginUser(user))
    session["seen"] = time.time()
    session["lang"] = user.lang
    session.permanent = True
    wanted = pending.get("next")
    return redirect(_safe_next(wanted) if wanted else _home())


def _step_done(step: str, user: User) -> None:
    pending = session[PENDING]
    pending["steps"] = [s for s in pending["steps"] if s != step]
    pending["nonce"] = user.session_nonce  # a new password rotates it
    session[PENDING] = pending


def _current_step(step: str):
    """The pending user when ``step`` is the one owed now; otherwise a redirect."""
    user = _pending_user()
    if user is None:
        return None, redirect(url_for("auth.login"))
    steps = session[PENDING]["steps"]
    if not steps or steps[0] != step:
        return None, _after_step()
    return user, None


def _render_step(template: str, form, error: str | None, status: int = 200, **context):
    return render_template(template, form=form, error=error, lang=current_lang(), _=_,
                           **context), status


@bp.route("/login/second-factor", methods=["GET", "POST"])
def second_factor():
    user, elsewhere = _current_step(accounts.STEP_TOTP)
    if elsewhere is not None:
        return elsewhere
    form = CodeForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        s = db.session()
        try:
            accounts.check_second_factor(s, user, form.code.data, client_addr(), _policy())
        except accounts.LoginFailed as failure:
            s.commit()
            error = failure.message
        else:
            s.commit()
            _step_done(accounts.STEP_TOTP, user)
            return _after_step()
    elif request.method == "POST":
        error = _("Enter the code.")
    return _render_step("login_second_factor.html", form, error, 401 if error else 200)


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol():
    user, elsewhere = _current_step(accounts.STEP_ENROL)
    if elsewhere is not None:
        return elsewhere
    pending = session[PENDING]
    if "secret" not in pending:  # shown until confirmed; kept only in the signed cookie
        pending["secret"] = totp.new_secret()
        session[PENDING] = pending
    secret = pending["secret"]
    form = CodeForm()
    error, codes = None, None
    if request.method == "POST" and form.validate_on_submit():
        s = db.session()
        try:
            codes = accounts.enrol_second_factor(s, user, secret, form.code.data, client_addr(),
                                                 _policy())
        except PortalError as problem:
            s.commit()
            error = problem.message
        else:
            s.commit()
            pending.pop("secret", None)
            session[PENDING] = pending
            _step_done(accounts.STEP_ENROL, user)
    elif request.method == "POST":
        error = _("Enter the code.")
    uri = totp.provisioning_uri(secret, user.username)
    return _render_step("login_enrol.html", form, error, 400 if error else 200, codes=codes,
                        secret=secret, qr=totp.qr_data_uri(uri), required=user.role)


@bp.route("/login/continue", methods=["POST"])
def continue_login():
    """After the recovery codes were shown: the next step, or the portal."""
    if _pending_user() is None:
        return redirect(url_for("auth.login"))
    return _after_step()


@bp.route("/login/new-password", methods=["GET", "POST"])
def new_password():
    user, elsewhere = _current_step(accounts.STEP_PASSWORD)
    if elsewhere is not None:
        return elsewhere
    form = NewPasswordForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        if form.new_password.data != form.confirm.data:
            error = _("The two new passwords differ.")
        else:
            s = db.session()
            try:
                accounts.replace_owed_password(s, user, form.new_password.data, client_addr())
            except PortalError as problem:
                s.rollback()
                error = problem.message
            else:
                s.commit()
                _step_done(accounts.STEP_PASSWORD, user)
                return _after_step()
    elif request.method == "POST":
        error = _("Enter the new password twice.")
    expired = not user.must_change_password
    return _render_step("login_new_password.html", form, error, 400 if error else 200,
                        expired=expired)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        with db.unit_of_work() as s:
            accounts.logout(s, Actor.for_user(current_user.user, client_addr()))
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/lang", methods=["POST"])
def switch_lang():
    lang = request.form.get("lang", "")
    if lang not in ("zh", "en"):
        return jsonify(error=_("Unknown language.")), 400
    session["lang"] = lang
    if current_user.is_authenticated:
        with db.unit_of_work() as s:
            accounts.set_lang(s, Actor.for_user(current_user.user, client_addr()), lang)
    return redirect(_safe_next(request.form.get("next")))


def _portal_error(error: PortalError):
    return jsonify(error=error.message), error.status


def _unexpected_error(error: Exception):
    """A callback that fails answers in plain words (and the failure is logged), never with a
    traceback; forged or malformed inputs are the caller's error (400)."""
    if isinstance(error, HTTPException):
        return error
    if not request.path.startswith("/_dash-update-component"):
        raise error
    current_app.logger.exception("callback failed: %s",
                                 request.get_json(silent=True, cache=True) and
                                 request.get_json(silent=True).get("output"))
    # DataError: a value the database cannot take for its column (PostgreSQL refuses the
    # text "no-such-choice" for an integer id), so the input was not one the page offers.
    if isinstance(error, ValueError | TypeError | LookupError | AttributeError | DataError):
        return jsonify(error=_("The request is not valid for this page; please reload it.")), 400
    return jsonify(
        error=_("Something went wrong and it was recorded; please reload the page.")
    ), 500


def _csrf_error(_error: CSRFError):
    message = _("The form has expired or did not come from this portal; please try again.")
    if request.path == "/login":
        return _render_login(LoginForm(), message, 400)
    return jsonify(error=message), 400


def init_app(server: Flask, config: Config) -> None:
    server.before_request(guard)  # before the CSRF check: anonymous callers get 401, not 400
    CSRFProtect(server)
    manager = LoginManager(server)
    manager.user_loader(_load_user)
    manager.session_protection = "basic"
    limiter = Limiter(get_remote_address, app=server, storage_uri=config.redis_url or "memory://",
                      default_limits=[], strategy="fixed-window")
    server.register_blueprint(bp)
    # Decorated limits are checked by the wrapper, so the wrapper must be the view.
    server.view_functions["auth.login"] = limiter.limit(config.login_rate_limit,
                                                        methods=["POST"])(login)
    server.after_request(set_csrf_cookie)
    server.register_error_handler(PortalError, _portal_error)
    server.register_error_handler(CSRFError, _csrf_error)
    server.register_error_handler(Exception, _unexpected_error)
    server.extensions["portal.limiter"] = limiter

