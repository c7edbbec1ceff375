"""The audit chain: every write is appended; editing or deleting any row is detected."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from portal import audit, keys
from portal.access import Actor
from portal.errors import Invalid
from portal.models import AuditEvent, AuditHead
from tests import factories
from tests.web import csrf_header, login


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


def _plain_hash(event: AuditEvent) -> str:
    """What an attacker without the key can compute: the unkeyed SHA-256 of the row."""
    return hashlib.sha256(audit._canonical(event)).hexdigest()


def test_deleting_events_and_recomputing_every_hash_without_the_key_is_detected(session, clean_db):
    _write_events(session)
    with clean_db.begin() as connection:
        connection.execute(delete(AuditEvent).where(AuditEvent.seq.in_([2, 3])))
    session.expire_all()
    prev = "0" * 64
    for seq, event in enumerate(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)),
                                start=1):
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = _plain_hash(event)
    head = session.get(AuditHead, 1)
    head.seq, head.hash = 3, prev
    head.mac = hashlib.sha256(f"head|0|{'0' * 64}|3|{prev}".encode()).hexdigest()
    session.commit()
    problems = audit.verify(session).problems
    assert any("without the audit key" in p for p in problems)
    assert any(p.startswith("head") and "sealed" in p for p in problems)


def test_deleting_the_last_event_and_rewinding_the_head_is_detected(session, clean_db):
    _write_events(session)
    fourth = session.scalar(select(AuditEvent).where(AuditEvent.seq == 4))
    with clean_db.begin() as connection:
        connection.execute(delete(AuditEvent).where(AuditEvent.seq == 5))
        connection.execute(update(AuditHead).values(seq=4, hash=fourth.hash))
    problems = audit.verify(session).problems
    assert problems == ["head: seq 4 was not sealed with the audit key (rewound or recomputed)"]


def test_a_chain_written_under_another_key_does_not_verify(session, monkeypatch):
    _write_events(session)
    monkeypatch.setenv("PORTAL_AUDIT_KEY", "ab" * 32)
    keys.forget()
    try:
        assert not audit.verify(session).ok
    finally:
        monkeypatch.delenv("PORTAL_AUDIT_KEY")
        keys.forget()
    assert audit.verify(session).ok


def test_the_key_lives_outside_the_database(session, clean_db):
    """No table holds the audit key (nor the data key)."""
    _write_events(session)
    secrets = {keys.audit_key().hex(), keys.data_key().hex()}
    with clean_db.connect() as connection:
        for table in ("audit_event", "audit_head", "setting"):
            dump = str(connection.execute(text(f"SELECT * FROM {table}")).all())
            assert not any(secret in dump for secret in secrets)


def test_events_younger_than_six_months_cannot_be_archived(session, tmp_path):
    actor = _write_events(session)
    with pytest.raises(Invalid, match="183 days"):
        audit.archive(session, actor, date.today() - timedelta(days=30), tmp_path / "a.jsonl.gz")
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 5


def test_archiving_old_events_keeps_the_rest_of_the_chain_verifiable(session, tmp_path):
    actor = _write_events(session)
    old = datetime.now(UTC) - timedelta(days=400)
    for event in session.scalars(select(AuditEvent).where(AuditEvent.seq <= 3)):
        event.at = old  # written long ago (the chain covers `at`, so reseal as the writer did)
    prev = "0" * 64
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        event.prev_hash = prev
        event.hash = prev = audit.event_hash(event)
    head = session.get(AuditHead, 1)
    head.hash, head.mac = prev, audit.head_mac(0, "0" * 64, head.seq, prev)
    session.commit()
    assert audit.verify(session).ok
    moved = audit.archive(session, actor, date.today() - timedelta(days=200),
                          tmp_path / "old.jsonl.gz")
    session.commit()
    assert moved == 3
    assert [e.seq for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))] == [4, 5,
                                                                                             6]
    assert audit.verify(session).ok
    with gzip.open(tmp_path / "old.jsonl.gz", "rt") as handle:
        assert [json.loads(line)["seq"] for line in handle] == [1, 2, 3]


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
    rows = callback(client, [("audit-grid", "rowData")],
                    inputs).get_json()["response"]["audit-grid"]["rowData"]
    assert [r["action"] for r in rows] == ["thing.update"] * 3
    for role in ("reviewer", "admin", "security"):
        other = client.application.test_client()
        login(other, role)
        refused = callback(other, [("audit-grid", "rowData")], inputs)
        assert refused.status_code == 403, role
        assert "thing.update" not in refused.get_data(as_text=True)


def _export(client):
    """The export buttons' MATCH callback, as the audit page places them."""
    download = {"type": "export-download", "kind": "audit"}
    body = {
        "output": '..{"kind":["MATCH"],"type":"export-download"}.data...'
                  '{"kind":["MATCH"],"type":"export-error"}.children..',
        "outputs": [{"id": download, "property": "data"},
                    {"id": {"type": "export-error", "kind": "audit"}, "property": "children"}],
        "inputs": [{"id": {"type": "export-btn", "kind": "audit", "fmt": "xlsx"},
                    "property": "n_clicks", "value": None},
                   {"id": {"type": "export-btn", "kind": "audit", "fmt": "csv"},
                    "property": "n_clicks", "value": 1}],
        "state": [{"id": {"type": "export-period", "kind": "audit"}, "property": "data",
                   "value": None},
                  {"id": download, "property": "id", "value": download}],
        "changedPropIds": ['{"fmt":"csv","kind":"audit","type":"export-btn"}.n_clicks'],
    }
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))


def test_the_auditor_exports_the_log_and_no_other_administrator_can(client, session):
    _write_events(session, 2)
    login(client, "auditor")
    data = _export(client).get_json()["response"]['{"kind":"audit","type":"export-download"}'][
        "data"
    ]
    content = base64.b64decode(data["content"]).decode("utf-8-sig")
    assert content.count("thing.update") == 2 and "hash" in content.splitlines()[0]
    for role in ("admin", "security"):
        other = client.application.test_client()
        login(other, role)
        refused = _export(other).get_data(as_text=True)
        assert "thing.update" not in refused and "may not" in refused


def test_upgrading_reseals_an_unkeyed_chain_so_it_verifies_under_the_key(tmp_path):
    """A database from before the keyed chain: its intact SHA-256 chain is rehashed."""
    from alembic import command

    from portal import db as portal_db
    from portal import schema

    engine = portal_db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    config = schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    prev = "0" * 64
    with engine.begin() as connection:
        for seq in (1, 2, 3):
            event = AuditEvent(seq=seq, at=datetime(2026, 1, seq, tzinfo=UTC), actor_id=None,
                               actor="cli:root",
                               action="thing.update", entity_type="thing", entity_id=str(seq),
                               summary={"n": seq}, client_addr="", prev_hash=prev)
            event.hash = prev = _plain_hash(event)
            connection.execute(AuditEvent.__table__.insert().values(
                seq=seq, at=event.at, actor_id=None, actor=event.actor, action=event.action,
                entity_type=event.entity_type, entity_id=event.entity_id, summary=event.summary,
                client_addr="", prev_hash=event.prev_hash, hash=event.hash))
        connection.execute(text("UPDATE audit_head SET seq = 3, hash = :h"), {"h": prev})
    schema.upgrade(engine)
    with portal_db.standalone(engine) as session:
        result = audit.verify(session)
    assert result.ok and result.checked == 3
    engine.dispose()
