"""The demo city has leadership teams with each structure problem to find, in the district
reviewer's scope, and the same ones every time it is seeded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from cadres import teams
from cadres.demo_teams import problem_streets
from portal.access import Actor
from portal.db import session_factory
from portal.models import User

pytestmark = pytest.mark.slow
TODAY = date(2026, 11, 24)


@pytest.fixture
def seeded(clean_db, demo_templates):
    city = demo_templates.seed(clean_db, "small", today=TODAY)
    with session_factory(clean_db)() as session:
        yield city, session


def test_each_problem_has_its_street_in_the_first_district(seeded):
    city, session = seeded
    reviewer = Actor.for_user(session.scalar(select(User).where(User.username == "reviewer-d1")))
    table = teams.team_table(session, reviewer, "street", as_of=TODAY)
    flags = dict(zip(table.units["code"], table.units["flags"], strict=True))
    for flag, street in problem_streets(city).items():
        assert flag in flags[street["code"]], (flag, street["name"])
    tenure = table.units.set_index("code").loc[problem_streets(city)["tenure"]["code"]]
    assert tenure["longest_principal_years"] >= 11
    vacant = table.units.set_index("code").loc[problem_streets(city)["vacant"]["code"]]
    assert (vacant["principals"], vacant["deputies"], vacant["vacant"]) == (1, 3, 2)
    featured = next(c for c in city.cadres if c["id"] == city.featured_cadre_id)
    assert featured["status"] == "serving"  # the cadre login's street is left alone
