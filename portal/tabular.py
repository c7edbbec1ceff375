"""Reading import files and writing exports (contracts.md, "Import files").

CSV in UTF-8 (with or without BOM) or GB18030/GBK, detected without asking, or XLSX
(first sheet). One header row; each column is found by its English key, its Chinese
header, or both as ``key (中文)``. Every problem is collected with its file, row,
column and reason, so the user fixes the whole file in one go; nothing is written
unless there are none.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

from portal.errors import PortalError
from portal.i18n import _

MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Column:
    """One column of a file format: English key, Chinese header and how to read a cell."""

    key: str
    zh: str
    parse: Callable[[Any], Any] = lambda v: v
    required: bool = True

    @property
    def header(self) -> str:
        return f"{self.key} ({self.zh})"


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one cell (or one row, or the header) of an import file."""

    file: str
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        values = {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason,
                  "value": self.value}
        shown = self.value not in ("", None)
        if self.column and shown:
            return _("%(file)s, row %(row)s, column %(column)s: %(reason)s (“%(value)s”)", **values)
        if self.column:
            return _("%(file)s, row %(row)s, column %(column)s: %(reason)s", **values)
        if shown:
            return _("%(file)s, row %(row)s: %(reason)s (“%(value)s”)", **values)
        return _("%(file)s, row %(row)s: %(reason)s", **values)


class ImportProblem(PortalError):
    """One or more rows of an import file are unusable; nothing was written."""

    def __init__(self, problems: list[RowProblem], total: int | None = None):
        self.problems = problems[:MAX_PROBLEMS]
        self.total = total if total is not None else len(problems)
        first = str(problems[0]) if problems else ""
        super().__init__(
            _("%(n)s problem(s) in the file, nothing was imported. First: %(first)s",
              n=self.total, first=first)
        )

    def lines(self) -> list[str]:
        lines = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            lines.append(_("… and %(n)s more", n=self.total - len(self.problems)))
        return lines


