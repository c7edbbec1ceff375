"""The reader's fast paths (per-cell checks inlined, the CSV unescaping skipped when no cell
starts with ', XLSX read by python-calamine) give what the straightforward reader gave: the
same rows and values, the same problems with the same messages, kept in
tests/portal/reference_tabular.py."""

from __future__ import annotations

from datetime import date

import pytest

from portal import tabular
from portal.enums import UnitLevel
from portal.tabular import (
    Column,
    ImportProblem,
    Table,
    blank,
    choice,
    integer,
    iso_date,
    number,
    optional,
    short_text,
    text,
    to_bytes,
    yes_no,
)
from tests.portal import reference_tabular as reference

COLUMNS = (
    Column("code", "编码", short_text(8)),
    Column("name", "名称", text),
    Column("score", "数值", number),
    Column("count", "数量", optional(integer), required=False),
    Column("on", "日期", optional(iso_date), required=False),
    Column("level", "层级", optional(choice(UnitLevel)), required=False),
    Column("active", "启用", optional(yes_no), required=False),
    Column("note", "备注", required=False),  # the raw cell, as the score importer reads value
)
KEY = ("code", "name")
HEAD = "code,name,score,count,on,level,active,note\r\n"
GOOD = HEAD + (
    "A1,江州市,85.5,3,2026-03-01,city,是,'=SUM(A1)\r\n"
    "A2, 青山区 ,90,,,street,no,  \r\n"
    ",,,,,,,\r\n"
    "A3,\u3000全角空格\u3000,\"1,234.5\",7.0,,district,y,\"多行\n备注\"\r\n"
    "A4,x,-0,,,,,'plain\r\n"
    "\r\n"
    "A5,y,1e3,,,,,,,\r\n"
)
BAD = HEAD + (
    "A1,江州市,abc,1.5,2026-02-30,town,maybe,ok\r\n"
    "A2,,85,,03/01/2026,,,\r\n"
    "TOOLONGCODE,x,85,,,,,\r\n"
    "A3,\u3000\u3000,inf,,,,,\r\n"
    "A4,bell\x07here,85,,,,,tab\x0bhere\r\n"
    f"A5,{'长' * 40_000},85,,,,,\r\n"
    "A1,江州市,80,,,,,dup\r\n"
    " ,x,85,,,,,\r\n"
    "A6,y,nan,,,,,\r\n"
)
MISSING = "code,note\r\nA1,x\r\n"
EMPTY = ""
HEADER_ONLY = HEAD


def _outcome(module, data: bytes, name: str):
    try:
        return "rows", module.read_table(data, name, COLUMNS, key=KEY)
    except ImportProblem as problem:  # both modules raise the platform's exception class
        return "problem", (problem.total, problem.lines(), problem.message)
    except reference.ImportProblem as problem:
        return "problem", (problem.total, problem.lines(), problem.message)


@pytest.mark.parametrize("content", [GOOD, BAD, MISSING, EMPTY, HEADER_ONLY],
                         ids=["good", "bad", "missing", "empty", "header-only"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_csv_reads_as_before(content, encoding):
    data = content.encode(encoding, errors="replace")
    assert _outcome(tabular, data, "t.csv") == _outcome(reference, data, "t.csv")
    if content:
        assert tabular.raw_rows(data, "t.csv") == reference.raw_rows(data, "t.csv")


def test_a_score_file_with_a_bad_row_reads_as_before():
    lines = ["period,unit_code,indicator_code,value,note"]
    lines += [f"2026Q4,C{u:04d},I{i:02d},{80 + i / 7:.4f}," for u in range(200) for i in range(10)]
    lines[-7] = "2026Q4,C0199,I03,九十,"
    data = "\r\n".join(lines).encode()
    columns = [Column("period", "期间", optional(text), required=False),
               Column("unit_code", "单位编码", text), Column("indicator_code", "指标编码", text),
               Column("value", "数值", number),
               Column("note", "备注", optional(short_text(500)), required=False)]
    with pytest.raises(ImportProblem) as new:
        tabular.read_table(data, "s.csv", columns, key=("unit_code", "indicator_code"))
    with pytest.raises(reference.ImportProblem) as old:
        reference.read_table(data, "s.csv", columns, key=("unit_code", "indicator_code"))
    assert new.value.lines() == old.value.lines() and "row 1995" in new.value.message


def test_xlsx_reads_as_before():
    rows = [{"code": "A1", "name": "江州市", "score": 85.5, "count": 3, "on": date(2026, 3, 1),
             "level": "city", "active": "是", "note": "=SUM(A1)"},
            {"code": "A2", "name": " 青山区 ", "score": 90, "count": None, "on": None,
             "level": None, "active": None, "note": "  "},
            {"code": "A3", "name": "abc", "score": "九十", "count": 2.5, "on": "2026-02-30",
             "level": "town", "active": "maybe", "note": None},
            {"code": "A1", "name": "江州市", "score": 1e20, "count": 12_345_678_901,
             "on": date(1999, 12, 31), "level": None, "active": True, "note": 0.25}]
    data = to_bytes(Table("t", COLUMNS, rows), "xlsx")
    assert _outcome(tabular, data, "t.xlsx") == _outcome(reference, data, "t.xlsx")
    good = to_bytes(Table("t", COLUMNS, rows[:2]), "xlsx")
    assert _outcome(tabular, good, "t.xlsx")[0] == "rows"
    assert _outcome(tabular, good, "t.xlsx") == _outcome(reference, good, "t.xlsx")
    # a cell of spaces only is read as empty (None) instead of "  ": blank either way
    normalized = [[None if blank(c) else c for c in row]
                  for row in tabular.raw_rows(data, "t.xlsx")]
    assert normalized == [[None if blank(c) else c for c in row]
                          for row in reference.raw_rows(data, "t.xlsx")]
