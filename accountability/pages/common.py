"""Small pieces the accountability pages share: badges for stages, deadlines, forms and
outcomes, form fields, dropdowns, options and grid columns."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc

from accountability import rules
from accountability.enums import (
    CaseSource,
    CaseStage,
    Form,
    MeasureType,
    SubjectKind,
    ToleranceOutcome,
)
from portal.i18n import _
from portal.ui import dropdown, unit_options  # noqa: F401  (shared by the pages)

STAGE_TONES = {CaseStage.CLUE: "secondary", CaseStage.VERIFICATION: "info",
               CaseStage.FILED: "primary",
               CaseStage.INVESTIGATION: "warning", CaseStage.REVIEW: "info",
               CaseStage.DECISION: "dark",
               CaseStage.CLOSED: "success", CaseStage.NO_CASE: "light", CaseStage.APPEAL: "danger"}
OUTCOME_TONES = {ToleranceOutcome.EXEMPT: "success", ToleranceOutcome.MITIGATED: "warning",
                 ToleranceOutcome.NOT_TOLERATED: "danger"}
SOON_DAYS = 14


def stage_badge(stage: CaseStage | str) -> dbc.Badge:
    stage = CaseStage(stage)
    return dbc.Badge(stage.label, color=STAGE_TONES[stage],
                     text_color="dark" if stage == CaseStage.NO_CASE else None,
                     class_name=f"ac-stage ac-stage-{stage.value}")


def days_text(days_left: int | None, overdue: bool) -> str:
    if days_left is None:
        return _("No time limit")
    if overdue:
        return _("Overdue by %(n)s days", n=-days_left)
    if days_left == 0:
        return _("Due today")
    return _("%(n)s days left", n=days_left)


def days_badge(days_left: int | None, overdue: bool) -> dbc.Badge:
    tone = (
        "danger"
        if overdue
        else "warning"
        if days_left is not None and days_left <= SOON_DAYS
        else "light"
    )
    return dbc.Badge(days_text(days_left, overdue), color=tone,
                     text_color="dark" if tone == "light" else None,
                     class_name="ac-days" + (" ac-overdue" if overdue else ""))


def form_badge(form: int) -> dbc.Badge:
    return dbc.Badge(Form(str(form)).label, class_name=f"ac-form ac-form-{form}")


def outcome_badge(outcome: str | None) -> Any:
    if not outcome:
        return dbc.Badge(_("Pending"), color="secondary")
    outcome = ToleranceOutcome(outcome)
    return dbc.Badge(outcome.label, color=OUTCOME_TONES[outcome])


def effect_text(view, today: date) -> str:
    """How a measure stands today, in words: in effect until…, ended…, exempt, note only."""
    if view.tolerance_outcome == ToleranceOutcome.EXEMPT.value:
        return _("Exempt by error tolerance: does not block")
    if not view.effect.phases:
        return _("Recorded as a note; no effect period")
    if view.effect_until is None:
        return _("In effect permanently")
    if view.in_effect(today):
        return _("In effect; lifts on %(day)s", day=view.effect_until.isoformat())
    if view.revoked_on:
        return _("Revoked on %(day)s", day=view.revoked_on.isoformat())
    if view.changed_on:
        return _("Changed on %(day)s", day=view.changed_on.isoformat())
    if view.decided_on > today:
        return _("Not yet in effect")
    return _("Ended; free from %(day)s", day=view.effect_until.isoformat())


def measure_options(subject: SubjectKind | None = None) -> list[dict]:
    """Every measure, labelled with its form (the catalogue's order)."""
    return [{"label": f"{spec.form.label} · {spec.code.label}", "value": spec.code.value}
            for spec in rules.CATALOGUE if subject is None or spec.subject == subject]


def form_options() -> list[dict]:
    return Form.options()


def source_options() -> list[dict]:
    return CaseSource.options()


def stage_options(stages=None) -> list[dict]:
    return [{"label": s.label, "value": s.value} for s in (stages or CaseStage)]


def date_input(id: str, value: date | None = None, max_today: bool = True) -> dbc.Input:
    return dbc.Input(id=id, type="date", value=value.isoformat() if value else None,
                     max=date.today().isoformat() if max_today else None)


def failure(error: Exception) -> dbc.Alert:
    from portal import ui

    return ui.alert(getattr(error, "message", None) or _("Something in the form is not right."),
                    "danger")


def measure_label(code: str) -> str:
    return MeasureType(code).label


def link(text: str, href: str) -> dcc.Link:
    return dcc.Link(text, href=href)


def case_href(case_id: int) -> str:
    return f"/accountability/case?id={case_id}"


def cadre_href(code: str) -> str:
    return f"/accountability/cadre?code={code}"


def graph(id: str, figure) -> Any:
    """``ui.graph`` sized to the figure's own height (a graph without a height style
    fails to render in Dash 4's responsive mode); ``figure`` is a ``go.Figure`` or its
    JSON dict (figures kept in the dashboard cache)."""
    from portal import ui

    layout = figure.get("layout", {}) if isinstance(figure, dict) else figure.layout
    height = layout.get("height") if isinstance(layout, dict) else layout.height
    return ui.graph(id, figure, height=int(height or 320))


def toast(message: str) -> Any:
    """A success message that closes itself after a few seconds (errors stay until closed)."""
    from portal import ui

    alert = ui.alert(message, "success")
    alert.duration = 8000
    return alert
