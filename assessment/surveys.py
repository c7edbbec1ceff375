"""Satisfaction surveys (群众满意度) and democratic evaluation (民主测评): questionnaires,
one-time anonymous codes, the public response, response rates and the scores they give.

The office (reviewers) issues codes per unit, period and respondent group and hands them
out on printed slips; whoever holds a slip answers once at ``/survey/<code>`` without
logging in. Only each code's SHA-256 is kept; a response stores its answers, unit, group
and day, and nothing that leads back to the code, a user, an address or a browser.
Issuing codes and importing scores are audited; answering is not (it has no actor).
Aggregates reach a unit only from ``min_responses`` answers on (``rules.surveys``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from assessment import periods, rules, schemes, scope
from assessment import settings as assessment_settings
from assessment.enums import AnswerScale, Method, PeriodStatus, RespondentGroup
from assessment.models import Period, Questionnaire, Score, SurveyCode, SurveyResponse
from assessment.rules import surveys as survey_rules
from assessment.rules.surveys import GroupTally, Question, SurveyPolicy
from portal import audit
from portal.access import Actor, in_subtree
from portal.db import utcnow
from portal.enums import UnitLevel
from portal.errors import Invalid, NotFound, PortalError
from portal.i18n import _, use_lang
from portal.models import Unit
from portal.tabular import Column, Table

VIEW = ("assessment.view", "assessment.edit")
MAX_CODES = 2000  # per request: a batch of slips one office prints at a time
SURVEY_METHODS = frozenset({Method.DIRECT, Method.RATIO, Method.BANDED})
OPEN = frozenset({PeriodStatus.DRAFT, PeriodStatus.COLLECTING, PeriodStatus.REVIEWING})

# The default questionnaire (data, in the language respondents read): four 满意度 questions
# and one 民主测评 question on the leadership team.
DEFAULT_QUESTIONS = [
    {"code": "Q1", "scale": "three", "text": "您对本单位（社区）党组织服务群众工作的总体评价"},
    {"code": "Q2", "scale": "three", "text": "您对办事便利程度和民生诉求解决情况的评价"},
    {"code": "Q3", "scale": "three", "text": "您对辖区环境卫生和平安建设的评价"},
    {"code": "Q4", "scale": "three", "text": "您对干部服务态度和廉洁自律情况的评价"},
    {"code": "Q5", "scale": "five", "text": "民主测评：您对领导班子团结协作和工作实绩的评价"},
]
DEFAULT_INTRO = ("本问卷匿名填写，不收集姓名、电话等个人信息。每个测评码只能提交一次，"
                 "请根据您的真实感受作答。")


class CodeRefused(PortalError):
    """A survey code that cannot be answered: unknown (404), already used or closed (410)."""

    def __init__(self, reason: str):
        messages = {"unknown": _("This survey code is not valid."),
                    "spent": _("This survey code has already been used."),
                    "closed": _("This survey has closed.")}
        super().__init__(messages[reason])
        self.reason = reason
        self.status = 404 if reason == "unknown" else 410


@dataclass(frozen=True)
class SurveyForm:
    """What the public form shows for a valid code."""

    title: str
    intro: str
    unit_name: str
    group: RespondentGroup
    questions: list[Question]


@dataclass(frozen=True)
class UnitTally:
    unit_id: int
    unit_code: str
    unit_name: str
    groups: list[GroupTally]
    score: float | None
    # from how many answers a group's mean (and the unit's score) is shown to the unit
    min_responses: int = SurveyPolicy.min_responses

    @property
    def issued(self) -> int:
        return sum(t.issued for t in self.groups)

    @property
    def answered(self) -> int:
        return sum(t.answered for t in self.groups)


# --- questionnaires ---------------------------------------------------------------------------

def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return [Question(q["code"], q["text"], AnswerScale(q.get("scale", "three")))
            for q in questionnaire.questions or []]


def policy_of(session: Session, questionnaire: Questionnaire) -> SurveyPolicy:
    return assessment_settings.survey_policy(session, questionnaire.weights)


def find_questionnaire(session: Session, period: Period, level: UnitLevel) -> Questionnaire | None:
    return session.scalar(select(Questionnaire).where(Questionnaire.period_id == period.id,
                                                      Questionnaire.level == level))


def questionnaires(session: Session, actor: Actor, period_code: str) -> list[Questionnaire]:
    actor.require_any(*VIEW)
    period = periods.get(session, period_code)
    return list(session.scalars(select(Questionnaire).where(Questionnaire.period_id == period.id)
                                .order_by(Questionnaire.level)))


def ensure_questionnaire(session: Session, actor: Actor, period_code: str,
                         level: UnitLevel) -> Questionnaire:
    """The period's questionnaire for ``level``; the default one is created (and audited)
    the first time codes are issued for that level."""
    actor.require("assessment.edit")
    period = periods.get(session, period_code)
    found = find_questionnaire(session, period, level)
    if found is not None:
        return found
    if PeriodStatus(period.status) not in OPEN:
        raise Invalid(_("%(code)s is %(status)s: a survey can only start while the period is "
                        "still open.", code=period.code, status=PeriodStatus(period.status).label))
    if periods.scheme_for(session, period, level) is None:
        raise Invalid(_("%(level)s units are not assessed in %(year)s: there is no scheme for "
                        "them.", level=level.label, year=period.year))
    created = Questionnaire(period_id=period.id, level=level, questions=DEFAULT_QUESTIONS,
                            title=default_title(period, level),
                            intro=DEFAULT_INTRO, indicator_code="MS1", closes_on=None,
                            created_by=actor.username)
    session.add(created)
    session.flush()
    audit.log(session, actor, "survey.questionnaire.create", created,
              summary={"period": period.code, "level": level.value,
                       "questions": len(DEFAULT_QUESTIONS)})
    return created


def save_questionnaire(session: Session, actor: Actor, period_code: str, level: UnitLevel, *,
                       title: str, intro: str, questions_text: str, weights: dict | None,
                       indicator_code: str, closes_on: date | None) -> Questionnaire:
    """Change the level's questionnaire (created with the default questions if need be).

    City-wide reviewers only: every unit of the level answers the same questions. The
    questions stay as they are once answers came in (the answers would no longer fit
    them); the title, closing day, group weights and indicator may still change."""
    periods.require_city_wide(session, actor, "assessment.edit")
    questionnaire = ensure_questionnaire(session, actor, period_code, level)
    before = audit.snapshot(questionnaire)
    try:
        parsed = survey_rules.parse_questions(questions_text)
    except ValueError as reason:
        raise Invalid(_("Questions: %(reason)s.", reason=reason), field="questions") from None
    new_questions = [{"code": q.code, "scale": q.scale.value, "text": q.text} for q in parsed]
    answered = session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.questionnaire_id == questionnaire.id))
    if answered and new_questions != questionnaire.questions:
        raise Invalid(_("The questions cannot change: %(n)s answers have come in already.",
                        n=answered), field="questions")
    if weights is not None:
        problems = survey_rules.check_weights(weights)
        if problems:
            raise Invalid(" ".join(problems), field="weights")
    title = str(title or "").strip()
    if not 1 <= len(title) <= 200:
        raise Invalid(_("The title must have 1 to 200 characters."), field="title")
    questionnaire.title, questionnaire.intro = title, str(intro or "").strip()[:2000]
    questionnaire.questions, questionnaire.weights = new_questions, weights
    questionnaire.indicator_code = str(indicator_code or "").strip()[:32] or "MS1"
    questionnaire.closes_on = closes_on
    session.flush()
    changed = audit.changes(before, audit.snapshot(questionnaire))
    if changed:
        audit.log(session, actor, "survey.questionnaire.update", questionnaire,
                  summary={"period": questionnaire.period.code, "level": level.value,
                           "changes": changed})
    return questionnaire


def questionnaire_view(session: Session, actor: Actor, period_code: str,
                       level: UnitLevel) -> dict:
    """The level's questionnaire as the editor shows it (the default one if there is none
    yet): title, intro, questions as text, weights per group, indicator, closing day."""
    actor.require_any(*VIEW)
    period = periods.get(session, period_code)
    found = find_questionnaire(session, period, level)
    policy = policy_of(session, found) if found else assessment_settings.survey_policy(session)
    questions = questions_of(found) if found else [
        Question(q["code"], q["text"], AnswerScale(q["scale"])) for q in DEFAULT_QUESTIONS]
    return {"title": found.title if found else default_title(period, level),
            "intro": found.intro if found else DEFAULT_INTRO,
            "questions": survey_rules.questions_text(questions),
            "weights": {g.value: policy.weights.get(g, 0.0) for g in RespondentGroup},
            "indicator_code": found.indicator_code if found else "MS1",
            "closes_on": found.closes_on.isoformat() if found and found.closes_on else None}


def default_title(period: Period, level: UnitLevel) -> str:
    with use_lang("zh"):  # data respondents read, whoever created it
        return f"{period.code} 群众满意度测评和民主测评（{level.label}）"


# --- codes ------------------------------------------------------------------------------------

def _unit_by_code(session: Session, actor: Actor, unit_code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == str(unit_code or "").strip()))
    if unit is None or not actor.in_scope(unit.path):
        raise NotFound(_("No unit has the code %(code)s among the units you are responsible "
                         "for.", code=unit_code))
    return unit


def issue_codes(session: Session, actor: Actor, period_code: str, unit_code: str,
                group: RespondentGroup | str, count: int, today: date | None = None) -> list[str]:
    """``count`` new one-time codes for one unit and respondent group of the period.

    The codes are returned once and stored only as hashes: print or save them now. The
    audit log records who issued how many for which unit and group, never the codes."""
    unit = _unit_by_code(session, actor, unit_code)
    actor.require("assessment.edit", unit)
    try:
        group = RespondentGroup.parse(group)
    except ValueError:
        raise Invalid(_("%(group)s is not a respondent group (leaders, staff, served, "
                        "residents).", group=group), field="group") from None
    if not isinstance(count, int) or not 1 <= count <= MAX_CODES:
        raise Invalid(_("The number of codes must be between 1 and %(max)s.", max=MAX_CODES),
                      field="count")
    if session.scalar(periods.assessed_units_stmt(unit.level).where(Unit.id == unit.id)) is None:
        raise Invalid(_("%(unit)s is not assessed (only active territorial units are).",
                        unit=unit.name))
    questionnaire = ensure_questionnaire(session, actor, period_code, unit.level)
    if _closed(questionnaire, today or date.today()):
        raise Invalid(_("The survey of %(code)s has closed; no more codes can be issued.",
                        code=questionnaire.period.code))
    codes = [survey_rules.new_code() for _n in range(count)]
    day = today or date.today()
    session.add_all([SurveyCode(code_hash=survey_rules.code_hash(code),
                                questionnaire_id=questionnaire.id, unit_id=unit.id, group=group,
                                spent=False, issued_on=day) for code in codes])
    session.flush()
    audit.log(session, actor, "survey.codes.issue", entity_type="as_questionnaire",
              entity_id=questionnaire.id,
              summary={"period": questionnaire.period.code, "unit": unit.code,
                       "group": group.value, "count": count})
    return codes


SLIP_COLUMNS = [Column("code", "测评码"), Column("url", "网址"), Column("period", "考核期"),
                Column("unit_code", "单位编码"), Column("unit_name", "单位名称"),
                Column("group", "测评对象")]


@dataclass(frozen=True)
class Slip:
    """One printed slip: the code and the address its QR code points at."""

    code: str
    url: str
    period: str
    unit_code: str
    unit_name: str
    group: RespondentGroup


def issue_slips(session: Session, actor: Actor, period_code: str, unit_code: str,
                group: RespondentGroup | str, count: int, base_url: str,
                today: date | None = None) -> list[Slip]:
    """``issue_codes`` with each code's address ``<base_url>/survey/<code>``."""
    codes = issue_codes(session, actor, period_code, unit_code, group, count, today)
    unit = _unit_by_code(session, actor, unit_code)
    period, group = periods.get(session, period_code).code, RespondentGroup.parse(group)
    base = base_url.rstrip("/")
    return [Slip(code, f"{base}/survey/{code}", period, unit.code, unit.name, group)
            for code in codes]


