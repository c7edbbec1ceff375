"""A cadre's profile (干部档案): ``/cadres/profile?code=C00001``.

Built from small section functions (basic facts, posts held, training, grades). Each
viewer gets the sections they may see: inspectors the basic profile; a cadre their own
(without eligibility); reviewers and administrators in scope the full portrait (干部画像,
``cadres.pages.portrait``: summary, eligibility, unit results, measures, decisions, and
the form to propose a decision).
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from cadres import evidence, grades, scope, service, training
from cadres.enums import AppraisalGrade
from cadres.pages import portrait, portrait_propose, record, widgets
from cadres.pages.common import facts, year_options
from cadres.pages.eligibility_view import source_book
from portal import audit, db, ui
from portal.access import Actor, current_actor, visible_cadre
from portal.enums import CadreCategory, CadreStatus, Gender, LeaderRole, Rank
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.models import Cadre


def _age(birth: date | None, today: date) -> str:
    if birth is None:
        return "—"
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return _("%(n)s years", n=years)


def _since(day: date | None, today: date) -> str:
    """A date with the time since it: 2024-10-21 (for 2.1 years)."""
    if day is None:
        return "—"
    count = round((today - day).days / 365.25, 1)
    years = _("for %(n)s years", n=count)
    return f"{day.isoformat()} ({years})"


def basic_section(cadre: Cadre, full: bool) -> dbc.Card:
    """Who the cadre is: unit, position, rank, category (everyone who may see the cadre);
    birth, gender, party membership and dates in post (reviewers and the cadre)."""
    rows = [(_("Cadre code"), cadre.code), (_("Unit"), cadre.unit.name),
            (_("Position"), cadre.position),
            (_("Rank"), Rank(cadre.rank).label if cadre.rank else "—"),
            (_("Category"), CadreCategory(cadre.category).label),
            (_("Leadership team"), LeaderRole(cadre.leader_role).label),
            (_("Status"), CadreStatus(cadre.status).label)]
    if full:
        today = date.today()
        rows += [(_("Gender"), Gender(cadre.gender).label),
                 (_("Born"), f"{ui.fmt_date(cadre.birth_date)} ({_age(cadre.birth_date, today)})"),
                 (_("Party member"), _("Yes") if cadre.party_member else _("No")),
                 (_("In the position since"), _since(cadre.position_since, today)),
                 (_("In the rank since"), _since(cadre.rank_since, today))]
    return ui.section(_("Basic information"), facts(rows))


def postings_section(session, actor: Actor, cadre: Cadre) -> dbc.Card:
    """Posts held (任职经历), latest first."""
    posts = service.postings(session, actor, cadre)
    if not posts:
        return ui.section(_("Posts held"), ui.empty_state(_("No posts recorded yet."),
                                                          _("Posts are recorded when the registry "
                                                            "is imported.")))
    now = _("now")
    rows = [html.Tr([html.Td(f"{ui.fmt_date(p.start)} – {ui.fmt_date(p.end) if p.end else now}"),
                     html.Td(p.unit.name), html.Td(p.position or "—")]) for p in posts]
    table = html.Table([html.Thead(html.Tr([html.Th(_("Period")), html.Th(_("Unit")),
                                            html.Th(_("Position"))])),
                        html.Tbody(rows)], className="table table-sm mb-0")
    return ui.section(_("Posts held"), table)


def training_body(session, actor: Actor, cadre: Cadre, year: int) -> html.Div:
    """The year's progress and records (the service checks the viewer may see them)."""
    progress = service.training_progress(session, actor, cadre, year)
    records = training.records_for(session, actor, cadre.id, year)
    table = ui.grid("ca-profile-records", widgets.record_rows(records), widgets.record_columns(),
                    height=300,
                    page_size=20) if records else ui.empty_state(_("No training recorded for "
                                                                   "%(year)s.", year=year))
    return html.Div([widgets.progress_kpis(progress), dbc.Row([
        dbc.Col(widgets.gauges(progress), md=6), dbc.Col(widgets.missing_list(progress), md=6)],
        class_name="mb-3"), table])


def training_section(session, actor: Actor, cadre: Cadre, year: int, extra=None) -> dbc.Card:
    picker = html.Div([dbc.Label(_("Year"), html_for="ca-profile-year", class_name="me-2 small"),
                       dbc.Select(id="ca-profile-year", options=year_options(), value=str(year),
                                  size="sm",
                                  style={"width": "110px"})], className="d-flex align-items-center")
    return ui.section(_("Training"), html.Div([
        extra, html.Div(training_body(session, actor, cadre, year), id="ca-profile-training")]),
                      actions=picker)


