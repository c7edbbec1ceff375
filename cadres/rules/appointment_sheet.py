"""The printed appointment form (干部任免审批表, formats-lrmx.md "The printed form"): ages at
the form's date and how the form's texts fall onto A4 pages.

Pure: texts in, a ``SheetPlan`` out. The page (``cadres.pages.appointment_form``) draws the
grid with the row heights planned here, in millimetres, so a short record fills exactly one
page and a long résumé goes on to the back page instead of being cut. The line counts are
conservative estimates (a Chinese character is one em wide, Latin letters and digits 0.6 em):
a row planned too tall leaves white space, never an overflow.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# --- paper and grid (mm); the print CSS (assets/32-appointment-form.css) uses the same -----------
PAGE_HEIGHT = 297 - 2 * 10  # A4 less the top and bottom margins of @page
CONTENT_WIDTH = 180  # 210 less 2 × 15 mm
COLUMNS = (22, 24, 20, 24, 22, 32, 36)  # the form's seven columns; the last holds the photo
TITLE = 14  # the title line above the grid
FOOTER = 7  # the line below the grid: form date, filled in by
SAFETY = 4  # kept free on every page, for rounding in the browser
LINE = 4.8  # line height of the text (10.5 pt, 五号)
EM = 3.7  # 10.5 pt in mm
PAD = 1.6  # a cell's top and bottom padding together
BORDER = 0.5  # the rules between rows (0.25 mm) as the browser rounds them
SIDE_PAD = 2.4  # a cell's left and right padding together
DATE_WIDTH = 35  # the dates column inside the résumé cell

BASIC_ROW = 11  # name …, ethnicity …, Party entry …, title and expertise (the photo spans them)
EDUCATION_ROW = 11
POST_ROW = 9
TEXT_ROW = 9  # rewards and sanctions, appraisal, reason at their smallest
FAMILY_HEAD = 7
FAMILY_ROW = 6.2
FAMILY_ROWS = 4  # empty rows drawn when fewer people are listed
SUBMIT_ROW = 12
APPROVAL_ROW = 22
RESUME_MIN_LINES = 3


def age_at(born: date | None, on: date) -> int | None:
    """Whole years from ``born`` to ``on`` (a month-only birth date counts from its first)."""
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def span(first: int, count: int = 1) -> float:
    """The width of ``count`` columns from column ``first`` (0-based)."""
    return float(sum(COLUMNS[first:first + count]))


def text_width(text: str) -> float:
    """The width of one line of ``text`` in em (conservative)."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            width += 1.0
        elif char == " ":
            width += 0.35
        else:
            width += 0.6
    return width


