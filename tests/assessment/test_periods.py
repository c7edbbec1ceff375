"""Periods: lifecycle, publishing, freezing, and the scheme a published period keeps."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessment import periods, results, schemes, scores
from assessment.enums import PeriodStatus
from assessment.models import PeriodLevel, Result, ResultItem, Scheme
from portal.enums import UnitLevel
from portal.errors import AccessDenied, Invalid
from portal.models import AuditEvent
from tests.assessment.conftest import S1_VALUES, S2_VALUES, YEAR, enter, open_period, publish


def test_a_period_cannot_open_without_a_scheme(session, city):
    periods.create(session, city.actor("reviewer"), "2026Q1")
    with pytest.raises(Invalid, match="no indicator scheme for 2026"):
        periods.transition(session, city.actor("reviewer"), "2026Q1", PeriodStatus.COLLECTING)


def test_a_district_reviewer_cannot_create_or_publish_a_city_wide_period(session, city,
                                                                         street_scheme):
    with pytest.raises(AccessDenied):
        periods.create(session, city.actor("reviewer-d1"), "2026Q1")
    code = open_period(session, city)
    with pytest.raises(AccessDenied):
        periods.transition(session, city.actor("reviewer-d1"), code, PeriodStatus.REVIEWING)


def test_period_codes_are_checked(session, city):
    with pytest.raises(Invalid, match="2026Q1"):
        periods.create(session, city.actor("reviewer"), "2026-1")
    periods.create(session, city.actor("reviewer"), "2026q2")
    with pytest.raises(Invalid, match="already exists"):
        periods.create(session, city.actor("reviewer"), "2026Q2")


def test_the_lifecycle_refuses_skipping_a_step(session, city, street_scheme):
    code = open_period(session, city)
    with pytest.raises(Invalid, match="cannot become Published"):
        periods.transition(session, city.actor("reviewer"), code, PeriodStatus.PUBLISHED)


def test_publishing_is_blocked_while_scores_are_missing_and_says_which(session, city,
                                                                       street_scheme):
    code = open_period(session, city)
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, {"I1": 20})
    periods.transition(session, city.actor("reviewer"), code, PeriodStatus.REVIEWING)
    with pytest.raises(periods.PublishBlocked) as blocked:
        periods.transition(session, city.actor("reviewer"), code, PeriodStatus.PUBLISHED)
    assert blocked.value.lines == ["梅园街道 (S2) has no value for I2"]
    assert session.scalar(select(func.count()).select_from(Result)) == 0


def test_publish_computes_ranks_grades_and_the_breakdown(session, city, published):
    frame = results.results_frame(session, city.actor("reviewer"), published).set_index("unit_code")
    assert frame.loc["S1", "composite"] == 92.0 and frame.loc["S2", "composite"] == 82.0
    assert frame.loc["S1", "rank_in_level"] == 1 and frame.loc["S2", "rank_in_level"] == 2
    # 20 % of two streets rounds down to no 好 at all: 92 is 较好.
    assert set(frame["grade"]) == {"fair"}
    items = results.breakdown(session, city.actor("reviewer"), published, city.s1.id)
    assert round(items["points"].sum(), 2) == 92.0
    assert dict(zip(items["indicator_code"], items["points"], strict=True))["I3"] == 36.0


def test_publish_is_audited(session, city, published):
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "period.publish"))
    assert event.summary["units"] == {"street": 2} and event.actor == "reviewer"


def test_scores_cannot_change_once_published(session, city, published):
    with pytest.raises(Invalid, match="cannot change"):
        scores.set_score(session, city.actor("reviewer"), published, city.s1.id, "I1", 10, 1)


def test_publish_freezes_results_against_later_score_edits(session, city, published):
    reviewer = city.actor("reviewer")
    with pytest.raises(Invalid, match="why"):
        periods.transition(session, reviewer, published, PeriodStatus.REVIEWING, reason="")
    periods.transition(session, reviewer, published, PeriodStatus.REVIEWING,
                       reason="复核发现录入错误")
    existing = scores.get_score(session, reviewer, published, city.s1.id, "I1")
    scores.set_score(session, reviewer, published, city.s1.id, "I1", 10, existing.version)
    session.commit()
    stored = session.scalar(select(Result.composite).where(Result.unit_id == city.s1.id))
    assert stored == 92.0  # the frozen result did not move with the raw score
    publish(session, city, published)
    assert session.scalar(select(Result.composite).where(Result.unit_id == city.s1.id)) == 75.0
    assert session.scalar(select(func.count()).select_from(ResultItem)) == 2 * 5
    reopen = session.scalar(select(AuditEvent).where(AuditEvent.action == "period.reopen"))
    assert reopen.summary["reason"] == "复核发现录入错误"


def test_a_published_period_keeps_the_scheme_version_it_was_scored_with(session, city, published):
    admin = city.actor("admin")
    first = session.scalar(select(PeriodLevel.scheme_id))
    schemes.save_indicator(session, admin, YEAR, UnitLevel.STREET, "I1",
                           {"name": "书记抓党建（新）"})
    session.commit()
    versions = session.scalars(select(Scheme.version).order_by(Scheme.version)).all()
    assert versions == [1, 2]
    assert session.get(Scheme, first).locked
    assert session.scalar(select(PeriodLevel.scheme_id)) == first
    items = results.breakdown(session, city.actor("reviewer"), published, city.s1.id)
    assert "党组织书记抓党建" in set(items["name"])
    # A new period of the same year is scored with the new version.
    code = open_period(session, city, "2026Q2")
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code)
    items = results.breakdown(session, city.actor("reviewer"), code, city.s1.id)
    assert "书记抓党建（新）" in set(items["name"])


def test_archived_results_stay_visible(session, city, published):
    periods.transition(session, city.actor("reviewer"), published, PeriodStatus.ARCHIVED)
    session.commit()
    assert len(results.results_frame(session, city.actor("reviewer"), published)) == 2
