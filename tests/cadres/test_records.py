"""The full cadre record as a service: who reads and changes it, the masked id number, the history
in the audit log, the photo, and the CSV/XLSX kind ``records``."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from cadres import records
from cadres.demo_photos import PHOTOS
from cadres.models import CadrePhoto, CadreRecord
from portal import backup, schema, transfer
from portal import db as portal_db
from portal.errors import AccessDenied, Invalid
from portal.models import AuditEvent
from portal.tabular import ImportProblem, to_bytes

ID_1 = "360102198505013015"
ID_2 = "360104197903124026"


def edit(session, city, username, cadre, **texts):
    values, problems = records.parse_values(texts)
    assert not problems, problems
    changes = records.update_record(session, city.actor(username), cadre, values)
    session.commit()
    return changes


def test_a_reviewer_in_scope_fills_in_the_record_and_the_history_masks_the_id_number(session, city):
    changes = edit(session, city, "reviewer-d1", city.cadre1, id_number=ID_1, ethnicity="汉族",
                   fulltime_education="大学", fulltime_degree="法学学士", party_joined="2008-06")
    assert changes["id_number"] == [None, "360***********3015"]
    record = session.get(CadreRecord, city.cadre1.id)
    assert (record.id_number, record.ethnicity, record.fulltime_education,
            record.fulltime_degree) == (
        ID_1, "01", "20", "403")
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "cadre.record.updated")
    ).one()
    assert ID_1 not in str(event.summary) and event.summary["cadre"] == "C0001"


def test_saving_the_same_values_again_writes_no_history(session, city):
    edit(session, city, "reviewer", city.cadre1, native_place="江西南昌")
    assert edit(session, city, "reviewer", city.cadre1, native_place="江西南昌") == {}
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "cadre.record.updated")) == 1


@pytest.mark.parametrize("username", ["reviewer-d1", "inspector", "cadre2", "cadre"])
def test_only_reviewers_in_scope_change_a_record(session, city, username):
    with pytest.raises(AccessDenied):
        records.update_record(session, city.actor(username), city.cadre2, {"native_place": "江西"})


def test_bad_typed_values_are_named_field_by_field():
    _values, problems = records.parse_values({"id_number": "110105194912310021",
                                              "ethnicity": "火星族",
                                              "work_started": "2019-13", "family": "妻子|张三"})
    assert set(problems) == {"id_number", "ethnicity", "work_started", "family"}
    assert "check character" in problems["id_number"] and "GB/T 3304" in problems["ethnicity"]


def test_more_than_ten_family_members_are_refused():
    lines = "\n".join(f"子女|孩子{n}|2000-01|群众|学生" for n in range(11))
    assert "room for 10" in records.parse_values({"family": lines})[1]["family"]


def test_an_id_number_already_recorded_for_another_cadre_is_refused(session, city):
    edit(session, city, "reviewer", city.cadre1, id_number=ID_1)
    with pytest.raises(Invalid, match="another cadre"):
        edit(session, city, "reviewer", city.cadre2, id_number=ID_1)


@pytest.mark.parametrize("username, shown",
                         [("reviewer", ID_1), ("reviewer-d1", ID_1), ("cadre", ID_1),
                                             ("admin", "360***********3015"),
                                             ("inspector", "360***********3015")])
def test_the_id_number_is_whole_only_for_reviewers_in_scope_and_the_cadre_themself(session, city,
                                                                                   username, shown):
    edit(session, city, "reviewer", city.cadre1, id_number=ID_1)
    record = session.get(CadreRecord, city.cadre1.id)
    assert records.shown_id_number(city.actor(username), city.cadre1, record) == shown


def test_inspectors_and_other_cadres_do_not_read_the_full_record(session, city):
    for username in ("inspector", "cadre2"):
        with pytest.raises(AccessDenied):
            records.record_of(session, city.actor(username), city.cadre1)


def test_a_photo_must_be_a_small_jpeg(session, city):
    records.set_photo(session, city.actor("reviewer"), city.cadre1, PHOTOS[0])
    with pytest.raises(Invalid, match="JPEG"):
        records.set_photo(session, city.actor("reviewer"), city.cadre1,
                          b"\x89PNG\r\n\x1a\n" + b"0" * 500)
    with pytest.raises(Invalid, match="larger than"):
        records.set_photo(session, city.actor("reviewer"), city.cadre1,
                          PHOTOS[0] + b"0" * 1024 * 1024)
    assert records.photo_of(session, city.actor("cadre"), city.cadre1) == PHOTOS[0]


# --- CSV / XLSX
# ------------------------------------------------------------------------------------

RECORDS_CSV = f"""干部编号,身份证号,民族,入党时间,全日制学历,全日制学位,简历,家庭成员
C0001,{ID_1},汉族,2008-06,大学,法学学士,"2003.09--2007.07  江州大学法学专业学习
2007.07--  桃桥街道科员
待核的一行","丈夫|张三|1983-02|群众|个体经营
女儿|张小花|2012-09||学生"
C0002,{ID_2},回族,,研究生,管理学硕士,,
"""


def run(session, actor, text, filename="records.csv", dry_run=False):
    result = transfer.run_import(session, actor, "records", text.encode("utf-8"), filename,
                                 dry_run=dry_run)
    session.commit()
    return result


def test_records_import_with_chinese_headers_and_names(session, city):
    result = run(session, city.actor("reviewer"), RECORDS_CSV)
    assert (result.created, result.updated) == (2, 0)
    record = session.get(CadreRecord, city.cadre1.id)
    assert record.resume[1] == {"start": "200707", "end": "", "text": "桃桥街道科员"}
    assert record.resume_note == "待核的一行"
    assert [m["name"] for m in record.family] == ["张三", "张小花"]
    assert run(session, city.actor("reviewer"), RECORDS_CSV).unchanged == 2


def test_records_export_imports_back_unchanged_in_xlsx(session, city):
    run(session, city.actor("reviewer"), RECORDS_CSV)
    content = transfer.run_export(session, city.actor("reviewer"), "records", "xlsx")
    before = {r.cadre_id: records.history_view(r) for r in session.scalars(select(CadreRecord))}
    result = transfer.run_import(session, city.actor("reviewer"), "records", content,
                                 "records.xlsx")
    session.commit()
    assert result.unchanged == 2
    assert {
        r.cadre_id: records.history_view(r) for r in session.scalars(select(CadreRecord))
    } == before


def test_only_reviewers_export_the_records_and_they_get_the_id_numbers_whole(session, city):
    run(session, city.actor("reviewer"), RECORDS_CSV)
    for username in ("admin", "inspector"):
        with pytest.raises(AccessDenied):
            transfer.run_export(session, city.actor(username), "records", "csv")
    assert ID_1 in to_bytes(transfer.exporters()["records"](session, city.actor("reviewer")),
                            "csv").decode("utf-8-sig")
    district = transfer.exporters()["records"](session, city.actor("reviewer-d1"))
    assert [row["code"] for row in district.rows] == ["C0001"]


def test_a_bad_records_file_names_every_problem_never_shows_an_id_number_and_writes_nothing(session,
                                                                                            city):
    bad = RECORDS_CSV.replace(ID_2, "360104197903124027").replace("回族", "火星族").replace("C0002",
                                                                                            "C0009")
    with pytest.raises(ImportProblem) as error:
        run(session, city.actor("reviewer"), bad)
    text = "\n".join(error.value.lines())
    assert "records.csv, row 3, column code (干部编号): no cadre has this code" in text
    assert "check character" in text and "360104197903124027" not in text and "GB/T 3304" in text
    assert session.scalar(select(func.count()).select_from(CadreRecord)) == 0


def test_two_rows_with_one_id_number_are_refused(session, city):
    with pytest.raises(ImportProblem, match="same id number as row 2"):
        run(session, city.actor("reviewer"), RECORDS_CSV.replace(ID_2, ID_1))


def test_the_photo_and_the_record_survive_a_portable_backup(session, city, clean_db, tmp_path):
    edit(session, city, "reviewer", city.cadre1, id_number=ID_1, resume="2007.07--  桃桥街道科员")
    records.set_photo(session, city.actor("reviewer"), city.cadre1, PHOTOS[0])
    session.commit()
    dump = tmp_path / "backup.json.gz"
    backup.backup(clean_db, dump)
    target = portal_db.make_engine(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    schema.upgrade(target)
    backup.restore(target, dump)
    with portal_db.standalone(target) as restored:
        assert restored.get(CadrePhoto, city.cadre1.id).data == PHOTOS[0]
        assert restored.get(CadreRecord, city.cadre1.id).resume[0]["text"] == "桃桥街道科员"


def test_the_id_number_is_encrypted_at_rest(session, city):
    edit(session, city, "reviewer", city.cadre1, id_number=ID_1)
    stored = session.execute(text("SELECT id_number, id_number_digest FROM cadre_record")).one()
    assert ID_1 not in stored[0] and stored[0].startswith("v1:") and ID_1 not in stored[1]
    assert records.find_by_id_number(session, ID_1).code == "C0001"
