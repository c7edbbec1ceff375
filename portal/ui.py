"""Building blocks every page uses: page registration with access checks, headers, cards,
empty states, alerts, grids and graphs in the portal's one design system."""

from __future__ import annotations

import functools
import json
import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import request
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal import db
from portal.access import Actor, current_actor
from portal.errors import AccessDenied, Conflict, Invalid, PortalError
from portal.i18n import _, current_lang, gettext_for
from portal.theme import GRAPH_CONFIG

# --- page access: one rule for a page's layout and for every callback of the page -------------

# module → permissions (any one suffices). Dash's own page router (``dash.dash``) only
# builds the layout asked for, and each layout checks its page's permission (``register``).
PAGE_PERMISSIONS: dict[str, tuple[str, ...]] = {"dash.dash": ()}
_PAGE_PARTS: dict[str, str] = {}  # module → the module whose page its callbacks serve


def _permissions(permission: str | Sequence[str] | None) -> tuple[str, ...]:
    return (permission,) if isinstance(permission, str) else tuple(permission or ())


def allowed(actor: Actor, permissions: Sequence[str]) -> bool:
    """A page (and so each of its callbacks) is open to a role holding any of its permissions."""
    return not permissions or any(actor.can(p) for p in permissions)


def page_part(module: str, *, of: str) -> None:
    """Declare that the callbacks defined in ``module`` serve the page registered by ``of``
    (a page split over several files): they answer only those who may open that page."""
    _PAGE_PARTS[module] = of


def shared_controls(module: str, *, permission: str | Sequence[str] | None) -> None:
    """Declare the callbacks of controls that many pages place (upload, download):
    ``permission`` gates them here; the service they call checks its own permission and scope."""
    PAGE_PERMISSIONS[module] = _permissions(permission)


def callback_permissions(module: str) -> tuple[str, ...] | None:
    """The permissions of the page that owns the callbacks of ``module``; ``None`` when no
    page owns them (such a callback is refused: see ``guard_callbacks``)."""
    return PAGE_PERMISSIONS.get(_PAGE_PARTS.get(module, module))


def guard_callbacks(app: dash.Dash) -> Callable[[], None]:
    """A ``before_request`` check for ``/_dash-update-component``: the callback named by the
    request's ``output`` runs only for a user who may open the page that owns it.

    The one place where callbacks are gated by page, so that a callback answers nobody its
    page would refuse (a cadre asking the accountability overview's callback for the
    four-forms counts of their subtree, say). Services still check scope and permission.
    """
    endpoint = f"{app.config.routes_pathname_prefix}_dash-update-component"

    def check() -> None:
        if request.path != endpoint or request.method != "POST":
            return
        body = request.get_json(silent=True, cache=True)
        spec = app.callback_map.get(body.get("output")) if isinstance(body, dict) else None
        if spec is None or spec.get("callback") is None:
            raise Invalid(_("The request is not valid for this page; please reload it."))
        permissions = callback_permissions(spec["callback"].__module__)
        if permissions is None or not allowed(current_actor(), permissions):
            raise AccessDenied(_("Your role may not do this."))

    return check


def register(module: str, *, path: str, title: str, layout: Callable[..., Any],
             permission: str | Sequence[str] | None, section: str | None = None, order: int = 50,
             home_for: Iterable[str] = (), path_template: str | None = None) -> None:
    """Register a Dash page whose layout is only built for users with ``permission``, and
    whose callbacks (those defined in ``module`` and in its ``page_part`` modules) answer
    only those users.

    ``title`` is an English msgid (translated per request); ``section`` puts the page in
    the navigation (``None`` keeps it out of the menu); ``home_for`` lists the roles
    whose home page this is.
    """
    permissions = _permissions(permission)
    PAGE_PERMISSIONS[module] = permissions

    @functools.wraps(layout)
    def secured_layout(**kwargs):
        try:
            actor = current_actor()
        except PortalError:
            return no_access(_("Please log in."))
        if not allowed(actor, permissions):
            return no_access(_("This page is not available for your role."))
        try:
            return layout(**kwargs)
        except PortalError as error:
            return no_access(error.message)

    dash.register_page(
        module, path=path, path_template=path_template, name=title,
        title=lambda **_kw: f"{gettext_for(module, title)} · {_('Governance Portal')}",
        layout=secured_layout, order=order,
        nav={"section": section, "permissions": permissions, "label": title, "package": module},
        home_for=tuple(home_for),
    )


