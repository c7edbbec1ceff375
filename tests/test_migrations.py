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
