"""A cache for what many users read (dashboards per scope and period), invalidated by every write.

One small API:

- ``cached(session, namespace, key_parts, compute)`` returns ``compute()``'s value, kept
  under the namespace, the key parts, the day and the language, and the *data version*;
- ``scoped(namespace)`` decorates a service function ``f(session, actor, *args)`` so its
  value is kept per actor scope (role, unit subtree, and the cadre for a cadre login),
  never shared between scopes;
- ``data_version(url)`` / ``bump(url)``: the version every committed write advances.

Every write bumps the version: each engine made by ``portal.db.make_engine`` notes a
statement that writes, and when its transaction has committed and the connection goes
back to the pool (request sessions, ``db.unit_of_work``, the CLI's ``db.standalone``,
demo seeding, restores) the version of that database moves on, so the next read in any
worker recomputes.

The version is kept per *area* of tables (``areas()``: each package's tables, the platform's
units, cadres and settings, its users, its logs and notices): a write bumps the areas of
the tables it wrote, and a value declared with ``reads=`` (the areas it is computed from)
is kept until one of those changes — a cadre's study claim then leaves the accountability
and assessment dashboards cached. A value without ``reads`` depends on every area, and a
write whose table is not known (DDL, a statement not plainly ``INSERT``/``UPDATE``/
``DELETE``) bumps every area. Values live in Redis when ``REDIS_URL`` is set (shared by every worker
and host), otherwise in the process, with the version kept in a small file under the
temp directory so that several workers on one host still see each other's writes.

A read inside a transaction that has already written (or holds unflushed changes) is
never served from nor stored into the cache. Cached values are pickled: every reader gets
its own copy, so a caller may change what it got.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import re
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

T = TypeVar("T")
log = logging.getLogger(__name__)
TTL_SECONDS = 900  # a value not read again within this time is dropped (Redis expiry / local)
LOCAL_BYTES = 64 * 1024 * 1024  # the in-process store of one worker keeps at most this much
_WROTE = "portal.cache.wrote"  # on the connection: this transaction has written
_COMMITTED = "portal.cache.committed"  # a written transaction committed; bump on check-in
DERIVED = "portal_derived"  # execution option: this connection writes only derived summaries
_READ_ONLY = ("SELECT", "PRAGMA", "SHOW", "SET", "BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK",
              "EXPLAIN")
EVERY = "*"  # the area bumped by a write of an unknown table: every value is stale
# The platform's tables by area (each domain package's tables are the package's area).
PLATFORM_AREAS = {"unit": "portal", "cadre": "portal", "setting": "portal",
                  "app_user": "users", "password_history": "users", "login_throttle": "users",
                  "audit_event": "log", "audit_head": "log", "job": "log", "notice": "notice"}
_TARGET = re.compile(r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?"
                     r"|DELETE\s+FROM)\s+(?:\"?\w+\"?\.)?\"?(\w+)\"?", re.IGNORECASE)


_AREAS: tuple[int, dict[str, str]] = (-1, {})
_REGISTRY: list = []  # the ORM's registry of mapped classes (``portal.db`` hands it over)


def use_registry(registry) -> None:
    """The mapped classes whose tables have areas (``portal.db.Base.registry``)."""
    _REGISTRY[:] = [registry]


def _table_areas() -> dict[str, str]:
    """Each mapped table's area: its package's name, or the platform's ``PLATFORM_AREAS``
    (worked out again when more models have been loaded since)."""
    global _AREAS
    mappers = _REGISTRY[0].mappers if _REGISTRY else frozenset()
    if _AREAS[0] != len(mappers):
        found = {}
        for mapper in mappers:
            package = mapper.class_.__module__.split(".")[0]
            for table in mapper.tables:
                found[table.name] = (PLATFORM_AREAS.get(table.name, package)
                                     if package == "portal" else package)
        _AREAS = (len(mappers), found)
    return _AREAS[1]


def areas() -> tuple[str, ...]:
    """Every area a write can bump (``EVERY`` included)."""
    return tuple(sorted({EVERY, *_table_areas().values()}))


def areas_except(*names: str) -> tuple[str, ...]:
    """Every area but ``names`` (a value that reads everything else)."""
    return tuple(area for area in areas() if area not in names)


def area_of_table(name: str | None) -> str:
    return _table_areas().get(name or "", EVERY)


def area_of_statement(statement: str) -> str:
    """The area a writing statement changes (``EVERY`` when its table is not plain to see)."""
    found = _TARGET.match(statement)
    return area_of_table(found.group(1).lower()) if found else EVERY


def database_id(url: str) -> str:
    """A short stable name for a database (URL with password), so caches never mix databases."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