def write(n_clicks: Any, change: Callable[[Session, Actor], Any], *,
          then: Callable[[Any], Any] = lambda result: result,
          refused: Callable[[PortalError], Any] = lambda error: alert(error.message),
          idle: Any = dash.no_update, stale: str | None = None) -> Any:
    """The one write callback: nothing (``idle``) until the button was clicked; then
    ``change(session, actor)`` (parse the input with ``portal.forms``, call the service)
    runs as the current user in one unit of work, and ``then(its result)`` after the
    commit builds the outputs. A ``PortalError`` (bad input, no access, a conflict) rolls
    everything back and becomes ``refused(error)``, by default the alert; ``stale`` is the
    message for a row somebody else changed meanwhile (a stale version at commit).
    Nothing else is caught: a programming error is not a form message."""
    actor = current_actor()
    if not n_clicks:
        return idle
    try:
        with db.unit_of_work() as session:
            result = change(session, actor)
    except PortalError as error:
        return refused(error)
    except StaleDataError:
        if stale is None:
            raise
        return refused(Conflict(stale))
    return then(result)
def page_visible(actor, nav: dict) -> bool:
    """Menu entries by permission; self-service pages only for logins linked to a cadre."""
    permissions = nav["permissions"]
    if "self.view" in permissions and actor.cadre_id is None:
        return False
    return allowed(actor, permissions)


def pages_for(actor) -> list[dict]:
    """Every registered portal page ``actor`` may open, in path order (the browser tests
    scan each one for accessibility, so a new page is checked without being listed)."""
    pages = [p for p in dash.page_registry.values() if "nav" in p and page_visible(actor, p["nav"])]
    return sorted(pages, key=lambda p: p["path"])


def dom_id(component_id: str | dict) -> str:
    """The DOM id Dash gives a component (a dict id becomes its sorted JSON), e.g. for
    ``html_for``."""
    if isinstance(component_id, str):
        return component_id
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def page_header(title: str, subtitle: str | None = None, actions: Any = None) -> html.Div:
    return html.Div(
        [
            html.Div([html.H1(title, className="page-title"),
                      html.P(subtitle, className="page-subtitle") if subtitle else None]),
            html.Div(actions, className="page-actions d-print-none") if actions else None,
        ],
        className="page-header",
    )


def kpi(label: str, value: Any, hint: str | None = None, tone: str = "neutral") -> dbc.Card:
    """A headline number with its label and, optionally, a one-line explanation."""
    return dbc.Card(
        dbc.CardBody([html.Div(label, className="kpi-label"),
                      html.Div(fmt_kpi(value), className="kpi-value"),
                      html.Div(hint, className="kpi-hint") if hint else None]),
        className=f"kpi kpi-{tone}",
    )


def empty_state(title: str, advice: str | None = None, action: Any = None) -> html.Div:
    """What the user sees instead of an empty table or chart: why, and what to do."""
    return html.Div(
        [html.Div(className="empty-icon", **{"aria-hidden": "true"}),
         html.P(title, className="empty-title"),
         html.P(advice, className="empty-advice") if advice else None,
         action],
        className="empty-state",
    )


def no_access(message: str) -> html.Div:
    return html.Div(dbc.Alert(message, color="warning", className="mt-3"), className="no-access")


def alert(message: str, tone: str = "danger", lines: Sequence[str] = ()) -> dbc.Alert:
    children: list[Any] = [html.Div(message)]
    if lines:
        children.append(html.Ul([html.Li(line) for line in lines], className="mb-0 mt-2 small"))
    return dbc.Alert(children, color=tone, dismissable=True, className="mt-2")


def section(title: str, body: Any, actions: Any = None, class_name: str = "") -> dbc.Card:
    header = html.Div([html.H2(title, className="section-title"),
                       html.Div(actions, className="d-print-none") if actions else None],
                      className="section-header")
    return dbc.Card([dbc.CardHeader(header), dbc.CardBody(body)], className=f"section {class_name}")


