"""Who may see what in the assessment package, on top of ``portal.access``: the office
reads its unit subtree (``Actor.require`` with the page's permission); a unit's reporter
(填报员) reads their own unit's published results and nothing of other units."""

from __future__ import annotations

from portal.access import Actor

REPORT = "assessment.report"


def own_unit_reporter(actor: Actor, unit_id: int) -> bool:
    """A unit reporter reading their own unit (a lead department's reporter never is one)."""
    return (not actor.is_system and actor.can(REPORT) and not actor.department_code
            and unit_id == actor.unit_id)
