"""The portal command: exit codes, one-line errors, user creation, import/export, backup and
restore."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from portal import audit, schema
from portal import db as portal_db
from portal.access import Actor
from portal.cli import main
from portal.models import AuditEvent, Unit, User
from tests import factories

UNITS = "code,name,level,parent_code\nC,江州市,city,\nD1,青山区,district,C\n"


def test_help_lists_the_contract_commands(run):
    result = run("--help")
    for command in ("demo", "serve", "init-db", "user", "import", "export", "backup", "restore",
                    "audit"):
        assert command in result.output


def test_usage_error_exits_2(run):
    assert run("import").exit_code == 2
    assert run("user", "create", "x", "--role", "king").exit_code == 2


def test_import_then_export_units(run, tmp_path, session):
    path = tmp_path / "units.csv"
    path.write_text(UNITS, encoding="utf-8")
    result = run("import", "units", path, "--dry-run")
    assert result.exit_code == 0 and "dry run" in result.output
    assert session.scalar(select(func.count()).select_from(Unit)) == 0
    assert run("import", "units", path).exit_code == 0
    out = tmp_path / "out.xlsx"
    assert run("export", "units", out).exit_code == 0 and out.stat().st_size > 0


def test_bad_file_exits_1_naming_row_and_column(run, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS + "S1,桃桥街道,province,D1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "units", str(path)])
    assert result.exit_code == 1
    assert "row 4" in result.output and "level" in result.output
    assert "Traceback" not in result.output


def test_missing_file_and_unknown_kind_are_one_line_errors(run, tmp_path):
    assert run("import", "units", tmp_path / "nope.csv").exit_code in (1, 2)
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    result = CliRunner().invoke(main, ["import", "planets", str(path)])
    assert result.exit_code == 1 and "Unknown kind planets" in result.output


def test_user_create_reads_the_password_from_stdin_and_checks_rules(run, session):
    factories.city(session)
    weak = CliRunner().invoke(main, ["user", "create", "bob", "--role", "reviewer", "--unit", "D1",
                                     "--password-stdin"], input="short\n")
    assert weak.exit_code == 1 and "at least 10" in weak.output
    result = run("user", "create", "bob", "--role", "reviewer", "--unit", "D1", "--password-stdin",
                 input="Strong#Pass2026\n")
    assert result.exit_code == 0, result.output
    session.expire_all()
    bob = session.scalar(select(User).where(User.username == "bob"))
    assert bob.unit.code == "D1" and bob.password_hash.startswith("scrypt")


def test_cadre_login_needs_an_existing_cadre(run, session):
    factories.city(session)
    result = CliRunner().invoke(main,
                                ["user", "create", "c9", "--role", "cadre", "--cadre", "C9999",
                                       "--password-stdin"], input="Strong#Pass2026\n")
    assert result.exit_code == 1 and "C9999" in result.output


def test_audit_verify_fails_after_a_row_is_altered_by_hand(run, tmp_path, clean_db):
    path = tmp_path / "units.csv"
    path.write_text(UNITS, encoding="utf-8")
    run("import", "units", path)
    run("export", "units", tmp_path / "u.csv")
    assert run("audit", "verify").exit_code == 0
    with clean_db.begin() as connection:
        connection.execute(text("UPDATE audit_event SET action = 'nothing' WHERE seq = 1"))
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and "seq 1" in result.output


@pytest.mark.parametrize("suffix", [".json.gz", ".sqlite"])
def test_backup_restore_round_trip(run, session, tmp_path, suffix, database_url):
    if suffix == ".sqlite" and not database_url.startswith("sqlite"):
        pytest.skip("SQLite online backup needs an SQLite database")
    factories.city(session)
    audit.log(session, Actor.system(session), "test.event", entity_type="x")
    session.commit()
    backup = tmp_path / f"backup{suffix}"
    assert run("backup", backup).exit_code == 0
    target_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    target = portal_db.make_engine(target_url)
    schema.upgrade(target)
    result = CliRunner().invoke(main, ["restore", str(backup)], env={"DATABASE_URL": target_url})
    assert result.exit_code == 0, result.output
    with portal_db.standalone(target) as restored:
        assert restored.scalar(select(func.count()).select_from(User)) == 8
        assert {u.code for u in restored.scalars(select(Unit))} == {"C", "D1", "D2", "S1", "S2",
                                                                    "K1", "K2"}
        assert audit.verify(restored).ok
        assert (
            restored.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1))
            == "restore"
        )
    again = CliRunner().invoke(main, ["restore", str(backup)], env={"DATABASE_URL": target_url})
    assert again.exit_code == 1 and "not empty" in again.output
    forced = CliRunner().invoke(main, ["restore", str(backup), "--force"],
                                env={"DATABASE_URL": target_url})
    assert forced.exit_code == 0


def test_unreachable_database_is_a_one_line_error(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and "database cannot be used" in result.output


def test_a_database_set_back_to_before_a_backup_fails_against_that_backups_head(run, session,
                                                                                tmp_path):
    """Replacing the database by an older copy gives a chain that verifies on its own; the
    head written beside the later backup shows that events were removed."""
    factories.city(session)
    audit.log(session, Actor.system(session), "test.event", entity_type="x")
    session.commit()
    assert run("backup", tmp_path / "early.json").exit_code == 0
    audit.log(session, Actor.system(session), "test.later", entity_type="x")
    session.commit()
    assert run("backup", tmp_path / "late.json").exit_code == 0
    head = tmp_path / "late.json.audit-head.json"
    assert run("audit", "verify", "--head", head).exit_code == 0
    assert run("restore", tmp_path / "early.json", "--force").exit_code == 0
    assert run("audit", "verify").exit_code == 0  # consistent in itself …
    result = CliRunner().invoke(main, ["audit", "verify", "--head", str(head)])
    assert result.exit_code == 1 and "missing" in result.output  # … but not with the later backup


def test_a_forged_backup_head_is_refused(run, session, tmp_path):
    factories.city(session)
    audit.log(session, Actor.system(session), "test.event", entity_type="x")
    session.commit()
    forged = tmp_path / "forged.audit-head.json"
    forged.write_text('{"format": "governance-portal-audit-head", "seq": 1, "hash": "00", "mac": '
                      '"00", '
                      '"base_seq": 0, "base_hash": "0"}')
    result = CliRunner().invoke(main, ["audit", "verify", "--head", str(forged)])
    assert result.exit_code == 1 and "not sealed" in result.output
