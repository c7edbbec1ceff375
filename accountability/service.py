"""What other packages may ask of accountability (the cadres package's eligibility engine,
personnel decisions, the annual report): a cadre's measures as effects, their open cases
as stages only, their error-tolerance outcomes, and person-times by form. Each function
checks the actor's role and scope, and none returns confidential text (summaries, sources of clues,
notes, statements, reasons).

The commands and the inspectors' queries live in ``cases``, ``measures`` and
``tolerance``; the pure rules (``rules.effect_of``) may be used directly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from accountability import dashboards, rules
from accountability import settings as ac_settings
from accountability.enums import OPEN_STAGES, UNDER_INVESTIGATION_STAGES, CaseStage
from accountability.measures import (
    MeasureEffectView,
    effect_select,
    effect_views,
    effects_for_cadre,
)
from accountability.models import Case, CaseSubject, Measure
from accountability.scope import in_scope, is_cadre, measure_view
from accountability.tolerance import OutcomeView, outcomes_for_cadre
from portal.access import Actor
from portal.models import Cadre, Unit

__all__ = [
    "MeasureEffectView", "OpenCaseView", "OutcomeView", "cadres_concerned", "effect_of",
           "effect_table",
    "effects_for_cadres", "measure_effects_for_cadre", "open_cases_for_cadre",
           "open_cases_for_cadres",
    "has_case_clause", "has_measure_clause", "parse_measure", "person_times_by_form",
    "tolerance_outcomes_for_cadre",
]

# The pure rules and rule values other packages apply to what this façade returns.
effect_of = rules.effect_of
parse_measure = rules.parse_measure
effect_table = ac_settings.effect_table


def has_measure_clause(cadre_id_column):
    """EXISTS: some measure is about the cadre whose id is ``cadre_id_column`` (a column of the
    caller's query); only whether one exists goes out."""
    return exists().where(Measure.cadre_id == cadre_id_column)


def has_case_clause(cadre_id_column):
    """EXISTS: some case names the cadre whose id is ``cadre_id_column`` as a subject."""
    return exists().where(CaseSubject.cadre_id == cadre_id_column)


def cadres_concerned(session: Session) -> set[int]:
    """Ids of the cadres some measure or case is about (the demo aligns their grades)."""
    return set(
        session.scalars(select(Measure.cadre_id).where(Measure.cadre_id.is_not(None)))
    ) | set(session.scalars(select(CaseSubject.cadre_id).where(CaseSubject.cadre_id.is_not(None))))


@dataclass(frozen=True)
class OpenCaseView:
    """A case about the cadre that is not finished: its number and stage only.

    ``under_investigation`` is true from filing (立案) until closing (domain.md §4, a
    block); a clue or a preliminary verification is ``pending_verification`` (a note).
    """

    case_id: int
    case_no: str
    stage: str
    stage_label: str
    opened_on: date
    filed_on: date | None
    source: str

    @property
    def under_investigation(self) -> bool:
        return CaseStage(self.stage) in UNDER_INVESTIGATION_STAGES

    @property
    def pending_verification(self) -> bool:
        return CaseStage(self.stage) in (CaseStage.CLUE, CaseStage.VERIFICATION)


def measure_effects_for_cadre(session: Session, actor: Actor,
                              cadre: Cadre) -> list[MeasureEffectView]:
    """Every measure about the cadre, current and past (revoked and changed ones too, with
    their dates), newest decision first. Reviewers, inspectors, the administrator in scope;
    a cadre for themselves. ``cadre`` comes from ``portal.access.visible_cadre``."""
    return effects_for_cadre(session, actor, cadre)


def effects_for_cadres(session: Session, actor: Actor, cadre_ids: Iterable[int]
                       ) -> dict[int, list[MeasureEffectView]]:
    """``measure_effects_for_cadre`` for many cadres in one query (lists of candidates);
    cadres outside the actor's scope are left out."""
    measure_view(actor)
    ids = list(dict.fromkeys(cadre_ids))
    found: dict[int, list[MeasureEffectView]] = {i: [] for i in ids}
    if is_cadre(actor):
        ids = [i for i in ids if i == actor.cadre_id]
    table = ac_settings.effect_table(session)
    for start in range(0, len(ids), 900):
        stmt = effect_select().where(Measure.cadre_id.in_(ids[start:start + 900]))
        if not is_cadre(actor):
            stmt = in_scope(stmt, actor, Measure.unit_id)
        stmt = stmt.order_by(Measure.decided_on.desc(), Measure.id.desc())
        for view in effect_views(session, stmt, table):
            found[view.cadre_id].append(view)
    return found


def _open_case_views(session: Session, actor: Actor, cadre_ids: list[int]) -> dict[int,
                                                                                   list[OpenCaseView]]:
    # A cadre learns of a case against them only once it is filed (立案 is notified);
    # clues and preliminary verifications stay confidential.
    stages = UNDER_INVESTIGATION_STAGES + (CaseStage.APPEAL,) if is_cadre(actor) else OPEN_STAGES
    found: dict[int, list[OpenCaseView]] = {i: [] for i in cadre_ids}
    for start in range(0, len(cadre_ids), 900):
        stmt = (select(CaseSubject.cadre_id, Case).join(Case, CaseSubject.case_id == Case.id)
                .where(CaseSubject.cadre_id.in_(cadre_ids[start:start + 900]),
                       Case.stage.in_(stages))
                .order_by(Case.opened_on, Case.id))
        for cadre_id, case in session.execute(stmt):
            found[cadre_id].append(OpenCaseView(case.id, case.case_no, case.stage.value,
                                                case.stage.label,
                                                case.opened_on, case.filed_on, f"case:{case.id}"))
    return found


def _require_case_stages(actor: Actor) -> None:
    if is_cadre(actor):
        actor.require("self.view")
    else:
        actor.require_any("cases.view", "measures.view_effects")


def open_cases_for_cadre(session: Session, actor: Actor, cadre: Cadre) -> list[OpenCaseView]:
    """The cadre's unfinished cases, stage only, oldest first (for ``under_investigation``
    and ``pending_verification``). A cadre asking about themselves sees filed cases only."""
    _require_case_stages(actor)
    actor.require_cadre(cadre)
    return _open_case_views(session, actor, [cadre.id])[cadre.id]


def open_cases_for_cadres(session: Session, actor: Actor, cadre_ids: Iterable[int]
                          ) -> dict[int, list[OpenCaseView]]:
    """``open_cases_for_cadre`` for many cadres at once (out-of-scope cadres are left out)."""
    _require_case_stages(actor)
    ids = list(dict.fromkeys(cadre_ids))
    if is_cadre(actor):
        ids = [i for i in ids if i == actor.cadre_id]
    else:
        ids = list(session.scalars(select(Cadre.id).where(Cadre.id.in_(ids),
                                                          actor.cadre_clause()))) if ids else []
    return _open_case_views(session, actor, ids)


def tolerance_outcomes_for_cadre(session: Session, actor: Actor, cadre: Cadre) -> list[OutcomeView]:
    """The cadre's error-tolerance applications as outcomes (exempt / mitigated /
    not_tolerated, or None while pending), newest first."""
    return outcomes_for_cadre(session, actor, cadre)


def person_times_by_form(session: Session, actor: Actor, start: date, end: date,
                         under: Unit) -> dict[int, int]:
    """Person-times (人次) by form (1–4) of the measures decided in [start, end] that still
    stand, about cadres or organizations of ``under``'s subtree: each person (or
    organization) counted once per case, with the heaviest form decided (the dashboard's
    count). Effects only, like every function here."""
    frame = dashboards.standing_measures(session, actor, start, end)
    frame = frame[frame["path"].str.startswith(under.path)]
    if frame.empty:
        return {}
    return dict(Counter(int(form) for form in dashboards.person_times(frame)["form"]))


effect_of = rules.effect_of
latest_until = rules.latest_until
