"""Confidential texts are encrypted in the database (AES-GCM, key outside it): a copied
database file or backup shows none of them, while inspectors still read and search them."""

from __future__ import annotations

from sqlalchemy import text

from accountability import cases
from accountability.models import Case

PLAIN = ["机密标题", "机密摘要", "机密理由", "机密备注", "他人申请陈述", "本人申请陈述",
         "核实笔记机密",
         "委员会机密理由"]
TABLES = ["ac_case", "ac_case_event", "ac_measure", "ac_tolerance", "ac_name_clearing",
          "ac_follow_up_visit"]


def _raw(engine) -> str:
    """Every row of the accountability tables as the database stores it."""
    with engine.connect() as connection:
        return "\n".join(str(row) for table in TABLES
                         for row in connection.execute(text(f"SELECT * FROM {table}")))


def test_the_raw_tables_hold_no_confidential_plain_text(world, clean_db):
    stored = _raw(clean_db)
    assert "v1:" in stored  # the sealed form is there …
    for secret in PLAIN:
        assert secret not in stored, secret  # … and none of the texts


def test_the_inspector_reads_the_texts_and_finds_a_case_by_its_summary(world, session):
    inspector = world["city"].actor("inspector")
    case = cases.get_case(session, inspector, world["case"])
    assert case.title == "机密标题" and case.summary.startswith("机密摘要")
    by_summary = cases.case_rows(session, inspector, search="津补贴")
    by_title = cases.case_rows(session, inspector, search="机密标题")
    by_person = cases.case_rows(session, inspector, search="李娜")
    assert (
        [r.id for r in by_summary]
        == [r.id for r in by_title]
        == [r.id for r in by_person]
        == [world["case"]]
    )
    assert cases.case_rows(session, inspector, search="不存在的词") == []


def test_a_backup_of_the_database_shows_no_confidential_text(world, tmp_path, clean_db):
    from portal import backup

    path = tmp_path / "copy.json"
    backup.backup(clean_db, path)
    dumped = path.read_text(encoding="utf-8")
    for secret in PLAIN:
        assert secret not in dumped, secret


def test_a_restored_backup_reads_the_same_texts(world, tmp_path, clean_db):
    from portal import backup, schema
    from portal import db as portal_db

    backup.backup(clean_db, tmp_path / "copy.json.gz")
    target = portal_db.make_engine(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    schema.upgrade(target)
    backup.restore(target, tmp_path / "copy.json.gz")
    with portal_db.standalone(target) as session:
        case = session.get(Case, world["case"])
        assert (case.title, case.summary) == ("机密标题", "机密摘要：举报人张某反映违规发放津补贴")
    assert "机密标题" not in _raw(target)
    target.dispose()
