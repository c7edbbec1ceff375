"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from portal import db as portal_db
from portal import schema
from portal.db import Base
from tests.conftest import BACKENDS, PG_URL, _pg_url


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = portal_db.make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
        yield engine
        engine.dispose()
        return
    name = f"portal_migrate_{tmp_path.name[-12:].replace('-', '_')}"
    admin = portal_db.make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    engine = portal_db.make_engine(_pg_url(name))
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def test_upgrade_creates_the_models_schema(empty_engine):
    schema.upgrade(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_twice_is_harmless(empty_engine):
    schema.upgrade(empty_engine)
    schema.upgrade(empty_engine)
    assert schema.is_empty(empty_engine)


PREVIOUS_RELEASE = ("0100", "0201",
                    "0300")  # the heads before the security, tallies and records work

PREVIOUS_ROWS = [
    "INSERT INTO unit (id, code, name, level, kind, path, active) "
    "VALUES (1, 'JZ', '江州市', 'city', 'territorial', '/1/', 1)",
    "INSERT INTO app_user (id, username, display_name, password_hash, role, unit_id, lang, active, "
    "failed_logins, password_changed_at, session_nonce, created_at) VALUES (1, 'inspector', "
    "'检查员', "
    "'x', 'inspector', 1, 'zh', 1, 0, '2026-01-01 00:00:00', 'n', '2026-01-01 00:00:00')",
    "INSERT INTO ac_case (id, case_no, kind, source, title, summary, unit_id, handler_id, stage, "
    "stage_since, opened_on, extended_months, created_at, created_by) VALUES (1, 'AC-2026-0001', "
    "'discipline', 'other', '线索', '摘要', 1, 1, 'clue', '2026-01-01', '2026-01-01', 0, "
    "'2026-01-01 00:00:00', 'inspector')",
    "INSERT INTO ac_case_subject (id, case_id, kind, unit_id) VALUES (1, 1, 'unit', 1)",
]


def test_an_installation_in_use_on_sqlite_upgrades_with_its_rows_kept(tmp_path):
    """Batch migrations rebuild tables that other rows point at (app_user, ac_case): with
    SQLite's foreign keys enforced, the rebuild's DROP TABLE used to fail on a live install."""
    from alembic import command

    engine = portal_db.make_engine(f"sqlite:///{tmp_path / 'in-use.sqlite'}")
    config = schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        for revision in PREVIOUS_RELEASE:
            command.upgrade(config, revision)
        for statement in PREVIOUS_ROWS:
            connection.exec_driver_sql(statement)
    schema.upgrade(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM ac_case_subject").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        title = connection.exec_driver_sql("SELECT title FROM ac_case").scalar()
    assert title != "线索"  # sealed at rest by the upgrade, and still there
    engine.dispose()
