"""A small assessed city: the factories' city, a street scheme and helpers to score it."""

from __future__ import annotations

from datetime import date

import pytest

from assessment import periods, schemes, scores
from assessment.enums import PeriodStatus
from portal.enums import UnitLevel
from tests import factories

YEAR = 2026

# Party building 60 (direct 30, coverage ratio 30 to a target of 80 %) + safety 40
# (incidents: 4 points each, at most 20) + bonus (capped at 3) + a veto item.
STREET_SCHEME = [
    ("D1", "党建引领", None, 60, {"method": "group"}),
    ("I1", "党组织书记抓党建", "D1", 30, {"method": "direct"}),
    ("I2", "两新组织党组织覆盖率", "D1", 30, {"method": "ratio", "target": 80, "unit_label": "%"}),
    ("D2", "平安建设", None, 40, {"method": "group"}),
    ("I3", "安全事件", "D2", 40, {"method": "deduction", "per_item": 4, "cap": 20}),
    ("B1", "创新加分", None, 0, {"method": "bonus", "cap": 3}),
    ("V1", "重大安全事故", None, 0, {"method": "veto"}),
]


@pytest.fixture
def city(session):
    return factories.city(session)


def build_scheme(session, actor, year: int, level: UnitLevel, rows=STREET_SCHEME) -> None:
    for code, name, parent, weight, extra in rows:
        schemes.save_indicator(session, actor, year, level, code,
                               {"name": name, "parent_code": parent, "weight": weight, **extra})
    session.flush()


@pytest.fixture
def street_scheme(session, city):
    build_scheme(session, city.actor("admin"), YEAR, UnitLevel.STREET)
    session.commit()


def open_period(session, city, code: str = "2026Q1"):
    reviewer = city.actor("reviewer")
    periods.create(session, reviewer, code)
    periods.transition(session, reviewer, code, PeriodStatus.COLLECTING)
    session.commit()
    return code


def enter(session, city, code: str, unit, values: dict) -> None:
    reviewer = city.actor("reviewer")
    for indicator, value in values.items():
        existing = scores.get_score(session, reviewer, code, unit.id, indicator)
        scores.set_score(session, reviewer, code, unit.id, indicator, value,
                         existing.version if existing else None)
    session.flush()


def publish(session, city, code: str, today: date = date(2026, 7, 10)) -> None:
    reviewer = city.actor("reviewer")
    period = periods.get(session, code)
    if period.status == PeriodStatus.COLLECTING:
        periods.transition(session, reviewer, code, PeriodStatus.REVIEWING)
    periods.transition(session, reviewer, code, PeriodStatus.PUBLISHED, today=today)
    session.commit()


S1_VALUES = {"I1": 27, "I2": 72, "I3": 1, "B1": 2, "V1": 0}   # 27 + 27 + 36 + 2 = 92
S2_VALUES = {"I1": 24, "I2": 80, "I3": 3, "B1": 0, "V1": 0}   # 24 + 30 + 28 + 0 = 82


@pytest.fixture
def published(session, city, street_scheme):
    """2026Q1 published with both streets scored."""
    code = open_period(session, city)
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code)
    return code


@pytest.fixture
def reporters(session, city):
    """A lead department (政法委, ``ZFW``) leading the street scheme's safety indicator I3, a
    reporter for street S1 (it reports its own figures) and one for the department."""
    from assessment.models import LeadDepartment
    from portal.enums import Role

    session.add(LeadDepartment(code="ZFW", name="市委政法委", active=True))
    session.flush()
    unit_reporter = factories.user(session, "reporter-unit", Role.REPORTER, city.s1)
    dept_reporter = factories.user(session, "reporter-dept", Role.REPORTER, city.city)
    dept_reporter.department_code = "ZFW"
    other = factories.user(session, "reporter-s2", Role.REPORTER, city.s2)
    city.users.update({"reporter-unit": unit_reporter, "reporter-dept": dept_reporter,
                       "reporter-s2": other})
    session.commit()
    return city


@pytest.fixture
def reporting(session, reporters, street_scheme):
    """The street scheme's safety indicator I3 led by 政法委 (ZFW); 2026Q1 collecting."""
    from assessment import departments

    departments.assign(session, reporters.actor("admin"), YEAR, UnitLevel.STREET, "I3", "ZFW")
    session.commit()
    open_period(session, reporters)
    return reporters
