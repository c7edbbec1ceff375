"""The assessment's demo data: valid schemes, eight quarters, believable warnings, a quarter to
publish."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from assessment import appeals, periods, results, schemes, service, submissions
from assessment.enums import PeriodStatus, SubmissionStatus, WarningKind
from assessment.models import Period, Scheme, Submission
from portal.access import Actor
from portal.models import User

TODAY = date(2026, 11, 24)


@pytest.fixture
def seeded(clean_db, session, demo_templates):
    demo_templates.seed(clean_db, "small", today=TODAY)
    return session


@pytest.mark.slow
def test_the_demo_has_eight_quarters_the_newest_waiting_for_review(seeded):
    session = seeded
    statuses = session.execute(select(Period.code, Period.status).where(
        Period.kind == "quarter").order_by(Period.start)).all()
    assert [code for code, _s in statuses] == ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4",
                                               "2026Q1",
                                               "2026Q2", "2026Q3", "2026Q4"]
    assert [s for _c, s in statuses] == [PeriodStatus.PUBLISHED] * 7 + [PeriodStatus.REVIEWING,
                                                                         PeriodStatus.COLLECTING]
    assert service.latest_published_period(session).code == "2026Q2"
    for scheme in session.scalars(select(Scheme)):
        assert schemes.problems(scheme) == [], (scheme.year, scheme.level, scheme.version)
    # The district scheme of this year was revised after two published quarters.
    assert session.scalar(select(func.max(Scheme.version))) == 2


@pytest.mark.slow
def test_the_demo_announces_last_year_with_an_open_an_upheld_and_a_rejected_appeal(seeded):
    session = seeded
    year = periods.get(session, "2025")
    assert year.status == PeriodStatus.ANNOUNCED
    assert (year.announced_on, year.announced_until) == (date(2026, 11, 23), date(2026, 11, 27))
    found, count = appeals.appeals_page(session, Actor.system(session))
    assert count == 3
    assert sorted(a.status.value for a in found) == ["open", "rejected", "upheld"]
    assert next(a for a in found if a.status == "open").evidence_name == "情况说明.pdf"
    assert periods.open_appeals(session, year) == 1


@pytest.mark.slow
def test_the_demo_raises_every_kind_of_warning_and_the_newest_quarter_publishes(seeded):
    session = seeded
    actor = Actor.system(session)
    kinds = {w.kind for w in results.warnings(session, actor, "2026Q2", today=TODAY)}
    assert {WarningKind.FALLING, WarningKind.OUTLIER_LOW, WarningKind.OVERDUE,
            WarningKind.VETO} <= kinds
    frame = service.results_for_period(session, actor, "2026Q2")
    assert set(frame["grade"]) == {"good", "fair", "average", "poor"}
    periods.transition(session, actor, "2026Q3", PeriodStatus.PUBLISHED, today=TODAY)
    assert len(service.results_for_period(session, actor, "2026Q3")) == len(frame)


@pytest.mark.slow
def test_the_current_quarter_collects_reports_in_every_state(seeded):
    session = seeded
    statuses = set(session.scalars(select(Submission.status).join(
        Period, Period.id == Submission.period_id).where(Period.code == "2026Q4")))
    assert statuses == set(SubmissionStatus)
    reporter = Actor.for_user(session.scalar(select(User).where(User.username == "reporter-unit")))
    own = submissions.view(session, reporter, "2026Q4", reporter.unit_id, today=TODAY)
    assert own.status == SubmissionStatus.RETURNED and own.return_reason and own.lock is None
    department = Actor.for_user(session.scalar(select(User).where(
        User.username == "reporter-dept")))
    board = submissions.progress(session, department, "2026Q4", today=TODAY)
    assert board.count > 0 and {r["set_name"] for r in board.rows} == {"市委政法委"}
    assert board.counts["to_check"] >= 1 and board.counts["accepted"] >= 1
