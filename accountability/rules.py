"""The rules of accountability as plain data and pure functions (no database, no web).

- the measure catalogue: each measure's form, Chinese name, effect period, what it
  blocks and the regulation it comes from (domain.md §2–3);
- effect periods: when a measure stops blocking promotion (``effect_of``);
- the case workflow: allowed transitions, stage time limits, days left (domain.md §8);
- the error-tolerance checklist and what it advises (domain.md §5);
- due dates of name clearing and follow-up visits.

Every number here is a default; the administrator changes them as settings
(``accountability.settings``) and the service passes the current values in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from accountability.enums import (
    BlockKind,
    CaseStage,
    Form,
    MeasureType,
    SubjectKind,
    ToleranceOutcome,
)
from portal.dates import add_months
from portal.enums import CadreCategory
from portal.i18n import N_

# --- the measure catalogue ------------------------------------------------------------------

SRC_NOTE = N_("Recorded and shown as a note; no effect period by itself (domain.md §3)")
SRC_ADMONISH = "关于对党员领导干部进行诫勉的规定 (2019)"
SRC_PARTY = "中国共产党纪律处分条例 (2023)"
SRC_GOV = "中华人民共和国公职人员政务处分法 (2020) art. 8, 19"
SRC_ORG_HANDLING = "中国共产党组织处理规定（试行） (2021)"
SRC_TRANSFER = ("中国共产党组织处理规定（试行） (2021); the 1-year period is not confirmed in a "
                "public text "
                "(kept as data)")
SRC_RESIGN = "中国共产党组织处理规定（试行） (2021); 推进领导干部能上能下规定 (2022)"
SRC_ACCOUNTABILITY = "中国共产党问责条例 (2019) art. 8"
SRC_JUDICIAL = "中华人民共和国监察法 (2018) art. 45; 中国共产党纪律处分条例 (2023)"


@dataclass(frozen=True)
class MeasureSpec:
    """One measure of the catalogue.

    ``months`` is the effect period counted from the decision date (0: none, recorded as
    a note; None: permanent). ``first_phase`` is a stricter block at the start of the
    period (责令辞职/免职: no leading post at all in the first year). For 留党察看 the
    period is the probation (1 or 2 years, blocking all promotion) followed by ``months``
    more blocking an equal-or-higher post.
    """

    code: MeasureType
    zh: str
    form: Form
    months: int | None
    blocks: BlockKind
    source: str
    subject: SubjectKind = SubjectKind.CADRE
    first_phase: tuple[BlockKind, int] | None = None
    follow_up: bool = False  # a sanctioned cadre gets a follow-up visit (回访教育)
    probation: bool = False


M, F, B = MeasureType, Form, BlockKind
CATALOGUE: tuple[MeasureSpec, ...] = (
    MeasureSpec(M.TALK_REMINDER, "谈话提醒", F.FIRST, 0, B.NONE, SRC_NOTE),
    MeasureSpec(M.CRITICISM, "批评教育", F.FIRST, 0, B.NONE, SRC_NOTE),
    MeasureSpec(M.LETTER_INQUIRY, "函询", F.FIRST, 0, B.NONE, SRC_NOTE),
    MeasureSpec(M.SELF_EXAMINATION, "责令检查", F.FIRST, 0, B.NONE, SRC_NOTE),
    MeasureSpec(M.ADMONISHMENT, "诫勉", F.FIRST, 6, B.PROMOTION, SRC_ADMONISH),
    MeasureSpec(M.CIRCULAR, "通报", F.FIRST, 0, B.NONE, SRC_ACCOUNTABILITY),
    MeasureSpec(M.PARTY_WARNING, "警告", F.SECOND, 12, B.PROMOTION, SRC_PARTY, follow_up=True),
    MeasureSpec(M.PARTY_SERIOUS_WARNING, "严重警告", F.SECOND, 18, B.PROMOTION, SRC_PARTY,
                follow_up=True),
    MeasureSpec(M.GOV_WARNING, "政务警告", F.SECOND, 6, B.PROMOTION, SRC_GOV, follow_up=True),
    MeasureSpec(M.GOV_DEMERIT, "记过", F.SECOND, 12, B.PROMOTION, SRC_GOV, follow_up=True),
    MeasureSpec(M.GOV_MAJOR_DEMERIT, "记大过", F.SECOND, 18, B.PROMOTION, SRC_GOV, follow_up=True),
    MeasureSpec(M.TRANSFER, "调离岗位", F.SECOND, 12, B.PROMOTION, SRC_TRANSFER, follow_up=True),
    MeasureSpec(M.ORDERED_RESIGNATION, "责令辞职", F.SECOND, 24, B.PROMOTION, SRC_RESIGN,
                first_phase=(B.NO_LEADING_POST, 12), follow_up=True),
    MeasureSpec(M.REMOVAL, "免职", F.SECOND, 24, B.PROMOTION, SRC_RESIGN,
                first_phase=(B.NO_LEADING_POST, 12), follow_up=True),
    MeasureSpec(M.PARTY_POST_REMOVAL, "撤销党内职务", F.THIRD, 24, B.EQUAL_OR_HIGHER_POST,
                SRC_PARTY,
                follow_up=True),
    MeasureSpec(M.PARTY_PROBATION, "留党察看", F.THIRD, 24, B.EQUAL_OR_HIGHER_POST, SRC_PARTY,
                follow_up=True, probation=True),
    MeasureSpec(M.PARTY_EXPULSION, "开除党籍", F.THIRD, None, B.ALL, SRC_PARTY),
    MeasureSpec(M.GOV_DOWNGRADE, "降级", F.THIRD, 24, B.PROMOTION, SRC_GOV, follow_up=True),
    MeasureSpec(M.GOV_DISMISSAL_POST, "撤职", F.THIRD, 24, B.PROMOTION, SRC_GOV, follow_up=True),
    MeasureSpec(M.GOV_EXPULSION, "开除", F.THIRD, None, B.ALL, SRC_GOV),
    MeasureSpec(M.DEMOTION, "降职", F.THIRD, 24, B.PROMOTION, SRC_ORG_HANDLING, follow_up=True),
    MeasureSpec(M.JUDICIAL_TRANSFER, "移送司法", F.FOURTH, None, B.ALL, SRC_JUDICIAL),
    MeasureSpec(M.ORG_INSPECTION, "检查", F.FIRST, 0, B.NONE, SRC_ACCOUNTABILITY,
                subject=SubjectKind.UNIT),
    MeasureSpec(M.ORG_CIRCULAR, "通报", F.FIRST, 0, B.NONE, SRC_ACCOUNTABILITY,
                subject=SubjectKind.UNIT),
    MeasureSpec(M.ORG_REORGANIZATION, "改组", F.SECOND, 0, B.NONE, SRC_ACCOUNTABILITY,
                subject=SubjectKind.UNIT),
)
SPECS: dict[MeasureType, MeasureSpec] = {spec.code: spec for spec in CATALOGUE}

# Chinese names accepted in import files besides the catalogue's own (domain.md §2–3).
# "通报" alone means the circular on a cadre; the organization's is "通报（组织）".
MEASURE_ALIASES = {
    "党内警告": "party_warning", "党内严重警告": "party_serious_warning", "政务记过": "gov_demerit",
    "政务记大过": "gov_major_demerit", "政务降级": "gov_downgrade",
                   "政务撤职": "gov_dismissal_post",
    "政务开除": "gov_expulsion", "通报批评": "circular", "检查（组织）": "org_inspection",
    "检查(组织)": "org_inspection", "通报（组织）": "org_circular", "通报(组织)": "org_circular",
    "责令作出书面检查": "org_inspection", "移送司法机关": "judicial_transfer",
}


def parse_measure(text: str, subject: SubjectKind = SubjectKind.CADRE) -> MeasureType:
    """A measure from its code, English label, Chinese name (domain.md) or a known variant.

    A Chinese name shared by a cadre measure and an organization measure (通报, 检查)
    resolves by the subject. Raises ``ValueError`` for anything else.
    """
    raw = str(text).strip()
    if raw in MEASURE_ALIASES:
        return MeasureType(MEASURE_ALIASES[raw])
    named = [spec.code for spec in CATALOGUE if spec.zh == raw]
    if named:
        fitting = [code for code in named if SPECS[code].subject == subject]
        return (fitting or named)[0]
    return MeasureType.parse(raw)


# --- who may receive what (domain.md §3) ------------------------------------------------------

PARTY_SANCTIONS = frozenset({MeasureType.PARTY_WARNING, MeasureType.PARTY_SERIOUS_WARNING,
                             MeasureType.PARTY_POST_REMOVAL, MeasureType.PARTY_PROBATION,
                             MeasureType.PARTY_EXPULSION})
GOV_SANCTIONS = frozenset({MeasureType.GOV_WARNING, MeasureType.GOV_DEMERIT,
                           MeasureType.GOV_MAJOR_DEMERIT, MeasureType.GOV_DOWNGRADE,
                           MeasureType.GOV_DISMISSAL_POST, MeasureType.GOV_EXPULSION})
# 政务处分法 (2020) art. 22: managers of villagers' and residents' committees (基层群众性自治组织)
# may receive 警告, 记过 or 记大过 only.
COMMITTEE_GOV_SANCTIONS = frozenset({MeasureType.GOV_WARNING, MeasureType.GOV_DEMERIT,
                                     MeasureType.GOV_MAJOR_DEMERIT})
# The cadre categories of the registry that are villagers' or residents' committee members.
COMMITTEE_CATEGORIES = frozenset({CadreCategory.VILLAGE, CadreCategory.COMMUNITY})
SRC_PARTY_MEMBERS_ONLY = (
    "中国共产党纪律处分条例 (2023) art. 8: party sanctions are for party members"
)
SRC_COMMITTEES = "中华人民共和国公职人员政务处分法 (2020) art. 22"


def recipient_problem(code: MeasureType | str, *, party_member: bool,
                      category: CadreCategory | str | None) -> str | None:
    """Why this cadre cannot receive the measure (an English msgid with ``%(measure)s``), or
    None: party sanctions only for party members (纪律处分条例); members of villagers' and
    residents' committees only 警告, 记过 or 记大过 as government sanctions (政务处分法 art. 22)."""
    code = MeasureType(code)
    if code in PARTY_SANCTIONS and not party_member:
        return N_("“%(measure)s” is a party sanction and the cadre is not a party member "
                  "(中国共产党纪律处分条例 2023 art. 8).")
    committee = category is not None and CadreCategory(category) in COMMITTEE_CATEGORIES
    if code in GOV_SANCTIONS and committee and code not in COMMITTEE_GOV_SANCTIONS:
        return N_("“%(measure)s” cannot be given to a member of a villagers' or residents' "
                  "committee: only "
                  "警告, 记过 or 记大过 (政务处分法 2020 art. 22).")
    return None


