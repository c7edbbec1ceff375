"""A reviewer opens a cadre's profile, reads the full record with the id number whole, and
downloads the appointment form (.lrmx); the file is a valid form of that cadre with the photo.
The cadre sees the same number; an inspector sees no record at all."""

from __future__ import annotations

import re

import pytest

from cadres import lrmx
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_a_reviewer_downloads_the_appointment_form_from_the_profile(login_as, tmp_path):
    cadre = login_as("cadre", "en")
    base = "/".join(cadre.url.split("/")[:3])
    cadre.goto(f"{base}/cadres/profile")
    cadre.wait_for_selector("#ca-rec-body")
    code = re.search(r"C\d+", cadre.inner_text(".page-title")).group(0)
    own_number = re.search(r"3699\d{13}[\dX]", cadre.inner_text("#ca-rec-body")).group(0)
    assert cadre.locator("#ca-rec-edit").count() == 0

    reviewer = login_as("reviewer", "zh")
    reviewer.goto(f"{base}/cadres/profile?code={code}")
    reviewer.wait_for_selector("#ca-rec-body .ca-record-photo")
    assert own_number in reviewer.inner_text("#ca-rec-body")
    reviewer.locator("#ca-rec-body").scroll_into_view_if_needed()
    screenshot(reviewer, "cadres-full-record-zh")
    with reviewer.expect_download() as download_info:
        reviewer.click("#ca-rec-download")
    download = download_info.value
    assert download.suggested_filename.startswith(
        f"{code}-"
    ) and download.suggested_filename.endswith(".lrmx")
    path = tmp_path / "form.lrmx"
    download.save_as(path)
    form = lrmx.parse_form(path.read_bytes(), path.name)
    assert form.get("ShenFenZheng") == own_number and form.get("ZhaoPian").startswith("/9j/")
    assert form.get("XingMing") in reviewer.inner_text(".page-title")

    inspector = login_as("inspector", "en")
    inspector.goto(f"{base}/cadres/profile?code={code}")
    inspector.wait_for_selector(".page-title")
    assert inspector.locator("#ca-rec-body").count() == 0 and own_number not in inspector.content()
