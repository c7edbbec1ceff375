"""The assessment in a real browser: an administrator builds a scheme; a reviewer opens a
period, imports every score from an XLSX, fixes one in the grid, publishes, and reads
the dashboards.

The journey publishes a period, so it runs on a small city of its own rather than the
shared demo, which other journeys read.
"""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from openpyxl import Workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from portal.config import Config
from portal.db import make_engine, session_factory
from tests import factories
from tests.browser.conftest import _free_port, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
YEAR = date.today().year + 1
PERIOD = f"{YEAR}Q1"


@pytest.fixture(scope="module")
def small_city_url(tmp_path_factory):
    from werkzeug.serving import make_server

    from portal import schema
    from portal.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('journey') / 'journey.sqlite'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    with session_factory(engine)() as session:
        factories.city(session)
    app = create_app(Config(database_url=url, secret_key="journey", default_lang="en",
                            login_rate_limit="10000 per minute", demo=True))  # no second factor
    server = make_server("127.0.0.1", _free_port(), app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", engine
    server.shutdown()
    engine.dispose()


def _login(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US",
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/login?lang=en")
    page.fill("#username", username)
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _open(page, url: str) -> None:
    """Go to a page and wait until its first callbacks have answered (clicks before that are
    lost)."""
    page.goto(url)
    page.wait_for_load_state("networkidle")


def _pick(page, dropdown_id: str, text: str) -> None:
    """Choose an option of a dcc.Dropdown by typing part of its label, and check it was chosen
    (on a loaded machine Enter can come before the filtered option is there: try again)."""
    chosen = page.locator(f"#{dropdown_id}", has_text=text)
    for _attempt in range(3):
        page.click(f"#{dropdown_id}")
        page.keyboard.type(text)
        page.wait_for_timeout(200)
        page.keyboard.press("Enter")
        try:
            chosen.wait_for(timeout=3000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {text!r} in #{dropdown_id}")


def _save_indicator(page, code, name, weight, method, parent=None, target=None):
    page.click("#as-sch-clear")
    page.fill("#as-sch-code", code)
    page.fill("#as-sch-iname", name)
    page.fill("#as-sch-weight", str(weight))
    page.select_option("#as-sch-method", method)
    if parent:
        _pick(page, "as-sch-parent", parent)
    if target is not None:
        page.fill("#as-sch-target", str(target))
    page.click("#as-sch-save")
    page.wait_for_selector(f"#as-sch-message >> text={code} was saved.")
    # the refreshed scheme (grid and status) has arrived before the next indicator is entered
    page.locator("#as-sch-grid .ag-cell[col-id=code]").filter(
        has_text=re.compile(f"^{code}$")
    ).wait_for()


def _scores_file(path, engine) -> None:
    from portal.models import Unit

    with session_factory(engine)() as session:
        districts = session.scalars(
            select(Unit.code).where(Unit.level == "district").order_by(Unit.code)
        ).all()
    values = {"D1": (52, 81), "D2": (47, 88)}
    book = Workbook()
    book.active.append(["期间", "单位编码", "指标编码", "数值"])
    for code in districts:
        book.active.append([PERIOD, code, "I1", values[code][0]])
        book.active.append([PERIOD, code, "I2", values[code][1]])
    book.save(path)


def test_build_a_scheme_collect_scores_publish_and_read_the_dashboards(browser, small_city_url,
                                                                       tmp_path):
    base, engine = small_city_url

    # The administrator builds the district scheme: one dimension, a direct score and a ratio.
    admin = _login(browser, base, "admin")
    _open(admin, f"{base}/assessment/schemes?year={YEAR}&level=district")
    admin.wait_for_selector("#as-sch-status >> text=There is no scheme")
    _save_indicator(admin, "D", "党建引领", 100, "group")
    _save_indicator(admin, "I1", "书记抓党建述职评议", 60, "direct", parent="D ·")
    _save_indicator(admin, "I2", "两新组织党组织覆盖率", 40, "ratio", parent="D ·", target=90)
    status = admin.locator("#as-sch-status", has_text="The scheme adds up to 100 and can be used.")
    try:
        status.wait_for()
    except PlaywrightTimeout:
        raise AssertionError("scheme not usable: " + admin.inner_text("#as-sch-status")) from None
    screenshot(admin, "assessment-scheme-en")
    admin.context.close()

    # The reviewer opens the period.
    page = _login(browser, base, "reviewer")
    _open(page, f"{base}/assessment/periods")
    page.fill("input[placeholder^='e.g. 2026Q4']", PERIOD)
    page.click("button:has-text('Create')")
    page.wait_for_selector(f"#as-pe-message >> text={PERIOD} was created as a draft.")
    page.wait_for_load_state("networkidle")
    page.click("text=Open for score collection")
    page.wait_for_selector(f"#as-pe-message >> text={PERIOD} is now Collecting scores.")

    # … imports every score from an XLSX (dry run first, then for real) …
    _open(page, f"{base}/assessment/scores?period={PERIOD}")
    page.wait_for_selector("#as-sc-grid .ag-row")
    workbook = tmp_path / "scores.xlsx"
    _scores_file(workbook, engine)
    page.set_input_files("#as-sc-upload input[type=file]", str(workbook))
    # the import runs as a background job: its outcome appears in the job panel under the upload
    page.wait_for_selector(".job-result >> text=dry run: nothing was written")
    page.uncheck("#as-sc-dry-run")
    final = tmp_path / "scores-final.xlsx"
    final.write_bytes(workbook.read_bytes())
    page.set_input_files("#as-sc-upload input[type=file]", str(final))
    page.wait_for_selector(".job-result .alert-success >> text=4 rows, 4 new")
    page.wait_for_selector("#as-sc-completeness >> text=4 / 4")

    # … fixes one score in the grid …
    cell = page.locator("#as-sc-grid .ag-row").filter(has_text="青山区").locator("[col-id=value]")
    cell.wait_for()
    assert cell.inner_text().strip() == "52"
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("55")
    page.keyboard.press("Enter")
    page.wait_for_selector("#as-sc-message >> text=Saved.")
    screenshot(page, "assessment-scores-en")

    # … publishes …
    _open(page, f"{base}/assessment/periods")
    page.click("text=Start the review")
    page.wait_for_selector(f"#as-pe-message >> text={PERIOD} is now Reviewing.")
    page.wait_for_load_state("networkidle")
    page.click("text=Publish the results")
    page.wait_for_selector(f"#as-pe-message >> text={PERIOD} is now Published.")

    # … and reads the dashboards: 青山区 55 + 81/90·40 = 91; 临江区 47 + 88/90·40 = 86.11.
    _open(page, f"{base}/assessment")
    page.wait_for_selector("#as-ov-ranking .bars")
    ranking = page.inner_text("#as-ov-ranking")
    assert "青山区" in ranking and "91.0" in ranking and "86.1" in ranking
    assert re.search(r"Units assessed\s*2", page.inner_text("#as-ov-kpis"))
    screenshot(page, "assessment-overview-journey-en")
    page.locator("#as-ov-treemap .slice",
                 has_text="青山区").last.click()  # drill down to a district
    page.wait_for_selector("#as-ov-crumbs button >> text=江州市")  # the breadcrumb leads back up
    assert "青山区 among its peers" in page.inner_text("#as-ov-ranking")
    page.click("text=Open the page of")
    page.wait_for_selector("#as-unit-waterfall .main-svg")
    assert "Composite" in page.inner_text("#as-unit-body")
    page.context.close()
