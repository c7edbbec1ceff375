"""Names users typed are text in every chart (issue 13): a unit called
'<a href="http://evil.example">…</a>' shows as those characters in legends, axes, hover
boxes, titles and empty states, and never becomes a link. The chart modules are imported
after the ``app`` fixture has built an app (they register their pages on import)."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from portal.theme import empty_figure, escape_label, escape_labels

EVIL = '<a href="http://evil.example/">青山区</a>'
SHOWN = "&lt;a href=\"http://evil.example/\"&gt;青山区&lt;/a&gt;"


def markup_in(figure: go.Figure) -> bool:
    return "<a " in figure.to_json() or "\\u003ca " in figure.to_json()


def test_a_label_keeps_our_line_breaks_and_loses_its_markup():
    assert escape_label(EVIL) == SHOWN
    assert escape_label("好<br>12 units") == "好<br>12 units"
    assert escape_label("A & B") == "A &amp; B"
    assert escape_label(42) == 42


def test_every_text_of_a_figure_is_escaped_and_numbers_stay_numbers():
    figure = go.Figure()
    figure.add_bar(x=np.array([EVIL, "临江区"], dtype=object), y=[1, 2], name=EVIL,
                   text=[EVIL, "x"],
                   customdata=[(7, EVIL), (8, "ok")], hovertemplate="%{x}<br>%{y}<extra></extra>")
    figure.update_layout(title=EVIL, xaxis=dict(tickvals=[0], ticktext=[EVIL]))
    figure.add_annotation(text=EVIL)
    escape_labels(figure)
    trace = figure.data[0]
    assert list(trace.x) == [SHOWN,
                             "临江区"] and trace.name == SHOWN and list(trace.text) == [SHOWN, "x"]
    assert [list(row) for row in trace.customdata] == [[7, SHOWN], [8, "ok"]]
    assert trace.hovertemplate == "%{x}<br>%{y}<extra></extra>"
    assert figure.layout.title.text == SHOWN and figure.layout.annotations[0].text == SHOWN
    assert list(figure.layout.xaxis.ticktext) == [SHOWN]
    assert not markup_in(figure)


def test_an_empty_state_naming_a_unit_shows_the_name_as_text():
    assert not markup_in(empty_figure(f"No published results for the units below {EVIL}."))


@pytest.fixture
def modules(app):
    return {name: importlib.import_module(name) for name in
            ("assessment.pages.charts", "accountability.pages.charts", "cadres.pages.charts",
             "cadres.pages.portrait_charts")}


UNITS = pd.DataFrame({
    "unit_id": [2, 3, 4], "unit_name": [EVIL, "临江区", "桃桥街道"], "parent_id": [1, 1, 2],
    "level": ["district", "district", "street"], "composite": [88.5, 79.25, 92.0],
    "grade": ["fair", "average", "good"], "rank_in_parent": [1, 2, 1],
})


def test_unit_names_in_the_assessment_charts_are_text(modules):
    charts = modules["assessment.pages.charts"]
    own = pd.DataFrame({"period": ["2026Q1"], "composite": [85.0], "median": [84.0],
                        "rank_in_level": [2],
                        "count_in_level": [4], "grade": ["fair"]})
    levels = pd.DataFrame({"period": ["2026Q1"], "level": ["street"], "composite": [86.0]})
    values = pd.DataFrame({"unit_id": [2, 3], "unit_name": [EVIL, "b"], "value": [90.0, 80.0],
                           "points": [9.0, 8.0]})
    figures = [charts.hierarchy_treemap(UNITS, 1, EVIL), charts.ranking_bars(UNITS, 2, EVIL),
               charts.score_distribution(UNITS), charts.trend(own, levels, EVIL),
               charts.indicator_histogram(values, EVIL, "%"), charts.best_and_worst(values)]
    for figure in figures:
        assert not markup_in(figure), figure.layout.title.text


def test_unit_names_in_the_accountability_and_training_charts_are_text(modules):
    forms = pd.DataFrame({"unit": [EVIL, "临江区"], "form": [1, 3], "count": [3, 1]})
    assert not markup_in(modules["accountability.pages.charts"].forms_share_by_unit(forms))
    completion = pd.DataFrame({"unit_id": [2], "unit_name": [EVIL], "has_children": [True],
                               "complete": [3],
                               "on_pace": [1], "behind": [1], "cadres": [5]})
    figure = modules["cadres.pages.charts"].completion_by_unit(completion)
    assert not markup_in(figure)
    assert int(figure.data[0].customdata[0][0]) == 2  # the drill-down still finds the unit
