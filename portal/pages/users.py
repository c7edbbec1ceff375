"""Administrator: the logins, and creating a new one."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update

from portal import accounts, db, ui
from portal.access import current_actor
from portal.enums import Role
from portal.errors import PortalError
from portal.i18n import N_, _


def _rows(session, actor):
    return [
        {"username": u.username, "name": u.display_name, "role": Role(u.role).label, "unit": u.unit.name,
         "cadre": u.cadre.code if u.cadre else "", "lang": u.lang,
         "last_login": ui.fmt_datetime(u.last_login_at),
         "locked": ui.fmt_datetime(u.locked_until) if u.locked_until else ""}
        for u in accounts.list_users(session, actor)
    ]


def _form():
    def labelled(label, widget):
        return dbc.Col([dbc.Label(label, html_for=widget.id, class_name="visually-hidden"), widget], md=2)

    return dbc.Row([
        labelled(_("Username"), dbc.Input(id="user-new-name", placeholder=_("Username"))),
        labelled(_("Role"), dbc.Select(id="user-new-role", options=Role.options(), value=Role.REVIEWER.value)),
        labelled(_("Unit code (scope)"), dbc.Input(id="user-new-unit", placeholder=_("Unit code (scope)"))),
        labelled(_("Cadre code (cadre logins)"), dbc.Input(id="user-new-cadre", placeholder=_("Cadre code (cadre logins)"))),
        labelled(_("Initial password"), dbc.Input(id="user-new-password", type="password",
                                                  placeholder=_("Initial password"))),
        dbc.Col(dbc.Button(_("Create login"), id="user-create", color="primary"), md=2),
    ], class_name="g-2")


def layout(**_query):
    actor = current_actor()
    columns = [
        {"field": "username", "headerName": _("Username")},
        {"field": "name", "headerName": _("Name")},
        {"field": "role", "headerName": _("Role")},
        {"field": "unit", "headerName": _("Scope")},
        {"field": "cadre", "headerName": _("Cadre"), "maxWidth": 120},
        {"field": "last_login", "headerName": _("Last login")},
        {"field": "locked", "headerName": _("Locked until")},
    ]
    return html.Div([
        ui.page_header(_("Users"), _("Each login has one role and sees one unit subtree.")),
        ui.section(_("New login"), [_form(), html.Div(id="user-create-result"),
                                    html.Div(_("Passwords need at least 10 characters and three of: lower-case, upper-case, digits, symbols."), className="form-text")]),
        ui.section(_("Logins"), ui.grid("users-grid", _rows(db.session(), actor), columns, height=420)),
    ])


@callback(Output("user-create-result", "children"), Output("users-grid", "rowData"),
          Input("user-create", "n_clicks"),
          State("user-new-name", "value"), State("user-new-role", "value"), State("user-new-unit", "value"),
          State("user-new-cadre", "value"), State("user-new-password", "value"),
          prevent_initial_call=True)
def create_login(_n, username, role, unit_code, cadre_code, password):
    actor = current_actor()
    try:
        with db.unit_of_work() as session:
            user = accounts.create_user(session, actor, username=username or "", password=password or "",
                                        role=Role(role), unit_code=unit_code or None,
                                        cadre_code=cadre_code or None)
            message = _("Login %(name)s created.", name=user.username)
    except PortalError as error:
        return ui.alert(error.message), no_update
    return ui.alert(message, "success"), _rows(db.session(), actor)


ui.register(__name__, path="/admin/users", title=N_("Users"), layout=layout,
            permission="users.manage", section="admin", order=85)
