"""Condition search → roster (条件检索 → 花名册): the cadres in the actor's scope who meet
every condition, with the blocks of the eligibility engine for a decision, a page at a time;
the roster as XLSX with the chosen columns; and the reviewer's saved searches.

How it stays fast over a city (52,600 cadres): every condition the database can judge
(subtree, ranks, age, gender, education, years in rank and in post, grades, training
completion from ``training_tally``) is one SQL query that yields only ids. The résumé
(years at the grassroots) is read for those candidates only, and the eligibility engine
runs only on what is left — at most ``ELIGIBILITY_LIMIT`` cadres; past that the reviewer is
asked to narrow the search. Without an eligibility condition only the rows of the page
asked for are evaluated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload

from cadres import codes, completion, evidence, scope
from cadres import settings as cadre_settings
from cadres.enums import AppraisalGrade, DecisionType
from cadres.models import CadreAppraisal, CadreRecord, SavedSearch
from cadres.rules import eligibility as engine
from cadres.rules import roster as rules
from cadres.rules.eligibility import BAD_GRADES
from cadres.rules.roster import Conditions
from portal import audit, cache
from portal.access import Actor, in_subtree
from portal.db import utcnow
from portal.enums import CadreStatus, Gender, Rank
from portal.errors import AccessDenied, Invalid, NotFound
from portal.i18n import N_, _
from portal.models import Cadre, Unit
from portal.tabular import Column, Table, to_bytes

PERMISSION = "cadres.view"
ELIGIBILITY_LIMIT = 3000   # cadres the engine is run on in one search
MAX_SAVED = 50             # saved searches per user


@dataclass
class RosterRow:
    """One cadre of the roster, as the page, the CLI and the XLSX show it."""

    cadre_id: int
    code: str
    name: str
    unit_code: str
    unit_name: str
    position: str
    rank: Rank | None
    gender: str
    birth_date: date | None
    age: int | None
    rank_years: float | None
    post_years: float | None
    education: str                     # the code of the highest education (学历)
    grassroots_years: float
    eligible: bool = True
    blocks: list[engine.Finding] = field(default_factory=list)
    notes: list[engine.Finding] = field(default_factory=list)

    @property
    def education_label(self) -> str:
        return codes.EDUCATION.label(self.education)

    def as_json(self) -> dict:
        """One cadre of ``portal roster --json`` (contracts.md): exactly these keys."""
        return {"code": self.code, "name": self.name, "unit": self.unit_code,
                "rank": self.rank.label if self.rank else None, "age": self.age,
                "rank_years": self.rank_years, "post_years": self.post_years,
                "education": self.education_label or None, "eligible": self.eligible,
                "blocks": [b.as_json() for b in self.blocks]}


@dataclass
class Roster:
    as_of: date
    decision: DecisionType
    count: int
    rows: list[RosterRow]

    def as_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "decision": self.decision.value,
                "count": self.count, "cadres": [r.as_json() for r in self.rows]}


# --- reading conditions -------------------------------------------------------------------

FIELD_NAMES = {
    "unit": N_("Unit"), "ranks": N_("Rank"), "min_age": N_("Age from"),
    "max_age": N_("Age up to"), "gender": N_("Gender"), "education": N_("Education"),
    "min_rank_years": N_("Years in rank, at least"),
    "min_post_years": N_("Years in post, at least"),
    "min_grassroots_years": N_("Years at the grassroots, at least"),
    "training": N_("Training this year"), "good_grades_years": N_("No grade below competent in"),
    "eligible_for": N_("Eligible for"), "as_of": N_("As of"),
}


def field_label(name: str) -> str:
    return _(FIELD_NAMES[name]) if name in FIELD_NAMES else name


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _number(values: Mapping, name: str, *, whole: bool, upper: float) -> Any:
    value = values.get(name)
    if _blank(value):
        return None
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        raise Invalid(_("%(field)s: “%(value)s” is not a number.", field=field_label(name),
                        value=str(value)[:40]), field=name) from None
    if number < 0 or number > upper or (whole and number != int(number)):
        raise Invalid(_("%(field)s: give a number from 0 to %(upper)s.", field=field_label(name),
                        upper=int(upper)), field=name)
    return int(number) if whole else number


def _choice(values: Mapping, name: str, allowed: Sequence[str], aliases: Mapping[str, str] = {}):
    value = values.get(name)
    if _blank(value):
        return None
    raw = str(value).strip()
    raw = aliases.get(raw, aliases.get(raw.lower(), raw))
    if raw not in allowed:
        raise Invalid(_("%(field)s: “%(value)s” is not one of %(allowed)s.",
                        field=field_label(name), value=str(value)[:40],
                        allowed=", ".join(allowed)), field=name)
    return raw


GENDER_ALIASES = {"男": "male", "女": "female", "m": "male", "f": "female"}


def _ranks(values: Mapping) -> tuple[rules.RankCondition, ...]:
    ranks = values.get("ranks") or []
    if isinstance(ranks, str):
        ranks = [ranks]
    if not isinstance(ranks, list | tuple):
        raise Invalid(_("%(field)s: choose from the list.", field=field_label("ranks")),
                      field="ranks")
    parsed = []
    for rank in ranks:
        try:
            parsed.append(rules.parse_rank_condition(str(rank)))
        except ValueError:
            raise Invalid(_("%(field)s: “%(value)s” is not a rank (a code such as "
                            "principal_staff_2 or a name such as 二级主任科员, with + for “and "
                            "above”).",
                            field=field_label("ranks"), value=str(rank)[:40]),
                          field="ranks") from None
    return tuple(parsed)


def _education_code(values: Mapping) -> str | None:
    education = values.get("education")
    if _blank(education):
        return None
    try:
        return codes.EDUCATION.parse(str(education))
    except ValueError:
        raise Invalid(_("%(field)s: “%(value)s” is not an education level (%(allowed)s).",
                        field=field_label("education"), value=str(education)[:40],
                        allowed=", ".join(codes.EDUCATION.names.values())),
                      field="education") from None


def _as_of(values: Mapping) -> date | None:
    as_of = values.get("as_of")
    if isinstance(as_of, date):
        return as_of
    if _blank(as_of):
        return None
    try:
        return date.fromisoformat(str(as_of).strip()[:10])
    except ValueError:
        raise Invalid(_("%(field)s: “%(value)s” is not a date written YYYY-MM-DD.",
                        field=field_label("as_of"), value=str(as_of)[:40]),
                      field="as_of") from None


def read_conditions(values: Mapping[str, Any]) -> Conditions:
    """Conditions from what a form or the command line sent (strings, numbers, lists); a
    value that cannot be read raises ``Invalid`` naming the field and the value."""
    unit = values.get("unit")
    conditions = Conditions(
        unit=None if _blank(unit) else str(unit).strip(),
        ranks=_ranks(values),
        min_age=_number(values, "min_age", whole=True, upper=100),
        max_age=_number(values, "max_age", whole=True, upper=100),
        gender=_choice(values, "gender", [g.value for g in Gender], GENDER_ALIASES),
        education=_education_code(values),
        min_rank_years=_number(values, "min_rank_years", whole=False, upper=60),
        min_post_years=_number(values, "min_post_years", whole=False, upper=60),
        min_grassroots_years=_number(values, "min_grassroots_years", whole=False, upper=60),
        training=_choice(values, "training", rules.TRAINING_CHOICES),
        good_grades_years=_number(values, "good_grades_years", whole=True, upper=10),
        eligible_for=_choice(values, "eligible_for", rules.ELIGIBILITY_CHOICES),
        as_of=_as_of(values),
    )
    if (conditions.min_age is not None and conditions.max_age is not None
            and conditions.min_age > conditions.max_age):
        raise Invalid(_("%(field)s: the lowest age is above the highest.",
                        field=field_label("min_age")), field="min_age")
    return conditions


# --- the search -------------------------------------------------------------------------------

def _require(actor: Actor) -> None:
    if scope.is_cadre(actor) or not actor.can(PERMISSION):
        raise AccessDenied(_("Only the organization department's reviewers search the cadres."))


def _unit(session: Session, actor: Actor, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or not actor.in_scope(unit.path):
        raise NotFound(_("%(field)s: no unit with the code “%(code)s” among the units you are "
                         "responsible for.", field=field_label("unit"), code=code[:40]))
    return unit


def unit_name(session: Session, actor: Actor, code: str | None) -> str | None:
    """The name of the unit a search is limited to (None without one)."""
    return _unit(session, actor, code).name if code else None


def _candidates(session: Session, actor: Actor, conditions: Conditions, as_of: date):
    """The query of the cadres' ids that meet every condition the database can judge.

    It walks the units in scope by path and their cadres by unit (the actor's subtree on the
    joined unit is ``actor.cadre_clause()`` for the reviewers ``_require`` lets through),
    reading ids only: no ORM object until a page is shown."""
    stmt = (select(Cadre.id).select_from(Unit).join(Cadre, Cadre.unit_id == Unit.id)
            .where(actor.unit_clause(), Cadre.status == CadreStatus.SERVING))
    if conditions.unit:
        under = _unit(session, actor, conditions.unit)
        stmt = stmt.where(in_subtree(Unit.path, under.path))
    if conditions.ranks:
        stmt = stmt.where(Cadre.rank.in_(sorted(rules.wanted_ranks(conditions.ranks))))
    if conditions.min_age is not None:
        stmt = stmt.where(Cadre.birth_date <= rules.latest_birth_for_min_age(conditions.min_age,
                                                                             as_of))
    if conditions.max_age is not None:
        stmt = stmt.where(Cadre.birth_date > rules.earliest_birth_for_max_age(conditions.max_age,
                                                                              as_of))
    if conditions.gender:
        stmt = stmt.where(Cadre.gender == Gender(conditions.gender))
    if conditions.min_rank_years is not None:
        stmt = stmt.where(Cadre.rank_since <= rules.latest_start_for_years(
            conditions.min_rank_years, as_of))
    if conditions.min_post_years is not None:
        stmt = stmt.where(Cadre.position_since <= rules.latest_start_for_years(
            conditions.min_post_years, as_of))
    return _record_conditions(session, actor, stmt, conditions, as_of).order_by(Unit.path,
                                                                                 Cadre.code)


def _record_conditions(session: Session, actor: Actor, stmt, conditions: Conditions, as_of: date):
    """The conditions on the cadre's record beyond the registry row: education, grades,
    training."""
    if conditions.education:
        level = conditions.education  # lower code, higher level (GB/T 4658)
        stmt = stmt.where(Cadre.id.in_(select(CadreRecord.cadre_id).where(or_(
            and_(CadreRecord.fulltime_education != "", CadreRecord.fulltime_education <= level),
            and_(CadreRecord.inservice_education != "",
                 CadreRecord.inservice_education <= level)))))
    if conditions.good_grades_years:
        first = as_of.year - conditions.good_grades_years
        stmt = stmt.where(~exists().where(
            CadreAppraisal.cadre_id == Cadre.id, CadreAppraisal.year >= first,
            CadreAppraisal.year < as_of.year,
            CadreAppraisal.grade.in_([AppraisalGrade(g) for g in sorted(BAD_GRADES)])))
    if conditions.training:
        outcome = completion.cadre_outcomes(session, actor, as_of.year, as_of)
        column = {"complete": outcome.c.complete == 1, "on_pace": outcome.c.behind == 0,
                  "behind": outcome.c.behind == 1}[conditions.training]
        stmt = stmt.where(Cadre.id.in_(select(outcome.c.cadre_id).where(column)))
    return stmt


def _chunks(ids: Sequence[int], size: int = 900):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _resumes(session: Session, ids: Sequence[int]) -> dict[int, list]:
    found: dict[int, list] = {}
    for chunk in _chunks(ids):
        found.update(session.execute(select(CadreRecord.cadre_id, CadreRecord.resume)
                                     .where(CadreRecord.cadre_id.in_(chunk))).all())
    return found


def _evaluate(session: Session, actor: Actor, cadres: Sequence[Cadre], as_of: date,
              decision: DecisionType) -> dict[int, engine.Eligibility]:
    rule_values = cadre_settings.eligibility_rules(session)
    found: dict[int, engine.Eligibility] = {}
    for start in range(0, len(cadres), 500):
        chunk = list(cadres[start:start + 500])
        facts = evidence.facts_for_many(session, actor, chunk, as_of)
        found.update((c.id, engine.evaluate(facts[c.id], as_of, decision, rule_values))
                     for c in chunk)
    return found


def _eligible(session: Session, actor: Actor, ids: list[int], as_of: date,
              decision: DecisionType) -> list[int]:
    """The ids without a block for ``decision`` (in the same order), from the facts the
    blocks read only (``evidence.block_facts_many``: no ORM cadres, no training)."""
    rule_values = cadre_settings.eligibility_rules(session)
    facts = evidence.block_facts_many(session, actor, ids, as_of, decision)
    return [i for i in ids if i in facts and not _blocked(facts[i], as_of, decision, rule_values)]


def _blocked(facts: engine.CadreFacts, as_of: date, decision: DecisionType, rule_values) -> bool:
    """Whether a rule of ``engine.BLOCKS`` blocks (what ``engine.evaluate(…).eligible`` says,
    without its notes)."""
    return any(any(True for _f in rule(facts, as_of, rule_values))
               for rule in engine.BLOCKS.get(decision, ()))


def _load(session: Session, ids: Sequence[int]) -> list[Cadre]:
    by_id: dict[int, Cadre] = {}
    for chunk in _chunks(ids):
        by_id.update((c.id, c) for c in session.scalars(
            select(Cadre).where(Cadre.id.in_(chunk)).options(joinedload(Cadre.unit))))
    return [by_id[i] for i in ids if i in by_id]


def _education(session: Session, ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in _chunks(ids):
        for cadre_id, fulltime, inservice in session.execute(
                select(CadreRecord.cadre_id, CadreRecord.fulltime_education,
                       CadreRecord.inservice_education).where(CadreRecord.cadre_id.in_(chunk))):
            levels = [level for level in (fulltime, inservice) if level]
            found[cadre_id] = min(levels) if levels else ""
    return found


def _matching_ids(session: Session, actor: Actor, conditions: Conditions, as_of: date,
                  decision: DecisionType, cap: int | None) -> list[int]:
    """The ids of the cadres meeting every condition, in roster order: SQL first, then the
    résumé, then the eligibility engine on what is left."""
    ids = list(session.scalars(_candidates(session, actor, conditions, as_of)))
    if conditions.min_grassroots_years is not None:
        resumes = _resumes(session, ids)
        ids = [i for i in ids if rules.grassroots_years(resumes.get(i) or [], as_of)
               >= conditions.min_grassroots_years]
    if conditions.eligible_for:
        if cap is not None and len(ids) > cap:
            raise Invalid(_("%(count)s cadres meet the other conditions: eligibility is checked "
                            "for at most %(limit)s at once. Narrow the search (a unit, a rank, an "
                            "age range) and search again.", count=len(ids),
                            limit=cap), field="eligible_for")
        ids = _eligible(session, actor, ids, as_of, decision)
    return ids


def search(session: Session, actor: Actor, conditions: Conditions, *, offset: int = 0,
           limit: int | None = None, cap: int | None = ELIGIBILITY_LIMIT) -> Roster:
    """The cadres in the actor's scope meeting every condition, ordered by unit and code:
    ``count`` of them, and the rows ``offset`` … ``offset + limit`` (all when ``limit`` is
    None) each with its blocks for ``conditions.decision`` on the as-of date. ``cap``: the
    most cadres the engine is run on in one search (the pages'; the command line has none)."""
    _require(actor)
    as_of = conditions.as_of or date.today()
    decision = DecisionType(conditions.decision)
    # The grid asks a block at a time: the ids found are kept (per scope, conditions and day,
    # until the next write anywhere) so that paging does not run the engine again.
    key = (cache.scope_of(actor), json.dumps(conditions.as_json(), sort_keys=True, default=str),
           as_of.isoformat())
    ids = cache.cached(session, "cadres.roster.ids", key,
                       lambda: _matching_ids(session, actor, conditions, as_of, decision, cap))
    count = len(ids)
    page_ids = ids[max(0, offset):] if limit is None else ids[max(0, offset):max(0, offset) + limit]
    if cap is not None and len(page_ids) > cap:
        raise Invalid(_("%(count)s cadres meet the conditions: a roster lists at most %(limit)s "
                        "with their blocks. Narrow the search and search again.",
                        count=count, limit=cap))
    cadres = _load(session, page_ids)
    results = _evaluate(session, actor, cadres, as_of, decision)
    resumes = _resumes(session, page_ids)
    education = _education(session, page_ids)
    rows = [_row(c, as_of, results[c.id], education.get(c.id, ""), resumes.get(c.id) or [])
            for c in cadres]
    return Roster(as_of, decision, count, rows)


def _row(cadre: Cadre, as_of: date, result: engine.Eligibility, education: str,
         resume: list) -> RosterRow:
    return RosterRow(
        cadre_id=cadre.id, code=cadre.code, name=cadre.name, unit_code=cadre.unit.code,
        unit_name=cadre.unit.name, position=cadre.position,
        rank=Rank(cadre.rank) if cadre.rank else None, gender=Gender(cadre.gender).value,
        birth_date=cadre.birth_date, age=rules.age_on(cadre.birth_date, as_of),
        rank_years=rules.years_between(cadre.rank_since, as_of),
        post_years=rules.years_between(cadre.position_since, as_of),
        education=education, grassroots_years=rules.grassroots_years(resume, as_of),
        eligible=result.eligible, blocks=list(result.blocks), notes=list(result.notes))


# --- the roster as a file ---------------------------------------------------------------------

# Columns a reviewer may pick for the XLSX roster, in the order they are written.
EXPORT_COLUMNS: dict[str, str] = {
    "code": N_("Cadre code"), "name": N_("Full name"), "unit": N_("Unit"),
    "position": N_("Position"), "rank": N_("Rank"), "gender": N_("Gender"),
    "birth_date": N_("Born"), "age": N_("Age"), "education": N_("Education"),
    "rank_years": N_("Years in rank"), "post_years": N_("Years in post"),
    "grassroots_years": N_("Years at the grassroots"), "eligible": N_("Eligible"),
    "blocks": N_("Blocks"),
}
DEFAULT_EXPORT = ("code", "name", "unit", "position", "rank", "age", "education", "rank_years",
                  "post_years", "eligible", "blocks")


def blocks_text(row: RosterRow) -> str:
    return "；".join(f"{b.reason}" + (_(" (until %(date)s)", date=b.until.isoformat())
                                      if b.until else "") for b in row.blocks)


def export_cell(row: RosterRow, key: str) -> Any:
    return {"code": row.code, "name": row.name, "unit": row.unit_name, "position": row.position,
            "rank": row.rank.label if row.rank else "",
            "gender": Gender(row.gender).label, "birth_date": row.birth_date.isoformat()
            if row.birth_date else "", "age": row.age, "education": row.education_label,
            "rank_years": row.rank_years, "post_years": row.post_years,
            "grassroots_years": row.grassroots_years,
            "eligible": _("Yes") if row.eligible else _("No"),
            "blocks": blocks_text(row)}[key]


def export_roster(session: Session, actor: Actor, conditions: Conditions,
                  columns: Sequence[str] = DEFAULT_EXPORT,
                  cap: int | None = ELIGIBILITY_LIMIT) -> bytes:
    """The whole roster as XLSX with the chosen columns (headers in the reader's language),
    audited as an export."""
    _require(actor)
    actor.require("export")
    chosen = [c for c in EXPORT_COLUMNS if c in set(columns or ())]
    if not chosen:
        raise Invalid(_("Choose at least one column for the roster."), field="columns")
    found = search(session, actor, conditions, cap=cap)
    table = Table("roster", [Column(c, _(EXPORT_COLUMNS[c])) for c in chosen],
                  [{c: export_cell(row, c) for c in chosen} for row in found.rows])
    content = to_bytes(table, "xlsx", "zh")
    audit.log(session, actor, "export", entity_type="roster",
              summary={"kind": "roster", "format": "xlsx", "rows": len(found.rows),
                       "columns": chosen, "conditions": conditions.as_json()})
    return content


# --- saved searches -----------------------------------------------------------------------------

def _require_user(actor: Actor) -> int:
    _require(actor)
    if actor.user_id is None:
        raise AccessDenied(_("Saved searches belong to a login; the command line has none."))
    return actor.user_id


def saved_searches(session: Session, actor: Actor) -> list[SavedSearch]:
    """The actor's own saved searches, by name."""
    user_id = _require_user(actor)
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id)
                                .order_by(SavedSearch.name)))


