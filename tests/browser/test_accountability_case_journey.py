"""The inspector takes a clue through every stage to a decision with a measure, in a real
browser; the measure's effect end date then appears on the cadre's record and on the
cadre's own "my records" page."""

from __future__ import annotations

import random
from datetime import date

import pytest

from accountability import rules
from portal import demo
from portal.enums import LeaderRole, UnitLevel
from tests.browser.conftest import screenshot

STAGES = ["初步核实", "立案", "审查调查", "审理", "处理决定"]
PASSWORD = "Journey#2026x"


def journey_cadre() -> tuple[str, str]:
    """A deputy of the first district's second street (not the demo ``cadre`` login, whose
    record other journeys rely on): its code and name, rebuilt from the deterministic demo."""
    today = date.today()
    units = demo.build_units(demo.SCALES["small"], random.Random(demo.SEED))
    cadres = demo.build_cadres(units, demo.SCALES["small"], today, random.Random(demo.SEED + 1))
    district = next(u for u in units if u["level"] == UnitLevel.DISTRICT)
    street = [
        u for u in units if u["parent_id"] == district["id"] and u["level"] == UnitLevel.STREET
    ][1]
    cadre = next(
        c for c in cadres if c["unit_id"] == street["id"] and c["leader_role"] == LeaderRole.DEPUTY
    )
    return cadre["code"], cadre["name"]


def pick(page, dropdown: str, text: str, option: str) -> None:
    """Open a Dash dropdown, type into its search box and click the option showing ``option``."""
    page.click(dropdown)
    page.locator(".dash-dropdown-search").fill(text)  # one search request, not one per keystroke
    page.locator(".dash-dropdown-option", has_text=option).first.click()
    page.keyboard.press("Escape")


def alert_text(page, selector: str) -> str:
    page.wait_for_selector(f"{selector} .alert")
    return page.inner_text(f"{selector} .alert")


@pytest.mark.slow
def test_an_inspector_takes_a_clue_to_a_decision_and_the_effect_shows_on_the_record(login_as,
                                                                                    demo_url):
    code, name = journey_cadre()
    page = login_as("inspector", "zh")
    page.goto(f"{demo_url}/accountability")
    page.wait_for_selector("#ac-board")
    screenshot(page, "accountability-desk-zh")

    # Register the clue.
    page.click("#ac-new-toggle")
    page.fill("#ac-new-title", "违规发放津补贴问题线索（旅程）")
    pick(page, "#ac-new-cadres", code, code)
    pick(page, "#ac-new-units", "JZ01", "青山区")  # the form's units come at its first opening
    page.fill("#ac-new-summary", "群众来信反映该同志违规发放津补贴，需核实。")
    page.click("#ac-new-submit")
    assert "已登记" in alert_text(page, "#ac-new-result")
    page.click("#ac-new-result a")
    page.wait_for_selector("#ac-case-body")
    assert name in page.inner_text("#ac-case-body") and "青山区" in page.inner_text("#ac-case-body")

    # A step without a reason is refused in plain words; then every stage to the decision.
    page.click("#ac-move-submit")
    assert "请填写：办理理由" in alert_text(page, "#ac-case-result")
    for stage in STAGES:
        page.get_by_label(stage, exact=True).check()
        page.fill("#ac-move-reason", f"依规转入{stage}")
        page.click("#ac-move-submit")
        page.wait_for_function("s => "
                               "document.querySelector('#ac-case-result').innerText.includes(s)",
                               arg=f"已转入“{stage}”")
    assert "处理决定" in page.inner_text(".ac-facts")
    timeline = page.inner_text(".ac-timeline")
    assert all(f"依规转入{stage}" in timeline for stage in STAGES)

    # The decision: a serious party warning (严重警告), 18 months from today.
    until = rules.add_months(date.today(), 18).isoformat()
    pick(page, "#ac-ms-code", "严重警告", "严重警告")
    page.click("#ac-ms-submit")
    page.wait_for_function("s => document.querySelector('#ac-case-result').innerText.includes(s)",
                           arg=until)
    assert until in page.inner_text("#ac-case-measures")
    screenshot(page, "accountability-case-decided-zh")

    # The cadre's accountability record shows the date the effect lifts.
    page.goto(f"{demo_url}/accountability/cadre?code={code}")
    page.wait_for_selector("#ac-cadre-measures")
    record = page.inner_text("#ac-cadre-measures")
    assert "严重警告" in record and until in record
    assert until in page.inner_text("#ac-cadre-verdict") or "长期" in page.inner_text(
        "#ac-cadre-verdict"
    )
    page.wait_for_selector("#ac-cadre-timeline .js-plotly-plot")
    screenshot(page, "accountability-cadre-record-zh")

    # The security administrator (users are theirs, 三员分立) gives the cadre a login; on
    # "my records" the cadre sees the same date.
    admin = login_as("security", "en")
    admin.goto(f"{demo_url}/admin/users")
    admin.fill("#user-new-name", f"journey-{code.lower()}")
    admin.select_option("#user-new-role", "cadre")
    admin.fill("#user-new-cadre", code)
    admin.fill("#user-new-password", PASSWORD)
    admin.click("#user-create")
    admin.wait_for_selector("#user-create-result .alert-success")
    mine = login_as(f"journey-{code.lower()}", "zh", password=PASSWORD)
    mine.goto(f"{demo_url}/my/records")
    mine.wait_for_selector("#ac-cadre-measures")
    assert until in mine.inner_text("#ac-cadre-measures")
    screenshot(mine, "accountability-my-records-zh")


@pytest.mark.slow
def test_a_reviewer_sees_effects_in_english_without_the_case_desk(login_as, demo_url):
    page = login_as("reviewer", "en")
    base = demo_url
    page.goto(base + "/accountability/measures")
    page.wait_for_selector("#ac-measures-grid")
    assert "Measures and effect periods" in page.inner_text("h1")
    screenshot(page, "accountability-measures-reviewer-en")
    page.goto(base + "/accountability/overview")
    page.wait_for_selector("#ac-dash-units")
    assert page.locator("#ac-dash-funnel").count() == 0  # case figures are for inspectors
    screenshot(page, "accountability-overview-reviewer-en")
    page.goto(base + "/accountability")
    assert "not available for your role" in page.inner_text(".no-access")
