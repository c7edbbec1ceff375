"""The announcement (公示) of a period's computed results and the appeals (申诉) against
them: the window, who may still appeal, and when a period may become final.

A period's results are announced for a number of working days (Monday to Friday;
public holidays are not known to the portal, so a locality that announces across a
holiday sets more days) counted from the announcement day; a unit may appeal one
indicator's score until the end of the last day. The period becomes final (published)
only when the window has passed and no appeal is still open. An appeal's evidence file
is checked like a report's (``rules.submissions.evidence_type``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from assessment.enums import AppealStatus
from portal.i18n import _

__all__ = ["APPEAL_DECISIONS", "AnnouncementWindow", "announcement_window", "appeal_refusal",
           "finalize_problems", "working_days_after"]

APPEAL_DECISIONS: dict[AppealStatus, str] = {AppealStatus.UPHELD: "uphold",
                                            AppealStatus.REJECTED: "reject"}

@dataclass(frozen=True)
class AnnouncementWindow:
    """The days results are announced and open to appeal, both inclusive."""

    start: date
    end: date

    def is_open(self, today: date) -> bool:
        return self.start <= today <= self.end

    def has_passed(self, today: date) -> bool:
        return today > self.end


def working_days_after(start: date, days: int) -> date:
    """The last of ``days`` working days (Mon–Fri) beginning on ``start`` (or on the next
    working day when ``start`` falls on a weekend)."""
    day, counted = start, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted >= max(days, 1):
                return day
        day += timedelta(days=1)


def announcement_window(start: date, days: int) -> AnnouncementWindow:
    return AnnouncementWindow(start, working_days_after(start, days))


def appeal_refusal(window: AnnouncementWindow | None, today: date) -> str | None:
    """Why an appeal cannot be made today (None: it can)."""
    if window is None:
        return _("The results of this period are not announced, so they cannot be appealed.")
    if today < window.start:
        return _("The announcement starts on %(start)s; appeals are accepted from then.",
                 start=window.start.isoformat())
    if window.has_passed(today):
        return _("The announcement ended on %(end)s; appeals were accepted until then.",
                 end=window.end.isoformat())
    return None


def finalize_problems(window: AnnouncementWindow, today: date, open_appeals: int) -> list[str]:
    """What stops an announced period from becoming final (empty: nothing)."""
    problems = []
    if not window.has_passed(today):
        problems.append(_("The announcement runs until %(end)s; the results become final "
                          "after that.", end=window.end.isoformat()))
    if open_appeals:
        problems.append(_("%(n)s appeal(s) are still open; decide them first.", n=open_appeals))
    return problems
