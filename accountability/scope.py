"""Who may see what of accountability: the one place the package decides it.

- inspectors (and the administrator) see cases, measures and applications in full within
  their unit subtree (``cases.view``, ``measures.view``, ``tolerance.view``);
- reviewers see only the *effects* of measures and the *outcomes* of tolerance
  applications in their subtree (``measures.view_effects``, ``tolerance.view_outcomes``):
  never summaries, sources, notes or statements;
- a cadre sees their own measures and their own applications (``self.view``).

Each row's ``unit_id`` (the unit of its subject) decides the subtree it belongs to. The
lookups by id every service shares (``get_case``, ``get_measure``, ``get_application``:
the row, or ``NotFound`` when it is missing or outside the actor's subtree) live here so
that ``cases``, ``measures`` and ``tolerance`` need not import one another for them.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from accountability.models import Case, Measure, ToleranceApplication
from portal.access import Actor
from portal.enums import Role
from portal.errors import AccessDenied, NotFound
from portal.i18n import _
from portal.models import Cadre, Unit

# The permissions that let a non-cadre see a cadre's measures, applications or case stages
# (``portal.access.visible_cadre``); a cadre sees their own with ``self.view``.
MEASURES = ("measures.view", "measures.view_effects")
TOLERANCE = ("tolerance.view", "tolerance.view_outcomes")
CASE_STAGES = ("cases.view", "measures.view_effects")


class View(StrEnum):
    """How much of a measure or an application the actor may read."""

    FULL = "full"  # inspectors, admin: everything, notes included
    EFFECTS = "effects"  # reviewers: type, form, dates, effect end, outcome
    OWN = "own"  # a cadre: their own rows (effects and their own statements)


def is_cadre(actor: Actor) -> bool:
    return actor.role == Role.CADRE


def measure_view(actor: Actor) -> View:
    """The view of measures ``actor`` has, or ``AccessDenied``."""
    if is_cadre(actor):
        actor.require("self.view")
        return View.OWN
    if actor.can("measures.view"):
        return View.FULL
    actor.require("measures.view_effects")
    return View.EFFECTS


def tolerance_view(actor: Actor) -> View:
    if is_cadre(actor):
        actor.require("self.view")
        return View.OWN
    if actor.can("tolerance.view"):
        return View.FULL
    actor.require("tolerance.view_outcomes")
    return View.EFFECTS


def in_scope(stmt: Select, actor: Actor, unit_id_column) -> Select:
    """Keep rows whose ``unit_id_column`` names a unit of the actor's subtree."""
    return stmt.where(unit_id_column.in_(actor.scoped_unit_ids()))


def own_or_scope(stmt: Select, actor: Actor, unit_id_column, cadre_id_column) -> Select:
    """Cadres: only their own rows; everybody else: their unit subtree."""
    if is_cadre(actor):
        return stmt.where(cadre_id_column == (actor.cadre_id or -1))
    return in_scope(stmt, actor, unit_id_column)


def _in_scope_or_not_found(actor: Actor, row, not_found: str):
    if row is None or not actor.in_scope(row.unit.path):
        raise NotFound(not_found)
    return row


def get_case(session: Session, actor: Actor, case_id: int | None,
             permission: str = "cases.view") -> Case:
    """The case if ``actor`` may see (or, with ``cases.edit``, change) it."""
    actor.require(permission)
    case = session.get(Case, case_id) if case_id is not None else None
    return _in_scope_or_not_found(actor, case,
                                  _("No such case among the cases you are responsible for."))


def get_measure(session: Session, actor: Actor, measure_id: int | None,
                permission: str = "measures.view") -> Measure:
    """The measure if ``actor`` holds ``permission`` and its subject lies in their subtree."""
    actor.require(permission)
    measure = session.get(Measure, measure_id) if measure_id is not None else None
    return _in_scope_or_not_found(actor, measure,
                                  _("No such measure among those you are responsible for."))


def get_application(session: Session, actor: Actor, app_id: int | None,
                    permission: str = "tolerance.view") -> ToleranceApplication:
    """The error-tolerance application if ``actor`` holds ``permission`` over its unit."""
    actor.require(permission)
    app = session.get(ToleranceApplication, app_id) if app_id is not None else None
    return _in_scope_or_not_found(actor, app,
                                  _("No such application among those you are responsible for."))


def unit_path(session: Session, unit_id: int) -> str:
    path = session.scalar(select(Unit.path).where(Unit.id == unit_id))
    if path is None:
        raise NotFound(_("No such unit."))
    return path


def require_on_unit(session: Session, actor: Actor, permission: str, unit_id: int) -> None:
    """Raise unless ``actor`` holds ``permission`` over the unit ``unit_id``."""
    actor.require(permission, unit_path(session, unit_id))


def cadres_matching(session: Session, actor: Actor, term: str, limit: int = 20) -> list[Cadre]:
    """Cadres of the actor's subtree whose name or code contains ``term`` (for pickers)."""
    if is_cadre(actor):
        raise AccessDenied(_("Your role may not do this."))
    actor.require_any("cases.edit", "tolerance.edit", "measures.view_effects", "measures.view")
    term = (term or "").strip()
    if not term:
        return []
    like = f"%{term}%"
    stmt = (select(Cadre).where(actor.cadre_clause(),
                                (Cadre.name.like(like)) | (Cadre.code.like(like)))
            .order_by(Cadre.code).limit(limit))
    return list(session.scalars(stmt))


def cadres_for_picker(session: Session, actor: Actor, term: str, chosen_ids) -> list[Cadre]:
    """The cadres already chosen in a picker (those in the actor's subtree, in the order
    chosen), then those whose name or code contains ``term``."""
    ids = [int(i) for i in (chosen_ids or []) if str(i).isdigit()]
    kept = list(session.scalars(select(Cadre).where(Cadre.id.in_(ids),
                                                    actor.cadre_clause()))) if ids else []
    kept.sort(key=lambda c: ids.index(c.id))
    found = {c.id: c for c in [*kept, *cadres_matching(session, actor, term or "")]}
    return list(found.values())
