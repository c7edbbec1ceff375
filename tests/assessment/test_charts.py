"""Every chart has a title and axis units, carries unit ids for drill-down, and explains an empty
state.

``assessment.pages`` registers its pages on import, which Dash allows once an app exists,
so the figures module is imported after the ``app`` fixture has built one.
"""

from __future__ import annotations

import importlib
import json

import pandas as pd
import pytest
from dash import html
from dash._utils import to_json

from portal.theme import ACCENT


@pytest.fixture
def charts(app):
    return importlib.import_module("assessment.pages.charts")


UNITS = pd.DataFrame({
    "unit_id": [2, 3, 4, 5, 6],
    "unit_name": ["青山区", "临江区", "桃桥街道", "梅园街道", "新源社区"],
    "parent_id": [1, 1, 2, 2, 4],
    "level": ["district", "district", "street", "street", "community"],
    "composite": [88.5, 79.25, 92.0, 81.0, 66.0],
    "grade": ["fair", "average", "good", "fair", "poor"],
    "rank_in_parent": [1, 2, 1, 2, 1],
})


def _title(figure) -> str:
    return figure.layout.title.text or ""


def _is_empty_state(figure, words: str) -> bool:
    return not figure.data and words in figure.layout.annotations[0].text


def test_treemap_shows_two_levels_below_the_focus_with_ids(charts):
    figure = charts.hierarchy_treemap(UNITS, 1, "江州市")
    trace = figure.data[0]
    assert list(trace.ids) == ["1", "2", "3", "4", "5"]  # the community is three levels down
    assert [c[0] for c in trace.customdata] == [1, 2, 3, 4, 5]
    assert "composite" in _title(figure).lower()
    assert trace.marker.colorbar.title.text == "points"


def test_treemap_shows_assessed_units_below_an_unassessed_level(charts):
    streets = UNITS[UNITS["level"] == "street"]
    trace = charts.hierarchy_treemap(streets, 1, "江州市").data[0]
    assert list(trace.ids) == ["1", "4", "5"] and list(trace.parents) == ["", "1", "1"]


def test_ranking_highlights_the_selected_unit_and_names_the_axis(charts):
    figure = charts.ranking_bars(UNITS[UNITS["parent_id"] == 2], 5, "梅园街道 among its peers")
    trace = figure.data[0]
    assert list(trace.y) == ["▶ 梅园街道", "桃桥街道"]
    assert trace.marker.color[0] == ACCENT
    assert figure.layout.xaxis.title.text == "Composite score (points)"


def test_distribution_has_one_box_and_one_strip_per_level(charts):
    figure = charts.score_distribution(UNITS)
    assert [t.type for t in figure.data] == ["box", "scatter"] * 3
    assert list(figure.layout.xaxis.ticktext) == ["District/County", "Street/Township",
                                                  "Community/Village"]
    assert list(figure.data[1].customdata) == [2, 3]


def test_each_point_of_the_distribution_is_in_its_grades_colour(charts):
    figure = charts.score_distribution(UNITS)
    for strip in figure.data[1::2]:
        marker = strip.marker
        low, high = marker.cmin, marker.cmax
        colours = {round(at, 9): colour for at, colour in marker.colorscale}
        shown = [colours[round((n - low) / (high - low), 9)] for n in marker.color]
        grades = UNITS.set_index("unit_id").loc[list(strip.customdata), "grade"]
        assert shown == [charts.GRADE_COLOUR[g] for g in grades]
    assert len({c for _at, c in figure.data[1].marker.colorscale}) == len(charts.GRADE_COLOUR)


def test_trend_draws_the_unit_its_level_median_and_the_means_below(charts):
    own = pd.DataFrame({"period": ["2026Q1", "2026Q2"], "composite": [85.0, 83.0],
                        "median": [84.0, 84.5],
                        "rank_in_level": [2, 3], "count_in_level": [4, 4],
                        "grade": ["fair", "fair"]})
    levels = pd.DataFrame({"period": ["2026Q1", "2026Q2"], "level": ["street", "street"],
                           "composite": [86.0, 87.0]})
    figure = charts.trend(own, levels, "青山区")
    assert [t.name for t in figure.data] == ["Mean of Street/Township units", "Median of the level",
                                             "青山区"]
    assert figure.layout.yaxis.title.text == "Composite score (points)"


def test_waterfall_adds_up_to_the_composite(charts):
    dimensions = pd.DataFrame({"name": ["党建引领", "民生服务"], "points": [50.0, 35.5],
                               "weight": [60, 40]})
    figure = charts.contribution_waterfall(dimensions, 2.0, 87.5)
    trace = figure.data[0]
    assert list(trace.x) == ["党建引领", "民生服务", "Bonus", "Composite"]
    assert sum(trace.y[:-1]) == trace.y[-1]


def test_radar_compares_with_the_level_median(charts):
    dimensions = pd.DataFrame({"name": ["a", "b", "c"], "share": [90.0, 80.0, 70.0],
                               "median_share": [85.0, 85.0, 85.0]})
    figure = charts.peer_radar(dimensions, "桃桥街道")
    assert [t.name for t in figure.data] == ["Median of the level", "桃桥街道"]
    assert figure.layout.polar.radialaxis.ticksuffix == "%"


def test_what_if_moves_show_places_up_and_down(charts):
    frame = pd.DataFrame({"unit_name": ["a", "b", "c"], "places_up": [2, -1, 0],
                          "rank_before": [5, 1, 3],
                          "rank_after": [3, 2, 3], "composite_change": [1.5, -0.5, 0.0]})
    figure = charts.what_if_moves(frame)
    assert list(figure.data[0].y) == ["b", "a"] and list(figure.data[0].text) == ["-1", "+2"]


