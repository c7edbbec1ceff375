"""A unit reporter reads their own unit's satisfaction survey (issue 15.5: "a unit never sees
who answered"): counts per group, means only from the minimum count on, and nobody else's
unit; the same through the reporter page's callback, a forged unit id refused."""

from __future__ import annotations

import json

import pytest

from assessment import service
from portal.enums import UnitLevel
from portal.errors import AccessDenied
from tests.assessment.conftest import YEAR, build_scheme, open_period
from tests.assessment.test_surveys import ALL_SATISFIED, MIXED, SURVEY_SCHEME, _answer, issue
from tests.callbacks import call
from tests.web import login


@pytest.fixture
def survey_period(session, reporters):
    build_scheme(session, reporters.actor("admin"), YEAR, UnitLevel.STREET, SURVEY_SCHEME)
    session.commit()
    code = open_period(session, reporters)
    residents = issue(session, reporters, code, 8, "residents")
    leaders = issue(session, reporters, code, 4, "leaders")
    _answer(session, residents[:5], MIXED)
    _answer(session, leaders[:3], ALL_SATISFIED)
    return code


def test_a_unit_reporter_reads_their_own_units_survey(session, city, survey_period):
    seen = service.survey_summary(session, city.actor("reporter-unit"), survey_period,
                                  city.s1.id)
    by_group = {t.group.value: t for t in seen.groups}
    assert (seen.issued, seen.answered, seen.min_responses) == (12, 8, 5)
    assert by_group["residents"].mean == 54.0 and by_group["residents"].answered == 5
    # below the minimum: counted, but no mean
    assert by_group["leaders"].answered == 3 and by_group["leaders"].mean is None
    assert seen.score is not None


@pytest.mark.parametrize("who", ["reporter-s2", "reporter-dept"])
def test_another_units_or_a_departments_reporter_is_refused(session, city, survey_period, who):
    with pytest.raises(AccessDenied):
        service.survey_summary(session, city.actor(who), survey_period, city.s1.id)


def test_below_the_minimum_there_is_no_mean_and_no_score(session, city, reporters):
    build_scheme(session, reporters.actor("admin"), YEAR, UnitLevel.STREET, SURVEY_SCHEME)
    session.commit()
    code = open_period(session, reporters)
    _answer(session, issue(session, reporters, code, 6, "residents")[:4], ALL_SATISFIED)
    seen = service.survey_summary(session, city.actor("reporter-unit"), code, city.s1.id)
    assert seen.answered == 4 and seen.score is None
    assert all(t.mean is None for t in seen.groups)


def _survey(client, app, period, unit_id):
    response = call(client, app, "assessment", "report.show_survey",
                    {"as-rp-period.value": period, "as-rp-unit.data": unit_id})
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_the_reporter_page_shows_the_survey_to_its_own_unit(client, app, city, survey_period):
    login(client, "reporter-unit")
    shown = _survey(client, app, survey_period, city.s1.id)
    assert "54.00" in shown and "8 / 12" in shown
    assert "not enough answers to show, to protect anonymity" in shown
    assert "100.00" not in shown  # the leaders' mean (3 answers) stays hidden


def test_a_forged_unit_id_is_refused_on_the_reporter_page(client, app, city, survey_period):
    login(client, "reporter-s2")
    shown = _survey(client, app, survey_period, city.s1.id)
    assert "54.00" not in shown and "8 / 12" not in shown
    assert "Your role may not do this" in shown


def test_no_survey_is_explained(client, app, city, reporting):
    login(client, "reporter-unit")
    shown = _survey(client, app, "2026Q1", city.s1.id)
    assert "No satisfaction survey ran for your unit" in shown


def test_the_survey_section_speaks_chinese(client, app, city, session, survey_period):
    city.users["reporter-unit"].lang = "zh"
    session.commit()
    login(client, "reporter-unit")
    shown = _survey(client, app, survey_period, city.s1.id)
    assert "群众满意度测评" in shown and "答卷过少，为保护匿名不予显示" in shown
    assert "not enough answers" not in shown
