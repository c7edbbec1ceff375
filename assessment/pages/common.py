"""Small pieces the assessment pages share: period and level choices, grade badges,
links, and turning an error into a message on the page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dash import html

from assessment import periods, submissions
from assessment.enums import Grade, PeriodKind, PeriodStatus
from assessment.models import Period
from portal import db, ui
from portal.access import current_actor
from portal.enums import UnitLevel
from portal.errors import PortalError
from portal.i18n import _

# A right-aligned number column; an empty cell stays empty.
NUMBER_COLUMN = {"type": "rightAligned", "maxWidth": 120,
                 "valueFormatter": {"function": "params.value == null ? '' : "
                                                "d3.format(',.2~f')(params.value)"}}
ASSESSED_LEVELS = (UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY)


def href(path: str, **query) -> str:
    cleaned = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(cleaned)}" if cleaned else path


def unit_href(unit_id: int, period: str | None = None) -> str:
    return href("/assessment/unit", id=unit_id, period=period)


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def period_label(period: Period) -> str:
    if period.kind == PeriodKind.YEAR:
        return _("%(year)s (year)", year=period.year)
    return _("%(year)s Q%(quarter)s", year=period.year, quarter=period.quarter)


def published_options(session) -> list[dict]:
    """Periods with results, newest first; those still announced (公示) say so."""
    return [{"label": period_label(p) + (" · " + _("announced, open to appeal")
                                         if p.status == PeriodStatus.ANNOUNCED else ""),
             "value": p.code} for p in reversed(periods.published(session))]


def all_period_options(session, actor) -> list[dict]:
    return [{"label": f"{period_label(p)} · {p.status.label}", "value": p.code}
            for p in periods.list_periods(session, actor)]


def level_options(levels=ASSESSED_LEVELS) -> list[dict]:
    return [{"label": level.label, "value": level.value} for level in levels]


def grade_badge(code: str | None, vetoed: bool = False) -> html.Span:
    return html.Span(**_grade_badge_props(code, vetoed))


def plain_grade_badge(code: str | None, vetoed: bool = False) -> dict:
    """``grade_badge`` as ``plain_html`` (for lists of thousands of rows)."""
    return plain_html("Span", **_grade_badge_props(code, vetoed))


def _grade_badge_props(code: str | None, vetoed: bool) -> dict:
    if not code:
        return {"children": "—"}
    grade = Grade(code)
    text = grade.label + (" · " + _("veto") if vetoed else "")
    return {"children": text, "className": f"badge badge-grade-{grade.order} as-grade"}


def plain_html(tag: str, children=None, **props) -> dict:
    """An ``html.<tag>`` as the JSON the browser receives, for lists of thousands of rows: a
    component object takes ~0.1 ms to build and serialise, a whole city's list ~300 ms; this
    dict a few µs. Children stay text (React escapes it) or nested components, as with
    ``dash.html``."""
    return {"type": tag, "namespace": "dash_html_components",
            "props": {"children": children, **props}}


def grid_link_column(field_name: str, header: str, renderer: str = "AsUnitLink", **extra) -> dict:
    """A grid column whose cell is a link (``assets/30-assessment.js``; text is never HTML)."""
    return {"field": field_name, "headerName": header, "cellRenderer": renderer, **extra}


def progress_response(request, period: str | None, show: str | None) -> dict:
    """One block of a period's reporting progress (``submissions.progress``) for a server-paged
    grid: the office's board and a lead department's list of units read the same rows."""
    actor = current_actor()
    start, end, sort = ui.page_request(request)
    if not period:
        return ui.rows_response([], 0)
    try:
        found = submissions.progress(db.session(), actor, period, show=show or "all",
                                     start=start, end=end, sort=sort)
    except PortalError:
        return ui.rows_response([], 0)
    return ui.rows_response(found.rows, found.count)


def selected_id(selected, key: str) -> int | None:
    """The whole-number ``key`` of the first row a grid's ``selectedRows`` names, else None."""
    row = (selected or [{}])[0] if isinstance(selected, list) else {}
    value = row.get(key) if isinstance(row, dict) else None
    return value if isinstance(value, int) else None