def companions(code: MeasureType | str, *, party_member: bool,
               category: CadreCategory | str | None) -> tuple[MeasureType, ...]:
    """The measures that go with ``code`` for this cadre: 移送司法 of a public official comes
    with both expulsions (开除党籍 and 开除, "双开") where they apply (domain.md §3)."""
    if MeasureType(code) != MeasureType.JUDICIAL_TRANSFER:
        return ()
    return tuple(c for c in (MeasureType.PARTY_EXPULSION, MeasureType.GOV_EXPULSION)
                 if recipient_problem(c, party_member=party_member, category=category) is None)


del M, F, B

# Effect periods the administrator may change: {code: months}; None means permanent.
EffectTable = Mapping[str, int | None]
DEFAULT_EFFECT_MONTHS: dict[str, int | None] = {spec.code.value: spec.months for spec in CATALOGUE}


@dataclass(frozen=True)
class Phase:
    """A stretch of an effect period: what is blocked, and the first day it no longer is."""

    blocks: BlockKind
    until: date | None  # None: until someone acts (permanent)


@dataclass(frozen=True)
class Effect:
    """When and how a measure blocks personnel decisions (domain.md §3).

    ``until`` is the first day nothing is blocked any more (``None``: lasts until someone
    acts); a measure that never blocks has ``until == decided_on`` and ``blocks == none``.
    ``ended_by`` says why it stopped early: ``revoked``, ``changed`` or ``exempt``.
    """

    code: MeasureType
    decided_on: date
    until: date | None
    blocks: BlockKind
    phases: tuple[Phase, ...] = ()
    ended_by: str | None = None
    tolerance_outcome: ToleranceOutcome | None = None
    source: str = ""

    @property
    def form(self) -> Form:
        return SPECS[self.code].form

    @property
    def permanent(self) -> bool:
        return bool(self.phases) and self.until is None

    def blocks_on(self, day: date) -> BlockKind:
        """What the measure blocks on ``day`` (``none`` outside its effect period)."""
        if day < self.decided_on:
            return BlockKind.NONE
        for phase in self.phases:
            if phase.until is None or day < phase.until:
                return phase.blocks
        return BlockKind.NONE

    def in_effect(self, day: date) -> bool:
        return self.blocks_on(day) != BlockKind.NONE


