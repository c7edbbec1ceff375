"""Courses and classes (培训班): the catalogue, enrolment and attendance.

A course is organized by a unit for the cadres of its subtree: a cadre sees the courses of
their own unit and of the units above it; a reviewer manages the courses organized in
their scope and sees the ones organized above it. Attendance turns into a training
record (once per course).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from cadres import scope, training
from cadres.enums import EnrolmentStatus, RecordSource, TrainingCategory, TrainingMode
from cadres.models import Course, Enrolment
from portal import audit, units
from portal.access import Actor, visible_cadre
from portal.errors import AccessDenied, Conflict, Invalid, NotFound
from portal.i18n import _
from portal.models import Cadre, Unit


def _ancestor_ids(path: str) -> list[int]:
    return units.ancestor_ids(path)


def _visible(actor: Actor, cadre_unit_path: str | None = None):
    """Courses organized in the actor's subtree or by any unit above it."""
    if scope.is_cadre(actor):
        return Course.unit_id.in_(_ancestor_ids(cadre_unit_path or actor.unit_path))
    return Course.unit_id.in_(select(Unit.id).where(
        actor.unit_clause() | Unit.id.in_(_ancestor_ids(actor.unit_path))))


def catalogue(session: Session, actor: Actor, *, year: int | None = None) -> list[Course]:
    """Courses the actor may see (reviewers: theirs and those above; cadres: open to them)."""
    actor.require_any("training.view", "self.view")
    path = None
    if scope.is_cadre(actor):
        path = visible_cadre(session, actor, cadre_id=actor.cadre_id,
                             permissions=scope.BASIC).unit.path
    stmt = select(Course).where(_visible(actor, path)).options(joinedload(Course.unit))
    if year:
        stmt = stmt.where(Course.starts_on >= date(year, 1, 1),
                          Course.starts_on <= date(year, 12, 31))
    return list(session.scalars(stmt.order_by(Course.starts_on.desc(), Course.code)))


def get_course(session: Session, actor: Actor, course_id) -> Course:
    try:
        course = session.get(Course, int(course_id))
    except (TypeError, ValueError):
        course = None
    path = None
    if scope.is_cadre(actor) and course is not None:
        path = visible_cadre(session, actor, cadre_id=actor.cadre_id,
                             permissions=scope.BASIC).unit.path
    if course is None or not session.scalar(select(Course.id).where(Course.id == course.id,
                                                                   _visible(actor, path))):
        raise NotFound(_("No such course among the courses open to you."))
    return course


@dataclass(frozen=True)
class CourseInput:
    title: str
    category: str
    hours: float | str
    mode: str
    starts_on: str | date
    ends_on: str | date
    provider: str = ""
    unit_id: int | None = None
    capacity: int | str | None = None


def _date(value, field: str, label: str) -> date:
    try:
        return value if isinstance(value,
                                   date) else date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        raise Invalid(_("Give the %(what)s as YYYY-MM-DD.", what=label), field=field) from None


def create_course(session: Session, actor: Actor, values: CourseInput) -> Course:
    """Add a course to the catalogue, organized by a unit in the reviewer's scope."""
    actor.require("training.edit")
    unit = units.get_unit(session, actor, int(values.unit_id or actor.unit_id))
    try:
        category, mode = TrainingCategory(values.category), TrainingMode(values.mode)
    except ValueError:
        raise Invalid(_("Choose the content category and the mode."), field="category") from None
    starts = _date(values.starts_on, "starts_on", _("start date"))
    ends = _date(values.ends_on or starts, "ends_on", _("end date"))
    if ends < starts:
        raise Invalid(_("The class cannot end before it starts."), field="ends_on")
    capacity = None
    if values.capacity not in (None, ""):
        try:
            capacity = int(values.capacity)
        except (TypeError, ValueError):
            capacity = -1
        if capacity <= 0:
            raise Invalid(_("The number of places must be a whole number above 0."),
                          field="capacity")
    count = session.scalar(select(func.count()).select_from(Course).where(
        Course.code.like(f"K{starts.year}-%"))) or 0
    code = f"K{starts.year}-{count + 1:03d}"
    while session.scalar(select(Course.id).where(Course.code == code)):
        count += 1
        code = f"K{starts.year}-{count + 1:03d}"
    course = Course(code=code, title=training.clean_title(values.title), category=category,
                    hours=training.clean_hours(values.hours), mode=mode,
                    provider=(values.provider or "").strip()[:120], unit_id=unit.id,
                    starts_on=starts,
                    ends_on=ends, capacity=capacity, created_by=actor.username)
    session.add(course)
    session.flush()
    audit.log(session, actor, "training.course.created", course,
              summary={"after": audit.snapshot(course)})
    return course


def enrolment_counts(session: Session, course_ids: list[int]) -> dict[int, int]:
    if not course_ids:
        return {}
    return dict(
        session.execute(
            select(Enrolment.course_id, func.count())
            .where(
                Enrolment.course_id.in_(course_ids), Enrolment.status != EnrolmentStatus.CANCELLED
            )
            .group_by(Enrolment.course_id)
        ).all()
    )


def open_courses(session: Session, actor: Actor, today: date | None = None) -> list[Course]:
    """Classes that have not started yet and are open to the cadre (for "enrol")."""
    today = today or date.today()
    return sorted((c for c in catalogue(session, actor) if c.starts_on > today),
                  key=lambda c: c.starts_on)


