"""The cadres figures, built from DataFrames without a browser.

``cadres.pages`` registers its pages on import, which Dash allows once an app exists, so the
figures module is imported after the ``app`` fixture has built one.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from cadres import reports
from cadres.enums import AppraisalGrade
from portal.i18n import use_lang


@pytest.fixture
def charts(app):
    from cadres.pages import charts

    with use_lang("en"):
        yield charts


def completion_frame() -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [{"unit_id": 1, "unit_name": "江州市", "cadres": 4, "complete": 1, "on_pace": 2,
          "behind": 1,
          "complete_rate": 0.25, "behind_rate": 0.25, "avg_hours": 50.0, "has_children": False},
         {"unit_id": 2, "unit_name": "青山区", "cadres": 10, "complete": 5, "on_pace": 3,
          "behind": 2,
          "complete_rate": 0.5, "behind_rate": 0.2, "avg_hours": 70.0, "has_children": True}],
        columns=reports.COMPLETION_COLUMNS)


def test_completion_bars_carry_the_unit_for_drill_down_and_mark_drillable_units(charts):
    with use_lang("zh"):
        figure = charts.completion_by_unit(completion_frame())
    complete, on_pace, behind = figure.data
    assert complete.name == "已完成" and behind.name == "进度落后"
    assert list(complete.y) == ["青山区 ›", "江州市"]  # first unit on top
    assert list(complete.x) == [50.0, 25.0] and list(behind.x) == [20.0, 25.0]
    assert complete.customdata[0][0] == 2
    assert figure.layout.xaxis.title.text == "干部占比（%）"


def test_empty_charts_say_why(charts):
    empty = charts.completion_by_unit(reports.completion_by_unit([], None, []))
    assert empty.layout.annotations[0].text == "No serving cadres in this unit."
    no_hours = charts.hours_by_month(
        reports.hours_by_month(
            pd.DataFrame(columns=reports.HOURS_COLUMNS), 2026, as_of=date(2026, 3, 1)
        )
    )
    assert "No training recorded" in no_hours.layout.annotations[0].text
    assert charts.grade_distribution({}).layout.annotations


def test_hours_by_category_and_mode_stack_offline_and_online(charts):
    frame = pd.DataFrame({"category": ["theory", "theory", "knowledge"],
                          "mode": ["offline", "online", "online"],
                          "month": [3, 3, 3], "hours": [16.0, 4.0, 3.0]})
    figure = charts.hours_by_category_mode(reports.hours_by_category_mode(frame))
    offline, online = figure.data
    assert list(offline.y) == [16.0, 0.0, 0.0, 0.0] and list(online.y) == [4.0, 0.0, 0.0, 3.0]
    assert figure.layout.yaxis.title.text == "Class hours"


def test_grade_distribution_shows_every_grade_best_first(charts):
    figure = charts.grade_distribution({AppraisalGrade.EXCELLENT: 2, AppraisalGrade.COMPETENT: 8})
    assert list(figure.data[0].y) == [2, 8, 0, 0]
    assert list(figure.data[0].x) == ["Excellent", "Competent", "Basically competent",
                                      "Incompetent"]
