"""Assessment periods: the status workflow and period codes (``2026Q3``, ``2026``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessment.enums import PeriodKind, PeriodStatus
from portal.i18n import _

TRANSITIONS: dict[tuple[PeriodStatus, PeriodStatus], str] = {
    (PeriodStatus.DRAFT, PeriodStatus.COLLECTING): "open",
    (PeriodStatus.COLLECTING, PeriodStatus.REVIEWING): "review",
    (PeriodStatus.REVIEWING, PeriodStatus.COLLECTING): "return",
    (PeriodStatus.REVIEWING, PeriodStatus.PUBLISHED): "publish",
    # announcement (公示) and appeals (申诉) before the results are final (issue 15)
    (PeriodStatus.REVIEWING, PeriodStatus.ANNOUNCED): "announce",
    (PeriodStatus.ANNOUNCED, PeriodStatus.PUBLISHED): "finalize",
    (PeriodStatus.ANNOUNCED, PeriodStatus.REVIEWING): "reopen",
    (PeriodStatus.PUBLISHED, PeriodStatus.REVIEWING): "reopen",
    (PeriodStatus.PUBLISHED, PeriodStatus.ARCHIVED): "archive",
}
EDITABLE = frozenset({PeriodStatus.COLLECTING, PeriodStatus.REVIEWING})
# Announced results show on the dashboards (marked as announced); only final ones are
# evidence for other packages (cadre eligibility, decisions).
RESULTS_VISIBLE = frozenset({PeriodStatus.ANNOUNCED, PeriodStatus.PUBLISHED,
                             PeriodStatus.ARCHIVED})
RESULTS_FINAL = frozenset({PeriodStatus.PUBLISHED, PeriodStatus.ARCHIVED})


def next_statuses(status: PeriodStatus) -> list[PeriodStatus]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


@dataclass(frozen=True)
class PeriodDates:
    code: str
    kind: PeriodKind
    year: int
    quarter: int | None
    start: date
    end: date


def parse_period_code(code: str) -> PeriodDates:
    """``2026Q1`` (a quarter) or ``2026`` (a year) → its kind and dates; raises ValueError."""
    raw = str(code).strip().upper().replace(" ", "")
    if raw.endswith(".0"):
        raw = raw[:-2]
    if len(raw) == 4 and raw.isdigit():
        year = int(raw)
        return PeriodDates(raw, PeriodKind.YEAR, year, None, date(year, 1, 1), date(year, 12, 31))
    if len(raw) == 6 and raw[:4].isdigit() and raw[4] == "Q" and raw[5] in "1234":
        year, quarter = int(raw[:4]), int(raw[5])
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return PeriodDates(raw, PeriodKind.QUARTER, year, quarter, start,
                           date.fromordinal(end.toordinal() - 1))
    raise ValueError(_("a period is written like 2026Q1 (a quarter) or 2026 (a year)"))


def last_complete_quarter(today: date) -> str:
    quarter = (today.month - 1) // 3  # quarters fully before today's quarter
    return f"{today.year - 1}Q4" if quarter == 0 else f"{today.year}Q{quarter}"


def previous_quarter(code: str) -> str:
    dates = parse_period_code(code)
    if dates.quarter == 1:
        return f"{dates.year - 1}Q4"
    return f"{dates.year}Q{dates.quarter - 1}"
