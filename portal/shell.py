"""The app shell: a skip link, the header with product name, user, role, unit, text-size
and language switches and logout, navigation by role, and the page container.

The document's ``lang`` and text size are set on ``<html>`` when the page is served
(``html_attributes``) and kept in step by clientside callbacks (assets/15-a11y.js)."""

from __future__ import annotations

from collections import defaultdict

import dash
import dash_bootstrap_components as dbc
from dash import (
    ClientsideFunction,
    Input,
    Output,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from portal import accounts, db, notices, ui
from portal.access import Actor, current_actor
from portal.enums import TextSize
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


TEXT_SIZE_MARKS = {TextSize.STANDARD: "A", TextSize.LARGE: "A+", TextSize.EXTRA_LARGE: "A++"}


def document_lang() -> str:
    """The BCP 47 tag of the UI language, for ``<html lang>``."""
    return "zh-CN" if current_lang() == "zh" else "en"


def current_text_size() -> TextSize:
    if current_user and current_user.is_authenticated:
        return current_user.user.text_size or TextSize.STANDARD
    return TextSize.STANDARD


def html_attributes() -> str:
    """Attributes of the served page's ``<html>`` element: language and text size."""
    return f'lang="{escape(document_lang())}" data-text-size="{escape(current_text_size().value)}"'


def home_path(actor: Actor) -> str:
    """The role's home page: the first page registered with ``home_for`` the role."""
    candidates = [p for p in dash.page_registry.values() if actor.role.value in p.get("home_for",
                                                                                      ())]
    candidates.sort(key=lambda p: p.get("order", 50))
    return candidates[0]["path"] if candidates else "/"


def nav_label(page: dict) -> str:
    return gettext_for(page["nav"]["package"], page["nav"]["label"])


def nav_items(actor: Actor) -> list:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for page in dash.page_registry.values():
        nav = page.get("nav") or {}
        if not nav.get("section"):
            continue
        if not ui.page_visible(actor, nav):
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
         html.Button(label, name="lang", value=other, type="submit",
                     className="btn btn-link nav-btn",
                     title=_("Switch language"))],
        method="POST", action="/lang", className="d-inline",
    )


def logout_form() -> html.Form:
    return html.Form(
        [_hidden("csrf_token", generate_csrf()),
         html.Button(_("Log out"), type="submit", className="btn btn-outline-secondary btn-sm")],
        method="POST", action="/logout", className="d-inline",
    )


def text_size_switch() -> html.Div:
    """Standard, large, extra large (适老化): saved on the account, applied without a reload."""
    chosen = current_text_size()
    return html.Div(
        [html.Button(mark, id=f"text-size-{size.value}", type="button",
                     className="btn btn-link nav-btn text-size-btn",
                     title=size.label,
                     **{"aria-label": size.label, "aria-pressed": str(size == chosen).lower()})
         for size, mark in TEXT_SIZE_MARKS.items()],
        role="group", className="text-size-switch", **{"aria-label": _("Text size")},
    )


def bell_label(unread: int) -> str:
    return _(notices.BELL_LABEL, count=unread)


def bell_text(unread: int) -> str:
    """The badge's text: empty (hidden) when nothing is unread."""
    return "" if unread <= 0 else "99+" if unread > 99 else str(unread)


def notice_bell(actor: Actor) -> html.A:
    """The header's link to the notices page with the unread count (kept current by
    ``refresh_bell`` on every page change; the notices page updates it when reading)."""
    unread = notices.unread_count(db.session(), actor)
    return html.A(
        [html.Span(className="notice-bell-icon", **{"aria-hidden": "true"}),
         html.Span(bell_text(unread), id="notice-bell-count", className="notice-bell-count",
                   **{"aria-hidden": "true"})],
        id="notice-bell", href="/notices", className="notice-bell", title=_("Notices"),
        **{"aria-label": bell_label(unread)})


