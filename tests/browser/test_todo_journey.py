"""The to-do panel on a role's home lists what waits, each a link to where it is done; the
header's bell counts the unread notices, opens the notices page from the keyboard, and its
count drops when a notice is read."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import notices
from portal.db import make_engine, session_factory
from portal.models import User
from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser


@pytest.fixture
def two_notices(demo_database):
    """Two unread notices for the district reviewer of the demo city (removed afterwards)."""
    engine = make_engine(demo_database)
    with session_factory(engine)() as session:
        user_id = session.scalar(select(User.id).where(User.username == "reviewer-d1"))
        for number in ("PD-2026-9001", "PD-2026-9002"):
            notices.notify(session, user_ids=[user_id], kind="decision.decided",
                           title="Your proposal %(number)s (%(cadre)s) was decided: %(outcome)s",
                           params={"number": number, "cadre": "王芳",
                                   "outcome": {"_": "Approved"}},
                           href="/decisions", package="cadres", key=f"browser:{number}")
        session.commit()
    yield user_id
    with session_factory(engine)() as session:
        session.query(notices.NoticeRow).filter(notices.NoticeRow.user_id == user_id,
                                                notices.NoticeRow.key.like("browser:%")).delete()
        session.commit()
    engine.dispose()


def bell(page) -> tuple[str, str]:
    return (page.get_attribute("#notice-bell", "aria-label"),
            page.inner_text("#notice-bell-count"))


def test_the_home_lists_what_waits_and_the_bell_drops_after_reading(login_as, two_notices):
    page = login_as("reviewer-d1", "zh")
    page.wait_for_selector("#todo-panel .todo-link")
    links = page.locator("#todo-panel .todo-link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "/training/claims" in hrefs  # the demo district has claims waiting
    assert all(h.startswith("/") for h in hrefs)
    assert "待审批的学时申报" in page.inner_text("#todo-panel")
    assert bell(page) == ("通知：2 条未读", "2")
    screenshot(page, "todo-home-reviewer-zh")

    page.focus("#notice-bell")
    page.keyboard.press("Enter")
    page.wait_for_url("**/notices")
    settle(page)
    assert page.locator(".notice-unread").count() == 2
    assert "PD-2026-9002" in page.inner_text(".notice-list") and "已作出决定：已通过" in \
        page.inner_text(".notice-list")
    page.locator(".notice-mark").first.click()
    page.wait_for_function("() => document.querySelectorAll('.notice-unread').length === 1")
    assert bell(page) == ("通知：1 条未读", "1")
    page.click("#notices-read-all")
    page.wait_for_function("() => document.querySelectorAll('.notice-unread').length === 0")
    assert bell(page) == ("通知：0 条未读", "")
    screenshot(page, "todo-notices-read-zh")


def test_the_bell_and_the_panel_fit_a_phone_screen(browser, demo_url):
    from tests.browser.conftest import log_in

    page = log_in(browser, demo_url, "inspector", "zh", viewport={"width": 390, "height": 844})
    try:
        page.wait_for_selector("#todo-panel .todo-link")
        assert page.is_visible("#notice-bell")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.context.close()
