"""A unit's reporter reports figures with a PDF, the assessment office returns one with a
reason, the reporter fixes it and submits again, the office accepts; the period is then
announced (公示), the unit appeals one score, the office upholds it and the recomputed
result shows on the unit's dashboard (issue 15, "done when")."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from assessment import periods
from assessment.enums import PeriodStatus
from assessment.models import Appeal, Period, Result, Score, Submission
from portal import db
from portal.db import make_engine, utcnow
from portal.models import User
from tests.browser.conftest import open_in_app, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
INDICATOR = "党员积分管理覆盖率"


def _reporting(database_url: str) -> tuple[str, int, str]:
    """The collecting period, the reporter's unit id and its name."""
    engine = make_engine(database_url)
    with db.standalone(engine) as session:
        period = session.scalar(select(Period.code).where(
            Period.status == PeriodStatus.COLLECTING))
        user = session.scalar(select(User).where(User.username == "reporter-unit"))
        found = period, user.unit_id, user.unit.name
    engine.dispose()
    return found


def _edit(page, grid: str, row_text: str, value: str) -> None:
    cell = page.locator(f"{grid} .ag-row").filter(has_text=row_text).locator("[col-id=value]")
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(value)
    page.keyboard.press("Enter")


def _check(page, unit_name: str, action: str, reason: str = "") -> None:
    """On the progress board: the reports to check, the unit's own report, then ``action``."""
    page.locator("#as-sb-show").get_by_text("To check", exact=True).click()
    settle(page)
    row = page.locator("#as-sb-grid .ag-row").filter(has_text=unit_name).filter(
        has_text="The unit's own indicators")
    row.first.click()
    page.wait_for_selector(f"#as-sb-detail >> text={unit_name}")
    if reason:
        page.fill("#as-sb-reason", reason)
    page.get_by_role("button", name=action).click()


def _succeeded(page, message: str) -> None:
    """Wait for the success alert in ``message``; fail with what the page said instead."""
    try:
        page.wait_for_selector(f"{message} .alert-success", timeout=30000)
    except PlaywrightTimeout:
        raise AssertionError(f"{message}: {page.inner_text(message)!r}") from None


def _fill_the_other_units(database_url: str, code: str) -> None:
    """The other units' figures of the period, as if their reports were accepted too: last
    quarter's scores for every value still missing."""
    engine = make_engine(database_url)
    with db.standalone(engine) as session:
        period = periods.get(session, code)
        previous = session.scalar(select(Period).where(Period.end < period.start)
                                  .order_by(Period.end.desc()))
        have = set(session.execute(select(Score.unit_id, Score.indicator_code).where(
            Score.period_id == period.id)).all())
        for score in session.scalars(select(Score).where(Score.period_id == previous.id)):
            if (score.unit_id, score.indicator_code) not in have:
                session.add(Score(period_id=period.id, unit_id=score.unit_id,
                                  indicator_code=score.indicator_code, value=score.value,
                                  note="", updated_at=utcnow(), updated_by="journey"))
    engine.dispose()


def _appeals(database_url: str, unit_id: int) -> list[tuple[str, str]]:
    engine = make_engine(database_url)
    with db.standalone(engine) as session:
        found = session.execute(select(Period.code, Appeal.indicator_code).join(
            Period, Period.id == Appeal.period_id).where(Appeal.unit_id == unit_id)).all()
    engine.dispose()
    return [tuple(row) for row in found]


def _composite(database_url: str, code: str, unit_id: int) -> float | None:
    engine = make_engine(database_url)
    with db.standalone(engine) as session:
        found = session.scalar(select(Result.composite).join(Period).where(
            Period.code == code, Result.unit_id == unit_id))
    engine.dispose()
    return found


