"""Rule values an administrator changes: the 优秀 quota (city-wide and per unit), day hours,
the five-year cycle; each change is audited and checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cadres import grades
from cadres import settings as cadre_settings
from portal.errors import AccessDenied, Invalid
from portal.models import AuditEvent
from tests import factories


def test_an_administrator_sets_the_quota_and_the_check_follows(session, city):
    for n in range(9):
        factories.cadre(session, f"C01{n}", f"同事{n}", city.s1)
    session.commit()
    cadre_settings.change(session, city.actor("admin"), cadre_settings.EXCELLENT_QUOTA, "10%")
    _row, check = grades.set_grade(session, city.actor("reviewer"), "C0001", 2025, "优秀")
    for n in range(9):
        _row, check = grades.set_grade(session, city.actor("reviewer"), f"C01{n}", 2025, "称职")
    assert (check.quota, check.assessed, check.allowed, check.over) == (0.10, 10, 1, False)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "setting.update"))
    assert event.summary["after"] == 0.10


@pytest.mark.parametrize(("key", "text", "value"), [
    (cadre_settings.EXCELLENT_QUOTA, "0.15", 0.15), (cadre_settings.EXCELLENT_QUOTA, "15", 0.15),
    (cadre_settings.DAY_HOURS, "6", 6.0), (cadre_settings.FIVE_YEAR_CYCLE_START, "2028", 2028),
    (cadre_settings.EXCELLENT_QUOTA_BY_UNIT, "S1: 15%，D2：0.1", {"S1": 0.15, "D2": 0.1}),
])
def test_values_are_read_the_way_people_type_them(session, city, key, text, value):
    assert cadre_settings.parse_value(session, key, text) == value


@pytest.mark.parametrize(("key", "text"), [
    (cadre_settings.EXCELLENT_QUOTA, "150%"), (cadre_settings.DAY_HOURS, "zero"),
    (cadre_settings.FIVE_YEAR_CYCLE_START, "23"),
                                           (cadre_settings.EXCELLENT_QUOTA_BY_UNIT, "NOPE: 15%"),
    ("cadres.unknown", "1"),
])
def test_impossible_values_are_refused(session, city, key, text):
    with pytest.raises(Invalid):
        cadre_settings.parse_value(session, key, text)


def test_only_administrators_change_rules(session, city):
    with pytest.raises(AccessDenied):
        cadre_settings.change(session, city.actor("reviewer"), cadre_settings.EXCELLENT_QUOTA,
                              "50%")
    assert cadre_settings.excellent_quota(session) == 0.20
