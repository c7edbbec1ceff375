"""The leadership-team service against a real database: who is on a team, the counts per flag,
the reviewer's subtree and nothing outside it, one unit's team, and the export."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cadres import teams
from cadres.models import CadreRecord
from portal.audit import AuditEvent
from portal.enums import CadreStatus, Gender, LeaderRole, UnitLevel
from portal.errors import AccessDenied, Invalid, NotFound
from tests import factories

AS_OF = date(2026, 6, 1)


def person(session, code, name, unit, role, *, gender=Gender.MALE, born=date(1976, 1, 1),
           since=date(2022, 1, 1), education="", status=CadreStatus.SERVING):
    cadre = factories.cadre(session, code, name, unit, leader_role=role, position_since=since)
    cadre.gender, cadre.birth_date, cadre.status = gender, born, status
    if education:
        session.add(CadreRecord(cadre_id=cadre.id, fulltime_education=education,
                                ethnicity="01"))
    session.flush()
    return cadre


@pytest.fixture
def teams_city(session, city):
    """s1 (district 1): 王芳 (deputy, woman, 41: nobody young) and a principal 12 years in post; s2
    (district 2): 李娜 (deputy) and a principal, a transferred principal not counted; c1: no
    team; c2: two men of 50 (no woman, nobody young)."""
    person(session, "T01", "=HYPERLINK(\"x\")", city.s1, LeaderRole.PRINCIPAL,
           since=date(2014, 1, 1), education="10")
    person(session, "T02", "钱干事", city.s1, LeaderRole.MEMBER)
    person(session, "T03", "孙书记", city.s2, LeaderRole.PRINCIPAL, education="20")
    person(session, "T04", "周调走", city.s2, LeaderRole.PRINCIPAL,
           status=CadreStatus.TRANSFERRED)
    person(session, "T05", "吴主任", city.c2, LeaderRole.PRINCIPAL, born=date(1976, 3, 1))
    person(session, "T06", "郑副主任", city.c2, LeaderRole.DEPUTY, born=date(1976, 3, 1))
    session.commit()
    return city


def test_the_city_reviewer_compares_every_street_with_its_flags(session, teams_city):
    table = teams.team_table(session, teams_city.actor("reviewer"), "street", as_of=AS_OF)
    assert sorted(table.units["code"]) == ["S1", "S2"]
    assert table.member_count == 4  # staff and the transferred principal are not on a team
    assert table.flag_counts() == {"no_woman": 0, "no_young": 2, "all_old": 0, "tenure": 1,
                                   "vacant": 2}
    s1 = table.units.set_index("code").loc["S1"]
    assert (s1["principals"], s1["deputies"], s1["vacant"]) == (1, 1, 4)
    assert s1["longest_principal_years"] == 12.4 and s1["graduate"] == 1


def test_communities_flag_a_team_without_women_or_young_members(session, teams_city):
    table = teams.team_table(session, teams_city.actor("reviewer"), UnitLevel.COMMUNITY,
                             as_of=AS_OF)
    flags = dict(zip(table.units["code"], table.units["flags"], strict=True))
    assert flags == {"K1": ("vacant",), "K2": ("no_woman", "no_young")}


def test_a_district_reviewer_sees_only_their_subtree(session, teams_city):
    actor = teams_city.actor("reviewer-d1")
    table = teams.team_table(session, actor, "street", as_of=AS_OF)
    assert list(table.units["code"]) == ["S1"]
    team = teams.unit_team(session, actor, teams_city.s1.id, as_of=AS_OF)
    assert {m["name"] for m in team.members} == {"王芳", "=HYPERLINK(\"x\")"}
    with pytest.raises(NotFound):
        teams.team_table(session, actor, "street", under_id=teams_city.d2.id, as_of=AS_OF)
    with pytest.raises(NotFound):
        teams.unit_team(session, actor, teams_city.s2.id, as_of=AS_OF)
    assert [lv.value for lv in teams.levels(session, actor)] == ["district", "street",
                                                                 "community"]


def test_the_city_reviewer_narrows_to_a_district(session, teams_city):
    table = teams.team_table(session, teams_city.actor("reviewer"), "street",
                             under_id=teams_city.d2.id, as_of=AS_OF)
    assert list(table.units["code"]) == ["S2"]


@pytest.mark.parametrize("username", ["cadre", "inspector", "admin", "auditor", "security"])
def test_other_roles_are_refused(session, teams_city, username):
    actor = teams_city.actor(username)
    with pytest.raises(AccessDenied):
        teams.team_table(session, actor, "street")
    with pytest.raises(AccessDenied):
        teams.unit_team(session, actor, teams_city.s1.id)


def test_one_units_team_principal_first_with_labels(session, teams_city):
    team = teams.unit_team(session, teams_city.actor("reviewer"), teams_city.s1.id, as_of=AS_OF)
    assert [m["code"] for m in team.members] == ["T01", "C0001"]
    principal = team.members[0]
    assert (principal["role"], principal["age"], principal["years_in_post"]) == (
        "principal", 50, 12.4)
    assert principal["education_label"] == "研究生"
    assert team.establishment.principals == 2
    assert team.indicators.flags == ("no_young", "tenure", "vacant")


def test_a_page_of_units_filtered_by_flag_and_sorted(session, teams_city):
    table = teams.team_table(session, teams_city.actor("reviewer"), "street", as_of=AS_OF)
    rows, count = teams.unit_page(table, "tenure", 0, 100)
    assert count == 1 and rows[0]["code"] == "S1"
    assert rows[0]["flags"] == ["no_young", "tenure", "vacant"]
    rows, count = teams.unit_page(table, None, 0, 1, [{"colId": "code", "sort": "desc"}])
    assert count == 2 and [r["code"] for r in rows] == ["S2"]
    with pytest.raises(Invalid):
        teams.unit_page(table, "no_such_flag", 0, 100)


def test_the_export_is_a_workbook_of_the_scope_with_text_kept_as_text(session, teams_city):
    content, name = teams.export_workbook(session, teams_city.actor("reviewer"), "street",
                                          header_style="zh")
    session.commit()
    assert name.startswith("leadership-teams-street-") and name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位编码", "单位名称", "上级单位")
    assert {r[0] for r in rows[1:]} == {"S1", "S2"}
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")
                            .order_by(AuditEvent.id.desc())).first()
    assert event.summary["kind"] == "leadership_teams" and event.summary["rows"] == 2


def test_the_export_refuses_a_cadre(session, teams_city):
    with pytest.raises(AccessDenied):
        teams.export_workbook(session, teams_city.actor("cadre"), "street")


def test_a_unit_name_that_looks_like_a_formula_stays_text(session, teams_city):
    teams_city.s2.name = "=1+2"
    session.commit()
    content, _name = teams.export_workbook(session, teams_city.actor("reviewer"), "street")
    cells = [c for row in load_workbook(io.BytesIO(content)).active.iter_rows() for c in row]
    formula = next(c for c in cells if c.value == "=1+2")
    assert formula.data_type == "s"
