"""Every user: change the password."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html

from portal import accounts, ui
from portal.access import current_actor
from portal.i18n import N_, _


def layout(**_query):
    actor = current_actor()
    return html.Div([
        ui.page_header(_("My account"), f"{actor.display_name} · {actor.role.label} · {actor.unit_name}"),
        ui.section(_("Change password"), dbc.Row([
            dbc.Col([
                dbc.Label(_("Current password"), html_for="pw-current"),
                dbc.Input(id="pw-current", type="password", autocomplete="current-password"),
                dbc.Label(_("New password"), html_for="pw-new", class_name="mt-2"),
                dbc.Input(id="pw-new", type="password", autocomplete="new-password"),
                html.Div(_("At least 10 characters and three of: lower-case, upper-case, digits, symbols. You will be asked to log in again."), className="form-text"),
                dbc.Button(_("Change password"), id="pw-save", color="primary", class_name="mt-2"),
                html.Div(id="pw-result"),
            ], md=5),
        ])),
    ])


@callback(Output("pw-result", "children"), Input("pw-save", "n_clicks"),
          State("pw-current", "value"), State("pw-new", "value"), prevent_initial_call=True)
def change_password(_n, current, new):
    return ui.write(True, lambda session, actor: accounts.change_password(session, actor, current or "", new or ""),
                    then=lambda _done: ui.alert(_("Password changed. Please log in again with the new password."),
                                                "success", [html.A(_("Log in"), href="/login")]))


ui.register(__name__, path="/account", title=N_("My account"), layout=layout, permission=None, order=99)
