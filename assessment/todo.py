"""What waits in ``assessment`` (portal.todo): for the assessment office, reports to check;
for a reporter, returned figures to correct and figures due. Each provider is one count
over indexed, scope-filtered queries (``assessment.submissions``)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from assessment import submissions
from portal.access import Actor
from portal.i18n import _
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


PROVIDERS = {
    "submissions.check": reports_to_check,
    "submissions.returned": returned_figures,
    "submissions.due": figures_due,
}
