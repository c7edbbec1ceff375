"""Appointment forms (.lrmx) in and out: the files in tests/data/lrmx, the strict reading, the
bounds, all-or-nothing, what the export derives, and the round trip through the command line."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from accountability.enums import MeasureType
from accountability.models import Measure
from cadres import appointment_forms, lrmx, records
from cadres.demo_photos import PHOTOS
from cadres.enums import AppraisalGrade
from cadres.models import CadreAppraisal, CadrePhoto, CadreRecord
from portal import transfer
from portal.cli import main
from portal.errors import AccessDenied
from portal.models import AuditEvent, Cadre
from portal.tabular import ImportProblem

DATA = Path(__file__).parent.parent / "data" / "lrmx"
LIU = (DATA / "liu-xiaomei.lrmx").read_bytes()
ZHOU = (DATA / "zhou-jianguo.lrmx").read_bytes()


def import_forms(session, actor, data, filename="liu-xiaomei.lrmx", **options):
    result = transfer.run_import(session, actor, "lrmx", data, filename, **options)
    session.commit()
    return result


def zipped(*members: tuple[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return out.getvalue()


# --- reading
# ---------------------------------------------------------------------------------------

def test_a_valid_form_is_read_with_its_family_and_photo():
    form = lrmx.parse_form(LIU, "liu-xiaomei.lrmx")
    assert form.get("XingMing") == "刘晓梅" and form.get("ShenFenZheng") == "360104197903124026"
    assert [m["ChengWei"] for m in form.family] == ["丈夫", "女儿", "母亲"]
    assert form.get("ZhaoPian").startswith("/9j/")


def test_an_unknown_element_is_named_in_the_error():
    with pytest.raises(lrmx.FormProblems) as error:
        lrmx.parse_form((DATA / "invalid-unknown-element.lrmx").read_bytes(), "x.lrmx")
    assert [str(p) for p in error.value.problems] == [
        "x.lrmx, element BeiZhu: is not an element of the appointment form"]


def test_entity_declarations_are_refused_before_anything_expands():
    with pytest.raises(lrmx.FormProblems, match="DTD or entities"):
        lrmx.parse_form((DATA / "invalid-entities.lrmx").read_bytes(), "bomb.lrmx")


def test_a_file_over_the_size_limit_is_refused_unparsed(monkeypatch):
    monkeypatch.setattr(lrmx, "MAX_FILE_BYTES", 1000)
    with pytest.raises(lrmx.FormProblems, match="larger than"):
        lrmx.open_upload(LIU, "big.lrmx")


def test_a_zip_is_checked_against_its_directory_before_anything_is_inflated(monkeypatch):
    monkeypatch.setattr(lrmx, "MAX_FILE_BYTES", 2000)
    bomb = zipped(("a.lrmx", b"<Person>" + b" " * 100_000 + b"</Person>"))
    assert len(bomb) < 2000
    with pytest.raises(lrmx.FormProblems, match="larger than"):
        lrmx.open_upload(bomb, "forms.zip")


def test_a_zip_with_too_many_members_or_other_files_is_refused(monkeypatch):
    monkeypatch.setattr(lrmx, "MAX_MEMBERS", 2)
    with pytest.raises(lrmx.FormProblems, match="at most 2"):
        lrmx.open_upload(zipped(("a.lrmx", ZHOU), ("b.lrmx", ZHOU), ("c.lrmx", ZHOU)), "forms.zip")
    with pytest.raises(lrmx.FormProblems, match="only .lrmx files"):
        lrmx.open_upload(zipped(("a.lrmx", ZHOU), ("notes.txt", b"hi")), "forms.zip")


# --- import
# ----------------------------------------------------------------------------------------

def test_a_form_of_a_new_cadre_joins_the_unit_given_with_every_field(session, city):
    result = import_forms(session, city.actor("reviewer"), LIU, unit="S1")
    assert (result.created, result.updated) == (1, 0)
    cadre = session.scalar(select(Cadre).where(Cadre.name == "刘晓梅"))
    assert cadre.unit_id == city.s1.id and cadre.birth_date == date(
        1979, 3, 12
    )  # the day from the id number
    assert (
        cadre.party_member
        and cadre.position == "桃桥街道党工委副书记、办事处主任"
        or cadre.position
    )
    record = session.get(CadreRecord, cadre.id)
    assert (record.ethnicity, record.fulltime_education, record.fulltime_degree,
            record.inservice_degree,
            record.health) == ("01", "20", "402", "312", "1")
    assert record.party_joined == date(2001, 6, 1) and record.id_number == "360104197903124026"
    assert len(record.resume) == 5 and record.resume[1]["text"].endswith("在职研究生学习）")
    assert record.resume_note == "注：2012年曾下派挂职，起止时间待核"  # kept, not lost
    assert [m["political_status"] for m in record.family] == ["01", "03", "13"]
    assert session.get(CadrePhoto, cadre.id).data.startswith(b"\xff\xd8\xff")


def test_importing_the_same_form_twice_changes_nothing_the_second_time(session, city):
    import_forms(session, city.actor("reviewer"), LIU, unit="S1")
    again = import_forms(session, city.actor("reviewer"), LIU, unit="S1")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert (
        session.scalar(select(func.count()).select_from(Cadre).where(Cadre.name == "刘晓梅")) == 1
    )


def test_a_form_updates_the_cadre_with_the_same_name_and_birth_month(session, city):
    city.cadre2.name, city.cadre2.birth_date = "周建国", date(1985, 5, 1)
    session.commit()
    result = import_forms(session, city.actor("reviewer"), ZHOU, "zhou-jianguo.lrmx")
    assert (result.created, result.updated) == (0, 1)
    assert result.changes[0].cadre_code == "C0002" and "Ethnicity" in result.changes[0].fields
    assert session.get(CadreRecord, city.cadre2.id).ethnicity == "03"


def test_every_bad_element_is_named_and_nothing_is_written(session, city):
    bad = (DATA / "invalid-fields.lrmx").read_bytes()
    with pytest.raises(ImportProblem) as error:
        import_forms(session, city.actor("reviewer"), zipped(("good.lrmx", LIU), ("bad.lrmx", bad)),
                     "forms.zip", unit="S1")
    lines = error.value.lines()
    for element in ("XingBie", "MinZu", "RuDangShiJian", "ShenFenZheng"):
        assert any(f"forms.zip/bad.lrmx, element {element}:" in line for line in lines), element
    assert not any("360102198505013016" in line for line in lines)  # never echoes an id number
    assert session.scalar(select(func.count()).select_from(CadreRecord)) == 0
    assert session.scalar(select(func.count()).select_from(Cadre)) == 2


def test_a_new_cadre_without_a_unit_is_an_error(session, city):
    with pytest.raises(ImportProblem, match="--unit"):
        import_forms(session, city.actor("reviewer"), LIU)


def test_a_reviewer_cannot_import_into_a_unit_outside_their_scope(session, city):
    with pytest.raises(ImportProblem, match="outside the units"):
        import_forms(session, city.actor("reviewer-d1"), LIU, unit="S2")


def test_the_dry_run_previews_the_changes_and_writes_nothing(session, city):
    result = import_forms(session, city.actor("reviewer"), LIU, unit="S1", dry_run=True)
    assert result.dry_run and result.changes[0].action == "new"
    assert session.scalar(select(func.count()).select_from(CadreRecord)) == 0


def test_the_id_number_is_masked_in_the_history(session, city):
    import_forms(session, city.actor("reviewer"), LIU, unit="S1")
    summaries = [e.summary for e in session.scalars(select(AuditEvent))]
    assert "360104197903124026" not in str(summaries)
    assert "360***********4026" in str(summaries)


# --- export
# ----------------------------------------------------------------------------------------

def test_the_export_fills_appraisal_results_and_rewards_and_sanctions(session, city):
    import_forms(session, city.actor("reviewer"), LIU, unit="S1")
    cadre = session.scalar(select(Cadre).where(Cadre.name == "刘晓梅"))
    for year, grade in ((2024, AppraisalGrade.COMPETENT), (2025, AppraisalGrade.EXCELLENT)):
        session.add(CadreAppraisal(cadre_id=cadre.id, year=year, grade=grade,
                                   unit_id=cadre.unit_id))
    session.add(Measure(cadre_id=cadre.id, unit_id=cadre.unit_id, code=MeasureType.ADMONISHMENT,
                        decided_on=date(2025, 3, 4)))
    session.commit()
    _name, content = appointment_forms.export_form(session, city.actor("reviewer"), cadre.code)
    form = lrmx.parse_form(content, "out.lrmx")
    assert form.get("NianDuKaoHeJieGuo") == "2024年年度考核称职，2025年年度考核优秀"
    assert form.get("JiangChengQingKuang") == "2019年被评为江州市优秀共产党员\n2025年3月受到诫勉"


def test_only_those_who_may_see_the_id_number_export_the_form(session, city):
    import_forms(session, city.actor("reviewer"), LIU, unit="S1")
    code = session.scalar(select(Cadre.code).where(Cadre.name == "刘晓梅"))
    for username in ("admin", "inspector", "cadre2"):
        with pytest.raises(AccessDenied):
            appointment_forms.export_form(session, city.actor(username), code)
    with pytest.raises(AccessDenied):
        appointment_forms.export_form(session, city.actor("reviewer-d1"), "C0002")  # 临江区
    appointment_forms.export_form(session, city.actor("reviewer-d1"), code)


def test_a_cadre_downloads_their_own_form(session, city):
    records.update_record(session, city.actor("reviewer"), city.cadre1,
                          {"native_place": "江西南昌"})
    session.commit()
    name, content = appointment_forms.export_form(session, city.actor("cadre"), "C0001")
    assert name == "C0001-王芳.lrmx" and lrmx.parse_form(content, name).get("JiGuan") == "江西南昌"


# --- the round trip through the command line ------------------------------------------------------

@pytest.fixture
def cli(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_LANG", "en")
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    runner = CliRunner()

    def invoke(url, *args):
        monkeypatch.setenv("DATABASE_URL", url)
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_export_import_into_an_empty_database_and_export_again_gives_the_same_file(
        session, city, cli, database_url, tmp_path):
    import_forms(session, city.actor("reviewer"), LIU, unit="S1")
    records.set_photo(session, city.actor("reviewer"), city.cadre1, PHOTOS[0])
    records.update_record(session, city.actor("reviewer"), city.cadre1, records.parse_values({
        "id_number": "360102198505013015", "ethnicity": "壮族", "resume": "2008.07--  "
                                                                        "桃桥街道科员\n待核的一"
                                                                        "行",
        "family": "丈夫|张三|1983-02|群众|个体经营"})[0])
    session.add(CadreAppraisal(cadre_id=city.cadre1.id, year=2025, grade=AppraisalGrade.EXCELLENT,
                               unit_id=city.s1.id))
    session.commit()
    liu = session.scalar(select(Cadre.code).where(Cadre.name == "刘晓梅"))
    first = tmp_path / "first.zip"
    assert cli(database_url, "export", "lrmx", "--unit", "S1", first).exit_code == 0
    single = tmp_path / "liu.lrmx"
    assert cli(database_url, "export", "lrmx", liu, single).exit_code == 0

    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    assert cli(empty, "init-db").exit_code == 0
    assert cli(empty, "import", "units", _units_file(tmp_path)).exit_code == 0
    result = cli(empty, "import", "lrmx", first, "--unit", "S1")
    assert result.exit_code == 0, result.output
    second = tmp_path / "second.zip"
    assert cli(empty, "export", "lrmx", "--unit", "S1", second).exit_code == 0

    assert _members(first.read_bytes()).keys() == {"C0001-王芳.lrmx", f"{liu}-刘晓梅.lrmx"}
    assert list(_members(first.read_bytes()).values()) == list(
        _members(second.read_bytes()).values()
    )
    assert _members(first.read_bytes())[f"{liu}-刘晓梅.lrmx"] == single.read_bytes()


def _units_file(tmp_path) -> Path:
    path = tmp_path / "units.csv"
    path.write_text("code,name,level,parent_code\nC,江州市,city,\nD1,青山区,district,C\nS1,桃桥街道,street,D1\n",
                    encoding="utf-8")
    return path


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_command_line_reports_a_bad_form_in_one_line_per_element_and_exits_1(cli, clean_db,
                                                                                 database_url):
    result = cli(database_url, "import", "lrmx", DATA / "invalid-unknown-element.lrmx", "--unit",
                 "S1")
    assert result.exit_code == 1
    assert "invalid-unknown-element.lrmx, element BeiZhu" in result.output


def test_export_lrmx_without_a_file_is_a_usage_error(cli, clean_db, database_url):
    assert cli(database_url, "export", "lrmx", "C0001").exit_code == 2


def test_a_form_without_an_id_number_leaves_the_number_on_record_alone(session, city):
    records.update_record(session, city.actor("reviewer"), city.cadre2,
                          {"id_number": "360102198505013015"})
    city.cadre2.name, city.cadre2.birth_date = "周建国", date(1985, 5, 1)
    session.commit()
    without = ZHOU.replace(b"<ShenFenZheng>360102198505013015</ShenFenZheng>", b"")
    result = import_forms(session, city.actor("reviewer"), without, "zhou-jianguo.lrmx")
    assert result.updated == 1 and result.changes[0].cadre_code == "C0002"
    assert session.get(CadreRecord, city.cadre2.id).id_number == "360102198505013015"


def test_a_form_written_in_gbk_by_an_older_writer_is_read():
    gbk = ZHOU.decode("utf-8").replace('encoding="UTF-8"', 'encoding="GB2312"').encode("gb18030")
    assert lrmx.parse_form(gbk, "old.lrmx").get("XingMing") == "周建国"
