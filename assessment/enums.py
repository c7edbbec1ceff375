"""Assessment vocabularies: scoring methods, directions, period kinds and statuses,
unit grades and supervision statuses. Values are stable English codes (stored and
accepted in files); labels are translated, and Chinese labels are accepted on import."""

from __future__ import annotations

from portal.i18n import N_, LabeledEnum


class Direction(LabeledEnum):
    """Whether a larger value of an indicator is better (方向)."""

    HIGHER = "higher", N_("Higher is better")
    LOWER = "lower", N_("Lower is better")


DIRECTION_ALIASES = {"高": "higher", "越高越好": "higher", "正向": "higher",
                     "低": "lower", "越低越好": "lower", "逆向": "lower", "负向": "lower"}


class Method(LabeledEnum):
    """How an indicator's value becomes points (计分方式)."""

    GROUP = "group", N_("Dimension (group of indicators)")
    DIRECT = "direct", N_("Direct score")
    RATIO = "ratio", N_("Ratio to target")
    BANDED = "banded", N_("Banded thresholds")
    DEDUCTION = "deduction", N_("Deduction items")
    BONUS = "bonus", N_("Bonus items")
    VETO = "veto", N_("Veto item")
    RANK = "rank", N_("Points by rank")
    PROPORTIONAL = "proportional", N_("Proportional to the best")
    IMPORTED = "imported", N_("Points from another assessment")


METHOD_ALIASES = {"维度": "group", "直接计分": "direct", "直接": "direct", "目标比例": "ratio",
                  "比例": "ratio", "分档": "banded", "分档计分": "banded", "扣分": "deduction",
                  "加分": "bonus", "一票否决": "veto", "否决": "veto",
                  "排名计分": "rank", "名次计分": "rank", "排名": "rank", "按名次计分": "rank",
                  "最优比例": "proportional", "对标最优": "proportional",
                  "与最优值比": "proportional", "引用得分": "imported", "导入得分": "imported",
                  "外部考核": "imported"}

# Methods whose value every assessed unit must have before a period is published;
# a missing deduction, bonus or veto value simply means "none".
REQUIRED_METHODS = frozenset({Method.DIRECT, Method.RATIO, Method.BANDED, Method.RANK,
                              Method.PROPORTIONAL, Method.IMPORTED})
# Methods outside the 100 points: bonus adds on top, veto only sets the grade.
UNWEIGHTED_METHODS = frozenset({Method.BONUS, Method.VETO})


class PeriodKind(LabeledEnum):
    QUARTER = "quarter", N_("Quarter")
    YEAR = "year", N_("Year")


class PeriodStatus(LabeledEnum):
    """The lifecycle of an assessment period (考核期)."""

    DRAFT = "draft", N_("Draft")
    COLLECTING = "collecting", N_("Collecting scores")
    REVIEWING = "reviewing", N_("Reviewing")
    ANNOUNCED = "announced", N_("Announced (appeals open)")
    PUBLISHED = "published", N_("Published")
    ARCHIVED = "archived", N_("Archived")


class AppealStatus(LabeledEnum):
    """An appeal (申诉) against one indicator's announced score: open until the office
    upholds it (the score is corrected) or rejects it with a reason."""

    OPEN = "open", N_("Open")
    UPHELD = "upheld", N_("Upheld")
    REJECTED = "rejected", N_("Rejected")


class Grade(LabeledEnum):
    """Grades of units and their leadership teams: 好 / 较好 / 一般 / 差 (best first)."""

    GOOD = "good", N_("Good")
    FAIR = "fair", N_("Fairly good")
    AVERAGE = "average", N_("Average")
    POOR = "poor", N_("Poor")

    @property
    def order(self) -> int:
        return list(Grade).index(self)


class SupervisionStatus(LabeledEnum):
    """The state of a supervision item (督查事项). ``overdue`` is shown, not stored:
    an open item past its deadline is overdue."""

    ASSIGNED = "assigned", N_("Assigned")
    IN_PROGRESS = "in_progress", N_("In progress")
    OVERDUE = "overdue", N_("Overdue")
    RECTIFIED = "rectified", N_("Rectified")
    VERIFIED = "verified", N_("Verified")
    FAILED = "failed", N_("Rectification failed")


OPEN_SUPERVISION = frozenset({SupervisionStatus.ASSIGNED, SupervisionStatus.IN_PROGRESS})


class WarningKind(LabeledEnum):
    """Why a unit is on the early-warning list (预警)."""

    FALLING = "falling", N_("Score fell two periods in a row")
    OUTLIER_LOW = "outlier_low", N_("Unusually low among peers")
    OUTLIER_HIGH = "outlier_high", N_("Unusually high among peers (check the data)")
    OVERDUE = "overdue", N_("Overdue supervision items")
    VETO = "veto", N_("Veto item triggered")


class SubmissionStatus(LabeledEnum):
    """Where a reporting set's figures (填报) stand: entered, sent to the assessment office,
    sent back with a reason (退回), accepted, locked."""

    DRAFT = "draft", N_("Draft")
    SUBMITTED = "submitted", N_("Submitted")
    RETURNED = "returned", N_("Returned")
    ACCEPTED = "accepted", N_("Accepted")
    LOCKED = "locked", N_("Locked")


class LockReason(LabeledEnum):
    """Why figures cannot change now; every page that shows them says so."""

    SUBMITTED = "submitted", N_("Submitted: the assessment office is checking these figures.")
    ACCEPTED = "accepted", N_("Accepted by the assessment office.")
    LOCKED = "locked", N_("Locked by the assessment office.")
    PERIOD_CLOSED = "period_closed", N_("The period is closed for reporting.")
    ANNOUNCED = "announced", N_("The results are announced: a score changes only through an "
                                "appeal.")
    APPROVED = "approved", N_("The period's results are approved and published.")


class RespondentGroup(LabeledEnum):
    """Who answers a satisfaction survey (群众满意度) or democratic evaluation (民主测评):
    each group gets its own one-time codes and its own weight in the unit's score."""

    LEADERS = "leaders", N_("Leaders")
    STAFF = "staff", N_("Staff")
    SERVED = "served", N_("People served")
    RESIDENTS = "residents", N_("Residents")


class AnswerScale(LabeledEnum):
    """How a survey question is answered: five steps (1 worst … 5 best) or the three words
    满意 / 基本满意 / 不满意 of most municipal questionnaires."""

    FIVE = "five", N_("1 to 5")
    THREE = "three", N_("Satisfied / basically satisfied / dissatisfied")
