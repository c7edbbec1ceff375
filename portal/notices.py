"""Notices (通知): a message to a user when something of theirs is returned, decided or overdue.

A service that decides something calls ``notify`` in the same unit of work, after its own
audit event; the title is an English msgid marked with ``N_`` and rendered in the reader's
language when read (``%(name)s`` placeholders filled from ``params``)::

    audit.log(session, actor, "training.claim.approve", claim)
    notices.notify(session, user_ids=notices.users_of_cadre(session, claim.cadre_id),
                   kind="training.claim", title=N_("Your training claim %(course)s was approved"),
                   params={"course": claim.title}, href="/my/training")
    notices.notify(session, role=Role.INSPECTOR, unit=case.unit, kind="case.overdue", ...)

``role`` + ``unit`` reaches every active user of that role whose scope holds the unit.
Read side: ``unread_count``, ``list_for`` (rendered), ``mark_read`` / ``mark_all_read``
(only the reader's own notices; audited as ``notice.read``). Creating a notice is not a
separate audit event: it is a consequence of the audited action in the same transaction.
Checks that find overdue things without a cron (``<package>/todo.py``: ``NOTICE_CHECKS``,
``Callable[[Session, Actor], list[Draft]]`` with a ``key``) run in ``refresh`` when the
bell is drawn; a keyed notice is added once per user.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal import audit, cache
from portal.access import Actor
from portal.db import utcnow
from portal.enums import Role
from portal.errors import NotFound
from portal.i18n import N_, _, current_lang, translate
from portal.models import Notice as NoticeRow
from portal.models import Unit, User
from portal.todo import gather

MAX_LIST = 200  # the notices page shows at most this many (newest first)
BELL_LABEL = N_("Notices: %(count)s unread")  # the header bell's accessible name


@dataclass(frozen=True)
class Draft:
    """A notice a check wants one user to have; ``key`` makes it unique for that user."""

    kind: str
    title: str
    href: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    package: str = "portal"


@dataclass(frozen=True)
class Notice:
    """A notice as the reader sees it: text already in their language."""

    id: int
    kind: str
    text: str
    href: str
    created_at: datetime
    read: bool


def _caller_package(depth: int = 2) -> str:
    return sys._getframe(depth).f_globals.get("__name__", "portal").partition(".")[0]


def unit_ancestor_ids(path: str) -> list[int]:
    """The ids in a materialized path (``/1/5/23/`` → [1, 5, 23]): the unit and its ancestors."""
    return [int(p) for p in path.strip("/").split("/") if p]


def recipients(session: Session, role: Role | str, unit: Unit | str) -> list[int]:
    """Active users of ``role`` whose scope (unit subtree) holds ``unit``: one indexed query
    on the unit's own ancestors."""
    path = unit if isinstance(unit, str) else unit.path
    return list(session.scalars(
        select(User.id).where(User.role == Role(role), User.active.is_(True),
                              User.unit_id.in_(unit_ancestor_ids(path))).order_by(User.id)))


def users_of_cadre(session: Session, cadre_id: int | None) -> list[int]:
    """The logins linked to a cadre (usually one, none when the cadre has no account)."""
    if cadre_id is None:
        return []
    return list(session.scalars(
        select(User.id).where(User.cadre_id == cadre_id, User.active.is_(True))))


def notify(session: Session, *, kind: str, title: str, href: str = "",
           params: dict[str, Any] | None = None, user_ids: Iterable[int] = (),
           role: Role | str | None = None, unit: Unit | str | None = None,
           exclude: Iterable[int | None] = (), package: str | None = None,
           key: str | None = None) -> int:
    """Add a notice for each of ``user_ids`` and (with ``role`` and ``unit``) each user of
    that role whose scope holds the unit; ``exclude`` (e.g. the acting user) gets none.
    ``title`` is an English msgid, ``params`` plain values (a value ``{"_": msgid}`` is
    translated too). Returns how many notices were added. Never commits."""
    targets = set(user_ids)
    if role is not None and unit is not None:
        targets.update(recipients(session, role, unit))
    targets -= set(exclude)
    package = package or _caller_package()
    values = audit.jsonable(params or {})
    if key is not None and targets:
        have = set(session.scalars(select(NoticeRow.user_id).where(
            NoticeRow.key == key, NoticeRow.user_id.in_(targets))))
        targets -= have
    for user_id in sorted(targets):
        session.add(NoticeRow(user_id=user_id, kind=kind, title=title, params=values,
                              package=package, href=href, key=key))
    return len(targets)


