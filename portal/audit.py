"""The audit log: every write (and every view of a confidential record) appends an
event to a keyed hash chain.

Each event's ``hash`` is HMAC-SHA-256, under a key kept outside the database
(``keys.audit_key``), over its own fields and the previous event's hash; the single
``audit_head`` row holds the last sequence number and hash with their own HMAC. Whoever
can write the database but lacks the key cannot edit, insert or delete events and then
recompute the chain, nor rewind the head to an earlier event: ``verify`` says where.
``head_record`` is written beside every backup, so a later database can be checked
against it. Events are kept at least ``RETENTION_DAYS``; ``archive`` moves older ones
to a file and the chain goes on from there.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.orm import Session

from portal import db
from portal.access import Actor
from portal.db import utcnow
from portal.errors import Invalid
from portal.i18n import _
from portal.keys import audit_key
from portal.models import AuditEvent, AuditHead
from portal.tabular import Column, Table

GENESIS = "0" * 64
RETENTION_DAYS = (
    183  # GB/T 22239-2019 8.1.4.3 and the Cybersecurity Law art. 21: at least six months
)


def jsonable(value: Any) -> Any:
    """Plain JSON values for a summary (dates as ISO text, enums as their codes)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


SECRET_COLUMNS = ("password_hash", "session_nonce", "totp_secret", "recovery_codes")


def snapshot(obj: Any, *, exclude: tuple[str, ...] = SECRET_COLUMNS) -> dict:
    """The column values of an ORM object, for before/after summaries."""
    mapper = inspect(obj).mapper
    return {
        attr.key: jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in exclude
    }


