"""The linkage dashboard (/decisions/linkage): what followed each unit's published result,
from the service against the database and through the Dash endpoint, within scope."""

from __future__ import annotations

import json
from datetime import date

import pytest

from assessment import service as assessment_service
from cadres import decisions, linkage
from cadres.enums import DecisionOutcome, DecisionType
from portal.enums import LeaderRole
from portal.errors import AccessDenied, NotFound
from tests import factories
from tests.assessment.conftest import S1_VALUES, S2_VALUES, enter, open_period, publish
from tests.assessment.conftest import street_scheme as street_scheme  # noqa: F401  (fixture)
from tests.cadres.callbacks import call
from tests.web import login

POOR_VALUES = {"I1": 10, "I2": 20, "I3": 5, "B1": 0, "V1": 0}   # 10 + 7.5 + 20 = 37.5: 差


@pytest.fixture
def results(session, city, street_scheme):
    """2026Q1 (S1 92, S2 82) and 2026Q2 (S1 92, S2 37.5, poor) published; S2 has a principal
    (C0003, in the rank since March), its deputy C0002 and a staff member."""
    for code, s2_values, day in (("2026Q1", S2_VALUES, date(2026, 4, 10)),
                                 ("2026Q2", POOR_VALUES, date(2026, 7, 10))):
        open_period(session, city, code)
        enter(session, city, code, city.s1, S1_VALUES)
        enter(session, city, code, city.s2, s2_values)
        publish(session, city, code, today=day)
    factories.cadre(session, "C0003", "赵强", city.s2, leader_role=LeaderRole.PRINCIPAL,
                    rank_since=date(2026, 3, 1))
    factories.cadre(session, "C0004", "钱敏", city.s2, leader_role=LeaderRole.MEMBER, rank=None)
    session.commit()
    return city


def decide(session, city, code, kind, proposed, decided, override=""):
    reviewer = city.actor("reviewer")
    made = decisions.propose(session, reviewer, cadre_code=code, decision_type=kind, title="事项",
                             rationale="理由",
                             as_of=proposed)
    decisions.review(session, reviewer, made.id, "同意")
    decisions.decide(session, reviewer, made.id, outcome=DecisionOutcome.APPROVED,
                     note="江组干〔2026〕1号",
                     decided_on=decided, override_reason=override)
    session.commit()
    return made


@pytest.fixture
def decided(session, results):
    city = results
    made = {"commend": decide(session, city, "C0001", DecisionType.COMMENDATION, date(2026, 7, 20),
                              date(2026, 8, 1)),
            "earlier": decide(session, city, "C0002", DecisionType.COMMENDATION, date(2026, 4, 20),
                              date(2026, 5, 1)),
            "promote": decide(session, city, "C0003", DecisionType.RANK_PROMOTION,
                              date(2026, 8, 10),
                              date(2026, 8, 20), override="重点工作急需，报市委同意。")}
    return city, made


def test_the_latest_period_its_window_and_the_previous_period_are_chosen(session, results):
    found = linkage.linkage(session, results.actor("reviewer"))
    assert (found.period_code, found.previous_code) == ("2026Q2", "2026Q1")
    assert (found.window_start, found.window_end) == (date(2026, 7, 1), date(2026, 12, 31))
    assert {u.code: u.grade for u in found.units}["S2"] == "poor"
    assert linkage.period_codes(session, results.actor("reviewer")) == ["2026Q2", "2026Q1"]


