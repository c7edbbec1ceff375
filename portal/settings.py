"""Rule values kept as data (domain.md: "every number is a default kept as data").

A package declares its defaults with their source (the regulation) in a ``DEFAULTS``
dict; ``get`` returns the stored value or the default; ``put`` changes it (admin only,
audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from portal import audit
from portal.access import Actor
from portal.db import utcnow
from portal.models import Setting


@dataclass(frozen=True)
class Default:
    value: Any
    source: str
    label: str = ""


def get(session: Session, key: str, default: Default | Any = None) -> Any:
    row = session.get(Setting, key)
    if row is not None:
        return row.value
    return default.value if isinstance(default, Default) else default


def put(session: Session, actor: Actor, key: str, value: Any, source: str = "") -> Setting:
    actor.require("settings.manage")
    row = session.get(Setting, key)
    before = row.value if row else None
    if row is None:
        row = Setting(key=key, value=value, source=source)
        session.add(row)
    row.value, row.updated_at, row.updated_by = value, utcnow(), actor.username
    if source:
        row.source = source
    session.flush()
    audit.log(session, actor, "setting.update", entity_type="setting", entity_id=key,
              summary={"before": before, "after": value})
    return row