def chart_words() -> str:
    """The words the chart reader (assets/15-a11y.js) writes, in the page's language."""
    return json.dumps({"table": _("Data as a table"), "series": _("Series"),
                       "category": _("Category"),
                       "value": _("Value"), "highest": _("highest"), "lowest": _("lowest"),
                       "points": _("%(n)s data points"), "noData": _("No data to show."),
                       "median": _("median"), "count": _("count")}, ensure_ascii=False)


# What a graph shows until its callback answers: no axes to lay out (an empty ``{}`` figure
# draws default axes with tick labels, ~4× the browser's work, for every chart of a page).
BLANK_FIGURE = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def graph(id: Any, figure: Any = None, height: int | None = None, *, summary: str | None = None,
          config: dict | None = None, **kwargs) -> html.Figure:
    """A chart readable without colour and without sight (WCAG 1.1.1, 1.4.1): the graph, a
    one-line text summary and its data as a table one click away.

    The summary and table are written in the browser from the figure actually drawn
    (assets/15-a11y.js), so they stay true when a callback replaces the figure; ``summary``
    puts a sentence of the page's own before them.
    """
    # A responsive dcc.Graph reads style.height, so style must be a dict, never None.
    style = {"height": f"{height}px"} if height else {}
    return html.Figure([
        dcc.Graph(id=id, figure=figure or BLANK_FIGURE, config=config or GRAPH_CONFIG, style=style,
                  className="portal-graph", **kwargs),
        html.Figcaption([
            html.P(summary, className="chart-summary-lead") if summary else None,
            html.P(className="chart-summary"),
            html.Details([html.Summary(_("Data as a table"), className="chart-table-toggle"),
                          html.Div(className="chart-table")], className="chart-data d-print-none"),
        ], className="chart-caption"),
    ], className="portal-chart", **{"data-chart-words": chart_words()})


AG_GRID_ZH = {
    "page": "页", "more": "更多", "to": "至", "of": "共", "next": "下一页", "last": "末页",
    "first": "首页", "previous": "上一页", "loadingOoo": "加载中…", "noRowsToShow": "没有数据",
    "filterOoo": "筛选…", "equals": "等于", "notEqual": "不等于", "contains": "包含",
    "notContains": "不包含", "startsWith": "开头是", "endsWith": "结尾是", "blank": "为空",
    "notBlank": "不为空", "lessThan": "小于", "greaterThan": "大于", "inRange": "范围",
    "andCondition": "且", "orCondition": "或", "applyFilter": "应用", "resetFilter": "重置",
    "clearFilter": "清除", "pageSizeSelectorLabel": "每页行数：",
              "ariaPageSizeSelectorLabel": "每页行数",
    "searchOoo": "搜索…", "selectAll": "全选", "blanks": "（空）",
}


def grid(id: Any, rows: list[dict], columns: list[dict], *, height: int = 420, page_size: int = 20,
         selectable: bool = False, **kwargs) -> dag.AgGrid:
    """A read-only table (dash-ag-grid) with sorting, filtering, paging and Chinese UI text."""
    options = {"pagination": True, "paginationPageSize": page_size,
               "paginationPageSizeSelector": [20, 50, 100], "animateRows": False,
               "enableCellTextSelection": True, "ensureDomOrder": True,
               # grid pattern: arrows move between cells, Tab leaves the grid (no keyboard trap)
               "tabToNextCell": {"function": "false"}, "tabToNextHeader": {"function": "false"},
               "localeText": {**(AG_GRID_ZH if current_lang() == "zh" else {}),
                              "noRowsToShow": _("Nothing to show")}}
    if selectable:
        options["rowSelection"] = {"mode": "singleRow", "checkboxes": False,
                                   "enableClickSelection": True}
    options.update(kwargs.pop("dashGridOptions", {}))
    return dag.AgGrid(
        id=id, rowData=rows, columnDefs=columns, dashGridOptions=options,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 80,
                       "wrapHeaderText": True,
                       "autoHeaderHeight": True,
                       **kwargs.pop("defaultColDef", {})},
        columnSize="responsiveSizeToFit", className="ag-theme-quartz portal-grid",
        style={"height": f"{height}px", "width": "100%"}, **kwargs,
    )


