"""The dashboards' bulk path (``training.scope_progress``) gives, for every cadre, exactly the
progress the one-cadre path (``service.training_progress``) gives: same hours, gaps, pace,
five-year numbers and projections (float for float). The counts the database makes
(``cadres.completion``: the overview, the annual report) equal those of the bulk path, (the
hours tallies themselves: tests/cadres/test_training_tally.py)."""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from cadres import completion, reports, rules, service, training
from cadres.enums import TrainingCategory, TrainingMode
from portal import units
from portal.access import Actor
from portal.db import session_factory
from portal.models import Cadre, User
from tests.conftest import _clean

TODAY = date(2026, 11, 24)


def test_a_tally_sums_its_hours_exactly_as_summing_the_cells_would():
    generator = random.Random(7)
    cells = [(c, m) for c in TrainingCategory for m in TrainingMode]
    for _ in range(200):
        chosen = generator.sample(cells, generator.randint(0, len(cells)))
        tally = rules.HoursTally({cell: generator.choice([0.1, 0.7, 1.5, 2.3,
                                                          1 / 3]) * generator.randint(1, 99)
                                  for cell in chosen})
        assert tally.total == sum(tally.cells.values())
        for mode in TrainingMode:
            assert tally.mode(mode) == sum(h for (_c, m), h in tally.cells.items() if m == mode)
        assert tally.online == tally.mode(TrainingMode.ONLINE)
        assert tally.offline == tally.mode(TrainingMode.OFFLINE)
        for category in TrainingCategory:
            assert tally.category(category) == sum(h for (c, _m),
                                                   h in tally.cells.items() if c == category)
    assert rules.HoursTally() == rules.HoursTally({}) and rules.HoursTally().total == 0


@pytest.fixture(scope="module")
def seeded(engine, demo_templates):
    _clean(engine)  # seeded once for the module: the tests only read
    demo_templates.seed(engine, "small", today=TODAY)
    with session_factory(engine)() as session:
        adjust_some_plans(session)
        yield session


def adjust_some_plans(session) -> None:
    """Adjusted plans beside the generated ones: more hours, a five-year requirement for a cadre
    without one, an early deadline (passed on TODAY), and a plan for a year without plans."""
    reviewer = actor(session, "reviewer-d1")
    codes = [r.code for r in training.scope_progress(session, reviewer, 2026,
                                                     as_of=TODAY)][::97][:4]
    changes = [(2026, {"annual_hours": 130, "theory_hours": 45}), (2026, {"five_year_hours": 300}),
               (2026, {"deadline": date(2026, 6, 30), "online_hours": 20}),
               (2027, {"annual_hours": 60})]
    for code, (year, values) in zip(codes, changes, strict=True):
        training.adjust_plan(session, reviewer, code, year, values, "equivalence test")
    session.flush()


def actor(session, username: str) -> Actor:
    return Actor.for_user(session.scalar(select(User).where(User.username == username)))


@pytest.mark.slow
@pytest.mark.parametrize("username", ["reviewer", "reviewer-d1"])
@pytest.mark.parametrize(("year", "as_of"), [
    (2026, TODAY), (2026, date(2026, 3, 1)), (2025, TODAY), (2024, date(2024, 6, 30)),
                                             (2027, TODAY)])
def test_scope_progress_equals_the_progress_of_each_cadre(seeded, username, year, as_of):
    session = seeded
    who = actor(session, username)
    rows = training.scope_progress(session, who, year, as_of=as_of)
    assert rows
    for row in rows:
        single = service.training_progress(session, who, session.get(Cadre, row.cadre_id), year,
                                           as_of=as_of)
        assert row.progress == single, row.code
        assert (
            row.progress.gaps == single.gaps
            and row.progress.projected_completion == single.projected_completion
        )
    if (
        as_of == TODAY and year == 2026 and username == "reviewer"
    ):  # the data covers the interesting cases
        assert any(r.progress.five_year_required for r in rows)
        assert any(r.progress.behind for r in rows) and any(not r.progress.behind for r in rows)
        assert any(r.progress.five_year_behind for r in rows)
        assert any(r.progress.five_year_required == 300 for r in rows)  # the adjusted plans
        assert any(
            r.progress.deadline == date(2026, 6, 30) and r.progress.required_online == 20
            for r in rows
        )
        assert any(r.progress.hours_total == 0 for r in rows) or any(
            r.progress.complete for r in rows
        )


@pytest.mark.slow
@pytest.mark.parametrize("username", ["reviewer", "reviewer-d1"])
@pytest.mark.parametrize(("year", "as_of"), [
    (2026, TODAY), (2026, date(2026, 3, 1)), (2025, TODAY), (2024, date(2024, 6, 30)),
                                             (2027, TODAY)])
def test_the_counts_made_in_the_database_equal_the_progress_of_each_cadre(seeded, username, year,
                                                                          as_of):
    session = seeded
    who = actor(session, username)
    focus, rows = reports.progress_rows(session, who, year, as_of=as_of)
    found = completion.unit_tallies(session, who, year, under=focus, as_of=as_of)
    expected, counted = reports.summary(rows), completion.summary(found)
    for key in ("cadres", "complete", "behind", "five_year_behind", "five_year_cadres"):
        assert counted[key] == expected[key], key
    for key in ("avg_hours", "online_share"):  # the same floats summed in another order
        assert counted[key] == pytest.approx(expected[key], rel=1e-12, abs=1e-12), key
    children = units.children(session, who, focus)
    pd.testing.assert_frame_equal(completion.completion_by_unit(session, found, focus, children),
                                  reports.completion_by_unit(rows, focus, children), rtol=1e-12)
    behind = reports.behind_schedule(rows)
    page, count = completion.behind_page(session, who, year, under=focus, as_of=as_of, start=0,
                                         end=100_000)
    assert count == len(behind) == len(page)
    # the same rows and values (0 hours may come as 0.0); the database orders by the exact gap, then
    # the code
    key = ["code"]
    pd.testing.assert_frame_equal(pd.DataFrame(page, columns=list(behind.columns)).sort_values(key)
                                  .reset_index(drop=True),
                                  behind.sort_values(key).reset_index(drop=True),
                                  check_dtype=False)
    if count > 3:
        first, second = completion.behind_page(session, who, year, under=focus, as_of=as_of,
                                               start=0, end=2)[0], \
            completion.behind_page(session, who, year, under=focus, as_of=as_of, start=2, end=4)[0]
        assert [r["code"] for r in first + second] == [r["code"] for r in page[:4]]


def test_the_hours_charts_made_in_the_database_equal_those_made_from_the_records(seeded):
    who = actor(seeded, "reviewer-d1")
    focus = reports.focus_unit(seeded, who, None)
    frame = reports.hours_frame(seeded, who, 2026, focus)
    by_cell, by_month = completion.hours_frames(seeded, who, 2026, under=focus)
    pd.testing.assert_frame_equal(reports.hours_by_category_mode(by_cell),
                                  reports.hours_by_category_mode(frame),
                                  rtol=1e-9)
    pd.testing.assert_frame_equal(reports.hours_by_month(by_month, 2026, TODAY),
                                  reports.hours_by_month(frame, 2026, TODAY), rtol=1e-9)
