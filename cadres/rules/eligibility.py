"""The eligibility engine (资格审查): may this cadre be promoted, rank-promoted or commended
on a date, and if not, why and until when? Pure: facts in, findings out.

Rules (domain.md §3–4; 干部选拔任用工作条例 2019, 纪律处分条例 2023, 政务处分法 2020,
公务员考核规定, 推进领导干部能上能下规定 2022):

blocks — ``under_investigation``, ``sanction_effect``, ``appraisal_grade``,
``min_tenure`` and, for the unit's leading cadres, ``unit_veto``;
notes — ``pending_verification``, ``training_hours``, ``five_year_training``,
``unit_bottom_band``, ``recent_accountability``, ``tolerance_exempt``.

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

BAD_GRADES = frozenset({"basically_competent", "incompetent"})


# --- facts -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasureFact:
    """A disciplinary or accountability measure as the accountability module reports it."""

    source: str                      # "measure:123"
    code: str                        # domain.md §2 code, e.g. "party_serious_warning"
    label: str                       # 严重警告
    decided_on: date
    effect_until: date | None        # first free day; None: permanent
    has_period: bool = True          # False for talks, criticism, inquiries, circulars
    revoked_on: date | None = None
    tolerance: str | None = None     # exempt / mitigated / not_tolerated


@dataclass(frozen=True)
class CaseFact:
    source: str                      # "case:2026-017"
    case_no: str
    stage: str                       # clue / verification / filed / investigation / review / decision / closed …
    filed_on: date | None = None


@dataclass(frozen=True)
class GradeFact:
    year: int
    grade: str                       # excellent / competent / basically_competent / incompetent
    source: str = ""


@dataclass(frozen=True)
class TrainingFact:
    year: int
    hours: float
    required: float
    five_year_hours: float | None = None
    five_year_required: float | None = None
    behind: bool | None = None           # behind the pace expected by now (None: judge by the total)
    five_year_behind: bool | None = None


@dataclass(frozen=True)
class UnitResultFact:
    source: str                      # "result:2026Q3:330901"
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

    grade_window_years: int = 3
    deputy_to_principal_months: int = 24
    principal_to_higher_deputy_months: int = 36
    rank_tenure_months: dict[str, int] = field(default_factory=dict)
    default_rank_tenure_months: int = 24
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
        return {"cadre": self.cadre, "as_of": self.as_of.isoformat(), "decision": self.decision.value,
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


def under_investigation(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """A filed case not yet closed blocks until it is closed (干部选拔任用工作条例 第二十八条)."""
    for case in facts.cases:
        if case.stage in rules.blocking_stages:
            yield Finding("under_investigation",
                          gettext("case %(case)s filed %(date)s is not closed", case=case.case_no,
                                  date=_fmt(case.filed_on)), None, case.source)


def sanction_effect(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """Each measure in its effect period blocks on its own (domain.md §3)."""
    for measure in facts.measures:
        if not measure.has_period or measure.tolerance == "exempt" or measure.decided_on > as_of:
            continue
        until = measure.effect_until
        if measure.revoked_on is not None and (until is None or measure.revoked_on < until):
            until = measure.revoked_on
        if until is not None and until <= as_of:
            continue
        if measure.tolerance == "mitigated":
            reason = gettext("%(measure)s decided %(date)s (mitigated through error tolerance)",
                             measure=measure.label, date=_fmt(measure.decided_on))
        else:
            reason = gettext("%(measure)s decided %(date)s", measure=measure.label,
                             date=_fmt(measure.decided_on))
        yield Finding("sanction_effect", reason, until, measure.source)


def appraisal_grade(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """A 基本称职 or 不称职 annual grade in the last ``grade_window_years`` years."""
    first_year = as_of.year - rules.grade_window_years
    for grade in facts.grades:
        if grade.grade in BAD_GRADES and first_year <= grade.year <= as_of.year:
            yield Finding("appraisal_grade",
                          gettext("annual grade %(year)s: %(grade)s", year=grade.year,
                                  grade=_grade_label(grade.grade)),
                          date(grade.year + rules.grade_window_years + 1, 1, 1), grade.source or None)


def min_tenure_post(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """Promotion to a leading post: deputy → principal at the same level ≥ 2 years in the
    deputy post; principal → deputy of the next level ≥ 3 years in the lower post."""
    if facts.rank is None or not facts.rank.is_leading_post:
        return
    deputy = facts.rank.value.endswith("_deputy")
    months = rules.deputy_to_principal_months if deputy else rules.principal_to_higher_deputy_months
    since = facts.rank_since or facts.position_since
    if since is None:
        yield Finding("min_tenure", gettext("the date of taking up the current post is not recorded"))
        return
    until = add_months(since, months)
    if as_of < until:
        yield Finding("min_tenure",
                      gettext("%(months)s months in the current post since %(since)s; %(required)s required",
                              months=months_between(since, as_of), since=_fmt(since), required=months),
                      until, f"cadre:{facts.code}")


def min_tenure_rank(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """Rank promotion: minimum years in the current rank; a year graded 基本称职 or lower
    does not count toward it."""
    if facts.rank is None or facts.rank_since is None:
        yield Finding("min_tenure", gettext("the current rank or the date it was reached is not recorded"))
        return
    required = rules.rank_tenure_months.get(facts.rank.value, rules.default_rank_tenure_months)
    lost_years = sum(1 for g in facts.grades
                     if g.grade in BAD_GRADES and facts.rank_since.year <= g.year <= as_of.year)
    until = add_months(facts.rank_since, required + 12 * lost_years)
    if as_of < until:
        yield Finding("min_tenure",
                      gettext("%(months)s months in the current rank since %(since)s; %(required)s required "
                              "(%(lost)s year(s) graded basically competent or lower do not count)",
                              months=months_between(facts.rank_since, as_of), since=_fmt(facts.rank_since),
                              required=required, lost=lost_years),
                      until, f"cadre:{facts.code}")


def unit_veto(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    """A veto (一票否决) in the unit's latest published results, for its leading cadres."""
    result = facts.unit_result
    if result and result.vetoed and rules.unit_veto_blocks and facts.leader_role != LeaderRole.MEMBER:
        yield Finding("unit_veto", gettext("%(unit)s was vetoed in %(period)s", unit=result.unit_name,
                                           period=result.period_code), None, result.source)


