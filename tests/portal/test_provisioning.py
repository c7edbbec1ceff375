"""Logins at a city's scale: a users file, every cadre of a unit subtree at once, one-time
passwords handed out once, and logins that close when a cadre stops serving."""

from __future__ import annotations

import csv
import io
import os

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from portal import accounts, provisioning
from portal.cli import main
from portal.enums import CadreStatus, Role
from portal.errors import AccessDenied
from portal.models import AuditEvent, User
from portal.passwords import password_matches
from portal.tabular import ImportProblem, to_bytes
from tests import factories
from tests.web import callback, login

USERS = ("username,role,unit_code,cadre_code\n"
         "d1-clerk,reviewer,D1,\n"
         "wangfang,cadre,,C0001\n")


def _users(session) -> dict[str, User]:
    session.expire_all()
    return {u.username: u for u in session.scalars(select(User))}


def test_portal_import_users_writes_the_one_time_passwords_to_a_private_file(clean_db, session,
                                                                             tmp_path,
                                                                             monkeypatch):
    monkeypatch.setenv("DATABASE_URL", clean_db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PORTAL_LANG", "en")
    factories.city(session)
    source = tmp_path / "logins.csv"
    source.write_text(USERS, encoding="utf-8")
    out = tmp_path / "passwords.csv"
    result = CliRunner().invoke(main, ["import", "users", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output and "passwords.csv" in result.output
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    sheet = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    users = _users(session)
    for line in sheet:
        user = users[line["username (用户名)"]]
        assert password_matches(user.password_hash,
                                line["password (初始密码)"]) and user.must_change_password
    assert users["wangfang"].cadre.code == "C0001" and users["d1-clerk"].unit.code == "D1"
    again = CliRunner().invoke(main,
                               ["import", "users", str(source), "--out",
                                str(tmp_path / "again.csv")])
    assert again.exit_code == 0 and "2 unchanged" in again.output
    assert not (tmp_path / "again.csv").exists()  # nobody new, no sheet


def test_a_bad_users_file_names_every_row_and_writes_nothing(session):
    city = factories.city(session)
    bad = ("username,role,unit_code,cadre_code\n"
           "x1,reviewer,NOPE,\n"
           "x2,cadre,,C9999\n"
           "x3,inspector,D1,\n")
    with pytest.raises(ImportProblem) as raised:
        provisioning.import_users(session, city.actor("security"), bad.encode(), "bad.csv")
    lines = raised.value.lines()
    assert [line.split(",")[1].strip() for line in lines] == ["row 2", "row 3"]
    assert not {"x1", "x2", "x3"} & set(_users(session))
    with pytest.raises(ImportProblem, match="row 2, column role"):
        provisioning.import_users(session, city.actor("security"),
                                  b"username,role,unit_code\nx4,wizard,D1\n",
                                  "roles.csv")


def test_a_reviewer_cannot_import_logins(session):
    city = factories.city(session)
    with pytest.raises(AccessDenied):
        provisioning.import_users(session, city.actor("reviewer"), USERS.encode(), "logins.csv")


def test_logins_for_every_cadre_of_a_subtree_in_one_action(session):
    city = factories.city(session)
    factories.cadre(session, "C0003", "赵敏", city.c1)
    retired = factories.cadre(session, "C0004", "钱进", city.s1)
    retired.status = CadreStatus.RETIRED
    session.commit()
    issued = provisioning.create_cadre_logins(session, city.actor("security"), city.d1.id)
    session.commit()
    # C0001 has the factories' "cadre" login already; the retired cadre gets none
    assert [i.username for i in issued] == ["C0003"]
    user = _users(session)["C0003"]
    assert user.role == Role.CADRE and user.must_change_password
    assert password_matches(user.password_hash, issued[0].password)
    sheet = to_bytes(provisioning.password_sheet(issued), "csv", "both").decode("utf-8-sig")
    assert issued[0].password in sheet and "赵敏" in sheet
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.bulk_create"))
    assert event.summary["usernames"] == ["C0003"] and issued[0].password not in str(event.summary)


def test_the_security_administrator_creates_cadre_logins_from_the_users_page(client, session):
    city = factories.city(session)
    factories.cadre(session, "C0003", "赵敏", city.c1)
    session.commit()
    login(client, "security")
    response = callback(client, [("bulk-result", "children"), ("bulk-download", "data")],
                        [("bulk-create", "n_clicks", 1)], [("bulk-unit", "value", city.d1.id)])
    body = response.get_json()["response"]
    assert "C0003" in str(body["bulk-result"]) and body["bulk-download"]["data"][
        "filename"
    ].endswith(".csv")
    reviewer = client.application.test_client()
    login(reviewer, "reviewer")
    refused = callback(reviewer, [("bulk-result", "children"), ("bulk-download", "data")],
                       [("bulk-create", "n_clicks", 1)], [("bulk-unit", "value", city.d1.id)])
    assert refused.status_code == 403 and "bulk-download" not in refused.get_data(as_text=True)


def test_a_cadre_who_retires_loses_the_login_automatically(client, session):
    city = factories.city(session)
    city.cadre1.status = CadreStatus.RETIRED
    session.commit()
    assert login(client, "cadre").status_code == 401
    assert not _users(session)["cadre"].active
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.disable"))
    assert event.summary == {"reason": "cadre retired", "automatic": True}


def test_a_cadres_import_that_transfers_a_cadre_out_closes_their_login(session):
    city = factories.city(session)
    city.cadre2.status = CadreStatus.TRANSFERRED
    session.commit()
    assert accounts.close_logins_of_departed_cadres(session, city.actor("security")) == 1
    assert not _users(session)["cadre2"].active
