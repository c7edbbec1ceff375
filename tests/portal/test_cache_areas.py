"""The dashboard cache's areas (``portal.cache``): a write bumps the areas of the tables it
wrote, a value declared with ``reads`` stays kept through writes elsewhere, and every value
so declared reads no table outside its areas (checked on every page of the reviewer, the
inspector and the cadre, with the values computed from the demo city)."""

from __future__ import annotations

import contextvars
import dataclasses
import re
from collections import defaultdict

import pytest
from sqlalchemy import event, text, update

from bench.callbacks import Browser, login, role_pages
from portal import cache
from portal import db as portal_db
from portal.demo import DEMO_PASSWORD
from portal.models import Unit
from tests import factories


@pytest.mark.parametrize(("statement", "area"), [
    ("INSERT INTO as_score (unit_id) VALUES (1)", "assessment"),
    ('UPDATE "ac_case" SET title = 1', "accountability"),
    ("INSERT OR REPLACE INTO training_claim VALUES (1)", "cadres"),
    ("DELETE FROM audit_event WHERE id = 1", "log"),
    ("UPDATE cadre SET name = 'x'", "portal"),
    ("UPDATE app_user SET last_login = 1", "users"),
    ("CREATE TEMP TABLE scores_in (x int)", cache.EVERY),
    ("WITH x AS (SELECT 1) INSERT INTO as_score SELECT 1", cache.EVERY),
    ("INSERT INTO some_table_nobody_maps VALUES (1)", cache.EVERY),
])
def test_a_writing_statement_names_its_area(statement, area):
    assert cache.area_of_statement(statement) == area


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_a_value_declared_with_its_areas_is_kept_through_writes_elsewhere(session, engine):
    factories.city(session)
    session.commit()
    cache.attach(engine)
    narrow, narrow_compute = _counter()
    wide, wide_compute = _counter()

    def read_both():
        cache.cached(session, "test.narrow", (), narrow_compute, ("accountability", "portal"))
        cache.cached(session, "test.wide", (), wide_compute)
        session.commit()

    read_both()
    with portal_db.standalone(engine) as other:  # another worker's write of training data
        other.execute(text("UPDATE training_tally SET year = year"))
    read_both()
    assert (len(narrow), len(wide)) == (1, 2), "the training write left the narrow value kept"
    with portal_db.standalone(engine) as other:  # a unit renamed: every dashboard reads units
        other.execute(update(Unit).where(Unit.code == "D1").values(name="青山区（新）"))
    read_both()
    assert (len(narrow), len(wide)) == (2, 3)
    with portal_db.standalone(engine) as other:  # a statement whose table is not plain to see
        other.execute(text("WITH x AS (SELECT 1) UPDATE ac_case SET title = title"))
    read_both()
    assert (len(narrow), len(wide)) == (3, 4)


_TABLES = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)
_STATEMENTS: contextvars.ContextVar[list | None] = contextvars.ContextVar("statements",
                                                                          default=None)


@pytest.mark.slow
def test_every_value_declared_with_areas_reads_only_their_tables(app, demo_city, monkeypatch):
    engine = app.server.extensions["portal.engine"]
    # the demo's logins owe no second factor, as ``portal demo`` serves them
    monkeypatch.setitem(app.server.extensions, "portal.config",
                        dataclasses.replace(app.server.extensions["portal.config"], demo=True))
    read: dict[str, set[str]] = defaultdict(set)
    declared: dict[str, set[str]] = {}
    original = cache.Cache.get_or_compute

    def note(_conn, _cursor, statement, *_args):
        found = _STATEMENTS.get()
        if found is not None:
            found.append(statement)

    def recording(self, namespace, key_parts, compute, reads=None):
        if reads is None:
            return original(self, namespace, key_parts, compute, reads)
        token = _STATEMENTS.set([])
        try:
            value = compute()  # always computed, so every statement it needs is seen
        finally:
            statements = _STATEMENTS.get()
            _STATEMENTS.reset(token)
        declared[namespace] = set(reads)
        tables = {t.lower() for s in statements for t in _TABLES.findall(s)}
        read[namespace] |= {cache.area_of_table(t) for t in tables
                            if cache.area_of_table(t) != cache.EVERY}
        return value

    monkeypatch.setattr(cache.Cache, "get_or_compute", recording)
    event.listen(engine, "before_cursor_execute", note)
    try:
        for role in ("reviewer", "inspector", "cadre"):
            client = app.server.test_client()
            headers = login(client, role, DEMO_PASSWORD)
            browser = Browser(client, client.get("/_dash-dependencies").get_json())
            browser.headers = headers
            for page in role_pages(app, role):
                browser.open(page)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert {"assessment.results_frame", "accountability.stage_funnel",
            "cadres.training_overview"} <= set(declared), "the walk reached the dashboards"
    outside = {name: sorted(read[name] - areas) for name, areas in declared.items()
               if read[name] - areas}
    assert not outside, f"cached values read areas they do not declare: {outside}"