def header(actor: Actor) -> dbc.Navbar:
    user_box = html.Div(
        [
            notice_bell(actor),
            html.A([html.Span(actor.display_name, className="user-name"),
                    html.Span(f"{actor.role.label} · {actor.unit_name}", className="user-role")],
                   href="/account", className="user-box", title=_("My account")),
            text_size_switch(),
            language_switch(),
            logout_form(),
        ],
        className="d-flex align-items-center flex-wrap gap-2 ms-auto d-print-none user-tools",
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand([html.Span(className="brand-mark", **{"aria-hidden": "true"}),
                                 html.Span(_("Party Building and Grassroots Governance Portal"),
                                           className="brand-text")],
                                href=home_path(actor),
                                class_name="d-flex align-items-center gap-2"),
                dbc.Nav(nav_items(actor), navbar=True, class_name="me-auto d-print-none"),
                user_box,
            ],
            fluid=True,
        ),
        class_name="portal-header",
        color="white",
        dark=False,
    )


def callback_failure_texts() -> dict[str, str]:
    """What assets/20-session.js shows when the server answers a callback with an error
    (the callback's own messages come back with 200), by status; 500 stands for any other."""
    return {
        "data-failed-400": _("This page is out of date, so the change was not sent. "
                             "Reload the page and try again."),
        "data-failed-403": _("You may not do this here: your role or scope may have changed. "
                             "Reload the page."),
        "data-failed-500": _("Something went wrong on the server and this step did not finish. "
                             "Try again; if it happens again, tell the administrator."),
        "data-failed-close": _("Close"),
    }


def layout():
    """Built per request, so the header shows the logged-in user in their language."""
    document = [dcc.Store(id="ui-document",
                          data={"lang": document_lang(), "textSize": current_text_size().value}),
                # toasts, alerts and form errors are read out from here (assets/15-a11y.js)
                html.Div(id="portal-announcer", role="status", className="visually-hidden",
                         **{"aria-live": "polite", "aria-atomic": "true"}),
                html.Div(id="portal-alarm", className="visually-hidden",
                         **{"aria-live": "assertive", "aria-atomic": "true"},
                         **callback_failure_texts())]
    try:
        actor = current_actor()
    except PortalError:
        return html.Div([*document, html.Main(dash.page_container, id="main-content")],
                        className="portal")
    return html.Div(
        [
            html.A(_("Skip to main content"), href="#main-content", className="skip-link"),
            *document,
            header(actor),
            html.Main(dbc.Container(dash.page_container, fluid=True, class_name="portal-main"),
                      id="main-content", tabIndex="-1"),
        ],
        className="portal",
    )


# the header's text-size switch is on every page, for every logged-in user
ui.shared_controls(__name__, permission=None)


@callback(Output("ui-document", "data"),
          *[Output(f"text-size-{size.value}", "aria-pressed") for size in TEXT_SIZE_MARKS],
          *[Input(f"text-size-{size.value}", "n_clicks") for size in TEXT_SIZE_MARKS],
          prevent_initial_call=True)
def choose_text_size(*_clicks):
    actor = current_actor()
    if not ctx.triggered_id:
        return no_update, *[no_update] * len(TEXT_SIZE_MARKS)
    with db.unit_of_work() as session:
        chosen = accounts.set_text_size(session, actor, ctx.triggered_id.removeprefix("text-size-"))
    return ({"lang": document_lang(), "textSize": chosen.value},
            *[str(size == chosen).lower() for size in TEXT_SIZE_MARKS])


clientside_callback(
    ClientsideFunction(namespace="portal", function_name="applyDocument"),
    Output("ui-document", "id"),
    Input("ui-document", "data"),
    Input("_pages_location", "pathname"),
)


clientside_callback(
    "function(path, search) { return (path || '/') + (search || ''); }",
    Output("lang-next", "value"),
    Input("_pages_location", "pathname"),
    Input("_pages_location", "search"),
)


@callback(Output("notice-bell-count", "children"), Output("notice-bell", "aria-label"),
          Input("_pages_location", "pathname"))
def refresh_bell(_path):
    """On every page change: add the notices the packages' checks find due (overdue case
    stages …, once each; the checks at most once a minute per user) and show the unread
    count."""
    actor = current_actor()
    try:
        with db.unit_of_work() as session:
            notices.refresh(session, actor, every=notices.CHECK_SECONDS)
    except PortalError:  # another worker added the same notice meanwhile: it is there
        pass
    unread = notices.unread_count(db.session(), actor)
    return bell_text(unread), bell_label(unread)
