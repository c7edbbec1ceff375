"""Import files are bounded and read as what they are (issue 13): the size, row and column
limits are checked before or while a file is read, the XLSX reader follows the data and
not the range a file declares, every encoding is either read correctly or refused, and no
cell brings a control character or a spreadsheet formula along."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from portal import tabular
from portal.enums import UnitLevel
from portal.errors import PortalError
from portal.tabular import (
    Column,
    ImportProblem,
    Table,
    choice,
    integer,
    number,
    optional,
    raw_rows,
    read_table,
    short_text,
    text,
    to_bytes,
)
from tests.portal.bad_inputs import HEADER, declared_everything, rewrite_sheet, with_cell, xlsx

UNITS = (Column("code", "编码", short_text(32)), Column("name", "名称", short_text(120)),
         Column("level", "层级", choice(UnitLevel)),
         Column("parent_code", "上级编码", optional(text), required=False))
ROWS = [HEADER, ["C", "江州市", "city", ""], ["D1", "青山区", "district", "C"]]


def test_a_workbook_declaring_the_whole_grid_is_read_as_its_data():
    declared = rewrite_sheet(xlsx(ROWS),
                             lambda x: x.replace('<dimension ref="A1:D3"',
                                                 '<dimension ref="A1:XFD1048576"'))
    rows = raw_rows(declared, "units.xlsx")
    assert [len(r) for r in rows] == [4, 3, 4]


def test_the_declared_grid_with_its_last_cell_formatted_reads_in_little_memory():
    """The 5.9 GB attack: run in a process allowed 600 MB, which the padded read exceeds."""
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (600 * 2**20, 600 * 2**20))\n"
        "from tests.portal.bad_inputs import declared_everything, HEADER\n"
        "from portal.tabular import raw_rows\n"
        "rows = raw_rows(declared_everything([HEADER, ['C', 'x', 'city', '']]), 'units.xlsx')\n"
        "print(len(rows), max(len(r) for r in rows))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split() == ["2", "4"]


def test_data_beyond_the_column_limit_is_refused_naming_the_row():
    with pytest.raises(ImportProblem) as caught:
        raw_rows(with_cell(ROWS, "XFD1"), "units.xlsx")
    assert "row 1" in caught.value.message and "16384" in caught.value.message


def test_data_beyond_the_row_limit_is_refused_naming_the_row():
    with pytest.raises(ImportProblem, match="row 1048576.*more than 250,000 rows"):
        raw_rows(with_cell(ROWS, "A1048576"), "units.xlsx")


def test_a_csv_beyond_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    data = ("code,name,level\n" + "".join(f"U{i},n,city\n" for i in range(5))).encode()
    with pytest.raises(ImportProblem, match="row 5: the file has more than 3 rows"):
        raw_rows(data, "units.csv")


def test_a_file_beyond_the_size_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1024)
    with pytest.raises(PortalError, match="at most 0 MB"):
        raw_rows(b"code,name\n" + b"x,y\n" * 1000, "big.csv")


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 2048)
    with pytest.raises(PortalError, match="unpacks to more than"):
        raw_rows(declared_everything(ROWS), "units.xlsx")


def test_empty_trailing_rows_and_cells_are_not_data():
    data = b"code,name,level,,\r\nC,x,city,,\r\n,,,,\r\n,,,,\r\n"
    assert raw_rows(data, "units.csv") == [["code", "name", "level"], ["C", "x", "city"]]


def test_excel_for_mac_line_endings_are_read():
    rows = read_table("code,name,level\rC,江州市,city\rD1,青山区,district\r".encode(), "units.csv",
                      UNITS)
    assert [values["code"] for _row, values in rows] == ["C", "D1"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_with_or_without_a_byte_order_mark_is_read(encoding):
    rows = read_table("code,name,level\nC,江州市,city\n".encode(encoding), "units.csv", UNITS)
    assert rows[0][1]["name"] == "江州市"


def test_latin1_text_is_refused_not_stored_garbled():
    with pytest.raises(PortalError, match="neither UTF-8 nor GBK"):
        read_table("code,name,level\nC,Müller Straße,city\n".encode("latin-1"), "units.csv", UNITS)


def test_gbk_with_a_rare_name_character_is_still_gbk():
    rows = read_table("编码,名称,层级\nC,江州市王喆工作室,市\n".encode("gbk"), "units.csv", UNITS)
    assert rows[0][1]["name"] == "江州市王喆工作室"


def test_a_cell_over_the_csv_field_limit_is_a_one_line_problem():
    data = ("code,name,level\nC," + "x" * 140_000 + ",city\n").encode()
    with pytest.raises(ImportProblem, match="row 2: a cell is longer than 32,767 characters"):
        read_table(data, "units.csv", UNITS)


def test_a_nul_byte_is_refused_naming_the_row_and_column():
    with pytest.raises(ImportProblem) as caught:
        read_table(b"code,name,level\nC,Jiang\x00zhou,city\n", "units.csv", UNITS)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column) == (2, "name (名称)") and "U+0000" in problem.reason
    assert "\x00" not in caught.value.message


@pytest.mark.parametrize("length, limit", [(121, "120"), (100_000, "32,767")])
def test_a_name_longer_than_its_column_is_refused(length, limit):
    with pytest.raises(ImportProblem, match=f"row 2, column name.*longer than {limit} characters"):
        read_table(("code,name,level\nC," + "江" * length + ",city\n").encode(), "units.csv", UNITS)


@pytest.mark.parametrize("raw", ["inf", "-Infinity", "nan", "1e400"])
def test_infinity_and_not_a_number_are_not_numbers(raw):
    with pytest.raises(ValueError, match="must be a number"):
        number(raw)
    with pytest.raises(ValueError, match="must be a number"):
        integer(raw)


# --- exports: text never runs as a formula (contracts.md, "Exports") -----------------------

NOTES = (Column("code", "编码", text), Column("note", "备注", required=False))  # the raw cell
DANGEROUS = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR",
             "'=already quoted",
             "plain", "-", "学习=进步"]


def test_csv_exports_prefix_formula_text_and_read_back_unchanged():
    table = Table("t", NOTES, [{"code": f"N{i}", "note": note} for i, note in enumerate(DANGEROUS)])
    data = to_bytes(table, "csv")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1] == "N0,\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\""
    assert lines[2] == "N1,'+1+2" and lines[4] == "N3,'@SUM(A1)" and lines[8] == "N7,plain"
    assert lines[10] == "N9,学习=进步"
    assert [values["note"] for _row, values in read_table(data, "t.csv", NOTES)] == DANGEROUS


def test_xlsx_exports_write_formula_text_as_text_cells():
    from io import BytesIO

    from openpyxl import load_workbook

    table = Table("t", NOTES, [{"code": f"N{i}", "note": note} for i, note in enumerate(DANGEROUS)])
    data = to_bytes(table, "xlsx")
    sheet = load_workbook(BytesIO(data)).worksheets[0]
    assert {cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row} == {"s"}
    back = [values["note"] for _row, values in read_table(data, "t.xlsx", NOTES)]
    assert back == [note.replace("\r", "\n") for note in DANGEROUS]  # XML keeps no lone CR
