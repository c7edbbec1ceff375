"""Vocabularies of training and appraisal: stable English codes, translated labels, and the
Chinese spellings accepted in import files."""

from __future__ import annotations

from portal.i18n import N_, LabeledEnum, _


class TrainingCategory(LabeledEnum):
    """Training content categories (培训内容): plans set a minimum for each (domain.md §6)."""

    THEORY = "theory", N_("Theory")
    PARTY_SPIRIT = "party_spirit", N_("Party spirit")
    PROFESSIONAL = "professional", N_("Professional")
    KNOWLEDGE = "knowledge", N_("Knowledge")


TRAINING_CATEGORY_ALIASES = {
    "理论": "theory", "理论教育": "theory", "政治理论": "theory",
    "党性": "party_spirit", "党性教育": "party_spirit", "party spirit": "party_spirit",
    "专业": "professional", "业务": "professional", "专业/业务": "professional",
    "专业化能力": "professional", "履职能力": "professional",
    "知识": "knowledge", "知识培训": "knowledge", "知识教育": "knowledge",
}


class TrainingMode(LabeledEnum):
    """Online (网络培训) or offline (面授/集中培训)."""

    ONLINE = "online", N_("Online")
    OFFLINE = "offline", N_("Offline")


TRAINING_MODE_ALIASES = {"线上": "online", "网络": "online", "网络培训": "online", "网上": "online",
                         "线下": "offline", "面授": "offline", "集中培训": "offline",
                         "脱产": "offline"}


class RecordSource(LabeledEnum):
    """Where a training record came from."""

    IMPORT = "import", N_("Imported")
    ATTENDANCE = "attendance", N_("Class attendance")
    CLAIM = "claim", N_("Approved claim")


class ClaimStatus(LabeledEnum):
    """A cadre's claim of self-reported study (自学申报) moves pending → approved or rejected."""

    PENDING = "pending", N_("Waiting for approval")
    APPROVED = "approved", N_("Approved")
    REJECTED = "rejected", N_("Rejected")
    WITHDRAWN = "withdrawn", N_("Withdrawn")


class EnrolmentStatus(LabeledEnum):
    ENROLLED = "enrolled", N_("Enrolled")
    ATTENDED = "attended", N_("Attended")
    ABSENT = "absent", N_("Absent")
    CANCELLED = "cancelled", N_("Cancelled")


class AppraisalGrade(LabeledEnum):
    """Annual appraisal grades of cadres (年度考核等次), best first: civil servants
    (公务员考核规定 2020) 优秀/称职/基本称职/不称职; public-institution staff (事业单位工作人员
    考核规定) 优秀/合格/基本合格/不合格; either may be left without a grade (不定等次,
    only a written comment), domain.md §7."""

    EXCELLENT = "excellent", N_("Excellent")
    COMPETENT = "competent", N_("Competent")
    BASICALLY_COMPETENT = "basically_competent", N_("Basically competent")
    INCOMPETENT = "incompetent", N_("Incompetent")
    QUALIFIED = "qualified", N_("Qualified")
    BASICALLY_QUALIFIED = "basically_qualified", N_("Basically qualified")
    UNQUALIFIED = "unqualified", N_("Unqualified")
    NOT_GRADED = "not_graded", N_("No grade")

    @property
    def rank(self) -> int:
        """0 for the best grade, 3 for the worst, 4 for no grade (colours and sorting); the
        two scales share the steps (合格 sits where 称职 does)."""
        return GRADE_STEP[self]


GRADE_STEP = {AppraisalGrade.EXCELLENT: 0, AppraisalGrade.COMPETENT: 1, AppraisalGrade.QUALIFIED: 1,
              AppraisalGrade.BASICALLY_COMPETENT: 2, AppraisalGrade.BASICALLY_QUALIFIED: 2,
              AppraisalGrade.INCOMPETENT: 3, AppraisalGrade.UNQUALIFIED: 3,
              AppraisalGrade.NOT_GRADED: 4}

# The two scales (domain.md §7): public-institution staff are graded 优秀/合格/基本合格/不合格
# (事业单位工作人员考核规定), everyone else as civil servants (公务员考核规定).
CIVIL_SERVANT_GRADES = (AppraisalGrade.EXCELLENT, AppraisalGrade.COMPETENT,
                        AppraisalGrade.BASICALLY_COMPETENT,
                        AppraisalGrade.INCOMPETENT, AppraisalGrade.NOT_GRADED)
INSTITUTION_GRADES = (AppraisalGrade.EXCELLENT, AppraisalGrade.QUALIFIED,
                      AppraisalGrade.BASICALLY_QUALIFIED,
                      AppraisalGrade.UNQUALIFIED, AppraisalGrade.NOT_GRADED)

GRADE_ALIASES = {"优秀": "excellent", "称职": "competent", "基本称职": "basically_competent",
                 "不称职": "incompetent", "合格": "qualified", "基本合格": "basically_qualified",
                 "不合格": "unqualified", "不定等次": "not_graded", "未定等次": "not_graded"}


class DecisionType(LabeledEnum):
    """Personnel decisions (干部选任/奖惩决定). The first three are subject to the negative
    list (干部选拔任用工作条例); the others follow up a unit's or a cadre's results."""

    PROMOTION = "promotion", N_("Promotion (提拔)")
    RANK_PROMOTION = "rank_promotion", N_("Rank promotion (晋升职级)")
    COMMENDATION = "commendation", N_("Commendation (评优)")
    ADMONISHMENT_TALK = "admonishment_talk", N_("Admonishment talk (约谈)")
    ADJUSTMENT = "adjustment", N_("Organizational adjustment (调整)")

    @property
    def positive(self) -> bool:
        """Decisions that advance or reward a cadre, which blocks forbid."""
        return self in (DecisionType.PROMOTION, DecisionType.RANK_PROMOTION,
                        DecisionType.COMMENDATION)


class DecisionStatus(LabeledEnum):
    """Proposal → review → decision (or withdrawn before the decision)."""

    PROPOSED = "proposed", N_("Proposed")
    REVIEWED = "reviewed", N_("Reviewed")
    DECIDED = "decided", N_("Decided")
    WITHDRAWN = "withdrawn", N_("Withdrawn")


class DecisionOutcome(LabeledEnum):
    APPROVED = "approved", N_("Approved")
    REJECTED = "rejected", N_("Rejected")


# The eligibility engine's rules (cadres/rules/eligibility.py) in words, for pages and messages.
ELIGIBILITY_RULE_LABELS = {
    "under_investigation": N_("Under investigation"),
    "sanction_effect": N_("Measure in its effect period"),
    "appraisal_grade": N_("Low annual appraisal grade"),
    "min_tenure": N_("Minimum time in post or rank"),
    "unit_veto": N_("Unit vetoed"),
    "pending_verification": N_("Clue under verification"),
    "training_hours": N_("Training hours behind"),
    "five_year_training": N_("Five-year training behind"),
    "unit_bottom_band": N_("Unit in the bottom grade band"),
    "recent_accountability": N_("Recent accountability measure"),
    "tolerance_exempt": N_("Exempted through error tolerance"),
}


def rule_label(rule: str) -> str:
    """An eligibility rule id in the reader's language (the id itself when unknown)."""
    return _(ELIGIBILITY_RULE_LABELS[rule]) if rule in ELIGIBILITY_RULE_LABELS else rule