def enrol(session: Session, actor: Actor, course_id, cadre_code: str | None = None,
          today: date | None = None) -> Enrolment:
    """Enrol a cadre in a class: a cadre enrols themself before it starts; a reviewer enrols
    cadres of their scope."""
    today = today or date.today()
    course = get_course(session, actor, course_id)
    if scope.is_cadre(actor):
        actor.require("training.claim")
        cadre = visible_cadre(session, actor, cadre_id=actor.cadre_id, permissions=scope.BASIC)
        if course.starts_on <= today:
            raise Invalid(_("This class has already started; ask the organizer to enrol you."))
    else:
        cadre = visible_cadre(session, actor, code=cadre_code, permissions=scope.TRAINING)
        scope.require(actor, "training.edit", cadre)
        if course.unit_id not in _ancestor_ids(cadre.unit.path):
            raise Invalid(_("This class is not open to cadres of %(unit)s.", unit=cadre.unit.name))
    enrolment = session.scalar(select(Enrolment).where(Enrolment.course_id == course.id,
                                                       Enrolment.cadre_id == cadre.id))
    if enrolment is not None and enrolment.status != EnrolmentStatus.CANCELLED:
        raise Conflict(_("%(name)s is already enrolled in this class.", name=cadre.name))
    taken = enrolment_counts(session, [course.id]).get(course.id, 0)
    if course.capacity is not None and taken >= course.capacity:
        raise Conflict(_("The class is full (%(n)s places).", n=course.capacity))
    if enrolment is None:
        enrolment = Enrolment(course_id=course.id, cadre_id=cadre.id)
        session.add(enrolment)
    enrolment.status, enrolment.enrolled_by = EnrolmentStatus.ENROLLED, actor.username
    session.flush()
    audit.log(session, actor, "training.enrolment.created", enrolment,
              summary={"course": course.code, "cadre": cadre.code})
    return enrolment


def cancel_enrolment(session: Session, actor: Actor, enrolment_id,
                     today: date | None = None) -> Enrolment:
    today = today or date.today()
    enrolment = _enrolment(session, actor, enrolment_id)
    if scope.is_cadre(actor):
        if enrolment.course.starts_on <= today:
            raise Invalid(_("The class has started; ask the organizer to change your enrolment."))
    else:
        scope.require(actor, "training.edit", enrolment.cadre)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict(_("Only an open enrolment can be cancelled."))
    enrolment.status = EnrolmentStatus.CANCELLED
    session.flush()
    audit.log(session, actor, "training.enrolment.cancelled", enrolment,
              summary={"course": enrolment.course.code, "cadre": enrolment.cadre.code})
    return enrolment


def _enrolment(session: Session, actor: Actor, enrolment_id) -> Enrolment:
    try:
        enrolment = session.get(Enrolment, int(enrolment_id))
    except (TypeError, ValueError):
        enrolment = None
    if enrolment is None:
        raise NotFound(_("No such enrolment."))
    visible_cadre(session, actor, cadre_id=enrolment.cadre_id, permissions=scope.TRAINING)
    return enrolment


def enrolments(session: Session, actor: Actor, course_id) -> list[Enrolment]:
    """Who of the reviewer's scope is enrolled in a class."""
    actor.require("training.view")
    if scope.is_cadre(actor):
        raise AccessDenied(_("Your role may not do this."))
    course = get_course(session, actor, course_id)
    return list(session.scalars(
        select(Enrolment).join(Cadre, Enrolment.cadre_id == Cadre.id)
        .where(Enrolment.course_id == course.id, actor.cadre_clause())
        .options(joinedload(Enrolment.cadre).joinedload(Cadre.unit)).order_by(Cadre.code)))


def my_enrolments(session: Session, actor: Actor) -> list[Enrolment]:
    cadre = visible_cadre(session, actor, cadre_id=actor.cadre_id, permissions=scope.TRAINING)
    return list(session.scalars(select(Enrolment).where(Enrolment.cadre_id == cadre.id)
                                .options(joinedload(Enrolment.course)).order_by(Enrolment.id.desc())))


def mark_attendance(session: Session, actor: Actor, enrolment_id, attended: bool,
                    today: date | None = None) -> Enrolment:
    """Record whether an enrolled cadre attended; attending records the class hours (once)."""
    today = today or date.today()
    enrolment = _enrolment(session, actor, enrolment_id)
    scope.require(actor, "training.edit", enrolment.cadre)
    course = enrolment.course
    if course.starts_on > today:
        raise Invalid(_("Attendance can be recorded once the class has started."))
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise Conflict(_("This enrolment was cancelled."))
    if attended:
        record, _created = training.add_record(
            session, actor, enrolment.cadre, title=course.title, category=course.category,
                                               hours=course.hours,
            mode=course.mode, completed_on=course.ends_on, provider=course.provider,
            source=RecordSource.ATTENDANCE, course_id=course.id, audit_it=False)
        enrolment.status, enrolment.record_id = EnrolmentStatus.ATTENDED, record.id
    else:
        if enrolment.record_id is not None:
            raise Conflict(_("The attendance is already recorded as training hours; remove the "
                             "record first."))
        enrolment.status = EnrolmentStatus.ABSENT
    session.flush()
    audit.log(session, actor, "training.attendance.recorded", enrolment,
              summary={"course": course.code, "cadre": enrolment.cadre.code, "attended": attended,
                       "record": enrolment.record_id})
    return enrolment
