"""Keyboard only (issue 16, WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7): each role's main journey without
a mouse. Every step is Tab, Shift+Tab, arrows, Enter, Space, Escape or typing; each focused
control shows a visible focus ring; the skip link leads to the content; the menu dropdown,
the Dash dropdowns and the data grid follow their keyboard patterns; the proposal dialog
keeps the focus inside and gives it back to the button that opened it."""

from __future__ import annotations

import contextlib
import re
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import make_engine
from portal.models import User
from tests.browser.conftest import log_in, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FOCUS = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').trim().slice(0, 80),
          ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 || s.boxShadow !== 'none'}; }"""  # noqa: E501


FOCUS_ON = "(s) => Object.assign((" + FOCUS + ")(), {on: document.activeElement.matches(s)})"


def focused(page) -> dict:
    return page.evaluate(FOCUS)


def tab_to(page, selector: str, limit: int = 80, back: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focus is on ``selector``; the focus must be visible."""
    for _step in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = page.evaluate(FOCUS_ON, selector)
        if now["on"]:
            assert now["ring"], f"no visible focus ring on {selector}: {now}"
            return now
    raise AssertionError(f"Tab never reached {selector} (stuck at {focused(page)})")


def skip_to_content(page) -> None:
    """The first Tab shows the skip link; Enter puts the focus on the page's content."""
    page.keyboard.press("Tab")
    link = focused(page)
    assert link["text"] in ("Skip to main content", "跳到主要内容") and link["ring"], link
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"


OPTION = "() => { const o = document.activeElement.closest('.dash-dropdown-option'); return o ? o.innerText.trim() : null; }"  # noqa: E501


def _option_after(page, key: str, before: str | None) -> str | None:
    """Press ``key`` in an open dropdown and wait until the focus has moved off ``before``
    (the list moves it in a later frame, later still on a busy machine); at an end of the
    list it stays, and that is what comes back after a second."""
    page.keyboard.press(key)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"(before) => ({OPTION})() !== before", arg=before, timeout=1000)
    return page.evaluate(OPTION)


def choose_in_dropdown(page, selector: str, text: str) -> None:
    """A Dash dropdown by keyboard (listbox pattern): Enter opens it on the chosen option, the
    arrow keys move between options, Enter picks one, closes the list and gives the focus back."""
    tab_to(page, selector)
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({OPTION})() !== null")  # open, the focus on an option
    option = page.evaluate(OPTION)
    for key in ("ArrowDown", "ArrowUp"):
        for _step in range(15):
            if option == text:
                break
            moved = _option_after(page, key, option)
            if moved == option:  # an end of the list
                break
            option = moved
    assert option == text, f"the arrow keys never reached {text!r} in {selector} ({option!r})"
    page.keyboard.press("Enter")
    page.wait_for_function("([s, t]) => document.querySelector(s).innerText.includes(t)",
                           arg=[selector, text])
    assert page.evaluate("s => document.activeElement.matches(s)",
                         selector), "the focus went back to the button"


def test_reviewer_drills_down_enters_a_score_and_proposes_a_decision_by_keyboard(browser, demo_url,
                                                                                 demo_database):
    page = log_in(browser, demo_url, "reviewer", "en")
    try:
        assert page.url.endswith("/assessment")
        # Drill-down: from the city to a district through the list of units below.
        skip_to_content(page)
        tab_to(page, ".as-down-menu > summary")
        page.keyboard.press("Enter")
        target = tab_to(page, ".as-down button")
        district = target["text"].split(" · ")[0]
        page.keyboard.press("Enter")
        page.wait_for_function("t => document.querySelector('#as-ov-crumbs').innerText.includes(t)",
                               arg=district)
        settle(page)

        # Score entry: the menu dropdown (Enter opens, arrows move, Enter follows), the grid
        # (arrows between cells, Enter edits, Enter saves).
        page.keyboard.press("Shift+Tab")  # leave the content; the menu is before it
        tab_to(page, "nav .dropdown-toggle", back=True, limit=120)
        while "Assessment" not in focused(page)["text"]:
            page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        for _step in range(12):
            page.keyboard.press("ArrowDown")
            if focused(page)["text"] == "Scores":
                break
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/assessment/scores"))
        page.locator("#as-sc-grid .ag-row").first.wait_for()
        settle(page)
        assert focused(page)["id"] == "main-content"  # the new page's content, not the menu
        choose_in_dropdown(page, "#as-sc-level", "Street/Township")
        settle(page)
        page.locator("#as-sc-grid .ag-row").first.wait_for()
        tab_to(page, "#as-sc-grid .ag-header-cell")
        page.keyboard.press("ArrowDown")  # into the first row
        for _step in range(12):
            if page.evaluate("() => document.activeElement.getAttribute('col-id')") == "value":
                break
            page.keyboard.press("ArrowRight")
        current = page.evaluate("() => document.activeElement.innerText.trim()")
        value = (
            float(current) - 1 if current and float(current) >= 1 else 1
        )  # stays within the range
        page.keyboard.press("Enter")
        page.keyboard.press("Control+A")
        page.keyboard.type(f"{value:g}")
        page.keyboard.press("Enter")
        page.wait_for_selector("#as-sc-message .alert")
        assert "Saved" in page.inner_text("#as-sc-message"), page.inner_text("#as-sc-message")

        # Decision proposal in a dialog that keeps the focus and gives it back.
        page.goto(f"{demo_url}/cadres/profile?code={demo_cadre_code(demo_database)}")
        settle(page)
        skip_to_content(page)
        tab_to(page, "#ca-pf-propose-open")
        page.keyboard.press("Enter")
        page.locator("#ca-pf-propose-modal").wait_for()
        for _step in range(30):  # the focus cycles inside the dialog
            page.keyboard.press("Tab")
            assert page.evaluate("() => !!document.activeElement.closest('[role=dialog]')"), (
                focused(page)
            )
        page.keyboard.press("Escape")
        page.locator("#ca-pf-propose-modal").wait_for(state="detached")
        assert focused(page)["id"] == "ca-pf-propose-open"  # focus returned to the opener
        page.keyboard.press("Enter")
        page.locator("#ca-pf-propose-modal").wait_for()
        tab_to(page, "#ca-pf-prop-type")
        _select_by_keys(page, "#ca-pf-prop-type", "commendation")
        tab_to(page, "#ca-pf-prop-title")
        page.keyboard.type(f"Commendation by keyboard {int(time.time())}")
        tab_to(page, "#ca-pf-prop-rationale")
        page.keyboard.type("Led the grid governance reform.")
        tab_to(page, "#ca-pf-prop-submit")
        page.keyboard.press("Enter")
        page.wait_for_selector("#ca-pf-prop-result .ca-pf-prop-done")
    finally:
        page.context.close()


