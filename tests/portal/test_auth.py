"""Login, lockout, idle timeout, logout, CSRF and the guard in front of every page and callback."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select, update

from portal.db import utcnow
from portal.models import AuditEvent, LoginThrottle, User
from tests import factories
from tests.web import callback, csrf_header, login


def _audit_actions(engine) -> list[str]:
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        return [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_login_with_right_password_redirects_to_the_requested_page(client, session):
    factories.city(session)
    response = client.get("/admin/units")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = login(client, "admin", next="/admin/units")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/units")
    assert client.get("/admin/units").status_code == 200


def test_login_never_redirects_to_another_site(client, session):
    factories.city(session)
    response = login(client, "reviewer", next="https://evil.example/x")
    assert response.headers["Location"] == "/"


def test_wrong_password_is_refused_and_audited(client, session, clean_db):
    factories.city(session)
    response = login(client, "admin", "Wrong#password1")
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)
    assert _audit_actions(clean_db)[-1] == "login.failed"


def _message(response) -> str:
    return re.search(r'role="alert">([^<]*)<', response.get_data(as_text=True)).group(1)


def test_wrong_password_unknown_user_and_waiting_source_read_the_same(client, session):
    """Nothing on the form tells whether a name exists or is being slowed down."""
    factories.city(session)
    wrong = _message(login(client, "reviewer", "Wrong#password1"))
    unknown = _message(login(client, "nobody", "Wrong#password1"))
    for _ in range(5):
        login(client, "reviewer", "Wrong#password1")
    waiting = login(client, "reviewer")  # the right password, from a source that must wait
    assert waiting.status_code == 401
    assert wrong == unknown == _message(waiting)


def test_failures_from_one_source_make_that_source_wait_longer_each_time(client, session):
    factories.city(session)
    for _ in range(5):
        login(client, "reviewer", "Wrong#password1")
    throttle = session.scalar(select(LoginThrottle).where(LoginThrottle.username == "reviewer"))
    first_wait = throttle.blocked_until - throttle.last_failure_at
    assert timedelta(seconds=59) < first_wait <= timedelta(minutes=1)
    assert login(client, "reviewer").status_code == 401  # refused while waiting, not counted
    session.expire_all()
    throttle.blocked_until = utcnow() - timedelta(seconds=1)  # the minute is over
    session.commit()
    login(client, "reviewer", "Wrong#password1")
    session.expire_all()
    assert throttle.failures == 6
    assert throttle.blocked_until - throttle.last_failure_at > timedelta(minutes=1, seconds=59)


def test_an_outsider_cannot_lock_the_user_out_from_elsewhere(app, client, session):
    factories.city(session)
    attacker = app.server.test_client()
    for _ in range(12):
        attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
        login(attacker, "security", "Wrong#password1")
    assert login(attacker, "security").status_code == 401  # the attacker's source waits …
    assert login(client, "security").status_code == 302  # … the owner at their desk does not


def test_the_wait_ends_by_itself(client, session):
    factories.city(session)
    for _ in range(5):
        login(client, "reviewer", "Wrong#password1")
    session.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert login(client, "reviewer").status_code == 302


def test_idle_session_expires_after_the_timeout(client, session, clean_db):
    factories.city(session)
    login(client, "admin")
    assert client.get("/admin/units").status_code == 200
    with client.session_transaction() as cookie_session:
        cookie_session["seen"] -= 31 * 60
    response = client.get("/admin/units")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]
    assert "logout.timeout" in _audit_actions(clean_db)
    assert client.get("/admin/units").status_code == 302  # still logged out


def test_activity_keeps_the_session_alive(client, session):
    factories.city(session)
    login(client, "admin")
    with client.session_transaction() as cookie_session:
        cookie_session["seen"] -= 29 * 60
    assert client.get("/admin/units").status_code == 200
    assert client.get("/admin/units").status_code == 200


def test_logout_ends_the_session_and_needs_csrf(client, session, clean_db):
    factories.city(session)
    login(client, "admin")
    assert client.post("/logout").status_code == 400  # no CSRF token: refused
    assert client.get("/admin/units").status_code == 200
    token = client.get_cookie("_csrf_token").value
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/admin/units").status_code == 302
    assert "logout" in _audit_actions(clean_db)


def test_logout_elsewhere_ends_this_session_too(app, client, session):
    factories.city(session)
    login(client, "admin")
    other = app.server.test_client()
    login(other, "admin")
    other.post("/logout", data={"csrf_token": other.get_cookie("_csrf_token").value})
    assert client.get("/admin/units").status_code == 302


def test_login_form_without_csrf_token_is_refused(client, session):
    factories.city(session)
    response = client.post("/login", data={"username": "admin", "password": factories.PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/units").status_code == 302


def test_anonymous_callback_gets_401_and_no_data(client, session):
    factories.city(session)
    response = callback(client, [("audit-grid", "rowData")],
                        [("audit-who", "value", None), ("audit-action", "value", None),
                         ("audit-dates", "start_date", None), ("audit-dates", "end_date", None)],
                        headers={})
    assert response.status_code == 401
    assert "rowData" not in response.get_data(as_text=True)


def test_anonymous_requests_to_dash_internals_get_401(client, session):
    for path in ("/_dash-layout", "/_dash-dependencies"):
        assert client.get(path).status_code == 401
    assert client.get("/").status_code == 302
    assert client.get("/healthz").status_code == 200


def test_callback_without_csrf_header_is_refused(client, session):
    factories.city(session)
    login(client, "auditor")
    inputs = [("audit-who", "value", None), ("audit-action", "value", None),
              ("audit-dates", "start_date", None), ("audit-dates", "end_date", None)]
    refused = callback(client, [("audit-grid", "rowData")], inputs, headers={})
    assert refused.status_code == 400
    forged = callback(client, [("audit-grid", "rowData")], inputs,
                      headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400
    accepted = callback(client, [("audit-grid", "rowData")], inputs, headers=csrf_header(client))
    assert accepted.status_code == 200


def test_language_choice_is_remembered_on_the_account(app, client, session):
    factories.city(session)
    login(client, "reviewer")
    token = client.get_cookie("_csrf_token").value
    assert client.post("/lang",
                       data={"lang": "zh", "next": "/account",
                             "csrf_token": token}).status_code == 302
    session.expire_all()
    assert session.scalar(select(User.lang).where(User.username == "reviewer")) == "zh"
    fresh = app.server.test_client()
    login(fresh, "reviewer")
    layout = json.dumps(fresh.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert "市域党建引领基层社会治理平台" in layout


def test_login_page_speaks_chinese_by_default_and_english_on_request(app, client, session):
    zh_config = app.server.extensions["portal.config"]
    assert zh_config.default_lang == "en"  # tests run English by default
    page = client.get("/login?lang=zh").get_data(as_text=True)
    assert "登录" in page
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert "Log in" in page


def test_login_without_next_lands_on_the_roles_home_page(client, session):
    from portal.shell import home_path

    city = factories.city(session)
    response = login(client, "cadre")
    assert response.status_code == 302
    assert response.headers["Location"] == home_path(city.actor("cadre"))


def test_a_malformed_callback_gets_a_plain_400(client, session):
    factories.city(session)
    login(client, "auditor")
    response = callback(client, [("audit-grid", "rowData")],
                        [("audit-who", "value", None), ("audit-action", "value", None),
                         ("audit-dates", "start_date", "not-a-date"),
                         ("audit-dates", "end_date", None)])
    assert response.status_code == 400
    assert response.get_json() == {"error": "The request is not valid for this page; please "
                                            "reload it."}
