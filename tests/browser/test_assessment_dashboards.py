"""The assessment dashboards on the demo city, in Chinese and English, as the city-wide
and the district reviewer (read only: the demo is shared with other journeys)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#as-ov-ranking .main-svg")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_reviewer_lands_on_the_overview_and_opens_a_unit(login_as, lang):
    page = login_as("reviewer", lang)
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/assessment")
    _settle(page)
    kpis = page.inner_text("#as-ov-kpis")
    assert ("参评单位" if lang == "zh" else "Units assessed") in kpis
    # the charts are drawn by the portal's partial plotly.js, and each is described in words
    # once drawn (assets/15-a11y.js)
    assert "pie" not in page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)")
    # (functions, not expressions: an expression is eval'ed in the page, which the CSP forbids)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart-summary')].filter(p => p.textContent)"
        ".length >= 4")
    assert page.locator("#as-ov-treemap .slice").count() > 1
    screenshot(page, f"assessment-overview-{lang}")
    page.click("#as-ov-unit-link a, #as-ov-warnings a >> nth=0")
    page.wait_for_selector("#as-unit-body .kpi-row")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#as-unit-radar g.polar")  # the radar: scatterpolar is in the bundle
    screenshot(page, f"assessment-unit-{lang}")


def test_the_district_reviewer_sees_only_the_first_district(login_as):
    page = login_as("reviewer-d1", "zh")
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/assessment")
    _settle(page)
    body = page.inner_text("main")
    assert "青山区" in body
    for other in ("临江区", "东湖区", "云溪县"):
        assert other not in body
    screenshot(page, "assessment-overview-district-zh")
