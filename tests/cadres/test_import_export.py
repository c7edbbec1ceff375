"""Imports and exports of cadres, training and grades (contracts.md), from the CLI and the
service."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cadres.enums import AppraisalGrade, RecordSource, TrainingCategory, TrainingMode
from cadres.models import CadreAppraisal, CadrePosting, TrainingRecord
from portal import transfer
from portal.cli import main
from portal.enums import CadreCategory, LeaderRole, Rank
from portal.errors import AccessDenied
from portal.models import AuditEvent, Cadre
from portal.tabular import ImportProblem
from tests.cadres.conftest import record

CADRES = """code,name,gender,birth_date,unit_code,position,rank,category,rank_since,position_since,party_member,leader_role
C0101,周明,男,1980-02-03,S1,街道办事处副主任,乡科级副职,领导干部,2021-03-01,2021-03-01,是,副职
C0102,吴丽,female,1992-11-20,K1,社区专职工作者,,community_worker,,2020-07-01,no,
"""
TRAINING = """干部编号,课程,类别,学时,方式,完成日期,机构
C0001,党的二十届三中全会精神轮训,理论,24,线下,2026-04-10,市委党校
C0001,网络专题：民法典解读,知识,3,online,2026-05-02,
C0002,党性教育专题培训班,党性,16,offline,2026-06-20,党性教育基地
"""
GRADES = """cadre_code,year,grade
C0001,2025,优秀
C0002,2025,competent
C0001,2024,称职
"""


def run(session, actor, kind, text, dry_run=False, filename=None, encoding="utf-8"):
    result = transfer.run_import(session, actor, kind, text.encode(encoding),
                                 filename or f"{kind}.csv",
                                 dry_run=dry_run)
    session.commit()
    return result


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# --- cadres ----------------------------------------------------------------------------------

def test_cadres_import_with_chinese_values_and_the_leader_role_column(session, city):
    result = run(session, city.actor("reviewer"), "cadres", CADRES)
    assert (result.created, result.updated) == (2, 0)
    zhou = session.scalar(select(Cadre).where(Cadre.code == "C0101"))
    assert (zhou.rank, zhou.category, zhou.leader_role, zhou.party_member) == (
        Rank.TOWNSHIP_DEPUTY, CadreCategory.LEADING, LeaderRole.DEPUTY, True)
    wu = session.scalar(select(Cadre).where(Cadre.code == "C0102"))
    assert wu.rank is None and wu.leader_role == LeaderRole.MEMBER and not wu.party_member
    assert count(session, CadrePosting) == 2


def test_reimporting_the_same_cadres_file_changes_nothing(session, city):
    run(session, city.actor("reviewer"), "cadres", CADRES)
    again = run(session, city.actor("reviewer"), "cadres", CADRES)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert count(session, CadrePosting) == 2


def test_a_move_to_another_unit_closes_the_old_posting(session, city):
    run(session, city.actor("reviewer"), "cadres", CADRES)
    moved = CADRES.replace("C0101,周明,男,1980-02-03,S1,街道办事处副主任",
                           "C0101,周明,男,1980-02-03,S2,街道办事处主任")
    moved = moved.replace("2021-03-01,2021-03-01", "2021-03-01,2026-03-01")
    run(session, city.actor("reviewer"), "cadres", moved)
    postings = session.scalars(select(CadrePosting).join(Cadre, CadrePosting.cadre_id == Cadre.id)
                               .where(Cadre.code == "C0101").order_by(CadrePosting.id)).all()
    assert [(p.unit.code, str(p.end)) for p in postings] == [("S1", "2026-03-01"), ("S2", "None")]


def test_a_bad_cadres_file_names_every_bad_cell_and_writes_nothing(session, city):
    bad = CADRES + "C0103,,男,1990-13-01,NOPE,科员,一级科员,领导干部,,,maybe,\n"
    with pytest.raises(ImportProblem) as problem:
        run(session, city.actor("reviewer"), "cadres", bad)
    text = "\n".join(problem.value.lines())
    for expected in ("row 4, column name (姓名)", "birth_date (出生日期)", "party_member (党员)"):
        assert expected in text
    assert count(session, Cadre) == 2


def test_unknown_and_out_of_scope_units_are_refused(session, city):
    with pytest.raises(ImportProblem) as problem:
        run(session, city.actor("reviewer-d1"), "cadres",
            CADRES.replace(",K1,", ",K2,").replace(",S1,", ",NOPE,"))
    lines = problem.value.lines()
    assert any("row 2" in line and "no unit has this code" in line for line in lines)
    assert any("row 3" in line and "outside the units" in line for line in lines)


def test_cadres_dry_run_validates_and_writes_nothing(session, city):
    result = run(session, city.actor("reviewer"), "cadres", CADRES, dry_run=True)
    assert result.created == 2 and result.dry_run
    assert count(session, Cadre) == 2


def test_cadres_export_in_scope_roundtrips(session, city):
    run(session, city.actor("reviewer"), "cadres", CADRES)
    content = transfer.run_export(session, city.actor("reviewer-d1"), "cadres", "csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["code"] for r in rows] == ["C0001", "C0101", "C0102"]
    assert rows[1]["leader_role"] == "deputy" and rows[1]["rank"] == "township_deputy"
    again = run(session, city.actor("reviewer"), "cadres", content.decode("utf-8-sig"))
    assert (again.created, again.updated) == (0, 0)


def test_cadres_cannot_import_or_export_the_registry(session, city):
    with pytest.raises(AccessDenied):
        run(session, city.actor("cadre"), "cadres", CADRES)
    with pytest.raises(AccessDenied):
        transfer.run_export(session, city.actor("cadre"), "cadres", "csv")


# --- training --------------------------------------------------------------------------------

def test_training_import_from_a_gbk_file_with_chinese_headers(session, city):
    result = run(session, city.actor("reviewer"), "training", TRAINING, encoding="gbk")
    assert result.created == 3
    theory = session.scalar(select(TrainingRecord).where(TrainingRecord.hours == 24))
    assert (theory.category, theory.mode, theory.source, theory.year) == (
        TrainingCategory.THEORY, TrainingMode.OFFLINE, RecordSource.IMPORT, 2026)


def test_reimporting_training_is_idempotent_and_a_change_updates_the_record(session, city):
    run(session, city.actor("reviewer"), "training", TRAINING)
    again = run(session, city.actor("reviewer"), "training", TRAINING)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = run(session, city.actor("reviewer"), "training", TRAINING.replace(",24,", ",20,"))
    assert (changed.created, changed.updated) == (0, 1)
    assert count(session, TrainingRecord) == 3


def test_a_course_already_recorded_from_attendance_is_left_alone(session, city):
    record(session, city, city.cadre1, "党的二十届三中全会精神轮训", 24,
           source=RecordSource.ATTENDANCE)
    result = run(session, city.actor("reviewer"), "training", TRAINING)
    assert (result.created, result.unchanged) == (2, 1)
    assert "counts once" in result.notes[0]
    assert count(session, TrainingRecord) == 3


def test_the_same_course_twice_in_a_file_is_an_error(session, city):
    twice = TRAINING + "C0001,党的二十届三中全会精神 轮训,理论,8,线下,2026-09-10,\n"
    with pytest.raises(ImportProblem) as problem:
        run(session, city.actor("reviewer"), "training", twice)
    assert "row 5" in problem.value.lines()[0] and "as row 2" in problem.value.lines()[0]


def test_training_rows_with_bad_values_are_all_reported(session, city):
    bad = TRAINING + "C9999,某课程,体育,-1,卫星,2026-02-30,\n"
    with pytest.raises(ImportProblem) as problem:
        run(session, city.actor("reviewer"), "training", bad)
    text = "\n".join(problem.value.lines())
    for column in ("类别", "学时", "方式", "完成日期"):
        assert column in text
    assert count(session, TrainingRecord) == 0


def test_training_of_cadres_outside_scope_is_refused(session, city):
    with pytest.raises(ImportProblem) as problem:
        run(session, city.actor("reviewer-d1"), "training", TRAINING)
    assert "row 4" in problem.value.lines()[0]


def test_training_export_for_a_year(session, city):
    run(session, city.actor("reviewer"), "training", TRAINING)
    record(session, city, city.cadre1, "去年的课程", 8, day=__import__("datetime").date(2025, 3, 1))
    content = transfer.run_export(session, city.actor("reviewer"), "training", "csv", period="2026")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 3 and {r["mode"] for r in rows} == {"online", "offline"}


# --- grades ----------------------------------------------------------------------------------

def test_grades_import_upserts_and_reports_the_quota(session, city):
    result = run(session, city.actor("reviewer"), "grades", GRADES)
    assert result.created == 3
    # C0001 is alone in S1: one 优秀 of one assessed breaks the 20% quota
    assert len(result.notes) == 1 and "桃桥街道" in result.notes[0]
    again = run(session, city.actor("reviewer"), "grades",
                GRADES.replace("C0001,2025,优秀", "C0001,2025,称职"))
    assert (again.updated, again.unchanged, again.notes) == (1, 2, [])
    grades = {(g.cadre.code, g.year): g.grade for g in session.scalars(select(CadreAppraisal))}
    assert grades[("C0001", 2025)] == AppraisalGrade.COMPETENT


def test_grades_with_a_bad_year_or_grade_are_refused(session, city):
    with pytest.raises(ImportProblem) as problem:
        run(session, city.actor("reviewer"), "grades", GRADES + "C0002,20,良好\n")
    assert len(problem.value.problems) == 2


def test_grades_export_roundtrips(session, city):
    run(session, city.actor("reviewer"), "grades", GRADES)
    content = transfer.run_export(session, city.actor("reviewer"), "grades", "csv")
    again = run(session, city.actor("reviewer"), "grades", content.decode("utf-8-sig"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_progress_export_lists_every_cadre_in_scope(session, city):
    content = transfer.run_export(session, city.actor("reviewer-d1"), "training_progress", "csv",
                                  period="2026")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [(r["cadre_code"], r["required"]) for r in rows] == [("C0001", "90.0")]


# --- command line ----------------------------------------------------------------------------

def test_cli_imports_and_exports_with_a_plain_error_on_bad_files(session, city, tmp_path,
                                                                 database_url):
    env = {"DATABASE_URL": database_url, "PORTAL_LANG": "en"}
    good = tmp_path / "training.csv"
    good.write_text(TRAINING, encoding="utf-8")
    runner = CliRunner()
    dry = runner.invoke(main, ["import", "training", str(good), "--dry-run"], env=env)
    assert dry.exit_code == 0 and "dry run" in dry.output
    assert count(session, TrainingRecord) == 0
    assert runner.invoke(main, ["import", "training", str(good)], env=env).exit_code == 0
    out = tmp_path / "out.xlsx"
    assert runner.invoke(main, ["export", "training", str(out)], env=env).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"
    bad = tmp_path / "bad.csv"
    bad.write_text(TRAINING.replace("C0002", "C9999"), encoding="utf-8")
    failed = runner.invoke(main, ["import", "training", str(bad)], env=env)
    assert failed.exit_code == 1
    assert "bad.csv, row 4, column cadre_code (干部编号)" in failed.output
    assert "Traceback" not in failed.output
    session.expire_all()
    assert count(session, TrainingRecord) == 3
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import")
        )
        == 1
    )


# --- personnel decisions (export only) ---------------------------------------------------------

def _decisions(session, city):
    from datetime import date

    from cadres import decisions
    from cadres.enums import DecisionOutcome, DecisionType

    reviewer = city.actor("reviewer")
    made = []
    for code, kind in (("C0001", DecisionType.COMMENDATION),
                       ("C0002", DecisionType.ADMONISHMENT_TALK)):
        decision = decisions.propose(session, reviewer, cadre_code=code, decision_type=kind,
                                     title="事项",
                                     rationale="理由", as_of=date(2026, 5, 4))
        made.append(decision)
    decisions.review(session, reviewer, made[0].id, "同意")
    decisions.decide(session, reviewer, made[0].id, outcome=DecisionOutcome.APPROVED,
                     note="江组干〔2026〕1号",
                     decided_on=date(2026, 5, 20))
    session.commit()
    return made


def test_decisions_export_lists_the_decisions_in_scope_with_their_evidence_hash(session, city):
    made = _decisions(session, city)
    content = transfer.run_export(session, city.actor("reviewer"), "decisions", "csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["number"] for r in rows] == [d.number for d in made]
    first = rows[0]
    assert (first["cadre_code"], first["type"], first["status"], first["outcome"],
            first["decided_on"],
            first["overridden"]) == ("C0001", "commendation", "decided", "approved", "2026-05-20",
                                     "no")
    assert (
        first["snapshot_hash"] == made[0].snapshot_hash and first["eligible_at_proposal"] == "yes"
    )
    assert rows[1]["outcome"] == "" and rows[1]["status"] == "proposed"
    zh = transfer.run_export(session, city.actor("reviewer"), "decisions", "csv", header_style="zh")
    assert zh.decode("utf-8-sig").startswith("编号,干部编号,姓名")
    assert transfer.run_export(session, city.actor("reviewer"), "decisions", "csv",
                               period="2025").count(b"\n") == 1


def test_decisions_export_keeps_to_the_subtree_and_refuses_cadres_and_inspectors(session, city):
    _decisions(session, city)
    content = transfer.run_export(session, city.actor("reviewer-d1"), "decisions", "csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["cadre_code"] for r in rows] == ["C0001"]
    for who in ("cadre", "inspector"):
        with pytest.raises(AccessDenied):
            transfer.run_export(session, city.actor(who), "decisions", "csv")
