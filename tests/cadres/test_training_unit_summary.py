"""The unit summaries (``training_unit_summary``) and the standings they come from
(``training_standing``) give the figures and the behind list the per-cadre path gives, and a
write that changes a unit's figures is seen by the next read: a training record, a plan, a
cadre moved to another unit or leaving office, a changed standard. Counts are equal; sums of
hours are the same floats added in another order (``approx`` to 1e-12)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select, update

from cadres import completion, reports, summary_stamps, training
from cadres.enums import RecordSource, TrainingCategory, TrainingMode
from cadres.models import TrainingUnitSummary
from portal import units
from portal.access import Actor
from portal.db import session_factory, standalone
from portal.enums import CadreStatus
from portal.models import Cadre, Unit, User
from tests.conftest import _clean

TODAY = date(2026, 11, 24)
EXACT = ("cadres", "complete", "behind", "five_year_cadres", "five_year_behind")


@pytest.fixture(scope="module")
def city(engine, demo_templates):
    _clean(engine)
    demo_templates.seed(engine, "small", today=TODAY)
    yield engine
    _clean(engine)


def actor(session, username: str) -> Actor:
    return Actor.for_user(session.scalar(select(User).where(User.username == username)))


def stored(session, year: int, as_of: date) -> int:
    return session.scalar(select(func.count()).select_from(TrainingUnitSummary)
                          .where(TrainingUnitSummary.year == year,
                                 TrainingUnitSummary.as_of == as_of))


def assert_same(session, who: Actor, year: int, as_of: date, under=None) -> None:
    """The summary path (a fresh session: nothing written in it) equals the per-cadre path."""
    found = completion.unit_tallies(session, who, year, under=under, as_of=as_of)
    expected = completion._direct_unit_tallies(session, who, year, under, as_of)
    assert [t.unit_id for t in found] == sorted(t.unit_id for t in expected)
    by_unit = {t.unit_id: t for t in expected}
    for tally in found:
        other = by_unit[tally.unit_id]
        for name in EXACT:
            assert getattr(tally, name) == getattr(other, name), (tally.unit_id, name)
        for name in ("counted", "online", "total"):
            assert getattr(tally, name) == pytest.approx(getattr(other, name), rel=1e-12,
                                                         abs=1e-9)
    page, count = completion.behind_page(session, who, year, under=under, as_of=as_of, start=0,
                                         end=100_000)
    outcome = completion._per_cadre(session, who, year, under, as_of)
    behind = set(session.scalars(select(Cadre.code).join(outcome, outcome.c.cadre_id == Cadre.id)
                                 .where(outcome.c.behind == 1)))
    assert count == len(page) == len(behind)
    assert {row["code"] for row in page} == behind
    by_cell, by_month = completion.hours_frames(session, who, year, under=under)
    direct_cell, direct_month = completion._direct_hours(session, who, year, under)
    pd.testing.assert_frame_equal(by_cell, direct_cell, rtol=1e-12)
    pd.testing.assert_frame_equal(by_month, direct_month, rtol=1e-12)


@pytest.mark.parametrize("username", ["reviewer", "reviewer-d1"])
@pytest.mark.parametrize(("year", "as_of"), [(2026, TODAY), (2026, date(2026, 3, 1)),
                                             (2025, TODAY), (2024, date(2024, 12, 31))])
def test_the_summaries_equal_the_per_cadre_counts_and_are_kept(city, username, year, as_of):
    # the rows are counted right after the tallies: ``hours_frames`` (in ``assert_same``) reads
    # today's rows, and storing those prunes the rows of days long past, such as 1 March
    with session_factory(city)() as session:
        who = actor(session, username)
        first = completion.unit_tallies(session, who, year, as_of=as_of)
        assert stored(session, year, as_of) > 0
        assert_same(session, who, year, as_of)
    with session_factory(city)() as session:  # now read from the rows kept, the same figures
        who = actor(session, username)
        completion.unit_tallies(session, who, year, as_of=as_of)
        kept = stored(session, year, as_of)
        assert completion.unit_tallies(session, who, year, as_of=as_of) == first
        assert stored(session, year, as_of) == kept
        assert_same(session, who, year, as_of)
        focus = units.children(session, who, units.scope_root(session, who))[0]
        assert_same(session, who, year, as_of, under=focus)  # a subtree of the scope


def test_the_overview_and_the_annual_report_read_the_same_figures(city):
    with session_factory(city)() as session:
        who = actor(session, "reviewer")
        focus = units.scope_root(session, who)
        tallies = completion._direct_unit_tallies(session, who, 2026, focus, date.today())
        numbers = reports.overview.uncached(session, who, 2026, focus.id)
        assert numbers["summary"] == pytest.approx(completion.summary(tallies), rel=1e-12)


def _first_cadre(session, who) -> Cadre:
    return session.scalar(select(Cadre).where(who.cadre_clause(),
                                              Cadre.status == CadreStatus.SERVING)
                          .order_by(Cadre.id))


def test_a_write_is_seen_by_the_next_read(city):
    with session_factory(city)() as session:  # kept for today
        who = actor(session, "reviewer")
        assert_same(session, who, 2026, TODAY)
    # a training record (the cadre's tally refreshed in the same transaction)
    with standalone(city) as session:
        who = actor(session, "reviewer")
        cadre = _first_cadre(session, who)
        training.add_record(session, who, cadre, title="Summary test course", hours=40,
                            category=TrainingCategory.THEORY, mode=TrainingMode.ONLINE,
                            completed_on=date(2026, 5, 6), source=RecordSource.IMPORT)
    with session_factory(city)() as session:
        who = actor(session, "reviewer")
        before = {t.unit_id: t for t in completion._direct_unit_tallies(session, who, 2026, None,
                                                                         TODAY)}
        assert_same(session, who, 2026, TODAY)
    # a plan adjusted
    with standalone(city) as session:
        who = actor(session, "reviewer")
        cadre = _first_cadre(session, who)
        training.adjust_plan(session, who, cadre.code, 2026, {"annual_hours": 400}, "test")
    with session_factory(city)() as session:
        who = actor(session, "reviewer")
        assert_same(session, who, 2026, TODAY)
        unit_id = _first_cadre(session, who).unit_id
        after = {t.unit_id: t for t in completion.unit_tallies(session, who, 2026, as_of=TODAY)}
        assert after[unit_id].complete <= before[unit_id].complete
    # a cadre moved to another unit, another one leaves office
    with standalone(city) as session:
        who = actor(session, "reviewer")
        cadre = _first_cadre(session, who)
        other = session.scalar(select(Unit).where(Unit.id != cadre.unit_id,
                                                  who.unit_clause()).order_by(Unit.id.desc()))
        cadre.unit_id = other.id
        leaving = session.scalar(select(Cadre).where(who.cadre_clause(), Cadre.id != cadre.id,
                                                     Cadre.status == CadreStatus.SERVING)
                                 .order_by(Cadre.id.desc()))
        leaving.status = CadreStatus.RETIRED
    with session_factory(city)() as session:
        assert_same(session, actor(session, "reviewer"), 2026, TODAY)
    # a bulk change of cadres (every unit's rows are stale)
    with standalone(city) as session:
        session.execute(update(Cadre).where(Cadre.code == cadre.code)
                        .values(status=CadreStatus.RETIRED))
    with session_factory(city)() as session:
        assert_same(session, actor(session, "reviewer"), 2026, TODAY)


def test_a_new_day_counts_from_the_standings_kept_and_computes_only_the_units_written(
        city, monkeypatch):
    day, next_day = date(2026, 11, 20), date(2026, 11, 21)
    with session_factory(city)() as session:  # the rows and standings of every unit
        completion.unit_tallies(session, actor(session, "reviewer"), 2026, as_of=day)
    with standalone(city) as session:
        who = actor(session, "reviewer")
        cadre = _first_cadre(session, who)
        training.add_record(session, who, cadre, title="Next day course", hours=12,
                            category=TrainingCategory.PROFESSIONAL, mode=TrainingMode.OFFLINE,
                            completed_on=date(2026, 5, 7), source=RecordSource.IMPORT)
        written = cadre.unit_id
    computed: list[int] = []
    store = completion._store_standings

    def spy(session, year, unit_ids):
        computed.extend(unit_ids)
        store(session, year, unit_ids)

    monkeypatch.setattr(completion, "_store_standings", spy)
    with session_factory(city)() as session:
        who = actor(session, "reviewer")
        completion.unit_tallies(session, who, 2026, as_of=next_day)
        assert computed == [written]  # the other units: a grouped scan of their standings
        assert_same(session, who, 2026, next_day)


def test_a_row_computed_before_a_write_no_longer_counts_after_it(city):
    """The stamps: a row stored with the unit's stamp before a bump is stale once the bump has
    committed, whatever the order in which the two transactions ended."""
    with session_factory(city)() as session:
        who = actor(session, "reviewer")
        completion.unit_tallies(session, who, 2026, as_of=TODAY)
        unit_id = _first_cadre(session, who).unit_id
    with standalone(city) as session:
        row = session.get(TrainingUnitSummary, (2026, TODAY, unit_id))
        row.cadres = 999_999  # what a figure computed before a write would look like
        summary_stamps.bump_units(session, [unit_id])
    with session_factory(city)() as session:
        found = {t.unit_id: t for t in completion.unit_tallies(session, actor(session, "reviewer"),
                                                                2026, as_of=TODAY)}
        assert found[unit_id].cadres != 999_999


def test_a_reading_transaction_that_has_written_does_not_use_the_summaries(city):
    with session_factory(city)() as session:
        who = actor(session, "reviewer")
        cadre = _first_cadre(session, who)
        training.add_record(session, who, cadre, title="Not yet committed", hours=500,
                            category=TrainingCategory.THEORY, mode=TrainingMode.OFFLINE,
                            completed_on=date(2026, 2, 2), source=RecordSource.IMPORT)
        found = {t.unit_id: t for t in completion.unit_tallies(session, who, 2026, as_of=TODAY)}
        direct = {t.unit_id: t for t in completion._direct_unit_tallies(session, who, 2026, None,
                                                                         TODAY)}
        assert found[cadre.unit_id] == direct[cadre.unit_id]
        session.rollback()


def test_storing_the_summaries_is_not_a_write_of_the_data(city):
    """The rows are derived: keeping them leaves the dashboard cache's data version alone
    (else every first view would throw away every cached dashboard)."""
    from portal import cache

    found = cache.attach(city)
    try:
        with standalone(city) as session:
            session.execute(TrainingUnitSummary.__table__.delete())
        before = found.version()
        with session_factory(city)() as session:
            completion.unit_tallies(session, actor(session, "reviewer"), 2026, as_of=TODAY)
            assert stored(session, 2026, TODAY) > 0
        assert found.version() == before
    finally:
        cache.detach(city)


def test_upkeep_keeps_every_units_rows_after_a_bulk_write_and_then_finds_nothing_to_do(city):
    day = date(2026, 11, 23)
    with standalone(city) as session:  # a bulk write: every unit's rows are stale
        session.execute(update(Cadre).where(Cadre.id == -1).values(status=CadreStatus.RETIRED))
    with session_factory(city)() as session:
        units_count = session.scalar(select(func.count()).select_from(Unit))
        assert completion.keep_summaries(session, 2026, day) == units_count
        assert stored(session, 2026, day) == units_count
        assert completion.keep_summaries(session, 2026, day) == 0
    with session_factory(city)() as session:  # the rows kept are the ones a page would compute
        assert_same(session, actor(session, "reviewer"), 2026, day)
        assert completion.keep_summaries(session, 2026, day) == 0, "the page computed none"
