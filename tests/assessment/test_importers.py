"""Indicator and score files (contracts.md): all or nothing, every problem named by row and
column."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from assessment import schemes
from assessment.models import Indicator, Score
from portal import transfer
from portal.cli import main
from portal.enums import UnitLevel
from portal.errors import AccessDenied
from portal.tabular import ImportProblem
from tests.assessment.conftest import YEAR, open_period

INDICATORS = """code,name,parent_code,weight,direction,method,level,year,target,bands,cap,per_item
D1,党建引领,,60,higher,group,street,2026,,,,
I1,书记抓党建,D1,30,higher,direct,street,2026,,,,
I2,两新组织覆盖率,D1,30,higher,ratio,street,2026,80,,,
D2,平安建设,,40,,维度,街道乡镇,2026,,,,
I3,安全事件,D2,40,lower,扣分,street,2026,,,20,4
B1,创新加分,,0,higher,加分,street,2026,,,3,1
V1,重大事故,,0,higher,一票否决,street,2026,,,,
"""


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_import(session, actor, kind, data, name, **options):
    return transfer.run_import(session, actor, kind, data, name, **options)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# --- indicators ------------------------------------------------------------------------------

def test_an_indicator_file_builds_a_valid_scheme_and_reimporting_changes_nothing(session, city):
    admin = city.actor("admin")
    result = run_import(session, admin, "indicators", INDICATORS.encode(), "scheme.csv")
    assert (result.rows, result.created) == (7, 7)
    scheme = schemes.latest(session, YEAR, UnitLevel.STREET)
    assert schemes.problems(scheme) == []
    i3 = next(i for i in scheme.indicators if i.code == "I3")
    assert (i3.method, i3.direction, i3.cap, i3.per_item) == ("deduction", "lower", 20, 4)
    again = run_import(session, admin, "indicators", INDICATORS.encode(), "scheme.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)


def test_weights_that_do_not_add_up_refuse_the_whole_file(session, city):
    bad = INDICATORS.replace("I2,两新组织覆盖率,D1,30", "I2,两新组织覆盖率,D1,25")
    with pytest.raises(ImportProblem) as problem:
        run_import(session, city.actor("admin"), "indicators", bad.encode(), "scheme.csv")
    assert any(
        "row 2" in line and "D1" in line and "add up to 55" in line
        for line in problem.value.lines()
    )
    assert count(session, Indicator) == 0


def test_indicators_export_imports_back_unchanged(session, city):
    admin = city.actor("admin")
    run_import(session, admin, "indicators", INDICATORS.encode(), "scheme.csv")
    exported = transfer.run_export(session, admin, "indicators", "xlsx")
    again = run_import(session, admin, "indicators", exported, "indicators.xlsx")
    assert (again.rows, again.unchanged) == (7, 7)


def test_a_reviewer_cannot_import_a_scheme(session, city):
    with pytest.raises(AccessDenied):
        run_import(session, city.actor("reviewer"), "indicators", INDICATORS.encode(), "scheme.csv")


# --- scores ----------------------------------------------------------------------------------

HEADER = ["period", "unit_code", "indicator_code", "value", "note"]
GOOD = [["2026Q1", "S1", "I1", 27, ""], ["2026Q1", "S1", "I2", 72, "抽样核查"],
        ["2026Q1", "S2", "I1", 24, ""],
        ["2026Q1", "S2", "I2", 80, ""], ["2026Q1", "S2", "I3", 3, ""]]


@pytest.fixture
def period(session, city, street_scheme):
    return open_period(session, city)


def test_an_xlsx_of_scores_imports_every_row(session, city, period):
    result = run_import(session, city.actor("reviewer"), "scores", xlsx([HEADER, *GOOD]),
                        "scores.xlsx")
    assert (result.rows, result.created) == (5, 5)
    notes = dict(session.execute(select(Score.indicator_code,
                                        Score.note).where(Score.unit_id == city.s1.id)).all())
    assert notes["I2"] == "抽样核查"
    again = run_import(session, city.actor("reviewer"), "scores", xlsx([HEADER, *GOOD]),
                       "scores.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_a_changed_value_bumps_the_scores_version(session, city, period):
    run_import(session, city.actor("reviewer"), "scores", xlsx([HEADER, *GOOD]), "scores.xlsx")
    changed = [row[:] for row in GOOD]
    changed[0][3] = 28
    result = run_import(session, city.actor("reviewer"), "scores", xlsx([HEADER, *changed]),
                        "scores.xlsx")
    assert result.updated == 1
    assert session.execute(select(Score.value, Score.version).where(
        Score.unit_id == city.s1.id, Score.indicator_code == "I1")).one() == (28, 2)


def test_a_dry_run_writes_nothing(session, city, period):
    result = run_import(session, city.actor("reviewer"), "scores", xlsx([HEADER, *GOOD]),
                        "scores.xlsx", dry_run=True)
    assert result.created == 5 and result.dry_run
    assert count(session, Score) == 0


def _problems(session, actor, data, name, **options) -> list[str]:
    with pytest.raises(ImportProblem) as problem:
        run_import(session, actor, "scores", data, name, **options)
    session.rollback()
    assert count(session, Score) == 0
    return problem.value.lines()


def test_a_missing_column_is_named(session, city, period):
    rows = [[c for c in HEADER if c != "value"]] + [[r[0], r[1], r[2], r[4]] for r in GOOD]
    lines = _problems(session, city.actor("reviewer"), xlsx(rows), "scores.xlsx")
    assert lines == ["scores.xlsx, row 1, column value (数值): this column is missing from the "
                     "header row"]


def test_an_unknown_unit_text_in_a_number_column_and_a_duplicate_row_are_all_named(session, city,
                                                                                   period):
    rows = [HEADER, *GOOD, ["2026Q1", "S9", "I1", 20, ""], ["2026Q1", "S1", "I3", "三起", ""],
            GOOD[1]]
    lines = _problems(session, city.actor("reviewer"), xlsx(rows), "scores.xlsx")
    assert "scores.xlsx, row 7, column unit_code (单位编码): no unit has this code (“S9”)" in lines
    assert "scores.xlsx, row 8, column value (数值): must be a number (“三起”)" in lines
    assert any(
        line.startswith("scores.xlsx, row 9") and "duplicate of row 3" in line for line in lines
    )


def test_a_gbk_csv_with_chinese_headers_is_read(session, city, period):
    text = "期间,单位编码,指标编码,数值,备注\n" + "\n".join(
        f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]}" for r in GOOD
    )
    result = run_import(session, city.actor("reviewer"), "scores", text.encode("gbk"), "分数.csv")
    assert result.created == 5


def test_a_gbk_csv_with_a_bad_row_names_it_and_writes_nothing(session, city, period):
    text = "期间,单位编码,指标编码,数值\n2026Q1,S1,I1,27\n2026Q1,S1,I9,5\n2026Q1,S1,I2,一百\n"
    lines = _problems(session, city.actor("reviewer"), text.encode("gbk"), "分数.csv")
    assert lines == [
        "分数.csv, row 3, column indicator_code (指标编码): not a scored indicator of the "
        "Street/Township "
        "scheme for 2026 (“I9”)",
        "分数.csv, row 4, column value (数值): must be a number (“一百”)",
    ]
    text = "期间,单位编码,指标编码,数值\n2026Q1,S1,I1,27\n2026Q1,S1,I9,5\n"
    lines = _problems(session, city.actor("reviewer"), text.encode("gbk"), "分数.csv")
    assert lines == ["分数.csv, row 3, column indicator_code (指标编码): not a scored indicator "
                     "of the "
                     "Street/Township scheme for 2026 (“I9”)"]


def test_values_are_checked_against_the_indicator(session, city, period):
    rows = [HEADER, ["2026Q1", "S1", "I1", 35, ""], ["2026Q1", "S1", "V1", 3, ""]]
    lines = _problems(session, city.actor("reviewer"), xlsx(rows), "scores.xlsx")
    assert lines == ["scores.xlsx, row 2, column value (数值): is more than the indicator's full "
                     "score of 30 (“35”)",
                     "scores.xlsx, row 3, column value (数值): must be 1 (veto triggered) or 0 "
                     "(“3”)"]


def test_a_district_reviewer_cannot_import_another_districts_scores(session, city, period):
    lines = _problems(session, city.actor("reviewer-d1"), xlsx([HEADER, *GOOD]), "scores.xlsx")
    assert sum("outside the units you are responsible for" in line for line in lines) == 3


def test_the_period_option_fills_a_missing_period_column_and_checks_a_present_one(session, city,
                                                                                  period):
    rows = [[c for c in HEADER if c != "period"]] + [r[1:] for r in GOOD]
    assert run_import(session, city.actor("reviewer"), "scores", xlsx(rows), "s.xlsx",
                      period="2026q1").created == 5
    session.rollback()
    lines = _problems(session, city.actor("reviewer"), xlsx([HEADER, *GOOD]), "s.xlsx",
                      period="2026Q2")
    assert lines[0].endswith("the file is being imported into 2026Q2 (“2026Q1”)")


def test_scores_of_a_published_or_unknown_period_are_refused(session, city, period):
    rows = [HEADER, ["2025Q4", "S1", "I1", 20, ""]]
    assert _problems(session, city.actor("reviewer"), xlsx(rows), "s.xlsx") == [
        "s.xlsx, row 2, column period (期间): there is no such period (“2025Q4”)"]


def test_scores_export_round_trips(session, city, period):
    run_import(session, city.actor("reviewer"), "scores", xlsx([HEADER, *GOOD]), "scores.xlsx")
    content = transfer.run_export(session, city.actor("reviewer"), "scores", "xlsx", period=period)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0] == ("period", "unit_code", "indicator_code", "value", "note") and len(rows) == 6
    assert run_import(session, city.actor("reviewer"), "scores", content,
                      "back.xlsx").unchanged == 5


def _stored(session) -> dict:
    return {(unit_id, code): (value, note, version, by) for unit_id, code, value, note, version, by
            in session.execute(select(Score.unit_id, Score.indicator_code, Score.value,
                                      Score.note, Score.version, Score.updated_by))}


def test_a_reimport_inserts_new_rows_and_overwrites_only_changed_ones(session, city, period):
    reviewer = city.actor("reviewer")
    run_import(session, reviewer, "scores", xlsx([HEADER, *GOOD]), "scores.xlsx")
    session.commit()
    changed = [row[:] for row in GOOD]
    changed[0][3] = 28                       # a new value
    changed[1][4] = "复核"                    # a new note
    changed[2][4] = None                     # no note: the stored one stays
    changed.append(["2026Q1", "S1", "I3", 2, "新增"])
    result = run_import(session, reviewer, "scores", xlsx([HEADER, *changed]), "scores.xlsx")
    assert (result.created, result.updated, result.unchanged) == (1, 2, 3)
    session.commit()
    stored = _stored(session)
    s1, s2 = city.s1.id, city.s2.id
    assert stored == {(s1, "I1"): (28, "", 2, "reviewer"), (s1, "I2"): (72, "复核", 2, "reviewer"),
                      (s2, "I1"): (24, "", 1, "reviewer"), (s2, "I2"): (80, "", 1, "reviewer"),
                      (s2, "I3"): (3, "", 1, "reviewer"), (s1, "I3"): (2, "新增", 1, "reviewer")}
    assert session.scalar(select(Score.updated_at).where(Score.unit_id == s1)).tzinfo is not None


def test_a_bad_last_row_is_named_and_nothing_is_written(session, city, period):
    reviewer = city.actor("reviewer")
    run_import(session, reviewer, "scores", xlsx([HEADER, *GOOD]), "scores.xlsx")
    session.commit()
    before = _stored(session)
    rows = [["2026Q1", "S1", "I1", 21, ""], *GOOD[1:4], ["2026Q1", "S2", "I3", "x", ""]]
    text = "period,unit_code,indicator_code,value,note\n" + "\n".join(
        ",".join(str(c) for c in row) for row in rows)
    with pytest.raises(ImportProblem) as problem:
        run_import(session, reviewer, "scores", text.encode(), "scores.csv")
    session.rollback()
    assert problem.value.lines() == ["scores.csv, row 6, column value (数值): must be a number "
                                     "(“x”)"]
    assert _stored(session) == before


def test_an_import_reports_its_progress(session, city, period):
    seen = []
    run_import(session, city.actor("reviewer"), "scores", xlsx([HEADER, *GOOD]), "scores.xlsx",
               progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert seen == [("reading", 0, 0), ("checking", 0, 5), ("saving", 5, 5)]


# --- exports of results ----------------------------------------------------------------------

def test_results_and_breakdown_exports_keep_to_the_scope(session, city, published):
    content = transfer.run_export(session, city.actor("reviewer-d1"), "results", "csv",
                                  period=published)
    text = content.decode("utf-8-sig")
    assert "S1" in text and "S2" not in text and "梅园街道" not in text
    content = transfer.run_export(session, city.actor("reviewer-d1"), "breakdown", "csv",
                                  period=published)
    lines = content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 5 and all(",S1," in line for line in lines[1:])


# --- the command line ------------------------------------------------------------------------

@pytest.fixture
def run(clean_db, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_LANG", "en")
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    return lambda *args: CliRunner().invoke(main, [str(a) for a in args])


def test_portal_import_scores_from_the_command_line(run, session, city, period, tmp_path):
    path = tmp_path / "scores.xlsx"
    path.write_bytes(xlsx([HEADER, *GOOD]))
    result = run("import", "scores", path, "--period", "2026Q1", "--dry-run")
    assert result.exit_code == 0 and "dry run" in result.output
    assert run("import", "scores", path, "--period", "2026Q1").exit_code == 0
    assert count(session, Score) == 5
    out = tmp_path / "indicators.csv"
    assert run("export", "indicators",
               out).exit_code == 0 and "I3" in out.read_text(encoding="utf-8-sig")


def test_a_bad_score_file_exits_1_naming_the_row(run, session, city, period, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("period,unit_code,indicator_code,value\n2026Q1,S1,I1,abc\n", encoding="utf-8")
    result = run("import", "scores", path)
    assert result.exit_code == 1 and "row 2" in result.output and "value" in result.output
    assert "Traceback" not in result.output
