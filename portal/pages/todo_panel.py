"""The "waiting for you" panel (待办) every role's home page places: ``todo_panel.panel()``.

Its items come from ``portal.todo.items_for`` (each package's providers, scoped to the
logged-in user): with the page when they are kept in the cache, otherwise in a callback
after the page has drawn, so a slow count never delays the home page; each item is a link
to where the thing is done.
"""

from __future__ import annotations

from dash import Input, Output, callback, dcc, html

from portal import db, todo, ui
from portal.access import current_actor
from portal.i18n import N_, _

PANEL = "todo-panel"
BODY = "todo-panel-body"
PENDING = "todo-panel-pending"

SEVERITY_WORDS = {todo.Severity.OVERDUE: N_("Overdue"),
                  todo.Severity.DUE: N_("Needs attention soon")}


def panel() -> html.Section:
    """The panel: its items at once when they are kept, else filled by ``fill`` once the page
    is in the browser (the ``PENDING`` store is there only then, so ``fill`` is not called for a
    panel that has its items: one request less on most visits)."""
    items = todo.kept_items(db.session(), current_actor())
    waiting = html.P(_("Looking for what waits for you…"), className="text-muted mb-0")
    return html.Section(
        [html.H2(_("Waiting for you"), className="section-title", id="todo-panel-title"),
         html.Div(waiting if items is None else body(items), id=BODY, **{"aria-live": "polite"}),
         dcc.Store(id=PENDING) if items is None else None],
        id=PANEL, className="todo-panel d-print-none", **{"aria-labelledby": "todo-panel-title"})


def severity_word(severity: todo.Severity) -> str:
    word = SEVERITY_WORDS.get(todo.Severity(severity))
    return _(word) if word else ""


def item_view(item: todo.TodoItem) -> html.Li:
    severity = todo.Severity(item.severity)
    word = severity_word(severity)
    return html.Li(
        html.A([
            html.Span(ui.fmt_kpi(item.count), className="todo-count") if item.count else None,
            html.Span(item.title, className="todo-title"),
            html.Span(word, className=f"todo-flag todo-flag-{severity.value}") if word else None,
            html.Span(_("by %(date)s", date=ui.fmt_date(item.due)), className="todo-due")
            if item.due else None,
        ], href=item.href, className="todo-link"),
        className=f"todo-item todo-sev-{severity.value}", **{"data-kind": item.kind})


def body(items: list[todo.TodoItem]):
    if not items:
        return html.P(_("Nothing is waiting for you. New work and notices will show here."),
                      className="text-muted mb-0 todo-empty")
    return html.Ul([item_view(i) for i in items], className="todo-list list-unstyled mb-0")


# on every role's home page, for every logged-in user: the service scopes to the user
ui.shared_controls(__name__, permission=None)


@callback(Output(BODY, "children"), Input(PENDING, "data"))
def fill(_pending):
    actor = current_actor()
    return body(todo.items_for(db.session(), actor))
