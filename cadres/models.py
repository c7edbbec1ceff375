"""Tables of the cadres package: postings, training standards, courses and enrolments,
training plans, records and claims, and appraisal grades.

The registry record itself is ``portal.models.Cadre``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cadres.enums import (
    AppraisalGrade,
    ClaimStatus,
    DecisionOutcome,
    DecisionStatus,
    DecisionType,
    EnrolmentStatus,
    RecordSource,
    TrainingCategory,
    TrainingMode,
)
from portal.crypto import EncryptedText
from portal.db import Base, utcnow
from portal.enums import CadreCategory
from portal.models import Cadre, Unit, enum_column


class CadrePosting(Base):
    """One post a cadre held (任职经历): unit, position and dates; ``end`` is None while held."""

    __tablename__ = "cadre_posting"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    position: Mapped[str] = mapped_column(String(120), default="")
    start: Mapped[date | None]
    end: Mapped[date | None]

    unit: Mapped[Unit] = relationship()


class TrainingStandard(Base):
    """A training standard (培训标准): the yearly requirement for a category of cadres from a
    rank upwards, with the regulation it comes from. Rows replace ``rules.DEFAULT_STANDARDS``."""

    __tablename__ = "training_standard"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    cadre_category: Mapped[CadreCategory | None] = enum_column(CadreCategory, nullable=True)
    min_rank_grade: Mapped[int] = mapped_column(default=0)
    annual_hours: Mapped[float] = mapped_column(Float)
    online_hours: Mapped[float] = mapped_column(Float)
    online_share_cap: Mapped[float | None] = mapped_column(Float)
    theory_hours: Mapped[float] = mapped_column(Float, default=0)
    party_spirit_hours: Mapped[float] = mapped_column(Float, default=0)
    professional_hours: Mapped[float] = mapped_column(Float, default=0)
    knowledge_hours: Mapped[float] = mapped_column(Float, default=0)
    five_year_hours: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(400), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class Course(Base):
    """A course or class (培训班) in the catalogue, organized by a unit for its subtree."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[TrainingCategory] = enum_column(TrainingCategory)
    hours: Mapped[float] = mapped_column(Float)
    mode: Mapped[TrainingMode] = enum_column(TrainingMode)
    provider: Mapped[str] = mapped_column(String(120), default="")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    capacity: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")

    unit: Mapped[Unit] = relationship()