def test_the_units_and_their_previous_scores_are_those_of_the_two_periods_frames(session,
                                                                                  results):
    """One query for both periods (``results_with_previous``) against the two result frames
    read separately, for the city, a district and a unit with no earlier period."""
    city = results
    open_period(session, city, "2026Q3")
    enter(session, city, "2026Q3", city.s1, S1_VALUES)
    enter(session, city, "2026Q3", city.s2, S2_VALUES)
    publish(session, city, "2026Q3", today=date(2026, 10, 10))
    for name, under, code, previous in (("reviewer", None, "2026Q2", "2026Q1"),
                                        ("reviewer", None, "2026Q3", "2026Q2"),
                                        ("reviewer-d1", city.d1.id, "2026Q2", "2026Q1"),
                                        ("reviewer", None, "2026Q1", None)):
        actor = city.actor(name)
        found = assessment_service.results_with_previous(session, actor, code, previous, under)
        now = assessment_service.results_for_period(session, actor, code, under)
        earlier = (None if previous is None else
                   assessment_service.results_for_period(session, actor, previous, under))
        before = {} if earlier is None else dict(zip(earlier["unit_id"], earlier["composite"],
                                                     strict=True))
        assert sorted(zip(found["unit_id"], found["grade"], found["composite"],
                          found["previous"], strict=True)) == sorted(
            (u, g, c, before.get(u)) for u, g, c in zip(now["unit_id"], now["grade"],
                                                        now["composite"], strict=True))


def test_band_counts_take_the_decisions_in_the_window(session, decided):
    city, made = decided
    found = linkage.linkage(session, city.actor("reviewer"))
    grade = {u.code: u.grade for u in found.units}
    counts = {k: v for k, v in found.band_counts().items() if v}
    assert counts == {(grade["S1"], "commendation"): 1, ("poor", "rank_promotion"): 1}
    assert sum(found.units_per_band().values()) == 2
    earlier = linkage.linkage(session, city.actor("reviewer"), "2026Q1")  # 2026-04-01 … 2026-09-30
    assert [d.number for d in earlier.taken] == [made[k].number for k in ("earlier", "commend",
                                                                          "promote")]


def test_leaders_of_bottom_band_units_without_follow_up(session, results):
    city = results
    found = linkage.linkage(session, city.actor("reviewer"))
    assert [(u.code, leader.cadre_code, leader.role) for u,
            leader in found.without_follow_up()] == [
        ("S2", "C0003", "principal"), ("S2", "C0002", "deputy")]
    decide(session, city, "C0002", DecisionType.ADMONISHMENT_TALK, date(2026, 7, 15),
           date(2026, 7, 20))
    assert linkage.linkage(session, city.actor("reviewer")).without_follow_up() == []


def test_promotions_from_low_band_units_carry_the_override(session, decided):
    city, made = decided
    found = linkage.linkage(session, city.actor("reviewer"))
    assert [(u.code, d.number, d.overridden) for u, d in found.low_band_promotions()] == [
        ("S2", made["promote"].number, True)]


def test_scatter_has_the_score_change_and_the_decisions_per_unit(session, decided):
    city, _made = decided
    points = linkage.linkage(session, city.actor("reviewer")).scatter_points()
    assert [(p.name, p.change, p.type, p.count) for p in points] == [
        ("桃桥街道", 0.0, "commendation", 1), ("梅园街道", -44.5, "rank_promotion", 1)]


def test_a_district_reviewer_sees_only_their_district(session, decided):
    city, _made = decided
    found = linkage.linkage(session, city.actor("reviewer-d1"))
    assert [u.code for u in found.units] == ["S1"]
    assert [d.cadre_code for d in found.decisions] == ["C0001"]
    assert found.without_follow_up() == [] and found.low_band_promotions() == []
    with pytest.raises(NotFound):
        linkage.linkage(session, city.actor("reviewer-d1"), unit_id=city.s2.id)


def test_a_subtree_filter_keeps_to_the_chosen_unit(session, decided):
    city, _made = decided
    found = linkage.linkage(session, city.actor("reviewer"), unit_id=city.d2.id)
    assert [u.code for u in found.units] == ["S2"] and {d.cadre_code for d in found.decisions} == {
        "C0003"
    }


@pytest.mark.parametrize("who", ["cadre", "inspector"])
def test_cadres_and_inspectors_are_refused(session, decided, who):
    city, _made = decided
    with pytest.raises(AccessDenied):
        linkage.linkage(session, city.actor(who))
    with pytest.raises(AccessDenied):
        linkage.period_codes(session, city.actor(who))


