"""Shared fixtures: a real database per backend (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), an app per backend, clean tables for every test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, text

from portal import db as portal_db
from portal import schema
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
    """The test server's URL, with every connection placed in its own schema."""
    url = normalize_database_url(PG_URL)
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema_name}"


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
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(delete(table))
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
