"""The announcement (公示) of a period's computed results and the appeals (申诉) against
them: the window, who may still appeal, when a period may become final, and what an
evidence file must be.

A period's results are announced for a number of working days (Monday to Friday;
public holidays are not known to the portal, so a locality that announces across a
holiday sets more days) counted from the announcement day; a unit may appeal one
indicator's score until the end of the last day. The period becomes final (published)
only when the window has passed and no appeal is still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from assessment.enums import AppealStatus
from portal.i18n import _

__all__ = ["APPEAL_DECISIONS", "AnnouncementWindow", "EVIDENCE_TYPES", "announcement_window",
           "appeal_refusal", "evidence_type", "finalize_problems", "working_days_after"]

APPEAL_DECISIONS: dict[AppealStatus, str] = {AppealStatus.UPHELD: "uphold",
                                            AppealStatus.REJECTED: "reject"}

# What an evidence file may be, by the bytes it starts with (not by its name).
EVIDENCE_TYPES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
SUFFIXES = {"application/pdf": (".pdf",), "image/png": (".png",),
            "image/jpeg": (".jpg", ".jpeg")}


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


def evidence_type(data: bytes, filename: str, max_bytes: int) -> str:
    """The media type of an evidence file (PDF, PNG or JPEG), checked on its first bytes
    and against its name; raises ValueError saying what is wrong."""
    if not data:
        raise ValueError(_("The evidence file is empty."))
    if len(data) > max_bytes:
        raise ValueError(_("The evidence file is larger than %(mb)s MB.",
                           mb=f"{max_bytes / 1024 / 1024:g}"))
    found = next((kind for kind, starts in EVIDENCE_TYPES.items()
                  if any(data.startswith(start) for start in starts)), None)
    if found is None:
        raise ValueError(_("The evidence must be a PDF, PNG or JPEG file; %(name)s is none of "
                           "these.", name=filename or "?"))
    if not str(filename or "").lower().endswith(SUFFIXES[found]):
        raise ValueError(_("%(name)s is named like another kind of file than it holds "
                           "(%(kind)s).", name=filename or "?", kind=found))
    return found