def test_an_unpublished_period_is_refused_and_no_period_gives_none(session, city):
    assert linkage.linkage(session, city.actor("reviewer")) is None
    assert linkage.period_codes(session, city.actor("reviewer")) == []


def test_an_unknown_period_is_refused(session, results):
    with pytest.raises(NotFound):
        linkage.linkage(session, results.actor("reviewer"), "2031Q1")


# --- through the Dash endpoint -------------------------------------------------------------------

def text(response) -> str:
    return json.dumps(response.get_json(),
                      ensure_ascii=False) if response.is_json else response.get_data(as_text=True)


def refresh(client, app, period="2026Q2", unit=None):
    return call(client, app, "linkage.refresh",
                {"ca-lk-period.value": period, "ca-lk-unit.value": unit})


def test_the_reviewer_sees_the_bands_the_leaders_without_follow_up_and_the_override(client, app,
                                                                                    decided):
    city, made = decided
    login(client, "reviewer")
    response = refresh(client, app)
    assert response.status_code == 200
    shown = text(response)
    assert made["promote"].number in shown and "Overridden" in shown
    assert "Decisions about leaders by the unit" in shown and "against 2026Q1 (points)" in shown
    assert "2026-07-01" in shown and "2026-12-31" in shown


def test_the_table_of_leaders_without_follow_up_lists_them(client, app, results):
    login(client, "reviewer")
    shown = text(refresh(client, app))
    assert "赵强" in shown and "C0003" in shown and "钱敏" not in shown
    assert "No decision about these units' leaders was taken in the window." in shown


def test_a_district_reviewer_forging_another_districts_unit_gets_a_message_and_nothing(client, app,
                                                                                       decided):
    city, _made = decided
    login(client, "reviewer-d1")
    response = refresh(client, app, unit=city.s2.id)
    assert response.status_code == 200
    shown = text(response)
    assert "No such unit" in shown and "赵强" not in shown and "梅园街道" not in shown


@pytest.mark.parametrize("who", ["cadre", "inspector"])
def test_cadres_and_inspectors_get_nothing_through_the_callback(client, app, decided, who):
    login(client, who)
    response = refresh(client, app)
    assert response.status_code in (200, 403)
    shown = text(response)
    assert "赵强" not in shown and "梅园街道" not in shown and "PD-2026" not in shown


def test_malformed_inputs_get_a_plain_message(client, app, decided):
    login(client, "reviewer")
    for period, unit in (("2026Q2", "abc"), ("nonsense", None)):
        response = refresh(client, app, period, unit)
        assert response.status_code in (200, 400)
        assert "Traceback" not in text(response)


def test_without_a_published_period_the_callback_explains_why(client, app, city):
    login(client, "reviewer")
    response = refresh(client, app, period=None)
    assert response.status_code == 200 and "No assessment period has been published yet." in text(
        response
    )


# --- the figures ---------------------------------------------------------------------------------

def test_figures_explain_their_empty_states_and_carry_titles_and_units(app):
    from cadres.pages import linkage_charts as charts
    from cadres.rules import linkage as rules

    no_units = dict.fromkeys(rules.BANDS, 0)
    none = {(b, t): 0 for b in rules.BANDS for t in rules.TYPES}
    assert "has a result" in charts.band_heatmap(none, no_units).layout.annotations[0].text
    units = {**no_units, "poor": 2}
    assert "in the window" in charts.band_heatmap(none, units).layout.annotations[0].text
    filled = charts.band_heatmap({**none, ("poor", "adjustment"): 1}, units)
    assert (
        filled.layout.title.text
        and filled.layout.xaxis.title.text
        and list(filled.data[0].z[4]) == [1]
    )
    assert "earlier published period" in charts.change_scatter([], None).layout.annotations[0].text
    point = rules.ScatterPoint(1, "桃桥街道", "poor", -3.5, "adjustment", 1)
    scatter = charts.change_scatter([point], "2026Q1")
    assert (
        "2026Q1" in scatter.layout.xaxis.title.text
        and "(points)" in scatter.layout.xaxis.title.text
    )
    assert list(scatter.data[0].x) == [-3.5]
