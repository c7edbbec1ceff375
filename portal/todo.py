"""The to-do list (待办): what waits for the logged-in user, each item a link to where it is done.

Each package contributes providers without ``portal`` importing it: a module
``<package>/todo.py`` with ``PROVIDERS: dict[str, Provider]``, gathered through
``portal.plugins`` (``gather``: keyed ``"<package>:<name>"``, so names need only be unique
within their package). A provider takes the session and the actor and
returns ``TodoItem``\\ s (an empty list for roles it does not serve: check the role or
permission first, so it costs nothing for them). Example, in ``cadres/todo.py``::

    def claims_to_approve(session, actor):
        if not actor.can("training.approve"):
            return []
        n = session.scalar(select(func.count()).select_from(Claim).where(...scoped...))
        return [TodoItem("training.claims", _("Training claims to approve"), n,
                         "/training/claims")] if n else []

    PROVIDERS = {"training.claims": claims_to_approve}

``items_for(session, actor)`` gathers every provider's items for the home page, kept in
``portal.cache`` per user, language, day and data version (any write recomputes them).
Providers must be cheap at --scale large: counts over indexed, scope-filtered queries,
never a row per cadre or case loaded into Python.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import cache, plugins
from portal.access import Actor
from portal.enums import Role
from portal.errors import AccessDenied
from portal.i18n import _

log = logging.getLogger(__name__)


class Severity(StrEnum):
    """How urgent an item is: ``info`` (waiting), ``due`` (a deadline is near), ``overdue``."""

    INFO = "info"
    DUE = "due"
    OVERDUE = "overdue"


SEVERITY_ORDER = {Severity.OVERDUE: 0, Severity.DUE: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class TodoItem:
    """One line of the to-do list.

    ``kind`` a stable code (``"training.claims"``), ``title`` already translated (the
    provider runs in the reader's language), ``count`` how many things wait (0 for a single
    thing without a count), ``href`` where it is done, ``due`` the nearest deadline or None,
    ``severity`` info / due / overdue.
    """

    kind: str
    title: str
    count: int
    href: str
    due: date | None = None
    severity: Severity = Severity.INFO


Provider = Callable[[Session, Actor], list[TodoItem]]


def gather(attribute: str) -> dict:
    """``attribute`` (a dict) of every package's ``todo`` module, keyed ``"<package>:<name>"``
    so that two packages never replace each other's entries (``portal`` first)."""
    found: dict = {}
    for package in plugins.PACKAGES:
        module = plugins.domain_module(package, "todo")
        for name, value in (getattr(module, attribute, None) or {}).items():
            found[f"{package}:{name}"] = value
    return found


def providers() -> dict[str, Provider]:
    """Every package's providers, by ``"<package>:<name>"`` (``portal`` first)."""
    return gather("PROVIDERS")


def sort_key(item: TodoItem) -> tuple:
    return (SEVERITY_ORDER[Severity(item.severity)], item.due or date.max, item.kind)


def compute(session: Session, actor: Actor) -> list[TodoItem]:
    """Every provider's items for ``actor``, most urgent first (not cached)."""
    items: list[TodoItem] = []
    for name, provider in providers().items():
        try:
            items.extend(provider(session, actor))
        except AccessDenied:  # a provider that refuses this role simply has nothing here
            log.debug("todo provider %s refused %s", name, actor.username)
    return sorted(items, key=sort_key)


def items_for(session: Session, actor: Actor) -> list[TodoItem]:
    """What waits for ``actor``, most urgent first; cached per user and data version (the
    accounts' and the logs' areas left out but for the security administrator, whose to-dos
    are about accounts: logging in writes those areas, and must not recompute a to-do list)."""
    return cache.cached(session, "todo.items", _key(actor), lambda: compute(session, actor),
                        _reads(actor))


def kept_items(session: Session, actor: Actor) -> list[TodoItem] | None:
    """``items_for`` when it is already kept in the cache, else None (nothing is computed)."""
    return cache.kept_value(session, "todo.items", _key(actor), _reads(actor))


def _key(actor: Actor) -> tuple:
    return (actor.user_id, cache.scope_of(actor))


def _reads(actor: Actor):
    return None if actor.role == Role.SECURITY else cache.areas_except("users", "log")


# --- the platform's own providers -------------------------------------------------------

def _locked_accounts(session: Session, actor: Actor) -> list[TodoItem]:
    """Security administrators: accounts locked by failed logins, and accounts waiting for
    their owner to set a new password after a reset (nothing to do but worth knowing)."""
    if actor.role != Role.SECURITY or not actor.can("users.manage"):
        return []
    from portal.db import utcnow
    from portal.models import LoginThrottle, Unit, User

    scoped = (select(func.count(func.distinct(User.id))).select_from(User)
              .join(Unit, Unit.id == User.unit_id)
              .where(actor.unit_clause(), User.active.is_(True)))
    items = []
    locked = session.scalar(
        scoped.join(LoginThrottle, LoginThrottle.username == User.username)
        .where(LoginThrottle.blocked_until > utcnow())) or 0
    if locked:
        items.append(TodoItem("users.locked", _("Locked accounts to unlock"), locked,
                              "/admin/users", severity=Severity.DUE))
    waiting = session.scalar(scoped.where(User.must_change_password.is_(True))) or 0
    if waiting:
        items.append(TodoItem("users.password_pending",
                              _("Accounts waiting for their owner's new password"), waiting,
                              "/admin/users"))
    return items


PROVIDERS: dict[str, Provider] = {"users.locked": _locked_accounts}
