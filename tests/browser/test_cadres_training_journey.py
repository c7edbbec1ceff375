"""A cadre sees their plan, gaps and history and claims self-study; the reviewer of their
district approves it; the cadre's progress moves. Then a reviewer drills into a district."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def kpi(page, label: str) -> tuple[float, float]:
    """The "done / required" numbers of the headline card with ``label``."""
    card = page.locator(".kpi", has=page.locator(".kpi-label", has_text=label)).first
    done, required = re.findall(r"[\d.]+", card.locator(".kpi-value").inner_text())[:2]
    return float(done), float(required)


def test_a_cadres_claim_approved_by_the_district_reviewer_moves_their_progress(login_as):
    cadre = login_as("cadre", "en")
    cadre.wait_for_selector("#ca-my-plan")
    assert cadre.url.endswith("/my/training")
    assert f"Plan {date.today().year}" in cadre.inner_text("#ca-my-plan")
    missing = cadre.inner_text(".ca-missing")
    assert "more hours by" in missing  # the demo cadre has visible gaps
    assert cadre.locator("#ca-my-records .ag-row").count() > 0  # history
    online_before, _required = kpi(cadre, "Online learning")
    counted_before, _annual = kpi(cadre, "Class hours counted")
    screenshot(cadre, "cadres-my-training-en")

    title = f"Self-study journey {int(time.time())}"
    cadre.fill("#ca-my-claim-title", title)
    cadre.select_option("#ca-my-claim-category", "knowledge")
    cadre.select_option("#ca-my-claim-mode", "online")
    cadre.fill("#ca-my-claim-hours", "6")
    cadre.fill("#ca-my-claim-evidence", "Platform certificate JZ-2026-001")
    cadre.click("#ca-my-claim-submit")
    cadre.wait_for_selector("#ca-my-claim-result .alert-success")
    assert title in cadre.inner_text("#ca-my-claims")
    assert "Waiting for approval" in cadre.locator("#ca-my-claims tr", has_text=title).inner_text()

    reviewer = login_as("reviewer-d1", "en")
    reviewer.goto("/".join(reviewer.url.split("/")[:3]) + "/training/claims")
    row = reviewer.locator("#ca-cl-grid .ag-row", has_text=title)
    row.wait_for()
    row.click()
    reviewer.wait_for_selector("#ca-cl-detail >> text=Platform certificate JZ-2026-001")
    reviewer.click("#ca-cl-approve")
    reviewer.wait_for_selector("#ca-cl-result .alert-success")
    assert "Approved" in reviewer.inner_text("#ca-cl-result")
    assert reviewer.locator("#ca-cl-grid .ag-row", has_text=title).count() == 0
    screenshot(reviewer, "cadres-claims-approved-en")

    cadre.reload()
    cadre.wait_for_selector("#ca-my-plan")
    online_after, _required = kpi(cadre, "Online learning")
    counted_after, _annual = kpi(cadre, "Class hours counted")
    assert online_after == online_before + 6
    assert counted_after > counted_before
    assert "Approved" in cadre.locator("#ca-my-claims tr", has_text=title).inner_text()
    # the history grid fills after the plan (its own callback): wait for the new row
    cadre.locator("#ca-my-records .ag-row", has_text=title).first.wait_for(state="attached",
                                                                           timeout=30000)


def test_reviewer_drills_from_the_city_into_a_district(login_as):
    page = login_as("reviewer", "zh")
    base = "/".join(page.url.split("/")[:3])
    page.goto(f"{base}/training")
    page.wait_for_selector("#ca-ov-completion .bars path")
    assert page.inner_text("#ca-ov-crumbs").strip() == "江州市"
    bar = page.locator("#ca-ov-completion .bars path").nth(
        3
    )  # bottom-up: a district, not the city itself
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.querySelector('#ca-ov-crumbs').innerText.includes('›')")
    assert page.inner_text("#ca-ov-crumbs").startswith("江州市")
    screenshot(page, "cadres-overview-drill-zh")
    page.click("#ca-ov-crumbs button")
    page.wait_for_function("() => !document.querySelector('#ca-ov-crumbs').innerText.includes('›')")
