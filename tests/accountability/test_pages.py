"""The accountability pages as each role opens them (through the pages endpoint): the
people they are for see their content; the others get a plain refusal and, in any case,
no confidential text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import AuditEvent
from tests.accountability.conftest import SECRETS, SOURCE_LABEL, readable
from tests.web import callback, login

PAGES = ["/accountability", "/accountability/overview", "/accountability/measures",
         "/accountability/cadre",
         "/accountability/tolerance", "/accountability/follow-ups", "/accountability/rules",
         "/accountability/case", "/accountability/tolerance/application", "/my/records"]


def page(client, path: str, search: str = "") -> str:
    response = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                        [("_pages_location", "pathname", path),
                         ("_pages_location", "search", search)])
    assert response.status_code == 200, path
    return readable(response)


def queries(world) -> dict[str, str]:
    return {"/accountability/case": f"?id={world['case']}", "/accountability/tolerance/application":
            f"?id={world['theirs']}", "/accountability/cadre": f"?code={world['cadre2'].code}"}


def test_the_inspector_sees_every_page_in_full(client, world):
    login(client, "inspector")
    search = queries(world)
    for path in PAGES[:-1]:
        text = page(client, path, search.get(path, ""))
        assert "not available for your role" not in text, path
    assert "机密摘要" in page(client, "/accountability/case", search["/accountability/case"])
    assert "他人申请陈述" in page(client, "/accountability/tolerance/application",
                                  search["/accountability/tolerance/application"])


@pytest.mark.parametrize("username", ["reviewer", "cadre", "admin", "security", "auditor"])
def test_no_page_shows_anyone_but_inspectors_confidential_text(client, world, username):
    login(client, username)
    search = queries(world)
    for path in PAGES:
        text = page(client, path, search.get(path, ""))
        for secret in SECRETS:
            assert secret not in text, (path, secret)
        assert SOURCE_LABEL not in text, path


def test_opening_a_case_or_an_application_is_logged_with_who_and_when(client, world, session):
    login(client, "inspector")
    search = queries(world)
    page(client, "/accountability/case", search["/accountability/case"])
    page(client, "/accountability/tolerance/application",
         search["/accountability/tolerance/application"])
    session.expire_all()
    views = {(e.action, e.entity_id, e.actor) for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action.startswith("view.")))}
    assert ("view.case", str(world["case"]), "inspector") in views
    assert ("view.tolerance_application", str(world["theirs"]), "inspector") in views


def test_a_reviewer_reads_effects_but_not_cases(client, world):
    login(client, "reviewer")
    assert "not available for your role" in page(client, "/accountability")
    assert "not available for your role" in page(client, "/accountability/case",
                                                 f"?id={world['case']}")
    measures = page(client, "/accountability/measures")
    assert "Import measures" not in measures and "ac-measures-grid" in measures
    rows = readable(callback(client, [("ac-measures-grid", "getRowsResponse")],
                             [("ac-measures-grid", "getRowsRequest", {"startRow": 0,
                                                                      "endRow": 100})],
                             [("ac-reg-unit", "value", None), ("ac-reg-form", "value", None),
                              ("ac-reg-year", "value", None), ("ac-reg-effect", "value", False)]))
    assert "Party warning" in rows and "2027-05-20" in rows


def test_the_cadre_sees_their_own_records_and_nothing_of_the_desk(client, world):
    login(client, "cadre")
    mine = page(client, "/my/records")
    assert "Party warning" in mine and "2027-05-20" in mine and "本人申请陈述" in mine
    assert world["cadre2"].name not in mine
    for path in PAGES[:-1]:
        assert "not available for your role" in page(client, path), path


def test_the_case_desk_is_the_inspectors_home(client, world):
    response = login(client, "inspector")
    assert response.status_code in (302, 303)
    from portal import shell
    from portal.access import Actor
    from portal.enums import Role

    actor = Actor(user_id=1, username="i", display_name="i", role=Role.INSPECTOR, unit_id=1,
                  unit_path="/1/")
    assert shell.home_path(actor) == "/accountability"
