"""The portal works under its Content-Security-Policy (issue 13): pages with charts, grids,
dropdowns and clientside callbacks load with no script refused and no error, while the
policy names no ``unsafe-eval`` and allows only Dash's own inline scripts (by hash)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

JOURNEYS = {  # role → pages with charts, grids and clientside callbacks
    "reviewer": ["/assessment", "/accountability/overview", "/cadres", "/decisions/linkage",
                 "/training"],
    "inspector": ["/accountability", "/accountability/overview"],
    "cadre": ["/my/training", "/my/records"],
}


@pytest.mark.parametrize("role", sorted(JOURNEYS))
def test_pages_load_under_the_policy_with_nothing_refused(login_as, role):
    page = login_as(role, "en")
    refused, errors = [], []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    origin = "/".join(page.url.split("/", 3)[:3])
    for path in JOURNEYS[role]:
        response = page.goto(origin + path)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self' 'sha256-" in policy and "unsafe-eval" not in policy
        page.wait_for_load_state("networkidle")
        page.wait_for_selector("main .page-title, main h1")
        if path in ("/assessment", "/accountability/overview"):
            page.wait_for_selector("main .main-svg")  # Plotly drew its chart
    assert refused == []
    assert errors == []


def test_an_inline_script_planted_in_the_page_is_refused(login_as):
    page = login_as("reviewer", "en")
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__planted = 1'; document.body.appendChild(s); }""")  # noqa: E501
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__planted") is None
    assert refused
