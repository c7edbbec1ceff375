"""Reporters (填报员): a login bound to a unit or to a lead department (牵头部门), created
from the command line or a users file, that reaches none of the office's assessment pages."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from assessment import results, scores
from assessment.models import LeadDepartment
from portal import provisioning
from portal.access import Actor
from portal.cli import main
from portal.enums import Role, UnitLevel
from portal.errors import AccessDenied
from portal.models import User
from portal.tabular import ImportProblem
from tests.assessment.test_callbacks import overview, text
from tests.web import login

STRONG = "Strong#Pass2026\n"


@pytest.fixture
def run(clean_db, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_LANG", "en")
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))

    def invoke(*args, input=STRONG):
        return CliRunner().invoke(main, [str(a) for a in args], input=input,
                                  catch_exceptions=False)

    return invoke


def _department(session):
    session.add(LeadDepartment(code="ZFW", name="市委政法委", active=True))
    session.commit()


def test_a_unit_reporter_is_created_for_its_unit_from_the_command_line(run, session, city):
    result = run("user", "create", "k1-reporter", "--role", "reporter", "--unit", "K1",
                 "--password-stdin")
    assert result.exit_code == 0, result.output
    session.expire_all()
    created = session.scalar(select(User).where(User.username == "k1-reporter"))
    assert created.role == Role.REPORTER and created.unit.code == "K1"
    assert created.department_code is None


def test_a_department_reporter_is_bound_to_an_existing_lead_department(run, session, city):
    _department(session)
    result = run("user", "create", "zfw", "--role", "reporter", "--department", "ZFW",
                 "--password-stdin")
    assert result.exit_code == 0, result.output
    session.expire_all()
    created = session.scalar(select(User).where(User.username == "zfw"))
    assert created.department_code == "ZFW" and created.unit.code == "C"  # the whole city
    assert Actor.for_user(created).department_code == "ZFW"


@pytest.mark.parametrize("args, words", [
    (("--role", "reporter", "--department", "NOPE"), "NOPE"),
    (("--role", "reporter"), "--unit CODE"),
    (("--role", "reviewer", "--unit", "D1", "--department", "ZFW"), "Only a reporter"),
])
def test_a_reporter_login_that_names_no_valid_binding_is_refused(run, session, city, args, words):
    _department(session)
    result = run("user", "create", "x1", *args, "--password-stdin")
    assert result.exit_code == 1 and words in result.output
    assert "Traceback" not in result.output
    session.expire_all()
    assert session.scalar(select(User).where(User.username == "x1")) is None


def test_a_users_file_creates_reporters_and_names_a_bad_department(session, city):
    _department(session)
    admin = city.actor("security")
    data = (b"username,role,unit_code,department_code\n"
            b"r-k1,reporter,K1,\nr-zfw,reporter,,ZFW\n")
    result = provisioning.import_users(session, admin, data, "logins.csv")
    assert result.created == 2
    by_name = {u.username: u for u in session.scalars(select(User))}
    assert by_name["r-zfw"].department_code == "ZFW" and by_name["r-zfw"].unit.code == "C"
    assert by_name["r-k1"].unit.code == "K1" and by_name["r-k1"].department_code is None
    session.rollback()
    bad = b"username,role,unit_code,department_code\nr-x,reporter,,GHOST\n"
    with pytest.raises(ImportProblem) as refused:
        provisioning.import_users(session, admin, bad, "logins.csv")
    assert "GHOST" in refused.value.message and "department_code" in refused.value.message


def test_reporters_may_report_and_appeal_but_not_edit_or_view_the_office_pages(reporters):
    for name in ("reporter-unit", "reporter-dept"):
        actor = reporters.actor(name)
        assert actor.can("assessment.report") and actor.can("assessment.appeal")
        assert not any(actor.can(p) for p in ("assessment.view", "assessment.edit",
                                              "assessment.publish", "schemes.manage"))


def test_a_reporter_cannot_read_the_score_sheet_or_the_results(session, reporters, published):
    actor = reporters.actor("reporter-unit")
    with pytest.raises(AccessDenied):
        scores.sheet(session, actor, published, UnitLevel.STREET, unit_id=reporters.s2.id)
    with pytest.raises(AccessDenied):
        results.results_frame(session, actor, published, None, permissions=results.READ)


@pytest.mark.parametrize("username", ["reporter-unit", "reporter-dept"])
def test_the_overview_callback_refuses_a_reporter(client, reporters, published, username):
    login(client, username)
    response = overview(client, published, reporters.city.id)
    assert response.status_code == 403
    assert "梅园街道" not in text(response)
