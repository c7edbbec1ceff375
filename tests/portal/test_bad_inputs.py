"""Every bad file through every importer, from the command line and from the upload on the
pages, ends in the one-line error and leaves the database exactly as it was (issue 13:
the memory-eating workbook, encodings, NUL bytes, endless cells, ``inf`` and ``2025.7``).

The database is compared as a whole (every row of every table) before and after."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from portal import backup, transfer
from tests import factories
from tests.portal.bad_inputs import corpus
from tests.web import csrf_header, login

KINDS = sorted(transfer.importers())
CORPUS = corpus()


def fingerprint(engine) -> str:
    dump = backup.dump_tables(engine)
    return hashlib.sha256(json.dumps(dump, sort_keys=True, default=str).encode()).hexdigest()


@pytest.fixture
def city(session):
    return factories.city(session)


def test_the_corpus_covers_every_importer_and_the_reported_files():
    assert {"units", "indicators", "scores", "cadres", "training", "measures", "grades",
            "cases"} <= set(KINDS)
    assert len(CORPUS) >= 14


@pytest.mark.parametrize("name, data", CORPUS, ids=[name for name, _data in CORPUS])
def test_the_command_line_refuses_the_file_for_every_kind_in_one_line(run, city, clean_db, tmp_path,
                                                                      name, data):
    before = fingerprint(clean_db)
    path = tmp_path / name
    path.write_bytes(data)
    for kind in KINDS:
        result = run("import", kind, path)  # a traceback fails the test here
        lines = result.output.splitlines()
        assert result.exit_code == 1, (kind, result.output)
        assert lines[0].startswith("error: ") and name in lines[0], (kind, lines[0])
        assert all(line.startswith("  ") for line in lines[1:]), (kind, result.output)
    assert fingerprint(clean_db) == before


def _upload(client, app, kind: str, name: str, data: bytes):
    def ident(part: str) -> dict:
        return {"type": part, "kind": kind}

    key = next(k for k in app.callback_map if '"import-result"' in k)
    body = {
        "output": key,
        "outputs": [
            {"id": ident("import-result"), "property": "children"},
            {"id": ident("import-upload"), "property": "contents"},
        ],
        "inputs": [
            {
                "id": ident("import-upload"),
                "property": "contents",
                "value": "data:application/octet-stream;base64," + base64.b64encode(data).decode(),
            }
        ],
        "state": [
            {"id": ident("import-upload"), "property": "filename", "value": name},
            {"id": ident("import-dry-run"), "property": "value", "value": False},
            {"id": ident("import-period"), "property": "data", "value": None},
            {"id": ident("import-upload"), "property": "id", "value": ident("import-upload")},
        ],
        "changedPropIds": [
            json.dumps(ident("import-upload"), sort_keys=True, separators=(",", ":")) + ".contents"
        ],
    }
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))


def test_the_upload_refuses_every_file_for_every_kind_with_a_message(client, app, city, clean_db):
    login(client, "admin")
    before = fingerprint(clean_db)
    for name, data in CORPUS:
        for kind in KINDS:
            response = _upload(client, app, kind, name, data)
            assert response.status_code == 200, (name, kind, response.get_data(as_text=True)[:300])
            shown = json.dumps(response.get_json()["response"], ensure_ascii=False)
            assert '"color": "danger"' in shown, (name, kind, shown[:300])
    assert fingerprint(clean_db) == before


def test_a_fractional_year_does_not_overwrite_the_grade_of_the_year(run, city, clean_db, tmp_path):
    good = tmp_path / "grades.csv"
    good.write_text("cadre_code,year,grade\nC0001,2025,competent\n", encoding="utf-8")
    assert run("import", "grades", good).exit_code == 0
    before = fingerprint(clean_db)
    bad = tmp_path / "grades-bad.csv"
    bad.write_text("cadre_code,year,grade\nC0001,2025.7,excellent\n", encoding="utf-8")
    result = run("import", "grades", bad)
    assert (
        result.exit_code == 1
        and "row 2, column year (年度): must be a whole number" in result.output
    )
    assert fingerprint(clean_db) == before


def test_a_birth_date_in_the_future_is_refused_naming_row_and_column(run, city, clean_db, tmp_path):
    path = tmp_path / "cadres.csv"
    path.write_text("code,name,gender,birth_date,unit_code,category\nC0009,赵敏,女,2099-01-01,S1,leading_cadre\n",
                    encoding="utf-8")
    before = fingerprint(clean_db)
    result = run("import", "cadres", path)
    assert result.exit_code == 1, result.output
    assert "row 2, column birth_date (出生日期): is not a plausible birth date" in result.output
    assert fingerprint(clean_db) == before


def test_a_second_import_of_the_same_new_keys_at_once_is_a_plain_conflict(run, city, clean_db,
                                                                          tmp_path,
                                                                          monkeypatch):
    """The other import commits between this one's check and its write: a Conflict, not an
    IntegrityError, and nothing of this import is written."""
    from portal import units
    from portal.models import Unit

    path = tmp_path / "units.csv"
    path.write_text("code,name,level,parent_code\nK9,新建社区,community,S1\n", encoding="utf-8")
    real = units.ImportResult

    def the_other_import_commits_first(*args, **kwargs):
        with clean_db.begin() as connection:
            connection.execute(Unit.__table__.insert().values(code="K9", name="另一个",
                                                              level="community",
                                                              kind="territorial", path="/x/",
                                                              active=True))
        return real(*args, **kwargs)

    monkeypatch.setattr(units, "ImportResult", the_other_import_commits_first)
    result = run("import", "units", path)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: Someone else saved the same records at the same moment")
    with clean_db.connect() as connection:
        names = connection.execute(Unit.__table__.select().where(Unit.code == "K9")).all()
    assert [row.name for row in names] == ["另一个"]


def test_the_command_line_refuses_an_oversized_file_before_reading_it(run, tmp_path, monkeypatch):
    from pathlib import Path

    from portal import tabular

    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1024)
    path = tmp_path / "big.csv"
    path.write_bytes(b"code,name,level\n" + b"C,x,city\n" * 500)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    result = run("import", "units", path)
    assert result.exit_code == 1
    assert result.output.startswith("error: big.csv: the file is 0.0 MB; import files may be at "
                                    "most 0 MB")
