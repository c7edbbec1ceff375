"""What other packages may call: published periods, a unit's results over time, its
supervision items, and a period's results as a table. Every function checks the
actor's role and keeps to the actor's unit subtree, like the rest of the package.

The commands and the page queries live beside this module, one concern each:
``schemes`` (indicator schemes), ``periods`` (lifecycle and publishing), ``scores``
(collection), ``supervision`` (督查事项) and ``results`` (reading frozen results).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import departments, periods, results, supervision, surveys
from assessment.models import Period
from assessment.results import UnitResultView, WarningView
from assessment.supervision import SupervisionView
from portal.access import Actor

__all__ = ["UnitResultView", "SupervisionView", "WarningView", "latest_published_period",
           "published_periods", "unit_result_history", "unit_supervision_items",
           "results_for_period", "results_with_previous",
           "unit_leaders", "lead_department_name",
           "survey_summary"]


def latest_published_period(session: Session) -> Period | None:
    """The most recent period with final results (published or archived), or None; a
    period still announced (公示) for appeals is not evidence yet.

    Periods are not unit data, so no actor is needed; their results are read through
    the functions below, which check the actor.
    """
    found = periods.published(session, final=True)
    return max(found, key=lambda p: (p.end, p.kind == "year")) if found else None


def published_periods(session: Session, kind=None) -> list[Period]:
    """Periods with final results, oldest first (``kind``: PeriodKind.QUARTER or YEAR)."""
    return periods.published(session, kind, final=True)


def unit_result_history(session: Session, actor: Actor, unit_id: int) -> list[UnitResultView]:
    """The unit's published results, oldest first: composite, ranks (within level and
    within parent, with the counts), grade (``Grade``: good/fair/average/poor,
    ``.label`` 好/较好/一般/差), veto and ``band_is_bottom``. Only final results: an
    announced period's may still change on appeal."""
    return results.unit_history(session, actor, unit_id, final=True)


def unit_supervision_items(session: Session, actor: Actor, unit_id: int) -> list[SupervisionView]:
    """The unit's supervision items, latest deadline first: title, deadline, status
    (an open item past its deadline is ``overdue``) and ``overdue``."""
    return supervision.unit_items(session, actor, unit_id)


def results_for_period(session: Session, actor: Actor, period_code: str,
                       under_unit_id: int | None = None) -> pd.DataFrame:
    """One row per unit in scope with its frozen result: unit_id, unit_code, unit_name,
    level, parent_id, composite, bonus, rank_in_level, count_in_level, rank_in_parent,
    count_in_parent, grade, vetoed, veto_codes, robust_z."""
    frame = results.results_frame(session, actor, period_code, under_unit_id,
                                  permissions=results.READ)
    return frame.drop(columns=["path", "scheme_id"])


def results_with_previous(session: Session, actor: Actor, period_code: str,
                          previous_code: str | None,
                          under_unit_id: int | None = None) -> pd.DataFrame:
    """One row per unit in scope with its frozen result in ``period_code`` beside its
    composite in ``previous_code``: unit_id, unit_code, unit_name, grade, composite, previous
    (None where the unit had no result then, or ``previous_code`` is None)."""
    return results.results_with_previous(session, actor, period_code, previous_code,
                                         under_unit_id, permissions=results.READ)


def unit_leaders(session: Session, actor: Actor, unit_id: int):
    """The unit's serving principals and deputies (``portal.models.Cadre``)."""
    return results.leaders(session, actor, unit_id)


def survey_summary(session: Session, actor: Actor, period_code: str, unit_id: int):
    """The unit's satisfaction survey as a unit may see it (``surveys.UnitTally``): per
    respondent group the codes issued and answered and, from five answers on, the mean;
    the weighted score. Never a single response. None when no survey ran. The office reads
    its scope, a unit reporter only their own unit, a lead department's reporter none."""
    return surveys.unit_summary(session, actor, period_code, unit_id)


def vetoed_units(session: Session, unit_ids: set[int]) -> set[int]:
    """The units among ``unit_ids`` with a vetoed result in any period (no scope: the caller
    checked the units; only ids go out)."""
    return results.vetoed_units(session, unit_ids)


def period_by_code(session: Session, code: str) -> Period | None:
    return session.scalar(select(Period).where(Period.code == code))


def lead_department_name(session: Session, code: str) -> str | None:
    """The name of the active lead department (牵头部门) ``code``, or None: the platform
    asks through ``portal.plugins.department_name`` when a reporter login names one."""
    department = departments.by_code(session, code)
    return department.name if department else None
