"""Administrator: the unit hierarchy in scope, with import and export."""

from __future__ import annotations

from dash import html

from portal import db, ui, units
from portal.access import current_actor
from portal.enums import UnitLevel
from portal.i18n import N_, _
from portal.pages import todo_panel
from portal.pages.transfer import export_buttons, import_panel


def layout(**_query):
    actor = current_actor()
    session = db.session()
    rows = []
    in_scope = units.units_in_scope(session, actor)
    names = {u.id: u.name for u in in_scope}
    for unit in in_scope:
        rows.append({"code": unit.code, "name": unit.name, "level": UnitLevel(unit.level).label,
                     "kind": unit.kind.label, "parent": names.get(unit.parent_id, ""),
                     "depth": unit.path.count("/") - 2})
    counts = units.count_by_level(session, actor)
    cards = html.Div([ui.kpi(level.label, counts.get(level, 0)) for level in UnitLevel],
                     className="kpi-row")
    columns = [
        {"field": "code", "headerName": _("Code"), "maxWidth": 170},
        {"field": "name", "headerName": _("Name")},
        {"field": "level", "headerName": _("Level"), "maxWidth": 150},
        {"field": "kind", "headerName": _("Kind")},
        {"field": "parent", "headerName": _("Parent unit")},
    ]
    table = ui.grid("units-grid", rows, columns, height=460) if rows else ui.empty_state(
        _("No units yet."), _("Import a units file (code, name, level, parent_code) below to "
                              "build the hierarchy."))
    return html.Div(
        [
            ui.page_header(
                _("Units"),
                _(
                    "The four-level hierarchy: city, district/county, street/township, "
                    "community/village."
                ),
                actions=export_buttons("units"),
            ),
            todo_panel.panel(),
            cards,
            ui.section(_("All units in your scope"), table),
            ui.section(
                _("Import units"),
                import_panel(
                    "units",
                    help_text=_(
                        "Columns: code (编码), name (名称), level (层级), parent_code "
                        "(上级编码), kind (类型, optional). Existing codes are updated."
                    ),
                ),
            ),
        ]
    )


ui.register(__name__, path="/admin/units", title=N_("Units"), layout=layout,
            permission="units.manage", section="admin", order=80, home_for=("admin",))
