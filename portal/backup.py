"""Backup and restore.

- ``.sqlite`` / ``.db``: SQLite's online backup API (a consistent copy while the portal runs).
- ``.json`` / ``.json.gz``: a portable dump of every table, restorable into SQLite or
  PostgreSQL (so a demo or a small office can move to PostgreSQL).
- ``.pgdump``: PostgreSQL's own ``pg_dump --format=custom`` / ``pg_restore``.

Restore refuses a database that already holds data unless ``force`` is given.

Every backup gets a companion ``FILE.audit-head.json``: the audit chain's head (sealed
with the audit key) when the backup was made. ``portal audit verify --head`` checks a
database against it, so a later rewrite of the log before that point is detected even
by someone who rewinds the head in the database.
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import sqlite3
import subprocess
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Engine,
    LargeBinary,
    Table,
    bindparam,
    create_engine,
    delete,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from portal import audit, db, schema
from portal.access import Actor
from portal.crypto import stored_form
from portal.db import Base
from portal.errors import PortalError
from portal.plugins import load_all_models

FORMAT = "governance-portal-dump"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
BATCH = 2000


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".json", ".json.gz")):
        return "json"
    if name.endswith(SQLITE_SUFFIXES):
        return "sqlite"
    if name.endswith(".pgdump"):
        return "pgdump"
    raise PortalError(f"{path}: use a name ending in .sqlite, .json, .json.gz or .pgdump")


def _log(engine: Engine, action: str, path: Path) -> None:
    with db.standalone(engine) as session:
        audit.log(session, Actor.system(session), action, entity_type="database",
                  summary={"file": str(path)})


# --- backup --------------------------------------------------------------------------------

def backup(engine: Engine, path: Path) -> str:
    kind = _kind(path)
    _log(engine, "backup", path)
    if kind == "sqlite":
        if engine.dialect.name != "sqlite":
            raise PortalError("a .sqlite backup needs an SQLite database; use .json or .pgdump")
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(path)
            raw.driver_connection.backup(target)
            target.close()
        finally:
            raw.close()
    elif kind == "pgdump":
        _pg_tool(engine, ["pg_dump", "--format=custom", "--no-owner", "--file", str(path)])
    else:
        dump = dump_tables(engine)
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "wt", encoding="utf-8") as handle:
            json.dump(dump, handle, ensure_ascii=False, default=_json_default)
    head = head_path(path)
    with db.standalone(engine) as session:
        head.write_text(json.dumps(audit.head_record(session), indent=1))
    return f"backed up to {path} (audit head in {head})"


def head_path(path: Path) -> Path:
    """Where the audit head of a backup is written: beside it, ``FILE.audit-head.json``."""
    return path.with_name(path.name + ".audit-head.json")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):  # binary columns (photos) as base64 text
        return base64.b64encode(value).decode("ascii")
    raise TypeError(type(value).__name__)


def dump_tables(engine: Engine) -> dict:
    load_all_models()
    tables: dict[str, dict] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c.name for c in table.columns]
            order = [c for c in table.primary_key.columns]
            stored = select(*(stored_form(c) for c in table.columns)).order_by(*order)
            rows = [list(row) for row in connection.execute(stored)]
            tables[table.name] = {"columns": columns, "rows": rows}
    return {"format": FORMAT, "version": 1, "tables": tables}


# --- restore -------------------------------------------------------------------------------

def restore(engine: Engine, path: Path, force: bool = False) -> str:
    kind = _kind(path)
    if kind == "pgdump":
        _pg_tool(engine, ["pg_restore", "--clean", "--if-exists", "--no-owner", str(path)])
        _log(engine, "restore", path)
        return f"restored {path}"
    schema.upgrade(engine)
    if not schema.is_empty(engine) and not force:
        raise PortalError("the database is not empty; use --force to replace its contents")
    dump = read_backup(path, kind)
    try:
        load_tables(engine, dump)
    except (SQLAlchemyError, ValueError, TypeError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
        raise PortalError(
            f"{path}: cannot be restored ({reason}); the database was not changed"
        ) from None
    _log(engine, "restore", path)
    rows = sum(len(t["rows"]) for t in dump["tables"].values())
    return f"restored {rows} rows from {path}"


def read_backup(path: Path, kind: str) -> dict:
    """The dump in a backup file, checked for shape; a damaged or foreign file is refused in
    one line. An SQLite backup is opened read-only: restoring must never write to it."""
    try:
        if kind == "sqlite":
            uri = f"file:{quote(str(path.resolve()))}?mode=ro"
            source = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
            try:
                with source.connect() as connection:
                    present = set(inspect(connection).get_table_names())
                if "unit" not in present:
                    raise PortalError(f"{path}: not a portal backup (no portal tables in it)")
                dump = dump_tables(source)
            finally:
                source.dispose()
        else:
            opener = gzip.open if path.name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as handle:
                dump = json.load(handle)
    except PortalError:
        raise
    except (OSError, EOFError, ValueError, zlib.error, SQLAlchemyError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
        raise PortalError(f"{path}: not a readable portal backup ({reason})") from None
    problem = _dump_problem(dump)
    if problem:
        raise PortalError(f"{path}: not a portal backup ({problem})")
    return dump


def _dump_problem(dump: Any) -> str | None:
    if not isinstance(dump, dict) or dump.get("format") != FORMAT:
        return f"the format is not {FORMAT}"
    tables = dump.get("tables")
    if not isinstance(tables, dict):
        return "no tables"
    for name, data in tables.items():
        columns = data.get("columns") if isinstance(data, dict) else None
        rows = data.get("rows") if isinstance(data, dict) else None
        if not isinstance(columns, list) or not isinstance(rows, list):
            return f"table {name} has no columns or rows"
        if any(not isinstance(row, list) or len(row) != len(columns) for row in rows):
            return f"table {name} has a row that does not match its columns"
    return None


def _converter(column) -> Any:
    if isinstance(column.type, DateTime) or isinstance(getattr(column.type, "impl", None),
                                                       DateTime):
        return lambda v: datetime.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(column.type, Date):
        return lambda v: date.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(column.type, LargeBinary):
        return lambda v: base64.b64decode(v) if isinstance(v, str) else v
    return None


def _insert_keeping_nulls(table: Table, columns: list[str]):
    """An INSERT whose JSON columns store a dump's ``null`` as SQL NULL, as it was read
    (by default SQLAlchemy writes Python ``None`` into JSON as the text ``'null'``)."""
    nullable = {c: bindparam(c, type_=JSON(none_as_null=True))
                for c in columns if isinstance(table.c[c].type, JSON)}
    return table.insert().values(nullable) if nullable else table.insert()


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def load_tables(engine: Engine, dump: dict) -> None:
    """Replace every table's rows with the dump's, in one transaction."""
    load_all_models()
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
        for table in Base.metadata.sorted_tables:
            data = dump["tables"].get(table.name)
            if data and data["rows"]:
                _insert(connection, table, _records(table, data))
        if engine.dialect.name == "postgresql":
            _reset_sequences(connection)


def _records(table: Table, data: dict) -> list[dict]:
    """The dump's rows of ``table`` as column → value, converted back from JSON."""
    known = [c for c in data["columns"] if c in table.c]
    converters = {c: _converter(table.c[c]) for c in known}
    index = {c: data["columns"].index(c) for c in known}
    records = []
    for row in data["rows"]:
        record = {}
        for c in known:
            value = row[index[c]]
            convert = converters[c]
            record[c] = convert(value) if convert and value is not None else value
        records.append(record)
    return records