class Enrolment(Base):
    """A cadre's place in a class, and whether they attended."""

    __tablename__ = "course_enrolment"
    __table_args__ = (UniqueConstraint("course_id", "cadre_id"),
                      # the class list counts the places taken from the index alone
                      Index("ix_course_enrolment_course_status", "course_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    status: Mapped[EnrolmentStatus] = enum_column(EnrolmentStatus, default=EnrolmentStatus.ENROLLED)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled_by: Mapped[str] = mapped_column(String(64), default="")
    record_id: Mapped[int | None] = mapped_column(ForeignKey("training_record.id"))

    course: Mapped[Course] = relationship()
    cadre: Mapped[Cadre] = relationship()


class TrainingRecord(Base):
    """Class hours a cadre completed (培训记录). ``course_key`` is the normalized title: with the
    year it is unique per cadre, so a course counts once however it was recorded."""

    __tablename__ = "training_record"
    __table_args__ = (UniqueConstraint("cadre_id", "year", "course_key"),
                      Index("ix_training_record_year_cadre", "year", "cadre_id"),
                      # the records page: the latest of a year first, a page at a time
                      Index("ix_training_record_year_completed", "year", "completed_on", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"))
    title: Mapped[str] = mapped_column(String(200))
    course_key: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    category: Mapped[TrainingCategory] = enum_column(TrainingCategory)
    hours: Mapped[float] = mapped_column(Float)
    mode: Mapped[TrainingMode] = enum_column(TrainingMode)
    completed_on: Mapped[date]
    provider: Mapped[str] = mapped_column(String(120), default="")
    source: Mapped[RecordSource] = enum_column(RecordSource)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")

    cadre: Mapped[Cadre] = relationship()


class HoursByCategoryMode:
    """Class hours per content category and mode, one column per cell (NULL: no hours in that
    cell): the cells of ``training_tally`` and of ``training_unit_summary``."""

    knowledge_offline: Mapped[float | None] = mapped_column(Float)
    knowledge_online: Mapped[float | None] = mapped_column(Float)
    party_spirit_offline: Mapped[float | None] = mapped_column(Float)
    party_spirit_online: Mapped[float | None] = mapped_column(Float)
    professional_offline: Mapped[float | None] = mapped_column(Float)
    professional_online: Mapped[float | None] = mapped_column(Float)
    theory_offline: Mapped[float | None] = mapped_column(Float)
    theory_online: Mapped[float | None] = mapped_column(Float)


class TrainingTally(HoursByCategoryMode, Base):
    """The class hours one cadre completed in one year: summed per content category and mode
    (one column per cell, NULL: no record in that cell, the sums ``HoursTally`` starts from),
    per mode, category and in all (added up in the order ``HoursTally`` adds them, so the
    floats are the same), and per month and mode (the dashboards' chart). A summary of
    ``training_record`` rebuilt in the same transaction as every write of a record
    (``training.refresh_tallies``), so dashboards over tens of thousands of cadres read one row
    per cadre and year, never every record."""

    __tablename__ = "training_tally"

    year: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), primary_key=True)
    records: Mapped[int] = mapped_column(default=0)
    offline: Mapped[float] = mapped_column(Float, default=0.0)
    online: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    knowledge: Mapped[float] = mapped_column(Float, default=0.0)
    party_spirit: Mapped[float] = mapped_column(Float, default=0.0)
    professional: Mapped[float] = mapped_column(Float, default=0.0)
    theory: Mapped[float] = mapped_column(Float, default=0.0)
    month_01_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_01_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_02_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_02_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_03_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_03_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_04_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_04_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_05_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_05_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_06_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_06_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_07_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_07_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_08_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_08_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_09_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_09_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_10_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_10_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_11_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_11_online: Mapped[float] = mapped_column(Float, default=0.0)
    month_12_offline: Mapped[float] = mapped_column(Float, default=0.0)
    month_12_online: Mapped[float] = mapped_column(Float, default=0.0)


class TrainingSummaryStamp(Base):
    """How often the training completion of a unit's cadres may have changed: every write that
    can change it (a record's tally, a plan, a cadre's unit, status, category or rank) adds one
    to the stamp of the units concerned in its own transaction; unit 0 is every unit (a bulk
    change). A row of ``training_unit_summary`` counts only while it carries the stamps it was
    computed under (``cadres.summary_stamps``)."""

    __tablename__ = "training_summary_stamp"

    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(default=0)


class TrainingUnitSummary(HoursByCategoryMode, Base):
    """Training completion of the serving cadres of one unit (its own cadres, not its subtree)
    in one year as of one day, and their class hours by category/mode and by month/mode: what
    the training overview and the annual report sum over a subtree (a few thousand rows for a
    city, not one per cadre). Kept by ``cadres.completion``: computed from ``training_tally``
    and the plans when a dashboard first needs it, valid while the unit's stamp, the global
    stamp and the standards and settings it was computed under (``basis``) are unchanged."""

    __tablename__ = "training_unit_summary"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    as_of: Mapped[date] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    basis: Mapped[str] = mapped_column(String(64))
    stamp: Mapped[int]
    epoch: Mapped[int]
    cadres: Mapped[int]
    complete: Mapped[int]
    behind: Mapped[int]
    five_year_cadres: Mapped[int]
    five_year_behind: Mapped[int]
    counted: Mapped[float] = mapped_column(Float)
    online: Mapped[float] = mapped_column(Float)
    total: Mapped[float] = mapped_column(Float)
    month_01_offline: Mapped[float | None] = mapped_column(Float)
    month_01_online: Mapped[float | None] = mapped_column(Float)
    month_02_offline: Mapped[float | None] = mapped_column(Float)
    month_02_online: Mapped[float | None] = mapped_column(Float)
    month_03_offline: Mapped[float | None] = mapped_column(Float)
    month_03_online: Mapped[float | None] = mapped_column(Float)
    month_04_offline: Mapped[float | None] = mapped_column(Float)
    month_04_online: Mapped[float | None] = mapped_column(Float)
    month_05_offline: Mapped[float | None] = mapped_column(Float)
    month_05_online: Mapped[float | None] = mapped_column(Float)
    month_06_offline: Mapped[float | None] = mapped_column(Float)
    month_06_online: Mapped[float | None] = mapped_column(Float)
    month_07_offline: Mapped[float | None] = mapped_column(Float)
    month_07_online: Mapped[float | None] = mapped_column(Float)
    month_08_offline: Mapped[float | None] = mapped_column(Float)
    month_08_online: Mapped[float | None] = mapped_column(Float)
    month_09_offline: Mapped[float | None] = mapped_column(Float)
    month_09_online: Mapped[float | None] = mapped_column(Float)
    month_10_offline: Mapped[float | None] = mapped_column(Float)
    month_10_online: Mapped[float | None] = mapped_column(Float)
    month_11_offline: Mapped[float | None] = mapped_column(Float)
    month_11_online: Mapped[float | None] = mapped_column(Float)
    month_12_offline: Mapped[float | None] = mapped_column(Float)
    month_12_online: Mapped[float | None] = mapped_column(Float)


class TrainingStanding(Base):
    """Where one serving cadre of a unit stands in one year's training: the parts of
    ``rules.progress`` that do not depend on the day (the targets, the hours counted, whether
    the year's requirement is met, the five-year total). Kept beside the unit's
    ``training_unit_summary`` rows under the same stamps (``cadres.completion``): while the
    unit's stamps are unchanged its standings are too, so a new day's unit row is a grouped
    scan of these rows (behind the even pace as of that day), not the per-cadre computation.
    Derived rows: no foreign keys, replaced a unit at a time."""

    __tablename__ = "training_standing"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cadre_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    annual: Mapped[float] = mapped_column(Float)  # the year's required hours
    deadline: Mapped[date]
    counted: Mapped[float] = mapped_column(Float)  # counted toward ``annual`` (online capped)
    online: Mapped[float] = mapped_column(Float)
    total: Mapped[float] = mapped_column(Float)
    complete: Mapped[int]  # 1: every requirement of the year met
    has_five: Mapped[int]  # 1: a five-year requirement applies
    five: Mapped[float | None] = mapped_column(Float)  # the five-year requirement
    five_done: Mapped[float] = mapped_column(Float)  # counted over the cycle so far


class TrainingClaim(Base):
    """A cadre's claim of self-reported study (自学申报) with an evidence note, approved or
    rejected (with a reason) by a reviewer in scope."""

    __tablename__ = "training_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[TrainingCategory] = enum_column(TrainingCategory)
    hours: Mapped[float] = mapped_column(Float)
    mode: Mapped[TrainingMode] = enum_column(TrainingMode)
    completed_on: Mapped[date]
    provider: Mapped[str] = mapped_column(String(120), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ClaimStatus] = enum_column(ClaimStatus, default=ClaimStatus.PENDING, index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    record_id: Mapped[int | None] = mapped_column(ForeignKey("training_record.id"))

    cadre: Mapped[Cadre] = relationship()


class TrainingPlan(Base):
    """A cadre's annual training plan (年度培训计划): a standard's targets, adjustable by a
    reviewer (who gives a reason)."""

    __tablename__ = "training_plan"
    __table_args__ = (UniqueConstraint("cadre_id", "year"),
                      # the year's deadlines are read from the index alone (a few, of 52,000)
                      Index("ix_training_plan_year_deadline", "year", "deadline"),
                      # the adjusted plans: a few of the year's 52,000
                      Index("ix_training_plan_year_adjusted", "year", "adjusted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"))
    year: Mapped[int]
    standard_code: Mapped[str] = mapped_column(String(40), default="")
    annual_hours: Mapped[float] = mapped_column(Float)
    online_hours: Mapped[float] = mapped_column(Float)
    online_share_cap: Mapped[float | None] = mapped_column(Float)
    theory_hours: Mapped[float] = mapped_column(Float, default=0)
    party_spirit_hours: Mapped[float] = mapped_column(Float, default=0)
    professional_hours: Mapped[float] = mapped_column(Float, default=0)
    knowledge_hours: Mapped[float] = mapped_column(Float, default=0)
    five_year_hours: Mapped[float | None] = mapped_column(Float)
    deadline: Mapped[date]
    note: Mapped[str] = mapped_column(String(300), default="")
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    adjusted_at: Mapped[datetime | None]
    adjusted_by: Mapped[str] = mapped_column(String(64), default="")

    cadre: Mapped[Cadre] = relationship()


class CadreAppraisal(Base):
    """A cadre's annual appraisal grade (年度考核等次); ``unit_id`` is the unit that assessed
    them that year (the 优秀 quota is counted per unit)."""

    __tablename__ = "cadre_appraisal"
    __table_args__ = (UniqueConstraint("cadre_id", "year"),
                      Index("ix_cadre_appraisal_year_unit", "year", "unit_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"))
    year: Mapped[int]
    grade: Mapped[AppraisalGrade] = enum_column(AppraisalGrade)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")

    cadre: Mapped[Cadre] = relationship()


# Category hours live in one column each; these map the category to its attribute.
CATEGORY_COLUMNS = {
    TrainingCategory.THEORY: "theory_hours",
    TrainingCategory.PARTY_SPIRIT: "party_spirit_hours",
    TrainingCategory.PROFESSIONAL: "professional_hours",
    TrainingCategory.KNOWLEDGE: "knowledge_hours",
}


class PersonnelDecision(Base):
    """A personnel decision (干部选任/奖惩决定): proposal → review → decision.

    At proposal the evidence is frozen in ``snapshot`` (the cadre's profile and
    eligibility as JSON) with its SHA-256 ``snapshot_hash``, so later edits of scores,
    grades or measures never change what the decision rested on. Approving a positive
    decision against a block needs ``override_reason``.
    """

    __tablename__ = "personnel_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    type: Mapped[DecisionType] = enum_column(DecisionType)
    title: Mapped[str] = mapped_column(String(200), default="")
    rationale: Mapped[str] = mapped_column(EncryptedText(), default="")  # encrypted at rest
    status: Mapped[DecisionStatus] = enum_column(DecisionStatus, default=DecisionStatus.PROPOSED)
    outcome: Mapped[DecisionOutcome | None] = enum_column(DecisionOutcome, nullable=True)
    as_of: Mapped[date]
    proposed_by: Mapped[str] = mapped_column(String(64))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    review_note: Mapped[str] = mapped_column(EncryptedText(), default="")
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
    reviewed_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(EncryptedText(), default="")
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None]
    decided_on: Mapped[date | None] = mapped_column(index=True)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    overridden: Mapped[bool] = mapped_column(default=False)
    eligible_at_proposal: Mapped[bool] = mapped_column(default=True)
    blocks_at_proposal: Mapped[int] = mapped_column(default=0)
    snapshot: Mapped[dict] = mapped_column(JSON)
    snapshot_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)

    cadre: Mapped[Cadre] = relationship()
    unit: Mapped[Unit] = relationship()

    __mapper_args__ = {"version_id_col": version}


class CadreRecord(Base):
    """The full record of a cadre (干部信息) beyond the registry row, on the national data
    elements (GB/T 14946.1-2019): what the appointment form (任免审批表, ``.lrmx``) carries.

    Coded fields hold the code of ``cadres.codes`` (ethnicity, education, degree, health);
    ``resume`` is a list of ``{start, end, text}`` (``rules.records.ResumeLine``) and
    ``resume_note`` the lines that could not be read as dated lines; ``family`` up to ten
    ``rules.records.FamilyMember``. The last group are the form's own fields (posts
    proposed and removed, reason, who submitted and filled it in), kept so that a form
    read in writes out the same. ``id_number`` is encrypted at rest (``portal.crypto``) and
    shown masked except to those who need it; ``id_number_digest`` (a keyed hash,
    ``records.id_digest``) keeps it unique and lets an import find the cadre by it.
    """

    __tablename__ = "cadre_record"

    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), primary_key=True)
    id_number: Mapped[str | None] = mapped_column(EncryptedText())
    id_number_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    ethnicity: Mapped[str] = mapped_column(String(2), default="")
    native_place: Mapped[str] = mapped_column(String(60), default="")
    birthplace: Mapped[str] = mapped_column(String(60), default="")
    party_joined: Mapped[date | None]
    work_started: Mapped[date | None]
    health: Mapped[str] = mapped_column(String(2), default="")
    professional_title: Mapped[str] = mapped_column(String(60), default="")
    expertise: Mapped[str] = mapped_column(String(200), default="")
    fulltime_education: Mapped[str] = mapped_column(String(2), default="")
    fulltime_degree: Mapped[str] = mapped_column(String(3), default="")
    fulltime_education_school: Mapped[str] = mapped_column(String(120), default="")
    fulltime_degree_school: Mapped[str] = mapped_column(String(120), default="")
    inservice_education: Mapped[str] = mapped_column(String(2), default="")
    inservice_degree: Mapped[str] = mapped_column(String(3), default="")
    inservice_education_school: Mapped[str] = mapped_column(String(120), default="")
    inservice_degree_school: Mapped[str] = mapped_column(String(120), default="")
    resume: Mapped[list] = mapped_column(JSON, default=list)
    resume_note: Mapped[str] = mapped_column(Text, default="")
    rewards_sanctions: Mapped[str] = mapped_column(Text, default="")
    appraisal_results: Mapped[str] = mapped_column(Text, default="")
    family: Mapped[list] = mapped_column(JSON, default=list)
    current_post: Mapped[str] = mapped_column(String(200), default="")
    proposed_post: Mapped[str] = mapped_column(String(200), default="")
    post_to_remove: Mapped[str] = mapped_column(String(200), default="")
    appointment_reason: Mapped[str] = mapped_column(Text, default="")
    submitting_unit: Mapped[str] = mapped_column(String(120), default="")
    filled_by: Mapped[str] = mapped_column(String(60), default="")
    filled_on: Mapped[date | None]
    age_date: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")

    cadre: Mapped[Cadre] = relationship()


class CadrePhoto(Base):
    """A cadre's photo (照片) for the appointment form: a JPEG, checked for type and size."""

    __tablename__ = "cadre_photo"

    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class SavedSearch(Base):
    """A reviewer's saved condition search (保存的检索条件): a name and the conditions as JSON
    (``rules.roster.Conditions.as_json``), private to the user who saved it."""

    __tablename__ = "roster_saved_search"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    conditions: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
