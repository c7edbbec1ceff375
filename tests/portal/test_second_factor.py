"""The second factor (TOTP, RFC 6238): required for the administrators and inspectors,
optional for the others, enrolled with a QR code, never accepted twice, with recovery
codes; a fresh installation walks its first administrator through all of it."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from portal import accounts, totp
from portal import db as portal_db
from portal.cli import main
from portal.config import Config
from portal.models import User
from tests import factories
from tests.web import TOKEN, callback, login

NEW_PASSWORD = "Kestrel-Lantern-58"


def _token(client, path: str) -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def _post(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": _token(client, path)})


def _user(session, name: str) -> User:
    session.expire_all()
    return session.scalar(select(User).where(User.username == name))


def test_a_fresh_installation_walks_the_first_administrator_through_both_steps(
        app, client, clean_db, database_url, monkeypatch, tmp_path):
    """portal init-db → portal user create → first login: set up the authenticator, keep the
    recovery codes, choose a new password, and only then the portal."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    assert runner.invoke(main, ["init-db"]).exit_code == 0
    assert runner.invoke(main, ["import", "units", str(_units(tmp_path))]).exit_code == 0
    created = runner.invoke(main,
                            ["user", "create", "chief", "--role", "admin", "--password-stdin"],
                            input="Granite-Violet-804\n")
    assert created.exit_code == 0, created.output
    first = login(client, "chief", "Granite-Violet-804")
    assert first.headers["Location"].endswith("/login/enrol")
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/admin/units").headers["Location"].endswith("/login/enrol")
    page = client.get("/login/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code
    secret = re.search(r'class="enrol-secret">([A-Z2-7]+)<', page).group(1)
    wrong = _post(client, "/login/enrol", code="000000")
    assert wrong.status_code == 400
    enrolled = _post(client, "/login/enrol", code=totp.code_for(secret, totp.current_step()))
    shown = enrolled.get_data(as_text=True)
    codes = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", shown)
    assert len(codes) == 10
    onward = client.post("/login/continue", data={"csrf_token": TOKEN.search(shown).group(1)})
    assert onward.headers["Location"].endswith("/login/new-password")
    assert client.get("/_dash-layout").status_code == 401
    done = _post(client, "/login/new-password", new_password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert done.status_code == 302 and done.headers["Location"] == "/admin/units"
    assert client.get("/_dash-layout").status_code == 200
    with portal_db.standalone(clean_db) as session:
        user = session.scalar(select(User).where(User.username == "chief"))
        assert user.totp_secret == secret and not user.must_change_password
        assert len(user.recovery_codes) == 10 and codes[0] not in str(user.recovery_codes)


def _units(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("code,name,level,parent_code\nC,江州市,city,\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("role", ["admin", "security", "auditor", "inspector"])
def test_roles_that_need_a_second_factor_cannot_skip_it(client, session, role):
    factories.city(session)
    token = _token(client, "/login")
    response = client.post("/login", data={"username": role, "password": factories.PASSWORD,
                                           "csrf_token": token})
    assert response.headers["Location"].endswith("/login/second-factor")
    assert client.get("/_dash-layout").status_code == 401
    assert callback(client, [("audit-grid", "rowData")],
                    [("audit-who", "value", None)]).status_code == 401


def test_a_code_is_never_accepted_twice(client, app, session):
    factories.city(session)
    code = totp.code_for(factories.TOTP_SECRET, totp.current_step())
    token = _token(client, "/login")
    client.post("/login",
                data={"username": "inspector", "password": factories.PASSWORD, "csrf_token": token})
    assert _post(client, "/login/second-factor", code=code).status_code == 302
    other = app.server.test_client()
    token = _token(other, "/login")
    other.post("/login",
               data={"username": "inspector", "password": factories.PASSWORD, "csrf_token": token})
    replay = _post(other, "/login/second-factor", code=code)
    assert replay.status_code == 401 and "not right" in replay.get_data(as_text=True)


def test_a_recovery_code_logs_in_once(client, app, session):
    factories.city(session)
    user = _user(session, "auditor")
    user.totp_secret = None
    session.commit()
    codes = accounts.enrol_second_factor(session, _user(session, "auditor"), factories.TOTP_SECRET,
                                         totp.code_for(factories.TOTP_SECRET,
                                                       totp.current_step() - 1),
                                         "", accounts.LockoutPolicy())
    session.commit()
    for attempt, expected in ((client, 302), (app.server.test_client(), 401)):
        token = _token(attempt, "/login")
        attempt.post("/login",
                     data={"username": "auditor", "password": factories.PASSWORD,
                           "csrf_token": token})
        assert _post(attempt, "/login/second-factor", code=codes[0].upper()).status_code == expected
    assert len(_user(session, "auditor").recovery_codes) == 9


def test_wrong_codes_make_the_source_wait_like_wrong_passwords(client, session):
    factories.city(session)
    token = _token(client, "/login")
    client.post("/login",
                data={"username": "inspector", "password": factories.PASSWORD, "csrf_token": token})
    for _ in range(5):
        _post(client, "/login/second-factor", code="123456")
    assert accounts.is_throttled(session, "inspector", "127.0.0.1")


def test_after_a_second_factor_reset_the_login_enrols_again(client, session):
    city = factories.city(session)
    accounts.reset_second_factor(session, city.actor("security"), "inspector")
    session.commit()
    assert login(client, "inspector").headers["Location"].endswith("/login/enrol")


def test_leaving_the_recovery_codes_for_another_page_finishes_the_login_there(client, session):
    """The recovery codes are shown once, after the last owed step; opening another page
    instead of pressing continue used to fail (no step left to lead to): it logs in there."""
    city = factories.city(session)
    accounts.reset_second_factor(session, city.actor("security"), "inspector")
    session.commit()
    assert login(client, "inspector").headers["Location"].endswith("/login/enrol")
    page = client.get("/login/enrol").get_data(as_text=True)
    secret = re.search(r'class="enrol-secret">([A-Z2-7]+)<', page).group(1)
    shown = _post(client, "/login/enrol", code=totp.code_for(secret, totp.current_step()))
    codes = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", shown.get_data(as_text=True))
    assert len(codes) == 10
    elsewhere = client.get("/cadres?tab=1")
    assert elsewhere.status_code == 302 and elsewhere.headers["Location"] == "/cadres?tab=1"
    assert client.get("/_dash-layout").status_code == 200
    assert _user(session, "inspector").totp_secret == secret


def test_a_reviewer_may_set_up_an_authenticator_and_is_then_asked_for_it(client, app, session):
    factories.city(session)
    login(client, "reviewer")
    inputs = [("totp-start", "n_clicks", 1), ("totp-confirm", "n_clicks", None)]
    started = callback(client, [("totp-setup", "children")], inputs, [("totp-code", "value", None)],
                       triggered=["totp-start.n_clicks"])
    secret = re.search(r'"children":"([A-Z2-7]{32})"', started.get_data(as_text=True)).group(1)
    confirmed = callback(client, [("totp-setup", "children")], inputs,
                         [("totp-code", "value", totp.code_for(secret, totp.current_step()))],
                         triggered=["totp-confirm.n_clicks"])
    assert "recovery codes" in confirmed.get_data(as_text=True)
    assert _user(session, "reviewer").totp_secret == secret
    later = app.server.test_client()
    token = _token(later, "/login")
    response = later.post("/login", data={"username": "reviewer", "password": factories.PASSWORD,
                                          "csrf_token": token})
    assert response.headers["Location"].endswith("/login/second-factor")


def test_the_demo_skips_the_steps_and_says_so_on_its_login_page_only(app_config, session, engine):
    from portal.app import create_app

    factories.city(session)
    _user(session, "admin").must_change_password = True
    session.commit()
    demo = create_app(Config(**{**app_config.__dict__, "demo": True})).server.test_client()
    assert "skip the second factor" in demo.get("/login").get_data(as_text=True)
    assert login(demo, "admin").headers["Location"] == "/admin/units"
    real = create_app(app_config).server.test_client()
    assert "skip the second factor" not in real.get("/login").get_data(as_text=True)