@pytest.mark.parametrize(("build", "words"), [
    (lambda c: c.hierarchy_treemap(UNITS.iloc[0:0], 1, "江州市"), "No published results"),
    (lambda c: c.ranking_bars(UNITS.iloc[0:0], None, "x"), "No units to rank"),
    (lambda c: c.score_distribution(UNITS.iloc[0:0]), "No published results"),
    (lambda c: c.trend(pd.DataFrame(), pd.DataFrame(), "x"), "No published periods"),
    (lambda c: c.contribution_waterfall(pd.DataFrame(), 0, 0), "No breakdown"),
    (lambda c: c.peer_radar(pd.DataFrame(), "x"), "at least three dimensions"),
    (lambda c: c.rank_history(pd.DataFrame()), "No published periods"),
    (lambda c: c.indicator_histogram(pd.DataFrame(), "x", "%"), "No values"),
    (lambda c: c.best_and_worst(pd.DataFrame()), "No values"),
    (lambda c: c.year_on_year(pd.DataFrame(), None, "2026Q2", None), "a year earlier"),
    (lambda c: c.what_if_moves(pd.DataFrame()), "Change a weight"),
    (lambda c: c.completeness_bars({}), "No scheme"),
])
def test_every_chart_explains_why_it_is_empty(charts, build, words):
    assert _is_empty_state(build(charts), words)


def test_indicator_charts_name_their_units(charts):
    frame = pd.DataFrame({"unit_id": [1, 2, 3], "unit_name": ["a", "b", "c"],
                          "value": [90.0, 80.0, 70.0],
                          "points": [10.0, 8.0, 7.0]})
    histogram = charts.indicator_histogram(frame, "覆盖率", "%")
    assert histogram.layout.xaxis.title.text == "Value (%)" and "覆盖率" in _title(histogram)
    before = frame.assign(value=[85.0, 85.0, 75.0])
    scatter = charts.year_on_year(frame, before, "2026Q2", "2025Q2")
    assert scatter.layout.xaxis.title.text == "Value in 2025Q2"
    assert charts.best_and_worst(frame).layout.xaxis.title.text == "Points"


def test_waterfall_hover_explains_each_indicator_of_a_dimension(charts):
    dimensions = pd.DataFrame({"dimension": ["D1"], "name": ["党建引领"], "points": [54.0],
                               "weight": [60]})
    breakdown = pd.DataFrame({"dimension": ["D1"], "method": ["rank"], "name": ["<b>排名</b>"],
                              "explanation": ["ranked 3rd of 12: 54 points"]})
    figure = charts.contribution_waterfall(dimensions, 0.0, 54.0, breakdown)
    assert figure.data[0].customdata[0][1] == "&lt;b&gt;排名&lt;/b&gt;: ranked 3rd of 12: 54 points"


def test_plain_rows_are_the_json_of_the_components_they_stand_for(app):
    """The announcement's rows are built as plain JSON (``common.plain_html``); the browser
    must receive exactly what ``dash.html`` would send, escaping left to React as ever."""
    common = importlib.import_module("assessment.pages.common")
    plain = common.plain_html("Tr", [common.plain_html("Td", "<b>1</b>", className="text-end"),
                                     common.plain_html("Td", common.plain_grade_badge("good",
                                                                                     True))])
    made = html.Tr([html.Td("<b>1</b>", className="text-end"),
                    html.Td(common.grade_badge("good", True))])
    assert json.loads(to_json(plain)) == json.loads(to_json(made))
    assert json.loads(to_json(common.plain_grade_badge(None))) == json.loads(
        to_json(common.grade_badge(None)))


def test_a_big_level_draws_its_ends_and_outliers_as_points_and_its_box_from_every_unit(charts):
    count = charts.MAX_POINTS + 600
    scores = [70.0 + (n % 200) / 10 for n in range(count)]  # 70.0 … 89.9, evenly
    scores[500] = 20.0  # far below the whiskers, in the middle of the ids
    many = pd.DataFrame({"unit_id": range(100, 100 + count),
                         "unit_name": [f"社区{n}" for n in range(count)],
                         "parent_id": 1, "level": "community", "composite": scores,
                         "grade": "fair"})
    figure = charts.score_distribution(pd.concat([UNITS[UNITS["level"] == "district"], many]))
    box, strip = figure.data[2], figure.data[3]
    scores = pd.Series(scores)
    assert box.median[0] == scores.median() and box.q1[0] == scores.quantile(0.25)
    assert box.lowerfence[0] == 70.0 and box.upperfence[0] == 89.9  # the outlier is outside
    shown = set(strip.customdata)
    ranked = many.sort_values("composite", kind="stable")
    assert set(ranked["unit_id"].head(charts.END_POINTS)) <= shown
    assert set(ranked["unit_id"].tail(charts.END_POINTS)) <= shown
    assert 600 in shown  # the outlier
    assert len(shown) < 2 * charts.END_POINTS + 10
    assert str(charts.MAX_POINTS) in figure.layout.title.subtitle.text
    assert list(figure.data[1].customdata) == [2, 3]  # a small level keeps every point


def test_a_box_is_a_tukey_box_of_its_levels_scores(charts):
    scores = pd.Series([50.0, 80.0, 81.0, 82.0, 83.0, 84.0, 99.0])
    stats = charts.box_stats(scores)
    assert (stats["q1"], stats["median"], stats["q3"]) == (80.5, 82.0, 83.5)
    assert (stats["lowerfence"], stats["upperfence"]) == (80.0, 84.0)  # 50 and 99 lie outside


def test_the_distribution_of_small_levels_has_no_subtitle(charts):
    assert not charts.score_distribution(UNITS).layout.title.subtitle.text