def _phases(spec: MeasureSpec, decided_on: date, months: int | None,
            probation_years: int | None) -> list[Phase]:
    if spec.blocks == BlockKind.NONE or months == 0:
        return []
    if months is None:
        return [Phase(spec.blocks, None)]
    if spec.probation:
        # 留党察看: all promotion is blocked during probation; once rights are restored,
        # a post equal to or above the former one stays blocked for ``months`` more.
        years = probation_years if probation_years in (1, 2) else 1
        return [Phase(BlockKind.PROMOTION, add_months(decided_on, 12 * years)),
                Phase(spec.blocks, add_months(decided_on, 12 * years + months))]
    phases = []
    if spec.first_phase and spec.first_phase[1] < months:
        phases.append(Phase(spec.first_phase[0], add_months(decided_on, spec.first_phase[1])))
    phases.append(Phase(spec.blocks, add_months(decided_on, months)))
    return phases


def _cut(phases: list[Phase], decided_on: date, stop: date) -> list[Phase]:
    """The phases as they were when the measure stopped blocking on ``stop``."""
    kept = []
    start = decided_on
    for phase in phases:
        if stop <= start:
            break
        until = stop if phase.until is None or stop < phase.until else phase.until
        kept.append(Phase(phase.blocks, until))
        start = until
    return kept


