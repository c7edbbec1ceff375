"""The audit chain: every write is appended; editing or deleting any row is detected."""

from __future__ import annotations

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from portal import audit
from portal.access import Actor
from portal.models import AuditEvent
from tests import factories


def _write_events(session: Session, n: int = 5) -> Actor:
    city = factories.city(session)
    actor = city.actor("admin")
    for i in range(n):
        audit.log(session, actor, "thing.update", entity_type="thing", entity_id=i,
                  summary={"before": {"score": i}, "after": {"score": i + 1}, "名称": "青山区"})
    session.commit()
    return actor


def test_intact_chain_verifies(session):
    _write_events(session)
    result = audit.verify(session)
    assert result.ok and result.checked == 5


def test_edited_summary_is_detected(session, clean_db):
    _write_events(session)
    with clean_db.begin() as connection:
        connection.execute(update(AuditEvent).where(AuditEvent.seq == 3)
                           .values(summary={"before": {"score": 2}, "after": {"score": 99}}))
    result = audit.verify(session)
    assert not result.ok
    assert any("seq 3" in p and "changed" in p for p in result.problems)


def test_edited_actor_is_detected(session, clean_db):
    _write_events(session)
    with clean_db.begin() as connection:
        connection.execute(text("UPDATE audit_event SET actor = 'someone-else' WHERE seq = 2"))
    assert not audit.verify(session).ok


def test_deleted_middle_row_is_detected(session, clean_db):
    _write_events(session)
    with clean_db.begin() as connection:
        connection.execute(delete(AuditEvent).where(AuditEvent.seq == 3))
    problems = audit.verify(session).problems
    assert any("missing" in p for p in problems)


def test_deleted_last_row_is_detected(session, clean_db):
    _write_events(session)
    with clean_db.begin() as connection:
        connection.execute(delete(AuditEvent).where(AuditEvent.seq == 5))
    problems = audit.verify(session).problems
    assert any(p.startswith("head") for p in problems)


def test_rewritten_chain_with_recomputed_hashes_still_fails_at_the_head(session, clean_db):
    """Someone recomputes the hash of an edited row: the next row no longer follows it."""
    _write_events(session)
    event = session.scalar(select(AuditEvent).where(AuditEvent.seq == 4))
    event.summary = {"forged": True}
    event.hash = audit.event_hash(event)
    session.commit()
    problems = audit.verify(session).problems
    assert any("seq 5" in p and "follow" in p for p in problems)


def test_events_record_who_what_and_where(session):
    city = factories.city(session)
    actor = Actor.for_user(city.users["reviewer"], "10.1.2.3")
    event = audit.log(session, actor, "unit.update", city.s1, summary={"name": ["旧", "新"]})
    session.commit()
    assert (event.actor, event.action, event.entity_type, event.entity_id, event.client_addr) == \
        ("reviewer", "unit.update", "unit", str(city.s1.id), "10.1.2.3")
    assert event.prev_hash == "0" * 64 and len(event.hash) == 64


def test_audit_page_lists_events_for_the_auditor_only(client, session):
    from tests.web import callback, login

    _write_events(session, 3)
    inputs = [("audit-who", "value", None), ("audit-action", "value", "thing"),
              ("audit-dates", "start_date", None), ("audit-dates", "end_date", None)]
    login(client, "auditor")
    rows = callback(client, [("audit-grid", "rowData")], inputs).get_json()["response"]["audit-grid"]["rowData"]
    assert [r["action"] for r in rows] == ["thing.update"] * 3
    for role in ("reviewer", "admin", "security"):
        other = client.application.test_client()
        login(other, role)
        refused = callback(other, [("audit-grid", "rowData")], inputs)
        assert refused.status_code == 403, role
        assert "thing.update" not in refused.get_data(as_text=True)
