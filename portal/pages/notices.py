"""Notices (通知): the logged-in user's own notices, newest first, read or unread, each a
link to where the thing is; mark one or all read (the header's bell counts the unread)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, callback, ctx, html, no_update

from portal import db, notices, ui
from portal.access import current_actor
from portal.i18n import N_, _
from portal.shell import bell_label, bell_text

LIST = "notices-list"
READ_ALL = "notices-read-all"
RESULT = "notices-result"


def notice_view(notice: notices.Notice) -> html.Li:
    state = _("Read") if notice.read else _("New")
    tone = "read" if notice.read else "new"
    return html.Li([
        html.Div([
            html.Span(state, className=f"notice-state notice-state-{tone}"),
            html.A(notice.text, href=notice.href, className="notice-text")
            if notice.href else html.Span(notice.text, className="notice-text"),
        ], className="notice-main"),
        html.Div([
            html.Span(ui.fmt_datetime(notice.created_at), className="notice-time"),
            None if notice.read else dbc.Button(
                _("Mark read"), id={"type": "notice-read", "id": notice.id}, size="sm",
                color="link", class_name="p-0 notice-mark",
                **{"aria-label": _("Mark read: %(text)s", text=notice.text)}),
        ], className="notice-side"),
    ], className=f"notice-item {'notice-read' if notice.read else 'notice-unread'}")


def notice_list(session, actor):
    found = notices.list_for(session, actor)
    if not found:
        return ui.empty_state(_("You have no notices."),
                              _("When something of yours is returned, decided or overdue, a "
                                "notice appears here."))
    return html.Ul([notice_view(n) for n in found], className="notice-list list-unstyled mb-0")


def layout(**_query):
    actor = current_actor()
    session = db.session()
    return html.Div([
        ui.page_header(_("Notices"), _("What was returned, decided or became overdue for you. "
                                       "The newest first."),
                       actions=dbc.Button(_("Mark all read"), id=READ_ALL, color="secondary",
                                          outline=True, size="sm")),
        html.Div(id=RESULT, role="status"),
        ui.section(_("Your notices"), html.Div(notice_list(session, actor), id=LIST)),
    ])


ui.register(__name__, path="/notices", title=N_("Notices"), layout=layout, permission=None,
            section=None, order=95)


@callback(Output(LIST, "children"), Output(RESULT, "children"),
          Output("notice-bell-count", "children", allow_duplicate=True),
          Output("notice-bell", "aria-label", allow_duplicate=True),
          Input({"type": "notice-read", "id": ALL}, "n_clicks"),
          Input(READ_ALL, "n_clicks"),
          prevent_initial_call=True)
def mark(_one_clicks, _all_clicks):
    trigger = ctx.triggered_id
    if trigger is None or not (ctx.triggered and ctx.triggered[0].get("value")):
        return no_update, no_update, no_update, no_update  # a button drawn, not clicked

    def change(session, actor):
        if trigger == READ_ALL:
            notices.mark_all_read(session, actor)
        else:
            notices.mark_read(session, actor, _notice_id(trigger))
        return notices.unread_count(session, actor)

    def refused(error):
        return no_update, ui.alert(error.message), no_update, no_update

    def then(unread):
        actor = current_actor()
        return (notice_list(db.session(), actor), None, bell_text(unread), bell_label(unread))

    return ui.write(1, change, then=then, refused=refused)


def _notice_id(trigger) -> int:
    try:
        return int(trigger["id"])
    except (TypeError, ValueError, KeyError):
        return -1
