"""Small pieces the cadres pages share: options, formatted hours, dropdowns, grid columns."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import html

from cadres import rules
from cadres.enums import TrainingCategory, TrainingMode
from portal.enums import UnitLevel
from portal.i18n import N_, _
from portal.ui import dropdown, field, unit_options  # noqa: F401  (shared by the pages)

GAP_LABELS = {rules.ANNUAL: N_("Annual class hours"),
              rules.ONLINE: N_("Online learning (local practice)"),
              rules.FIVE_YEAR: N_("Five-year total")}


def hours(value: float | None) -> str:
    """Class hours without needless decimals: 90, 12.5."""
    if value is None:
        return "—"
    return f"{round(float(value), 1):g}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def gap_label(requirement: str) -> str:
    if requirement in GAP_LABELS:
        return _(GAP_LABELS[requirement])
    return TrainingCategory(requirement).label


def year_options(first: int | None = None, count: int = 5) -> list[dict]:
    first = first or date.today().year
    return [{"label": str(y), "value": str(y)} for y in range(first, first - count, -1)]


def year_select(id: str, value: int, first: int | None = None, count: int = 5) -> html.Div:
    """A small year picker with a label for screen readers."""
    return html.Div([dbc.Label(_("Year"), html_for=id, class_name="visually-hidden"),
                     dbc.Select(id=id, options=year_options(first, count), value=str(value),
                                size="sm",
                                style={"width": "110px"})])


def category_options() -> list[dict]:
    return TrainingCategory.options()


def mode_options() -> list[dict]:
    return TrainingMode.options()


def level_label(level) -> str:
    return UnitLevel(level).label


def facts(rows: list[tuple[str, str]]) -> html.Dl:
    """Label–value pairs as a definition list ("—" for an empty value)."""
    items = []
    for label, value in rows:
        items += [html.Dt(label, className="col-sm-4 col-lg-3"),
                  html.Dd(value or "—", className="col-sm-8 col-lg-9")]
    return html.Dl(items, className="row mb-0 ca-facts")
def link_column(field_name: str, header: str, **extra) -> dict:
    """A grid column whose cell links to the cadre's profile (``assets/30-cadres.js``)."""
    return {"field": field_name, "headerName": header, "cellRenderer": "CaCadreLink",
            "minWidth": 110, **extra}


def no_cadre_linked() -> html.Div:
    from portal import ui

    return ui.empty_state(_("Your login is not linked to a cadre record."),
                          _("Ask the administrator to link your login to your entry in the cadre "
                            "registry."))
