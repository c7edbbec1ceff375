"""Calendar arithmetic every package's rules share (effect periods, time limits, windows).

Pure: no database, no web. Lives in the platform so that ``cadres`` and ``accountability``
count months the same way without importing one another.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months; a day missing from the target month falls back
    to that month's last day (2026-08-31 + 6 months = 2027-02-28), domain.md §3."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
