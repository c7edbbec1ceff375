"""Lead departments (牵头部门): the departments that score the indicators they lead for
every unit (the political-legal committee for disputes, civil affairs for social
organizations, the 12345 hotline centre for residents' requests …), and which
indicator each one leads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import schemes
from assessment.models import LeadDepartment
from portal import audit
from portal.access import Actor
from portal.enums import UnitLevel
from portal.errors import Invalid, NotFound
from portal.i18n import _


def by_code(session: Session, code: str | None) -> LeadDepartment | None:
    """The active department with ``code`` (no actor: department names are not unit data)."""
    code = str(code or "").strip()
    if not code:
        return None
    return session.scalar(select(LeadDepartment).where(LeadDepartment.code == code,
                                                       LeadDepartment.active.is_(True)))


def find(session: Session, value: str | None) -> LeadDepartment | None:
    """The active department whose code, or else whose name, is ``value`` (files and forms
    may give either)."""
    return schemes.find_lead_department(session, value)


def list_departments(session: Session) -> list[LeadDepartment]:
    return list(session.scalars(select(LeadDepartment).where(LeadDepartment.active.is_(True))
                                .order_by(LeadDepartment.code)))


def save_department(session: Session, actor: Actor, code: str, name: str) -> LeadDepartment:
    """Add a lead department or rename it (its code stays: reporter logins name it)."""
    actor.require("schemes.manage")
    code, name = str(code or "").strip(), str(name or "").strip()
    if not code or len(code) > 32:
        raise Invalid(_("A department code has 1 to 32 characters."), field="code")
    if not name or len(name) > 120:
        raise Invalid(_("A department name has 1 to 120 characters."), field="name")
    department = session.scalar(select(LeadDepartment).where(LeadDepartment.code == code))
    before = audit.snapshot(department) if department else {}
    if department is None:
        department = LeadDepartment(code=code, name=name, active=True)
        session.add(department)
    department.name, department.active = name, True
    session.flush()
    audit.log(session, actor, "lead_department.save", department,
              summary=audit.changes(before, audit.snapshot(department)))
    return department


def assign(session: Session, actor: Actor, year: int, level: UnitLevel, indicator_code: str,
           department_code: str | None) -> None:
    """Make ``department_code`` the lead department of an indicator of the editable scheme
    version (None: the unit reports it itself)."""
    department = None
    if department_code:
        department = by_code(session, department_code)
        if department is None:
            raise NotFound(_("There is no lead department %(code)s.", code=department_code))
    scheme = schemes.editable(session, actor, year, level)
    indicator = next((i for i in scheme.indicators if i.code == indicator_code), None)
    if indicator is None:
        raise NotFound(_("There is no indicator %(code)s in this scheme.", code=indicator_code))
    before = indicator.lead_department.code if indicator.lead_department else None
    indicator.lead_department = department
    session.flush()
    audit.log(session, actor, "indicator.lead_department", indicator,
              summary={"scheme": scheme.id, "code": indicator_code, "before": before,
                       "after": department.code if department else None})
