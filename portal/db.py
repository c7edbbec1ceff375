"""Database plumbing: the declarative base, engines, and sessions for requests and commands.

Services receive a ``Session`` and never commit; whoever opens the unit of work
(a callback through :func:`unit_of_work`, or the CLI) commits once, so an exception
anywhere leaves the database exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import current_app, g
from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from portal import cache
from portal.errors import Conflict
from portal.i18n import _

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


cache.use_registry(Base.registry)  # the dashboard cache's areas come from the mapped tables


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _postgresql_settings(dbapi_connection, _record) -> None:
    # No JIT compilation: the dashboards' few large aggregate queries (training completion
    # per unit: one CASE per target and category) cost more than PostgreSQL's JIT threshold,
    # and compiling them took 16 of 17 seconds at the large scale; the queries themselves
    # run in well under a second without it.
    cursor = dbapi_connection.cursor()
    cursor.execute("SET jit = off")
    cursor.close()
    dbapi_connection.commit()


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url``; SQLite gets WAL mode, a busy timeout and enforced foreign keys.
    Every committed write through it bumps the data version of ``portal.cache``."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return cache.watch(engine)
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_settings)
    return cache.watch(engine)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def _factory() -> sessionmaker[Session]:
    return current_app.extensions["portal.sessions"]


def session() -> Session:
    """The session of the current request (closed when the request ends)."""
    if "db_session" not in g:
        g.db_session = _factory()()
    return g.db_session


def close_request_session(_exc=None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.rollback()
        db_session.close()


def is_write_race(error: Exception) -> bool:
    """Another transaction wrote the same new keys first: a unique key taken under us
    (PostgreSQL 23505, SQLite "UNIQUE constraint"), or SQLite refusing a write on a stale
    snapshot ("database is locked")."""
    reason = str(getattr(error, "orig", error))
    if isinstance(error, IntegrityError):
        return getattr(error.orig, "sqlstate",
                       None) == "23505" or "UNIQUE constraint failed" in reason
    return isinstance(error, OperationalError) and "database is locked" in reason


def _write_race() -> Conflict:
    return Conflict(_("Someone else saved the same records at the same moment; nothing was "
                      "written. "
                      "Please try again."))


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """The request session as one transaction: commit on success, roll back on any error
    (a write race becomes a plain ``Conflict``)."""
    db_session = session()
    try:
        yield db_session
        db_session.commit()
    except (IntegrityError, OperationalError) as error:
        db_session.rollback()
        if is_write_race(error):
            raise _write_race() from error
        raise
    except BaseException:
        db_session.rollback()
        raise


@contextmanager
def standalone(engine_or_factory) -> Iterator[Session]:
    """A session outside a request (CLI, demo seeding, tests): commits once at the end."""
    factory = (
        engine_or_factory
        if isinstance(engine_or_factory, sessionmaker)
        else session_factory(engine_or_factory)
    )
    db_session = factory()
    try:
        yield db_session
        db_session.commit()
    except (IntegrityError, OperationalError) as error:
        db_session.rollback()
        if is_write_race(error):
            raise _write_race() from error
        raise
    except BaseException:
        db_session.rollback()
        raise
    finally:
        db_session.close()


def bulk_insert(session: Session, model, rows: list[dict], batch: int = 5000) -> None:
    """Insert many rows of ``model`` (dicts of column values) in the session's transaction.

    Each value is bound by its column type as an INSERT would (enums to codes, JSON to text,
    timestamps), a column a row leaves out gets its default, and the rows go to the driver
    directly: on PostgreSQL through ``COPY … FROM STDIN`` (several times faster than INSERT for
    the demo's millions of rows), elsewhere as an ``executemany`` INSERT in batches (without
    SQLAlchemy's per-row parameter handling, half of the time of an ORM or Core insert)."""
    if not rows:
        return
    session.flush()  # what the rows point at, if it is still pending
    table = model.__table__ if hasattr(model, "__table__") else model
    connection = session.connection()
    dialect = connection.dialect
    given = list(dict.fromkeys(key for row in rows for key in row))
    columns = [table.c[name] for name in given] + [
        c for c in table.columns
        if c.name not in given and c.default is not None and not c.default.is_sequence]
    binders = [_binder(column, dialect) for column in columns]
    names = [column.name for column in columns]
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    cursor = connection.connection.driver_connection.cursor()
    cache.note_write(connection, table.name)  # the driver's cursor passes no statement event
    if dialect.name == "postgresql":
        with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([bind(row) for bind in binders])
        return
    marks = ", ".join("?" for _ in names)
    statement = f"INSERT INTO {dialect.identifier_preparer.quote(table.name)} ({quoted}) VALUES ({marks})"  # noqa: E501
    for start in range(0, len(rows), batch):
        cursor.executemany(statement, [tuple(bind(row) for bind in binders)
                                       for row in rows[start:start + batch]])


def _binder(column, dialect):
    """row -> the value the driver gets for ``column``: the row's value, else the column's
    default, through the column type's bind processor (JSON binds None as JSON null, as an
    INSERT does)."""
    name, default = column.name, column.default
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    json_null = isinstance(column.type, JSON) and not column.type.none_as_null

    def bind(row):
        if name in row:
            value = row[name]
        elif default is None:
            value = None
        else:
            value = default.arg(None) if default.is_callable else default.arg
        if process is None or (value is None and not json_null):
            return value
        return process(value)

    return bind
