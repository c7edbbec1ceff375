"""`portal serve` and `portal demo`: a production server that refuses, in one line, a
database it cannot serve yet; the demo seeds DATABASE_URL when no --db is given."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from portal import db as portal_db
from portal import server
from portal.cli import main


@pytest.fixture
def sqlite_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PORTAL_LANG", "en")
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    return url


@pytest.fixture
def served(monkeypatch):
    """What `portal serve` would have started, instead of starting it."""
    calls = []
    monkeypatch.setattr(server, "serve", lambda config, host, port,
                        **kw: calls.append((config, host, port, kw)))
    return calls


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def test_serve_refuses_an_empty_database_saying_what_to_run(sqlite_url, served):
    result = run("serve")
    assert result.exit_code == 1 and not served
    assert result.output.count("\n") == 1, result.output
    assert "no portal schema yet; run `portal init-db` first" in result.output


def test_serve_refuses_a_database_that_is_not_migrated(sqlite_url, served):
    assert run("init-db").exit_code == 0
    engine = portal_db.make_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001' WHERE "
                                "version_num LIKE '01%'"))
    engine.dispose()
    result = run("serve")
    assert result.exit_code == 1 and not served
    assert "not migrated to this version; run `portal init-db` first" in result.output


def test_serve_refuses_a_database_without_users_then_starts_the_workers(sqlite_url, served,
                                                                        tmp_path):
    assert run("init-db").exit_code == 0
    result = run("serve")
    assert result.exit_code == 1 and not served
    assert (
        "portal import units FILE" in result.output
        and "portal user create NAME --role admin" in result.output
    )
    units = tmp_path / "units.csv"
    units.write_text("code,name,level,parent_code\nC,江州市,city,\n", encoding="utf-8")
    assert run("import", "units", units).exit_code == 0
    assert run("user", "create", "alice", "--role", "admin", "--password-stdin",
               input="Str0ng#Passw0rd!\n").exit_code == 0
    result = run("serve", "--port", "8123", "--workers", "3")
    assert result.exit_code == 0, result.output
    ((config, host, port, options),) = served
    assert (config.database_url, host, port, options["workers"]) == (sqlite_url, "127.0.0.1", 8123,
                                                                     3)


def test_serve_refuses_zero_workers(sqlite_url, served):
    assert run("serve", "--workers", "0").exit_code == 2 and not served


def test_demo_seeds_database_url_when_no_db_is_given(sqlite_url, monkeypatch):
    from portal import demo

    seeded = []
    monkeypatch.setattr(demo, "ensure_demo", lambda engine,
                        **kw: seeded.append(str(engine.url)) or "seeded")
    result = run("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert seeded == [sqlite_url]


def test_demo_no_seed_serves_the_demo_as_it_is_and_refuses_a_database_without_one(sqlite_url,
                                                                                  served):
    from portal.demo import MARKER
    from portal.models import Setting
    from tests import factories

    assert run("init-db").exit_code == 0
    result = run("demo", "--no-seed")
    assert result.exit_code == 1 and not served
    assert "not the demo" in result.output and result.output.count("\n") == 1
    engine = portal_db.make_engine(sqlite_url)
    with portal_db.standalone(engine) as session:  # a city seeded some days ago
        factories.city(session)
        session.add(Setting(key=MARKER, value={"scale": "large", "today": "2026-12-01"},
                            source="portal demo", updated_by="demo"))
    engine.dispose()
    result = run("demo", "--no-seed", "--workers", "4")
    assert result.exit_code == 0, result.output
    assert "demo city (large, seeded 2026-12-01) is served as it is" in result.output
    ((config, _host, _port, options),) = served
    assert config.demo and options["workers"] == 4
    assert run("demo", "--no-seed", "--reset").exit_code == 2
