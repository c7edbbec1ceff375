"""Training and appraisal rules as pure functions (no database, no web).

Training (干部教育培训工作条例, 2023, art. 14; domain.md §6): a standard (培训标准) gives each
group of cadres annual class hours (学时), a minimum of online hours (网络培训, local practice),
how much of the annual requirement online study may fill, minimum hours per content
category, and for leading cadres at county/division level and above and civil servants
ranked 四级调研员 and above a five-year requirement (550 hours). A plan
(年度培训计划) is a standard applied to one cadre and one year; progress compares the
hours recorded against the plan. A course counts once per cadre.

Appraisal (公务员考核规定; domain.md §7): 优秀 at most a share (default 20%) of those
assessed in a unit.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from cadres.enums import AppraisalGrade, ClaimStatus, TrainingCategory, TrainingMode
from portal.enums import RANK_GRADE, CadreCategory, Rank
from portal.i18n import N_

CATEGORIES = tuple(TrainingCategory)
CATEGORY_CODES = tuple((c, c.value) for c in CATEGORIES)  # enum .value is slow in a hot loop
EPSILON = 1e-9


# --- standards ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Standard:
    """A training standard (培训标准) for the cadres of one category from a rank upwards."""

    code: str
    name: str
    cadre_category: CadreCategory | None  # None: any category
    min_rank_grade: int  # 0: any rank; 6: county/division level (县处级) and above
    annual_hours: float
    online_hours: float  # minimum online hours (网络培训) a year
    online_share_cap: float | None  # most of the annual requirement online study may fill
    category_hours: Mapping[TrainingCategory, float]
    five_year_hours: float | None  # county/division level and above, 四级调研员 and above
    source: str


COUNTY_GRADE = RANK_GRADE[Rank.COUNTY_DEPUTY]

_FIVE_YEAR_SOURCE = N_(
    "干部教育培训工作条例 (2023) art. 14: leading cadres at county/division level and above and "
    "civil servants "
    "ranked 四级调研员 and above, at least 3 months or 550 class hours in five years (annual "
    "target 550 ÷ 5). "
    "Local practice, not in the 条例: online learning (网络培训) at least 50 hours a year, "
    "category minimums and "
    "the online share")
_FIVE_YEAR_CATEGORY_HOURS = {TrainingCategory.THEORY: 30, TrainingCategory.PARTY_SPIRIT: 24,
                             TrainingCategory.PROFESSIONAL: 30, TrainingCategory.KNOWLEDGE: 10}

DEFAULT_STANDARDS: tuple[Standard, ...] = (
    Standard(
        code="leading_county", name=N_("Leading cadres at county/division level and above"),
        cadre_category=CadreCategory.LEADING, min_rank_grade=COUNTY_GRADE,
        annual_hours=110, online_hours=50, online_share_cap=0.5,
             category_hours=_FIVE_YEAR_CATEGORY_HOURS,
        five_year_hours=550, source=_FIVE_YEAR_SOURCE,
    ),
    Standard(
        code="civil_servant_researcher", name=N_("Civil servants ranked 四级调研员 and above"),
        cadre_category=CadreCategory.CIVIL_SERVANT, min_rank_grade=COUNTY_GRADE,
        annual_hours=110, online_hours=50, online_share_cap=0.5,
             category_hours=_FIVE_YEAR_CATEGORY_HOURS,
        five_year_hours=550, source=_FIVE_YEAR_SOURCE,
    ),
    Standard(
        code="general", name=N_("Other cadres (township/section level, 一级主任科员 and below)"),
        cadre_category=None, min_rank_grade=0,
        annual_hours=90, online_hours=50, online_share_cap=0.5,
        category_hours={TrainingCategory.THEORY: 20, TrainingCategory.PARTY_SPIRIT: 20,
                        TrainingCategory.PROFESSIONAL: 30, TrainingCategory.KNOWLEDGE: 10},
        five_year_hours=None,
        source=N_("干部教育培训工作条例 (2023) art. 14: cadres at township/section level and "
                  "civil servants ranked "
                  "一级主任科员 and below, at least 12 days or 90 class hours a year. Local "
                  "practice, not in the "
                  "条例: online learning (网络培训) at least 50 hours a year, category minimums "
                  "and the online share"),
    ),
)


def rank_grade(rank: Rank | None) -> int:
    return RANK_GRADE[rank] if rank is not None else 0


def resolve_standard(standards: Iterable[Standard], category: CadreCategory,
                     rank: Rank | None) -> Standard | None:
    """The most specific standard that applies: a named category beats "any", then the
    highest rank threshold the cadre reaches."""
    grade = rank_grade(rank)
    matching = [s for s in standards
                if s.cadre_category in (None, category) and grade >= s.min_rank_grade]
    if not matching:
        return None
    return max(matching, key=lambda s: (s.cadre_category is not None, s.min_rank_grade))


def hours_from_days(days: float, day_hours: float = 8) -> float:
    """Class hours for days of training (one day counts as ``day_hours``, default 8)."""
    return days * day_hours


def five_year_window(year: int, cycle_start: int = 2023) -> tuple[int, int]:
    """The five-year cycle (e.g. 2023–2027, the national training plan's) holding ``year``."""
    start = cycle_start + 5 * math.floor((year - cycle_start) / 5)
    return start, start + 4


# --- plans ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanTargets:
    """What one cadre must complete in one year (年度培训计划)."""

    year: int
    annual_hours: float
    online_hours: float
    online_share_cap: float | None
    category_hours: Mapping[TrainingCategory, float]
    five_year_hours: float | None
    deadline: date
    standard_code: str = ""


def plan_from_standard(standard: Standard, year: int) -> PlanTargets:
    return PlanTargets(year=year, annual_hours=standard.annual_hours,
                       online_hours=standard.online_hours,
                       online_share_cap=standard.online_share_cap,
                       category_hours=dict(standard.category_hours),
                       five_year_hours=standard.five_year_hours, deadline=date(year, 12, 31),
                       standard_code=standard.code)


# --- records --------------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def course_key(title: str) -> str:
    """The identity of a course for "counts once": the title without case, width, spaces
    or punctuation (so 《党章》专题 and 党章专题 are the same course)."""
    normalized = unicodedata.normalize("NFKC", title).casefold()
    return _PUNCTUATION.sub("", normalized)[:200] or normalized.strip()[:200]


@dataclass(frozen=True)
class RecordLine:
    """One training record, as the rules need it."""

    title: str
    category: TrainingCategory
    mode: TrainingMode
    hours: float
    completed_on: date

    @property
    def key(self) -> tuple[int, str]:
        return self.completed_on.year, course_key(self.title)


def once_per_course(records: Iterable[RecordLine]) -> list[RecordLine]:
    """Keep one record per course and year (the first seen): a course counts once per cadre."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for record in records:
        if record.key not in seen:
            seen.add(record.key)
            kept.append(record)
    return kept


@dataclass(frozen=True)
class HoursTally:
    """Hours one cadre completed in one year, by category and mode (the cells are summed once,
    when the tally is made: treat them as read-only)."""

    cells: Mapping[tuple[TrainingCategory, TrainingMode], float] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Iterable[RecordLine]) -> HoursTally:
        cells: dict[tuple[TrainingCategory, TrainingMode], float] = {}
        for record in once_per_course(records):
            cell = (record.category, record.mode)
            cells[cell] = cells.get(cell, 0.0) + record.hours
        return cls(cells)

    def __post_init__(self) -> None:
        # the total and the hours by mode and by category, summed once in one pass (progress reads
        # them many times); each sum adds the same hours in the same order as ``sum()`` over the
        # cells would, so the floats are identical
        total: float = 0
        by_mode: dict = {}
        by_category: dict = {}
        for (category, mode), hours in self.cells.items():
            total += hours
            by_mode[mode] = by_mode.get(mode, 0) + hours
            by_category[category] = by_category.get(category, 0) + hours
        object.__setattr__(self, "_sums",
                           (total, by_mode, by_category, by_mode.get(TrainingMode.ONLINE, 0),
                                           by_mode.get(TrainingMode.OFFLINE, 0)))

    @property
    def total(self) -> float:
        return self._sums[0]

    def mode(self, mode: TrainingMode) -> float:
        return self._sums[1].get(mode, 0)

    @property
    def online(self) -> float:
        return self._sums[3]

    @property
    def offline(self) -> float:
        return self._sums[4]

    def category(self, category: TrainingCategory) -> float:
        return self._sums[2].get(category, 0)


def counted_hours(tally: HoursTally, annual_hours: float, online_share_cap: float | None) -> float:
    """Hours that count toward the annual requirement: all offline hours, and online hours
    up to ``online_share_cap`` × the annual requirement (no cap when None)."""
    if online_share_cap is None:
        return tally.total
    return tally.offline + min(tally.online, online_share_cap * annual_hours)


# --- progress -------------------------------------------------------------------------------

ANNUAL = "annual"
ONLINE = "online"
FIVE_YEAR = "five_year"


@dataclass(frozen=True)
class Gap:
    """One requirement of a plan: ``requirement`` is annual, online, five_year or a category
    code."""

    requirement: str
    required: float
    done: float

    @property
    def missing(self) -> float:
        return max(0.0, round(self.required - self.done, 6))

    @property
    def met(self) -> bool:
        return self.missing <= EPSILON


@dataclass(frozen=True)
class TrainingProgress:
    """Where a cadre stands against their plan for a year, as of a day."""

    year: int
    as_of: date
    deadline: date
    hours_total: float  # every hour recorded in the year (each course once)
    hours_counted: float  # toward the annual requirement (online capped)
    online_hours: float
    offline_hours: float
    hours_by_category: Mapping[TrainingCategory, float]
    required_hours: float
    required_online: float
    required_by_category: Mapping[TrainingCategory, float]
    gaps: tuple[Gap, ...]
    expected_by_now: float
    behind: bool
    projected_year_end: float
    projected_completion: date | None
    five_year_window: tuple[int, int] | None = None
    five_year_hours: float | None = None
    five_year_required: float | None = None
    five_year_expected_by_now: float | None = None
    five_year_behind: bool = False
    standard_code: str = ""
    cadre_id: int | None = None

    @property
    def complete(self) -> bool:
        return all(g.met for g in self.gaps if g.requirement != FIVE_YEAR)

    @property
    def missing_hours(self) -> float:
        return self.gap(ANNUAL).missing

    def gap(self, requirement: str) -> Gap:
        return next(g for g in self.gaps if g.requirement == requirement)

    @property
    def completion_rate(self) -> float:
        """Counted hours as a share of the annual requirement (capped at 1)."""
        if self.required_hours <= 0:
            return 1.0
        return min(1.0, self.hours_counted / self.required_hours)


def elapsed_share(start: date, end: date, as_of: date) -> float:
    """The share of the days from ``start`` to ``end`` (both included) that have passed on
    ``as_of``."""
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def projected_completion(counted: float, required: float, start: date, as_of: date) -> date | None:
    """The day the requirement is reached at the pace so far (None: no hours yet, or already
    met)."""
    if counted >= required - EPSILON or counted <= 0 or as_of < start:
        return None
    days_so_far = (as_of - start).days + 1
    days_needed = math.ceil(required / (counted / days_so_far) - EPSILON)
    return start + timedelta(days=days_needed - 1)


def progress(targets: PlanTargets, tally: HoursTally, as_of: date, *,
             earlier_years: Mapping[int, HoursTally] | None = None,
             cycle_start: int = 2023, cadre_id: int | None = None) -> TrainingProgress:
    """Progress against ``targets`` from the year's ``tally`` (and, for a five-year
    requirement, the tallies of the earlier years of the cycle)."""
    year_start = date(targets.year, 1, 1)
    counted = counted_hours(tally, targets.annual_hours, targets.online_share_cap)
    gaps = [Gap(ANNUAL, targets.annual_hours, counted),
            Gap(ONLINE, targets.online_hours, tally.online)]
    gaps += [Gap(code, targets.category_hours.get(c, 0.0), tally.category(c))
             for c, code in CATEGORY_CODES if targets.category_hours.get(c, 0.0) > 0]
    share = elapsed_share(year_start, targets.deadline, as_of)
    expected = targets.annual_hours * share
    past_deadline = as_of > targets.deadline
    behind = counted < expected - EPSILON or (past_deadline and not all(g.met for g in gaps))
    pace_days = max(1, (min(as_of, targets.deadline) - year_start).days + 1)
    projected_end = counted if past_deadline or share == 0 else \
        counted / pace_days * ((targets.deadline - year_start).days + 1)
    five = {}
    if targets.five_year_hours:
        window = five_year_window(targets.year, cycle_start)
        years = dict(earlier_years or {})
        years[targets.year] = tally
        done = sum(counted_hours(t, targets.annual_hours, targets.online_share_cap)
                   for y, t in years.items() if window[0] <= y <= window[1])
        # a past year's five-year progress is judged at that year's end
        five_expected = targets.five_year_hours * elapsed_share(
            date(window[0], 1, 1), date(window[1], 12, 31), min(as_of, date(targets.year, 12, 31)))
        gaps.append(Gap(FIVE_YEAR, targets.five_year_hours, done))
        five = dict(five_year_window=window, five_year_hours=done,
                    five_year_required=targets.five_year_hours,
                    five_year_expected_by_now=five_expected,
                    five_year_behind=done < five_expected - EPSILON)
    return TrainingProgress(
        year=targets.year, as_of=as_of, deadline=targets.deadline, hours_total=tally.total,
        hours_counted=counted, online_hours=tally.online, offline_hours=tally.offline,
        hours_by_category={c: tally.category(c) for c in CATEGORIES},
        required_hours=targets.annual_hours, required_online=targets.online_hours,
        required_by_category=dict(targets.category_hours), gaps=tuple(gaps),
        expected_by_now=expected, behind=behind, projected_year_end=projected_end,
        projected_completion=projected_completion(counted, targets.annual_hours, year_start,
                                                  min(as_of, targets.deadline)),
        standard_code=targets.standard_code, cadre_id=cadre_id, **five,
    )


# --- claims ---------------------------------------------------------------------------------

CLAIM_TRANSITIONS: dict[tuple[ClaimStatus, str], ClaimStatus] = {
    (ClaimStatus.PENDING, "approve"): ClaimStatus.APPROVED,
    (ClaimStatus.PENDING, "reject"): ClaimStatus.REJECTED,
    (ClaimStatus.PENDING, "withdraw"): ClaimStatus.WITHDRAWN,
}


def next_claim_status(current: ClaimStatus, action: str) -> ClaimStatus:
    """Where a claim goes on ``action``; ValueError when the action is not allowed now."""
    try:
        return CLAIM_TRANSITIONS[(current, action)]
    except KeyError:
        raise ValueError(f"cannot {action} a claim that is {current.value}") from None


# --- appraisal grades -----------------------------------------------------------------------

@dataclass(frozen=True)
class QuotaCheck:
    """The 优秀 quota of one unit in one year."""

    unit_id: int
    year: int
    assessed: int
    excellent: int
    quota: float

    @property
    def allowed(self) -> int:
        return excellent_allowed(self.assessed, self.quota)

    @property
    def over(self) -> bool:
        return self.excellent > self.allowed

    @property
    def share(self) -> float:
        return self.excellent / self.assessed if self.assessed else 0.0


def excellent_allowed(assessed: int, quota: float) -> int:
    """How many of ``assessed`` cadres may be graded 优秀: at most ``quota`` of them."""
    return math.floor(assessed * quota + EPSILON)


def check_excellent_quota(grades: Iterable[tuple[int, int, AppraisalGrade]],
                          quota_for: Mapping[int, float], default_quota: float) -> list[QuotaCheck]:
    """One check per (unit, year) from ``(unit_id, year, grade)`` triples."""
    counts: dict[tuple[int, int], list[int]] = {}
    for unit_id, year, grade in grades:
        cell = counts.setdefault((unit_id, year), [0, 0])
        cell[0] += 1
        cell[1] += grade == AppraisalGrade.EXCELLENT
    return quota_checks_of_counts(((unit_id, year, assessed, excellent)
                                   for (unit_id, year), (assessed, excellent) in counts.items()),
                                  quota_for, default_quota)


def quota_checks_of_counts(counts: Iterable[tuple[int, int, int, int]],
                           quota_for: Mapping[int, float],
                           default_quota: float) -> list[QuotaCheck]:
    """One check per (unit, year) from ``(unit_id, year, assessed, excellent)`` counted already
    (in the database, for a whole city), ordered by unit and year."""
    return [QuotaCheck(unit_id, year, assessed, excellent, quota_for.get(unit_id, default_quota))
            for unit_id, year, assessed, excellent in sorted(counts)]