class _LocalStore:
    """Values in this process (least recently used dropped beyond ``LOCAL_BYTES``); the
    version in a per-database file (its size)."""

    def __init__(self, db_id: str):
        self.folder = os.path.join(tempfile.gettempdir(), f"portal-cache-{os.getuid()}")
        os.makedirs(self.folder, exist_ok=True)
        self.db_id = db_id
        self.entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def _file(self, area: str) -> str:
        return os.path.join(self.folder, f"{self.db_id}.{'all' if area == EVERY else area}.version")

    def versions(self, names: Iterable[str]) -> list[str]:
        found = []
        for area in names:
            try:
                found.append(str(os.stat(self._file(area)).st_size))
            except FileNotFoundError:
                found.append("0")
        return found

    def bump(self, area: str) -> None:
        # One appended byte per write: O_APPEND is atomic, so the size only grows, in
        # every process on this host at once.
        fd = os.open(self._file(area), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, b".")
        finally:
            os.close(fd)

    def get(self, key: str) -> bytes | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None or found[0] < time.monotonic():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return found[1]

    def _drop(self, key: str) -> None:
        found = self.entries.pop(key, None)
        if found is not None:
            self.size -= len(found[1])

    def put(self, key: str, data: bytes) -> None:
        if len(data) > LOCAL_BYTES // 4:
            return  # too big to keep here; computed again next time
        with self.lock:
            self._drop(key)
            self.entries[key] = (time.monotonic() + TTL_SECONDS, data)
            self.size += len(data)
            while self.size > LOCAL_BYTES:  # least recently used first
                self._drop(next(iter(self.entries)))


class _RedisStore:
    """Values and the version in Redis, shared by every worker and host."""

    def __init__(self, redis_url: str, db_id: str):
        import redis

        self.client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        self.version_key = f"portal:{db_id}:data-version"
        self.prefix = f"portal:{db_id}:cache:"

    def _key(self, area: str) -> str:
        return self.version_key if area == EVERY else f"{self.version_key}:{area}"

    def versions(self, names: Iterable[str]) -> list[str]:
        return [value.decode() if value else "0"
                for value in self.client.mget([self._key(area) for area in names])]

    def bump(self, area: str) -> None:
        self.client.incr(self._key(area))

    def get(self, key: str) -> bytes | None:
        return self.client.get(self.prefix + key)

    def put(self, key: str, data: bytes) -> None:
        self.client.set(self.prefix + key, data, ex=TTL_SECONDS)


