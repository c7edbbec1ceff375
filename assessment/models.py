"""Assessment tables: schemes and their indicators, periods, scores, supervision items,
and the frozen results of published periods.

Scores are keyed by the indicator's *code*, so they survive a new version of the
scheme while a period is still being collected; the scheme version a period was
scored with is fixed in ``PeriodLevel`` when it is first published.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from assessment.enums import (
    AppealStatus,
    Direction,
    Grade,
    Method,
    PeriodKind,
    PeriodStatus,
    RespondentGroup,
    SubmissionStatus,
    SupervisionStatus,
)
from portal.db import Base, utcnow
from portal.enums import UnitLevel
from portal.models import Unit, enum_column


class Scheme(Base):
    """An indicator scheme (考核指标体系) for one year and one unit level, in versions.

    A version that a published period was scored with is ``locked``; changing it
    creates the next version, so published results keep the scheme they rest on.
    """

    __tablename__ = "as_scheme"
    __table_args__ = (UniqueConstraint("year", "level", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    level: Mapped[UnitLevel] = enum_column(UnitLevel)
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(120), default="")
    locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="Indicator.position")


class LeadDepartment(Base):
    """A lead department (牵头部门) that scores the indicators it leads for every unit, e.g.
    the political-legal committee (政法委) for disputes, civil affairs (民政局) for social
    organizations, the 12345 hotline centre for residents' requests. Reporter logins name
    it by ``code``."""

    __tablename__ = "as_lead_department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)


class Indicator(Base):
    """One node of a scheme's tree: a dimension (``group``) or a scored indicator.

    ``weight`` is in points of the scheme's 100; siblings sum to their parent's weight.
    ``target`` (ratio), ``bands`` ([[threshold, share of the weight], …], banded),
    ``cap`` and ``per_item`` (deduction and bonus items) parameterize the method;
    ``params`` holds the other methods' parameters as plain JSON (rank points, start,
    step and floor; the source of imported points), see ``assessment.rules.methods``.
    """

    __tablename__ = "as_indicator"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("as_scheme.id", ondelete="CASCADE"),
                                           index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(32))
    weight: Mapped[float] = mapped_column(default=0.0)
    direction: Mapped[Direction] = enum_column(Direction, default=Direction.HIGHER)
    method: Mapped[Method] = enum_column(Method, default=Method.DIRECT)
    target: Mapped[float | None]
    bands: Mapped[Any] = mapped_column(JSON, nullable=True)
    cap: Mapped[float | None]
    per_item: Mapped[float | None]
    params: Mapped[Any] = mapped_column(JSON, nullable=True)
    unit_label: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)
    # Who scores it: a lead department for every unit, or (None) the unit reports it itself
    # and the assessment office checks or enters it.
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("as_lead_department.id"),
                                                           index=True)

    scheme: Mapped[Scheme] = relationship(back_populates="indicators")
    lead_department: Mapped[LeadDepartment | None] = relationship()


class Period(Base):
    """An assessment period (考核期): a quarter (``2026Q1``) or a year (``2026``)."""

    __tablename__ = "as_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[PeriodKind] = enum_column(PeriodKind)
    year: Mapped[int]
    quarter: Mapped[int | None]
    start: Mapped[date]
    end: Mapped[date]
    status: Mapped[PeriodStatus] = enum_column(PeriodStatus, default=PeriodStatus.DRAFT)
    published_at: Mapped[datetime | None]
    published_by: Mapped[str] = mapped_column(String(64), default="")
    # the announcement (公示): its first and last day, both inclusive, and who announced
    announced_on: Mapped[date | None]
    announced_until: Mapped[date | None]
    announced_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PeriodLevel(Base):
    """Which scheme version a period's units of one level were scored with, and the
    level's published statistics (peer medians for the radar, unit count)."""

    __tablename__ = "as_period_level"
    __table_args__ = (UniqueConstraint("period_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("as_period.id", ondelete="CASCADE"))
    level: Mapped[UnitLevel] = enum_column(UnitLevel)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("as_scheme.id"))
    unit_count: Mapped[int] = mapped_column(default=0)
    median_composite: Mapped[float | None]
    medians: Mapped[Any] = mapped_column(
        JSON, default=dict
    )  # indicator or dimension code → median points

    scheme: Mapped[Scheme] = relationship()


class Score(Base):
    """One unit's value for one indicator in one period. ``version`` makes a second
    writer who read an older value fail instead of overwriting (optimistic locking)."""

    __tablename__ = "as_score"
    __table_args__ = (
        UniqueConstraint("period_id", "unit_id", "indicator_code"),
        # Completeness counts the present scores of a period: this index alone answers it.
        Index("ix_as_score_present", "period_id", "unit_id", "indicator_code",
              sqlite_where=text("value IS NOT NULL"), postgresql_where=text("value IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("as_period.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    indicator_code: Mapped[str] = mapped_column(String(32))
    value: Mapped[float | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")

    unit: Mapped[Unit] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Result(Base):
    """A unit's frozen result for a published period: what every dashboard reads."""

    __tablename__ = "as_result"
    __table_args__ = (UniqueConstraint("period_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("as_period.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    level: Mapped[UnitLevel] = enum_column(UnitLevel)
    parent_id: Mapped[int | None]
    scheme_id: Mapped[int] = mapped_column(ForeignKey("as_scheme.id"))
    composite: Mapped[float]
    bonus: Mapped[float] = mapped_column(default=0.0)
    rank_in_level: Mapped[int]
    count_in_level: Mapped[int]
    rank_in_parent: Mapped[int]
    count_in_parent: Mapped[int]
    grade: Mapped[Grade] = enum_column(Grade)
    vetoed: Mapped[bool] = mapped_column(default=False)
    veto_codes: Mapped[Any] = mapped_column(JSON, default=list)
    robust_z: Mapped[float | None]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class ResultItem(Base):
    """One indicator's contribution to a frozen result (the breakdown sums to the composite)."""

    __tablename__ = "as_result_item"
    __table_args__ = (Index("ix_as_result_item_period_indicator", "period_id", "indicator_code"),)

    result_id: Mapped[int] = mapped_column(ForeignKey("as_result.id", ondelete="CASCADE"),
                                           primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period_id: Mapped[int]
    unit_id: Mapped[int]
    value: Mapped[float | None]
    points: Mapped[float]
    fraction: Mapped[float | None]


class SupervisionItem(Base):
    """A supervision item (督查事项) assigned to a unit, with its deadline, findings and
    rectification (整改). An overdue or failed item becomes a deduction on the named
    indicator of the period its deadline falls in."""

    __tablename__ = "as_supervision_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    assigned_on: Mapped[date]
    deadline: Mapped[date]
    status: Mapped[SupervisionStatus] = enum_column(SupervisionStatus,
                                                    default=SupervisionStatus.ASSIGNED)
    finding: Mapped[str] = mapped_column(Text, default="")
    rectification: Mapped[str] = mapped_column(Text, default="")
    rectified_on: Mapped[date | None]
    verified_on: Mapped[date | None]
    indicator_code: Mapped[str | None] = mapped_column(String(32))
    points: Mapped[float] = mapped_column(default=1.0)
    version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Appeal(Base):
    """A unit's appeal (申诉) against one indicator's announced score, with its reason,
    an optional evidence file (PDF, PNG or JPEG, kept here as a blob, read only when
    asked for), and the office's decision: upheld with the corrected value, or
    rejected with a reason. ``original_value`` and ``original_points`` are the
    announced figures the appeal was made against."""

    __tablename__ = "as_appeal"
    __table_args__ = (Index("ix_as_appeal_period_status", "period_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("as_period.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    indicator_code: Mapped[str] = mapped_column(String(32))
    status: Mapped[AppealStatus] = enum_column(AppealStatus, default=AppealStatus.OPEN)
    reason: Mapped[str] = mapped_column(Text)
    original_value: Mapped[float | None]
    original_points: Mapped[float | None]
    evidence_name: Mapped[str] = mapped_column(String(200), default="")
    evidence_type: Mapped[str] = mapped_column(String(40), default="")
    evidence_size: Mapped[int] = mapped_column(default=0)
    evidence: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    corrected_value: Mapped[float | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    period: Mapped[Period] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Submission(Base):
    """One reporting set's figures for one unit and period (填报): the unit's own indicators
    (``department_id`` None) or the indicators one lead department scores for the unit.
    ``set_key`` ("unit" or "d<department id>") makes the set unique without a NULL."""

    __tablename__ = "as_submission"
    __table_args__ = (UniqueConstraint("period_id", "unit_id", "set_key"),
                      Index("ix_as_submission_period_status", "period_id", "status"),
                      Index("ix_as_submission_period_department", "period_id", "department_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("as_period.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("as_lead_department.id"))
    set_key: Mapped[str] = mapped_column(String(16))
    status: Mapped[SubmissionStatus] = enum_column(SubmissionStatus,
                                                   default=SubmissionStatus.DRAFT)
    returned_count: Mapped[int] = mapped_column(default=0)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    # An exception (特批) granted by the office reopens the set, with its reason.
    exception_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    department: Mapped[LeadDepartment | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class SubmissionFigure(Base):
    """A reported value of one indicator in a submission; it becomes the period's score when
    the office accepts the set."""

    __tablename__ = "as_submission_figure"
    __table_args__ = (UniqueConstraint("submission_id", "indicator_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("as_submission.id", ondelete="CASCADE"))
    indicator_code: Mapped[str] = mapped_column(String(32))
    value: Mapped[float | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class Evidence(Base):
    """An evidence attachment (佐证材料) of a submission: a PDF, PNG or JPEG checked against its
    claimed type, kept as a blob (loaded only when downloaded)."""

    __tablename__ = "as_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("as_submission.id", ondelete="CASCADE"),
                                               index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(64), default="")


class ReportDeadline(Base):
    """When a reporting set is due in a period (``set_key`` as in ``Submission``)."""

    __tablename__ = "as_report_deadline"
    __table_args__ = (UniqueConstraint("period_id", "set_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("as_period.id", ondelete="CASCADE"))
    set_key: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date]


class Questionnaire(Base):
    """The satisfaction survey (群众满意度) or democratic evaluation (民主测评) of one period
    for the units of one level: its questions (``[{"code", "text", "scale"}]``), the
    indicator its score feeds, the group weights when they differ from the settings, and
    the last day codes may be answered."""

    __tablename__ = "as_questionnaire"
    __table_args__ = (UniqueConstraint("period_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("as_period.id", ondelete="CASCADE"))
    level: Mapped[UnitLevel] = enum_column(UnitLevel)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[Any] = mapped_column(JSON, default=list)
    weights: Mapped[Any] = mapped_column(JSON, nullable=True)  # group → weight; None: settings
    indicator_code: Mapped[str] = mapped_column(String(32), default="MS1")
    closes_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")

    period: Mapped[Period] = relationship()


class SurveyCode(Base):
    """A one-time anonymous code for one unit and respondent group: only its SHA-256 is
    kept, and nothing ties it to a person or to the response it was spent on."""

    __tablename__ = "as_survey_code"
    __table_args__ = (Index("ix_as_survey_code_tally", "questionnaire_id", "unit_id", "group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("as_questionnaire.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    group: Mapped[RespondentGroup] = enum_column(RespondentGroup)
    spent: Mapped[bool] = mapped_column(default=False)
    issued_on: Mapped[date]


class SurveyResponse(Base):
    """One anonymous response: the answers and their points, the unit and group it counts
    for, and the day only. No user, address, browser or code is stored with it."""

    __tablename__ = "as_survey_response"
    __table_args__ = (Index("ix_as_survey_response_tally", "questionnaire_id", "unit_id",
                            "group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("as_questionnaire.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    group: Mapped[RespondentGroup] = enum_column(RespondentGroup)
    answers: Mapped[Any] = mapped_column(JSON, default=dict)
    points: Mapped[float]
    submitted_on: Mapped[date]
