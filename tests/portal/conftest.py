"""Fixtures for the platform's tests: the ``portal`` command run against the test database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from portal.cli import main


@pytest.fixture
def run(clean_db, database_url, monkeypatch, tmp_path):
    """``run("import", "units", path)``: the command's result; a traceback fails the test."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_LANG", "en")
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke
