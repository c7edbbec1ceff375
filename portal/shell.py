"""The app shell: header with product name, user, role, unit, language switch and logout,
navigation by role, and the page container."""

from __future__ import annotations

from collections import defaultdict

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, clientside_callback, dcc, html
from flask_wtf.csrf import generate_csrf

from portal.access import Actor, current_actor
from portal.errors import PortalError
from portal.i18n import N_, _, current_lang, gettext_for

SECTIONS = {  # navigation sections in menu order
    "assessment": N_("Assessment"),
    "cadres": N_("Cadres"),
    "accountability": N_("Accountability"),
    "decisions": N_("Decisions"),
    "mine": N_("My records"),
    "admin": N_("Administration"),
}


def home_path(actor: Actor) -> str:
    """The role's home page: the first page registered with ``home_for`` the role."""
    candidates = [p for p in dash.page_registry.values() if actor.role.value in p.get("home_for", ())]
    candidates.sort(key=lambda p: p.get("order", 50))
    return candidates[0]["path"] if candidates else "/"


def nav_label(page: dict) -> str:
    return gettext_for(page["nav"]["package"], page["nav"]["label"])


def page_visible(actor: Actor, nav: dict) -> bool:
    """Menu entries by permission; self-service pages only for logins linked to a cadre."""
    permissions = nav["permissions"]
    if "self.view" in permissions and actor.cadre_id is None:
        return False
    return not permissions or any(actor.can(p) for p in permissions)


def nav_items(actor: Actor) -> list:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for page in dash.page_registry.values():
        nav = page.get("nav") or {}
        if not nav.get("section"):
            continue
        if not page_visible(actor, nav):
            continue
        grouped[nav["section"]].append(page)
    items = []
    for key, label in SECTIONS.items():
        pages = sorted(grouped.get(key, []), key=lambda p: p.get("order", 50))
        if not pages:
            continue
        if len(pages) == 1:
            items.append(dbc.NavItem(dbc.NavLink(nav_label(pages[0]), href=pages[0]["path"],
                                                 active="partial")))
        else:
            items.append(dbc.DropdownMenu(
                [dbc.DropdownMenuItem(nav_label(p), href=p["path"]) for p in pages],
                label=_(label), nav=True, in_navbar=True,
            ))
    return items


def _hidden(name: str, value: str, id: str | None = None) -> dcc.Input:
    return dcc.Input(type="hidden", name=name, value=value, **({"id": id} if id else {}))


def language_switch() -> html.Form:
    other, label = ("en", "English") if current_lang() == "zh" else ("zh", "中文")
    return html.Form(
        [_hidden("csrf_token", generate_csrf()), _hidden("next", "/", id="lang-next"),
         html.Button(label, name="lang", value=other, type="submit", className="btn btn-link nav-btn",
                     title=_("Switch language"))],
        method="POST", action="/lang", className="d-inline",
    )


def logout_form() -> html.Form:
    return html.Form(
        [_hidden("csrf_token", generate_csrf()),
         html.Button(_("Log out"), type="submit", className="btn btn-outline-secondary btn-sm")],
        method="POST", action="/logout", className="d-inline",
    )


def header(actor: Actor) -> dbc.Navbar:
    user_box = html.Div(
        [
            html.A([html.Span(actor.display_name, className="user-name"),
                    html.Span(f"{actor.role.label} · {actor.unit_name}", className="user-role")],
                   href="/account", className="user-box", title=_("My account")),
            language_switch(),
            logout_form(),
        ],
        className="d-flex align-items-center gap-2 ms-auto d-print-none",
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand([html.Span(className="brand-mark", **{"aria-hidden": "true"}),
                                 html.Span(_("Party Building and Grassroots Governance Portal"),
                                           className="brand-text")],
                                href=home_path(actor), class_name="d-flex align-items-center gap-2"),
                dbc.Nav(nav_items(actor), navbar=True, class_name="me-auto d-print-none"),
                user_box,
            ],
            fluid=True,
        ),
        class_name="portal-header",
        color="white",
        dark=False,
    )


def layout():
    """Built per request, so the header shows the logged-in user in their language."""
    try:
        actor = current_actor()
    except PortalError:
        return html.Div([dash.page_container], className="portal")
    return html.Div(
        [
            header(actor),
            html.Main(dbc.Container(dash.page_container, fluid=True, class_name="portal-main"),
                      lang="zh-CN" if current_lang() == "zh" else "en"),
        ],
        className="portal",
    )


clientside_callback(
    "function(path, search) { return (path || '/') + (search || ''); }",
    Output("lang-next", "value"),
    Input("_pages_location", "pathname"),
    Input("_pages_location", "search"),
)