def effect_of(code: MeasureType | str, decided_on: date, *, probation_years: int | None = None,
              revoked_on: date | None = None, changed_on: date | None = None,
              tolerance_outcome: ToleranceOutcome | str | None = None,
              table: EffectTable | None = None) -> Effect:
    """When a measure stops blocking promotion (domain.md §3).

    - the period counts from the decision date in calendar months (``add_months``);
    - 留党察看 (``probation_years`` 1 or 2) blocks all promotion during probation and an
      equal-or-higher post for 2 more years; permanent measures have ``until=None``;
    - a measure revoked on appeal stops blocking on ``revoked_on``; a measure changed on
      appeal stops on ``changed_on`` (its replacement is computed from the original
      decision date by its own call);
    - an exempted measure (容错 免责) never blocks; a mitigated one blocks as the lighter
      measure actually recorded, so nothing changes here but the label.
    """
    code = MeasureType(code)
    spec = SPECS[code]
    outcome = ToleranceOutcome(tolerance_outcome) if tolerance_outcome else None
    months = (table or DEFAULT_EFFECT_MONTHS).get(code.value, spec.months)
    phases = _phases(spec, decided_on, months, probation_years)
    ended_by = None
    if outcome == ToleranceOutcome.EXEMPT:
        phases, ended_by = [], "exempt"
    stops = [(day, why) for day, why in ((revoked_on, "revoked"), (changed_on, "changed")) if day]
    if stops and phases:
        stop, why = min(stops)
        last = phases[-1].until
        if last is None or stop < last:
            phases, ended_by = _cut(phases, decided_on, stop), why
    elif stops and ended_by is None:
        ended_by = min(stops)[1]
    if not phases:
        return Effect(code, decided_on, decided_on, BlockKind.NONE, (), ended_by, outcome,
                      spec.source)
    return Effect(code, decided_on, phases[-1].until, phases[0].blocks, tuple(phases), ended_by,
                  outcome,
                  spec.source)


