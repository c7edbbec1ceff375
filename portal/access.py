"""Roles, permissions and unit scope: the one access helper every service and callback uses.

Scope is a unit subtree (``Unit.path`` prefix, ``in_subtree``). Every service function
takes an ``Actor``; checks happen on the server, never by hiding a menu item.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import Boolean, ColumnElement, and_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import Grouping
from sqlalchemy.sql.visitors import InternalTraversal

from portal.enums import Role
from portal.errors import AccessDenied, NotFound
from portal.i18n import _
from portal.models import Cadre, Unit, User

# What each role may do (architecture.md, "Access: roles and scope"). Views are
# further limited to the user's unit subtree; cadres see only themselves. The three
# administrators (三员分立) hold disjoint duties: none of them reads business records,
# none manages the others' work, and only inspectors read case narratives.
PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset({"units.view", "units.manage", "schemes.manage", "settings.manage"}),
    Role.SECURITY: frozenset({"users.manage", "units.view"}),
    Role.AUDITOR: frozenset({"audit.view", "audit.export"}),
    Role.REVIEWER: frozenset({
        "units.view", "assessment.view", "assessment.edit", "assessment.publish",
        "assessment.appeal",  # registers a unit's paper appeal (申诉) on its behalf
        "supervision.view", "supervision.edit",
        "cadres.view", "cadres.edit", "training.view", "training.edit", "training.approve",
        "grades.edit", "measures.view_effects", "tolerance.view_outcomes",
        "decisions.view", "decisions.edit", "reports.view", "export",
    }),
    Role.INSPECTOR: frozenset({
        "units.view", "cases.view", "cases.edit", "measures.view", "measures.view_effects",
        "measures.edit", "tolerance.view", "tolerance.view_outcomes", "tolerance.edit",
        "cadres.view_basic", "export",
    }),
    Role.CADRE: frozenset({"self.view", "training.claim", "tolerance.apply"}),
    # A data reporter (填报员) enters the figures they own and appeals scores: a unit
    # reporter those of their unit, a lead department's (牵头部门) reporter its indicators
    # for every unit of their scope (``Actor.department_code``).
    Role.REPORTER: frozenset({"assessment.report", "assessment.appeal"}),
}

# Roles that must log in with a second factor outside the demo (contracts.md).
SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR, Role.INSPECTOR})


class _Subtree(ColumnElement[bool]):
    """``path LIKE 'prefix%'`` on PostgreSQL, ``path >= prefix AND path < upper`` elsewhere
    (SQLite): each database's form that an index on ``path`` answers. Build with
    ``in_subtree``."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a comparison: no "= 1" where booleans are integers
    _traverse_internals = [("like", InternalTraversal.dp_clauseelement),
                           ("range", InternalTraversal.dp_clauseelement)]

    def __init__(self, like: ColumnElement[bool], range_: ColumnElement[bool]):
        self.like = like
        self.range = range_

    @property
    def _from_objects(self):
        return self.like._from_objects


@compiles(_Subtree)
def _subtree_as_range(element: _Subtree, compiler, **kw) -> str:
    # SQLite never uses an index for LIKE … ESCAPE; it does for a range on the BINARY
    # collation (byte order of UTF-8 = code point order, which ``_upper_bound`` follows).
    return compiler.process(element.range, **kw)


@compiles(_Subtree, "postgresql")
def _subtree_as_like(element: _Subtree, compiler, **kw) -> str:
    # ix_unit_path uses varchar_pattern_ops: PostgreSQL turns the LIKE prefix into a byte-wise
    # range on it (EXPLAIN: Index Cond ~>=~ … ~<~). A plain range would follow the database's
    # collation, which for a non-C one orders '/' and digits otherwise; so keep LIKE here.
    return compiler.process(element.like, **kw)


