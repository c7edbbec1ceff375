"""The dashboard cache: kept per scope, never shared across scopes, and every committed
write (in this worker or another, through Redis or the local version file) makes the
next read recompute."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import update

from portal import cache
from portal import db as portal_db
from portal.models import Unit

REDIS_URL = os.environ.get("TEST_REDIS_URL")


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return {"calls": len(calls)}

    return calls, compute


def test_a_value_is_computed_once_until_a_write_commits(session, engine):
    from tests import factories

    factories.city(session)
    cache.attach(engine)
    calls, compute = _counter()
    first = cache.cached(session, "test.once", ("x",), compute)
    again = cache.cached(session, "test.once", ("x",), compute)
    assert first == again == {"calls": 1} and len(calls) == 1
    session.execute(update(Unit).where(Unit.code == "D1").values(name="青山区（新）"))
    assert cache.cached(session, "test.once", ("x",), compute) == {"calls": 2}, \
        "a read inside a transaction that wrote is computed, not served"
    session.commit()
    cache.cached(session, "test.once", ("x",), compute)
    cache.cached(session, "test.once", ("x",), compute)
    assert len(calls) == 3, "after the commit the value is computed once more, then served"


def test_a_rolled_back_write_does_not_change_the_version(session, engine):
    from tests import factories

    factories.city(session)
    cache.attach(engine)
    before = cache.data_version(engine)
    session.execute(update(Unit).where(Unit.code == "D1").values(name="x"))
    session.rollback()
    assert cache.data_version(engine) == before


def test_a_cached_value_cannot_be_changed_by_its_reader(session, engine):
    cache.attach(engine)
    value = cache.cached(session, "test.copy", (), lambda: {"rows": [1, 2]})
    value["rows"].append(3)
    assert cache.cached(session, "test.copy", (), lambda: {"rows": []}) == {"rows": [1, 2]}


def test_the_dashboards_are_kept_per_scope_and_never_shared(session, engine):
    """Two reviewers of different subtrees and two cadres get their own figures from the cache."""
    from tests import factories

    city = factories.city(session)
    cache.attach(engine)
    seen = []

    @cache.scoped("test.scope")
    def units_visible(session_, actor):
        seen.append(actor.username)
        return sorted(session_.scalars(
            Unit.__table__.select().with_only_columns(Unit.code).where(actor.unit_clause())))

    assert units_visible(session, city.actor("reviewer")) == ["C", "D1", "D2", "K1", "K2", "S1",
                                                              "S2"]
    assert units_visible(session, city.actor("reviewer-d1")) == ["D1", "K1", "S1"]
    assert units_visible(session, city.actor("reviewer")) == ["C", "D1", "D2", "K1", "K2", "S1",
                                                              "S2"]
    assert seen == ["reviewer", "reviewer-d1"], "the second city-wide read came from the cache"
    assert cache.scope_of(city.actor("cadre")) != cache.scope_of(city.actor("cadre2"))
    assert cache.scope_of(city.actor("reviewer")) != cache.scope_of(city.actor("inspector"))


def _worker_caches(engine, redis_url):
    """Two workers' caches of one database, as two processes would make them."""
    url = engine.url.render_as_string(hide_password=False)
    return cache.Cache(url, redis_url), cache.Cache(url, redis_url)


@pytest.mark.parametrize("store", ["local", pytest.param("redis", marks=pytest.mark.skipif(
    not REDIS_URL, reason="TEST_REDIS_URL is not set (CI sets it; see .ci/run)"))])
def test_a_write_in_one_worker_is_seen_by_the_next_read_in_another(engine, clean_db, store):
    first, second = _worker_caches(engine, REDIS_URL if store == "redis" else None)
    calls, compute = _counter()
    assert first.get_or_compute("test.workers", (), compute) == {"calls": 1}
    second.get_or_compute("test.workers", (),
                          compute)  # Redis shares the value; locally it is computed
    assert len(calls) == (1 if store == "redis" else 2)
    served = len(calls)
    second.bump()  # what a committed write in the second worker does
    assert first.get_or_compute("test.workers", (), compute)["calls"] == served + 1


def test_every_committed_write_through_an_engine_bumps_the_version(engine, clean_db):
    cache.attach(engine)
    before = cache.data_version(engine)
    with portal_db.standalone(engine) as s:  # the CLI's unit of work
        s.execute(update(Unit).values(name=Unit.name))
    middle = cache.data_version(engine)
    with portal_db.standalone(engine) as s:  # a read only: no bump
        s.execute(Unit.__table__.select())
    assert before != middle == cache.data_version(engine)


def test_the_local_store_keeps_within_its_size(monkeypatch):
    monkeypatch.setattr(cache, "LOCAL_BYTES", 4000)
    store = cache._LocalStore("size-test")
    for index in range(10):
        store.put(f"k{index}", b"x" * 900)
    assert store.size <= 4000 and store.get("k9") is not None and store.get("k0") is None
    store.put("huge", b"x" * 2000)  # over a quarter of the store: not kept
    assert store.get("huge") is None


def test_without_redis_the_dashboards_are_computed_and_writes_still_commit(engine, clean_db):
    url = engine.url.render_as_string(hide_password=False)
    away = cache.Cache(url, "redis://127.0.0.1:1/0")  # nothing listens there
    calls, compute = _counter()
    assert away.get_or_compute("test.away", (), compute) == {"calls": 1}
    assert away.get_or_compute("test.away", (), compute) == {"calls": 2}
    away.bump()  # logged, not raised: the write it follows has committed
