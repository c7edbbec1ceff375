"""The leadership-team figures: every flag and band shown with its count, the roles stacked,
an empty state that says why (built without a browser)."""

from __future__ import annotations

import pytest

from cadres.rules import teams as rules
from portal.i18n import use_lang


@pytest.fixture
def charts(app):
    from cadres.pages import teams_charts

    with use_lang("en"):
        yield teams_charts


def test_flag_bars_show_every_flag_with_its_count(charts):
    labels = {flag: flag.upper() for flag in rules.FLAGS}
    figure = charts.flag_bars({"no_woman": 3, "vacant": 1}, labels, 9)
    bar = figure.data[0]
    assert list(bar.y) == [labels[f] for f in rules.FLAGS]
    assert list(bar.x) == [3, 0, 0, 0, 1]
    assert "(of 9)" in figure.layout.title.text


def test_role_stack_stacks_principals_on_deputies_and_hides_an_empty_unknown_band(charts):
    counts = {"under_35": {"principal": 0, "deputy": 2}, "35_39": {"principal": 1, "deputy": 0},
              "unknown": {"principal": 0, "deputy": 0}}
    figure = charts.role_stack(counts, charts.AGE_LABELS, "Age", "Band")
    assert figure.layout.barmode == "stack"
    assert [trace.name for trace in figure.data] == ["Principal", "Deputy"]
    assert list(figure.data[0].x) == ["Under 35", "35–39"]
    assert list(figure.data[1].y) == [2, 0]


def test_empty_figures_say_why(charts):
    assert "No unit" in charts.flag_bars({}, {}, 0).layout.annotations[0].text
    empty = {"unknown": {"principal": 0, "deputy": 0}}
    assert "No team member" in charts.role_stack(empty, charts.AGE_LABELS, "t",
                                                 "a").layout.annotations[0].text