def test_inspector_moves_a_case_to_its_next_stage_by_keyboard(browser, demo_url):
    page = log_in(browser, demo_url, "inspector", "en")
    try:
        assert page.url.endswith("/accountability")
        skip_to_content(page)
        link = tab_to(page, "a.ac-card-no", limit=120)
        page.keyboard.press("Enter")
        page.wait_for_selector("#ac-case-body")
        settle(page)
        assert link["text"] in page.inner_text("h1")
        tab_to(page, "#ac-move-target input[type=radio]", limit=150)
        page.keyboard.press("Space")  # the first possible next stage
        stage = page.evaluate("() => document.activeElement.labels[0].innerText.trim()")
        tab_to(page, "#ac-move-reason")
        page.keyboard.type("Moved on by keyboard, checked against the rules.")
        tab_to(page, "#ac-move-submit")
        page.keyboard.press("Enter")
        page.wait_for_function("s => "
                               "document.querySelector('#ac-case-result').innerText.includes(s)",
                               arg=stage)
        # read out by the live region as well
        page.wait_for_function("s => "
                               "document.querySelector('#portal-announcer').innerText.includes(s)",
                               arg=stage)
    finally:
        page.context.close()


def test_cadre_claims_self_study_hours_by_keyboard(browser, demo_url):
    page = log_in(browser, demo_url, "cadre", "en")
    try:
        assert page.url.endswith("/my/training")
        skip_to_content(page)
        # Submitting empty: the error is shown and read out, the focus stays usable.
        tab_to(page, "#ca-my-claim-submit", limit=120)
        page.keyboard.press("Enter")
        page.wait_for_selector("#ca-my-claim-result .alert")
        page.wait_for_function("() => "
                               "document.querySelector('#portal-alarm').innerText.trim().length "
                               "> 0")
        title = f"Self-study by keyboard {int(time.time())}"
        tab_to(page, "#ca-my-claim-title", back=True)
        page.keyboard.type(title)
        tab_to(page, "#ca-my-claim-category")
        _select_by_keys(page, "#ca-my-claim-category", "knowledge")
        tab_to(page, "#ca-my-claim-mode")
        _select_by_keys(page, "#ca-my-claim-mode", "online")
        tab_to(page, "#ca-my-claim-hours")
        page.keyboard.type("2")
        tab_to(page, "#ca-my-claim-evidence")
        page.keyboard.type("Platform certificate KB-2026-016")
        tab_to(page, "#ca-my-claim-submit")
        page.keyboard.press("Enter")
        page.wait_for_selector("#ca-my-claim-result .alert-success")
        assert title in page.inner_text("#ca-my-claims")
    finally:
        page.context.close()


def _select_by_keys(page, selector: str, value: str) -> None:
    """A native select with the focus on it: arrow keys until ``value`` is chosen."""
    for key in ("Home", *["ArrowDown"] * 12):
        if page.eval_on_selector(selector, "e => e.value") == value:
            return
        page.keyboard.press(key)
    assert page.eval_on_selector(selector,
                                 "e => e.value") == value, f"{selector} never became {value}"


def demo_cadre_code(database_url: str) -> str:
    """The registry code of the demo ``cadre`` login's own record."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.scalars(select(User).where(User.username == "cadre")).one().cadre.code
    finally:
        engine.dispose()
