"""Security headers (issue 13): a Content-Security-Policy that allows exactly the inline
scripts Dash writes (by hash) and no ``unsafe-eval``, and HSTS on HTTPS when configured."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from portal.app import create_app
from tests import factories
from tests.web import login

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
                           re.S)


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def test_the_login_page_carries_the_policy(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "frame-ancestors 'none'" in policy
        and "object-src 'none'" in policy
    )
    assert "unsafe-eval" not in policy and "script-src 'self' 'sha256-" in policy


def test_every_inline_script_of_a_page_is_allowed_by_its_hash_and_nothing_else_is(client, session):
    factories.city(session)
    login(client, "reviewer")
    response = client.get("/assessment")
    policy = response.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    html = response.get_data(as_text=True).replace("<!--[if IE]>", "").split("<![endif]-->", 1)[-1]
    scripts = INLINE_SCRIPT.findall(html)
    assert len(scripts) >= 2  # the renderer and the clientside callbacks
    assert all(_hash(script) in script_src for script in scripts)
    assert "'unsafe-inline'" not in script_src


def test_callback_answers_are_json_without_a_page_policy(client, session):
    factories.city(session)
    login(client, "reviewer")
    assert client.get("/_dash-dependencies").headers.get("Content-Security-Policy") is None


@pytest.fixture(scope="module")
def hsts_app(app_config, engine):
    return create_app(app_config.with_(hsts_seconds=31_536_000))


def test_hsts_is_sent_over_https_when_configured(hsts_app, clean_db):
    client = hsts_app.server.test_client()
    secure = client.get("/login", base_url="https://portal.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert (
        "Strict-Transport-Security" not in client.get("/login").headers
    )  # plain HTTP: meaningless


def test_no_hsts_unless_configured(client):
    assert "Strict-Transport-Security" not in client.get("/login", base_url="https://portal.example").headers
