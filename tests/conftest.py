"""Shared fixtures: a real database per backend (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), an app per backend, clean tables for every test, and the demo city
seeded once per test run and copied into a test's database (``demo_city``)."""

from __future__ import annotations

import fcntl
import os
import pickle
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, text

from portal import cache, demo, schema
from portal import db as portal_db
from portal.config import Config, normalize_database_url
from portal.db import Base
from portal.i18n import set_lang
from portal.models import AuditHead

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(
        not PG_URL, reason="TEST_DATABASE_URL is not set (CI sets it; see .ci/run)")),
]


def _pg_url(schema_name: str) -> str:
    """The test server's URL, with every connection placed in its own schema. Commits do not
    wait for the WAL to reach the disk (a test database need not survive a crash): tests
    commit thousands of times."""
    url = normalize_database_url(PG_URL)
    joiner = "&" if "?" in url else "?"
    return (f"{url}{joiner}options=-csearch_path%3D{schema_name}"
            "%20-csynchronous_commit%3Doff")


@contextmanager
def pg_schema(prefix: str) -> Iterator[str]:
    """A fresh schema on the PostgreSQL test server, dropped afterwards: yields the URL whose
    connections are placed in it."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = portal_db.make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield _pg_url(name)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(autouse=True)
def english():
    """Tests read messages in English; a test checks Chinese with ``use_lang("zh")``."""
    set_lang("en")
    yield
    set_lang("zh")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory, worker_id):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.sqlite'}"
        return
    with pg_schema(f"portal_test_{worker_id}") as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = portal_db.make_engine(database_url)
    schema.upgrade(engine)  # the real migrations, as deployments build the schema
    yield engine
    engine.dispose()


def _clean(engine) -> None:
    """Every table empty and the audit chain at its start, ids counting from 1 again."""
    if engine.dialect.name == "postgresql":
        _clean_postgresql(engine)
        return
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
        connection.execute(AuditHead.__table__.insert().values(id=1, seq=0, hash="0" * 64))


def _clean_postgresql(engine) -> None:
    """TRUNCATE creates new files for every table and index (seconds for all of them on a busy
    machine), so only when there are many rows; a test's few rows are deleted, and the sequences
    it used start again at 1, as TRUNCATE … RESTART IDENTITY would."""
    tables = Base.metadata.sorted_tables
    with engine.begin() as connection:
        probe = ", ".join(f'(SELECT count(*) FROM (SELECT 1 FROM "{t.name}" LIMIT 1001) x)'
                          for t in tables)
        counts = connection.execute(text(f"SELECT ARRAY[{probe}]")).scalar_one()
        if max(counts) > 1000:
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table, count in reversed(list(zip(tables, counts, strict=True))):
                if count:
                    connection.execute(delete(table))
            used = connection.scalars(text(
                "SELECT quote_ident(sequencename) FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL")).all()
            if used:
                restarts = ", ".join(f"setval('{name}', 1, false)" for name in used)
                connection.execute(text(f"SELECT {restarts}"))
        connection.execute(AuditHead.__table__.insert().values(id=1, seq=0, hash="0" * 64))


@pytest.fixture
def clean_db(engine):
    _clean(engine)
    yield engine


@pytest.fixture
def session(clean_db):
    factory = portal_db.session_factory(clean_db)
    with factory() as s:
        yield s
        s.rollback()


@pytest.fixture(scope="session")
def app_config(database_url):
    return Config(database_url=database_url, secret_key="test-secret", testing=True,
                  login_rate_limit="10000 per minute", default_lang="en")


@pytest.fixture(scope="session")
def app(app_config, engine):
    from portal.app import create_app

    return create_app(app_config)


@pytest.fixture
def client(app, clean_db):
    return app.server.test_client()


# --- the demo city: seeded once per test run, copied into a test's database -------------------

DEMO_DAY = date(2026, 11, 24)


def _run_folder(tmp_path_factory, worker_id: str) -> Path:
    """A folder this run's pytest-xdist workers share, and nobody else."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class DemoTemplates:
    """The demo city per backend, scale and day, seeded once for the whole test run (by the first
    worker to need it, under a lock) and copied into a test's clean database: SQLite through the
    backup API (the file's pages), PostgreSQL with INSERT … SELECT from a template schema.
    A copy takes a second where ``demo.seed`` takes half a minute."""

    def __init__(self, folder: Path, run_id: str):
        self.folder = folder
        self.run_id = run_id

    def seed(self, engine, scale: str = "small", today: date | None = None) -> demo.DemoCity:
        """What ``demo.seed(engine, scale, today)`` gives on a clean database, as a copy."""
        today = today or date.today()
        key = f"demo-{engine.dialect.name}-{scale}-{today.isoformat()}"
        saved = self.folder / f"{key}.pickle"
        with _locked(self.folder / f"{key}.lock"):
            if not saved.exists():
                saved.write_bytes(pickle.dumps(self._build(engine.dialect.name, key, scale,
                                                           today)))
        template = pickle.loads(saved.read_bytes())  # a fresh DemoCity for every test
        if engine.dialect.name == "postgresql":
            _copy_postgresql(engine, template)
        else:
            _copy_sqlite(engine, template["path"])
        return template["city"]

    def _build(self, backend: str, key: str, scale: str, today: date) -> dict:
        if backend == "postgresql":
            name = f"{key}_{self.run_id[:8]}".replace("-", "_")
            admin = portal_db.make_engine(PG_URL)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{name}"'))
            admin.dispose()
            with open(self.folder / "pg-templates", "a") as listed:
                listed.write(name + "\n")
            url, template = _pg_url(name), {"schema": name}
        else:
            path = self.folder / f"{key}.sqlite"
            url, template = f"sqlite:///{path}", {"path": str(path)}
        engine = portal_db.make_engine(url)
        try:
            schema.upgrade(engine)
            template["city"] = demo.seed(engine, scale, today=today)
            if backend == "postgresql":
                with engine.connect() as connection:
                    template["sequences"] = connection.execute(text(
                        "SELECT quote_ident(sequencename), last_value FROM pg_sequences "
                        "WHERE schemaname = current_schema() AND last_value IS NOT NULL")).all()
        finally:
            engine.dispose()
        return template


