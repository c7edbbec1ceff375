"""Publishing computes a period set-based (one read of the scores, a units × indicators
matrix, the breakdown written in one statement); every published number must be the one
the straightforward path (tests/assessment/reference_publish.py) computes from the same
rows: composite, bonus, ranks, grade, veto, robust z, the breakdown and the medians."""

from __future__ import annotations

import math
import random
from datetime import date

from sqlalchemy import select

from assessment import periods
from assessment.enums import SupervisionStatus
from assessment.models import PeriodLevel, Result, ResultItem, Score, SupervisionItem
from portal.enums import UnitLevel
from tests import factories
from tests.assessment import reference_publish
from tests.assessment.conftest import YEAR, build_scheme, open_period, publish

TODAY = date(2026, 7, 10)
# Every scoring method, ties on purpose (values drawn from a few levels), a veto, a bonus.
SCHEME = [
    ("D1", "党建引领", None, 50, {"method": "group"}),
    ("A1", "书记抓党建", "D1", 10, {"method": "direct"}),
    ("A2", "覆盖率", "D1", 10, {"method": "ratio", "target": 80, "unit_label": "%"}),
    ("A3", "投诉率", "D1", 10, {"method": "ratio", "target": 5, "direction": "lower"}),
    ("A4", "满意度", "D1", 10, {"method": "banded",
                             "bands": [[95, 1], [90, 0.85], [80, 0.5]], "unit_label": "%"}),
    ("A5", "安全事件", "D1", 10, {"method": "deduction", "per_item": 2, "cap": 10}),
    ("D2", "基层治理", None, 50, {"method": "group"}),
    ("B1", "化解排名", "D2", 20, {"method": "rank", "params": {"rank_step": 1.5}}),
    ("B2", "办结率", "D2", 15, {"method": "proportional"}),
    ("B3", "综治得分", "D2", 15, {"method": "imported", "params": {"source": "综治"}}),
    ("JF", "创新加分", None, 0, {"method": "bonus", "cap": 3, "per_item": 1}),
    ("FJ", "重大事故", None, 0, {"method": "veto"}),
]
DRAWS = {"A1": (6, 8, 9.5, 10), "A2": (60, 72, 80, 90), "A3": (3, 5, 6.5, 9),
         "A4": (78, 85, 91, 96), "A5": (0, 0, 1, 3, 6), "B1": (55, 60, 60, 70, 81.5),
         "B2": (40, 70, 85, 85, 100), "B3": (9, 12, 15, 16), "JF": (0, 0, 1, 2, 4),
         "FJ": (0,) * 12 + (1,)}


def _streets(session, city, count: int = 26) -> list:
    districts = [city.d1, city.d2]
    extra = [factories.unit(session, f"S{n:02d}", f"街道{n}", UnitLevel.STREET, districts[n % 2])
             for n in range(3, count + 1)]
    session.flush()
    return [city.s1, city.s2, *extra]


def _scores(session, period_code: str, streets: list) -> None:
    period = periods.get(session, period_code)
    draw = random.Random(11)
    for unit in streets:
        for code, values in DRAWS.items():
            if unit == streets[-1] and code == "JF":
                continue  # a bonus left empty counts as none
            session.add(Score(period_id=period.id, unit_id=unit.id, indicator_code=code,
                              value=float(draw.choice(values)), note=""))
    # an overdue supervision item adds its points to the deduction indicator's value
    session.add(SupervisionItem(unit_id=streets[3].id, title="限期整改",
                                assigned_on=date(2026, 1, 5), deadline=date(2026, 3, 1),
                                status=SupervisionStatus.ASSIGNED, indicator_code="A5",
                                points=2.0))
    session.commit()


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == b


def test_publishing_gives_the_numbers_of_the_straightforward_path(session, city):
    build_scheme(session, city.actor("admin"), YEAR, UnitLevel.STREET, SCHEME)
    session.commit()
    streets = _streets(session, city)
    code = open_period(session, city)
    _scores(session, code, streets)
    expected_results, expected_items, expected_medians = reference_publish.compute(
        session, periods.get(session, code), TODAY)[UnitLevel.STREET]
    period = periods.get(session, code)
    assert not periods.supervision_frame(session, period, [streets[3].id], TODAY).empty
    publish(session, city, code, TODAY)

    stored = {r.unit_id: r for r in session.scalars(select(Result).where(
        Result.period_id == period.id))}
    assert len(stored) == len(expected_results) == len(streets)
    assert expected_results["vetoed"].any() and len(set(expected_results["composite"])) > 5
    for row in expected_results.itertuples():
        result = stored[int(row.unit_id)]
        assert (result.composite, result.bonus, result.rank_in_level, result.count_in_level,
                result.rank_in_parent, result.count_in_parent, str(result.grade),
                result.vetoed, list(result.veto_codes), result.robust_z) == (
            row.composite, row.bonus, row.rank_in_level, row.count_in_level,
            row.rank_in_parent, row.count_in_parent, str(row.grade), bool(row.vetoed),
            list(row.veto_codes), row.robust_z), row.unit_id

    items = {(i.unit_id, i.indicator_code): i for i in session.scalars(select(ResultItem).where(
        ResultItem.period_id == period.id))}
    assert len(items) == len(expected_items)
    for row in expected_items.itertuples():
        item = items[(int(row.unit_id), row.indicator_code)]
        assert item.result_id == stored[int(row.unit_id)].id
        assert (_same(item.value, row.value), item.points, _same(item.fraction, row.fraction)) \
            == (True, row.points, True), (row.unit_id, row.indicator_code)

    binding = session.scalar(select(PeriodLevel).where(PeriodLevel.period_id == period.id))
    assert binding.median_composite == expected_medians.pop("__composite__")
    assert binding.medians == expected_medians
    assert binding.unit_count == len(streets)
