"""Security administrator: the logins; creating one, or one for every cadre of a unit
subtree; unlocking, disabling, resetting and changing roles; password expiry."""

from __future__ import annotations

import base64

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from portal import accounts, db, provisioning, settings, ui
from portal.access import current_actor
from portal.enums import Role
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _
from portal.pages import todo_panel
from portal.tabular import to_bytes


def _status(user, waiting) -> str:
    if not user.active:
        return _("Disabled")
    if user.username in waiting:
        return _("Waiting until %(at)s", at=ui.fmt_datetime(waiting[user.username]))
    if user.must_change_password:
        return _("Must change password")
    return _("Active")


def _rows(session, actor):
    waiting = accounts.waiting_sources(session, actor)
    return [
        {"username": u.username, "name": u.display_name, "role": Role(u.role).label,
         "unit": u.unit.name,
         "cadre": u.cadre.code if u.cadre else "", "status": _status(u, waiting),
         "second_factor": _("Yes") if u.totp_secret else "",
         "last_login": ui.fmt_datetime(u.last_login_at)}
        for u in accounts.list_users(session, actor)
    ]


def _form():
    def labelled(label, widget):
        return dbc.Col([dbc.Label(label, html_for=widget.id, class_name="visually-hidden"), widget],
                       md=2)

    return dbc.Row([
        labelled(_("Username"), dbc.Input(id="user-new-name", placeholder=_("Username"))),
        labelled(_("Role"),
                 dbc.Select(id="user-new-role", options=Role.options(), value=Role.REVIEWER.value)),
        labelled(_("Unit code (scope)"),
                 dbc.Input(id="user-new-unit", placeholder=_("Unit code (scope)"))),
        labelled(_("Cadre code (cadre logins)"),
                 dbc.Input(id="user-new-cadre", placeholder=_("Cadre code (cadre logins)"))),
        labelled(_("Initial password"), dbc.Input(id="user-new-password", type="password",
                                                  placeholder=_("Initial password"))),
        dbc.Col(dbc.Button(_("Create login"), id="user-create", color="primary"), md=2),
    ], class_name="g-2")


def _actions():
    buttons = [("user-unlock", _("Unlock")), ("user-disable", _("Disable")),
               ("user-enable", _("Enable")),
               ("user-reset", _("Reset password")), ("user-totp-reset", _("Reset second factor"))]
    return html.Div([
        html.Div(_("Select a login in the table, then:"), className="form-text mb-1"),
        html.Div([dbc.Button(label, id=id_, color="secondary", outline=True, size="sm")
                  for id_, label in buttons], className="d-flex flex-wrap gap-2 mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label(_("Role"), html_for="user-set-role", class_name="visually-hidden"),
                     dbc.Select(id="user-set-role", options=Role.options(),
                                value=Role.REVIEWER.value)], md=3),
            dbc.Col(dbc.Input(id="user-set-unit", placeholder=_("Unit code (scope)")), md=3),
            dbc.Col(dbc.Input(id="user-set-cadre", placeholder=_("Cadre code (cadre logins)")),
                    md=3),
            dbc.Col(dbc.Button(_("Change role"), id="user-change-role", color="secondary",
                               outline=True,
                               size="sm"), md=3),
        ], class_name="g-2"),
        html.Div(id="user-action-result"),
    ])


def _bulk(session, actor):
    return html.Div([
        html.P(_("Creates a login for every serving cadre of the unit and the units below it who "
                 "has none. "
                 "The one-time passwords are shown once, here, to you only; each must be changed "
                 "at the "
                 "first login."), className="form-text"),
        dbc.Row([
            dbc.Col(ui.dropdown("bulk-unit", ui.unit_options(session, actor),
                                placeholder=_("Unit")), md=6),
            dbc.Col(dbc.Button(_("Create cadre logins"), id="bulk-create", color="primary"), md=3),
        ], class_name="g-2"),
        dcc.Download(id="bulk-download"),
        html.Div(id="bulk-result", className="password-sheet"),
    ])


def _expiry(session):
    days = settings.get(session, accounts.PASSWORD_MAX_AGE_KEY, accounts.PASSWORD_MAX_AGE)
    return dbc.Row([
        dbc.Col(dbc.Label(_("Password expiry in days (0: never)"), html_for="pw-max-age"), md=4),
        dbc.Col(dbc.Input(id="pw-max-age", type="number", min=0, max=3650, value=days), md=2),
        dbc.Col(dbc.Button(_("Save"), id="pw-max-age-save", color="secondary", outline=True,
                           size="sm"), md=2),
        dbc.Col(html.Div(id="pw-max-age-result"), md=4),
    ], class_name="g-2 align-items-center")


def layout(**_query):
    actor = current_actor()
    session = db.session()
    columns = [
        {"field": "username", "headerName": _("Username")},
        {"field": "name", "headerName": _("Name")},
        {"field": "role", "headerName": _("Role")},
        {"field": "unit", "headerName": _("Scope")},
        {"field": "cadre", "headerName": _("Cadre"), "maxWidth": 120},
        {"field": "status", "headerName": _("Status")},
        {"field": "second_factor", "headerName": _("Second factor"), "maxWidth": 120},
        {"field": "last_login", "headerName": _("Last login")},
    ]
    return html.Div([
        ui.page_header(_("Users"), _("Each login has one role and sees one unit subtree.")),
        todo_panel.panel(),
        ui.section(_("New login"), [_form(), html.Div(id="user-create-result"),
                                    html.Div(_("Passwords need at least 10 characters and three "
                                               "of: lower-case, upper-case, digits, symbols; not "
                                               "a common password or the username. The new user "
                                               "changes it at the first login."),
                                             className="form-text")]),
        ui.section(_("Logins"), [ui.grid("users-grid", _rows(session, actor), columns, height=420,
                                         selectable=True), _actions()]),
        ui.section(_("Logins for the cadres of a unit"), _bulk(session, actor)),
        ui.section(_("Password expiry"), _expiry(session)),
    ])