def latest_until(effects: list[Effect]) -> date | None:
    """Several measures each block on their own; the block lifts on the latest end date.
    Returns None when one of them is permanent (and the latest date otherwise)."""
    blocking = [e for e in effects if e.phases]
    if not blocking:
        return None
    if any(e.until is None for e in blocking):
        return None
    return max(e.until for e in blocking)  # type: ignore[type-var]


# --- the case workflow ----------------------------------------------------------------------

S = CaseStage
TRANSITIONS: dict[CaseStage, tuple[CaseStage, ...]] = {
    S.CLUE: (S.VERIFICATION, S.NO_CASE),
    S.VERIFICATION: (S.FILED, S.NO_CASE),
    S.FILED: (S.INVESTIGATION,),
    S.INVESTIGATION: (S.REVIEW,),
    S.REVIEW: (S.DECISION,),
    S.DECISION: (S.CLOSED, S.APPEAL),
    S.CLOSED: (S.APPEAL,),
    S.APPEAL: (S.CLOSED,),
    S.NO_CASE: (),
}
MAIN_LINE = (S.CLUE, S.VERIFICATION, S.FILED, S.INVESTIGATION, S.REVIEW, S.DECISION, S.CLOSED)
del S

# Stage time limits (domain.md §8), in months: ``from`` says which date starts the clock
# ("stage": the day the case entered the stage; "filed": the filing date, so the
# investigation limit covers filing and investigation together).
DEFAULT_STAGE_LIMITS: dict[str, dict] = {
    "verification": {"months": 3, "from": "stage"},
    "filed": {"months": 6, "from": "filed"},
    "investigation": {"months": 6, "from": "filed"},
    "review": {"months": 1, "from": "stage"},
    "appeal": {"months": 3, "from": "stage"},
}
DEFAULT_EXTENSION = {"stages": ["filed", "investigation"], "months": 3, "max": 1}
DEFAULT_APPEAL_WINDOW_MONTHS = 1


def transition_problem(current: CaseStage, target: CaseStage) -> str | None:
    """Why ``current → target`` is not allowed (an English msgid), or None when it is."""
    if target == current:
        return N_("The case is already at this stage.")
    if target not in TRANSITIONS[CaseStage(current)]:
        return N_("A case at stage “%(current)s” cannot move to “%(target)s”; allowed next: "
                  "%(allowed)s.")
    return None


def allowed_next(current: CaseStage) -> tuple[CaseStage, ...]:
    return TRANSITIONS[CaseStage(current)]


def stage_deadline(stage: CaseStage, stage_since: date, filed_on: date | None,
                   extended_months: int = 0,
                   limits: Mapping[str, dict] | None = None) -> date | None:
    """The last day allowed for the current stage, or None when the stage has no limit."""
    rule = (limits or DEFAULT_STAGE_LIMITS).get(CaseStage(stage).value)
    if not rule or rule.get("months") is None:
        return None
    start = filed_on if rule.get("from") == "filed" and filed_on else stage_since
    # As in Chinese procedure law, the starting day is not counted: a 3-month limit from
    # 2026-01-10 is due on 2026-04-10.
    return add_months(start, int(rule["months"]) + extended_months)


def days_left(deadline: date | None, today: date) -> int | None:
    """Days from ``today`` to the deadline (0 on the last day, negative when overdue)."""
    return None if deadline is None else (deadline - today).days


def is_overdue(deadline: date | None, today: date) -> bool:
    return deadline is not None and today > deadline


