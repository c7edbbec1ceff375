"""Assessment tables: schemes and their indicators, periods, scores, supervision items,
and the frozen results of published periods.

Scores are keyed by the indicator's *code*, so they survive a new version of the
scheme while a period is still being collected; the scheme version a period was
scored with is fixed in ``PeriodLevel`` when it is first published.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.enums import (
    Direction,
    Grade,
    Method,
    PeriodKind,
    PeriodStatus,
    RespondentGroup,
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


class Indicator(Base):
    """One node of a scheme's tree: a dimension (``group``) or a scored indicator.

    ``weight`` is in points of the scheme's 100; siblings sum to their parent's weight.
    ``target`` (ratio), ``bands`` ([[threshold, share of the weight], …], banded),
    ``cap`` and ``per_item`` (deduction and bonus items) parameterize the method.
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
    unit_label: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)

    scheme: Mapped[Scheme] = relationship(back_populates="indicators")


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
    __table_args__ = (UniqueConstraint("period_id", "unit_id", "indicator_code"),)

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
