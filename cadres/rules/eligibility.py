"""The eligibility engine (资格审查): may this cadre be promoted, rank-promoted or commended
on a date, and if not, why and until when? Pure: facts in, findings out.

Rules and their sources (domain.md §3–4):

blocks —
- ``under_investigation``: a filed case not yet closed (干部选拔任用工作条例 2019 art. 28);
- ``sanction_effect``: a measure in its effect period (art. 24 (六); 纪律处分条例 2023,
  政务处分法 2020 art. 8 and 19, 组织处理规定（试行）2021, 关于对党员领导干部进行诫勉的规定
  2019 — 诫勉 also rules out commendation for the calendar year);
- ``appraisal_grade``: the previous year's grade 基本称职 or lower (art. 24 (三));
- ``min_tenure``: years in the post (art. 9) or in the rank (公务员职务与职级并行规定 2019
  art. 18; a year graded 基本称职 or lower or left without a grade does not count,
  公务员考核规定 2020);
- ``unit_veto``: for the unit's leading cadres (local practice, a setting);
notes — ``pending_verification``, ``training_hours``, ``five_year_training``,
``unit_bottom_band``, ``recent_accountability``, ``tolerance_exempt``.

"As of" a date means as known then: a revocation, a change or a tolerance decision taken
later does not shorten a block as of an earlier date (domain.md §3).

``until`` is the first day a block no longer applies; ``None`` when it lasts until
someone acts (a case is closed, the next period is published, …).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from cadres.enums import AppraisalGrade, DecisionType
from portal.dates import add_months
from portal.enums import LeaderRole, Rank
from portal.i18n import gettext

# 基本称职 or lower, on either scale (domain.md §7)
BAD_GRADES = frozenset({"basically_competent", "incompetent", "basically_qualified", "unqualified"})
# years that do not count toward rank tenure: graded 基本称职 or lower, or left without a grade
# (公务员考核规定 2020; domain.md §4)
TENURE_LOST_GRADES = BAD_GRADES | {"not_graded"}

# 公务员职务与职级并行规定 (2019) art. 18: minimum months in the current rank before rank
# promotion, keyed by the current rank; a leading post of the matching level counts as the
# rank (县处级正职 as 二级调研员 toward 一级调研员, …). Ranks not listed need
# ``default_rank_tenure_months`` (2 years).
DEFAULT_RANK_TENURE_MONTHS: dict[str, int] = {
    "inspector_2": 48, "bureau_deputy": 48,          # → 一级巡视员: 4 years
    "researcher_1": 48,                              # → 二级巡视员: 4 years
    "researcher_2": 36, "county_chief": 36,          # → 一级调研员: 3 years
}


# --- facts -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasureFact:
    """A disciplinary or accountability measure as the accountability module reports it."""

    source: str                      # "measure:123"
    code: str                        # domain.md §2 code, e.g. "party_serious_warning"
    label: str                       # 严重警告
    decided_on: date
    effect_until: date | None  # first free day as decided (before any revocation); None: permanent
    has_period: bool = True          # False for talks, criticism, inquiries, circulars
    revoked_on: date | None = None
    tolerance: str | None = None     # exempt / mitigated / not_tolerated
    changed_on: date | None = None   # changed on appeal: from then on its replacement counts
    known_from: date | None = None   # a replacement is known from the day of the change
    tolerance_on: date | None = None  # the day the committee decided the tolerance outcome

    def known_on(self, day: date) -> bool:
        """Whether the measure, as recorded, was known on ``day`` (decided, and for a
        replacement, the change made) and not yet replaced by a change."""
        if self.decided_on > day or (self.known_from is not None and self.known_from > day):
            return False
        return self.changed_on is None or self.changed_on > day

    def revoked_by(self, day: date) -> bool:
        return self.revoked_on is not None and self.revoked_on <= day

    def tolerance_on_day(self, day: date) -> str | None:
        """The tolerance outcome as known on ``day`` (None before the committee decided)."""
        return self.tolerance if self.tolerance_on is None or self.tolerance_on <= day else None


@dataclass(frozen=True)
class CaseFact:
    source: str                      # "case:2026-017"
    case_no: str
    stage: str  # clue / verification / filed / investigation / review / decision / closed …
    filed_on: date | None = None


@dataclass(frozen=True)
class GradeFact:
    year: int
    grade: str                       # an AppraisalGrade code (either scale, or not_graded)
    source: str = ""


@dataclass(frozen=True)
class TrainingFact:
    year: int
    hours: float
    required: float
    five_year_hours: float | None = None
    five_year_required: float | None = None
    behind: bool | None = None  # behind the pace expected by now (None: judge by the total)
    five_year_behind: bool | None = None


@dataclass(frozen=True)
class UnitResultFact:
    source: str                      # "result:2026Q3:JZ01001"
    period_code: str
    unit_name: str
    grade: str                       # good / fair / average / poor
    vetoed: bool = False
    bottom_band: bool = False


@dataclass(frozen=True)
class CadreFacts:
    """Everything the engine needs to know about one cadre (gathered by the service)."""

    code: str
    rank: Rank | None
    rank_since: date | None
    position_since: date | None
    leader_role: LeaderRole = LeaderRole.MEMBER
    measures: tuple[MeasureFact, ...] = ()
    cases: tuple[CaseFact, ...] = ()
    grades: tuple[GradeFact, ...] = ()
    training: TrainingFact | None = None
    unit_result: UnitResultFact | None = None


@dataclass(frozen=True)
class EligibilityRules:
    """The numbers of the negative list, kept as data (defaults from domain.md §4)."""

    grade_window_years: int = 1          # 2019 条例 art. 24 (三): the previous year only
    deputy_to_principal_months: int = 24
    principal_to_higher_deputy_months: int = 36
    rank_tenure_months: dict[str,
                             int] = field(default_factory=lambda: dict(DEFAULT_RANK_TENURE_MONTHS))
    default_rank_tenure_months: int = 24
    # measures that also rule out commendation (评优) for the calendar year they were decided in
    # (关于对党员领导干部进行诫勉的规定 2019: 诫勉)
    no_commendation_in_year: frozenset[str] = frozenset({"admonishment"})
    recent_accountability_months: int = 12
    unit_veto_blocks: bool = True
    blocking_stages: frozenset[str] = frozenset({"filed", "investigation", "review", "decision"})
    verification_stages: frozenset[str] = frozenset({"clue", "verification"})


# --- results -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    rule: str
    reason: str
    until: date | None = None
    source: str | None = None

    def as_json(self, with_until: bool = True) -> dict:
        data = {"rule": self.rule, "reason": self.reason}
        if with_until:
            data["until"] = self.until.isoformat() if self.until else None
            data["source"] = self.source
        elif self.source:
            data["source"] = self.source
        return data


@dataclass(frozen=True)
class Eligibility:
    cadre: str
    as_of: date
    decision: DecisionType
    blocks: tuple[Finding, ...]
    notes: tuple[Finding, ...]

    @property
    def eligible(self) -> bool:
        return not self.blocks

    @property
    def lifts_on(self) -> date | None:
        """When every block has lifted (None if one lasts until someone acts, or none)."""
        if not self.blocks or any(b.until is None for b in self.blocks):
            return None
        return max(b.until for b in self.blocks)

    def as_json(self) -> dict:
        """The public JSON of ``portal eligibility --json`` (contracts.md)."""
        return {"cadre": self.cadre, "as_of": self.as_of.isoformat(),
                "decision": self.decision.value,
                "eligible": self.eligible, "blocks": [b.as_json() for b in self.blocks],
                "notes": [n.as_json(with_until=False) for n in self.notes]}


# --- calendar arithmetic -------------------------------------------------------------------------

def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


# --- the rules -----------------------------------------------------------------------------------

Rule = Callable[[CadreFacts, date, EligibilityRules], Iterable[Finding]]


def under_investigation(facts: CadreFacts, as_of: date,
                        rules: EligibilityRules) -> Iterable[Finding]:
    """A filed case not yet closed blocks until it is closed (干部选拔任用工作条例 第二十八条)."""
    for case in facts.cases:
        if case.stage in rules.blocking_stages:
            yield Finding("under_investigation",
                          gettext("case %(case)s filed %(date)s is not closed", case=case.case_no,
                                  date=_fmt(case.filed_on)), None, case.source)


def _measure_blocks(facts: CadreFacts, as_of: date, rules: EligibilityRules,
                    calendar_year: frozenset[str] = frozenset()) -> Iterable[Finding]:
    """Each measure in its effect period blocks on its own, as known on ``as_of``
    (domain.md §3); those in ``calendar_year`` also block until the end of the year decided."""
    for measure in facts.measures:
        tolerance = measure.tolerance_on_day(as_of)
        if not measure.has_period or tolerance == "exempt" or not measure.known_on(as_of):
            continue
        until = measure.effect_until
        if measure.code in calendar_year and until is not None:
            until = max(until, date(measure.decided_on.year + 1, 1, 1))
        if measure.revoked_by(as_of) and (until is None or measure.revoked_on < until):
            until = measure.revoked_on
        if until is not None and until <= as_of:
            continue
        if tolerance == "mitigated":
            reason = gettext("%(measure)s decided %(date)s (mitigated through error tolerance)",
                             measure=measure.label, date=_fmt(measure.decided_on))
        else:
            reason = gettext("%(measure)s decided %(date)s", measure=measure.label,
                             date=_fmt(measure.decided_on))
        yield Finding("sanction_effect", reason, until, measure.source)


def sanction_effect(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """A measure in its effect period blocks promotion (干部选拔任用工作条例 2019 art. 24 (六);
    periods: 纪律处分条例 2023, 政务处分法 2020 art. 8 and 19, 组织处理规定（试行）2021,
    诫勉规定 2019 — domain.md §3)."""
    return _measure_blocks(facts, as_of, rules)


def sanction_effect_commendation(facts: CadreFacts, as_of: date,
                                 rules: EligibilityRules) -> Iterable[Finding]:
    """For a commendation (评优): as ``sanction_effect``, and 诫勉 rules it out for the whole
    calendar year it was decided in (关于对党员领导干部进行诫勉的规定 2019; domain.md §3)."""
    return _measure_blocks(facts, as_of, rules, rules.no_commendation_in_year)


def appraisal_grade(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """The previous year's annual grade is 基本称职 or lower (干部选拔任用工作条例 2019
    art. 24 (三): "上一年年度考核结果为基本称职以下等次的"; the 2014 text's "近三年" no longer
    applies). ``grade_window_years`` (default 1) says how many years before ``as_of``'s
    count; the block lifts when the calendar moves on past them."""
    first_year = as_of.year - rules.grade_window_years
    for grade in facts.grades:
        if grade.grade in BAD_GRADES and first_year <= grade.year < as_of.year:
            yield Finding("appraisal_grade",
                          gettext("annual grade %(year)s: %(grade)s", year=grade.year,
                                  grade=_grade_label(grade.grade)),
                          date(grade.year + rules.grade_window_years + 1, 1, 1),
                          grade.source or None)


def min_tenure_post(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """Promotion to a leading post: deputy → principal at the same level ≥ 2 years in the
    deputy post; principal → deputy of the next level ≥ 3 years in the lower post
    (干部选拔任用工作条例 2019 art. 9)."""
    if facts.rank is None or not facts.rank.is_leading_post:
        return
    deputy = facts.rank.value.endswith("_deputy")
    months = rules.deputy_to_principal_months if deputy else rules.principal_to_higher_deputy_months
    since = facts.rank_since or facts.position_since
    if since is None:
        yield Finding("min_tenure",
                      gettext("the date of taking up the current post is not recorded"))
        return
    until = add_months(since, months)
    if as_of < until:
        yield Finding("min_tenure",
                      gettext("%(months)s months in the current post since %(since)s; "
                              "%(required)s required",
                              months=months_between(since, as_of), since=_fmt(since),
                              required=months),
                      until, f"cadre:{facts.code}")


def min_tenure_rank(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """Rank promotion (晋升职级): minimum years in the current rank, per rank (公务员职务与职级
    并行规定 2019 art. 18: 4 years for 一级/二级巡视员 and toward 二级巡视员, 3 toward 一级调研员,
    2 elsewhere; a leading post of the matching level counts as the rank). A year graded
    基本称职 or lower, or left without a grade (不定等次), does not count (公务员考核规定 2020)."""
    if facts.rank is None or facts.rank_since is None:
        yield Finding("min_tenure",
                      gettext("the current rank or the date it was reached is not recorded"))
        return
    required = rules.rank_tenure_months.get(facts.rank.value, rules.default_rank_tenure_months)
    lost_years = sum(
        1
        for g in facts.grades
        if g.grade in TENURE_LOST_GRADES and facts.rank_since.year <= g.year <= as_of.year
    )
    until = add_months(facts.rank_since, required + 12 * lost_years)
    if as_of < until:
        yield Finding("min_tenure",
                      gettext("%(months)s months in the current rank since %(since)s; "
                              "%(required)s required "
                              "(%(lost)s year(s) graded basically competent or lower, or without "
                              "a grade, do not count)",
                              months=months_between(facts.rank_since, as_of),
                              since=_fmt(facts.rank_since),
                              required=required, lost=lost_years),
                      until, f"cadre:{facts.code}")


def unit_veto(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """A veto (一票否决) in the unit's latest published results, for its leading cadres (local
    practice; the setting ``cadres.eligibility.unit_veto_blocks`` makes it a note)."""
    result = facts.unit_result
    if (
        result
        and result.vetoed
        and rules.unit_veto_blocks
        and facts.leader_role != LeaderRole.MEMBER
    ):
        yield Finding("unit_veto",
                      gettext("%(unit)s was vetoed in %(period)s", unit=result.unit_name,
                                           period=result.period_code), None, result.source)


# --- notes ---------------------------------------------------------------------------------------

def pending_verification(facts: CadreFacts, as_of: date,
                         rules: EligibilityRules) -> Iterable[Finding]:
    """A case still at clue or preliminary verification does not block; it is noted (domain.md
    §4)."""
    for case in facts.cases:
        if case.stage in rules.verification_stages:
            yield Finding("pending_verification",
                          gettext("case %(case)s is at the clue or preliminary verification stage",
                                  case=case.case_no), None, case.source)


def training_notes(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """Training behind the annual or five-year requirement (干部教育培训工作条例 2023 art. 14) is
    noted, not blocking (domain.md §4)."""
    training = facts.training
    if training is None:
        return
    behind = training.hours < training.required if training.behind is None else training.behind
    if training.required and behind:
        yield Finding("training_hours", gettext("%(hours)s of %(required)s hours this year",
                                                hours=_num(training.hours),
                                                required=_num(training.required)))
    five_behind = ((training.five_year_hours or 0) < (training.five_year_required or 0)
                   if training.five_year_behind is None else training.five_year_behind)
    if training.five_year_required and five_behind:
        yield Finding("five_year_training", gettext("%(hours)s of %(required)s hours in five years",
                                                    hours=_num(training.five_year_hours or 0),
                                                    required=_num(training.five_year_required)))


def unit_notes(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """For its leading cadres, the unit in the bottom grade band (or vetoed, when a veto is set
    not to block) in the latest published period is noted (local practice; domain.md §4)."""
    result = facts.unit_result
    if result is None or facts.leader_role == LeaderRole.MEMBER:
        return
    if result.vetoed and not rules.unit_veto_blocks:
        yield Finding("unit_veto",
                      gettext("%(unit)s was vetoed in %(period)s", unit=result.unit_name,
                                           period=result.period_code), None, result.source)
    elif result.bottom_band and not result.vetoed:
        yield Finding("unit_bottom_band",
                      gettext("%(unit)s is in the bottom grade band in %(period)s",
                                                  unit=result.unit_name, period=result.period_code),
                      None, result.source)


def accountability_notes(facts: CadreFacts, as_of: date,
                         rules: EligibilityRules) -> Iterable[Finding]:
    """An exempted measure (容错 免责, domain.md §5), and a measure without effect period in the
    last
    ``recent_accountability_months`` (local practice; domain.md §4), as known on ``as_of``."""
    recent = add_months(as_of, -rules.recent_accountability_months)
    for measure in facts.measures:
        if measure.tolerance_on_day(as_of) == "exempt" and measure.known_on(as_of):
            yield Finding("tolerance_exempt",
                          gettext("%(measure)s decided %(date)s was exempted through error "
                                  "tolerance",
                                  measure=measure.label, date=_fmt(measure.decided_on)), None,
                          measure.source)
        elif (not measure.has_period and recent <= measure.decided_on and measure.known_on(as_of)
              and not measure.revoked_by(as_of)):
            yield Finding("recent_accountability", gettext("%(measure)s decided %(date)s",
                                                           measure=measure.label,
                                                           date=_fmt(measure.decided_on)), None,
                          measure.source)


BLOCKS: dict[DecisionType, tuple[Rule, ...]] = {
    DecisionType.PROMOTION: (under_investigation, sanction_effect, appraisal_grade, min_tenure_post,
                             unit_veto),
    DecisionType.RANK_PROMOTION: (under_investigation, sanction_effect, appraisal_grade,
                                  min_tenure_rank),
    DecisionType.COMMENDATION: (under_investigation, sanction_effect_commendation, appraisal_grade),
}
NOTES: tuple[Rule, ...] = (pending_verification, training_notes, unit_notes, accountability_notes)


def evaluate(facts: CadreFacts, as_of: date, decision: DecisionType,
             rules: EligibilityRules | None = None) -> Eligibility:
    """Blocks and notes for ``decision`` about the cadre on ``as_of``."""
    rules = rules or EligibilityRules()
    blocks = [f for rule in BLOCKS.get(decision, ()) for f in rule(facts, as_of, rules)]
    notes = [f for rule in NOTES for f in rule(facts, as_of, rules)] if decision in BLOCKS else []
    blocks.sort(key=lambda f: (f.until is not None, f.until or date.max, f.rule))
    return Eligibility(facts.code, as_of, decision, tuple(blocks), tuple(notes))


def with_rules(rules: EligibilityRules, **changes) -> EligibilityRules:
    return replace(rules, **changes)


# --- words ---------------------------------------------------------------------------------------

def _grade_label(code: str) -> str:
    try:
        return AppraisalGrade(code).label
    except ValueError:
        return code


def _fmt(day: date | None) -> str:
    return day.isoformat() if day else "—"


def _num(value: float) -> str:
    return f"{value:g}"
