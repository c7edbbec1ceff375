"""Every user: change the password; set up (or renew) the second factor."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, html
from flask import current_app
from flask import session as cookie

from portal import accounts, db, totp, ui
from portal.access import SECOND_FACTOR_ROLES, current_actor
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _
from portal.models import User

ENROLMENT = "account_totp_secret"  # the secret being set up, in the signed session cookie


def _policy() -> accounts.LockoutPolicy:
    config = current_app.extensions["portal.config"]
    return accounts.LockoutPolicy(config.lockout_attempts, config.lockout_first_minutes,
                                  config.lockout_max_minutes)


def _second_factor(user: User):
    if user.totp_secret:
        state = _("Your authenticator app is set up; %(n)s recovery codes are left.",
                  n=len(user.recovery_codes or []))
        label = _("Replace the authenticator and the recovery codes")
    elif user.role in SECOND_FACTOR_ROLES:
        state = _("Your role needs a second factor; you will set it up at the next login.")
        label = _("Set up an authenticator app")
    else:
        state = _("Optional for your role: an authenticator app makes a stolen password useless.")
        label = _("Set up an authenticator app")
    return html.Div([
        html.P(state, className="form-text"),
        dbc.Button(label, id="totp-start", color="secondary", outline=True),
        html.Div(id="totp-setup"),
        dbc.Row([
            dbc.Col(dbc.Input(id="totp-code", inputmode="numeric", placeholder=_("Six-digit code"),
                              autocomplete="one-time-code"), md=4),
            dbc.Col(dbc.Button(_("Confirm"), id="totp-confirm", color="primary"), md=3),
        ], class_name="g-2 mt-2"),
    ])


def layout(**_query):
    actor = current_actor()
    user = db.session().get(User, actor.user_id)
    return html.Div([
        ui.page_header(_("My account"),
                       f"{actor.display_name} · {actor.role.label} · {actor.unit_name}"),
        ui.section(_("Change password"), dbc.Row([
            dbc.Col([
                dbc.Label(_("Current password"), html_for="pw-current"),
                dbc.Input(id="pw-current", type="password", autocomplete="current-password"),
                dbc.Label(_("New password"), html_for="pw-new", class_name="mt-2"),
                dbc.Input(id="pw-new", type="password", autocomplete="new-password"),
                html.Div(_("At least 10 characters and three of: lower-case, upper-case, digits, "
                           "symbols; not a common password, not your username, not one of your "
                           "last passwords. You will be asked to log in again."),
                         className="form-text"),
                dbc.Button(_("Change password"), id="pw-save", color="primary", class_name="mt-2"),
                html.Div(id="pw-result"),
            ], md=5),
        ])),
        ui.section(_("Second factor"), _second_factor(user)),
    ])


@callback(Output("pw-result", "children"), Input("pw-save", "n_clicks"),
          State("pw-current", "value"), State("pw-new", "value"), prevent_initial_call=True)
def change_password(_n, current, new):
    return ui.write(True, lambda session,
                    actor: accounts.change_password(session, actor, current or "", new or ""),
                    then=lambda _done: ui.alert(_("Password changed. Please log in again with the "
                                                  "new password."),
                                                "success", [html.A(_("Log in"), href="/login")]))


def _enrolment(actor, secret: str, problem: str | None = None):
    return html.Div(
        [
            ui.alert(problem) if problem else None,
            html.P(
                _(
                    "Scan this QR code with an authenticator app, then enter the six digits it "
                    "shows."
                ),
                className="mt-2",
            ),
            html.Img(
                src=totp.qr_data_uri(totp.provisioning_uri(secret, actor.username)),
                width=200,
                height=200,
                alt=_("QR code for the authenticator app"),
            ),
            html.P(
                [
                    _("Or type this key into the app:"),
                    " ",
                    html.Code(secret, className="enrol-secret"),
                ],
                className="small text-muted",
            ),
        ]
    )


@callback(Output("totp-setup", "children"), Input("totp-start", "n_clicks"),
          Input("totp-confirm", "n_clicks"),
          State("totp-code", "value"), prevent_initial_call=True)
def set_up_second_factor(_start, _confirm, code):
    """Start: a new secret and its QR code. Confirm: keep it once a code from the app matches."""
    actor = current_actor()
    if ctx.triggered_id == "totp-start":
        cookie[ENROLMENT] = totp.new_secret()
        return _enrolment(actor, cookie[ENROLMENT])
    secret = cookie.get(ENROLMENT)
    try:
        if not secret:
            raise Invalid(_("Press the set-up button first."), field="code")
        with db.unit_of_work() as session:
            user = session.get(User, actor.user_id)
            codes = accounts.enrol_second_factor(session, user, secret, str(code or ""),
                                                 actor.client_addr,
                                                 _policy())
    except PortalError as error:
        return _enrolment(actor, secret, error.message) if secret else ui.alert(error.message)
    cookie.pop(ENROLMENT, None)
    return [ui.alert(_("Your authenticator app is set up. Keep these recovery codes somewhere "
                       "safe: each one "
                       "logs you in once if you lose the phone. They are shown only now."),
                     "success"),
            html.Ol([html.Li(c) for c in codes], className="recovery-codes font-monospace")]


ui.register(__name__, path="/account", title=N_("My account"), layout=layout, permission=None,
            order=99)
