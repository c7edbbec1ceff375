"""Reading import files: encodings, headers in either language, every problem named."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from portal.enums import UnitLevel
from portal.i18n import use_lang
from portal.tabular import (
    Column,
    ImportProblem,
    Problems,
    Table,
    choice,
    integer,
    iso_date,
    number,
    optional,
    read_table,
    text,
    to_bytes,
    yes_no,
)

COLUMNS = (
    Column("code", "编码", text),
    Column("score", "数值", number),
    Column("on", "日期", iso_date),
    Column("level", "层级", choice(UnitLevel)),
    Column("note", "备注", optional(text), required=False),
)


def test_utf8_with_bom_and_english_headers():
    data = "\ufeffcode,score,on,level\nA1,85.5,2026-03-01,street\n".encode()
    rows = read_table(data, "x.csv", COLUMNS)
    assert rows == [(2, {"code": "A1", "score": 85.5, "on": date(2026, 3, 1),
                         "level": UnitLevel.STREET, "note": None})]


def test_gbk_with_chinese_headers_and_labels():
    data = "编码,数值,日期,层级,备注\nA1,90,2026-03-01,街道乡镇,按时完成\n".encode("gbk")
    rows = read_table(data, "成绩.csv", COLUMNS)
    assert rows[0][1]["level"] is UnitLevel.STREET
    assert rows[0][1]["note"] == "按时完成"


def test_combined_header_form_is_accepted():
    data = "code (编码),score (数值),on (日期),level (层级)\nA1,1,2026-01-01,city\n".encode()
    assert read_table(data, "x.csv", COLUMNS)[0][1]["code"] == "A1"


def test_xlsx_first_sheet_with_native_dates_and_numbers():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["编码", "数值", "日期", "层级"])
    sheet.append(["A1", 77, datetime(2026, 5, 4), "社区村"])
    sheet.append([None, None, None, None])  # blank rows are skipped
    out = io.BytesIO()
    workbook.save(out)
    rows = read_table(out.getvalue(), "x.xlsx", COLUMNS)
    assert rows == [(2, {"code": "A1", "score": 77.0, "on": date(2026, 5, 4),
                         "level": UnitLevel.COMMUNITY, "note": None})]


def test_missing_column_is_named():
    data = b"code,score,level\nA1,1,city\n"
    with pytest.raises(ImportProblem) as caught:
        read_table(data, "x.csv", COLUMNS)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (1, "on (日期)")


def test_every_bad_cell_is_reported_with_row_and_column():
    data = (b"code,score,on,level\n"
            b"A1,eighty,2026-02-30,street\n"
            b"A2,80,2026/03/01,province\n"
            b",80,2026-03-01,city\n")
    with pytest.raises(ImportProblem) as caught:
        read_table(data, "scores.csv", COLUMNS)
    found = {(p.row, p.column.split(" ")[0]) for p in caught.value.problems}
    assert found == {(2, "score"), (2, "on"), (3, "on"), (3, "level"), (4, "code")}
    assert (
        "scores.csv, row 2, column score (数值): must be a number (“eighty”)"
        in caught.value.lines()
    )
    with use_lang("zh"):
        with pytest.raises(ImportProblem) as in_chinese:
            read_table(data, "scores.csv", COLUMNS)
        assert (
            str(in_chinese.value.problems[0])
            == "scores.csv 第 2 行 score (数值) 列：须为数字（“eighty”）"
        )


def test_duplicate_natural_key_is_reported():
    data = b"code,score,on,level\nA1,1,2026-01-01,city\nA1,2,2026-01-01,city\n"
    with pytest.raises(ImportProblem) as caught:
        read_table(data, "x.csv", COLUMNS, key=("code",))
    assert "duplicate of row 2" in caught.value.problems[0].reason


def test_binary_garbage_and_old_xls_get_plain_messages():
    from portal.errors import PortalError

    with pytest.raises(PortalError, match="xlsx"):
        read_table(b"\xd0\xcf\x11\xe0", "old.xls", COLUMNS)
    with pytest.raises(PortalError, match="XLSX"):
        read_table(b"PK\x03\x04garbage", "broken.xlsx", COLUMNS)


@pytest.mark.parametrize("raw, expected",
                         [("yes", True), ("是", True), ("否", False), ("0", False)])
def test_yes_no(raw, expected):
    assert yes_no(raw) is expected


def test_integer_refuses_fractions():
    assert integer("12") == 12
    with pytest.raises(ValueError):
        integer("1.5")


def test_export_round_trips_through_the_reader():
    table = Table("t", COLUMNS, [{"code": "A1", "score": 1.5, "on": date(2026, 1, 2),
                                  "level": UnitLevel.CITY, "note": "说明"}])
    for fmt, style in (("csv", "zh"), ("xlsx", "key"), ("csv", "both")):
        rows = read_table(to_bytes(table, fmt, style), f"t.{fmt}", COLUMNS)
        assert rows[0][1]["note"] == "说明" and rows[0][1]["level"] is UnitLevel.CITY


def test_an_importer_names_problem_columns_by_their_declared_headers():
    columns = (Column("cadre_code", "干部编号"), Column("unit_code", "单位编码"),
               Column("year", "年度"))
    problems = Problems("dir/grades.csv", columns)
    assert not problems
    problems.add(3, "cadre_code", "C9", "no cadre has this code")
    problems.add(4, ("unit_code", "year"), "K1 / 2026", "duplicate of row 3")
    with pytest.raises(ImportProblem) as raised:
        problems.raise_if_any()
    first, second = raised.value.problems
    assert (first.file, first.row, first.column) == ("grades.csv", 3, "cadre_code (干部编号)")
    assert second.column == "unit_code (单位编码), year (年度)"
