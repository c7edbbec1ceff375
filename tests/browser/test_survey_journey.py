"""Issue 15, "Done when": a survey code answered on a 390-px-wide phone screen is counted
once; the same code a second time gets the plain "already used" page. The office then sees
the answer in the response rates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessment import surveys
from assessment.enums import PeriodStatus, RespondentGroup
from assessment.models import Period, Questionnaire, SurveyResponse
from portal import db
from portal.access import Actor
from portal.enums import UnitKind, UnitLevel
from portal.models import Unit
from tests.browser.conftest import log_in, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


def _issue(url: str) -> tuple[str, str, int]:
    """Two fresh codes for the first community of the demo's open quarter."""
    engine = db.make_engine(url)
    with db.standalone(engine) as session:
        period = session.scalar(select(Period).where(Period.status == PeriodStatus.REVIEWING))
        unit = session.scalar(select(Unit).where(Unit.level == UnitLevel.COMMUNITY,
                                                 Unit.kind == UnitKind.TERRITORIAL)
                              .order_by(Unit.path))
        codes = surveys.issue_codes(session, Actor.system(session, "test"), period.code,
                                    unit.code, RespondentGroup.RESIDENTS, 2)
        result = codes, unit.code, unit.id
    engine.dispose()
    return result


def _answers(url: str, unit_id: int) -> int:
    engine = db.make_engine(url)
    with db.standalone(engine) as session:
        # in the period the codes were issued for (the page shows that period's rates)
        found = session.scalar(
            select(func.count()).select_from(SurveyResponse)
            .join(Questionnaire, Questionnaire.id == SurveyResponse.questionnaire_id)
            .join(Period, Period.id == Questionnaire.period_id)
            .where(SurveyResponse.unit_id == unit_id,
                   SurveyResponse.group == RespondentGroup.RESIDENTS,
                   Period.status == PeriodStatus.REVIEWING))
    engine.dispose()
    return found


def _answer_all(page) -> None:
    for question in ("Q1", "Q2", "Q3", "Q4"):
        page.locator(f"input[name={question}][value=satisfied]").check()
    page.locator("input[name=Q5][value='4']").check()


def test_a_code_answered_on_a_phone_counts_once_and_then_says_already_used(browser, demo_url,
                                                                         demo_database):
    codes, unit_code, unit_id = _issue(demo_database)
    before = _answers(demo_database, unit_id)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    form = page.goto(f"{demo_url}/survey/{codes[0]}")
    assert form.status == 200
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    # phone first: nothing wider than the screen, the choices big enough to tap
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("label.survey-choice").first.bounding_box()["height"] >= 44
    screenshot(page, "survey-phone-form-zh")
    _answer_all(page)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/survey/thanks")
    assert "已匿名记录" in page.content()
    screenshot(page, "survey-phone-thanks-zh")
    assert _answers(demo_database, unit_id) == before + 1

    # the same code a second time: the plain "already used" page, still counted once
    again = page.goto(f"{demo_url}/survey/{codes[0]}")
    assert again.status == 410
    assert page.locator("h1").inner_text() == "测评码已使用"
    assert page.locator("form").count() == 0
    screenshot(page, "survey-phone-used-zh")
    assert _answers(demo_database, unit_id) == before + 1

    # an address that is not a code gets the plain "not valid" page
    assert page.goto(f"{demo_url}/survey/aaaa-bbbb-cccc").status == 404
    assert page.locator("h1").inner_text() == "测评码无效"
    context.close()

    # the office sees the unit's answers among the response rates
    office = log_in(browser, demo_url, "reviewer", "en")
    office.goto(f"{demo_url}/assessment/surveys?level=community")
    settle(office)
    row = office.locator(".ag-center-cols-container .ag-row", has_text=unit_code).first
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(row).to_contain_text(f"{before + 1} / ", timeout=30000)
    screenshot(office, "survey-office-en")
    office.context.close()


def test_a_resubmitted_form_does_not_count_twice(browser, demo_url, demo_database):
    """Two tabs with the same code: the first submission counts, the second is refused."""
    codes, _unit_code, unit_id = _issue(demo_database)
    before = _answers(demo_database, unit_id)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.goto(f"{demo_url}/survey/{codes[1]}")
        _answer_all(page)
    first.locator("button[type=submit]").click()
    first.wait_for_url("**/survey/thanks")
    with second.expect_navigation():
        second.locator("button[type=submit]").click()
    assert second.locator("h1").inner_text() == "测评码已使用"
    assert _answers(demo_database, unit_id) == before + 1
    context.close()
