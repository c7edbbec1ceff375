"""Settings every connection of the portal gets from ``portal.db.make_engine``."""

from __future__ import annotations

import pytest


def test_postgresql_connections_never_jit_compile(engine):
    """PostgreSQL's JIT compiled the training completion query for 16 of its 17 seconds."""
    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    for _ in range(2):  # a fresh connection and one back from the pool
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW jit").scalar() == "off"
            connection.rollback()


def test_sqlite_connections_write_ahead_and_check_references(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
