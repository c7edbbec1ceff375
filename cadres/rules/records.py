"""Pure rules of the full cadre record (干部信息, GB/T 14946.1-2019 data elements): national id
numbers, month dates, the résumé (简历) as dated lines, family members, and the texts the
appointment form derives from grades and measures. No database, no Flask, no Dash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from portal.i18n import _

# --- national id number (公民身份号码, GB 11643-1999) ------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # the check character for (weighted sum mod 11)


def id_check_character(first17: str) -> str:
    """The 18th character of an id number whose first 17 digits are ``first17``."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    """An id number as stored: no spaces, upper-case X. Raises ``ValueError`` with the reason
    when it is not 18 characters, has a bad birth date or a wrong check character."""
    number = "".join(str(value).split()).upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValueError(_("must be 18 characters: 17 digits and a digit or X"))
    try:
        id_birth_date(number)
    except ValueError:
        raise ValueError(_("holds no valid birth date (characters 7 to 14)")) from None
    if id_check_character(number[:17]) != number[17]:
        raise ValueError(_("has a wrong check character (GB 11643)"))
    return number


def id_birth_date(number: str) -> date:
    """The birth date written in characters 7–14 of an 18-character id number."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def mask_id_number(number: str | None) -> str:
    """What people who need not know see: the first three and last four characters."""
    if not number:
        return ""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


# --- month dates (yyyyMM) --------------------------------------------------------------------