def _copy_sqlite(engine, path: str) -> None:
    source = sqlite3.connect(path)
    target = engine.raw_connection()
    try:
        source.backup(target.driver_connection)
    finally:
        target.close()
        source.close()
    cache.bump(engine)  # the backup API writes past the engine's own bookkeeping


def _copy_postgresql(engine, template: dict) -> None:
    name = template["schema"]
    with engine.begin() as connection:
        if connection.execute(text("SELECT current_setting('is_superuser')")).scalar() == "on":
            # a copy of consistent rows: no need to check each reference (half the time)
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(delete(AuditHead.__table__))
        for table in Base.metadata.sorted_tables:
            connection.execute(text(f'INSERT INTO "{table.name}" '
                                    f'SELECT * FROM "{name}"."{table.name}"'))
        if template["sequences"]:
            moved = ", ".join(f"setval('{seq}', {value})" for seq, value in template["sequences"])
            connection.execute(text(f"SELECT {moved}"))


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory, worker_id, testrun_uid) -> DemoTemplates:
    """``demo_templates.seed(engine, "small", today=…)``: the demo city in ``engine``'s clean
    database, as ``demo.seed`` would leave it, but seeded only once per run."""
    return DemoTemplates(_run_folder(tmp_path_factory, worker_id), testrun_uid)


@pytest.fixture
def demo_city(clean_db, demo_templates) -> demo.DemoCity:
    """The small demo city on DEMO_DAY in this test's clean database (a copy)."""
    return demo_templates.seed(clean_db, "small", today=DEMO_DAY)


def pytest_sessionfinish(session):
    """The controller (or the only process) drops the PostgreSQL template schemas at the end."""
    if hasattr(session.config, "workerinput") or not PG_URL:
        return
    listed = session.config._tmp_path_factory.getbasetemp() / "pg-templates"
    if not listed.exists():
        return
    admin = portal_db.make_engine(PG_URL)
    with admin.begin() as connection:
        for name in set(listed.read_text().split()):
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser journeys first, the slow ones before the rest: pytest-xdist hands tests out in this
    order, so the minute-long journeys start early and both workers end on short tests together
    instead of one waiting for the other's last journey. The rest keep pytest's order (grouped
    by database, so each backend's session fixtures are set up once)."""
    browser = Path(__file__).parent / "browser"

    def weight(item) -> int:
        if browser not in item.path.parents:
            return 2
        return 0 if item.get_closest_marker("slow") is not None else 1

    items[:] = sorted(items, key=weight)  # stable
