"""Tables of the accountability package: cases and their subjects, stage history and
extensions, measures, error-tolerance applications with their correction actions, name
clearing and follow-up visits.

Nothing here is ever deleted: a stage change is a new ``CaseEvent``, a revocation or a
change on appeal is recorded on the measure (a change adds the replacing measure), and
decisions are new values, never removed rows. ``unit_id`` on each row is the unit of its
subject and decides who may see it (the actor's unit subtree).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accountability.enums import (
    Applicant,
    CaseKind,
    CaseSource,
    CaseStage,
    MeasureType,
    SubjectKind,
    ToleranceOutcome,
    ToleranceStatus,
)
from portal.crypto import EncryptedText
from portal.db import Base, utcnow
from portal.models import Cadre, Unit, User, enum_column


class Case(Base):
    """A case or accountability matter (案件/问责事项) from the first clue to its closing.

    ``title`` and ``summary`` are confidential: only inspectors in scope read them.
    ``due_on`` is the current stage's time limit (None when the stage has none).
    """

    __tablename__ = "ac_case"
    # The desk, the to-do list and the overdue notices ask for open stages by time limit.
    __table_args__ = (Index("ix_ac_case_stage_due_on", "stage", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[CaseKind] = enum_column(CaseKind, default=CaseKind.DISCIPLINE)
    source: Mapped[CaseSource] = enum_column(CaseSource, index=True)
    # Confidential texts are encrypted at rest (portal.crypto): a copied database shows none.
    title: Mapped[str] = mapped_column(EncryptedText(), default="")
    summary: Mapped[str] = mapped_column(EncryptedText(), default="")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    stage: Mapped[CaseStage] = enum_column(CaseStage)
    stage_since: Mapped[date]
    opened_on: Mapped[date]
    filed_on: Mapped[date | None]
    decided_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    due_on: Mapped[date | None] = mapped_column(index=True)
    extended_months: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")

    unit: Mapped[Unit] = relationship()
    handler: Mapped[User | None] = relationship()
    subjects: Mapped[list[CaseSubject]] = relationship(back_populates="case",
                                                       order_by="CaseSubject.id")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")


class CaseSubject(Base):
    """Whom a case is about: a cadre (its unit recorded with it) or a unit / party organization."""

    __tablename__ = "ac_case_subject"
    __table_args__ = (UniqueConstraint("case_id", "cadre_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ac_case.id"), index=True)
    kind: Mapped[SubjectKind] = enum_column(SubjectKind)
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)

    case: Mapped[Case] = relationship(back_populates="subjects")
    cadre: Mapped[Cadre | None] = relationship()
    unit: Mapped[Unit] = relationship()


class CaseEvent(Base):
    """One step of a case's history: opening, a stage change, an extension or an import,
    with who, when and why. Append-only."""

    __tablename__ = "ac_case_event"
    # The funnel counts the cases that ever moved to each stage.
    __table_args__ = (Index("ix_ac_case_event_to_stage_case_id", "to_stage", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ac_case.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # opened | moved | extended | imported
    from_stage: Mapped[CaseStage | None] = enum_column(CaseStage, nullable=True)
    to_stage: Mapped[CaseStage] = enum_column(CaseStage)
    effective_on: Mapped[date]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), default="")
    actor_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(EncryptedText(), default="")

    case: Mapped[Case] = relationship(back_populates="events")


class CaseExtension(Base):
    """An extension of a stage's time limit (延长审查调查时间), with its approver and reason."""

    __tablename__ = "ac_case_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ac_case.id"), index=True)
    stage: Mapped[CaseStage] = enum_column(CaseStage)
    months: Mapped[int]
    approver: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    approved_on: Mapped[date]
    previous_due_on: Mapped[date | None]
    new_due_on: Mapped[date | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), default="")


