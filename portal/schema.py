"""Creating and migrating the schema (Alembic), and checking what a database holds."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, func, inspect, select

from portal.config import PROJECT_ROOT
from portal.db import Base
from portal.plugins import load_all_models


def alembic_config(engine: Engine | None = None, url: str | None = None) -> AlembicConfig:
    config = AlembicConfig(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if url:
        config.attributes["database_url"] = url
    return config


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision."""
    load_all_models()
    config = alembic_config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table (copy, drop, rename); with foreign keys
            # enforced, dropping a table other rows point at fails. SQLite ignores this
            # pragma inside a transaction, so it is set before the migration's BEGIN, and
            # the references are checked before the commit instead.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")  # one branch per package
            if sqlite:
                _check_references(connection)
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _check_references(connection) -> None:
    """Refuse (and so roll back) a migration that left a row pointing at nothing."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise RuntimeError(f"migration left {len(broken)} broken reference(s), e.g. {table} row "
                           f"{rowid} → {parent}; nothing was changed")


def create_all(engine: Engine) -> None:
    """The schema straight from the models (tests); ``upgrade`` is what deployments use."""
    load_all_models()
    Base.metadata.create_all(engine)


def table_names() -> list[str]:
    load_all_models()
    return [t.name for t in Base.metadata.sorted_tables]


def is_empty(engine: Engine) -> bool:
    """True when no table holds a row (ignoring the audit head and Alembic's version)."""
    existing = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            skip = table.name not in existing or table.name == "audit_head"
            if not skip and connection.scalar(select(func.count()).select_from(table)):
                return False
    return True