def extension_problem(stage: CaseStage, extensions_so_far: int,
                      rule: Mapping | None = None) -> str | None:
    rule = rule or DEFAULT_EXTENSION
    if CaseStage(stage).value not in rule["stages"]:
        return N_("Only the investigation time limit can be extended.")
    if extensions_so_far >= int(rule["max"]):
        return N_("The time limit of this case has already been extended %(n)s time(s), the most "
                  "allowed.")
    return None


def appeal_deadline(decided_on: date, months: int = DEFAULT_APPEAL_WINDOW_MONTHS) -> date:
    """The last day an appeal (申诉) against a decision may be lodged."""
    return add_months(decided_on, months)


# --- error tolerance (容错纠错) ---------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str  # English msgid
    group: str  # "distinction" | "condition" | "exclusion"


DISTINCTION, GROUND, CONDITION, LIGHTER, EXCLUSION = (
    "distinction",
    "ground",
    "condition",
    "lighter",
    "exclusion",
)
CRITERIA: tuple[Criterion, ...] = (
    # The "three distinctions" (三个区分开来, 2016; 问责条例 2019 art. 17 (一)): alternatives, any one  # noqa: E501
    # of them grounds tolerance.
    Criterion(
        "reform_inexperience",
        N_("A mistake from lack of experience in reform and trial, not a knowing violation"),
        DISTINCTION,
    ),
    Criterion(
        "exploration_unrestricted",
        N_(
            "A mistake in exploration not yet explicitly restricted, not persisting after a "
            "prohibition"
        ),
        DISTINCTION,
    ),
    Criterion(
        "development_unintentional",
        N_("An unintentional error in promoting development, not a violation for personal gain"),
        DISTINCTION,
    ),
    # Typical conditions (local 容错纠错 rules).
    Criterion(
        "followed_procedure",
        N_("Followed decision procedures (collective decision, legal basis)"),
        CONDITION,
    ),
    Criterion("public_interest", N_("Acted for the public, no personal gain"), CONDITION),
    Criterion("not_prohibited", N_("Not explicitly prohibited at the time"), CONDITION),
    Criterion(
        "corrected_initiative", N_("Took the initiative to correct and limit losses"), CONDITION
    ),
    Criterion("no_serious_loss", N_("No serious loss or bad social impact"), CONDITION),
    Criterion("not_repeated", N_("Not a repeated mistake"), CONDITION),
    # 问责条例 (2019) art. 17 (二)(三): further grounds for no or exempted accountability.
    Criterion(
        "opposed_on_record",
        N_("Opposed the wrong collective decision in writing or on record"),
        GROUND,
    ),
    Criterion(
        "unforeseeable",
        N_("Did their duty, but force majeure or what could not be foreseen caused the loss"),
        GROUND,
    ),
    # 问责条例 (2019) art. 18: grounds for lighter accountability (从轻或者减轻).
    Criterion(
        "recovered_losses", N_("Recovered or limited the losses on their own initiative"), LIGHTER
    ),
    Criterion(
        "cooperated",
        N_("Cooperated actively with the accountability inquiry and took responsibility"),
        LIGHTER,
    ),
    Criterion("other_lighter", N_("Other circumstances for lighter accountability"), LIGHTER),
    # Typical exclusions: any of them rules tolerance out.
    Criterion("excl_personal_gain", N_("Exclusion: sought personal gain"), EXCLUSION),
    Criterion("excl_eight_point_rules", N_("Exclusion: breached the eight-point rules"), EXCLUSION),
    Criterion("excl_repeated_after_warning", N_("Exclusion: repeated after a warning"), EXCLUSION),
    Criterion("excl_serious_consequences", N_("Exclusion: serious consequences"), EXCLUSION),
)
CRITERIA_BY_CODE = {c.code: c for c in CRITERIA}
TOLERANCE_SOURCE = ("关于进一步激励广大干部新时代新担当新作为的意见 (2018); 三个区分开来 (2016); "
                    "中国共产党问责条例 "
                    "(2019) art. 17, 18; local 容错纠错 rules")