def lines_needed(text: str, width_mm: float, em: float = EM) -> int:
    """How many lines ``text`` takes in a cell ``width_mm`` wide (at least one)."""
    room = max((width_mm - SIDE_PAD) / em, 1.0)
    total = 0
    for line in (text or "").split("\n"):
        width = text_width(line)
        total += max(1, int(-(-width // room)))  # ceiling
    return total


@dataclass(frozen=True)
class LabelFont:
    """The size of the labels (smaller in English, whose words are longer)."""

    em: float = 3.35  # 9.5 pt
    line: float = 4.2


LABELS_ZH = LabelFont()
LABELS_EN = LabelFont(em=2.65, line=3.3)  # 7.5 pt


def row_height(minimum: float, cells: Sequence[tuple[str, float]],
               labels: Sequence[tuple[str, float]] = (), font: LabelFont = LABELS_ZH) -> float:
    """The height of a row whose cells hold ``[(text, width mm)]`` and whose labels
    ``[(label, width mm)]``, at least ``minimum``."""
    lines = max((lines_needed(text, width) for text, width in cells), default=1)
    label_lines = max((lines_needed(text, width, font.em) for text, width in labels), default=1)
    return max(minimum, lines * LINE + PAD + BORDER, label_lines * font.line + PAD + BORDER)


@dataclass(frozen=True)
class ResumeEntry:
    """One line of the résumé as printed: its period (empty for a continuation) and text."""

    period: str
    text: str


RESUME_LINE = re.compile(r"^\s*(\d{4}\.\d{2})\s*-{1,2}\s*(\d{4}\.\d{2})?\s*(.*)$")


def resume_entries(text: str) -> list[ResumeEntry]:
    """The résumé text of the form (``yyyy.MM--yyyy.MM  text`` lines) as printed entries."""
    entries = []
    for line in (text or "").split("\n"):
        if not line.strip():
            continue
        match = RESUME_LINE.match(line)
        if match:
            start, end, rest = match.groups()
            entries.append(ResumeEntry(f"{start}--{end or ''}", rest.strip()))
        else:
            entries.append(ResumeEntry("", line.strip()))
    return entries


def resume_text_width() -> float:
    return span(1, 6) - DATE_WIDTH


def entry_lines(entry: ResumeEntry) -> int:
    return lines_needed(entry.text, resume_text_width())


@dataclass(frozen=True)
class FormTexts:
    """What decides the heights: the texts of the variable cells, as printed."""

    basic: Sequence[Sequence[tuple[str, float]]]  # the four rows beside the photo
    education: Sequence[Sequence[tuple[str, float]]]  # full-time, in-service
    posts: Sequence[str]  # current, proposed, removed
    resume: Sequence[ResumeEntry]
    rewards: str
    appraisal: str
    reason: str
    family: Sequence[Sequence[str]]  # relation, name, age, political status, work
    basic_labels: Sequence[Sequence[tuple[str, float]]] = ((), (), (), ())
    education_labels: Sequence[Sequence[tuple[str, float]]] = ((), ())
    text_labels: Sequence[str] = ("", "", "")  # rewards, appraisal, reason
    font: LabelFont = LABELS_ZH


@dataclass(frozen=True)
class SheetPlan:
    """Row heights in mm and where the résumé breaks.

    ``pages`` is 1 or 2. On two pages, page one holds the top of the grid and the first
    ``resume_split`` résumé entries, page two the rest of the résumé (if any) and the rest
    of the form."""

    pages: int
    basic: tuple[float, ...]
    education: tuple[float, ...]
    posts: tuple[float, ...]
    resume: float  # the résumé cell on page one
    resume_split: int
    resume_rest: float  # the continued résumé cell on page two (0: none)
    rewards: float
    appraisal: float
    reason: float
    family: tuple[float, ...]  # the header row, then one per row drawn
    submit: float = SUBMIT_ROW
    approval: float = APPROVAL_ROW


def _resume_height(entries: Sequence[ResumeEntry]) -> float:
    return max(RESUME_MIN_LINES, sum(entry_lines(e) for e in entries)) * LINE + PAD


def plan_sheet(texts: FormTexts) -> SheetPlan:
    """Heights for every row; one page when everything fits, else the résumé goes on overleaf."""
    font = texts.font
    basic = tuple(row_height(BASIC_ROW, row, labels, font)
                  for row, labels in zip(texts.basic, texts.basic_labels, strict=True))
    education = tuple(row_height(EDUCATION_ROW, row, labels, font)
                      for row, labels in zip(texts.education, texts.education_labels,
                                             strict=True))
    posts = tuple(row_height(POST_ROW, [(text, span(2, 5))]) for text in texts.posts)
    wide, label = span(1, 6), span(0)
    rewards, appraisal, reason = (
        row_height(TEXT_ROW + extra, [(text, wide)], [(name, label)], font)
        for text, name, extra in zip((texts.rewards, texts.appraisal, texts.reason),
                                     texts.text_labels, (3, 0, 1), strict=True))
    family_widths = (span(1), span(2), span(3), span(4), span(5, 2))
    family = [FAMILY_HEAD] + [row_height(FAMILY_ROW, list(zip(row, family_widths, strict=True)))
                              for row in texts.family]
    family += [FAMILY_ROW] * max(0, FAMILY_ROWS - len(texts.family))
    top = TITLE + sum(basic) + sum(education) + sum(posts)
    bottom = rewards + appraisal + reason + sum(family) + SUBMIT_ROW + APPROVAL_ROW + FOOTER
    room = PAGE_HEIGHT - SAFETY - top - bottom
    needed = _resume_height(texts.resume)
    common = dict(basic=basic, education=education, posts=posts, rewards=rewards,
                  appraisal=appraisal, reason=reason, family=tuple(family))
    if needed <= room:
        return SheetPlan(pages=1, resume=room, resume_split=len(texts.resume), resume_rest=0,
                         **common)
    first = PAGE_HEIGHT - SAFETY - top - FOOTER  # page one: the grid down to the résumé
    lines_room = int((first - PAD) // LINE) - 1  # one line for "continued overleaf"
    split, used = 0, 0
    for entry in texts.resume:
        lines = entry_lines(entry)
        if used + lines > lines_room:
            break
        split, used = split + 1, used + lines
    rest = texts.resume[split:]
    return SheetPlan(pages=2, resume=first, resume_split=split,
                     resume_rest=_resume_height(rest) if rest else 0, **common)