def parse_month(value: str) -> date:
    """``yyyyMM``, ``yyyyMMdd``, ``yyyy.MM``, ``yyyy-MM`` or ``yyyy-MM-dd`` → a date (day 1
    when the day is not given). Raises ``ValueError`` with the reason."""
    raw = "".join(str(value).split())
    match = (re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", raw)
             or re.fullmatch(r"(\d{4})[.\-/](\d{1,2})(?:[.\-/](\d{1,2}))?", raw)
             or re.fullmatch(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?", raw))
    if not match:
        raise ValueError(_("must be a month written yyyyMM (e.g. 201907)"))
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("is not a real calendar date")) from None


def format_month(day: date | None) -> str:
    return f"{day.year:04d}{day.month:02d}" if day else ""


# --- résumé (简历) -----------------------------------------------------------------------------

RESUME_LINE = re.compile(
    r"^(\d{4})[.．](\d{1,2})\s*(?:--|—{1,2}|－{1,2}|-|–|~|～|至)\s*(?:(\d{4})[.．](\d{1,2}))?\s*(.*)$")
RESUME_INDENT = " " * 18  # under the text of a line: "2010.09--2014.07  " is 18 wide


@dataclass(frozen=True)
class ResumeLine:
    """One period of the résumé: from ``start`` to ``end`` (None: until now), what and where.
    ``text`` may hold several lines (an indented continuation such as 其间 …)."""

    start: date
    end: date | None
    text: str

    def as_json(self) -> dict:
        return {"start": format_month(self.start), "end": format_month(self.end), "text": self.text}

    @classmethod
    def from_json(cls, data: dict) -> ResumeLine:
        return cls(parse_month(data["start"]),
                   parse_month(data["end"]) if data.get("end") else None,
                   data["text"])


def normalize_lines(text: str) -> list[str]:
    """Lines of a form text, whether the writer separated them with newlines or ``<br>``."""
    text = re.sub(r"<br\s*/?>", "\n", text or "", flags=re.IGNORECASE)
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _period(match: re.Match) -> tuple[date, date | None] | None:
    try:
        start = date(int(match.group(1)), int(match.group(2)), 1)
        end = date(int(match.group(3)), int(match.group(4)), 1) if match.group(3) else None
    except ValueError:
        return None
    if end is not None and end < start:
        return None
    return start, end


def parse_resume(text: str) -> tuple[list[ResumeLine], list[str]]:
    """The dated lines of a résumé and the lines that could not be read (kept, never dropped).

    An indented line without a date continues the line above it (其间 …); any other line
    without a readable period goes to the second list as it is.
    """
    lines: list[ResumeLine] = []
    unparsed: list[str] = []
    for raw in normalize_lines(text):
        if not raw.strip():
            continue
        match = RESUME_LINE.match(raw.strip())
        period = _period(match) if match and match.group(5).strip() else None
        if period is not None:
            lines.append(ResumeLine(period[0], period[1], match.group(5).strip()))
        elif raw[:1].isspace() and lines and not match:
            last = lines[-1]
            lines[-1] = ResumeLine(last.start, last.end, f"{last.text}\n{raw.strip()}")
        else:
            unparsed.append(raw.strip())
    return lines, unparsed


def format_resume_line(line: ResumeLine) -> str:
    start = f"{line.start.year:04d}.{line.start.month:02d}"
    end = f"{line.end.year:04d}.{line.end.month:02d}" if line.end else " " * 7
    first, *more = line.text.split("\n")
    return "\n".join([f"{start}--{end}  {first}", *(RESUME_INDENT + m for m in more)])


def format_resume(lines: Sequence[ResumeLine], note: str = "") -> str:
    """The résumé as the form writes it; lines that could not be read come last, as they were."""
    out = [format_resume_line(line) for line in lines]
    out += [n for n in (note or "").split("\n") if n.strip()]
    return "\n".join(out)


def resume_problems(lines: Sequence[ResumeLine]) -> list[str]:
    """Why a résumé typed into the form is not acceptable (periods out of order)."""
    problems = []
    for earlier, later in zip(lines, lines[1:], strict=False):
        if later.start < earlier.start:
            start = f"{later.start.year}.{later.start.month:02d}"
            problems.append(_("the period starting %(start)s comes before the one above it",
                              start=start))
    return problems


# --- family members and important social relations (家庭主要成员及重要社会关系) ------------------

MAX_FAMILY = 10


@dataclass(frozen=True)
class FamilyMember:
    """One row of the family table: relation (称谓), name, birth month, political status code
    (GB/T 4762) and work unit and post."""

    relation: str
    name: str
    born: date | None
    political_status: str
    work: str

    def as_json(self) -> dict:
        return {"relation": self.relation, "name": self.name, "born": format_month(self.born),
                "political_status": self.political_status, "work": self.work}

    @classmethod
    def from_json(cls, data: dict) -> FamilyMember:
        return cls(data["relation"], data["name"],
                   parse_month(data["born"]) if data.get("born") else None,
                   data.get("political_status", ""), data.get("work", ""))


# --- texts the form derives (年度考核结果, 奖惩情况) ------------------------------------------

GRADE_NAMES = {"excellent": "优秀", "competent": "称职", "basically_competent": "基本称职",
               "incompetent": "不称职"}
APPRAISAL_YEARS = 3  # the form reports the last three years


def appraisal_text(grades: Iterable[tuple[int, str]]) -> str:
    """年度考核结果 from ``[(year, grade code)]``: the last three years, consecutive years of the
    same grade together: "2023年、2024年年度考核称职，2025年年度考核优秀"."""
    latest = sorted(dict(grades).items())[-APPRAISAL_YEARS:]
    groups: list[tuple[list[int], str]] = []
    for year, grade in latest:
        if groups and groups[-1][1] == grade:
            groups[-1][0].append(year)
        else:
            groups.append(([year], grade))
    return "，".join("、".join(f"{y}年" for y in years) + f"年度考核{GRADE_NAMES.get(grade, grade)}"
                    for years, grade in groups)


def merged_text(stored: str, derived: Iterable[str]) -> str:
    """The stored text with each derived line that it does not already contain added below.

    Exporting, importing and exporting again gives the same text: the second export finds
    every derived line already in the imported text.
    """
    lines = [line for line in normalize_lines(stored) if line.strip()]
    for line in derived:
        if line and line not in lines:
            lines.append(line)
    return "\n".join(lines)
