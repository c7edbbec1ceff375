"""A callback the server answers with 400, 403 or 500 shows a message in plain words in the
user's language (assets/20-session.js with the shell's texts), which the close button removes;
the next callback that succeeds changes nothing about it."""

from __future__ import annotations

import pytest

from portal.i18n import use_lang
from portal.shell import callback_failure_texts

pytestmark = pytest.mark.browser


def test_a_failed_callback_says_what_happened_in_chinese(login_as):
    page = login_as("cadre", "zh")
    with use_lang("zh"):
        texts = callback_failure_texts()
    answer = {}
    page.route("**/_dash-update-component*",
               lambda route: route.fulfill(status=answer["status"], body="{}",
                                           content_type="application/json"))
    for status, size in ((403, "large"), (500, "extra_large"), (400, "standard")):
        answer["status"] = status
        page.click(f"#text-size-{size}")
        box = page.locator(f"#portal-callback-failed[data-status='{status}']")
        box.wait_for()
        assert box.inner_text().strip() == texts[f"data-failed-{status}"]
    assert page.locator("#portal-callback-failed").count() == 1  # one message, the newest
    page.click(f"#portal-callback-failed button[aria-label='{texts['data-failed-close']}']")
    page.locator("#portal-callback-failed").wait_for(state="detached")
    page.unroute("**/_dash-update-component*")
    page.click("#text-size-large")
    page.wait_for_function("() => document.documentElement.dataset.textSize === 'large'")
    assert page.locator("#portal-callback-failed").count() == 0
