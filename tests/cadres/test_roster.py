"""Condition search → roster (条件检索 → 花名册) as a service: each condition, the scope, the
eligibility blocks, paging, saved searches and the XLSX roster (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cadres import roster
from cadres.enums import AppraisalGrade
from cadres.models import CadreAppraisal, CadreRecord
from portal.access import Actor
from portal.enums import Gender, LeaderRole, Rank
from portal.errors import AccessDenied, Invalid, NotFound
from portal.models import AuditEvent
from tests import factories
from tests.cadres.conftest import record

AS_OF = date(2026, 11, 24)


@pytest.fixture
def people(session, city):
    return make_people(session, city)


def make_people(session, city):
    """Besides 王芳 (C0001, 桃桥街道 in 青山区) and 李娜 (C0002, 临江区), both 副科 since 2022,
    women born 1985: three more in 青山区."""
    zhang = factories.cadre(session, "C0003", "张伟", city.d1, rank=Rank.PRINCIPAL_STAFF_2,
                            position="科员", position_since=date(2025, 6, 1),
                            rank_since=date(2025, 6, 1), leader_role=LeaderRole.MEMBER)
    zhang.gender, zhang.birth_date = Gender.MALE, date(1990, 3, 1)
    zhao = factories.cadre(session, "C0004", "赵敏", city.c1, rank=Rank.RESEARCHER_4,
                           position="书记", position_since=date(2020, 1, 1),
                           rank_since=date(2020, 1, 1))
    zhao.birth_date = date(1975, 2, 1)
    qian = factories.cadre(session, "C0005", "钱军", city.d1, rank=Rank.STAFF_1,
                           rank_since=date(2018, 1, 1), leader_role=LeaderRole.MEMBER)
    qian.gender = Gender.MALE
    session.add(CadreRecord(cadre_id=zhao.id, fulltime_education="20", inservice_education="10"))
    session.add(CadreRecord(cadre_id=city.cadre1.id, fulltime_education="20", resume=[
        {"start": "200709", "end": "201107", "text": "江州大学法学院学习"},
        {"start": "201108", "end": "201512", "text": "青山区人民政府办公室科员"},
        {"start": "201601", "end": "202112", "text": "青山区桃桥街道办事处副主任"},
        {"start": "202201", "end": "", "text": "桃桥街道办事处副主任"}]))
    session.add(CadreRecord(cadre_id=city.cadre2.id, fulltime_education="30"))
    session.add(CadreAppraisal(cadre_id=zhao.id, year=2025,
                               grade=AppraisalGrade.BASICALLY_COMPETENT, unit_id=city.c1.id))
    session.commit()
    return {"zhang": zhang, "zhao": zhao, "qian": qian}


def codes(session, city, username="reviewer", **values):
    values.setdefault("as_of", AS_OF)
    found = roster.search(session, city.actor(username), roster.read_conditions(values))
    return [row.code for row in found.rows]


def test_without_conditions_every_serving_cadre_in_scope_is_listed(session, city, people):
    assert codes(session, city) == ["C0003", "C0005", "C0001", "C0004", "C0002"]


def test_a_unit_takes_its_whole_subtree(session, city, people):
    assert codes(session, city, unit="D1") == ["C0003", "C0005", "C0001", "C0004"]
    assert codes(session, city, unit="S1") == ["C0001", "C0004"]


def test_a_rank_and_above_follows_the_ladder(session, city, people):
    assert codes(session, city, ranks=["二级主任科员+"]) == ["C0003", "C0004"]
    assert codes(session, city, ranks=["principal_staff_2"]) == ["C0003"]
    assert codes(session, city, ranks=["staff_1", "township_deputy"]) == ["C0005", "C0001",
                                                                          "C0002"]


def test_ages_are_counted_on_the_as_of_date(session, city, people):
    assert codes(session, city, max_age=45) == ["C0003", "C0005", "C0001", "C0002"]
    assert codes(session, city, min_age=41, max_age=41) == ["C0005", "C0001", "C0002"]
    # 赵敏 turns 52 on 2027-02-01
    assert codes(session, city, min_age=52, as_of=date(2027, 2, 1)) == ["C0004"]
    assert codes(session, city, min_age=52, as_of=date(2027, 1, 31)) == []


def test_gender_and_education_at_or_above(session, city, people):
    assert codes(session, city, gender="男") == ["C0003", "C0005"]
    assert codes(session, city, education="大学") == ["C0001", "C0004"]
    assert codes(session, city, education="研究生") == ["C0004"]
    assert codes(session, city, education="大专") == ["C0001", "C0004", "C0002"]


def test_years_in_rank_and_in_post(session, city, people):
    assert "C0003" not in codes(session, city, min_rank_years=2)
    assert "C0003" in codes(session, city, min_rank_years=1.4)
    assert codes(session, city, min_post_years=6) == ["C0004"]


def test_years_at_the_grassroots_come_from_the_resume(session, city, people):
    # 街道 2016-01 … 2021-12 and 2022-01 … now: 10.9 years; the district office does not count
    assert codes(session, city, min_grassroots_years=10) == ["C0001"]
    assert codes(session, city, min_grassroots_years=11) == []
    row = roster.search(session, city.actor("reviewer"), roster.read_conditions(
        {"unit": "S1", "as_of": AS_OF})).rows[0]
    assert row.code == "C0001" and row.grassroots_years == 10.9


def test_recent_grades_leave_out_a_grade_below_competent(session, city, people):
    assert "C0004" not in codes(session, city, good_grades_years=2)
    assert "C0004" in codes(session, city, good_grades_years=2, as_of=date(2028, 1, 1))


def test_training_completion_this_year_reads_the_tallies(session, city, people):
    record(session, city, city.cadre1, "全年理论学习", 200, day=date(2026, 3, 2))
    assert codes(session, city, training="on_pace") == ["C0001"]
    assert codes(session, city, training="behind") == ["C0003", "C0005", "C0004", "C0002"]
    # 200 hours of theory in class, but no online hours and no other category: not complete
    assert codes(session, city, training="complete") == []


def test_each_result_shows_its_blocks_and_eligible_for_keeps_the_unblocked(session, city, people):
    found = roster.search(session, city.actor("reviewer"),
                          roster.read_conditions({"unit": "D1", "as_of": AS_OF}))
    by_code = {row.code: row for row in found.rows}
    assert found.decision.value == "promotion"
    assert [b.rule for b in by_code["C0004"].blocks] == ["appraisal_grade"]
    assert not by_code["C0004"].eligible and by_code["C0001"].eligible
    assert codes(session, city, unit="D1", eligible_for="promotion") == ["C0003", "C0005",
                                                                        "C0001"]
    # 张伟 has been 二级主任科员 since 2025-06: two years are needed for a rank promotion
    rank = roster.search(session, city.actor("reviewer"), roster.read_conditions(
        {"unit": "D1", "as_of": AS_OF, "eligible_for": "rank_promotion"}))
    assert [r.code for r in rank.rows] == ["C0005", "C0001"] and rank.count == 2


def test_the_json_keeps_the_contract_keys(session, city, people):
    found = roster.search(session, city.actor("reviewer"),
                          roster.read_conditions({"ranks": ["二级主任科员+"], "as_of": AS_OF}))
    data = found.as_json()
    assert set(data) == {"as_of", "decision", "count", "cadres"}
    assert data["count"] == 2 and data["as_of"] == "2026-11-24"
    assert set(data["cadres"][0]) == {"code", "name", "unit", "rank", "age", "rank_years",
                                      "post_years", "education", "eligible", "blocks"}
    zhao = data["cadres"][1]
    assert (zhao["unit"], zhao["education"], zhao["rank_years"]) == ("K1", "研究生", 6.9)
    assert set(zhao["blocks"][0]) == {"rule", "reason", "until", "source"}


def test_pages_are_cut_on_the_server_with_the_whole_count(session, city, people):
    actor = city.actor("reviewer")
    found = roster.search(session, actor, roster.read_conditions({"as_of": AS_OF}), offset=2,
                          limit=2)
    assert found.count == 5 and [r.code for r in found.rows] == ["C0001", "C0004"]


def test_a_district_reviewer_searches_only_their_subtree(session, city, people):
    assert codes(session, city, "reviewer-d1") == ["C0003", "C0005", "C0001", "C0004"]
    with pytest.raises(NotFound):
        codes(session, city, "reviewer-d1", unit="D2")


@pytest.mark.parametrize("username", ["inspector", "cadre", "admin", "auditor", "security"])
def test_only_reviewers_search(session, city, people, username):
    with pytest.raises(AccessDenied):
        roster.search(session, city.actor(username), roster.read_conditions({}))


@pytest.mark.parametrize(("values", "field"), [
    ({"ranks": ["大元帅"]}, "ranks"), ({"min_age": "forty"}, "min_age"),
    ({"min_age": 50, "max_age": 40}, "min_age"), ({"education": "幼儿园"}, "education"),
    ({"as_of": "2026-13-01"}, "as_of"), ({"eligible_for": "sainthood"}, "eligible_for"),
    ({"gender": "x"}, "gender"), ({"min_rank_years": -1}, "min_rank_years"),
])
def test_bad_conditions_are_named(values, field):
    with pytest.raises(Invalid) as error:
        roster.read_conditions(values)
    assert error.value.field == field


def test_saved_searches_are_per_user_and_audited(session, city, people):
    actor = city.actor("reviewer")
    wanted = roster.read_conditions({"unit": "D1", "ranks": ["二级主任科员+"], "max_age": 45,
                                     "eligible_for": "promotion"})
    saved = roster.save_search(session, actor, "青山区 正科后备", wanted)
    session.commit()
    assert roster.conditions_of(saved) == wanted
    roster.save_search(session, actor, "青山区 正科后备", roster.read_conditions({"unit": "D1"}))
    session.commit()
    assert [s.name for s in roster.saved_searches(session, actor)] == ["青山区 正科后备"]
    assert roster.saved_searches(session, city.actor("reviewer-d1")) == []
    with pytest.raises(NotFound):
        roster.delete_search(session, city.actor("reviewer-d1"), saved.id)
    roster.delete_search(session, actor, saved.id)
    session.commit()
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("roster.search.%")).order_by(AuditEvent.id)).all()
    assert actions == ["roster.search.saved", "roster.search.replaced", "roster.search.deleted"]
    with pytest.raises(Invalid):
        roster.save_search(session, actor, "  ", wanted)
    with pytest.raises(AccessDenied):
        roster.save_search(session, Actor.system(session), "cli", wanted)


def test_the_xlsx_roster_has_the_chosen_columns_in_order(session, city, people):
    content = roster.export_roster(session, city.actor("reviewer"),
                                   roster.read_conditions({"unit": "D1", "as_of": AS_OF}),
                                   ["blocks", "name", "code", "age"])
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Cadre code", "Full name", "Age", "Blocks")
    assert [r[0] for r in rows[1:]] == ["C0003", "C0005", "C0001", "C0004"]
    assert "2025" in rows[4][3]
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "roster")).one()
    assert event.summary["columns"] == ["code", "name", "age", "blocks"]
    with pytest.raises(Invalid):
        roster.export_roster(session, city.actor("reviewer"), roster.read_conditions({}), [])


def test_the_engine_runs_on_at_most_cap_cadres_and_asks_to_narrow_the_search(session, city,
                                                                            people):
    actor = city.actor("reviewer")
    wanted = roster.read_conditions({"eligible_for": "promotion", "as_of": AS_OF})
    with pytest.raises(Invalid) as error:
        roster.search(session, actor, wanted, cap=4)
    assert "5" in error.value.message and error.value.field == "eligible_for"
    with pytest.raises(Invalid):
        roster.search(session, actor, roster.read_conditions({"as_of": AS_OF}), cap=4)
    assert roster.search(session, actor, roster.read_conditions({"as_of": AS_OF}), limit=4,
                         cap=4).count == 5  # a page of the grid is fine
    assert roster.search(session, actor, wanted, cap=None).count == 4
