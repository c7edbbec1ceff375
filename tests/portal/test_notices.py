"""Notices: who gets them, read/unread per user, rendered in the reader's language, and the
to-do interface's gathering of providers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal import notices, todo
from portal.enums import Role
from portal.errors import NotFound
from portal.i18n import N_, use_lang
from portal.models import AuditEvent, Notice
from tests import factories


@pytest.fixture
def city(session):
    return factories.city(session)


def test_a_notice_reaches_the_named_users_only_and_is_unread(session, city):
    added = notices.notify(session, user_ids=[city.users["cadre"].id], kind="test",
                           title=N_("Your training claim was approved"), href="/my/training")
    session.commit()
    assert added == 1
    assert notices.unread_count(session, city.actor("cadre")) == 1
    assert notices.unread_count(session, city.actor("cadre2")) == 0
    [shown] = notices.list_for(session, city.actor("cadre"))
    assert shown.href == "/my/training" and not shown.read


def test_role_and_unit_reach_the_users_whose_scope_holds_the_unit(session, city):
    district_inspector = factories.user(session, "inspector-d2", Role.INSPECTOR, city.d2)
    added = notices.notify(session, role=Role.INSPECTOR, unit=city.c1, kind="test",
                           title=N_("Case stages overdue"))
    session.commit()
    # the city's inspector holds the community of district 1; district 2's does not
    assert added == 1
    assert notices.unread_count(session, city.actor("inspector")) == 1
    assert notices.unread_count(session, factories.Actor.for_user(district_inspector)) == 0
    # the reviewer of district 1 is no inspector
    assert notices.unread_count(session, city.actor("reviewer-d1")) == 0


def test_the_acting_user_can_be_left_out_and_a_keyed_notice_comes_once(session, city):
    me = city.users["inspector"].id
    assert notices.notify(session, role="inspector", unit=city.c1, kind="t", title="x",
                          exclude=[me]) == 0
    assert notices.notify(session, user_ids=[me], kind="t", title="x", key="case:1:overdue") == 1
    session.flush()
    assert notices.notify(session, user_ids=[me], kind="t", title="x", key="case:1:overdue") == 0


def test_the_text_is_rendered_in_the_readers_language_with_its_values(session, city):
    notices.notify(session, user_ids=[city.users["cadre"].id], kind="t",
                   title=notices.BELL_LABEL, params={"count": "党史专题", "when": date(2026, 1, 1)})
    session.commit()
    with use_lang("en"):
        [en] = notices.list_for(session, city.actor("cadre"))
    with use_lang("zh"):
        [zh] = notices.list_for(session, city.actor("cadre"))
    assert en.text == "Notices: 党史专题 unread"
    assert zh.text != en.text and "党史专题" in zh.text


def test_read_and_unread_are_kept_per_user_and_reading_is_audited(session, city):
    ids = [city.users["cadre"].id, city.users["cadre2"].id]
    notices.notify(session, user_ids=ids, kind="t", title="a")
    notices.notify(session, user_ids=ids, kind="t", title="b")
    session.commit()
    mine = notices.list_for(session, city.actor("cadre"))
    notices.mark_read(session, city.actor("cadre"), mine[0].id)
    session.commit()
    assert notices.unread_count(session, city.actor("cadre")) == 1
    assert notices.unread_count(session, city.actor("cadre2")) == 2
    assert [n.read for n in notices.list_for(session, city.actor("cadre"))].count(True) == 1
    assert len(notices.list_for(session, city.actor("cadre"), unread_only=True)) == 1
    assert notices.mark_all_read(session, city.actor("cadre")) == 1
    session.commit()
    assert notices.unread_count(session, city.actor("cadre")) == 0
    assert notices.unread_count(session, city.actor("cadre2")) == 2
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions[-2:] == ["notice.read", "notice.read_all"]


def test_nobody_marks_another_users_notice_read(session, city):
    notices.notify(session, user_ids=[city.users["cadre2"].id], kind="t", title="a")
    session.commit()
    theirs = session.scalar(select(Notice.id))
    with pytest.raises(NotFound):
        notices.mark_read(session, city.actor("cadre"), theirs)
    with pytest.raises(NotFound):
        notices.mark_read(session, city.actor("cadre"), theirs + 1000)
    session.rollback()
    assert notices.unread_count(session, city.actor("cadre2")) == 1
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_checks_add_their_keyed_notices_once(session, city, monkeypatch):
    drafts = [notices.Draft(kind="t", title="late", href="/x", key="k1")]
    monkeypatch.setattr(notices, "checks", lambda: {"t": lambda s, a: drafts})
    actor = city.actor("inspector")
    assert notices.refresh(session, actor) == 1
    session.commit()
    assert notices.refresh(session, actor) == 0
    assert notices.unread_count(session, actor) == 1


def test_items_gather_every_packages_providers_most_urgent_first(session, city, monkeypatch):
    later = todo.TodoItem("a", "A", 2, "/a", due=date(2026, 3, 1), severity=todo.Severity.DUE)
    late = todo.TodoItem("b", "B", 1, "/b", severity=todo.Severity.OVERDUE)
    info = todo.TodoItem("c", "C", 5, "/c")
    monkeypatch.setattr(todo, "providers", lambda: {
        "one": lambda s, a: [info, later], "two": lambda s, a: [late]})
    assert todo.compute(session, city.actor("reviewer")) == [late, later, info]


def test_the_providers_of_every_package_are_found():
    found = todo.providers()
    assert {"portal:users.locked", "cadres:training.claims", "accountability:cases.deadlines"} \
        <= set(found)
    assert "accountability:cases.overdue" in notices.checks()


def test_the_bells_checks_run_at_most_once_a_minute_per_user(session, city, monkeypatch):
    runs = []
    monkeypatch.setattr(notices, "checks", lambda: {"t": lambda s, a: runs.append(a) or [
        notices.Draft(kind="t", title="late", href="/x", key=f"k{len(runs)}")]})
    clock = [1000.0]
    monkeypatch.setattr(notices.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(notices, "_checked", {})
    actor, minute = city.actor("inspector"), notices.CHECK_SECONDS
    assert notices.refresh(session, actor, every=minute) == 1
    session.commit()  # a write: a new data version, but within the minute nothing runs
    clock[0] += 59
    assert notices.refresh(session, actor, every=minute) == 0 and len(runs) == 1
    assert notices.refresh(session, city.actor("reviewer-d1"), every=minute) == 1  # their own
    clock[0] += 2
    assert notices.refresh(session, actor, every=minute) == 1 and len(runs) == 3
    assert notices.refresh(session, actor) == 1 and len(runs) == 4  # without ``every``: now