def field(label: str, control: Any, width: int = 3, hint: str | None = None) -> dbc.Col:
    """A form control with its label above (tied to the control's id) and an optional hint."""
    control_id = getattr(control, "id", None)
    return dbc.Col([dbc.Label(label, html_for=control_id if isinstance(control_id, str) else None,
                              class_name="small text-muted mb-1"), control,
                    html.Div(hint, className="form-text") if hint else None], md=width)


PAGE_BLOCK = 100  # rows a paged grid asks the server for at a time


def paged_grid(id: Any, columns: list[dict], *, height: int = 420, page_size: int = 20,
               **kwargs) -> dag.AgGrid:
    """A grid that asks the server for the rows it shows, a block at a time (AG Grid's infinite
    row model): for tables that can hold tens of thousands of rows. A callback answers
    ``getRowsRequest`` with ``rows_response``; sorting is the server's, column filters are off
    (the page offers its own filters); ``purge_when`` reloads it when the page's inputs change."""
    options = {"cacheBlockSize": PAGE_BLOCK, "maxBlocksInCache": 20, "infiniteInitialRowCount": 1,
               "paginationPageSizeSelector": False, **kwargs.pop("dashGridOptions", {})}
    return grid(id, None, columns, height=height, page_size=page_size, rowModelType="infinite",
                dashGridOptions=options,
                defaultColDef={"filter": False, **kwargs.pop("defaultColDef", {})},
                **kwargs)


def page_request(request: dict | None) -> tuple[int, int, list[dict]]:
    """``(start, end, sort model)`` of a paged grid's ``getRowsRequest`` (the first block when
    None)."""
    request = request or {}
    try:
        start = max(0, int(request.get("startRow") or 0))
        end = max(start, int(request.get("endRow") or start + PAGE_BLOCK))
    except (TypeError, ValueError):
        start, end = 0, PAGE_BLOCK
    sort = [item for item in request.get("sortModel") or [] if isinstance(item, dict)]
    return start, min(end, start + 10 * PAGE_BLOCK), sort


def rows_response(rows: list[dict], count: int) -> dict:
    """What a paged grid's ``getRowsResponse`` takes: the block and how many rows there are."""
    return {"rowData": rows, "rowCount": count}


def purge_when(grid_id: str, *inputs: Any) -> None:
    """Reload a paged grid from its first block when one of ``inputs`` changes."""
    purge = (
        "dash_ag_grid.getApiAsync("
        + json.dumps(grid_id)
        + ").then(function (api) { api.purgeInfiniteCache(); });"
    )
    dash.clientside_callback(
        "function() { " + purge + " return window.dash_clientside.no_update; }",
        dash.Output(grid_id, "getRowsResponse", allow_duplicate=True), *inputs,
                             prevent_initial_call=True)


DROPDOWN_ZH = {"select_all": "全选", "deselect_all": "全不选",
               "selected_count": "已选 {num_selected} 项",
               "search": "搜索", "clear_search": "清除搜索", "clear_selection": "清除选择",
               "no_options_found": "没有匹配的选项"}


def dropdown(id: Any, options: list[dict], value: Any = None, *, multi: bool = False,
             placeholder: str = "",
             clearable: bool = True, **kwargs) -> dcc.Dropdown:
    """A dropdown whose own texts (search, select all…) follow the page language."""
    return dcc.Dropdown(id=id, options=options, value=value, multi=multi, placeholder=placeholder,
                        clearable=clearable, labels=DROPDOWN_ZH if current_lang() == "zh" else None,
                        **kwargs)


def unit_options(session, actor) -> list[dict]:
    """Units of the actor's scope, indented by level, for a searchable dropdown."""
    from portal import units

    found = units.unit_choices(session, actor)  # plain rows, cached per scope
    top = min((path.count("/") for _id, _name, _code, path in found), default=0)
    return [{"label": "\u3000" * (path.count("/") - top) + name, "value": unit_id,
             "search": code}
            for unit_id, name, code, path in found]


def fmt_date(value) -> str:
    return value.isoformat() if value else "—"


def fmt_datetime(value) -> str:
    if not value:
        return "—"
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")


def fmt_number(value, digits: int = 1) -> str:
    """The portal's one number format: thousands separators, a fixed number of decimals."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def fmt_kpi(value: Any) -> Any:
    """A KPI card's value: whole numbers as ``12,345``, others with one decimal; text as given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value
    return fmt_number(value, 0 if isinstance(value, numbers.Integral) else 1)
