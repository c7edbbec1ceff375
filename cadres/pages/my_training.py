"""My training (我的培训), the cadre's home page: plan and progress by requirement, what is
missing and by when, history, claims of self-study, upcoming classes, and the printable
record of the year.

Every callback works on the logged-in cadre (``actor.cadre_id``) and nothing else; ids
coming from the browser (claims, classes) are checked by the service.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html, no_update

from cadres import courses, reports, scope, service, training
from cadres import settings as cadre_settings
from cadres.enums import ClaimStatus, EnrolmentStatus, TrainingCategory
from cadres.pages import charts, widgets
from cadres.pages.common import category_options, hours, mode_options, no_cadre_linked, year_select
from cadres.training import ClaimInput
from portal import db, ui
from portal.access import current_actor, visible_cadre
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.pages import todo_panel
from portal.ui import field

CLAIM_TONES = {ClaimStatus.PENDING: "warning", ClaimStatus.APPROVED: "success",
               ClaimStatus.REJECTED: "danger",
               ClaimStatus.WITHDRAWN: "secondary"}


def _me(session, actor):
    return visible_cadre(session, actor, cadre_id=actor.cadre_id, permissions=scope.TRAINING)


def year_content(session, actor, year: int) -> html.Div:
    """The plan and progress of one year, with the history of the year's records."""
    me = _me(session, actor)
    progress = service.training_progress(session, actor, me, year)
    records = training.records_for(session, actor, me.id, year)
    frame = reports.hours_by_month(reports.records_frame(records), year, as_of=date.today())
    history = ui.grid("ca-my-records", widgets.record_rows(records), widgets.record_columns(),
                      height=320) \
        if records else ui.empty_state(_("No training recorded for %(year)s yet.", year=year),
                                       _("Classes you attend are recorded by the organizer; claim "
                                         "self-study below."))
    per_day = cadre_settings.day_hours(session)
    plan = _("Plan %(year)s: %(hours)s class hours (%(days)s days at %(per_day)s hours a day), of "
             "which at "
             "least %(online)s online; deadline %(date)s.", year=year,
             hours=hours(progress.required_hours),
             days=hours(progress.required_hours / per_day), per_day=hours(per_day),
             online=hours(progress.required_online), date=ui.fmt_date(progress.deadline))
    return html.Div([
        html.P(plan, className="text-muted", id="ca-my-plan"),
        widgets.progress_kpis(progress),
        dbc.Row([
            dbc.Col(ui.section(_("Progress by requirement"), widgets.gauges(progress)), lg=6),
            dbc.Col(ui.section(_("What is missing and by when"), widgets.missing_list(progress),
                               class_name="ca-missing-card"), lg=6),
        ]),
        ui.section(_("History"), [ui.graph("ca-my-months", charts.hours_by_month(
            frame, _("My class hours by month")), height=260), history]),
    ])


def claim_form() -> html.Div:
    today = date.today()
    return html.Div([
        dbc.Row([
            field(_("Course or study"), dbc.Input(id="ca-my-claim-title", maxlength=200,
                                                  placeholder=_("e.g. "
                                                                "自学《中国共产党纪律处分条例》")),
                  6),
            field(_("Category"), dbc.Select(id="ca-my-claim-category", options=category_options(),
                                            value=TrainingCategory.THEORY.value), 3),
            field(_("Mode"),
                  dbc.Select(id="ca-my-claim-mode", options=mode_options(), value="online"), 3),
        ], class_name="g-2 mb-2"),
        dbc.Row([
            field(_("Class hours"),
                  dbc.Input(id="ca-my-claim-hours", type="number", min=0.5, max=500, step=0.5), 3),
            field(_("Completed on"),
                  dbc.Input(id="ca-my-claim-date", type="date", max=today.isoformat(),
                                               value=today.isoformat()), 3),
            field(_("Organizer or platform (optional)"),
                  dbc.Input(id="ca-my-claim-provider", maxlength=120), 6),
        ], class_name="g-2 mb-2"),
        field(_("Evidence"),
              dbc.Textarea(id="ca-my-claim-evidence", maxlength=1000, rows=2, placeholder=_(
            "Certificate number, platform record, organizer's confirmation…")), 12),
        dbc.Button(_("Submit the claim"), id="ca-my-claim-submit", color="primary",
                   class_name="mt-2"),
        html.Div(id="ca-my-claim-result"),
    ])


