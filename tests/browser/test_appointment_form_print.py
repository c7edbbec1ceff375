"""The appointment form (干部任免审批表) prints on A4 in both languages: one page for a short
record, two when the résumé is long (continued overleaf, not cut), the photo in its box,
nothing overflowing its cell; reached from the cadre profile."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal import db
from portal.db import make_engine
from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser

SHORT = "C00001"  # a demo cadre with a photo and a résumé of a few lines
LONG = "C00003"  # given a long résumé for this test, then put back
MM = 96 / 25.4  # CSS px per mm


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.fixture(scope="module")
def long_resume(demo_database):
    """Give LONG a résumé of thirty periods (two pages), and put the old one back afterwards."""
    from cadres import records
    from cadres.models import CadreRecord
    from portal.access import Actor
    from portal.models import Cadre

    lines = "\n".join(f"{1990 + i}.09--{1991 + i}.07  江州市青山区桃桥街道办事处干部，"
                      f"负责基层治理、城市管理和社区建设工作（第{i + 1}段）" for i in range(30))
    engine = make_engine(demo_database)
    with db.standalone(engine) as session:
        cadre = session.scalar(select(Cadre).where(Cadre.code == LONG))
        record = session.get(CadreRecord, cadre.id)
        kept = (list(record.resume or []), record.resume_note)
        values, problems = records.parse_values({"resume": lines})
        assert not problems
        records.update_record(session, Actor.system(session), cadre, values)
    yield LONG
    with db.standalone(engine) as session:
        cadre = session.scalar(select(Cadre).where(Cadre.code == LONG))
        records.update_record(session, Actor.system(session), cadre,
                              {"resume": kept[0], "resume_note": kept[1]})
    engine.dispose()


def open_form(page, demo_url: str, code: str) -> None:
    page.goto(f"{demo_url}/cadres/appointment-form?code={code}")
    page.wait_for_selector(".ca-af-sheet", timeout=60000)
    settle(page)


def overflowing_cells(page) -> list[str]:
    """Cells whose text does not fit (scrolls) inside their borders."""
    return page.eval_on_selector_all(
        ".ca-af-grid th, .ca-af-grid td",
        """cells => cells.filter(c => c.scrollHeight > c.clientHeight + 1
                                 || c.scrollWidth > c.clientWidth + 1)
                      .map(c => c.textContent.slice(0, 40))""")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_appointment_form_prints_on_one_a4_page_with_the_photo(login_as, demo_url, lang):
    page = login_as("reviewer", lang)
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{demo_url}/cadres/profile?code={SHORT}")
    page.wait_for_selector("#ca-rec-print", timeout=60000)
    page.click("#ca-rec-print")  # from the profile
    page.wait_for_selector(".ca-af-sheet", timeout=60000)
    settle(page)
    title = "干部任免审批表" if lang == "zh" else "Cadre appointment and removal form"
    assert page.inner_text(".ca-af-title") == title
    assert page.eval_on_selector(".ca-af-photo-cell img",
                                 "img => img.complete && img.naturalWidth > 0")
    screenshot(page, f"appointment-form-{lang}")

    page.emulate_media(media="print")
    assert not page.locator(".portal-header").is_visible()
    assert not page.locator("#ca-af-print").is_visible()
    width = page.eval_on_selector(".ca-af-grid", "t => t.getBoundingClientRect().width")
    assert width == pytest.approx(180 * MM, abs=2)  # A4 less the margins, exactly
    assert overflowing_cells(page) == []
    page.screenshot(path=f"test-artifacts/appointment-form-{lang}-print.png", full_page=True)

    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 1
    assert re.search(rb"/Subtype\s*/Image", pdf)  # the photo
    assert refused == []  # the print button is a hashed clientside callback, no inline script


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_long_resume_is_continued_on_the_back_page(login_as, demo_url, long_resume, lang):
    page = login_as("reviewer", lang)
    open_form(page, demo_url, long_resume)
    assert page.get_attribute(".ca-af-sheet", "data-pages") == "2"
    assert page.locator(".ca-af-page").count() == 2
    assert page.locator(".ca-af-resume-line").count() == 30  # every period, none cut
    page.emulate_media(media="print")
    assert overflowing_cells(page) == []
    page.screenshot(path=f"test-artifacts/appointment-form-long-{lang}-print.png", full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert pdf_pages(pdf) == 2


def test_changing_the_form_date_computes_the_ages_again(login_as, demo_url):
    page = login_as("reviewer", "en")
    open_form(page, demo_url, SHORT)
    before = page.inner_text(".ca-af-footer")
    page.fill("#ca-af-date", "2000-01-01")
    page.wait_for_function("() => document.querySelector('.ca-af-footer')"
                           ".textContent.includes('2000.01.01')", timeout=30000)
    assert "2000.01.01" not in before
