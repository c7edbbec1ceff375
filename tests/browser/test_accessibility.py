"""Usable by everyone (issue 16, WCAG 2.1 AA): axe-core finds nothing on any page of any role
in Chinese and in English; the document says its language; nothing scrolls sideways on a
phone (390 px, the English pass) or at 200 % zoom with the largest text.

Pages come from the app's page registry (``portal.ui.pages_for``), so a new page is scanned
without being listed here. One logged-in browser context per role: the Chinese pass at
1366×768, then the header's language switch and the English pass at phone width.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import ui
from portal.access import Actor
from portal.db import make_engine
from portal.models import User
from tests.browser.conftest import log_in, open_in_app, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
AXE = Axe()


def pages_of(database_url: str, username: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.username == username)).one()
            return [page["path"] for page in ui.pages_for(Actor.for_user(user))]
    finally:
        engine.dispose()


def violations(page, where: str) -> list[str]:
    """axe's WCAG 2.1 A/AA violations on the page as it stands, one line per rule."""
    found = AXE.run(page, options=WCAG_21_AA).response["violations"]
    return [f"{where}: {v['id']} ×{len(v['nodes'])} ({v['help']}) at "
            + "; ".join(" ".join(n["target"]) if isinstance(n["target"][0],
                                                            str) else str(n["target"])
                        for n in v["nodes"][:3])
            for v in found]


def sideways_scroll(page, where: str) -> list[str]:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return [f"{where}: the page is {width}px wide in a {inner}px window"] if width > inner else []


def switch_language(page) -> None:
    page.click("header button[name=lang], nav button[name=lang]")
    page.wait_for_load_state("load")
    settle(page)


def test_the_login_page_passes_axe_in_both_languages(browser, demo_url):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    problems = []
    for lang, tag in (("zh", "zh-CN"), ("en", "en")):
        page.goto(f"{demo_url}/login?lang={lang}")
        assert page.get_attribute("html", "lang") == tag
        problems += violations(page, f"/login [{lang}]")
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username",
                         ["reviewer", "inspector", "cadre", "admin", "security", "auditor",
                          "reporter-unit", "reporter-dept"])
def test_every_page_of_the_role_passes_axe_in_chinese_and_english(browser, demo_url, demo_database,
                                                                  username):
    paths = pages_of(demo_database, username)
    assert len(paths) >= 2, paths
    page = log_in(browser, demo_url, username, "zh")
    problems = []
    try:
        for path in paths:
            open_in_app(page, path)
            problems += violations(page, f"{path} [zh]")
        switch_language(page)
        assert page.get_attribute("html", "lang") == "en"
        page.set_viewport_size(PHONE)
        for path in paths:
            open_in_app(page, path)
            problems += violations(page, f"{path} [en, 390px]") + sideways_scroll(page,
                                                                                  f"{path} [en]")
    finally:
        page.context.close()
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


def test_language_and_text_size_follow_the_user_without_a_reload_and_big_text_still_fits(browser,
                                                                                         demo_url):
    page = log_in(browser, demo_url, "cadre", "zh")
    try:
        assert page.get_attribute("html", "lang") == "zh-CN"
        switch_language(page)
        assert page.get_attribute("html", "lang") == "en"
        page.evaluate("window.__sameDocument = true")
        open_in_app(page, "/account")
        assert page.get_attribute("html", "lang") == "en"
        # the header's text-size switch: applied at once, remembered on the account
        page.click("#text-size-extra_large")
        page.wait_for_function("() => document.documentElement.dataset.textSize === 'extra_large'")
        assert page.evaluate("window.__sameDocument") is True  # no reload
        assert page.get_attribute("#text-size-extra_large", "aria-pressed") == "true"
        body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body >= 20, body  # 14 px standard × 1.5
        # 200 % zoom of a 1366 px screen: 683 CSS px, with the largest text
        page.set_viewport_size({"width": 683, "height": 384})
        problems = []
        for path in ("/my/training", "/my/records", "/account"):
            open_in_app(page, path)
            problems += sideways_scroll(page, f"{path} [extra large, 200 %]")
        assert not problems, "\n".join(problems)
        page.reload()
        settle(page)
        assert page.evaluate("document.documentElement.dataset.textSize") == "extra_large"
        page.click("#text-size-standard")
        page.wait_for_function("() => document.documentElement.dataset.textSize === 'standard'")
    finally:
        page.context.close()
