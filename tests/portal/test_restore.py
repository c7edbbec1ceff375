"""Restore takes back exactly what was backed up, never writes to the backup, and refuses a
damaged or foreign file in one line with the database unchanged (issue 13)."""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3

import pytest
from click.testing import CliRunner
from sqlalchemy import func, null, select, text

from assessment.models import Indicator, Scheme
from portal import db as portal_db
from portal import schema
from portal.cli import main
from portal.models import Unit
from tests import factories


@pytest.fixture
def target(tmp_path):
    """An empty, migrated SQLite database to restore into."""
    url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    engine = portal_db.make_engine(url)
    schema.upgrade(engine)
    yield url, engine
    engine.dispose()


def restore(url: str, path, *extra):
    return CliRunner().invoke(main, ["restore", str(path), *extra],
                              env={"DATABASE_URL": url, "PORTAL_LANG": "en"},
                              catch_exceptions=False)


def test_sql_nulls_in_indicator_bands_come_back_as_sql_nulls(run, session, tmp_path, target):
    city = factories.city(session)
    scheme = Scheme(year=2026, level="street", created_by="t")
    session.add(scheme)
    session.flush()
    session.execute(Indicator.__table__.insert().values(scheme_id=scheme.id, code="I1",
                                                        name="直接计分", bands=null()))
    session.execute(Indicator.__table__.insert().values(scheme_id=scheme.id, code="I2", name="分档",
                                                        bands=[[95, 1], [90, 0.8]]))
    session.commit()
    assert (
        city and session.scalar(text("SELECT count(*) FROM as_indicator WHERE bands IS NULL")) == 1
    )
    backup = tmp_path / "backup.json.gz"
    assert run("backup", backup).exit_code == 0
    url, engine = target
    assert restore(url, backup).exit_code == 0
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT code, bands FROM as_indicator")).all())
    assert stored["I1"] is None  # SQL NULL, not the text 'null'
    assert json.loads(stored["I2"]) == [[95, 1], [90, 0.8]]


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restoring_an_empty_sqlite_file_refuses_and_leaves_the_file_alone(tmp_path, target):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    url, engine = target
    result = restore(url, empty)
    assert result.exit_code == 1 and "not a portal backup" in result.output
    assert empty.read_bytes() == b""
    assert not (tmp_path / "empty.sqlite-wal").exists()


def test_restoring_an_sqlite_backup_does_not_write_to_it(run, session, tmp_path, target,
                                                         database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("an .sqlite backup needs an SQLite database")
    factories.city(session)
    backup = tmp_path / "backup.sqlite"
    assert run("backup", backup).exit_code == 0
    before = _digest(backup)
    url, engine = target
    assert restore(url, backup).exit_code == 0
    assert _digest(backup) == before
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Unit)) == 7


def _damaged(tmp_path) -> list:
    good = {"format": "governance-portal-dump", "version": 1,
            "tables": {"unit": {"columns": ["id"], "rows": []}}}
    valid = json.dumps(good).encode()
    files = {
        "truncated.json.gz": gzip.compress(valid)[:20],
        "not-gzip.json.gz": b"plain text, not gzip",
        "garbage.json": b"\x00\xff{not json",
        "latin1.json": '{"format": "Müller"}'.encode("latin-1"),
        "foreign.json": b'{"hello": "world"}',
        "a-list.json": b"[1, 2, 3]",
        "ragged.json": json.dumps({**good,
                                   "tables": {"unit": {"columns": ["id", "code"],
                                                       "rows": [[1]]}}}).encode(),
        "wrong-types.json": json.dumps({**good,
                                        "tables": {"unit": {"columns": ["id", "code", "created_at"],
                                                                    "rows": [["x", None,
                                                                              "yesterday"]]}}}).encode(),
        "not-sqlite.sqlite": b"SQLite format 2\x00 but not really" * 10,
        "foreign.sqlite": None,
    }
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        if content is None:
            with sqlite3.connect(path) as connection:
                connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        else:
            path.write_bytes(content)
        paths.append(path)
    return paths


def test_a_damaged_or_foreign_backup_is_refused_in_one_line_with_the_database_unchanged(tmp_path,
                                                                                        target):
    url, engine = target
    factories.city(portal_db.session_factory(engine)())
    with engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(Unit))
    for path in _damaged(tmp_path):
        result = restore(url, path, "--force")
        lines = result.output.strip().splitlines()
        assert result.exit_code == 1, (path.name, result.output)
        assert len(lines) == 1 and lines[0].startswith("error: ") and path.name in lines[0], (
            path.name,
            lines,
        )
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Unit)) == before, path.name
