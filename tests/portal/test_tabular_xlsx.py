"""The fast XLSX reader (python-calamine) gives the rows openpyxl gives, and every workbook it
cannot be trusted with still goes to openpyxl's streaming reader and its limits."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import Workbook

from portal import tabular
from portal.tabular import Column, blank, raw_rows, read_table
from tests.portal.bad_inputs import HEADER, declared_everything, rewrite_sheet, with_cell, xlsx

HEAD = ["code", "name", "when", "value", "note", "flag"]
BODY = [
    ["A1", "江州市青山区", date(2026, 3, 1), 85.5, "", True],
    ["A2", "  两端有空格  ", datetime(2026, 3, 1, 13, 30), 90, None, False],
    [1001, "第三行", time(8, 15), -0.0, "  ", None],
    [],
    ["A5", "多行\n文字", date(1999, 12, 31), 12_345_678_901_234, "=1+1", "是"],
    ["A6", None, None, 1e20, None, None, None, None],
    ["A7", "last", timedelta(hours=30), -3.25, "x", 0.5],
]


def _book(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    sheet["F8"].number_format = "0.00%"
    sheet["C2"].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _shared_strings(data: bytes) -> bytes:
    """The workbook with its text in a shared-strings part, as Excel writes it."""
    strings: list[str] = []

    def shared(found: re.Match) -> str:
        strings.append(found.group(2))
        return f'<c r="{found.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'

    source = zipfile.ZipFile(io.BytesIO(data))
    sheet = re.sub(r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', shared,
                   source.read("xl/worksheets/sheet1.xml").decode(), flags=re.S)
    table = "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in strings)
    parts = {
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                                f'2006/main" count="{len(strings)}">{table}</sst>',
        "[Content_Types].xml": source.read("[Content_Types].xml").decode().replace(
            "</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
        "xl/_rels/workbook.xml.rels": source.read("xl/_rels/workbook.xml.rels").decode().replace(
            "</Relationships>", '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.'
            'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = parts.pop(info.filename, None)
            target.writestr(info, source.read(info) if content is None else content.encode())
        for name, content in parts.items():
            target.writestr(name, content.encode())
    return out.getvalue()


def _with_blanks_as_none(rows):
    return [[None if blank(cell) else cell for cell in row] for row in rows]


def _both(data: bytes, name: str = "t.xlsx"):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert tabular._plain_grid(archive)
    fast = tabular._bounded(tabular._calamine_rows(data), name)
    old = tabular._openpyxl_rows(data, name)
    return fast, old


@pytest.mark.parametrize("strings", ["inline", "shared"])
def test_the_fast_reader_gives_openpyxls_rows(strings):
    data = _book([HEAD, *BODY])
    if strings == "shared":
        data = _shared_strings(data)
    fast, old = _both(data)
    # a cell of spaces only comes back empty (None) instead of "  ": blank to every reader
    assert _with_blanks_as_none(fast) == _with_blanks_as_none(old)
    assert [[type(c) for c in row] for row in _with_blanks_as_none(fast)] == \
        [[type(c) for c in row] for row in _with_blanks_as_none(old)]
    assert fast[1][2] == datetime(2026, 3, 1) and type(fast[1][3]) is float
    assert fast[2][3] == 90 and type(fast[2][3]) is int and fast[3][0] == 1001
    assert fast[5][1] == "多行\n文字" and fast[2][1] == "  两端有空格  "
    assert fast[3][2] == time(8, 15) and fast[7][2] == timedelta(hours=30)


def test_read_table_gives_the_same_values_either_way(monkeypatch):
    columns = [Column(key, key, required=False) for key in HEAD]
    data = _shared_strings(_book([HEAD, *BODY]))
    fast = read_table(data, "t.xlsx", columns)
    monkeypatch.setattr(tabular, "_plain_grid", lambda archive: False)
    assert read_table(data, "t.xlsx", columns) == fast


def test_workbooks_the_fast_reader_is_not_trusted_with_go_to_openpyxl():
    rows = [HEADER, ["C", "江州市", "city", ""]]
    error_cell = rewrite_sheet(xlsx(rows), lambda x: x.replace(
        '<c r="A2" t="inlineStr"><is><t>C</t></is></c>', '<c r="A2" t="e"><v>#N/A</v></c>'))
    sparse = rewrite_sheet(xlsx(rows), lambda x: x.replace(
        "</sheetData>", '<row r="200000"><c r="CV200000" t="inlineStr"><is><t>x</t></is></c>'
                        "</row></sheetData>"))
    prefixed = rewrite_sheet(xlsx(rows), lambda x: x.replace("<c r=", "<x:c r=", 1))
    for data in (declared_everything(rows), with_cell(rows, "XFD1"), with_cell(rows, "A1048576"),
                 error_cell, sparse, prefixed):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert not tabular._plain_grid(archive)
    assert raw_rows(error_cell, "u.xlsx")[1][0] == "#N/A"
    assert len(raw_rows(sparse, "u.xlsx")) == 200_000


def test_without_calamine_openpyxl_reads_the_workbook(monkeypatch):
    data = _book([HEAD, *BODY])
    fast = raw_rows(data, "t.xlsx")
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import fails
    assert tabular._calamine_rows(data) is None
    assert _with_blanks_as_none(raw_rows(data, "t.xlsx")) == _with_blanks_as_none(fast)
