"""Courses and classes (培训班): the catalogue, a new class, enrolment and attendance.
Attendance records the class hours for each cadre who attended (once per course)."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from cadres import courses
from cadres.courses import CourseInput
from cadres.enums import EnrolmentStatus, TrainingCategory, TrainingMode
from cadres.pages.common import (
    category_options,
    dropdown,
    hours,
    link_column,
    mode_options,
    unit_options,
)
from portal import db, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.ui import field


def course_rows(session, found) -> list[dict]:
    taken = courses.enrolment_counts(session, [c.id for c in found])
    return [{"id": c.id, "code": c.code, "title": c.title,
             "category": TrainingCategory(c.category).label,
             "mode": TrainingMode(c.mode).label, "hours": c.hours,
             "dates": f"{c.starts_on} – {c.ends_on}",
             "organizer": c.unit.name, "provider": c.provider, "enrolled": taken.get(c.id, 0),
             "capacity": c.capacity or ""} for c in found]


def course_columns() -> list[dict]:
    return [{"field": "code", "headerName": _("Code"), "maxWidth": 115},
            {"field": "title", "headerName": _("Class"), "minWidth": 240},
            {"field": "category", "headerName": _("Category"), "maxWidth": 110},
            {"field": "mode", "headerName": _("Mode"), "maxWidth": 90},
            {"field": "hours", "headerName": _("Hours"), "maxWidth": 80, "type": "numericColumn"},
            {"field": "dates", "headerName": _("Dates"), "maxWidth": 200},
            {"field": "organizer", "headerName": _("Organized by"), "maxWidth": 150},
            {"field": "enrolled", "headerName": _("Enrolled"), "maxWidth": 95,
             "type": "numericColumn"},
            {"field": "capacity", "headerName": _("Places"), "maxWidth": 85}]


def enrolment_rows(found) -> list[dict]:
    return [{"id": e.id, "code": e.cadre.code, "name": e.cadre.name, "unit": e.cadre.unit.name,
             "status": EnrolmentStatus(e.status).label} for e in found]


def enrolment_columns() -> list[dict]:
    return [link_column("name", _("Cadre"), maxWidth=120),
            {"field": "code", "headerName": _("Cadre code"), "maxWidth": 110},
            {"field": "unit", "headerName": _("Unit")},
            {"field": "status", "headerName": _("Status"), "maxWidth": 120}]


def new_course_form(session, actor) -> html.Div:
    today = date.today().isoformat()
    return html.Div([
        dbc.Row([
            field(_("Title"), dbc.Input(id="ca-co-title", maxlength=200), 6),
            field(_("Category"), dbc.Select(id="ca-co-category", options=category_options(),
                                            value=TrainingCategory.THEORY.value), 3),
            field(_("Mode"), dbc.Select(id="ca-co-mode", options=mode_options(), value="offline"),
                  3),
        ], class_name="g-2 mb-2"),
        dbc.Row([
            field(_("Class hours"), dbc.Input(id="ca-co-hours", type="number", min=0.5, step=0.5),
                  2),
            field(_("Starts on"), dbc.Input(id="ca-co-start", type="date", value=today), 2),
            field(_("Ends on"), dbc.Input(id="ca-co-end", type="date", value=today), 2),
            field(_("Places (optional)"),
                  dbc.Input(id="ca-co-capacity", type="number", min=1, step=1), 2),
            field(_("Provider"), dbc.Input(id="ca-co-provider", maxlength=120), 4),
        ], class_name="g-2 mb-2"),
        dbc.Row([
            field(_("Organized by (its cadres and those below may enrol)"),
                  dropdown("ca-co-unit", unit_options(session, actor), actor.unit_id,
                           clearable=False), 6),
            dbc.Col(dbc.Button(_("Add the class"), id="ca-co-create", color="primary"), md=3,
                    class_name="d-flex align-items-end"),
        ], class_name="g-2"),
        html.Div(id="ca-co-create-result"),
    ])


def layout(**_query):
    actor = current_actor()
    session = db.session()
    editor = actor.can("training.edit")
    roster_tools = html.Div([
        dbc.InputGroup([dbc.Input(id="ca-co-enrol-code", placeholder=_("Cadre code")),
                        dbc.Button(_("Enrol"), id="ca-co-enrol", color="secondary")], size="sm",
                       class_name="mb-2", style={"maxWidth": "320px"}),
        html.Div([dbc.Button(_("Mark attended"), id="ca-co-attended", color="primary", size="sm"),
                  dbc.Button(_("Mark absent"), id="ca-co-absent", color="secondary", outline=True,
                             size="sm")],
                 className="d-flex gap-2 mt-2"),
    ]) if editor else None
    return html.Div(
        [
            ui.page_header(
                _("Courses and classes"),
                _(
                    "Classes organized in your scope and above it. Select a class "
                    "to see who enrolled and to record attendance."
                ),
            ),
            ui.section(
                _("Catalogue"),
                ui.grid(
                    "ca-co-grid",
                    course_rows(session, courses.catalogue(session, actor)),
                    course_columns(),
                    height=360,
                    selectable=True,
                ),
            ),
            dbc.Row(
                [
                    dbc.Col(
                        ui.section(
                            _("Enrolment and attendance"),
                            [
                                html.Div(
                                    _("Select a class in the catalogue."),
                                    id="ca-co-selected",
                                    className="text-muted mb-2",
                                ),
                                ui.grid(
                                    "ca-co-enrolments",
                                    [],
                                    enrolment_columns(),
                                    height=300,
                                    selectable=True,
                                ),
                                roster_tools,
                                html.Div(id="ca-co-result"),
                            ],
                        ),
                        lg=6,
                    ),
                    dbc.Col(ui.section(_("New class"), new_course_form(session, actor)), lg=6)
                    if editor
                    else None,
                ]
            ),
            dcc.Store(id="ca-co-course"),
        ]
    )


@callback(Output("ca-co-course", "data"), Output("ca-co-selected", "children"),
          Output("ca-co-enrolments", "rowData"), Input("ca-co-grid", "selectedRows"),
          prevent_initial_call=True)
def select_course(selected):
    actor = current_actor()
    if not selected:
        return None, _("Select a class in the catalogue."), []
    try:
        session = db.session()
        course = courses.get_course(session, actor, selected[0].get("id"))
        found = courses.enrolments(session, actor, course.id)
    except PortalError as error:
        return None, ui.alert(error.message, "warning"), []
    title = _("%(title)s, %(start)s – %(end)s", title=course.title, start=course.starts_on,
              end=course.ends_on)
    return course.id, html.Strong(title), enrolment_rows(found)


@callback(Output("ca-co-result", "children"),
          Output("ca-co-enrolments", "rowData", allow_duplicate=True),
          Output("ca-co-enrol-code", "value"),
          Input("ca-co-enrol", "n_clicks"), Input("ca-co-attended", "n_clicks"),
          Input("ca-co-absent", "n_clicks"),
          State("ca-co-course", "data"), State("ca-co-enrol-code", "value"),
          State("ca-co-enrolments", "selectedRows"), prevent_initial_call=True)
def roster(_enrol, _attended, _absent, course_id, code, selected):
    current_actor()
    if not course_id:
        return ui.alert(_("Select a class in the catalogue first."),
                        "warning"), no_update, no_update

    def change(session, actor):
        actor.require(
            "training.edit"
        )  # the roster is the organizer's; cadres enrol on "my training"
        if ctx.triggered_id == "ca-co-enrol":
            enrolment = courses.enrol(session, actor, course_id, cadre_code=(code or "").strip())
            return _("%(name)s is enrolled.", name=enrolment.cadre.name)
        if not selected:
            return None
        attended = ctx.triggered_id == "ca-co-attended"
        enrolment = courses.mark_attendance(session, actor, selected[0].get("id"), attended)
        return (_("%(name)s attended; the class hours are recorded.", name=enrolment.cadre.name)
                if attended else _("%(name)s was absent.", name=enrolment.cadre.name))

    def then(message):
        if message is None:
            return ui.alert(_("Select the cadres' row first."), "warning"), no_update, no_update
        found = enrolment_rows(courses.enrolments(db.session(), current_actor(), course_id))
        return ui.alert(message, "success"), found, ""

    return ui.write(True, change, then=then,
                    refused=lambda error: (ui.alert(error.message), no_update, no_update))


@callback(Output("ca-co-create-result", "children"), Output("ca-co-grid", "rowData"),
          Input("ca-co-create", "n_clicks"),
          State("ca-co-title", "value"), State("ca-co-category", "value"),
          State("ca-co-mode", "value"),
          State("ca-co-hours", "value"), State("ca-co-start", "value"), State("ca-co-end", "value"),
          State("ca-co-capacity", "value"), State("ca-co-provider", "value"),
          State("ca-co-unit", "value"),
          prevent_initial_call=True)
def create(_n, title, category, mode, class_hours, start, end, capacity, provider, unit_id):
    values = CourseInput(title=title or "", category=category or "", hours=class_hours,
                         mode=mode or "",
                         starts_on=start or "", ends_on=end or "", provider=provider or "",
                         unit_id=unit_id,
                         capacity=capacity)

    def change(session, actor):
        course = courses.create_course(session, actor, values)
        return _("Class %(code)s “%(title)s” added (%(hours)s hours).", code=course.code,
                 title=course.title,
                 hours=hours(course.hours))

    return ui.write(True, change, refused=lambda error: (ui.alert(error.message), no_update),
                    then=lambda message: (ui.alert(message, "success"), _catalogue_rows()))


def _catalogue_rows() -> list[dict]:
    session = db.session()
    return course_rows(session, courses.catalogue(session, current_actor()))


ui.register(__name__, path="/training/courses", title=N_("Courses and classes"), layout=layout,
            permission="training.view", section="cadres", order=55)