def test_report_return_fix_accept_announce_appeal_uphold(login_as, demo_database, tmp_path):
    code, unit_id, unit_name = _reporting(demo_database)
    evidence = tmp_path / "党员积分台账.pdf"
    evidence.write_bytes(PDF)

    # The unit's reporter: the demo's report came back once; the reason is on the page.
    reporter = login_as("reporter-unit", "en")
    assert reporter.url.endswith("/assessment/report")  # the reporter's home
    reporter.wait_for_selector("#as-rp-grid .ag-row")
    assert "Returned by the assessment office" in reporter.inner_text("#as-rp-editor")
    _edit(reporter, "#as-rp-grid", INDICATOR, "93.5")
    reporter.wait_for_selector("#as-rp-message >> text=Saved as a draft.")
    reporter.set_input_files("#as-rp-upload input[type=file]", str(evidence))
    reporter.wait_for_selector("#as-rp-message >> text=党员积分台账.pdf attached.")
    reporter.wait_for_selector("#as-rp-editor >> text=党员积分台账.pdf")
    screenshot(reporter, "reporting-reporter-en")
    reporter.click("#as-rp-submit")
    reporter.wait_for_selector("#as-rp-message >> text=Submitted to the assessment office.")
    reporter.wait_for_selector(".as-rp-lock >> text=Submitted: the assessment office is checking")

    # The office returns it with a reason.
    reviewer = login_as("reviewer", "en")
    open_in_app(reviewer, "/assessment/submissions")
    _check(reviewer, unit_name, "Return with the reason", "覆盖率与党员积分台账不一致，请核实")
    reviewer.wait_for_selector("#as-sb-message >> text=Returned to the unit with your reason.")
    screenshot(reviewer, "reporting-board-en")

    # The reporter reads the reason, fixes the figure and submits again.
    reporter.reload()
    settle(reporter)
    reporter.wait_for_selector(".as-rp-return >> text=覆盖率与党员积分台账不一致，请核实")
    _edit(reporter, "#as-rp-grid", INDICATOR, "91.2")
    reporter.wait_for_selector("#as-rp-message >> text=Saved as a draft.")
    reporter.click("#as-rp-submit")
    reporter.wait_for_selector("#as-rp-message >> text=Submitted to the assessment office.")

    # The office accepts: the figures become the period's scores.
    reviewer.reload()
    settle(reviewer)
    _check(reviewer, unit_name, "Accept")
    reviewer.wait_for_selector("#as-sb-message >> text=Accepted: the figures are now")
    engine = make_engine(demo_database)
    with db.standalone(engine) as session:
        report = session.scalar(select(Submission).join(Period).where(
            Period.code == code, Submission.unit_id == unit_id, Submission.set_key == "unit"))
        assert report.status == "accepted" and report.returned_count >= 2
        assert session.scalar(select(Score.value).join(Period).where(
            Period.code == code, Score.unit_id == unit_id,
            Score.indicator_code == "DJ2")) == 91.2
    engine.dispose()

    # The office closes collection and announces the results (公示).
    _fill_the_other_units(demo_database, code)
    open_in_app(reviewer, f"/assessment/periods?period={code}")
    reviewer.get_by_role("button", name="Start the review").click()
    reviewer.wait_for_selector(f"#as-pe-message >> text={code}")
    settle(reviewer)
    reviewer.get_by_role("button", name="Announce the results (公示)").click()
    reviewer.wait_for_selector(f"#as-pe-message >> text={code}")
    settle(reviewer)
    before = _composite(demo_database, code, unit_id)
    assert before is not None

    # The unit appeals the coverage score …
    open_in_app(reporter, f"/assessment/appeal?period={code}")
    reporter.click("#as-apf-indicator")
    reporter.get_by_role("option").filter(has_text=INDICATOR).first.click()
    reporter.fill("#as-apf-reason", "台账复核后覆盖率为 98%，附复核记录")
    reporter.set_input_files("#as-apf-upload input[type=file]", str(evidence))
    reporter.click("#as-apf-send")
    _succeeded(reporter, "#as-apf-message")
    filed = _appeals(demo_database, unit_id)
    assert (code, "DJ2") in filed, filed

    # … the office upholds it with the corrected value, and the result is recomputed.
    open_in_app(reviewer, f"/assessment/appeals?period={code}")
    row = reviewer.locator("#as-apl-grid .ag-row").filter(has_text=unit_name).first
    box = row.locator("input[type=checkbox]")
    if box.count():
        box.first.check()
    else:
        row.locator("[col-id=unit]").click()
    reviewer.wait_for_selector(".as-appeal-reason >> text=台账复核后覆盖率为")
    settle(reviewer)
    reviewer.fill("#as-apl-value", "98")
    reviewer.fill("#as-apl-reason", "经复核，台账记录属实")
    reviewer.click("#as-apl-uphold")
    _succeeded(reviewer, "#as-apl-message")
    after = _composite(demo_database, code, unit_id)
    assert after is not None and after > before

    open_in_app(reviewer, f"/assessment/unit?id={unit_id}&period={code}")
    reviewer.wait_for_selector(f".kpi-value >> text={after:.2f}")
    screenshot(reviewer, "reporting-recomputed-en")