@dataclass(frozen=True)
class ToleranceAdvice:
    """What the checklist suggests to the committee; the committee decides."""

    outcome: ToleranceOutcome
    exclusions: tuple[str, ...] = ()
    unmet: tuple[str, ...] = field(default_factory=tuple)

    @property
    def grounded(self) -> bool:
        """Whether a ground for tolerance or for lighter accountability is met (an empty
        ``unmet`` under ``not_tolerated`` means an exclusion decided it)."""
        return self.outcome != ToleranceOutcome.NOT_TOLERATED or bool(self.exclusions)


def _ticked(checks: Mapping[str, bool], group: str) -> tuple[str, ...]:
    return tuple(c.code for c in CRITERIA if c.group == group and checks.get(c.code))


def tolerance_advice(checks: Mapping[str, bool]) -> ToleranceAdvice:
    """What the checklist suggests (domain.md §5):

    - any exclusion → not tolerated;
    - a ground — any one of the three distinctions, or another ground of 问责条例 art. 17 —
      with every typical condition met → exempt (the distinctions are alternatives, not a
      checklist to tick in full);
    - a ground with some condition unmet, or a ground for lighter accountability (art. 18)
      → mitigated at most;
    - none of them → not tolerated (``unmet`` lists the grounds).
    """
    exclusions = _ticked(checks, EXCLUSION)
    if exclusions:
        return ToleranceAdvice(ToleranceOutcome.NOT_TOLERATED, exclusions)
    grounded = bool(_ticked(checks, DISTINCTION) or _ticked(checks, GROUND))
    unmet_conditions = tuple(
        c.code for c in CRITERIA if c.group == CONDITION and not checks.get(c.code)
    )
    if grounded and not unmet_conditions:
        return ToleranceAdvice(ToleranceOutcome.EXEMPT)
    if grounded or _ticked(checks, LIGHTER):
        return ToleranceAdvice(ToleranceOutcome.MITIGATED, (), unmet_conditions)
    grounds = tuple(c.code for c in CRITERIA if c.group in (DISTINCTION, GROUND, LIGHTER))
    return ToleranceAdvice(ToleranceOutcome.NOT_TOLERATED, (), grounds)


def decision_problem(outcome: ToleranceOutcome, checks: Mapping[str, bool]) -> str | None:
    """Tolerance (exempt or mitigated) is refused when a typical exclusion is ticked."""
    if (
        ToleranceOutcome(outcome) != ToleranceOutcome.NOT_TOLERATED
        and tolerance_advice(checks).exclusions
    ):
        return N_("An exclusion is ticked in the checklist, so the application can only be “not "
                  "tolerated”.")
    return None


def lighter(original: MeasureType, replacement: MeasureType) -> bool:
    """Whether ``replacement`` is a lighter measure than ``original`` (a lower form, or the
    same form with a shorter effect period) — what a mitigated decision must record."""
    a, b = SPECS[MeasureType(original)], SPECS[MeasureType(replacement)]
    if a.form != b.form:
        return b.form.number < a.form.number
    length = {None: 10_000}
    return length.get(b.months, b.months) < length.get(a.months, a.months)


# --- follow-ups -----------------------------------------------------------------------------

DEFAULT_FOLLOW_UP_MONTHS = (6, 12)  # 回访教育 typically within 6–12 months of the decision
DEFAULT_NAME_CLEARING_MONTHS = 1  # 澄清正名 within a month of the finding
DEFAULT_APPLICATION_WINDOW_MONTHS = 1  # 容错 application within a month of the finding


def follow_up_window(decided_on: date,
                     months: tuple[int, int] = DEFAULT_FOLLOW_UP_MONTHS) -> tuple[date, date]:
    """The earliest and the last day of the follow-up visit to a sanctioned cadre."""
    return add_months(decided_on, months[0]), add_months(decided_on, months[1])


def name_clearing_due(finding_on: date, months: int = DEFAULT_NAME_CLEARING_MONTHS) -> date:
    return add_months(finding_on, months)


def application_late(finding_on: date | None, submitted_on: date,
                     months: int = DEFAULT_APPLICATION_WINDOW_MONTHS) -> bool:
    return finding_on is not None and submitted_on > add_months(finding_on, months)
