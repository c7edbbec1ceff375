"""Supervision items (督办事项): effective status and the deduction an item costs."""

from __future__ import annotations

from datetime import date

from assessment.enums import OPEN_SUPERVISION, SupervisionStatus


def effective_status(status: SupervisionStatus, deadline: date, today: date) -> SupervisionStatus:
    """An open item past its deadline is shown as overdue."""
    if status in OPEN_SUPERVISION and deadline < today:
        return SupervisionStatus.OVERDUE
    return status


def is_overdue(status: SupervisionStatus, deadline: date, today: date) -> bool:
    return effective_status(status, deadline, today) == SupervisionStatus.OVERDUE


def supervision_deduction(status: SupervisionStatus, deadline: date, rectified_on: date | None,
                          points: float, period_start: date, period_end: date,
                          as_of: date) -> float:
    """Deduction points one item adds to its named indicator for a period.

    The item counts in the period its deadline falls in: a failed rectification, an
    item still open after its deadline, or one rectified only after the deadline
    deducts its points; an item closed on time deducts nothing.
    """
    if not period_start <= deadline <= period_end:
        return 0.0
    if status == SupervisionStatus.FAILED:
        return points
    if deadline >= as_of:
        return 0.0  # not due yet when scored
    if rectified_on is None and status in OPEN_SUPERVISION:
        return points
    if rectified_on is not None and rectified_on > deadline:
        return points
    return 0.0
