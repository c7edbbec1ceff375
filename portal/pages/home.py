"""The generic home page: what this user can do here, for roles without a module home yet."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from portal import shell, ui
from portal.access import current_actor
from portal.i18n import N_, _
from portal.pages import todo_panel


def _cards(actor):
    cards = []
    for page in sorted(dash.page_registry.values(), key=lambda p: p.get("order", 50)):
        nav = page.get("nav") or {}
        if not nav.get("section") or page["path"] == "/":
            continue
        if not ui.page_visible(actor, nav):
            continue
        cards.append(dbc.Col(dbc.Card(dbc.CardBody([
            html.H3(shell.nav_label(page), className="h6"),
            dbc.Button(_("Open"), href=page["path"], color="link", class_name="p-0"),
        ]), class_name="h-100"), md=3, class_name="mb-3"))
    return cards


def layout(**_query):
    actor = current_actor()
    cards = _cards(actor)
    body = dbc.Row(cards) if cards else ui.empty_state(
        _("Nothing is set up for your role yet."),
        _("Ask the administrator to give your account a unit and a role."),
    )
    return html.Div([
        ui.page_header(_("Welcome, %(name)s", name=actor.display_name),
                       _("%(role)s · %(unit)s", role=actor.role.label, unit=actor.unit_name)),
        todo_panel.panel(),
        body,
    ])


ui.register(__name__, path="/", title=N_("Home"), layout=layout, permission=None, order=0)
