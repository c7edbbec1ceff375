"""The annual report prints on A4 portrait: no chart wider than the printable width, the
app shell hidden, one part per page, a reasonable number of pages."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

A4_PRINTABLE_PX = 180 / 25.4 * 96  # 210 mm less 2 × 15 mm margins, at 96 dpi ≈ 680 px


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _callback_log(page) -> list[str]:
    """Each callback answer of the page, in order: its outputs, status and the start of its body
    (for a failure's message)."""
    exchanges: list[str] = []

    def answered(response) -> None:
        if "/_dash-update-component" not in response.url:
            return
        outputs = (response.request.post_data_json or {}).get("output", "")
        try:
            body = response.text()[:300] if "ca-ar-report" in outputs else response.text()[-300:]
        except Exception as error:  # noqa: BLE001 - a page closed meanwhile
            body = repr(error)
        exchanges.append(f"{outputs[:120]} → {response.status} {body}")

    page.on("response", answered)
    return exchanges


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_annual_report_prints_on_a4_without_cut_off_charts(login_as, demo_url, lang):
    page = login_as("reviewer", lang)
    exchanges = _callback_log(page)
    page.goto(f"{demo_url}/reports/annual")
    try:  # the figures come from a background job the first time: the report, or what it says
        page.wait_for_selector(".ca-ar-document .js-plotly-plot, #ca-ar-report .alert",
                               timeout=60000)
    except PlaywrightTimeout:
        pytest.fail("no report after 60 s; the page said: "
                    + page.locator("#ca-ar-report").inner_text()
                    + " | job panels: " + " / ".join(page.locator(".ca-ar-job").all_inner_texts())
                    + "\ncallbacks:\n" + "\n".join(exchanges))
    assert page.locator("#ca-ar-report .alert").count() == 0, page.locator(
        "#ca-ar-report").inner_text()
    page.wait_for_load_state("networkidle")
    assert page.locator(".ca-ar-part").count() == 4
    screenshot(page, f"annual-report-{lang}")
    page.click("#ca-ar-xlsx")  # a background job builds the workbook; its panel offers the file
    link = page.locator(".ca-ar-job a[href^='/jobs/']")
    link.wait_for(timeout=60000)
    with page.expect_download() as download:
        link.click()
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    assert len(book.sheetnames) == 5 and download.value.suggested_filename.endswith(".xlsx")

    page.emulate_media(media="print")
    widths = page.eval_on_selector_all(".js-plotly-plot",
                                       "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(widths) >= 2 and all(0 < w <= A4_PRINTABLE_PX for w in widths), widths
    assert not page.locator(".portal-header").is_visible()
    assert not page.locator("#ca-ar-print").is_visible()
    breaks = page.eval_on_selector_all(".ca-ar-part",
                                       "els => els.map(e => getComputedStyle(e).breakBefore)")
    assert breaks[1:] == ["page"] * 3

    page.set_viewport_size({"width": int(A4_PRINTABLE_PX), "height": 960})  # the paper's width
    page.wait_for_timeout(500)
    assert page.eval_on_selector(".ca-ar-document", "e => e.scrollWidth") <= int(A4_PRINTABLE_PX)

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and 4 <= pdf_pages(pdf) <= 20
