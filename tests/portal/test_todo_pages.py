"""The to-do panel, the notices page and the header's bell, called through
``/_dash-update-component`` as each role would (and as a forger would)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from cadres import training
from portal import notices
from portal.enums import Role
from portal.models import Notice
from tests import factories
from tests.cadres.test_training import MIDYEAR, claim
from tests.callbacks import call, pattern_id
from tests.web import callback, login


@pytest.fixture
def city(session):
    built = factories.city(session)
    built.users["reviewer-d2"] = factories.user(session, "reviewer-d2", Role.REVIEWER, built.d2)
    session.commit()
    return built


def shown(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return json.dumps(response.get_json(), ensure_ascii=False)


def panel(client, app, username: str) -> str:
    login(client, username)
    return shown(call(client, app, "portal", "todo_panel.fill", {"todo-panel-pending.data": None}))


def test_the_panel_lists_each_reviewers_own_work_as_links(client, app, city, session):
    training.submit_claim(session, city.actor("cadre"), claim(), today=MIDYEAR)
    session.commit()
    reviewer = panel(client, app, "reviewer-d1")
    assert "Training claims to approve" in reviewer and '"/training/claims"' in reviewer
    client.post("/logout")
    other = panel(client, app, "reviewer-d2")
    assert "Training claims to approve" not in other and "Nothing is waiting for you" in other


def test_the_panel_shows_a_cadre_their_claims_and_nothing_of_others(client, app, city, session):
    training.submit_claim(session, city.actor("cadre2"), claim(), today=MIDYEAR)
    session.commit()
    mine = panel(client, app, "cadre")
    assert "Your claims waiting for approval" not in mine
    client.post("/logout")
    assert "Your claims waiting for approval" in panel(client, app, "cadre2")


def _notices_for(session, city):
    notices.notify(session, user_ids=[city.users["cadre"].id], kind="t", title="mine one")
    notices.notify(session, user_ids=[city.users["cadre"].id], kind="t", title="mine two")
    notices.notify(session, user_ids=[city.users["cadre2"].id], kind="t", title="theirs")
    session.commit()
    return {n.title: n.id for n in session.scalars(select(Notice))}


def mark_one(client, app, notice_id: int):
    ident = {"id": notice_id, "type": "notice-read"}
    return call(client, app, "portal", "notices.mark",
                {"notice-read.n_clicks": [(ident, 1)], "notices-read-all.n_clicks": None},
                triggered=pattern_id(id=notice_id, type="notice-read"))


def test_reading_a_notice_updates_the_list_and_the_bell(client, app, city, session):
    ids = _notices_for(session, city)
    login(client, "cadre")
    body = shown(mark_one(client, app, ids["mine one"]))
    assert '"notice-bell-count"' in body and '"children": "1"' in body
    session.expire_all()
    assert session.get(Notice, ids["mine one"]).read_at is not None
    assert session.get(Notice, ids["mine two"]).read_at is None
    body = shown(call(client, app, "portal", "notices.mark",
                      {"notice-read.n_clicks": [], "notices-read-all.n_clicks": 1},
                      triggered="notices-read-all.n_clicks"))
    assert "Notices: 0 unread" in body
    session.expire_all()
    assert notices.unread_count(session, city.actor("cadre")) == 0
    assert notices.unread_count(session, city.actor("cadre2")) == 1  # theirs stays unread


def test_a_forged_callback_cannot_mark_another_users_notice_read(client, app, city, session):
    ids = _notices_for(session, city)
    login(client, "cadre")
    body = shown(mark_one(client, app, ids["theirs"]))
    assert "does not exist or is not yours" in body
    session.expire_all()
    assert session.get(Notice, ids["theirs"]).read_at is None
    body = shown(mark_one(client, app, 10**6))
    assert "does not exist or is not yours" in body


def test_the_bell_counts_the_unread_notices_of_the_logged_in_user(client, city, session):
    _notices_for(session, city)
    for username, unread in (("cadre", "2"), ("cadre2", "1"), ("reviewer", "")):
        login(client, username)
        response = callback(client, [("notice-bell-count", "children"),
                                     ("notice-bell", "aria-label")],
                            [("_pages_location", "pathname", "/")])
        data = response.get_json()["response"]
        assert data["notice-bell-count"]["children"] == unread
        assert data["notice-bell"]["aria-label"] == f"Notices: {unread or 0} unread"
        client.post("/logout")


def test_the_notices_page_lists_only_the_readers_notices(client, city, session):
    _notices_for(session, city)
    login(client, "cadre2")
    page = shown(callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                          [("_pages_location", "pathname", "/notices"),
                           ("_pages_location", "search", "")]))
    assert "theirs" in page and "mine one" not in page and "Mark all read" in page


def _home(client) -> str:
    return shown(callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                          [("_pages_location", "pathname", "/assessment"),
                           ("_pages_location", "search", "")]))


def test_the_home_page_carries_the_panel_once_its_items_are_kept(client, app, city, session):
    """A first visit asks for the items after drawing; later visits get them with the page,
    until a write changes what they count."""
    training.submit_claim(session, city.actor("cadre"), claim(), today=MIDYEAR)
    session.commit()
    login(client, "reviewer-d1")
    first = _home(client)
    assert "todo-panel-pending" in first and "Training claims to approve" not in first
    assert "Training claims to approve" in shown(call(client, app, "portal", "todo_panel.fill",
                                                      {"todo-panel-pending.data": None}))
    again = _home(client)
    assert "todo-panel-pending" not in again and "Training claims to approve" in again
    training.submit_claim(session, city.actor("cadre2"), claim(), today=MIDYEAR)
    session.commit()
    assert "todo-panel-pending" in _home(client)  # not kept after the write: asked for again
