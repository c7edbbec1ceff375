"""Vocabularies of accountability: case stages and sources, the four forms, the measures,
what a measure blocks, and error-tolerance outcomes.

Values are stable English codes (stored, used in files and by other packages); labels
are translated for display; import files also accept the Chinese names of domain.md.
"""

from __future__ import annotations

from portal.i18n import N_, LabeledEnum


class CaseStage(LabeledEnum):
    """Where a case stands (domain.md §8); ``no_case`` and ``appeal`` are the two branches."""

    CLUE = "clue", N_("Clue received")
    VERIFICATION = "verification", N_("Preliminary verification")
    FILED = "filed", N_("Filed")
    INVESTIGATION = "investigation", N_("Investigation")
    REVIEW = "review", N_("Review")
    DECISION = "decision", N_("Handling decision")
    CLOSED = "closed", N_("Closed")
    NO_CASE = "no_case", N_("Not filed / concluded")
    APPEAL = "appeal", N_("Appeal / re-examination")


# The Chinese names of contracts.md and their usual variants, accepted in import files.
CASE_STAGE_ALIASES = {
    "线索受理": "clue", "受理": "clue", "线索": "clue",
    "初步核实": "verification", "初核": "verification",
    "立案": "filed",
    "审查调查": "investigation", "审查": "investigation", "调查": "investigation",
    "审理": "review",
    "处理决定": "decision", "决定": "decision",
    "结案": "closed",
    "不予立案": "no_case", "了结": "no_case", "予以了结": "no_case",
    "申诉": "appeal", "复查": "appeal", "申诉复查": "appeal",
}

OPEN_STAGES = (CaseStage.CLUE, CaseStage.VERIFICATION, CaseStage.FILED, CaseStage.INVESTIGATION,
               CaseStage.REVIEW, CaseStage.DECISION, CaseStage.APPEAL)
# A case filed (立案) and not yet closed blocks promotion (domain.md §4, under_investigation).
UNDER_INVESTIGATION_STAGES = (CaseStage.FILED, CaseStage.INVESTIGATION, CaseStage.REVIEW,
                              CaseStage.DECISION)
# A clue or a preliminary verification is a note only (pending_verification).
PENDING_VERIFICATION_STAGES = (CaseStage.CLUE, CaseStage.VERIFICATION)


class CaseKind(LabeledEnum):
    """A disciplinary case (执纪审查) or an accountability matter (问责事项)."""

    DISCIPLINE = "discipline", N_("Disciplinary case")
    ACCOUNTABILITY = "accountability", N_("Accountability matter")


class CaseSource(LabeledEnum):
    """Where the clue came from (问题线索来源)."""

    LETTERS_VISITS = "letters_visits", N_("Letters and visits")
    SUPERVISION = "supervision", N_("Supervision and inspection")
    AUDIT = "audit", N_("Audit")
    INSPECTION_TOUR = "inspection_tour", N_("Inspection tour")
    SELF_REPORT = "self_report", N_("Self-report")
    TRANSFERRED = "transferred", N_("Transferred by another organ")
    MEDIA = "media", N_("Media and online reports")
    OTHER = "other", N_("Other")


CASE_SOURCE_ALIASES = {"信访举报": "letters_visits", "信访": "letters_visits",
                       "举报": "letters_visits",
                       "监督检查": "supervision", "审计": "audit", "巡视巡察": "inspection_tour",
                       "巡视": "inspection_tour", "巡察": "inspection_tour",
                       "主动交代": "self_report",
                       "主动投案": "self_report", "移送": "transferred",
                       "其他机关移送": "transferred",
                       "舆情": "media", "媒体": "media", "其他": "other"}


class SubjectKind(LabeledEnum):
    CADRE = "cadre", N_("Cadre")
    UNIT = "unit", N_("Unit or party organization")


class Form(LabeledEnum):
    """The four forms of supervision and discipline (监督执纪"四种形态", domain.md §2)."""

    FIRST = "1", N_("First form")
    SECOND = "2", N_("Second form")
    THIRD = "3", N_("Third form")
    FOURTH = "4", N_("Fourth form")

    @property
    def number(self) -> int:
        return int(self.value)


class MeasureType(LabeledEnum):
    """Every handling measure (处理措施) of domain.md §2–3, by its stable code."""

    TALK_REMINDER = "talk_reminder", N_("Talk and reminder")
    CRITICISM = "criticism", N_("Criticism and education")
    LETTER_INQUIRY = "letter_inquiry", N_("Letter of inquiry")
    SELF_EXAMINATION = "self_examination", N_("Ordered self-examination")
    ADMONISHMENT = "admonishment", N_("Admonishment")
    PARTY_WARNING = "party_warning", N_("Party warning")
    PARTY_SERIOUS_WARNING = "party_serious_warning", N_("Serious party warning")
    GOV_WARNING = "gov_warning", N_("Government warning")
    GOV_DEMERIT = "gov_demerit", N_("Demerit")
    GOV_MAJOR_DEMERIT = "gov_major_demerit", N_("Major demerit")
    TRANSFER = "transfer", N_("Transfer from post")
    ORDERED_RESIGNATION = "ordered_resignation", N_("Ordered resignation")
    REMOVAL = "removal", N_("Removal from office")
    PARTY_POST_REMOVAL = "party_post_removal", N_("Removal from party posts")
    PARTY_PROBATION = "party_probation", N_("Party probation")
    PARTY_EXPULSION = "party_expulsion", N_("Expulsion from the party")
    GOV_DOWNGRADE = "gov_downgrade", N_("Downgrade")
    GOV_DISMISSAL_POST = "gov_dismissal_post", N_("Dismissal from post")
    GOV_EXPULSION = "gov_expulsion", N_("Expulsion from public employment")
    DEMOTION = "demotion", N_("Demotion")
    JUDICIAL_TRANSFER = "judicial_transfer", N_("Transfer to judicial organs")
    ORG_INSPECTION = "org_inspection", N_("Ordered written self-criticism (organization)")
    ORG_CIRCULAR = "org_circular", N_("Circular (organization)")
    ORG_REORGANIZATION = "org_reorganization", N_("Reorganization (organization)")
    CIRCULAR = "circular", N_("Circular")


class BlockKind(LabeledEnum):
    """What a measure in its effect period blocks (domain.md §3). Every kind except
    ``none`` blocks promotion (提拔/晋升) while it lasts."""

    NONE = "none", N_("Recorded as a note")
    PROMOTION = "promotion", N_("Promotion")
    EQUAL_OR_HIGHER_POST = "equal_or_higher_post", N_("A post equal to or above the former one")
    NO_LEADING_POST = "no_leading_post", N_("Any leading post")
    ALL = "all", N_("Everything")


class ToleranceOutcome(LabeledEnum):
    """The committee's decision on an error-tolerance application (容错纠错, domain.md §5)."""

    EXEMPT = "exempt", N_("Exempt")
    MITIGATED = "mitigated", N_("Mitigated")
    NOT_TOLERATED = "not_tolerated", N_("Not tolerated")


class ToleranceStatus(LabeledEnum):
    SUBMITTED = "submitted", N_("Awaiting verification")
    VERIFYING = "verifying", N_("Under verification")
    DECIDED = "decided", N_("Decided")


class Applicant(LabeledEnum):
    """Who applied for error tolerance: the cadre or the unit on the cadre's behalf."""

    CADRE = "cadre", N_("The cadre")
    UNIT = "unit", N_("The unit")
