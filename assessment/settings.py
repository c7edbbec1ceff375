"""Rule values of the assessment package (grade bands, warning thresholds), kept as data
(``portal.settings``) with their sources.

Localities set their own grade bands and warning thresholds; the defaults below are
where a city starts, each naming the rule it comes from.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from assessment.enums import RespondentGroup
from assessment.rules import GradePolicy, WarningPolicy
from assessment.rules.surveys import SurveyPolicy
from portal import settings
from portal.errors import Invalid
from portal.i18n import N_, _
from portal.settings import Default

ASSESSMENT_RULES = "市域党建引领基层社会治理考核办法 (local assessment rules)"
SURVEY_RULES = "群众满意度测评和民主测评实施细则 (local survey rules)"

DEFAULTS: dict[str, Default] = {
    "assessment.grade.good": Default(
        90.0, ASSESSMENT_RULES, N_("Lowest composite graded 好 (good)")),
    "assessment.grade.fair": Default(
        80.0, ASSESSMENT_RULES, N_("Lowest composite graded 较好 (fairly good)")),
    "assessment.grade.average": Default(
        70.0, ASSESSMENT_RULES, N_("Lowest composite graded 一般 (average); below is 差")),
    "assessment.grade.top_share": Default(
        0.2, "Share cap of the top grade (domain.md §7; 好等次比例一般不超过20%)",
        N_("Largest share of a level's units graded 好")),
    "assessment.warning.falling_periods": Default(
        2, ASSESSMENT_RULES, N_("Consecutive falls of the composite that raise a warning")),
    "assessment.warning.min_fall": Default(
        1.0, ASSESSMENT_RULES, N_("Smallest fall of the composite (points) that counts as a fall")),
    "assessment.warning.outlier_z": Default(
        3.5, "Iglewicz & Hoaglin (1993), modified z-score > 3.5",
        N_("Robust z-score beyond which a unit is an outlier among its peers")),
    "assessment.announcement.days": Default(
        5, ASSESSMENT_RULES + "; 考核结果公示期一般不少于5个工作日",
        N_("Working days a period's results are announced (公示) and open to appeal")),
    "assessment.appeal.evidence_mb": Default(
        10, "Upload limit of the portal (PDF/PNG/JPEG evidence)",
        N_("Largest evidence file of an appeal (MB)")),
    "assessment.supervision.points": Default(
        1.0, ASSESSMENT_RULES, N_("Default deduction for an overdue or failed supervision item")),
    "assessment.survey.weight.leaders": Default(
        0.2, SURVEY_RULES, N_("Survey weight of leaders' answers")),
    "assessment.survey.weight.staff": Default(
        0.2, SURVEY_RULES, N_("Survey weight of staff answers")),
    "assessment.survey.weight.served": Default(
        0.3, SURVEY_RULES, N_("Survey weight of the answers of people served")),
    "assessment.survey.weight.residents": Default(
        0.3, SURVEY_RULES, N_("Survey weight of residents' answers")),
    "assessment.survey.min_responses": Default(
        5, SURVEY_RULES, N_("Fewest survey answers a unit needs for a score (and before its "
                            "aggregates are shown)")),
    "assessment.survey.basic_points": Default(
        60.0, SURVEY_RULES, N_("Points of the answer 基本满意 (basically satisfied)")),
    "assessment.survey.low_rate": Default(
        0.5, SURVEY_RULES, N_("Survey response rate below which the office is reminded")),
}


def value(session: Session, key: str):
    return settings.get(session, key, DEFAULTS[key])


def grade_policy(session: Session) -> GradePolicy:
    return GradePolicy(good=float(value(session, "assessment.grade.good")),
                       fair=float(value(session, "assessment.grade.fair")),
                       average=float(value(session, "assessment.grade.average")),
                       top_share=float(value(session, "assessment.grade.top_share")))


def warning_policy(session: Session) -> WarningPolicy:
    return WarningPolicy(falling_periods=int(value(session, "assessment.warning.falling_periods")),
                         min_fall=float(value(session, "assessment.warning.min_fall")),
                         outlier_z=float(value(session, "assessment.warning.outlier_z")))


def announcement_days(session: Session) -> int:
    return max(1, int(value(session, "assessment.announcement.days")))


def evidence_bytes(session: Session) -> int:
    return int(float(value(session, "assessment.appeal.evidence_mb")) * 1024 * 1024)


def survey_policy(session: Session, weights: dict | None = None) -> SurveyPolicy:
    """The survey rule values; ``weights`` (a questionnaire's own) replace the settings'."""
    if weights:
        by_group = {RespondentGroup(g): float(w) for g, w in weights.items()}
    else:
        by_group = {g: float(value(session, f"assessment.survey.weight.{g.value}"))
                    for g in RespondentGroup}
    return SurveyPolicy(weights=by_group,
                        min_responses=int(value(session, "assessment.survey.min_responses")),
                        basic_points=float(value(session, "assessment.survey.basic_points")))


def rule_values(session: Session) -> list[dict]:
    """Every rule value with its label, current value, default and source (for the admin page)."""
    return [{"key": key, "label": default.label, "value": value(session, key),
             "default": default.value,
             "source": default.source} for key, default in DEFAULTS.items()]


def change(session: Session, actor, key: str, new_value) -> None:
    """Set a rule value (administrators only; audited by ``portal.settings.put``)."""
    if key not in DEFAULTS:
        raise Invalid(_("There is no rule value %(key)s.", key=key))
    default = DEFAULTS[key]
    try:
        number = float(new_value)
    except (TypeError, ValueError):
        raise Invalid(_("The rule value must be a number.")) from None
    if number < 0 or (key.endswith(("top_share", "low_rate")) and number > 1):
        raise Invalid(_("%(value)s is outside the range this rule value can take.",
                        value=new_value))
    settings.put(session, actor, key, int(number) if isinstance(default.value, int) else number,
                 default.source)
