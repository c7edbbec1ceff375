"""What waits in ``assessment`` (portal.todo): for the office, surveys whose response rate
lags (units with codes but fewer answers than ``assessment.survey.low_rate`` of them)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from assessment import settings, surveys
from assessment.enums import PeriodStatus
from portal.access import Actor
from portal.i18n import _
from portal.todo import Severity, TodoItem


def survey_response_rates(session: Session, actor: Actor) -> list[TodoItem]:
    """Reviewers: per open period and level, the units whose survey response rate is low."""
    if not actor.can("assessment.edit"):
        return []
    threshold = float(settings.value(session, "assessment.survey.low_rate"))
    items = []
    for period, level, count in surveys.lagging_units(session, actor, threshold):
        reviewing = PeriodStatus(period.status) == PeriodStatus.REVIEWING
        items.append(TodoItem(
            f"assessment.survey_rates.{period.code}.{level.value}",
            _("Survey response rate below %(rate)s%%: %(period)s, %(level)s units",
              rate=round(threshold * 100), period=period.code, level=level.label),
            count, f"/assessment/surveys?period={period.code}&level={level.value}",
            severity=Severity.DUE if reviewing else Severity.INFO))
    return items


PROVIDERS = {"assessment.survey_rates": survey_response_rates}
