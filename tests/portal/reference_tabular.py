"""portal/tabular.py as it was before the fast paths (branch scores at f9bea9f), kept unchanged
as the reference that tests/portal/test_tabular_equivalence.py compares the reader with."""
# ruff: noqa

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
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
        self.items.append(RowProblem(self.name, row, column, "" if value is None else str(value),
                                     reason))

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
        text = _("%(kind)s: %(rows)s rows, %(created)s new, %(updated)s updated, %(unchanged)s "
                 "unchanged",
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


def short_text(limit: int) -> Callable[[Any], str]:
    """Text of at most ``limit`` characters (the size of the column it is stored in)."""
    def parse_short(value: Any) -> str:
        result = text(value)
        if len(result) > limit:
            raise ValueError(_("is longer than %(n)s characters", n=limit))
        return result
    return parse_short


def optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def parse_optional(value: Any) -> Any:
        return None if blank(value) else parse(value)
    return parse_optional


def number(value: Any) -> float:
    """A finite number (``inf`` and ``nan`` are words, not numbers, to a clerk)."""
    if isinstance(value, bool):
        raise ValueError(_("must be a number"))
    try:
        result = float(value) if isinstance(value, int | float) else \
            float(Decimal(str(value).strip().replace(",", "")))
    except (InvalidOperation, ValueError, OverflowError):
        raise ValueError(_("must be a number")) from None
    if not math.isfinite(result):
        raise ValueError(_("must be a number"))
    return result


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

# Limits checked before a file is parsed (docs/formats.md, "Limits"): an import of a city's
# 52,000 cadres or a large period's scores fits well inside them.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # an XLSX is a zip: its sheet may unpack far larger
MAX_ROWS = 250_000  # data rows, header not counted
MAX_COLUMNS = 100
MAX_CELL_CHARS = 32_767  # the most a spreadsheet cell holds
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _too_large(name: str, row: int, reason: str) -> ImportProblem:
    return ImportProblem([RowProblem(name, row, "", "", reason)])


def check_size(size: int, filename: str) -> None:
    """Refuse a file larger than ``MAX_FILE_BYTES``, before anything reads it (the command
    line checks the file's size on disk, the reader the bytes it was given)."""
    if size > MAX_FILE_BYTES:
        raise PortalError(_("%(file)s: the file is %(size)s MB; import files may be at most "
                            "%(max)s MB: "
                            "split it.", file=Path(filename).name, size=f"{size / 2**20:.1f}",
                            max=MAX_FILE_BYTES // 2**20))


def _looks_garbled(content: str) -> bool:
    """Western (Latin-1) bytes read as GBK give rare characters outside GB2312; Chinese
    text saved by Excel as GBK is almost all GB2312."""
    wide = [ch for ch in content if ord(ch) > 127]
    if not wide:
        return False
    rare = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare * 3 > len(wide)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 saved without a byte order mark: every other byte of Latin text is NUL."""
    if len(sample) < 4 or sample.count(0) * 4 < len(sample):
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return "utf-16-be" if even > odd else "utf-16-le"


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM or not), or GB18030, the superset of GBK that Excel
    writes; text in any other encoding is refused rather than stored garbled."""
    refused = _("The file is neither UTF-8 nor GBK text; save it as CSV UTF-8 or XLSX.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: list[str] = ["utf-16"]
    elif (wide := _utf16_without_bom(data[:4096])) is not None:
        encodings = [wide]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            content = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and _looks_garbled(content):
            raise PortalError(refused)
        return content.removeprefix("\ufeff")
    raise PortalError(refused)


def _trimmed(cells: Sequence[Any]) -> Sequence[Any]:
    """A row without its trailing empty cells (spreadsheets often carry formatted blanks);
    every empty row is the same empty tuple, so a sheet of blank rows costs little."""
    end = len(cells)
    while end and blank(cells[end - 1]):
        end -= 1
    return list(cells[:end]) if end else ()


def _bounded(rows: Iterable[Sequence[Any]], name: str) -> list[Sequence[Any]]:
    """Read rows one by one, refusing a file beyond the row and column limits as soon as
    it is seen; empty rows after the last data row are dropped."""
    kept: list[Sequence[Any]] = []
    for number_, cells in enumerate(rows, start=1):
        row = _trimmed(cells)
        if row and len(row) > MAX_COLUMNS:
            raise _too_large(name, number_,
                             _("the row has data in column %(n)s; at most %(max)s columns "
                                              "are read", n=len(row), max=MAX_COLUMNS))
        if row and number_ > MAX_ROWS + 1:
            raise _too_large(name, number_, _("the file has more than %(max)s rows; split it",
                                              max=f"{MAX_ROWS:,}"))
        kept.append(row)
    while kept and not kept[-1]:
        kept.pop()
    return kept


def _xlsx_rows(data: bytes, name: str) -> list[Sequence[Any]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise PortalError(_("The file cannot be opened as an XLSX workbook.")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise PortalError(_("the workbook unpacks to more than %(max)s MB; split it.",
                            max=MAX_UNPACKED_BYTES // 2**20))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds for a damaged workbook)
        raise PortalError(_("The file cannot be opened as an XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        # The declared range (<dimension ref="A1:XFD1048576"/>) is the writer's claim, not the
        # data: without this openpyxl pads every row and column up to it.
        sheet.reset_dimensions()
        return _bounded(sheet.iter_rows(values_only=True), name)
    except (ImportProblem, PortalError):
        raise
    except Exception:  # noqa: BLE001  (a damaged sheet fails while it is read)
        raise PortalError(_("The file cannot be opened as an XLSX workbook.")) from None
    finally:
        workbook.close()


def _csv_rows(data: bytes, name: str) -> list[Sequence[Any]]:
    content = decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    # newline="": CR-only line ends (Excel for Mac) and CRLF both end a row
    reader = csv.reader(io.StringIO(content, newline=""), dialect)
    try:
        return _bounded(([csv_unescaped(cell) for cell in row] for row in reader), name)
    except csv.Error as error:
        reason = str(error)
        if "field larger than field limit" in reason:
            reason = _("a cell is longer than %(max)s characters", max=f"{MAX_CELL_CHARS:,}")
        raise _too_large(name, reader.line_num, reason) from None


def raw_rows(data: bytes, filename: str) -> list[Sequence[Any]]:
    """All rows of the file, header included, as lists of cell values (trailing empty rows
    and cells dropped); a file beyond the limits is refused before or while it is read."""
    name = Path(filename).name
    suffix = Path(filename).suffix.lower()
    check_size(len(data), filename)
    try:
        if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
            return _xlsx_rows(data, name)
        if suffix == ".xls":
            raise PortalError(_("Old .xls workbooks are not supported; save the file as .xlsx or "
                                "CSV."))
        return _csv_rows(data, name)
    except ImportProblem:
        raise
    except PortalError as error:
        if error.message.startswith(name):
            raise
        raise PortalError(f"{name}: {error.message}") from None


def cell_problem(value: Any) -> str | None:
    """What makes a cell unusable whatever its column: its length or control characters."""
    if not isinstance(value, str):
        return None
    if len(value) > MAX_CELL_CHARS:
        return _("is longer than %(n)s characters", n=f"{MAX_CELL_CHARS:,}")
    found = CONTROL_CHARS.search(value)
    if found:
        return _("contains the control character U+%(code)s; remove it",
                 code=f"{ord(found.group()):04X}")
    return None


def _normalize_header(header: Any) -> str:
    return re.sub(r"\s+", "", str(header or "")).lower()


def match_headers(header_row: Sequence[Any], columns: Sequence[Column]) -> dict[str, int]:
    """Map each known column key to its index in the file's header row."""
    found: dict[str, int] = {}
    for index, header in enumerate(header_row):
        name = _normalize_header(header)
        for column in columns:
            forms = {column.key.lower(), _normalize_header(column.zh),
                     _normalize_header(column.header),
                     _normalize_header(f"{column.zh}({column.key})")}
            if name in forms and column.key not in found:
                found[column.key] = index
    return found


def _shown(value: Any) -> str:
    """A cell as quoted in a message: short, and without the characters that broke it."""
    shown = CONTROL_CHARS.sub("\N{REPLACEMENT CHARACTER}", str(value))
    return shown if len(shown) <= 60 else shown[:57] + "…"


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
        problem = cell_problem(cell)
        if problem:
            problems.add(number_, column.key, _shown(cell), problem)
            continue
        if blank(cell) and column.required and column.parse is not None:
            problems.add(number_, column.key, "", _("must not be empty"))
            continue
        try:
            values[column.key] = column.parse(cell) if not blank(cell) else None
        except ValueError as error:
            problems.add(number_, column.key, _shown(cell), str(error))
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


# A spreadsheet runs text starting with one of these as a formula (CSV injection).
FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")


def csv_safe(value: Any) -> Any:
    """Text a spreadsheet would run, prefixed with ``'`` so that it shows as text; text
    that already starts with quotes before such a character gets one more, so that
    ``csv_unescaped`` gives every original back."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def csv_unescaped(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'") and FORMULA_START.match(value[1:]):
        return value[1:]
    return value


def formulas_as_text(workbook) -> None:
    """For workbooks built cell by cell (the annual report): a text cell openpyxl took for a
    formula because it starts with ``=`` is written as the text it is."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _xlsx_bytes(kind: str, head: list[str], body: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind[:31])
    sheet.append(head)
    for row in body:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: "=…" is not a formula here
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_bytes(table: Table, fmt: str, header_style: str = "key") -> bytes:
    """CSV (UTF-8 with BOM, so Excel opens Chinese text correctly) or XLSX; in both, text
    that a spreadsheet would run as a formula is written as text (contracts.md, "Exports")."""
    head = headers(table.columns, header_style)
    body = [[_cell(row.get(c.key)) for c in table.columns] for row in table.rows]
    if fmt == "xlsx":
        return _xlsx_bytes(table.kind, head, body)
    text_out = io.StringIO()
    writer = csv.writer(text_out, lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows(["" if v is None else csv_safe(v) for v in row] for row in body)
    return ("\ufeff" + text_out.getvalue()).encode("utf-8")


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise PortalError(_("Export files end in .csv or .xlsx, not %(suffix)s.",
                            suffix=suffix or "''"))
    return suffix[1:]
