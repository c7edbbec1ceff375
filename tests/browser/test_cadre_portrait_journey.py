"""A reviewer reads the portrait of the demo cadre under an admonishment (诫勉), sees why
they are not eligible and until when, and proposes a decision anyway; the cadre's own
profile shows neither the eligibility nor the proposal."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_a_reviewer_reads_the_portrait_and_proposes_a_decision(login_as):
    cadre = login_as("cadre", "en")
    base = "/".join(cadre.url.split("/")[:3])
    cadre.goto(f"{base}/cadres/profile")
    cadre.wait_for_selector(".page-title")
    code = re.search(r"C\d+", cadre.inner_text(".page-title")).group(0)
    assert cadre.locator("#ca-pf-elig-result").count() == 0
    assert cadre.locator("#ca-pf-propose-open").count() == 0

    reviewer = login_as("reviewer", "en")
    reviewer.goto(f"{base}/cadres/profile?code={code}")
    reviewer.wait_for_selector("#ca-pf-elig-result")
    assert "Not eligible" in reviewer.inner_text("#ca-pf-elig-result")
    assert "Measure in its effect period" in reviewer.inner_text("#ca-pf-elig-result")
    assert reviewer.inner_text("#ca-pf-summary")
    reviewer.wait_for_selector("#ca-pf-unit-chart .main-svg")
    screenshot(reviewer, "cadres-portrait-blocked-en")

    reviewer.select_option("#ca-pf-elig-type", "commendation")
    reviewer.wait_for_selector("#ca-pf-elig-result >> text=Commendation")

    reviewer.click("#ca-pf-propose-open")
    reviewer.wait_for_selector("#ca-pf-prop-warning .ca-pf-prop-blocks")
    reviewer.fill("#ca-pf-prop-title", "Proposed as director of the street office")
    reviewer.fill("#ca-pf-prop-rationale", "Strong results, trusted by residents.")
    reviewer.click("#ca-pf-prop-submit")
    reviewer.wait_for_selector("#ca-pf-prop-result .ca-pf-prop-done")
    number = re.search(r"PD-\d{4}-\d{4}", reviewer.inner_text("#ca-pf-prop-result")).group(0)
    assert number in reviewer.inner_text("#ca-pf-decisions")
    screenshot(reviewer, "cadres-portrait-proposed-en")
