"""The annual report (年度报告): results, training, the four forms and decisions of a unit
subtree for a year; the workbook; the page's callbacks as each role."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cadres import annual, decisions
from cadres.enums import DecisionOutcome, DecisionType
from portal.errors import AccessDenied, Invalid, NotFound
from portal.models import AuditEvent
from tests.assessment.conftest import S1_VALUES, S2_VALUES, enter, open_period, publish
from tests.assessment.conftest import street_scheme as street_scheme  # noqa: F401  (fixture)
from tests.cadres.callbacks import call
from tests.cadres.conftest import record
from tests.cadres.test_evidence import AS_OF, sanctioned
from tests.callbacks import follow_job, job_key, run_jobs
from tests.web import _id, callback, login, response_props


def text_of(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)

YEAR = 2026


def decided(session, city, code, kind, override=""):
    reviewer = city.actor("reviewer")
    decision = decisions.propose(session, reviewer, cadre_code=code, decision_type=kind,
                                 title="拟任街道办事处主任",
                                 rationale="实绩突出。", as_of=AS_OF)
    decisions.review(session, reviewer, decision.id, "材料齐全。")
    decisions.decide(session, reviewer, decision.id, outcome=DecisionOutcome.APPROVED,
                     note="江组干〔2026〕8号",
                     decided_on=AS_OF, override_reason=override)
    session.commit()
    return decision


@pytest.fixture
def world(session, city, street_scheme):  # noqa: F811
    """2026Q1 published (S1 92, S2 82); training for both cadres; a party warning for 王芳
    (second form)."""
    code = open_period(session, city)
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code)
    record(session, city, city.cadre1, "党校春季班", 40, day=date(YEAR, 3, 2))
    record(session, city, city.cadre2, "网络专题", 8, day=date(YEAR, 4, 2))
    sanctioned(session, city, "party_warning", date(YEAR, 6, 20))
    return city


@pytest.fixture
def world_full(session, world):
    """Besides: a talk reminder for 李娜 (first form), an overridden promotion of 王芳 and an
    admonishment talk for 李娜."""
    from tests.accountability.conftest import decided_measure

    decided_measure(session, world, "talk_reminder", cadre=world.cadre2,
                    decided_on=date(YEAR, 7, 1))
    decided(session, world, "C0001", DecisionType.PROMOTION, override="全市重点项目急需。")
    decided(session, world, "C0002", DecisionType.ADMONISHMENT_TALK)
    return world


def test_report_gathers_the_four_parts_for_the_whole_city(session, world_full):
    report = annual.annual_report(session, world_full.actor("reviewer"), world_full.city.id, YEAR)
    assert report.period_code == "2026Q1"
    assert [(r.unit_code, r.composite, r.grade) for r in report.results][0][:2] == ("S1", 92.0)
    assert {r.unit_code for r in report.results} == {"S1", "S2"}
    assert sum(g.count for g in report.grades) == 2
    assert [r.unit_code for r in report.top] and report.top[0].unit_code == "S1"
    assert {r.unit_name for r in report.training} == {"青山区", "临江区"}
    assert report.training_summary["cadres"] == 2
    forms = {f.form: f.count for f in report.forms}
    assert forms[2] >= 1 and forms[1] >= 1 and report.person_times == sum(forms.values())
    assert [d.cadre_code for d in report.decisions] == ["C0001", "C0002"]
    promotion = report.decisions[0]
    assert promotion.overridden and promotion.override_reason == "全市重点项目急需。"
    assert promotion.blocks_at_proposal == 1 and "王芳" in promotion.summary
    assert report.overrides == 1


def test_a_district_reviewer_sees_only_their_district(session, world_full):
    report = annual.annual_report(session, world_full.actor("reviewer-d1"), world_full.d1.id, YEAR)
    assert {r.unit_code for r in report.results} == {"S1"}
    assert [d.cadre_code for d in report.decisions] == ["C0001"]
    assert {f.form: f.count for f in report.forms} == {1: 0, 2: 1, 3: 0, 4: 0}
    assert report.training_summary["cadres"] == 1


def test_a_subtree_asked_for_is_the_subtree_shown(session, world_full):
    report = annual.annual_report(session, world_full.actor("reviewer"), world_full.d2.id, YEAR)
    assert {r.unit_code for r in report.results} == {"S2"}
    assert [d.cadre_code for d in report.decisions] == ["C0002"]
    assert {f.form: f.count for f in report.forms}[2] == 0


def test_a_unit_outside_the_scope_is_refused(session, world):
    with pytest.raises(NotFound):
        annual.annual_report(session, world.actor("reviewer-d1"), world.d2.id, YEAR)
    with pytest.raises(NotFound):
        annual.annual_report(session, world.actor("reviewer-d1"), world.city.id, YEAR)


@pytest.mark.parametrize("who", ["inspector", "cadre"])
def test_inspectors_and_cadres_may_not_see_the_report(session, world, who):
    with pytest.raises(AccessDenied):
        annual.annual_report(session, world.actor(who), world.city.id, YEAR)


def test_bad_year_and_unit_are_named(session, world):
    with pytest.raises(Invalid, match="year"):
        annual.annual_report(session, world.actor("reviewer"), world.city.id, "20x6")
    with pytest.raises(Invalid, match="unit"):
        annual.annual_report(session, world.actor("reviewer"), "C0002", YEAR)


def test_a_year_without_anything_says_so(session, city):
    report = annual.annual_report(session, city.actor("reviewer"), city.city.id, YEAR - 3)
    assert report.period_code is None and report.results == () and report.decisions == ()
    assert report.person_times == 0
    book = load_workbook(BytesIO(annual.annual_workbook(report)))
    assert book["Results"]["A2"].value == "No published assessment results for this year."
    assert book["Decisions"]["A2"].value == "No personnel decisions were taken in this year."


def test_the_year_period_wins_over_the_quarters(session, world):
    code = open_period(session, world, "2026")
    enter(session, world, code, world.s1, S2_VALUES)
    enter(session, world, code, world.s2, S1_VALUES)
    publish(session, world, code, today=date(2027, 1, 10))
    report = annual.annual_report(session, world.actor("reviewer"), world.city.id, YEAR)
    assert report.period_code == "2026" and report.top[0].unit_code == "S2"


@pytest.mark.slow
def test_the_workbook_opens_in_a_spreadsheet_program(session, world_full, tmp_path):
    """LibreOffice reads the workbook and prints it to PDF (A4 pages, one per sheet or more)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui)")
    report = annual.annual_report(session, world_full.actor("reviewer"), world_full.city.id, YEAR)
    workbook = tmp_path / "annual.xlsx"
    workbook.write_bytes(annual.annual_workbook(report))
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(workbook)], check=True,
                   capture_output=True, timeout=180)
    pdf = (tmp_path / "annual.pdf").read_bytes()
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    boxes = {tuple(round(float(n)) for n in box)
             for box in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)}
    assert pdf.startswith(b"%PDF") and len(pages) >= 5  # the cover and at least a page per part
    assert (842, 595) in boxes, boxes  # the parts on A4 landscape, in points