def changes(before: dict, after: dict) -> dict:
    """Only the fields that changed: ``{"field": [old, new]}``."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _canonical(event: AuditEvent) -> bytes:
    at = event.at.replace(tzinfo=None).isoformat(timespec="microseconds")
    payload = [event.seq, at, event.actor_id, event.actor, event.action, event.entity_type,
               event.entity_id, event.summary, event.client_addr, event.prev_hash]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def event_hash(event: AuditEvent) -> str:
    return hmac.new(audit_key(), _canonical(event), hashlib.sha256).hexdigest()


def head_mac(base_seq: int, base_hash: str, seq: int, last_hash: str) -> str:
    message = f"head|{base_seq}|{base_hash}|{seq}|{last_hash}".encode()
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


def _seal_head(session: Session, seq: int, last_hash: str) -> None:
    head = session.execute(select(AuditHead.base_seq,
                                  AuditHead.base_hash).where(AuditHead.id == 1)).one()
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(
        hash=last_hash, mac=head_mac(head.base_seq, head.base_hash, seq, last_hash)))


def ensure_head(session: Session) -> None:
    if session.get(AuditHead, 1) is None:
        session.add(AuditHead(id=1, seq=0, hash=GENESIS))
        session.flush()


def log(session: Session, actor: Actor | None, action: str, entity: Any = None, *,
        entity_type: str = "", entity_id: Any = "", summary: dict | None = None,
        username: str = "", client_addr: str | None = None) -> AuditEvent:
    """Append one event. ``entity`` (an ORM object) fills type and id when given."""
    ensure_head(session)
    # Taking the head row first serializes concurrent appenders (row lock / SQLite write lock).
    seq, prev = session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
    ).one()
    if entity is not None:  # after the flush above, so new rows have their ids
        entity_type = entity_type or entity.__tablename__
        identity = inspect(entity).identity
        entity_id = entity_id or (identity[0] if identity else "")
    event = AuditEvent(
        seq=seq,
        at=utcnow(),
        actor_id=actor.user_id if actor else None,
        actor=(actor.username if actor else username) or username,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id or ""),
        summary=jsonable(summary or {}),
        client_addr=client_addr
        if client_addr is not None
        else (actor.client_addr if actor else ""),
        prev_hash=prev,
    )
    event.hash = event_hash(event)
    session.add(event)
    _seal_head(session, seq, event.hash)
    return event


def reseal_plain_chain(connection) -> int:
    """Migration 0010: re-hash a chain written with unkeyed SHA-256 under the audit key.

    Only the intact prefix is resealed: from the first event whose plain hash does not
    check out, the old hashes stay, so ``verify`` still reports that break. Returns how
    many events were resealed.
    """
    table = AuditEvent.__table__
    prev_plain, prev_new, count = GENESIS, GENESIS, 0
    for row in connection.execute(select(table).order_by(table.c.seq)).mappings():
        event = AuditEvent(**dict(row))
        if (
            event.prev_hash != prev_plain
            or hashlib.sha256(_canonical(event)).hexdigest() != event.hash
        ):
            return count
        prev_plain = event.hash
        event.prev_hash = prev_new
        prev_new = event_hash(event)
        connection.execute(update(table).where(table.c.id == row["id"])
                           .values(prev_hash=event.prev_hash, hash=prev_new))
        count += 1
    head = AuditHead.__table__
    connection.execute(update(head).where(head.c.id == 1, head.c.seq == count)
                       .values(hash=prev_new,
                               mac=head_mac(0, GENESIS, count, prev_new) if count else ""))
    return count


def record_view(session: Session, actor: Actor, entity_type: str, entity_id: Any,
                **summary: Any) -> None:
    """Log that ``actor`` looked at a confidential record (a case, its narrative, decision
    evidence, a cadre profile): who, when, from where and which record."""
    log(session, actor, f"view.{entity_type}", entity_type=entity_type, entity_id=entity_id,
        summary=summary or None)


def log_view(actor: Actor, entity_type: str, entity_id: Any, **summary: Any) -> None:
    """``record_view`` in its own unit of work, for a page that has just shown the record."""
    with db.unit_of_work() as session:
        record_view(session, actor, entity_type, entity_id, **summary)


@dataclass
class Verification:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, batch: int = 5000) -> Verification:
    """Walk the chain in order and report every break (edited, inserted or deleted rows,
    a head that was rewound or recomputed without the key)."""
    result = Verification()
    head = session.get(AuditHead, 1)
    base_seq, base_hash = (head.base_seq, head.base_hash) if head is not None else (0, GENESIS)
    expected_prev, expected_seq, last_seq = base_hash, base_seq + 1, base_seq
    while True:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.seq > last_seq)
            .order_by(AuditEvent.seq)
            .limit(batch)
        ).all()
        if not events:
            break
        for event in events:
            result.checked += 1
            if event.seq != expected_seq:
                result.problems.append(f"seq {expected_seq}: missing (next row is seq {event.seq})")
            if event.prev_hash != expected_prev:
                result.problems.append(f"seq {event.seq}: does not follow the previous event")
            if not hmac.compare_digest(event_hash(event), event.hash):
                result.problems.append(
                    f"seq {event.seq}: contents were changed after it was written "
                    "(or written without the audit key)"
                )
            expected_prev, expected_seq, last_seq = event.hash, event.seq + 1, event.seq
    if head is None:
        return result
    if head.seq != expected_seq - 1 or head.hash != expected_prev:
        result.problems.append(
            f"head: the chain should end at seq {head.seq} but ends at seq {expected_seq - 1}"
        )
    fresh = head.seq == 0 and head.base_seq == 0 and not head.mac
    if not fresh and not hmac.compare_digest(head.mac or "",
                                             head_mac(head.base_seq, head.base_hash, head.seq,
                                                      head.hash)):
        result.problems.append(f"head: seq {head.seq} was not sealed with the audit key "
                               "(rewound or recomputed)")
    return result


def head_record(session: Session) -> dict:
    """The chain's head as it stands, for the file written beside a backup."""
    head = session.get(AuditHead, 1)
    return {"format": HEAD_FORMAT, "seq": head.seq, "hash": head.hash, "mac": head.mac,
            "base_seq": head.base_seq, "base_hash": head.base_hash, "at": utcnow().isoformat()}


HEAD_FORMAT = "governance-portal-audit-head"


def verify_against(session: Session, recorded: dict) -> list[str]:
    """Problems if this database's chain does not hold the head recorded with a backup
    (later events may follow it; the recorded event itself must be there, unchanged)."""
    try:
        seq, wanted = int(recorded["seq"]), str(recorded["hash"])
        sealed = head_mac(int(recorded["base_seq"]), str(recorded["base_hash"]), seq, wanted)
    except (KeyError, TypeError, ValueError):
        return ["the file is not an audit head written with a backup"]
    if recorded.get("format") != HEAD_FORMAT:
        return ["the file is not an audit head written with a backup"]
    if seq and not hmac.compare_digest(str(recorded.get("mac", "")), sealed):
        return ["the recorded head was not sealed with this installation's audit key"]
    head = session.get(AuditHead, 1)
    if seq == 0:
        return []
    if seq <= head.base_seq:
        return [f"seq {seq} was archived; check it against the archive file"]
    found = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
    if found is None:
        return [f"seq {seq}, the head when the backup was made, is missing: events were deleted"]
    if found != wanted:
        return [
            f"seq {seq} differs from the head recorded with the backup: the chain was rewritten"
        ]
    return []


