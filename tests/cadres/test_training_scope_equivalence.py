"""The dashboards' bulk path (``training.scope_progress``) gives, for every cadre, exactly the
progress the one-cadre path (``service.training_progress``) gives: same hours, gaps, pace,
five-year numbers and projections (float for float)."""

from __future__ import annotations

import gc
import random
from datetime import date

import pytest
from sqlalchemy import select

from cadres import rules, service, training
from cadres.enums import TrainingCategory, TrainingMode
from portal import demo
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
        tally = rules.HoursTally({cell: generator.choice([0.1, 0.7, 1.5, 2.3, 1 / 3]) * generator.randint(1, 99)
                                  for cell in chosen})
        assert tally.total == sum(tally.cells.values())
        for mode in TrainingMode:
            assert tally.mode(mode) == sum(h for (_c, m), h in tally.cells.items() if m == mode)
        assert tally.online == tally.mode(TrainingMode.ONLINE)
        assert tally.offline == tally.mode(TrainingMode.OFFLINE)
        for category in TrainingCategory:
            assert tally.category(category) == sum(h for (c, _m), h in tally.cells.items() if c == category)
    assert rules.HoursTally() == rules.HoursTally({}) and rules.HoursTally().total == 0


@pytest.fixture(scope="module")
def seeded(engine):
    _clean(engine)  # seeded once for the module: the tests only read
    demo.seed(engine, "small", today=TODAY)
    with session_factory(engine)() as session:
        adjust_some_plans(session)
        yield session


def adjust_some_plans(session) -> None:
    """Adjusted plans beside the generated ones: more hours, a five-year requirement for a cadre
    without one, an early deadline (passed on TODAY), and a plan for a year without plans."""
    reviewer = actor(session, "reviewer-d1")
    codes = [r.code for r in training.scope_progress(session, reviewer, 2026, as_of=TODAY)][::97][:4]
    changes = [(2026, {"annual_hours": 130, "theory_hours": 45}), (2026, {"five_year_hours": 300}),
               (2026, {"deadline": date(2026, 6, 30), "online_hours": 20}), (2027, {"annual_hours": 60})]
    for code, (year, values) in zip(codes, changes, strict=True):
        training.adjust_plan(session, reviewer, code, year, values, "equivalence test")
    session.flush()


def actor(session, username: str) -> Actor:
    return Actor.for_user(session.scalar(select(User).where(User.username == username)))


@pytest.mark.slow
@pytest.mark.parametrize("username", ["reviewer", "reviewer-d1"])
@pytest.mark.parametrize(("year", "as_of"), [
    (2026, TODAY), (2026, date(2026, 3, 1)), (2025, TODAY), (2024, date(2024, 6, 30)), (2027, TODAY)])
def test_scope_progress_equals_the_progress_of_each_cadre(seeded, username, year, as_of):
    session = seeded
    who = actor(session, username)
    rows = training.scope_progress(session, who, year, as_of=as_of)
    assert rows
    for row in rows:
        single = service.training_progress(session, who, session.get(Cadre, row.cadre_id), year, as_of=as_of)
        assert row.progress == single, row.code
        assert row.progress.gaps == single.gaps and row.progress.projected_completion == single.projected_completion
    if as_of == TODAY and year == 2026 and username == "reviewer":  # the data covers the interesting cases
        assert any(r.progress.five_year_required for r in rows)
        assert any(r.progress.behind for r in rows) and any(not r.progress.behind for r in rows)
        assert any(r.progress.five_year_behind for r in rows)
        assert any(r.progress.five_year_required == 300 for r in rows)  # the adjusted plans
        assert any(r.progress.deadline == date(2026, 6, 30) and r.progress.required_online == 20 for r in rows)
        assert any(r.progress.hours_total == 0 for r in rows) or any(r.progress.complete for r in rows)


@pytest.mark.slow
def test_scope_progress_leaves_the_garbage_collector_as_it_found_it(seeded, monkeypatch):
    who = actor(seeded, "reviewer-d1")
    assert gc.isenabled()
    training.scope_progress(seeded, who, 2026, as_of=TODAY)
    assert gc.isenabled()
    gc.disable()
    try:
        training.scope_progress(seeded, who, 2026, as_of=TODAY)
        assert not gc.isenabled()
    finally:
        gc.enable()

    def broken(*_args, **_kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(training, "tallies", broken)
    with pytest.raises(RuntimeError):
        training.scope_progress(seeded, who, 2026, as_of=TODAY)
    assert gc.isenabled()