def test_workbook_has_a_sheet_per_part_with_headers_rows_charts_and_highlights(session, world_full):
    report = annual.annual_report(session, world_full.actor("reviewer"), world_full.city.id, YEAR)
    book = load_workbook(BytesIO(annual.annual_workbook(report)))
    assert book.sheetnames == ["Cover", "Results", "Training", "Four forms", "Decisions"]
    cover = book["Cover"]
    assert (
        cover["B2"].value == "江州市 (C)"
        and cover["B3"].value == str(YEAR)
        and cover["B6"].value == "reviewer"
    )
    for sheet in book.worksheets[1:]:  # printed on A4 landscape, all columns on one page wide
        assert (
            str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
            and sheet.page_setup.orientation == "landscape"
        )
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    results = book["Results"]
    assert [c.value for c in results[1]][:4] == ["Unit code", "Unit", "Level", "Composite score"]
    assert results.freeze_panes == "A2" and results["D2"].number_format == "0.00"
    assert [results.cell(row=r, column=1).value for r in (2, 3)] == ["S1", "S2"]
    assert len(results._charts) == 1
    training = book["Training"]
    assert training.max_row == 3 and training["F2"].number_format == "0.0%"
    forms = book["Four forms"]
    assert forms.max_row >= 5 and len(forms._charts) == 1
    sheet = book["Decisions"]
    assert sheet.max_row == 3 and sheet["A1"].value == "Number"
    fills = {sheet.cell(row=r, column=2).value: sheet.cell(row=r,
                                                           column=1).fill.fgColor.rgb for r in (2,
                                                                                                3)}
    assert fills["C0001"].endswith("FCE4D6") and not fills["C0002"].endswith("FCE4D6")
    assert "王芳" in sheet["L2"].value


def test_workbook_headers_follow_the_language(session, world_full):
    from portal.i18n import use_lang

    with use_lang("zh"):
        report = annual.annual_report(session, world_full.actor("reviewer"), world_full.city.id,
                                      YEAR)
        book = load_workbook(BytesIO(annual.annual_workbook(report)))
    assert book.sheetnames == ["封面", "结果", "教育培训", "四种形态", "决定"]
    assert book["结果"]["B1"].value == "单位"


def test_export_is_audited(session, world_full):
    content, name = annual.export_workbook(session, world_full.actor("reviewer"),
                                           world_full.city.id, YEAR)
    session.commit()
    assert name == f"annual-report-C-{YEAR}.xlsx" and content[:2] == b"PK"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.summary["kind"] == "annual_report" and event.summary["year"] == YEAR


# --- through the Dash endpoint ------------------------------------------------------------------