def render(row: NoticeRow, lang: str | None = None) -> str:
    """The notice's text in ``lang`` (default: the current language)."""
    lang = lang or current_lang()
    values = {}
    for name, value in (row.params or {}).items():
        if isinstance(value, dict) and "_" in value:
            value = translate(str(value["_"]), lang, row.package)
        values[name] = value
    text = translate(row.title, lang, row.package)
    try:
        return text % values if values else text
    except (KeyError, ValueError, TypeError):  # a catalogue entry with a stray placeholder
        return row.title


def _mine(actor: Actor):
    return NoticeRow.user_id == (actor.user_id if actor.user_id is not None else -1)


def unread_count(session: Session, actor: Actor) -> int:
    return session.scalar(select(func.count()).select_from(NoticeRow).where(
        _mine(actor), NoticeRow.read_at.is_(None))) or 0


def list_for(session: Session, actor: Actor, *, unread_only: bool = False,
             limit: int = MAX_LIST) -> list[Notice]:
    """The reader's own notices, newest first, rendered in their language."""
    query = select(NoticeRow).where(_mine(actor))
    if unread_only:
        query = query.where(NoticeRow.read_at.is_(None))
    rows = session.scalars(query.order_by(NoticeRow.created_at.desc(), NoticeRow.id.desc())
                           .limit(min(limit, MAX_LIST)))
    return [Notice(r.id, r.kind, render(r), r.href, r.created_at, r.read_at is not None)
            for r in rows]


def mark_read(session: Session, actor: Actor, notice_id: int) -> Notice:
    """Mark one of the reader's own notices read; another user's notice is "not found"
    (whether it exists is not revealed)."""
    row = session.get(NoticeRow, notice_id) if isinstance(notice_id, int) else None
    if row is None or row.user_id != actor.user_id or actor.user_id is None:
        raise NotFound(_("This notice does not exist or is not yours."))
    if row.read_at is None:
        row.read_at = utcnow()
        audit.log(session, actor, "notice.read", row, summary={"kind": row.kind})
    return Notice(row.id, row.kind, render(row), row.href, row.created_at, True)


def mark_all_read(session: Session, actor: Actor) -> int:
    """Mark every unread notice of the reader read; returns how many."""
    count = unread_count(session, actor)
    if count:
        session.execute(update(NoticeRow).where(_mine(actor), NoticeRow.read_at.is_(None))
                        .values(read_at=utcnow()))
        audit.log(session, actor, "notice.read_all", entity_type="notice",
                  entity_id=actor.user_id, summary={"count": count})
    return count


def checks() -> dict[str, Callable[[Session, Actor], list[Draft]]]:
    """Every package's ``NOTICE_CHECKS`` (in its ``todo`` module), by ``"<package>:<name>"``."""
    return gather("NOTICE_CHECKS")


CHECK_SECONDS = 60  # the bell runs a user's checks at most this often (per worker process)
# (database, user) → when their checks last ran in this process, and for which scope
_checked: dict[tuple[str, int], tuple[float, tuple]] = {}


def refresh(session: Session, actor: Actor, *, every: float | None = None) -> int:
    """Run the packages' checks for ``actor`` (overdue stages …) and add the keyed notices
    they find that the user does not have yet. Their answers are cached per user and data
    version. With ``every`` (the bell: ``CHECK_SECONDS``) nothing runs when this user's
    checks ran in this process less than ``every`` seconds ago: every write anywhere moves
    the data version on, so the cache alone would recompute on nearly every page change;
    what they found then is in already, and something overdue since is found within the
    minute."""
    if actor.user_id is None or not _due(session, actor, every):
        return 0

    def compute() -> list[Draft]:
        return [d for check in checks().values() for d in check(session, actor)]

    drafts = cache.cached(session, "notices.checks", (actor.user_id, cache.scope_of(actor)),
                          compute)
    if not drafts:
        return 0
    have = set(session.scalars(select(NoticeRow.key).where(
        _mine(actor), NoticeRow.key.in_([d.key for d in drafts]))))
    added = 0
    for draft in drafts:
        if draft.key in have:
            continue
        have.add(draft.key)
        session.add(NoticeRow(user_id=actor.user_id, kind=draft.kind, title=draft.title,
                              params=audit.jsonable(draft.params), package=draft.package,
                              href=draft.href, key=draft.key))
        added += 1
    if added:
        audit.log(session, None, "notice.generated", entity_type="notice",
                  entity_id=actor.user_id, username="notice-check",
                  summary={"count": added, "kinds": sorted({d.kind for d in drafts})})
    return added


def _due(session: Session, actor: Actor, every: float | None) -> bool:
    """Whether the checks should run now (and, if so, note that they ran)."""
    if every is None:
        return True
    key = (cache.database_id(str(session.get_bind().engine.url)), actor.user_id)
    scope, now = cache.scope_of(actor), time.monotonic()
    last = _checked.get(key)
    if last is not None and last[1] == scope and now - last[0] < every:
        return False
    _checked[key] = (now, scope)
    return True