def grades_section(session, actor: Actor, cadre: Cadre) -> dbc.Card:
    found = grades.grades_for_cadre(session, actor, cadre)
    if not found:
        return ui.section(_("Annual appraisal grades"),
                          ui.empty_state(_("No appraisal grades recorded.")))
    badges = [html.Span([html.Span(str(year), className="me-1"),
                         dbc.Badge(AppraisalGrade(code).label,
                                   class_name=f"badge-grade-{AppraisalGrade(code).rank}")],
                        className="me-3") for year, code in found]
    return ui.section(_("Annual appraisal grades"), html.Div(badges))


def profile_sections(session, actor: Actor, cadre: Cadre, year: int) -> list:
    """The sections this viewer may see, in reading order."""
    full = actor.may_see_cadre(cadre, scope.PROFILE)
    sections = [basic_section(cadre, full), record.record_section(session, actor, cadre)]
    if full:
        sections.append(postings_section(session, actor, cadre))
    if actor.may_see_cadre(cadre, scope.TRAINING):
        sections.append(training_section(session, actor, cadre, year))
    if actor.may_see_cadre(cadre, scope.GRADES):
        sections.append(grades_section(session, actor, cadre))
    if scope.is_cadre(actor) and cadre.id == actor.cadre_id:
        sections.append(ui.section(_("My personnel decisions"), html.Div(
            portrait.decisions_body(session, actor, cadre), id="ca-my-decisions")))
    return sections


def portrait_sections(session, actor: Actor, cadre: Cadre, year: int,
                      propose: str | None = None) -> tuple[list, list]:
    """The full portrait (干部画像) for reviewers and administrators in scope: the summary and
    eligibility first, then the record; and the header actions (the proposal form, open at
    once with ``propose``'s type chosen when the address asks, as the roster's links do)."""
    profile = evidence.profile(session, actor, cadre.code)
    book = source_book(session, actor, cadre)
    actions = []
    if portrait_propose.may_propose(actor):
        actions = [portrait_propose.open_button(),
                   portrait_propose.propose_modal(cadre, profile.eligibility, book,
                                                  **portrait_propose.prefill(
                                                      session, actor, cadre, propose))]
    training = training_section(session, actor, cadre, year, extra=portrait.five_year_line(profile))
    sections = [portrait.summary_callout(profile), portrait.eligibility_section(profile, book),
                basic_section(cadre, True), record.record_section(session, actor, cadre),
                postings_section(session, actor, cadre),
                portrait.unit_results_section(profile), training,
                grades_section(session, actor, cadre),
                portrait.measures_section(profile), portrait.tolerance_section(profile),
                portrait.supervision_section(profile),
                portrait.decisions_section(session, actor, cadre)]
    return sections, actions


def layout(code: str | None = None, year: str | None = None, propose: str | None = None,
           **_query):
    actor = current_actor()
    session = db.session()
    if not code and actor.cadre_id is None:
        return ui.empty_state(_("Choose a cadre in the registry to see their profile."),
                              action=dbc.Button(
            _("Open the registry"), href="/cadres", color="primary", size="sm"))
    cadre = visible_cadre(session, actor, code=code, cadre_id=None if code else actor.cadre_id,
                          permissions=scope.BASIC)
    try:
        chosen = int(year) if year else date.today().year
    except ValueError:
        chosen = date.today().year
    subtitle = f"{cadre.unit.name} · {cadre.position or '—'}"
    if cadre.id != actor.cadre_id:  # a cadre reading their own profile is not a disclosure
        audit.log_view(actor, "cadre", cadre.id, code=cadre.code)
    if portrait.shows_portrait(actor, cadre):
        sections, actions = portrait_sections(session, actor, cadre, chosen, propose)
    else:
        sections, actions = profile_sections(session, actor, cadre, chosen), None
    return html.Div([
        ui.page_header(f"{cadre.name}（{cadre.code}）", subtitle, actions=actions),
        dcc.Store(id="ca-profile-code", data=cadre.code),
        *sections,
    ], className="ca-profile")


@callback(Output("ca-profile-training", "children"), Input("ca-profile-year", "value"),
          State("ca-profile-code", "data"), prevent_initial_call=True)
def show_year(year, code):
    """Another year of the cadre's training; the code comes from the browser, so it is checked."""
    actor = current_actor()
    session = db.session()
    try:
        cadre = visible_cadre(session, actor, code=code, permissions=scope.TRAINING)
        return training_body(session, actor, cadre, int(year))
    except (PortalError, TypeError, ValueError) as error:
        return ui.alert(getattr(error, "message", _("Choose a year.")), "warning")


ui.register(__name__, path="/cadres/profile", title=N_("Cadre profile"), layout=layout,
            permission=("cadres.view", "cadres.view_basic", "self.view"), section=None)