class Problems:
    """The problems of one import file as an importer finds them, each cell named by its
    column's declared header (``key (中文)``), so no importer spells a header itself."""

    def __init__(self, filename: str, columns: Iterable[Column]):
        self.name = Path(filename).name
        self.headers = {c.key: c.header for c in columns}
        self.items: list[RowProblem] = []

    def add(self, row: int, key: str | Sequence[str], value: Any, reason: str) -> None:
        """A problem in ``row``'s column ``key`` (or, for a pair of columns, keys)."""
        keys = [key] if isinstance(key, str) else list(key)
        column = ", ".join(self.headers.get(k, k) for k in keys)
        self.items.append(RowProblem(self.name, row, column, "" if value is None else str(value), reason))

    def extend(self, problems: Iterable[RowProblem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportProblem(self.items)


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = _("%(kind)s: %(rows)s rows, %(created)s new, %(updated)s updated, %(unchanged)s unchanged",
                 kind=self.kind, rows=self.rows, created=self.created, updated=self.updated,
                 unchanged=self.unchanged)
        if self.dry_run:
            text += " " + _("(dry run: nothing was written)")
        return text


# --- cell parsers: each takes the raw cell and returns a value or raises ValueError(reason) ---

def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    if not result:
        raise ValueError(_("must not be empty"))
    return result


def optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def parse_optional(value: Any) -> Any:
        return None if blank(value) else parse(value)
    return parse_optional


def number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(_("must be a number"))
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(Decimal(str(value).strip().replace(",", "")))
    except (InvalidOperation, ValueError):
        raise ValueError(_("must be a number")) from None


def integer(value: Any) -> int:
    result = number(value)
    if not float(result).is_integer():
        raise ValueError(_("must be a whole number"))
    return int(result)


def iso_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise ValueError(_("must be a date written YYYY-MM-DD"))
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(_("is not a real calendar date")) from None


YES = {"yes", "y", "true", "1", "是", "√"}
NO = {"no", "n", "false", "0", "否", "×"}


def yes_no(value: Any) -> bool:
    raw = str(value).strip().lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise ValueError(_("must be yes or no (是/否)"))


def choice(enum_cls: type[Enum], aliases: dict[str, str] | None = None) -> Callable[[Any], Any]:
    """A parser accepting an enum's code, its English label or its Chinese label."""
    aliases = aliases or {}

    def parse_choice(value: Any) -> Any:
        raw = str(value).strip()
        raw = aliases.get(raw, aliases.get(raw.lower(), raw))
        try:
            return enum_cls.parse(raw)  # type: ignore[attr-defined]
        except ValueError:
            allowed = ", ".join(m.value for m in enum_cls)  # type: ignore[attr-defined]
            raise ValueError(_("is not one of: %(allowed)s", allowed=allowed)) from None

    return parse_choice


# --- reading ------------------------------------------------------------------------------

def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not) first; otherwise GB18030, the superset of GBK that Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise PortalError(_("The file is neither UTF-8 nor GBK text; save it as CSV or XLSX.")) from None


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise PortalError(_("The file cannot be opened as an XLSX workbook.")) from None
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def raw_rows(data: bytes, filename: str) -> list[list[Any]]:
    """All rows of the file, header included, as lists of cell values."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if suffix == ".xls":
        raise PortalError(_("Old .xls workbooks are not supported; save the file as .xlsx or CSV."))
    content = decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(content), dialect)]


def _normalize_header(header: Any) -> str:
    return re.sub(r"\s+", "", str(header or "")).lower()


def match_headers(header_row: Sequence[Any], columns: Sequence[Column]) -> dict[str, int]:
    """Map each known column key to its index in the file's header row."""
    found: dict[str, int] = {}
    for index, header in enumerate(header_row):
        name = _normalize_header(header)
        for column in columns:
            forms = {column.key.lower(), _normalize_header(column.zh),
                     _normalize_header(column.header), _normalize_header(f"{column.zh}({column.key})")}
            if name in forms and column.key not in found:
                found[column.key] = index
    return found


def read_table(data: bytes, filename: str, columns: Sequence[Column],
               key: Sequence[str] = ()) -> list[tuple[int, dict[str, Any]]]:
    """Parse every row into ``(row_number, values)``; raise ``ImportProblem`` listing all
    problems (missing columns, bad cells, duplicate natural keys) when there are any."""
    rows = raw_rows(data, filename)
    problems = Problems(filename, columns)
    if not rows:
        problems.add(1, "", "", _("the file is empty"))
        problems.raise_if_any()
    positions = match_headers(rows[0], columns)
    for column in columns:
        if column.required and column.key not in positions:
            problems.add(1, column.key, "", _("this column is missing from the header row"))
    problems.raise_if_any()
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple, int] = {}
    for number_, cells in enumerate(rows[1:], start=2):
        if all(blank(c) for c in cells):
            continue
        values = _row_values(problems, number_, cells, columns, positions)
        if key and all(k in values for k in key):
            natural = tuple(values[k] for k in key)
            if natural in seen:
                problems.add(number_, key, " / ".join(map(str, natural)),
                             _("duplicate of row %(row)s", row=seen[natural]))
            else:
                seen[natural] = number_
        parsed.append((number_, values))
    problems.raise_if_any()
    if not parsed:
        problems.add(2, "", "", _("the file has a header but no data rows"))
        problems.raise_if_any()
    return parsed


def _row_values(problems: Problems, number_: int, cells: list, columns: Sequence[Column],
                positions: dict[str, int]) -> dict[str, Any]:
    """One row's cells parsed by their columns; each bad cell is added to ``problems``."""
    values: dict[str, Any] = {}
    for column in columns:
        index = positions.get(column.key)
        cell = cells[index] if index is not None and index < len(cells) else None
        if blank(cell) and column.required and column.parse is not None:
            problems.add(number_, column.key, "", _("must not be empty"))
            continue
        try:
            values[column.key] = column.parse(cell) if not blank(cell) else None
        except ValueError as error:
            problems.add(number_, column.key, str(cell), str(error))
    return values


# --- writing ------------------------------------------------------------------------------

@dataclass
class Table:
    """Rows ready to export: ``columns`` fix the order and the headers."""

    kind: str
    columns: Sequence[Column]
    rows: Iterable[dict[str, Any]]


def _cell(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def headers(columns: Sequence[Column], style: str) -> list[str]:
    """``key`` for scripts (CLI), ``zh`` for people (Chinese UI), or ``both``."""
    return [c.key if style == "key" else c.zh if style == "zh" else c.header for c in columns]


def to_bytes(table: Table, fmt: str, header_style: str = "key") -> bytes:
    """CSV (UTF-8 with BOM, so Excel opens Chinese text correctly) or XLSX."""
    head = headers(table.columns, header_style)
    body = [[_cell(row.get(c.key)) for c in table.columns] for row in table.rows]
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(table.kind[:31])
        sheet.append(head)
        for row in body:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    text_out = io.StringIO()
    writer = csv.writer(text_out, lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows(["" if v is None else v for v in row] for row in body)
    return ("\ufeff" + text_out.getvalue()).encode("utf-8")


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise PortalError(_("Export files end in .csv or .xlsx, not %(suffix)s.", suffix=suffix or "''"))
    return suffix[1:]