def archive(session: Session, actor: Actor, before: date, path: Path,
            today: date | None = None) -> int:
    """Move the events written before ``before`` to ``path`` (JSON lines, gzip) and start
    the chain in the table from the last of them. Refuses events younger than the
    retention period. Returns how many events were archived."""
    today = today or utcnow().astimezone(CHINA).date()
    if before > today - timedelta(days=RETENTION_DAYS):
        raise Invalid(_("Audit events are kept at least %(n)s days: archive only events before "
                        "%(day)s.",
                        n=RETENTION_DAYS, day=(today - timedelta(days=RETENTION_DAYS)).isoformat()),
                      field="before")
    problems = verify(session).problems
    if problems:
        raise Invalid(_("The audit chain is broken; archive nothing until it is examined: "
                        "%(first)s",
                        first=problems[0]), field="before")
    cutoff = datetime.combine(before, time(), CHINA)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.at < cutoff).order_by(AuditEvent.seq)
    ).all()
    if not events:
        return 0
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for event in events:
            handle.write(json.dumps({
                "seq": event.seq, "at": event.at.isoformat(), "actor_id": event.actor_id,
                                     "actor": event.actor,
                "action": event.action, "entity_type": event.entity_type,
                                     "entity_id": event.entity_id,
                "summary": event.summary, "client_addr": event.client_addr,
                                     "prev_hash": event.prev_hash,
                "hash": event.hash}, ensure_ascii=False) + "\n")
    last = events[-1]
    session.execute(delete(AuditEvent).where(AuditEvent.seq <= last.seq))
    head = session.get(AuditHead, 1)
    head.base_seq, head.base_hash = last.seq, last.hash
    head.mac = head_mac(head.base_seq, head.base_hash, head.seq, head.hash)
    session.flush()
    log(session, actor, "audit.archive", entity_type="audit_event",
        summary={"file": str(path), "events": len(events), "through_seq": last.seq,
                 "before": before.isoformat()})
    return len(events)


CHINA = ZoneInfo("Asia/Shanghai")


def search(session: Session, actor: Actor, *, action: str | None = None, who: str | None = None,
           start: date | None = None, end: date | None = None, entity_type: str | None = None,
           limit: int = 500) -> list[AuditEvent]:
    """The latest events matching the filters (dates are China Standard Time days)."""
    actor.require("audit.view")
    stmt = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action.strip(), autoescape=True))
    if who:
        stmt = stmt.where(AuditEvent.actor.contains(who.strip(), autoescape=True))
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if start:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(start, time(), CHINA))
    if end:
        stmt = stmt.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time(), CHINA))
    return list(session.scalars(stmt))


EXPORT_COLUMNS = [
    Column("seq", "序号"), Column("at", "时间"), Column("actor", "操作人"),
                  Column("action", "操作"),
    Column("entity_type", "对象类型"), Column("entity_id", "对象编号"), Column("summary", "摘要"),
    Column("client_addr", "地址"), Column("prev_hash", "前序哈希"), Column("hash", "哈希"),
]


def export_events(session: Session, actor: Actor, **_options) -> Table:
    """The whole log, oldest first, with the chain's hashes (the auditor's export)."""
    actor.require("audit.export")

    def rows():
        for event in session.scalars(
            select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000)
        ):
            yield {"seq": event.seq, "at": event.at.isoformat(), "actor": event.actor,
                   "action": event.action,
                   "entity_type": event.entity_type, "entity_id": event.entity_id,
                   "summary": json.dumps(event.summary, ensure_ascii=False, sort_keys=True),
                   "client_addr": event.client_addr, "prev_hash": event.prev_hash,
                   "hash": event.hash}

    return Table("audit", EXPORT_COLUMNS, rows())
