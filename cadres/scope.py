"""Who may see which cadre, for what: the one place the package decides it.

Reviewers and inspectors see cadres of their unit subtree (inspectors only the basic
profile); a cadre sees only themselves, whatever code or id they send.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Actor
from portal.enums import Role
from portal.errors import AccessDenied, NotFound
from portal.i18n import _
from portal.models import Cadre

BASIC = ("cadres.view", "cadres.view_basic")  # name, unit, position, rank
PROFILE = ("cadres.view",)  # everything about a cadre in scope
TRAINING = ("training.view",)
GRADES = ("cadres.view",)


def own_records_only() -> AccessDenied:
    return AccessDenied(_("You can only see your own records."))


def is_cadre(actor: Actor) -> bool:
    return actor.role == Role.CADRE


def find_cadre(session: Session, actor: Actor, *, code: str | None = None, cadre_id: int | None = None,
               permissions: tuple[str, ...] = BASIC) -> Cadre:
    """The cadre named by ``code`` or ``cadre_id`` if ``actor`` may see them for ``permissions``.

    A cadre user gets themselves or ``AccessDenied`` (never a hint whether the other code
    exists); others get ``NotFound`` for an unknown cadre and ``AccessDenied`` outside scope.
    """
    if is_cadre(actor):
        actor.require("self.view")
        if actor.cadre_id is None or (cadre_id is not None and cadre_id != actor.cadre_id):
            raise own_records_only()
        cadre = session.get(Cadre, actor.cadre_id)
        if cadre is None or (code is not None and cadre.code != str(code).strip()):
            raise own_records_only()
        return cadre
    actor.require_any(*permissions)
    if cadre_id is not None:
        cadre = session.get(Cadre, cadre_id)
    elif code:
        cadre = session.scalar(select(Cadre).where(Cadre.code == str(code).strip()))
    else:
        cadre = None
    if cadre is None:
        raise NotFound(_("No cadre has the code %(code)s.", code=code or cadre_id or "—"))
    if not actor.in_scope(cadre.unit.path):
        raise AccessDenied(_("This cadre is outside the units you are responsible for."))
    return cadre


def may(actor: Actor, permissions: tuple[str, ...], cadre: Cadre) -> bool:
    """Whether ``actor`` (already allowed to see ``cadre``) may see this part of them."""
    if is_cadre(actor):
        return cadre.id == actor.cadre_id and actor.can("self.view")
    return any(actor.can(p) for p in permissions) and actor.in_scope(cadre.unit.path)


def require(actor: Actor, permission: str, cadre: Cadre) -> None:
    """Raise unless ``actor`` holds ``permission`` over ``cadre``'s unit."""
    if is_cadre(actor):
        raise AccessDenied(_("Your role may not do this."))
    actor.require(permission, cadre.unit)


def may_edit_record(actor: Actor, cadre: Cadre) -> bool:
    """Reviewers in scope (and the command line) edit a cadre's full record; a cadre does not."""
    return not is_cadre(actor) and actor.can("cadres.edit") and actor.in_scope(cadre.unit.path)


def may_see_identity(actor: Actor, cadre: Cadre) -> bool:
    """Who sees a cadre's national id number unmasked: the reviewers in scope who prepare
    appointments, the cadre themself, and the command line (an operator with the database
    in hand, ``Actor.system``). Everyone else sees it masked."""
    if is_cadre(actor):
        return cadre.id == actor.cadre_id and actor.can("self.view")
    if actor.is_system:
        return True
    return actor.role == Role.REVIEWER and actor.in_scope(cadre.unit.path)
