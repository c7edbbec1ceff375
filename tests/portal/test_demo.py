"""The demo city: deterministic, realistic, with the contract's logins."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from assessment.demo import HOTLINE, SCHEMES
from portal import demo
from portal.enums import LeaderRole, Role, UnitLevel
from portal.models import Cadre, Unit, User
from portal.passwords import password_matches


def test_small_city_has_the_promised_shape():
    import random

    units = demo.build_units(demo.SCALES["small"], random.Random(demo.SEED))
    by_level = {level: sum(1 for u in units if u["level"] == level) for level in UnitLevel}
    assert by_level[UnitLevel.CITY] == 1 and by_level[UnitLevel.DISTRICT] == 4
    assert 36 <= by_level[UnitLevel.STREET] <= 44
    assert 280 <= by_level[UnitLevel.COMMUNITY] <= 380
    cadres = demo.build_cadres(units, demo.SCALES["small"], date(2026, 11, 24), random.Random(1))
    assert 1300 <= len(cadres) <= 1800
    assert len({c["code"] for c in cadres}) == len(cadres)


@pytest.mark.parametrize("scale", ["small", "city"])
def test_unit_codes_cannot_be_mistaken_for_administrative_division_codes(scale):
    import random

    units = demo.build_units(demo.SCALES[scale], random.Random(demo.SEED))
    # GB/T 2260 codes are all digits (3309… is a real city); the demo's start with letters
    assert all(u["code"].startswith("JZ") and not u["code"].isdigit() for u in units)
    assert len({u["code"] for u in units}) == len(units)


def test_the_schemes_of_every_level_have_the_12345_hotline_indicator():
    for _name, rows in SCHEMES.values():
        hotline = [row for row in rows if row[1] == HOTLINE]
        assert len(hotline) == 1 and hotline[0][2] == "MS" and hotline[0][5]["unit_label"] == "%"
        assert sum(row[3] for row in rows if row[2] is None) == 100  # the weights still add up
        assert sum(row[3] for row in rows if row[2] == "MS") == next(
            row[3] for row in rows if row[0] == "MS"
        )
    assert "12345" in HOTLINE and "解决" in HOTLINE


def test_generation_is_deterministic():
    import random

    first = demo.build_units(demo.SCALES["small"], random.Random(demo.SEED))
    second = demo.build_units(demo.SCALES["small"], random.Random(demo.SEED))
    assert first == second
    assert first[1]["name"].endswith(("区", "县"))


@pytest.mark.slow
def test_seed_creates_the_demo_logins_with_the_demo_password(clean_db, session,
                                                           demo_templates):
    city = demo_templates.seed(clean_db, "small", today=date(2026, 11, 24))
    users = {u.username: u for u in session.scalars(select(User))}
    assert set(users) == {"admin", "security", "auditor", "reviewer", "reviewer-d1", "inspector",
                          "cadre", "reporter-unit", "reporter-dept"}
    assert all(password_matches(u.password_hash, demo.DEMO_PASSWORD) for u in users.values())
    assert users["reviewer-d1"].unit.level == UnitLevel.DISTRICT
    cadre_user = users["cadre"]
    assert cadre_user.role == Role.CADRE and cadre_user.cadre_id == city.featured_cadre_id
    assert cadre_user.cadre.leader_role == LeaderRole.DEPUTY
    unit_reporter, dept_reporter = users["reporter-unit"], users["reporter-dept"]
    assert unit_reporter.role == dept_reporter.role == Role.REPORTER
    assert unit_reporter.unit.level == UnitLevel.COMMUNITY and unit_reporter.department_code is None
    assert unit_reporter.unit.path.startswith(users["reviewer-d1"].unit.path)
    assert dept_reporter.department_code == "ZFW" and dept_reporter.unit.parent_id is None
    assert session.scalar(select(func.count()).select_from(Unit)) == len(city.units)
    assert session.scalar(select(func.count()).select_from(Cadre)) == len(city.cadres)
    child = session.scalar(select(Unit).where(Unit.level == UnitLevel.COMMUNITY).limit(1))
    assert child.path.startswith(child.parent.path)


@pytest.mark.slow
def test_ensure_demo_refuses_a_database_with_real_data(clean_db, session):
    from portal.errors import PortalError
    from tests import factories

    factories.city(session)
    with pytest.raises(PortalError, match="not the demo"):
        demo.ensure_demo(clean_db, "small", echo=lambda _m: None)
