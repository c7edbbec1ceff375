"""A first visit over a slow link: scripts and styles go out compressed, fingerprinted
files are cached for a year and are the same for every user (no cookie on them)."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from tests import factories
from tests.web import login


@pytest.fixture
def city(session):
    return factories.city(session)


def _script_urls(client) -> list[str]:
    page = client.get("/assessment").get_data(as_text=True)
    return re.findall(r'src="(/_dash-component-suites/[^"]+)"', page)


def test_scripts_come_compressed_and_cached_for_a_year(client, city):
    login(client, "reviewer")
    url = next(u for u in _script_urls(client) if "dash_renderer" in u)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 3
    assert zipped.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Cookie" not in zipped.headers.get("Vary", ""), "a script is the same for every user"
    assert "Set-Cookie" not in zipped.headers
    squeezed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert squeezed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.data) == plain.data


def test_the_plotly_bundle_is_compressed_and_revalidated(client, city):
    login(client, "reviewer")
    url = "/_dash-component-suites/plotly/package_data/plotly.min.js"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    assert len(first.data) < 600_000, "the full bundle: 4.8 MB as it is, 1.4 MB gzipped"
    assert gzip.decompress(first.data).startswith(b"/*! plotly.js v")
    again = client.get(url,
                       headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_styles_with_a_fingerprint_are_cached_and_callbacks_compressed(client, city):
    login(client, "reviewer")
    page = client.get("/assessment").get_data(as_text=True)
    css = re.search(r'href="(/assets/00-bootstrap[^"]+\?m=[^"]+)"', page).group(1)
    answer = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    dependencies = client.get("/_dash-dependencies", headers={"Accept-Encoding": "gzip"})
    assert dependencies.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in dependencies.headers["Vary"]
    assert gzip.decompress(dependencies.data).startswith(b"[")


def test_a_client_that_asks_for_no_compression_gets_none(client, city):
    login(client, "reviewer")
    answer = client.get("/_dash-dependencies", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in answer.headers
    assert answer.get_json()