def claims_list(session, actor) -> html.Div:
    me = _me(session, actor)
    claims = training.claims_for_cadre(session, actor, me.id)
    if not claims:
        return ui.empty_state(_("No claims yet."),
                              _("Claim self-study that no class record covers."))
    rows = []
    for claim in claims:
        status = ClaimStatus(claim.status)
        action = dbc.Button(_("Withdraw"), id={"type": "ca-my-withdraw", "claim": claim.id},
                            size="sm",
                            color="link",
                            class_name="p-0") if status == ClaimStatus.PENDING else None
        rows.append(html.Tr([
            html.Td(claim.completed_on.isoformat()), html.Td(claim.title),
                             html.Td(hours(claim.hours)),
            html.Td(dbc.Badge(status.label, color=CLAIM_TONES[status])),
            html.Td(claim.reason or "", className="small"), html.Td(action)]))
    return html.Table([html.Thead(html.Tr([html.Th(_("Completed on")), html.Th(_("Course")),
                                           html.Th(_("Hours")),
                                           html.Th(_("Status")), html.Th(_("Reviewer's reason")),
                                           html.Th("")])),
                       html.Tbody(rows)], className="table table-sm align-middle mb-0 ca-claims")


def courses_list(session, actor) -> html.Div:
    upcoming = courses.open_courses(session, actor)
    mine = {e.course_id: e for e in courses.my_enrolments(session, actor)
            if e.status == EnrolmentStatus.ENROLLED}
    if not upcoming:
        return ui.empty_state(_("No classes open for enrolment right now."))
    taken = courses.enrolment_counts(session, [c.id for c in upcoming])
    rows = []
    for course in upcoming:
        places = "—" if course.capacity is None else str(max(0,
                                                             course.capacity - taken.get(course.id,
                                                                                         0)))
        if course.id in mine:
            action = html.Div([dbc.Badge(_("Enrolled"), color="success", class_name="me-2"),
                               dbc.Button(_("Cancel"),
                                          id={"type": "ca-my-cancel",
                                              "enrolment": mine[course.id].id},
                                          size="sm", color="link", class_name="p-0")])
        else:
            action = dbc.Button(_("Enrol"), id={"type": "ca-my-enrol", "course": course.id},
                                size="sm",
                                color="primary", outline=True)
        rows.append(
            html.Tr(
                [
                    html.Td(f"{course.starts_on.isoformat()} – {course.ends_on.isoformat()}"),
                    html.Td(course.title),
                    html.Td(TrainingCategory(course.category).label),
                    html.Td(hours(course.hours)),
                    html.Td(course.unit.name),
                    html.Td(places),
                    html.Td(action),
                ]
            )
        )
    return html.Table([html.Thead(html.Tr([html.Th(_("Dates")), html.Th(_("Class")),
                                           html.Th(_("Category")),
                                           html.Th(_("Hours")), html.Th(_("Organized by")),
                                           html.Th(_("Places left")), html.Th("")])),
                       html.Tbody(rows)], className="table table-sm align-middle mb-0 ca-courses")


def layout(**_query):
    actor = current_actor()
    if actor.cadre_id is None:
        return no_cadre_linked()
    session = db.session()
    me = _me(session, actor)
    year = date.today().year
    actions = html.Div([
        year_select("ca-my-year", year),
        dbc.Button(_("Printable record of the year"), id="ca-my-print",
                   href=f"/my/training/certificate?year={year}",
                   color="secondary", outline=True, size="sm"),
        dbc.Button(_("My profile"), href="/cadres/profile", color="link", size="sm"),
    ], className="d-flex gap-2 align-items-center")
    return html.Div([
        ui.page_header(_("My training"), f"{me.name} · {me.unit.name} · {me.position or '—'}",
                       actions=actions),
        todo_panel.panel(),
        dbc.Spinner(html.Div(year_content(session, actor, year), id="ca-my-content"),
                    color="secondary",
                    delay_show=300),
        dbc.Row([
            dbc.Col(ui.section(_("Claim self-study"), claim_form()), lg=6),
            dbc.Col(ui.section(_("My claims"),
                               html.Div(claims_list(session, actor), id="ca-my-claims")), lg=6),
        ]),
        ui.section(_("Upcoming classes"), [html.Div(id="ca-my-course-result"),
                                           html.Div(courses_list(session, actor),
                                                    id="ca-my-courses")]),
    ], className="ca-my-training")


