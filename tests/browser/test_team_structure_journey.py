"""A district reviewer finds the leadership teams with structure problems, opens one team and
downloads the comparison (班子结构分析), in Chinese and in English, at 1366×768."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser

WORDS = {"zh": ("无女干部", "空缺职数", "正职"), "en": ("No woman", "Vacant posts", "Principal")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reviewer_finds_the_problem_teams_and_opens_one(login_as, demo_url, lang):
    no_woman, vacant, principal = WORDS[lang]
    page = login_as("reviewer-d1", lang)
    page.goto(f"{demo_url}/cadres/teams")
    page.wait_for_selector("#ca-tm-grid .ag-row .ca-tm-unit-cell", timeout=60000)
    settle(page)
    assert page.locator("#ca-tm-kpis .kpi").count() == 5
    table = page.locator("#ca-tm-grid").inner_text()
    assert no_woman in table and vacant in table
    assert page.locator("#ca-tm-flags-graph .js-plotly-plot").count() == 1
    screenshot(page, f"team-structure-{lang}")

    page.locator("#ca-tm-grid .ag-row .ca-tm-unit-cell").first.click()
    page.wait_for_selector("#ca-tm-members", timeout=30000)
    page.locator("#ca-tm-team").scroll_into_view_if_needed()
    page.wait_for_selector("#ca-tm-members a.ca-cadre-link", timeout=30000)
    settle(page)
    assert principal in page.locator("#ca-tm-members").text_content()
    screenshot(page, f"team-structure-team-{lang}")

    with page.expect_download() as download:
        page.click("#ca-tm-xlsx")
    sheet = load_workbook(BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet.max_row > 1 and download.value.suggested_filename.endswith(".xlsx")