class Cache:
    """The cache of one database: ``get_or_compute`` under the current data version."""

    def __init__(self, database_url: str, redis_url: str | None = None):
        self.database_id = database_id(database_url)
        self.store = _RedisStore(redis_url,
                                 self.database_id) if redis_url else _LocalStore(self.database_id)
        self.hits = 0
        self.misses = 0

    @property
    def shared(self) -> bool:
        return isinstance(self.store, _RedisStore)

    def version(self, reads: Iterable[str] | None = None) -> str:
        """The data version of the areas ``reads`` (every area when None), ``EVERY`` first."""
        names = areas() if reads is None else (EVERY, *sorted(set(reads) - {EVERY}))
        return ".".join(self.store.versions(names))

    def bump(self, area: str = EVERY) -> None:
        try:
            self.store.bump(area)
        except Exception:  # noqa: BLE001 - Redis away: the write stands, readers elsewhere may lag
            log.exception("could not bump the data version; other workers may serve cached "
                          "dashboards for up to %s s", TTL_SECONDS)

    def get_or_compute(self, namespace: str, key_parts: Iterable[Any],
                       compute: Callable[[], T], reads: Iterable[str] | None = None) -> T:
        digest = hashlib.sha256(repr(tuple(key_parts)).encode()).hexdigest()[:32]
        try:
            # the version before computing: a write meanwhile makes a newer one
            key = f"{namespace}:{self.version(reads)}:{digest}"
            data = self.store.get(key)
        except Exception:  # noqa: BLE001 - the cache is an optimisation: without Redis, compute
            log.warning("dashboard cache unavailable; computing %s", namespace, exc_info=True)
            return compute()
        if data is not None:
            self.hits += 1
            return pickle.loads(data)
        self.misses += 1
        value = compute()
        try:
            self.store.put(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # noqa: BLE001
            log.warning("could not keep %s in the dashboard cache", namespace, exc_info=True)
        return value


_CACHES: dict[str, Cache] = {}
_LOCK = threading.Lock()


def attach(engine: Engine, redis_url: str | None = None) -> Cache:
    """Turn on the cache of ``engine``'s database in this process (Redis when ``redis_url``):
    the app and the CLI do; without it ``cached`` simply computes."""
    database_url = _url_of(engine)
    with _LOCK:
        found = _CACHES.get(database_url)
        if found is None or (redis_url and not found.shared):
            found = _CACHES[database_url] = Cache(database_url, redis_url)
        return found


def detach(engine: Engine) -> None:
    _CACHES.pop(_url_of(engine), None)


def for_url(database_url: str) -> Cache | None:
    return _CACHES.get(database_url)


def for_engine(engine: Engine) -> Cache | None:
    return _CACHES.get(_url_of(engine))


def _url_of(bind) -> str:
    engine = getattr(bind, "engine", bind)
    return engine.url.render_as_string(hide_password=False)


def data_version(engine: Engine) -> str:
    found = for_engine(engine)
    return found.version() if found else "0"


def bump(engine_or_url: Engine | str, area: str = EVERY) -> None:
    """Advance the data version of a database's ``area`` (every area by default; done for
    you after every committed write)."""
    found = for_url(engine_or_url if isinstance(engine_or_url, str) else _url_of(engine_or_url))
    if found is not None:
        found.bump(area)


def _writing(session: Session) -> bool:
    """True when the session holds changes not yet committed (or has written in this
    transaction)."""
    if session.new or session.dirty or session.deleted:
        return True
    # In a transaction, connection() is the one already in use (nothing new is begun).
    return session.in_transaction() and bool(session.connection().info.get(_WROTE))


writing = _writing


def cached(session: Session, namespace: str, key_parts: Iterable[Any],
           compute: Callable[[], T], reads: Iterable[str] | None = None) -> T:
    """``compute()``, served from the cache of the session's database when one is attached.

    ``key_parts`` must name everything the value depends on besides the data (the actor's
    scope, the period, the unit …); the day and the language are added here. ``reads``: the
    areas of the tables ``compute`` reads (``areas()``), so that writes elsewhere leave the value
    kept; None (every area) unless each table it reads, through every function it calls, is
    in one of them.
    """
    from portal.i18n import current_lang

    found = _CACHES.get(_url_of(session.get_bind()))
    if found is None or _writing(session):
        return compute()
    parts = (*key_parts, date.today().isoformat(), current_lang())
    return found.get_or_compute(namespace, parts, compute, reads)


def scope_of(actor) -> tuple:
    """What an actor may see: role, unit subtree, the cadre for a cadre login and the lead
    department of a department's reporter (who sees less than a unit's own reporter)."""
    return (str(actor.role), actor.unit_path,
            actor.cadre_id if str(actor.role) == "cadre" else None, actor.department_code)


class _Absent(Exception):
    pass


def _absent():
    raise _Absent


def kept_value(session: Session, namespace: str, key_parts: Iterable[Any],
               reads: Iterable[str] | None = None) -> Any:
    """What ``cached`` would answer from the cache for these arguments, or None when nothing
    is kept (nothing is computed)."""
    try:
        return cached(session, namespace, key_parts, _absent, reads)
    except _Absent:
        return None


def scoped(namespace: str, reads: Iterable[str] | None = None):
    """Decorate ``f(session, actor, *args, **kwargs)``: its value is kept per actor scope and
    arguments (which must have a stable ``repr``: numbers, strings, dates, enums, None) until a
    write to one of the areas it ``reads`` (``cached``).
    ``f.kept(session, actor, …)`` answers only from the cache (None when not kept), for a
    page that prepares the value in a background job (``portal.jobs``) instead."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(session, actor, *args, **kwargs):
            parts = (scope_of(actor), args, sorted(kwargs.items()))
            return cached(session, namespace, parts,
                          lambda: function(session, actor, *args, **kwargs), reads)

        def kept(session, actor, *args, **kwargs):
            """The value already kept for these arguments, or None (nothing is computed)."""
            return kept_value(session, namespace, (scope_of(actor), args, sorted(kwargs.items())),
                              reads)

        wrapper.uncached = function
        wrapper.kept = kept
        return wrapper

    return decorate


# Noting writes ------------------------------------------------------------------------

def _before_execute(conn, _cursor, statement, _parameters, context, _executemany) -> None:
    if context is not None and context.execution_options.get(DERIVED):
        return  # a summary kept beside the data (derived from it), not a change of the data
    if not statement.lstrip()[:10].upper().startswith(_READ_ONLY):
        conn.info.setdefault(_WROTE, set()).add(area_of_statement(statement))


def note_write(conn, table: str | None = None) -> None:
    """Count this transaction as a write of ``table`` (for writes that bypass statement
    events, such as a driver's COPY): its commit moves that area's version on (every area's
    when the table is not given)."""
    conn.info.setdefault(_WROTE, set()).add(area_of_table(table))


def _on_commit(conn) -> None:
    wrote = conn.info.pop(_WROTE, None)
    if wrote:
        conn.info.setdefault(_COMMITTED, set()).update(wrote)


def _on_rollback(conn) -> None:
    conn.info.pop(_WROTE, None)


def watch(engine: Engine) -> Engine:
    """Bump the data version of ``engine``'s database after each committed write
    (``portal.db.make_engine`` calls this for every engine)."""
    url = _url_of(engine)
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "commit", _on_commit)
    event.listen(engine, "rollback", _on_rollback)

    def checkin(_dbapi_connection, record) -> None:
        # After the commit, when the connection is handed back: readers elsewhere then
        # see the new version only once the data is there.
        record.info.pop(_WROTE, None)  # rolled back by the pool, if anything was left open
        for area in sorted(record.info.pop(_COMMITTED, None) or ()):
            bump(url, area)

    event.listen(engine.pool, "checkin", checkin)
    return engine