@callback(Output("users-grid", "rowData"), Input("user-create-result", "children"),
          Input("user-action-result", "children"), Input("bulk-result", "children"),
          prevent_initial_call=True)
def refresh_logins(*_results):
    """Every write below shows its result; the table then shows the logins as they are now."""
    return _rows(db.session(), current_actor())


@callback(Output("user-create-result", "children"), Input("user-create", "n_clicks"),
          State("user-new-name", "value"), State("user-new-role", "value"),
          State("user-new-unit", "value"),
          State("user-new-cadre", "value"), State("user-new-password", "value"),
          prevent_initial_call=True)
def create_login(_n, username, role, unit_code, cadre_code, password):
    def change(session, actor):
        user = accounts.create_user(session, actor, username=username or "",
                                    password=password or "",
                                    role=_role(role), unit_code=unit_code or None,
                                    cadre_code=cadre_code or None)
        return _("Login %(name)s created.", name=user.username)

    return ui.write(True, change, then=lambda message: ui.alert(message, "success"))


def _role(value) -> Role:
    if value not in {r.value for r in Role}:
        raise Invalid(_("Choose a role."), field="role")
    return Role(value)


ACTIONS = {
    "user-unlock": (accounts.unlock_user, N_("Login %(name)s unlocked.")),
    "user-disable": (accounts.disable_user, N_("Login %(name)s disabled; its sessions ended.")),
    "user-enable": (accounts.enable_user, N_("Login %(name)s enabled.")),
    "user-totp-reset": (accounts.reset_second_factor,
                        N_("The second factor of %(name)s was removed; they enrol again at the "
                           "next login.")),
}


@callback(Output("user-action-result", "children"),
          Input("user-unlock", "n_clicks"), Input("user-disable", "n_clicks"),
          Input("user-enable", "n_clicks"),
          Input("user-reset", "n_clicks"), Input("user-totp-reset", "n_clicks"),
          Input("user-change-role", "n_clicks"),
          State("users-grid", "selectedRows"), State("user-set-role", "value"),
          State("user-set-unit", "value"),
          State("user-set-cadre", "value"), prevent_initial_call=True)
def act_on_login(*args):
    selected, role, unit_code, cadre_code = args[-4:]
    actor = current_actor()
    actor.require("users.manage")
    username = (selected or [{}])[0].get("username") if isinstance(selected, list) else None
    if not username:
        return ui.alert(_("Select a login in the table first."), "warning")
    action = ctx.triggered_id
    try:
        with db.unit_of_work() as session:
            if action == "user-reset":
                password = accounts.reset_password(session, actor, username)
                message = ui.alert(_("New one-time password for %(name)s: %(password)s — hand it "
                                     "over in "
                                     "person; it must be changed at the next login.", name=username,
                                     password=password), "success")
            elif action == "user-change-role":
                accounts.set_role(session, actor, username, _role(role), unit_code or None,
                                  cadre_code or None)
                message = ui.alert(_("Login %(name)s is now %(role)s.", name=username,
                                     role=_role(role).label),
                                   "success")
            elif action in ACTIONS:
                run, text = ACTIONS[action]
                run(session, actor, username)
                message = ui.alert(_(text, name=username), "success")
            else:
                return no_update
    except PortalError as error:
        return ui.alert(error.message)
    return message


@callback(Output("bulk-result", "children"), Output("bulk-download", "data"),
          Input("bulk-create", "n_clicks"), State("bulk-unit", "value"), prevent_initial_call=True)
def create_cadre_logins(_n, unit_id):
    actor = current_actor()
    if not isinstance(unit_id, int):
        return ui.alert(_("Choose a unit first."), "warning"), no_update
    try:
        with db.unit_of_work() as session:
            issued = provisioning.create_cadre_logins(session, actor, unit_id)
    except PortalError as error:
        return ui.alert(error.message), no_update
    if not issued:
        return ui.alert(_("Every serving cadre of this unit has a login already."),
                        "info"), no_update
    sheet = provisioning.password_sheet(issued)
    download = {"content": base64.b64encode(to_bytes(sheet, "csv", "both")).decode("ascii"),
                "filename": "one-time-passwords.csv", "base64": True, "type": "text/csv"}
    table = dbc.Table([
        html.Thead(html.Tr([html.Th(_("Username")), html.Th(_("Name")), html.Th(_("Unit")),
                            html.Th(_("One-time password"))])),
        html.Tbody([html.Tr([html.Td(i.username), html.Td(i.display_name), html.Td(i.unit),
                             html.Td(html.Code(i.password))]) for i in issued]),
    ], bordered=True, size="sm", className="mt-2")
    note = ui.alert(_("%(n)s logins created. Print this list or keep the downloaded file, hand "
                      "each line to "
                      "its cadre, then destroy it: the passwords are not shown again.",
                      n=len(issued)), "success")
    return [note, table], download


@callback(Output("pw-max-age-result", "children"), Input("pw-max-age-save", "n_clicks"),
          State("pw-max-age", "value"), prevent_initial_call=True)
def save_password_expiry(_n, days):
    actor = current_actor()
    try:
        with db.unit_of_work() as session:
            accounts.set_password_max_age(session, actor, days if isinstance(days, int) else -1)
    except PortalError as error:
        return ui.alert(error.message)
    return ui.alert(_("Saved."), "success")


ui.register(__name__, path="/admin/users", title=N_("Users"), layout=layout,
            permission="users.manage", section="admin", order=85, home_for=("security",))