def _failure(error: PortalError) -> html.Div:
    return ui.alert(error.message, "danger")


@callback(Output("ca-my-content", "children"), Output("ca-my-print", "href"),
          Input("ca-my-year", "value"),
          prevent_initial_call=True)
def show_year(year):
    actor = current_actor()
    try:
        chosen = int(year)
        return year_content(db.session(), actor, chosen), f"/my/training/certificate?year={chosen}"
    except (PortalError, TypeError, ValueError) as error:
        return _failure(error), no_update


@callback(Output("ca-my-claim-result", "children"), Output("ca-my-claims", "children"),
          Output("ca-my-claim-title", "value"), Output("ca-my-claim-hours", "value"),
          Output("ca-my-claim-evidence", "value"), Output("ca-my-claim-provider", "value"),
          Input("ca-my-claim-submit", "n_clicks"),
          State("ca-my-claim-title", "value"), State("ca-my-claim-category", "value"),
          State("ca-my-claim-hours", "value"), State("ca-my-claim-mode", "value"),
          State("ca-my-claim-date", "value"), State("ca-my-claim-provider", "value"),
          State("ca-my-claim-evidence", "value"), prevent_initial_call=True)
def submit_claim(n_clicks, title, category, claimed_hours, mode, completed_on, provider, evidence):
    current_actor()
    if not n_clicks:
        return (no_update,) * 6
    claim = ClaimInput(title=title or "", category=category or "", hours=claimed_hours,
                       mode=mode or "",
                       completed_on=completed_on or "", evidence=evidence or "",
                       provider=provider or "")

    def change(session, actor):
        created = training.submit_claim(session, actor, claim)
        return _("Your claim “%(title)s” (%(hours)s hours) was sent for approval.",
                 title=created.title,
                 hours=hours(created.hours))

    return ui.write(True, change, refused=lambda error: (_failure(error), *(no_update,) * 5),
                    then=lambda message: (ui.alert(message, "success"),
                                          claims_list(db.session(), current_actor()),
                                          "", None, "", ""))


@callback(Output("ca-my-claim-result", "children", allow_duplicate=True),
          Output("ca-my-claims", "children", allow_duplicate=True),
          Input({"type": "ca-my-withdraw", "claim": ALL}, "n_clicks"), prevent_initial_call=True)
def withdraw(clicks):
    current_actor()
    if not ctx.triggered_id or not any(clicks or []):
        return no_update, no_update

    def change(session, actor):
        claim = training.withdraw_claim(session, actor, ctx.triggered_id["claim"])
        return _("The claim “%(title)s” was withdrawn.", title=claim.title)

    return ui.write(True, change, refused=lambda error: (_failure(error), no_update),
                    then=lambda message: (ui.alert(message, "info"),
                                          claims_list(db.session(), current_actor())))


@callback(Output("ca-my-course-result", "children"), Output("ca-my-courses", "children"),
          Input({"type": "ca-my-enrol", "course": ALL}, "n_clicks"),
          Input({"type": "ca-my-cancel", "enrolment": ALL}, "n_clicks"), prevent_initial_call=True)
def enrol_or_cancel(enrol_clicks, cancel_clicks):
    current_actor()
    target = ctx.triggered_id
    if not target or not any([*(enrol_clicks or []), *(cancel_clicks or [])]):
        return no_update, no_update

    def change(session, actor):
        if target["type"] == "ca-my-enrol":
            enrolment = courses.enrol(session, actor, target["course"])
            return _("You are enrolled in “%(title)s”.", title=enrolment.course.title)
        enrolment = courses.cancel_enrolment(session, actor, target["enrolment"])
        return _("Your place in “%(title)s” was cancelled.", title=enrolment.course.title)

    return ui.write(True, change, refused=lambda error: (_failure(error), no_update),
                    then=lambda message: (ui.alert(message, "success"),
                                          courses_list(db.session(), current_actor())))


ui.register(__name__, path="/my/training", title=N_("My training"), layout=layout,
            permission="self.view",
            section="mine", order=10, home_for=("cadre",))
