"""The audit log: every write appends an event to a hash chain.

Each event's ``hash`` is SHA-256 over its own fields and the previous event's hash;
the single ``audit_head`` row holds the last sequence number and hash. Editing or
deleting any row, including the last one, breaks the chain and ``verify`` says where.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from portal.access import Actor
from portal.db import utcnow
from portal.models import AuditEvent, AuditHead

GENESIS = "0" * 64


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


def snapshot(obj: Any, *, exclude: tuple[str, ...] = ("password_hash", "session_nonce")) -> dict:
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
    return hashlib.sha256(_canonical(event)).hexdigest()


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
        seq=seq, at=utcnow(), actor_id=actor.user_id if actor else None,
        actor=(actor.username if actor else username) or username, action=action,
        entity_type=entity_type, entity_id=str(entity_id or ""), summary=jsonable(summary or {}),
        client_addr=client_addr if client_addr is not None else (actor.client_addr if actor else ""),
        prev_hash=prev,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=event.hash))
    return event


@dataclass
class Verification:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, batch: int = 5000) -> Verification:
    """Walk the chain in order and report every break (edited, inserted or deleted rows)."""
    result = Verification()
    expected_prev, expected_seq, last_seq = GENESIS, 1, 0
    while True:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not events:
            break
        for event in events:
            result.checked += 1
            if event.seq != expected_seq:
                result.problems.append(f"seq {expected_seq}: missing (next row is seq {event.seq})")
            if event.prev_hash != expected_prev:
                result.problems.append(f"seq {event.seq}: does not follow the previous event")
            if event_hash(event) != event.hash:
                result.problems.append(f"seq {event.seq}: contents were changed after it was written")
            expected_prev, expected_seq, last_seq = event.hash, event.seq + 1, event.seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        result.problems.append(
            f"head: the chain should end at seq {head.seq} but ends at seq {expected_seq - 1}"
        )
    return result


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
