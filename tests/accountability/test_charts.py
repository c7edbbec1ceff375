"""The accountability figures, built from DataFrames without a browser, and the dashboard
numbers behind them (person-times, stages reached, time in stage)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from accountability import dashboards, service
from portal.i18n import use_lang
from tests.accountability.conftest import TODAY, decided_measure, open_case


@pytest.fixture
def charts(app):
    from accountability.pages import charts

    with use_lang("en"):
        yield charts


def test_four_forms_by_unit_shows_shares_with_counts(charts):
    frame = pd.DataFrame({"unit": ["青山区", "青山区", "临江区"], "form": [1, 3, 2],
                          "count": [3, 1, 2]})
    figure = charts.forms_share_by_unit(frame)
    first, _second, third, fourth = figure.data
    assert first.name == "First form" and list(first.x) == [75.0, 0]
    assert list(third.customdata) == [1, 0] and list(fourth.x) == [0, 0]
    assert figure.layout.xaxis.title.text == "Share (%)"
    assert "Four forms" in figure.layout.title.text


def test_charts_in_chinese(charts):
    frame = pd.DataFrame({"period": ["2026Q1"], "form": [2], "count": [4]})
    with use_lang("zh"):
        figure = charts.forms_by_period(frame)
    assert figure.data[1].name == "第二种形态"


@pytest.mark.parametrize(("function", "message"), [
    ("forms_share_by_unit", "No measures were decided"),
                                                   ("forms_by_period", "No measures were decided"),
    ("stage_funnel", "No cases were opened"), ("stage_durations", "No case has moved"),
    ("tolerance_outcomes", "No error-tolerance applications"),
                                                   ("measures_in_effect", "No measure blocks"),
])
def test_every_chart_says_why_it_is_empty(charts, function, message):
    empty = {"forms_share_by_unit": pd.DataFrame(columns=["unit", "form", "count"]),
             "forms_by_period": pd.DataFrame(columns=["period", "form", "count"]),
             "stage_funnel": pd.DataFrame({"stage": ["clue"], "cases": [0]}),
             "stage_durations": pd.DataFrame(columns=["stage", "days", "ongoing", "limit_days"]),
             "tolerance_outcomes": pd.DataFrame({"result": ["exempt"], "count": [0]}),
             "measures_in_effect": pd.DataFrame(columns=["code", "form", "count"])}[function]
    figure = getattr(charts, function)(empty)
    assert message in figure.layout.annotations[0].text


def test_stage_durations_mark_the_time_limit(charts):
    frame = pd.DataFrame({"stage": ["verification", "verification", "review"],
                          "days": [30, 120, 20],
                          "ongoing": [False, True, False], "limit_days": [91, 91, 30]})
    figure = charts.stage_durations(frame)
    limits = [trace for trace in figure.data if trace.type == "scatter"]
    assert [list(t.y) for t in limits] == [[91], [30]]
    assert figure.layout.yaxis.title.text == "Days"


def test_the_effect_timeline_draws_each_phase(charts, session, city):
    decided_measure(session, city, code="party_probation", probation_years=1,
                    decided_on=date(2026, 3, 15))
    views = service.measure_effects_for_cadre(session, city.actor("reviewer"), city.cadre1)
    figure = charts.effect_timeline(views, TODAY)
    assert len(figure.data) == 2  # probation, then the equal-or-higher-post block
    assert figure.data[0].base[0] == "2026-03-15"


def test_forms_are_counted_once_per_person_and_case_with_the_heaviest_form(session, city):
    case, _m = decided_measure(session, city, code="judicial_transfer")
    from accountability import measures

    measures.record_measure(session, city.actor("inspector"), code="party_expulsion",
                            decided_on=date(2026, 6, 20),
                            cadre_id=city.cadre1.id, case_id=case.id, today=TODAY)
    decided_measure(session, city, cadre=city.cadre2, code="admonishment")
    frame = dashboards.forms_by_unit(session, city.actor("reviewer"), date(2026, 1, 1),
                                     date(2026, 12, 31))
    assert sorted(zip(frame["unit"].astype(str), frame["form"], frame["count"], strict=True)) == [
        ("临江区", 1, 1), ("青山区", 4, 1)]


def test_a_revoked_measure_does_not_count_in_the_forms(session, city):
    from accountability import measures

    _case, measure = decided_measure(session, city, code="party_warning")
    measures.revoke_measure(session, city.actor("inspector"), measure.id,
                            revoked_on=date(2026, 7, 1), reason="撤销",
                            today=TODAY)
    assert dashboards.forms_by_unit(session, city.actor("reviewer")).empty


def test_the_funnel_counts_the_stages_each_case_reached(session, city):
    from accountability import cases

    decided_measure(session, city)
    clue = open_case(session, city)
    cases.move_case(session, city.actor("inspector"), clue.id, "no_case", reason="了结",
                    on=date(2026, 1, 6),
                    today=TODAY)
    frame = dashboards.stage_funnel(session, city.actor("inspector"))
    reached = dict(zip(frame["stage"], frame["cases"], strict=True))
    assert reached["clue"] == 2 and reached["decision"] == 1 and reached["no_case"] == 1
    durations = dashboards.stage_durations(session, city.actor("inspector"), TODAY)
    assert list(durations[durations["stage"] == "verification"]["days"]) == [
        50
    ]  # 2026-01-10 → 2026-03-01: 21 + 28 + 1 days


def test_case_figures_are_for_inspectors(session, city):
    from portal.errors import AccessDenied

    with pytest.raises(AccessDenied):
        dashboards.stage_funnel(session, city.actor("reviewer"))
