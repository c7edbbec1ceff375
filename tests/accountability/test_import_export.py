"""Import and export of measures and cases (contracts.md): all or nothing, every bad cell
named, idempotent, codes or Chinese names, and the command line's exit codes."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from accountability import importers, service
from accountability.models import Case, CaseEvent, Measure
from portal import transfer
from portal.cli import main
from portal.tabular import ImportProblem
from tests.accountability.conftest import TODAY, open_case

MEASURES = (
    "cadre_code,measure,decided_on,case_no,probation_years,revoked_on\n"
    "C0001,诫勉,2026-08-31,,,\n"
    "C0002,party_probation,2025-03-15,,2,\n"
    "C0002,严重警告,2024-01-10,,,2024-05-01\n"
)
CASES = (
    "案件编号,干部编号,阶段,受理日期,立案日期,结案日期,摘要\n"
    "JZ-2025-007,C0001,审查调查,2025-11-02,2026-01-05,,反映违规收受礼金问题\n"
    "JZ-2025-007,C0002,审查调查,2025-11-02,2026-01-05,,\n"
    "JZ-2025-011,C0002,clue,2026-10-01,,,\n"
)


def run_import(session, city, kind, text, dry_run=False, who="inspector"):
    result = transfer.run_import(session, city.actor(who), kind, text.encode("utf-8"),
                                 f"{kind}.csv",
                                 dry_run=dry_run)
    if not dry_run:
        session.commit()
    return result


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_measures_import_by_chinese_name_or_code_with_their_effects(session, city):
    result = run_import(session, city, "measures", MEASURES)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    [first] = service.measure_effects_for_cadre(session, city.actor("reviewer"), city.cadre1)
    assert (first.code, first.effect_until) == ("admonishment", date(2027, 2, 28))
    second = {v.code: v for v in service.measure_effects_for_cadre(session, city.actor("reviewer"),
                                                                   city.cadre2)}
    assert second["party_probation"].effect_until == date(2029, 3, 15)
    assert second["party_serious_warning"].effect_until == date(2024, 5, 1)


def test_a_dry_run_writes_nothing(session, city):
    result = run_import(session, city, "measures", MEASURES, dry_run=True)
    assert result.created == 3 and result.dry_run
    assert count(session, Measure) == 0


def test_importing_the_same_measures_twice_changes_nothing(session, city):
    run_import(session, city, "measures", MEASURES)
    again = run_import(session, city, "measures", MEASURES)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert count(session, Measure) == 3


def test_one_bad_measure_row_writes_nothing_and_every_problem_is_named(session, city):
    bad = MEASURES + ("C9999,诫勉,2026-01-01,,,\n"
                      "C0001,罚款,2026-01-01,,,\n"
                      "C0001,留党察看,2026-01-01,,,\n"
                      "C0001,警告,2030-01-01,,,\n"
                      "C0001,警告,2026-01-01,JZ-404,,\n")
    with pytest.raises(ImportProblem) as problem:
        run_import(session, city, "measures", bad)
    lines = problem.value.lines()
    assert any("row 5" in line and "cadre_code" in line and "no cadre" in line for line in lines)
    assert any("row 6" in line and "measure" in line and "catalogue" in line for line in lines)
    assert any("row 7" in line and "probation_years" in line for line in lines)
    assert any("row 8" in line and "future" in line for line in lines)
    assert any("row 9" in line and "case_no" in line for line in lines)
    session.rollback()
    assert count(session, Measure) == 0


def test_an_import_may_revoke_but_never_unrevoke(session, city):
    run_import(session, city, "measures", MEASURES)
    revoked = MEASURES.replace("C0001,诫勉,2026-08-31,,,", "C0001,诫勉,2026-08-31,,,2026-10-01")
    assert run_import(session, city, "measures", revoked).updated == 1
    with pytest.raises(ImportProblem, match="cannot undo"):
        run_import(session, city, "measures", MEASURES)


def test_organization_measures_are_imported_by_unit_code(session, city):
    result = run_import(session, city, "measures",
                        "cadre_code,measure,decided_on,unit_code\n,通报,2026-05-01,K1\n")
    assert result.created == 1
    measure = session.scalar(select(Measure))
    assert (measure.code.value, measure.unit_id, measure.cadre_id) == ("org_circular", city.c1.id,
                                                                       None)


def test_an_inspector_imports_only_measures_of_cadres_in_scope(session, city):
    from portal.enums import Role
    from tests import factories

    factories.user(session, "inspector-d1", Role.INSPECTOR, city.d1)
    city.users["inspector-d1"] = session.scalar(
        select(factories.User).where(factories.User.username == "inspector-d1")
    )
    with pytest.raises(ImportProblem, match="outside the units"):
        run_import(session, city, "measures", MEASURES, who="inspector-d1")


def test_exported_measures_import_back_unchanged(session, city):
    run_import(session, city, "measures", MEASURES)
    table = importers.export_measures(session, city.actor("inspector"))
    content = transfer.to_bytes(table, "csv", "zh")
    result = transfer.run_import(session, city.actor("inspector"), "measures", content,
                                 "export.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_a_reviewer_may_export_measures_but_not_cases(session, city):
    from portal.errors import AccessDenied

    run_import(session, city, "measures", MEASURES)
    rows = list(importers.export_measures(session, city.actor("reviewer")).rows)
    assert len(rows) == 3 and "note" not in rows[0]
    with pytest.raises(AccessDenied):
        importers.export_cases(session, city.actor("reviewer"))


def test_cases_import_with_several_cadres_and_chinese_headers(session, city):
    result = run_import(session, city, "cases", CASES)
    assert result.created == 2
    case = session.scalar(select(Case).where(Case.case_no == "JZ-2025-007"))
    assert case.stage.value == "investigation" and case.filed_on == date(2026, 1, 5)
    assert {s.cadre_id for s in case.subjects} == {city.cadre1.id, city.cadre2.id}
    assert case.summary == "反映违规收受礼金问题"
    assert case.due_on == date(2026, 7, 5)
    assert [e.action for e in case.events] == ["imported"]


def test_importing_the_same_cases_twice_changes_nothing(session, city):
    run_import(session, city, "cases", CASES)
    again = run_import(session, city, "cases", CASES)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_case_import_moves_a_case_forward_but_never_back(session, city):
    run_import(session, city, "cases", CASES)
    forward = CASES.replace("审查调查,2025-11-02,2026-01-05,,", "审理,2025-11-02,2026-01-05,,")
    assert run_import(session, city, "cases", forward).updated == 1
    case = session.scalar(select(Case).where(Case.case_no == "JZ-2025-007"))
    assert case.stage.value == "review"
    assert (
        session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
        )
        == 2
    )
    with pytest.raises(ImportProblem, match="cannot move it there"):
        run_import(session, city, "cases", CASES)


def test_bad_case_rows_are_named(session, city):
    bad = ("case_no,cadre_code,stage,opened_on,filed_on,closed_on\n"
           "A-1,C0001,closed,2026-01-01,2026-02-01,\n"
           "A-2,C0001,立案,2026-03-01,,\n"
           "A-3,C0001,clue,2026-03-01,2026-02-01,\n"
           "A-4,C0001,受理,2026-05-01,,\n"
           "A-4,C0002,结案,2026-05-01,2026-06-01,2026-07-01\n")
    with pytest.raises(ImportProblem) as problem:
        run_import(session, city, "cases", bad)
    lines = problem.value.lines()
    assert any("row 2" in line and "closed_on" in line for line in lines)
    assert any("row 3" in line and "filed_on" in line for line in lines)
    assert any("row 4" in line and "filed_on" in line for line in lines)
    assert any("row 6" in line and "differs from row 5" in line for line in lines)
    session.rollback()
    assert count(session, Case) == 0


def test_an_unknown_stage_is_named_with_the_allowed_ones(session, city):
    with pytest.raises(ImportProblem) as problem:
        run_import(session, city, "cases",
                   "case_no,cadre_code,stage,opened_on\nA-5,C0001,飞升,2026-05-01\n")
    assert "row 2" in problem.value.lines()[0] and "investigation" in problem.value.lines()[0]


def test_exported_cases_import_back_unchanged(session, city):
    run_import(session, city, "cases", CASES)
    content = transfer.to_bytes(importers.export_cases(session, city.actor("inspector")), "xlsx",
                                "key")
    result = transfer.run_import(session, city.actor("inspector"), "cases", content, "cases.xlsx")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_the_cases_export_has_one_row_per_subject_as_the_cases_say(session, city):
    """The export reads plain rows; each row is the one the case objects give."""
    run_import(session, city, "cases", CASES)
    open_case(session, city, cadres=[city.cadre1, city.cadre2], units=[city.c1],
              title="机密标题", summary="机密摘要")
    inspector = city.actor("inspector")
    expected = [{"case_no": case.case_no, "cadre_code": s.cadre.code if s.cadre else None,
                 "stage": case.stage, "opened_on": case.opened_on, "filed_on": case.filed_on,
                 "closed_on": case.closed_on, "summary": case.summary or None,
                 "unit_code": None if s.cadre else s.unit.code, "source": case.source,
                 "title": case.title or None, "decided_on": case.decided_on}
                for case in session.scalars(select(Case).order_by(Case.case_no))
                for s in case.subjects]
    assert importers.export_cases(session, inspector).rows == expected
    assert len(expected) > 3


@pytest.fixture
def run(clean_db, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_LANG", "en")
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    return lambda *args: CliRunner().invoke(main, [str(a) for a in args])


def test_the_command_line_imports_and_exports_measures(run, session, city, tmp_path):
    path = tmp_path / "measures.csv"
    path.write_text(MEASURES, encoding="utf-8")
    dry = run("import", "measures", path, "--dry-run")
    assert dry.exit_code == 0 and "3 new" in dry.output and "dry run" in dry.output
    assert count(session, Measure) == 0
    assert run("import", "measures", path).exit_code == 0
    out = tmp_path / "out.csv"
    assert run("export", "measures", out).exit_code == 0
    assert "C0001" in out.read_text(encoding="utf-8-sig")


def test_the_command_line_names_the_bad_row_and_exits_1(run, city, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(CASES + "JZ-9,C0404,clue,2026-10-01,,,\n", encoding="utf-8")
    result = run("import", "cases", path)
    assert result.exit_code == 1
    assert (
        "row 5" in result.output
        and "cadre_code" in result.output
        and "Traceback" not in result.output
    )
    assert TODAY  # the fixture city exists
