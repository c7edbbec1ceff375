"""Every demo login reaches its home page in a real browser, in Chinese and in English."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

LOGINS = ["admin", "security", "auditor", "reviewer", "reviewer-d1", "inspector", "cadre"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username", LOGINS)
def test_demo_login_reaches_home_page(login_as, username, lang):
    page = login_as(username, lang)
    assert "/login" not in page.url
    page.wait_for_selector(".portal-header")
    header = page.inner_text(".portal-header")
    assert ("退出" if lang == "zh" else "Log out") in header
    assert page.inner_text("h1.page-title")  # the home page rendered its title
    screenshot(page, f"home-{username}-{lang}")


def test_wrong_password_shows_a_plain_message(browser, demo_url):
    page = browser.new_page()
    page.goto(f"{demo_url}/login?lang=zh")
    page.fill("#username", "reviewer")
    page.fill("#password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text(".alert")
    page.close()