def _insert(connection, table: Table, records: list[dict]) -> None:
    """Insert in batches; a column referring to its own table is set afterwards."""
    deferred = _self_references(table)
    inserts = [{**r, **{c: None for c in deferred}} for r in records]
    statement = _insert_keeping_nulls(table, list(records[0]))
    for start in range(0, len(inserts), BATCH):
        connection.execute(statement, inserts[start:start + BATCH])
    pk = list(table.primary_key.columns)[0]
    for column in deferred:
        for record in records:
            if record.get(column) is not None:
                connection.execute(
                    update(table).where(pk == record[pk.name]).values({column: record[column]})
                )


def _reset_sequences(connection) -> None:
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
            top = connection.scalar(select(func.max(table.c.id)))
            sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                         {"t": table.name})
            if sequence:
                connection.execute(text("SELECT setval(:s, :v, :called)"),
                                   {"s": sequence, "v": top or 1, "called": top is not None})


def _pg_tool(engine: Engine, command: list[str]) -> None:
    if engine.dialect.name != "postgresql":
        raise PortalError(".pgdump files are for PostgreSQL databases; use .sqlite or .json")
    if shutil.which(command[0]) is None:
        raise PortalError(f"{command[0]} is not installed; use a .json backup instead")
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    result = subprocess.run([*command, "--dbname", url], capture_output=True, text=True)
    if result.returncode != 0:
        raise PortalError(f"{command[0]} failed: {result.stderr.strip().splitlines()[-1:]}")