VIEW = {"type": "job-id", "kind": "annual_report_view"}
DONE = {"type": "job-done", "kind": "annual_report_view"}


def _show(client, unit_id):
    """The report callback as the page calls it on a change of unit."""
    return callback(client, [("ca-ar-report", "children"), (VIEW, "data")],
                    [("ca-ar-unit", "value", unit_id), ("ca-ar-year", "value", str(YEAR))])


def _prepared(client, app, unit_id, job, year=YEAR):
    """The callback the job panel's ``job-done`` calls when the figures' job has ended."""
    return call(client, app, "annual_report.prepared", {f"{_id(DONE)}.data": job,
                                                        "ca-ar-unit.value": unit_id,
                                                        "ca-ar-year.value": str(year)})


def test_the_report_is_prepared_in_the_background_then_shown(client, app, world_full):
    login(client, "reviewer")
    first = _show(client, world_full.city.id)
    assert first.status_code == 200
    assert "Preparing the report" in text_of(first) and "PD-2026-0001" not in text_of(first)
    job = response_props(first)[_id(VIEW)]["data"]
    again = _show(client, world_full.city.id)  # a reload while it waits follows the same job
    assert response_props(again)[_id(VIEW)]["data"] == job
    assert run_jobs(app) == 1
    done = follow_job(client, app, "annual_report_view", job)
    assert response_props(done)[job_key("annual_report_view", "done")]["data"] == job
    shown = _prepared(client, app, world_full.city.id, job)
    text = text_of(shown)
    assert "桃桥街道" in text and "PD-2026-0001" in text and "ca-ar-override" in text
    assert response_props(shown)[job_key("annual_report_view", "panel")]["className"] == (
        "job-panel d-none")  # its work done, the panel goes
    assert "Preparing" not in text_of(_show(client, world_full.city.id))  # kept: shown at once


def test_a_job_for_another_unit_or_year_leaves_the_page_as_it_is(client, app, world_full):
    """The user moved on while the figures were prepared: the old job's end changes nothing."""
    login(client, "reviewer")
    job = response_props(_show(client, world_full.city.id))[_id(VIEW)]["data"]
    assert run_jobs(app) == 1
    for unit, year in ((world_full.d1.id, YEAR), (world_full.city.id, YEAR - 1)):
        assert response_props(_prepared(client, app, unit, job, year)) == {}, (unit, year)


def test_nobody_else_can_see_a_job_prepared_for_a_reviewer(client, app, world_full):
    login(client, "reviewer")
    job = response_props(_show(client, world_full.city.id))[_id(VIEW)]["data"]
    assert run_jobs(app) == 1
    login(client, "reviewer-d1")
    text = text_of(_prepared(client, app, world_full.city.id, job))
    assert "No such job" in text and "PD-2026-0001" not in text


def test_the_workbook_is_built_by_a_job_and_downloaded_by_its_owner(client, app, world_full):
    login(client, "reviewer")
    response = call(client, app, "annual_report.download", {"ca-ar-xlsx.n_clicks": 1,
                                                            "ca-ar-unit.value": world_full.city.id,
                                                            "ca-ar-year.value": str(YEAR)})
    job = response_props(response)[job_key("annual_report", "id")]["data"]
    assert run_jobs(app) == 1
    link = text_of(follow_job(client, app, "annual_report", job))
    assert f"/jobs/{job}/download" in link and f"annual-report-C-{YEAR}.xlsx" in link
    download = client.get(f"/jobs/{job}/download")
    assert download.status_code == 200
    assert f"annual-report-C-{YEAR}.xlsx" in download.headers["Content-Disposition"]
    assert "Decisions" in load_workbook(BytesIO(download.data)).sheetnames


def test_district_reviewer_cannot_forge_another_district(client, app, world_full):
    login(client, "reviewer-d1")
    shown = _show(client, world_full.d2.id)
    text = text_of(shown)
    assert "梅园街道" not in text and "李娜" not in text
    assert response_props(shown)[_id(VIEW)]["data"] is None  # nothing was started
    response = call(client, app, "annual_report.download", {"ca-ar-xlsx.n_clicks": 1,
                                                            "ca-ar-unit.value": world_full.d2.id,
                                                            "ca-ar-year.value": str(YEAR)})
    assert "No such unit among the units you are responsible for" in text_of(response)
    assert run_jobs(app) == 0


def test_a_cadre_gets_nothing_through_the_callbacks(client, app, world_full):
    login(client, "cadre")
    responses = [_show(client, world_full.city.id),
                 call(client, app, "annual_report.download", {
                     "ca-ar-xlsx.n_clicks": 1, "ca-ar-unit.value": world_full.city.id,
                     "ca-ar-year.value": str(YEAR)})]
    for response in responses:
        text = json.dumps(response.get_json(), ensure_ascii=False)
        assert "李娜" not in text and "PD-2026" not in text and "content" not in text
    assert run_jobs(app) == 0

