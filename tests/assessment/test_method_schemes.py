"""The new scoring methods stored on indicators: set in the scheme editor's service and by
an indicators file, exported back, published, and explained in the unit's breakdown."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessment import results, schemes
from assessment.models import Indicator
from portal import transfer
from portal.enums import UnitLevel
from portal.errors import Invalid
from portal.tabular import ImportProblem
from tests.assessment.conftest import YEAR, build_scheme, enter, open_period, publish

RANK_SCHEME = [
    ("R1", "矛盾纠纷化解排名", None, 60, {"method": "rank",
                                     "params": {"rank_points": "60, 57, 54"}}),
    ("P1", "群众诉求办结率", None, 30, {"method": "proportional"}),
    ("M1", "综治考核得分", None, 10, {"method": "imported",
                                  "params": {"source": "市综治考核", "rank_step": 3}}),
]

INDICATORS = """code,name,parent_code,weight,direction,method,level,year,rank_points,rank_step,\
source
R1,矛盾纠纷化解排名,,60,lower,排名计分,street,2026,"60, 57, 54",,
P1,群众诉求办结率,,30,higher,对标最优,street,2026,,,
M1,综治考核得分,,10,higher,引用得分,street,2026,,,市综治考核
"""


def run_import(session, actor, data: bytes):
    result = transfer.run_import(session, actor, "indicators", data, "scheme.csv")
    session.commit()
    return result


def test_the_editor_stores_only_the_parameters_of_the_chosen_method(session, city):
    build_scheme(session, city.actor("admin"), YEAR, UnitLevel.STREET, RANK_SCHEME)
    stored = {i.code: i.params for i in schemes.latest(session, YEAR, UnitLevel.STREET).indicators}
    assert stored == {"R1": {"rank_points": [60.0, 57.0, 54.0]}, "P1": None,
                      "M1": {"source": "市综治考核"}}
    assert schemes.problems(schemes.latest(session, YEAR, UnitLevel.STREET)) == []


def test_rank_points_that_are_not_numbers_are_refused_naming_the_field(session, city):
    with pytest.raises(Invalid) as refused:
        schemes.save_indicator(session, city.actor("admin"), YEAR, UnitLevel.STREET, "R1",
                               {"name": "排名", "weight": 100, "method": "rank",
                                "params": {"rank_points": "60, 57, os.system('x')"}})
    assert refused.value.field == "rank_points"


def test_an_indicator_file_with_the_new_columns_round_trips(session, city):
    admin = city.actor("admin")
    result = run_import(session, admin, INDICATORS.encode())
    assert result.created == 3
    scheme = schemes.latest(session, YEAR, UnitLevel.STREET)
    assert {i.code: (i.method, i.params) for i in scheme.indicators} == {
        "R1": ("rank", {"rank_points": [60.0, 57.0, 54.0]}),
        "P1": ("proportional", None),
        "M1": ("imported", {"source": "市综治考核"}),
    }
    exported = transfer.run_export(session, admin, "indicators", "xlsx")
    again = run_import(session, admin, exported)
    assert (again.rows, again.unchanged) == (3, 3)


def test_an_indicator_file_with_rising_rank_points_is_refused_whole(session, city):
    bad = INDICATORS.replace('"60, 57, 54"', '"54, 57, 60"')
    with pytest.raises(ImportProblem) as problem:
        run_import(session, city.actor("admin"), bad.encode())
    assert any("R1" in line and "more points" in line for line in problem.value.lines())
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Indicator)) == 0


def test_a_published_rank_scheme_is_explained_in_the_breakdown(session, city):
    build_scheme(session, city.actor("admin"), YEAR, UnitLevel.STREET, RANK_SCHEME)
    session.commit()
    code = open_period(session, city)
    enter(session, city, code, city.s1, {"R1": 5, "P1": 40, "M1": 12})
    enter(session, city, code, city.s2, {"R1": 9, "P1": 80, "M1": 7.5})
    publish(session, city, code)
    items = results.breakdown(session, city.actor("reviewer"), code, city.s1.id)
    why = dict(zip(items["indicator_code"], items["explanation"], strict=True))
    points = dict(zip(items["indicator_code"], items["points"], strict=True))
    assert points == {"R1": 57.0, "P1": 15.0, "M1": 10.0}  # higher is better: 5 < 9 is 2nd
    assert why["R1"] == "ranked 2nd of 2: 57 points"
    assert why["P1"] == "40 against the best 80: 15 of 30 points"
    assert why["M1"] == "12 points from 市综治考核 (at most 10): 10 points"
