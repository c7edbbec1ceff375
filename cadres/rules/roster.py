"""Condition search (条件检索) → roster (花名册): the conditions as plain data and the pure
arithmetic the search needs (the rank ladder, ages and years at a date, years at the
grassroots read from the résumé). No database, no Flask, no Dash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from portal.dates import add_months
from portal.enums import RANK_GRADE, Rank

# What "and above" looks like in a rank condition: 二级主任科员+, 二级主任科员及以上, ≥二级主任科员
AND_ABOVE_SUFFIXES = ("及以上", "以上", "+")
AND_ABOVE_PREFIXES = ("≥", ">=")

TRAINING_CHOICES = ("complete", "on_pace", "behind")
ELIGIBILITY_CHOICES = ("promotion", "rank_promotion", "commendation")


@dataclass(frozen=True)
class RankCondition:
    """One rank asked for: exactly ``rank``, or ``rank`` and every rank above it on the ladder."""

    rank: Rank
    and_above: bool = False

    def as_text(self) -> str:
        return self.rank.value + ("+" if self.and_above else "")


def parse_rank_condition(value: str) -> RankCondition:
    """``principal_staff_2``, ``二级主任科员`` (a code or a label) with ``+`` or ``及以上`` for
    "and above". ``ValueError`` when the rank is unknown."""
    raw = "".join(str(value).split())
    and_above = False
    for prefix in AND_ABOVE_PREFIXES:
        if raw.startswith(prefix):
            raw, and_above = raw[len(prefix):], True
    for suffix in AND_ABOVE_SUFFIXES:
        if raw.endswith(suffix):
            raw, and_above = raw[: -len(suffix)], True
            break
    return RankCondition(Rank.parse(raw), and_above)


# Non-leading ranks in the order of the ladder (公务员职务与职级并行规定 2019 art. 5): within one
# grade of ``RANK_GRADE`` (一级 and 二级主任科员 share a grade) the higher rank comes later.
LADDER = [r for r in Rank if not r.is_leading_post]


def ranks_at_or_above(rank: Rank) -> set[Rank]:
    """Every rank and leading post at or above ``rank`` (二级主任科员 and above: 一级主任科员,
    四级调研员 …, and the leading posts of the same grade or higher, such as 乡科级正职).

    A higher grade of ``RANK_GRADE`` is always above. Within the same grade, a rank on the
    ladder is above when it comes later (一级 above 二级主任科员); a leading post of the grade
    counts as at or above a rank of that grade, and a rank of the grade as at or above its
    leading post (the matching levels of the 2019 rules), except that a principal post is
    above a deputy one.
    """
    grade = RANK_GRADE[rank]
    found = {r for r in Rank if RANK_GRADE[r] > grade}
    for other in Rank:
        if RANK_GRADE[other] != grade:
            continue
        if other == rank:
            found.add(other)
        elif not rank.is_leading_post and not other.is_leading_post:
            if LADDER.index(other) > LADDER.index(rank):
                found.add(other)
        elif rank.is_leading_post and other.is_leading_post:
            if other.value.endswith("_chief") or rank.value.endswith("_deputy"):
                found.add(other)
        else:
            found.add(other)
    return found


def wanted_ranks(conditions: Iterable[RankCondition]) -> set[Rank]:
    """The ranks any of the conditions accepts (their union)."""
    found: set[Rank] = set()
    for condition in conditions:
        found |= ranks_at_or_above(condition.rank) if condition.and_above else {condition.rank}
    return found


@dataclass(frozen=True)
class Conditions:
    """What a reviewer searches for; every condition left empty accepts everyone, the others
    combine with AND. ``as_of`` is the date ages, years and eligibility are computed at."""

    unit: str | None = None                    # a unit code: the unit and its subtree
    ranks: tuple[RankCondition, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    gender: str | None = None                  # male / female
    education: str | None = None               # an education code (GB/T 4658): this or higher
    min_rank_years: float | None = None
    min_post_years: float | None = None
    min_grassroots_years: float | None = None  # from the résumé (``grassroots_years``)
    training: str | None = None                # complete / on_pace / behind, this year
    good_grades_years: int | None = None       # no grade below 称职 in the last N years
    eligible_for: str | None = None            # promotion / rank_promotion / commendation
    as_of: date | None = None

    def as_json(self) -> dict:
        """The conditions as stored with a saved search (and shown in the audit log)."""
        data = asdict(self)
        data["ranks"] = [r.as_text() for r in self.ranks]
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        return {k: v for k, v in data.items() if v not in (None, [], "")}

    @property
    def decision(self) -> str:
        """The decision whose blocks each result shows (promotion unless another is asked)."""
        return self.eligible_for or "promotion"


# --- ages and years at a date ---------------------------------------------------------------

def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def years_between(start: date | None, end: date) -> float | None:
    """Years from ``start`` to ``end`` to one decimal (None without a start)."""
    if start is None:
        return None
    return round(max(0, (end - start).days) / 365.25, 1)


def latest_birth_for_min_age(age: int, day: date) -> date:
    """Someone is at least ``age`` on ``day`` when born on or before this date."""
    return _years_before(day, age)


def earliest_birth_for_max_age(age: int, day: date) -> date:
    """Someone is at most ``age`` on ``day`` when born after this date (returned exclusive)."""
    return _years_before(day, age + 1)


def latest_start_for_years(years: float, day: date) -> date:
    """A post or rank taken on or before this date has lasted at least ``years`` on ``day``
    (whole months: 2.5 years = 30 months)."""
    return add_months(day, -round(years * 12))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- years at the grassroots (基层工作经历) ---------------------------------------------------

# A résumé line is a grassroots post when its text names a street, township, community or
# village (街道/乡镇/社区/村, with 乡 and 镇 on their own) — the units below a district where
# 干部选拔任用工作条例 counts 基层工作经历 — and is not schooling (学习/就读/读书/毕业) nor a
# county office that only has the word in its name (乡村振兴局, 城乡建设 …).
GRASSROOTS = re.compile(r"街道|乡|镇|社区|村")
NOT_GRASSROOTS = re.compile(r"学习|就读|读书|毕业|进修|乡村振兴|城乡|乡镇企业局|村镇建设")


def is_grassroots(text: str) -> bool:
    first = (text or "").strip().split("\n", 1)[0]
    return bool(GRASSROOTS.search(first)) and not NOT_GRASSROOTS.search(first)


def grassroots_years(resume: Sequence[dict], day: date) -> float:
    """Years spent in grassroots posts by ``day``, from the résumé lines (``{start, end, text}``
    as the record stores them, months ``yyyyMM``; an open end is ``day``). The end month
    counts in full (2016.01--2021.12 then 2022.01-- leaves no gap); overlapping lines count
    once; lines whose dates cannot be read are left out."""
    spans: list[tuple[date, date]] = []
    for line in resume or ():
        if not isinstance(line, dict) or not is_grassroots(str(line.get("text", ""))):
            continue
        start = _month(line.get("start"))
        end = add_months(_month(line.get("end")), 1) if _month(line.get("end")) else day
        if start is None or end is None:
            continue
        end = min(end, day)
        if end > start:
            spans.append((start, end))
    days, reach = 0, None
    for start, end in sorted(spans):
        if reach is not None and start < reach:
            start = reach
        if end > start:
            days += (end - start).days
        reach = max(reach or end, end)
    return round(days / 365.25, 1)


def _month(value) -> date | None:
    text = str(value or "")
    match = re.fullmatch(r"(\d{4})(\d{2})", text)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None