def slips_table(slips: list[Slip]) -> Table:
    return Table("survey_codes", SLIP_COLUMNS,
                 [{"code": s.code, "url": s.url, "period": s.period, "unit_code": s.unit_code,
                   "unit_name": s.unit_name, "group": s.group.value} for s in slips])


def _closed(questionnaire: Questionnaire, today: date) -> bool:
    over = questionnaire.closes_on is not None and today > questionnaire.closes_on
    return over or PeriodStatus(questionnaire.period.status) not in OPEN


def _lookup(session: Session, code: str, today: date) -> tuple[SurveyCode, Questionnaire]:
    if not survey_rules.looks_like_code(code):
        raise CodeRefused("unknown")
    found = session.scalar(select(SurveyCode).where(
        SurveyCode.code_hash == survey_rules.code_hash(code)))
    if found is None:
        raise CodeRefused("unknown")
    if found.spent:
        raise CodeRefused("spent")
    questionnaire = session.get(Questionnaire, found.questionnaire_id)
    if _closed(questionnaire, today):
        raise CodeRefused("closed")
    return found, questionnaire


def open_code(session: Session, code: str, today: date | None = None) -> SurveyForm:
    """The form for a valid, unspent code of an open survey (public: no actor);
    ``CodeRefused`` otherwise."""
    found, questionnaire = _lookup(session, code, today or date.today())
    unit = session.get(Unit, found.unit_id)
    return SurveyForm(title=questionnaire.title, intro=questionnaire.intro, unit_name=unit.name,
                      group=RespondentGroup(found.group), questions=questions_of(questionnaire))