class Measure(Base):
    """A handling measure (处理措施) decided about a cadre or a unit.

    Revoked on appeal: ``revoked_on`` is set and it stops blocking from then. Changed on
    appeal: ``changed_on`` is set and a new measure with ``replaces_id`` pointing here
    carries the original ``decided_on``. ``tolerance_outcome`` is the error-tolerance
    decision applied to it (exempt: does not block; mitigated: recorded as such).
    ``document_no`` and ``note`` are confidential.
    """

    __tablename__ = "ac_measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("ac_case.id"), index=True)
    subject_kind: Mapped[SubjectKind] = enum_column(SubjectKind, default=SubjectKind.CADRE)
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    code: Mapped[MeasureType] = enum_column(MeasureType, index=True)
    decided_on: Mapped[date] = mapped_column(index=True)
    probation_years: Mapped[int | None]
    document_no: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(EncryptedText(), default="")
    revoked_on: Mapped[date | None]
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    changed_on: Mapped[date | None]
    change_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("ac_measure.id"))
    tolerance_outcome: Mapped[ToleranceOutcome | None] = enum_column(ToleranceOutcome,
                                                                     nullable=True)
    origin: Mapped[str] = mapped_column(String(16), default="portal")  # portal | import | demo
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")

    case: Mapped[Case | None] = relationship()
    cadre: Mapped[Cadre | None] = relationship()
    unit: Mapped[Unit] = relationship()


class ToleranceApplication(Base):
    """An error-tolerance application (容错申请) by the cadre or their unit, linked to a case
    and/or a measure or standing alone, through verification to the committee's decision.

    ``checklist`` is ``{criterion code: {"met": bool, "evidence": text}}`` (rules.CRITERIA).
    Reviewers see only the outcome; the cadre sees their own statement, status and outcome.
    """

    __tablename__ = "ac_tolerance"
    # The to-do list counts the applications waiting, by status.
    __table_args__ = (Index("ix_ac_tolerance_status_unit_id", "status", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_no: Mapped[str] = mapped_column(String(40), unique=True)
    applicant: Mapped[Applicant] = enum_column(Applicant)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("ac_case.id"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("ac_measure.id"), index=True)
    finding_on: Mapped[date | None]
    submitted_on: Mapped[date]
    submitted_by: Mapped[str] = mapped_column(String(64), default="")
    statement: Mapped[str] = mapped_column(EncryptedText(), default="")
    status: Mapped[ToleranceStatus] = enum_column(ToleranceStatus,
                                                  default=ToleranceStatus.SUBMITTED)
    checklist: Mapped[Any] = mapped_column(JSON, default=dict)
    verification_notes: Mapped[str] = mapped_column(EncryptedText(), default="")
    outcome: Mapped[ToleranceOutcome | None] = enum_column(ToleranceOutcome, nullable=True)
    decided_on: Mapped[date | None]
    decided_by: Mapped[str] = mapped_column(String(120), default="")
    reasons: Mapped[str] = mapped_column(EncryptedText(), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cadre: Mapped[Cadre] = relationship()
    unit: Mapped[Unit] = relationship()
    case: Mapped[Case | None] = relationship()
    measure: Mapped[Measure | None] = relationship()
    actions: Mapped[list[CorrectionAction]] = relationship(back_populates="application",
                                                           order_by="CorrectionAction.id")


class CorrectionAction(Base):
    """One corrective action (纠错) required after an error: what, who, by when, and the
    follow-up."""

    __tablename__ = "ac_correction_action"
    # Follow-ups and the to-do list ask for the actions still open, by deadline.
    __table_args__ = (Index("ix_ac_correction_action_done_on_due_on", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("ac_tolerance.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    follow_up: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")

    application: Mapped[ToleranceApplication] = relationship(back_populates="actions")


class NameClearing(Base):
    """Name clearing (澄清正名) for a cadre after a report was found false, due within a
    month of the finding."""

    __tablename__ = "ac_name_clearing"
    __table_args__ = (Index("ix_ac_name_clearing_done_on_due_on", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("ac_case.id"), index=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    finding_on: Mapped[date]
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    method: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(EncryptedText(), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")

    case: Mapped[Case | None] = relationship()
    cadre: Mapped[Cadre] = relationship()


class FollowUpVisit(Base):
    """A follow-up visit (回访教育) to a sanctioned cadre, between ``earliest_on`` and
    ``due_on``."""

    __tablename__ = "ac_follow_up_visit"
    # Visits still to make whose window opens by a day (follow-ups, to-do list).
    __table_args__ = (Index("ix_ac_follow_up_visit_visited_on_earliest_on", "visited_on",
                            "earliest_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("ac_measure.id"), index=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    earliest_on: Mapped[date]
    due_on: Mapped[date] = mapped_column(index=True)
    visited_on: Mapped[date | None]
    visitor: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(EncryptedText(), default="")

    measure: Mapped[Measure] = relationship()
    cadre: Mapped[Cadre] = relationship()