# --- notes ---------------------------------------------------------------------------------------

def pending_verification(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    for case in facts.cases:
        if case.stage in rules.verification_stages:
            yield Finding("pending_verification",
                          gettext("case %(case)s is at the clue or preliminary verification stage",
                                  case=case.case_no), None, case.source)


def training_notes(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    training = facts.training
    if training is None:
        return
    behind = training.hours < training.required if training.behind is None else training.behind
    if training.required and behind:
        yield Finding("training_hours", gettext("%(hours)s of %(required)s hours this year",
                                                hours=_num(training.hours), required=_num(training.required)))
    five_behind = ((training.five_year_hours or 0) < (training.five_year_required or 0)
                   if training.five_year_behind is None else training.five_year_behind)
    if training.five_year_required and five_behind:
        yield Finding("five_year_training", gettext("%(hours)s of %(required)s hours in five years",
                                                    hours=_num(training.five_year_hours or 0),
                                                    required=_num(training.five_year_required)))


def unit_notes(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    result = facts.unit_result
    if result is None or facts.leader_role == LeaderRole.MEMBER:
        return
    if result.vetoed and not rules.unit_veto_blocks:
        yield Finding("unit_veto", gettext("%(unit)s was vetoed in %(period)s", unit=result.unit_name,
                                           period=result.period_code), None, result.source)
    elif result.bottom_band and not result.vetoed:
        yield Finding("unit_bottom_band", gettext("%(unit)s is in the bottom grade band in %(period)s",
                                                  unit=result.unit_name, period=result.period_code),
                      None, result.source)


def accountability_notes(facts: CadreFacts, as_of: date, rules: EligibilityRules) -> Iterable[Finding]:
    recent = add_months(as_of, -rules.recent_accountability_months)
    for measure in facts.measures:
        if measure.tolerance == "exempt" and measure.decided_on <= as_of:
            yield Finding("tolerance_exempt",
                          gettext("%(measure)s decided %(date)s was exempted through error tolerance",
                                  measure=measure.label, date=_fmt(measure.decided_on)), None, measure.source)
        elif not measure.has_period and recent <= measure.decided_on <= as_of and not measure.revoked_on:
            yield Finding("recent_accountability", gettext("%(measure)s decided %(date)s",
                                                           measure=measure.label,
                                                           date=_fmt(measure.decided_on)), None, measure.source)


BLOCKS: dict[DecisionType, tuple[Rule, ...]] = {
    DecisionType.PROMOTION: (under_investigation, sanction_effect, appraisal_grade, min_tenure_post, unit_veto),
    DecisionType.RANK_PROMOTION: (under_investigation, sanction_effect, appraisal_grade, min_tenure_rank),
    DecisionType.COMMENDATION: (under_investigation, sanction_effect, appraisal_grade),
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
