"""Which part of a cadre's record each permission opens, and who may change it.

Whether an actor may see a cadre at all is one rule for every package,
``portal.access.visible_cadre`` (and ``Actor.require_cadre`` / ``Actor.may_see_cadre`` for
a cadre already loaded): reviewers and inspectors see cadres of their unit subtree
(inspectors only the basic profile); a cadre sees only themselves, whatever code or id
they send. The tuples below are the ``permissions`` passed to it.
"""

from __future__ import annotations

from portal.access import Actor
from portal.enums import Role
from portal.errors import AccessDenied
from portal.i18n import _
from portal.models import Cadre

BASIC = ("cadres.view", "cadres.view_basic")  # name, unit, position, rank
PROFILE = ("cadres.view",)  # everything about a cadre in scope
TRAINING = ("training.view",)
GRADES = ("cadres.view",)


def is_cadre(actor: Actor) -> bool:
    return actor.role == Role.CADRE


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