def _upper_bound(prefix: str) -> str:
    """The least string above every string starting with ``prefix``: its last character
    incremented (paths are digits and '/': '/1/5/' → '/1/50')."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def in_subtree(path_column, prefix: str) -> ColumnElement[bool]:
    """WHERE clause keeping rows whose ``path_column`` starts with ``prefix`` (the subtree of
    the unit with that path), in the form the database answers from the path index. The one
    place for subtree filters: services use it (or ``Actor.unit_clause``), never ``LIKE``."""
    like = path_column.startswith(prefix, autoescape=True)
    if not prefix or ord(prefix[-1]) >= 0x10FFFF:
        return like
    range_ = and_(path_column >= prefix, path_column < _upper_bound(prefix))
    return _Subtree(Grouping(like), Grouping(range_))


@dataclass(frozen=True)
class Actor:
    """Who is acting: the user, their role, their scope (unit subtree) and linked cadre."""

    user_id: int | None
    username: str
    display_name: str
    role: Role
    unit_id: int
    unit_path: str
    unit_name: str = ""
    cadre_id: int | None = None
    # A reporter for a lead department (牵头部门) carries its code; None for everyone else.
    department_code: str | None = None
    client_addr: str = ""
    is_system: bool = False  # the command line: whoever runs it already holds the database

    @classmethod
    def for_user(cls, user: User, client_addr: str = "") -> Actor:
        return cls(user_id=user.id, username=user.username, display_name=user.display_name,
                   role=Role(user.role), unit_id=user.unit_id, unit_path=user.unit.path,
                   unit_name=user.unit.name, cadre_id=user.cadre_id,
                   department_code=user.department_code or None, client_addr=client_addr)

    @classmethod
    def system(cls, session: Session, name: str | None = None) -> Actor:
        """The command line acts over the whole tree with every permission: whoever runs it
        holds the server and its database already. Its events name the operating-system user."""
        root = session.scalars(
            select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)
        ).first()
        return cls(user_id=None, username=name or f"cli:{getpass.getuser()}",
                   display_name=name or "command line", role=Role.ADMIN,
                   unit_id=root.id if root else 0, unit_path=root.path if root else "/",
                   unit_name=root.name if root else "", is_system=True)

    # permissions -------------------------------------------------------------
    def can(self, permission: str) -> bool:
        return self.is_system or permission in PERMISSIONS[self.role]

    def in_scope(self, unit_path: str) -> bool:
        return unit_path.startswith(self.unit_path)

    def require(self, permission: str, unit: Unit | str | None = None) -> None:
        """Raise ``AccessDenied`` unless the actor has ``permission`` (on ``unit``'s subtree)."""
        if not self.can(permission):
            raise AccessDenied(_("Your role may not do this."))
        if unit is not None:
            path = unit if isinstance(unit, str) else unit.path
            if not self.in_scope(path):
                raise AccessDenied(_("This unit is outside the units you are responsible for."))

    def require_any(self, *permissions: str) -> None:
        if not any(self.can(p) for p in permissions):
            raise AccessDenied(_("Your role may not do this."))

    # scoped queries ----------------------------------------------------------
    def unit_clause(self, path_column=Unit.path) -> ColumnElement[bool]:
        """WHERE clause keeping rows whose unit path lies in the actor's subtree."""
        return in_subtree(path_column, self.unit_path)

    def scoped_unit_ids(self):
        """A subquery of the ids of the units in scope."""
        return select(Unit.id).where(self.unit_clause()).scalar_subquery()

    def cadre_clause(self) -> ColumnElement[bool]:
        """WHERE clause on ``Cadre``: cadres see only themselves, others their subtree."""
        if self.role == Role.CADRE:
            return Cadre.id == (self.cadre_id or -1)
        return Cadre.unit_id.in_(self.scoped_unit_ids())

    def may_see_cadre(self, cadre: Cadre, permissions: tuple[str, ...] = ()) -> bool:
        """Whether the actor may see ``cadre`` (for one of ``permissions``): ``require_cadre``
        as a question, for pages that show or hide a part of a cadre's record."""
        if self.role == Role.CADRE:
            return cadre.id == self.cadre_id and self.can("self.view")
        return (not permissions or any(self.can(p) for p in permissions)) and self.in_scope(
            cadre.unit.path
        )

    def require_cadre(self, cadre: Cadre, permissions: tuple[str, ...] = ()) -> None:
        """Raise unless the actor may see this cadre (for one of ``permissions``): a cadre
        only themselves, everybody else the cadres of their unit subtree. No query: a
        service handed a cadre that ``visible_cadre`` loaded checks it again for free."""
        if self.role == Role.CADRE:
            self.require("self.view")
            if cadre.id != self.cadre_id:
                raise own_records_only()
            return
        if permissions:
            self.require_any(*permissions)
        if not self.in_scope(cadre.unit.path):
            raise AccessDenied(_("This cadre is outside the units you are responsible for."))


def own_records_only() -> AccessDenied:
    return AccessDenied(_("You can only see your own records."))


def visible_cadre(session: Session, actor: Actor, *, permissions: tuple[str, ...],
                  cadre_id: int | None = None, code: str | None = None) -> Cadre:
    """The one rule for "may this actor see this cadre": the cadre named by ``cadre_id``
    or ``code`` if ``actor`` may see them for one of ``permissions``.

    A cadre user gets themselves (when neither is given, too) or ``AccessDenied``, never
    a hint whether another code exists; the others get ``NotFound`` for an unknown cadre
    and ``AccessDenied`` outside their subtree. Services take the cadre this returns.
    """
    if actor.role == Role.CADRE:
        actor.require("self.view")
        if actor.cadre_id is None or (cadre_id is not None and cadre_id != actor.cadre_id):
            raise own_records_only()
        cadre = session.get(Cadre, actor.cadre_id)
        if cadre is None or (code is not None and cadre.code != str(code).strip()):
            raise own_records_only()
        return cadre
    if permissions:
        actor.require_any(*permissions)
    if cadre_id is not None:
        cadre = session.get(Cadre, cadre_id)
    elif code:
        cadre = session.scalar(select(Cadre).where(Cadre.code == str(code).strip()))
    else:
        cadre = None
    if cadre is None:
        raise NotFound(_("No cadre has the code %(code)s.",
                         code=code) if code else _("No such cadre."))
    actor.require_cadre(cadre)
    return cadre


def client_addr() -> str:
    if not has_request_context():
        return ""
    return request.remote_addr or ""  # behind a proxy, PORTAL_PROXIES enables ProxyFix


def current_actor() -> Actor:
    """The logged-in user as an ``Actor``; raises ``AccessDenied`` for anonymous requests."""
    if not has_request_context() or not current_user.is_authenticated:
        raise AccessDenied(_("Please log in."))
    return Actor.for_user(current_user.user, client_addr())
