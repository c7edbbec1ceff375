"""The 50-user load test's short form (bench/load.py, 30 seconds): the demo city on a fresh
PostgreSQL schema, 4 gunicorn workers sharing Redis, reviewers, inspectors and cadres
mixing dashboards, edits, a claim and an import. It fails on any error; its timings are
printed (run with -s to see the table), never asserted."""

from __future__ import annotations

import os

import pytest

from bench import load
from tests.conftest import PG_URL, pg_schema

REDIS_URL = os.environ.get("TEST_REDIS_URL")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (PG_URL and REDIS_URL),
                       reason="TEST_DATABASE_URL and TEST_REDIS_URL are not set (CI sets them; "
                              "see .ci/run)"),
]


@pytest.fixture
def fresh_schema():
    with pg_schema("portal_load") as url:
        yield url


def test_fifty_users_for_thirty_seconds_get_no_error(fresh_schema, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    status = load.main(["--serve", "--db", fresh_schema, "--workers",
                        "4",  # on a free loopback port
                        "--users", "50", "--seconds", "30", "--max-requests", "5000"])
    printed = capsys.readouterr().out
    with capsys.disabled():
        print("\n" + printed)
    assert "result: PASS" in printed and status == 0, printed
    for action in ("assessment overview", "training overview", "accountability overview",
                   "my training",
                   "edit: a grade", "claim: a study claim", "import: grades"):
        assert f"  {action} " in printed, f"{action} was not exercised"
