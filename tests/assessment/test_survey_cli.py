"""``portal survey codes --period P --unit CODE --group G --count N FILE.csv`` (contracts.md)."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from assessment import surveys
from assessment.models import SurveyCode
from portal.cli import main
from portal.enums import UnitLevel
from tests.assessment.conftest import YEAR, build_scheme, open_period
from tests.assessment.test_surveys import ALL_SATISFIED, SURVEY_SCHEME


@pytest.fixture
def period(session, city):
    build_scheme(session, city.actor("admin"), YEAR, UnitLevel.STREET, SURVEY_SCHEME)
    session.commit()
    return open_period(session, city)


@pytest.fixture
def run(clean_db, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_LANG", "en")
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "https://survey.example.cn/")
    return lambda *args: CliRunner().invoke(main, [str(a) for a in args])


def test_codes_are_written_to_a_csv_that_only_its_owner_can_read(run, session, period,
                                                                 tmp_path):
    out = tmp_path / "codes.csv"
    result = run("survey", "codes", "--period", period, "--unit", "S1", "--group", "residents",
                 "--count", 5, out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 5 and {r["unit_code"] for r in rows} == {"S1"}
    assert rows[0]["url"] == f"https://survey.example.cn/survey/{rows[0]['code']}"
    assert out.stat().st_mode & 0o077 == 0
    assert session.scalar(select(func.count()).select_from(SurveyCode)) == 5
    surveys.submit(session, rows[0]["code"], ALL_SATISFIED)  # the codes in the file work
    session.commit()


def test_bad_input_is_one_line_and_writes_nothing(run, session, period, tmp_path):
    out = tmp_path / "codes.csv"
    result = run("survey", "codes", "--period", period, "--unit", "NOPE", "--group", "staff",
                 "--count", 2, out)
    assert result.exit_code == 1 and "NOPE" in result.output and "Traceback" not in result.output
    assert not out.exists()
    assert run("survey", "codes", "--period", "2031Q1", "--unit", "S1", "--group", "staff",
               "--count", 2, out).exit_code == 1
    assert run("survey", "codes", "--period", period, "--unit", "S1", "--group", "aliens",
               "--count", 2, out).exit_code == 2
    assert run("survey", "codes", "--period", period, "--unit", "S1", "--group", "staff",
               "--count", 0, out).exit_code == 2
    assert session.scalar(select(func.count()).select_from(SurveyCode)) == 0
