"""Imports and exports of every kind (contracts.md), shared by the command line and the pages.

Each package lists its kinds in ``<package>/importers.py`` as ``IMPORTERS`` and
``EXPORTERS``. An import runs in the caller's transaction: all rows or nothing; a dry
run validates everything, then rolls back. A running import reports its progress
(``progress``, see ``reporter``); run as a background job (``portal.jobs``) the reports
become the job's progress, which any worker can show.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from sqlalchemy.orm import Session

from portal import audit
from portal.access import Actor
from portal.errors import Invalid
from portal.i18n import _
from portal.plugins import collect
from portal.tabular import ImportResult, Table, read_table, to_bytes


@cache
def importers() -> dict:
    return collect("importers", "IMPORTERS")


@cache
def exporters() -> dict:
    return collect("importers", "EXPORTERS")


@cache
def document_exporters() -> dict:
    """Kinds exported as documents rather than tables (``DOCUMENT_EXPORTERS``: the
    appointment forms): ``fn(session, actor, *, key, unit) -> bytes``."""
    return collect("importers", "DOCUMENT_EXPORTERS")


def _lookup(registry: dict, kind: str):
    if kind not in registry:
        raise Invalid(_("Unknown kind %(kind)s; choose one of: %(kinds)s", kind=kind,
                        kinds=", ".join(sorted(registry))), field="kind")
    return registry[kind]


def run_import(session: Session, actor: Actor, kind: str, data: bytes, filename: str, *,
               dry_run: bool = False, period: str | None = None, progress: Progress | None = None,
               **options) -> ImportResult:
    """Run the importer of ``kind``; ``options`` (such as ``unit`` for forms) pass through."""
    importer = _lookup(importers(), kind)
    result = importer(session, actor, data, filename, dry_run=dry_run, period=period,
                      progress=progress,
                      **options)
    result.dry_run = dry_run
    if dry_run:
        session.rollback()
    return result


def run_export(session: Session, actor: Actor, kind: str, fmt: str, *, period: str | None = None,
               header_style: str = "key") -> bytes:
    exporter = _lookup(exporters(), kind)
    table: Table = exporter(session, actor, period=period)
    rows = list(table.rows)
    table.rows = rows
    content = to_bytes(table, fmt, header_style)
    audit.log(session, actor, "export", entity_type=kind,
              summary={"kind": kind, "format": fmt, "rows": len(rows), "period": period})
    return content


# --- progress of a running import ------------------------------------------------------------

Progress = Callable[[str, int, int], None]


def reporter(progress: Progress | None) -> Progress:
    """``progress`` (stage, done, total), or a reporter that tells nobody (the CLI, tests).
    Importers report ``reading``, ``checking`` (every few hundred rows) and ``saving``."""
    return progress or (lambda _stage, _done, _total: None)


def read_reporting(data: bytes, filename: str, columns, progress: Progress | None,
                   key: tuple[str, ...] = ()) -> tuple[list, Progress]:
    """``tabular.read_table`` between the ``reading`` and ``checking`` reports: the rows and
    the reporter for the importer's later stages."""
    report = reporter(progress)
    report("reading", 0, 0)
    rows = read_table(data, filename, columns, key=key)
    report("checking", 0, len(rows))
    return rows, report