def save_search(session: Session, actor: Actor, name: str, conditions: Conditions) -> SavedSearch:
    """Save (or replace, under the same name) the actor's conditions; audited."""
    user_id = _require_user(actor)
    name = " ".join(str(name or "").split())
    if not name or len(name) > 80:
        raise Invalid(_("Name the search (1 to 80 characters)."), field="name")
    if conditions.unit:
        _unit(session, actor, conditions.unit)
    row = session.scalar(select(SavedSearch).where(SavedSearch.user_id == user_id,
                                                   SavedSearch.name == name))
    if row is None:
        count = session.scalar(select(func.count()).select_from(SavedSearch)
                               .where(SavedSearch.user_id == user_id)) or 0
        if count >= MAX_SAVED:
            raise Invalid(_("You have %(n)s saved searches; delete one first.", n=count),
                          field="name")
        row = SavedSearch(user_id=user_id, name=name, conditions=conditions.as_json())
        session.add(row)
        action = "roster.search.saved"
    else:
        row.conditions = conditions.as_json()
        row.updated_at = utcnow()
        action = "roster.search.replaced"
    session.flush()
    audit.log(session, actor, action, row, summary={"name": name,
                                                    "conditions": conditions.as_json()})
    return row


def get_saved(session: Session, actor: Actor, search_id) -> SavedSearch:
    user_id = _require_user(actor)
    try:
        ident = int(search_id)
    except (TypeError, ValueError):
        raise NotFound(_("No such saved search.")) from None
    row = session.get(SavedSearch, ident)
    if row is None or row.user_id != user_id:
        raise NotFound(_("No such saved search."))
    return row


def delete_search(session: Session, actor: Actor, search_id) -> None:
    row = get_saved(session, actor, search_id)
    audit.log(session, actor, "roster.search.deleted", row, summary={"name": row.name})
    session.delete(row)
    session.flush()


def conditions_of(row: SavedSearch) -> Conditions:
    """A saved search's conditions (read again, as any input is)."""
    return read_conditions(row.conditions or {})
