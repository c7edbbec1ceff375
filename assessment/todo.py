"""What waits in ``assessment`` (portal.todo): for the assessment office, reports to check and
appeals to decide; for a reporter, returned figures to correct, figures due and announced
results they may still appeal.

Each provider is a count or two over indexed, scope-filtered queries.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment import appeals, periods, submissions
from assessment.enums import AppealStatus
from assessment.models import Appeal, Period, Result
from portal.access import Actor
from portal.i18n import _
from portal.models import Unit
from portal.todo import Severity, TodoItem

DUE_SOON_DAYS = 3  # figures due within this many days are marked due


def reports_to_check(session: Session, actor: Actor) -> list[TodoItem]:
    """The office: submitted reports in scope waiting for a check."""
    count = submissions.waiting_for_office(session, actor)
    return [TodoItem("submissions.check", _("Reports to check"), count,
                     "/assessment/submissions")] if count else []


def returned_figures(session: Session, actor: Actor) -> list[TodoItem]:
    """A reporter: reports the office returned, to correct and submit again."""
    waiting = submissions.waiting_for_reporter(session, actor)
    return [TodoItem("submissions.returned", _("Returned figures to correct"), waiting.returned,
                     "/assessment/report", severity=Severity.DUE)] if waiting.returned else []


def figures_due(session: Session, actor: Actor, today: date | None = None) -> list[TodoItem]:
    """A reporter: reports not yet submitted in a collecting period, with the nearest deadline."""
    today = today or date.today()
    waiting = submissions.waiting_for_reporter(session, actor)
    still_open = waiting.open - waiting.returned
    if still_open <= 0:
        return []
    severity = Severity.INFO
    if waiting.due_on is not None and waiting.due_on < today:
        severity = Severity.OVERDUE
    elif waiting.due_on is not None and waiting.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        severity = Severity.DUE
    return [TodoItem("submissions.due", _("Figures to report"), still_open, "/assessment/report",
                     due=waiting.due_on, severity=severity)]


def appeals_to_decide(session: Session, actor: Actor, today: date | None = None) -> list[TodoItem]:
    """The office: open appeals in scope; due once a period's announcement has ended (the
    period cannot become final while they wait)."""
    if not actor.can(appeals.DECIDE) or actor.department_code:
        return []
    root = periods.city_root(session)
    if root is None or not actor.in_scope(root.path):  # only the city-wide office decides
        return []
    count, earliest_end = session.execute(
        select(func.count(), func.min(Period.announced_until))
        .select_from(Appeal).join(Unit, Unit.id == Appeal.unit_id)
        .join(Period, Period.id == Appeal.period_id)
        .where(Appeal.status == AppealStatus.OPEN, actor.unit_clause())).one()
    if not count:
        return []
    ended = earliest_end is not None and earliest_end < (today or date.today())
    return [TodoItem("appeals.decide", _("Appeals to decide"), count, "/assessment/appeals",
                     due=earliest_end, severity=Severity.DUE if ended else Severity.INFO)]


def results_to_check(session: Session, actor: Actor, today: date | None = None) -> list[TodoItem]:
    """A unit's reporter: announced results of their unit, open to appeal until the end."""
    if not actor.can("assessment.appeal") or actor.department_code or actor.can(appeals.DECIDE):
        return []
    today = today or date.today()
    items = []
    for period in appeals.open_windows(session, today):
        has_result = session.scalar(select(Result.id).where(Result.period_id == period.id,
                                                            Result.unit_id == actor.unit_id))
        if has_result:
            window = periods.window_of(period)
            items.append(TodoItem(
                f"appeals.announced.{period.code}",
                _("Results of %(period)s are announced: check them, appeal by %(end)s",
                  period=period.code, end=window.end.isoformat()), 0,
                f"/assessment/announcement?period={period.code}", due=window.end))
    return items


PROVIDERS = {
    "submissions.check": reports_to_check,
    "submissions.returned": returned_figures,
    "submissions.due": figures_due,
    "appeals.decide": appeals_to_decide,
    "appeals.announced": results_to_check,
}