def submit(session: Session, code: str, answers: Mapping[str, str],
           today: date | None = None) -> None:
    """Record one response and spend the code, in the caller's one transaction.

    The code is spent by a conditional UPDATE (``spent`` still false): of two submissions
    racing with the same code exactly one changes the row; the other gets ``CodeRefused``
    and its transaction, response included, is rolled back by the caller."""
    day = today or date.today()
    found, questionnaire = _lookup(session, code, day)
    questions = questions_of(questionnaire)
    try:
        points = survey_rules.response_points(questions, answers, policy_of(session,
                                                                            questionnaire))
    except survey_rules.AnswerProblem as problem:
        raise Invalid(_("Please answer every question (missing: %(questions)s).",
                        questions=", ".join(problem.codes) or "—")) from None
    spent = session.execute(update(SurveyCode)
                            .where(SurveyCode.id == found.id, SurveyCode.spent.is_(False))
                            .values(spent=True)
                            .execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        raise CodeRefused("spent")
    session.add(SurveyResponse(questionnaire_id=questionnaire.id, unit_id=found.unit_id,
                               group=found.group, points=points, submitted_on=day,
                               answers={q.code: answers[q.code] for q in questions}))
    session.flush()


# --- tallies and scores -----------------------------------------------------------------------

def _tallies(session: Session, questionnaire_id: int,
             unit_ids: list[int]) -> dict[int, dict[RespondentGroup, GroupTally]]:
    issued = session.execute(
        select(SurveyCode.unit_id, SurveyCode.group, func.count())
        .where(SurveyCode.questionnaire_id == questionnaire_id, SurveyCode.unit_id.in_(unit_ids))
        .group_by(SurveyCode.unit_id, SurveyCode.group)).all()
    answered = {(u, RespondentGroup(g)): (n, mean) for u, g, n, mean in session.execute(
        select(SurveyResponse.unit_id, SurveyResponse.group, func.count(),
               func.avg(SurveyResponse.points))
        .where(SurveyResponse.questionnaire_id == questionnaire_id,
               SurveyResponse.unit_id.in_(unit_ids))
        .group_by(SurveyResponse.unit_id, SurveyResponse.group))}
    found: dict[int, dict[RespondentGroup, GroupTally]] = {u: {} for u in unit_ids}
    for unit_id, group, count in issued:
        group = RespondentGroup(group)
        n, mean = answered.get((unit_id, group), (0, None))
        found[unit_id][group] = GroupTally(group, count, n,
                                           None if mean is None else round(float(mean), 2))
    return found


def _unit_tally(unit: Unit, groups: Mapping[RespondentGroup, GroupTally],
                policy: SurveyPolicy) -> UnitTally:
    ordered = [groups.get(g, GroupTally(g, 0, 0, None)) for g in RespondentGroup]
    return UnitTally(unit.id, unit.code, unit.name, ordered,
                     survey_rules.unit_score(ordered, policy))


def _scoped_units(actor: Actor, level: UnitLevel, under: Unit | None = None):
    stmt = periods.assessed_units_stmt(level).where(actor.unit_clause())
    if under is not None:
        stmt = stmt.where(in_subtree(Unit.path, under.path))
    return stmt


def response_rates(session: Session, actor: Actor, period_code: str, level: UnitLevel, *,
                   start: int = 0, end: int = 100) -> tuple[list[UnitTally], int]:
    """One page of the units in scope (tree order) with codes issued and answered per group
    and their score: what the office watches while a survey runs. Returns the rows and how
    many units there are in all."""
    actor.require_any(*VIEW)
    period = periods.get(session, period_code)
    units_stmt = _scoped_units(actor, level)
    total = session.scalar(select(func.count()).select_from(units_stmt.subquery()))
    questionnaire = find_questionnaire(session, period, level)
    units = list(session.scalars(units_stmt.order_by(Unit.path).offset(start)
                                 .limit(max(0, end - start))))
    if questionnaire is None:
        return [_unit_tally(u, {}, SurveyPolicy()) for u in units], total
    policy = policy_of(session, questionnaire)
    tallies = _tallies(session, questionnaire.id, [u.id for u in units])
    return [_unit_tally(u, tallies[u.id], policy) for u in units], total


@dataclass(frozen=True)
class LevelSummary:
    level: UnitLevel
    questionnaire: Questionnaire | None
    units: int
    units_with_codes: int
    issued: int
    answered: int

    @property
    def rate(self) -> float | None:
        return survey_rules.response_rate(self.issued, self.answered)


def summary(session: Session, actor: Actor, period_code: str) -> list[LevelSummary]:
    """Per assessed level in scope: units, units with codes, codes issued and answered."""
    actor.require_any(*VIEW)
    period = periods.get(session, period_code)
    found = []
    for level in (UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY):
        unit_ids = select(Unit.id).where(_scoped_units(actor, level).whereclause)
        units = session.scalar(select(func.count()).select_from(unit_ids.subquery()))
        questionnaire = find_questionnaire(session, period, level)
        issued = answered = with_codes = 0
        if questionnaire is not None:
            issued, with_codes = session.execute(
                select(func.count(), func.count(SurveyCode.unit_id.distinct()))
                .where(SurveyCode.questionnaire_id == questionnaire.id,
                       SurveyCode.unit_id.in_(unit_ids))).one()
            answered = session.scalar(select(func.count()).select_from(SurveyResponse).where(
                SurveyResponse.questionnaire_id == questionnaire.id,
                SurveyResponse.unit_id.in_(unit_ids)))
        if units:
            found.append(LevelSummary(level, questionnaire, units, with_codes, issued, answered))
    return found


def unit_summary(session: Session, actor: Actor, period_code: str,
                 unit_id: int) -> UnitTally | None:
    """A unit's survey as the unit may see it: per group the codes issued and answered, the
    group's mean only from ``min_responses`` answers on, and the weighted score. Never a
    single response. The office reads the units of its scope; a unit's own reporter only
    their own unit; a lead department's reporter never (it scores indicators, it is not the
    unit the residents rated)."""
    if not scope.own_unit_reporter(actor, unit_id):
        actor.require_any(*VIEW)
    unit = session.get(Unit, unit_id)
    if unit is None or not actor.in_scope(unit.path):
        raise NotFound(_("No such unit among the units you are responsible for."))
    period = periods.get(session, period_code)
    questionnaire = find_questionnaire(session, period, UnitLevel(unit.level))
    if questionnaire is None:
        return None
    policy = policy_of(session, questionnaire)
    groups = _tallies(session, questionnaire.id, [unit.id])[unit.id]
    tally = _unit_tally(unit, groups, policy)
    shown = [GroupTally(t.group, t.issued, t.answered, survey_rules.shown_mean(t, policy))
             for t in tally.groups]
    return UnitTally(tally.unit_id, tally.unit_code, tally.unit_name, shown, tally.score,
                     policy.min_responses)


def apply_to_indicator(session: Session, actor: Actor, period_code: str,
                       level: UnitLevel) -> dict:
    """Write every in-scope unit's survey score (points of 100, as a percentage) as the
    value of the questionnaire's indicator (e.g. MS1 群众满意度) for the period: one action
    of the office while scores are collected. Units below ``min_responses`` answers are
    left as they are and counted. Audited as one event."""
    actor.require("assessment.edit")
    period = periods.get(session, period_code)
    questionnaire = find_questionnaire(session, period, level)
    if questionnaire is None:
        raise Invalid(_("No survey was run for %(level)s units in %(code)s.",
                        level=level.label, code=period.code))
    if PeriodStatus(period.status) not in rules.EDITABLE:
        raise Invalid(_("Scores of %(code)s cannot change: the period is %(status)s. Scores "
                        "change only while a period is collecting or reviewing.",
                        code=period.code, status=PeriodStatus(period.status).label))
    scheme = periods.scheme_for(session, period, level)
    leaves = {leaf.code: leaf for leaf in schemes.spec_of(scheme).leaves} if scheme else {}
    leaf = leaves.get(questionnaire.indicator_code)
    if leaf is None or leaf.method not in SURVEY_METHODS:
        raise Invalid(_("%(code)s is not an indicator of the %(level)s scheme for %(year)s "
                        "that a survey score can fill (a direct, ratio or banded one).",
                        code=questionnaire.indicator_code, level=level.label, year=period.year))
    policy = policy_of(session, questionnaire)
    units = list(session.scalars(_scoped_units(actor, level).order_by(Unit.path)))
    tallies = _tallies(session, questionnaire.id, [u.id for u in units])
    existing = {s.unit_id: s for s in session.scalars(select(Score).where(
        Score.period_id == period.id, Score.indicator_code == questionnaire.indicator_code,
        Score.unit_id.in_([u.id for u in units])))}
    written, too_few = 0, 0
    for unit in units:
        tally = _unit_tally(unit, tallies[unit.id], policy)
        if tally.score is None:
            too_few += 1 if tally.issued else 0
            continue
        score = existing.get(unit.id)
        if score is None:
            score = Score(period_id=period.id, unit_id=unit.id,
                          indicator_code=questionnaire.indicator_code)
            session.add(score)
        score.value = indicator_value(leaf, tally.score)
        score.note = _("Survey: %(n)s answers", n=tally.answered)
        score.updated_at, score.updated_by = utcnow(), actor.username
        written += 1
    session.flush()
    audit.log(session, actor, "survey.scores.import", entity_type="as_questionnaire",
              entity_id=questionnaire.id,
              summary={"period": period.code, "level": level.value,
                       "indicator": questionnaire.indicator_code, "units": written,
                       "too_few_answers": too_few})
    return {"written": written, "too_few": too_few, "indicator": questionnaire.indicator_code}


def indicator_value(leaf: rules.IndicatorSpec, survey_score: float) -> float:
    """The survey's points of 100 as the indicator's value: a percentage for a ratio or
    banded indicator (e.g. 群众满意度 in %), the same share of the full score for a direct one."""
    if leaf.method == Method.DIRECT:
        return round(survey_score * leaf.weight / 100, 2)
    return survey_score


def lagging_units(session: Session, actor: Actor, threshold: float) -> list[tuple[Period,
                                                                              UnitLevel, int]]:
    """Per open period and level with a survey: how many units in scope have codes but a
    response rate below ``threshold`` (two grouped counts; what the office's to-do list
    reminds them of)."""
    actor.require_any(*VIEW)
    issued = (select(SurveyCode.questionnaire_id, SurveyCode.unit_id,
                     func.count().label("n"))
              .where(SurveyCode.unit_id.in_(actor.scoped_unit_ids()))
              .group_by(SurveyCode.questionnaire_id, SurveyCode.unit_id).subquery())
    answered = (select(SurveyResponse.questionnaire_id, SurveyResponse.unit_id,
                       func.count().label("n"))
                .where(SurveyResponse.unit_id.in_(actor.scoped_unit_ids()))
                .group_by(SurveyResponse.questionnaire_id, SurveyResponse.unit_id).subquery())
    rows = session.execute(
        select(Questionnaire.id, func.count())
        .join(Period, Period.id == Questionnaire.period_id)
        .join(issued, issued.c.questionnaire_id == Questionnaire.id)
        .outerjoin(answered, (answered.c.questionnaire_id == issued.c.questionnaire_id)
                   & (answered.c.unit_id == issued.c.unit_id))
        .where(Period.status.in_(list(OPEN)),
               func.coalesce(answered.c.n, 0) < threshold * issued.c.n)
        .group_by(Questionnaire.id)).all()
    found = []
    for questionnaire_id, count in rows:
        questionnaire = session.get(Questionnaire, questionnaire_id)
        found.append((questionnaire.period, UnitLevel(questionnaire.level), count))
    return sorted(found, key=lambda item: (item[0].end, item[1].value))
