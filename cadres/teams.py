"""Leadership-team structure (班子结构分析): the teams of every unit of a level in the actor's
subtree, their structure and flags, one unit's team, and the comparison as XLSX.

Reviewers in scope only (``cadres.view``): inspectors see a cadre's basic profile but not ages
and education across teams, cadres see only themselves, the administrators no cadre data.
The table of a level is one scoped query (units of the level LEFT JOIN their serving
principals and deputies and their records) turned into indicators by the pure rules
(``cadres.rules.teams``) and kept per scope and data version (``portal.cache``), so that
paging, sorting and the charts read it from the cache. Membership: ``Cadre.leader_role``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import String, and_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from cadres import codes, scope
from cadres import settings as cadre_settings
from cadres.models import CadreRecord
from cadres.rules import teams as rules
from portal import audit, cache, units
from portal.access import Actor, in_subtree
from portal.enums import CadreStatus, Gender, LeaderRole, UnitKind, UnitLevel
from portal.errors import AccessDenied, Invalid
from portal.i18n import _
from portal.models import Cadre, Unit
from portal.tabular import Column, Table, to_bytes

TEAM_ROLES = (LeaderRole.PRINCIPAL, LeaderRole.DEPUTY)

# the comparison table's columns, in order (server-side sorting accepts these only)
UNIT_COLUMNS = ("unit_id", "code", "name", "parent", "kind", "principals", "principal_posts",
                "deputies", "deputy_posts", "vacant", "members", "women", "average_age",
                "under_young", "over_old", "graduate", "university_or_higher", "minority",
                "non_party", "longest_principal_years", "flags", "flag_count",
                *(f"flag_{flag}" for flag in rules.FLAGS))
MEMBER_COLUMNS = ("unit_id", "cadre_id", "code", "name", "position", "role", "gender", "age",
                  "years_in_post", "position_since", "education", "fulltime_education",
                  "inservice_education", "ethnicity", "party_member")


@dataclass
class TeamTable:
    """The teams of one level in a subtree on a day: ``units`` one row per unit (indicators
    and flags, problems first), the number of members and their counts per band; ``members``
    one row per member only for one unit's team (a city's 7,000 rows would be unpickled
    from the cache on every page request for nothing)."""

    level: str
    as_of: date
    rules: rules.TeamRules
    units: pd.DataFrame
    member_count: int
    distributions: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    members: pd.DataFrame | None = None

    def flag_counts(self) -> dict[str, int]:
        return {flag: int(self.units[f"flag_{flag}"].sum()) if len(self.units) else 0
                for flag in rules.FLAGS}

    def flagged(self) -> int:
        """Teams with at least one flag."""
        return int((self.units["flag_count"] > 0).sum()) if len(self.units) else 0

    def distribution(self, band_column: str) -> dict[str, dict[str, int]]:
        """Members per band and role ({band: {role: n}}, every band and role present)."""
        return self.distributions[band_column]


@dataclass
class UnitTeam:
    """One unit's team: the unit, its establishment, members (dicts) and indicators."""

    unit: Unit
    parent: str
    establishment: rules.Establishment | None
    indicators: rules.TeamIndicators
    members: list[dict] = field(default_factory=list)


def require_view(actor: Actor) -> None:
    """Reviewers (and the command line) only: a cadre or an inspector is refused."""
    if scope.is_cadre(actor):
        raise AccessDenied(_("Your role may not do this."))
    actor.require("cadres.view")


def levels(session: Session, actor: Actor) -> list[UnitLevel]:
    """The levels with units in the actor's subtree, top first (the page's choices)."""
    require_view(actor)
    found = units.count_by_level(session, actor)
    return [level for level in UnitLevel if found.get(level)]


def _under(session: Session, actor: Actor, under_id: int | None) -> Unit:
    if under_id is None:
        return units.scope_root(session, actor)
    return units.get_unit(session, actor, under_id)  # NotFound outside the subtree


def team_table(session: Session, actor: Actor, level: UnitLevel | str,
               under_id: int | None = None, as_of: date | None = None) -> TeamTable:
    """The teams of every active unit of ``level`` under ``under_id`` (the actor's whole
    subtree by default); refused for other roles, a unit outside the subtree not found."""
    require_view(actor)
    try:
        level = UnitLevel(level)
    except ValueError:
        raise Invalid(_("Choose a level of units."), field="level") from None
    under = _under(session, actor, under_id)
    return _cached_table(session, actor, level.value, under.path, as_of or date.today(), False)


@cache.scoped("cadres.teams.table")
def _cached_table(session: Session, actor: Actor, level: str, under_path: str,
                  as_of: date, with_members: bool) -> TeamTable:
    team_rules = cadre_settings.team_rules_of(session)
    parent = aliased(Unit)
    stmt = (
        # the enum columns read as their stored codes: converting 20,000 values to enums
        # cost more than the query on a city's 3,000 communities
        select(Unit.id, Unit.code, Unit.name, type_coerce(Unit.kind, String).label("kind"),
               parent.name.label("parent"),
               Cadre.id.label("cadre_id"), Cadre.code.label("cadre_code"),
               Cadre.name.label("cadre_name"), Cadre.position,
               type_coerce(Cadre.leader_role, String).label("leader_role"),
               type_coerce(Cadre.gender, String).label("gender"),
               Cadre.birth_date, Cadre.position_since, Cadre.party_member,
               CadreRecord.fulltime_education, CadreRecord.inservice_education,
               CadreRecord.ethnicity)
        .select_from(Unit)
        .outerjoin(parent, parent.id == Unit.parent_id)
        .outerjoin(Cadre, and_(Cadre.unit_id == Unit.id, Cadre.leader_role.in_(TEAM_ROLES),
                               Cadre.status == CadreStatus.SERVING))
        .outerjoin(CadreRecord, CadreRecord.cadre_id == Cadre.id)
        .where(actor.unit_clause(), in_subtree(Unit.path, under_path),
               Unit.level == UnitLevel(level), Unit.active)
        .order_by(Unit.path, Cadre.leader_role.desc(), Cadre.code)
    )
    unit_rows: dict[int, dict] = {}
    members: dict[int, list[rules.Member]] = {}
    member_rows: list[dict] = []
    for row in session.execute(stmt):
        if row.id not in unit_rows:
            unit_rows[row.id] = {"unit_id": row.id, "code": row.code, "name": row.name,
                                 "parent": row.parent or "", "kind": row.kind}
            members[row.id] = []
        if row.cadre_id is None:
            continue
        member = _member(row, as_of)
        members[row.id].append(member)
        member_rows.append({
            "unit_id": row.id, "cadre_id": row.cadre_id, "code": row.cadre_code,
            "name": row.cadre_name, "position": row.position, "role": member.role,
            "gender": member.gender, "age": member.age, "years_in_post": member.years_in_post,
            "position_since": row.position_since, "education": member.education,
            "fulltime_education": row.fulltime_education or "",
            "inservice_education": row.inservice_education or "",
            "ethnicity": member.ethnicity, "party_member": member.party_member,
            "age_band": rules.age_band(member.age),
            "education_band": rules.education_band(member.education),
            "tenure_band": rules.tenure_band(member.years_in_post)})
    records = []
    for unit_id, row in unit_rows.items():
        found = members[unit_id]
        establishment = rules.establishment_for(team_rules.establishment, level, row["kind"])
        values = rules.indicators(found, establishment, team_rules)
        records.append({**row, **values.__dict__, "members": len(found),
                        "flag_count": len(values.flags),
                        **{f"flag_{flag}": flag in values.flags for flag in rules.FLAGS}})
    unit_frame = pd.DataFrame.from_records(records, columns=list(UNIT_COLUMNS))
    # the default order (problems first, then by code), so a page is a slice
    unit_frame = unit_frame.sort_values(["flag_count", "code"], ascending=[False, True],
                                        kind="stable", ignore_index=True)
    member_frame = pd.DataFrame.from_records(
        member_rows, columns=[*MEMBER_COLUMNS, "age_band", "education_band", "tenure_band"])
    return TeamTable(level, as_of, team_rules, unit_frame, len(member_rows),
                     _distributions(member_rows), member_frame if with_members else None)


BANDS = {"age_band": rules.AGE_BANDS, "education_band": rules.EDUCATION_BANDS,
         "tenure_band": rules.TENURE_BANDS}


def _distributions(member_rows: list[dict]) -> dict[str, dict[str, dict[str, int]]]:
    """Members per band and role for each band column, counted once with the table."""
    counts = {column: {band: {role.value: 0 for role in TEAM_ROLES} for band in bands}
              for column, bands in BANDS.items()}
    for row in member_rows:
        for column in BANDS:
            counts[column][row[column]][row["role"]] += 1
    return counts


def _member(row, as_of: date) -> rules.Member:
    return rules.Member(
        role=row.leader_role, gender=row.gender,
        age=rules.age_at(row.birth_date, as_of),
        years_in_post=rules.years_since(row.position_since, as_of),
        education=rules.highest_education(row.fulltime_education, row.inservice_education),
        ethnicity=row.ethnicity or "", party_member=bool(row.party_member))


# --- reading the table: filtered, sorted, a page at a time -------------------------------------

SORTABLE = frozenset(UNIT_COLUMNS) - {"flags", "unit_id", *(f"flag_{f}" for f in rules.FLAGS)}
# (flag_count stays sortable: "most problems first" is a sort a reviewer asks for)


def filtered(table: TeamTable, flag: str | None = None) -> pd.DataFrame:
    """The units carrying ``flag`` (every unit for None or ""); an unknown flag is refused."""
    frame = table.units
    if not flag:
        return frame
    if flag not in rules.FLAGS:
        raise Invalid(_("Choose a flag from the list."), field="flag")
    return frame[frame[f"flag_{flag}"]]


def unit_page(table: TeamTable, flag: str | None, start: int, end: int,
              sort: list[dict] | None = None) -> tuple[list[dict], int]:
    """Rows ``start``–``end`` of the units with ``flag``, sorted as asked (flagged first by
    default); and how many there are."""
    frame = filtered(table, flag)
    wanted = [s for s in sort or [] if s.get("colId") in SORTABLE]
    if wanted:
        frame = frame.sort_values([s["colId"] for s in wanted],
                                  ascending=[s.get("sort") != "desc" for s in wanted],
                                  na_position="last", kind="stable")
    block = frame.iloc[start:end]
    return _records(block), len(frame)


def _records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready rows: Python numbers (object columns hold them, not numpy's), NaN as None,
    flags as a list. Column-wise, then ``itertuples``: ``to_dict("records")`` and a loop
    over every cell were ten times slower on a city's table."""
    plain = frame.astype(object).where(frame.notna(), None)
    if "flags" in plain:
        plain["flags"] = [list(flags) for flags in plain["flags"]]
    columns = list(plain.columns)
    return [dict(zip(columns, row, strict=True))
            for row in plain.itertuples(index=False, name=None)]


# --- one unit's team ---------------------------------------------------------------------------

def unit_team(session: Session, actor: Actor, unit_id: int, as_of: date | None = None) -> UnitTeam:
    """The team of one unit in the actor's subtree (NotFound outside it), members principal
    first, with the labels a page shows."""
    require_view(actor)
    unit = units.get_unit(session, actor, int(unit_id))
    as_of = as_of or date.today()
    table = _cached_table(session, actor, UnitLevel(unit.level).value, unit.path, as_of, True)
    found = table.members
    row = table.units.iloc[0] if len(table.units) else None
    team_rules = table.rules
    members = [rules.Member(role=m["role"], gender=m["gender"], age=m["age"],
                            years_in_post=m["years_in_post"], education=m["education"],
                            ethnicity=m["ethnicity"], party_member=m["party_member"])
               for m in _records(found)]
    establishment = rules.establishment_for(team_rules.establishment, UnitLevel(unit.level).value,
                                            UnitKind(unit.kind).value)
    return UnitTeam(unit=unit, parent=str(row["parent"]) if row is not None else "",
                    establishment=establishment,
                    indicators=rules.indicators(members, establishment, team_rules),
                    members=[member_labels(m) for m in _records(found)])


def member_labels(member: dict) -> dict:
    """A member row with its codes shown as names (education, ethnicity) and roles in words."""
    return {
        **member,
        "role_label": LeaderRole(member["role"]).label,
        "gender_label": Gender(member["gender"]).label,
        "education_label": codes.EDUCATION.label(member["education"]) or "—",
        "fulltime_label": codes.EDUCATION.label(member["fulltime_education"]) or "—",
        "inservice_label": codes.EDUCATION.label(member["inservice_education"]) or "—",
        "ethnicity_label": codes.ETHNICITY.label(member["ethnicity"]) or "—",
        "party_label": _("Yes") if member["party_member"] else _("No"),
        "since": member["position_since"].isoformat() if member["position_since"] else "",
    }


# --- flags in words ---------------------------------------------------------------------------

def flag_label(flag: str, team_rules: rules.TeamRules) -> str:
    """A flag's short name with the numbers of the rules in force."""
    labels = {
        rules.NO_WOMAN: _("No woman"),
        rules.NO_YOUNG: _("No one under %(age)s", age=team_rules.young_age),
        rules.ALL_OLD: _("Everyone %(age)s or older", age=team_rules.old_age),
        rules.TENURE: _("Principal %(years)s+ years in post", years=team_rules.tenure_limit_years),
        rules.VACANT: _("Vacant posts"),
    }
    return labels[flag]


def flag_reason(flag: str, team_rules: rules.TeamRules) -> str:
    """Why a flag matters and what it rests on, for the reviewer who acts on it."""
    reasons = {
        rules.NO_WOMAN: _("Nobody on the team is a woman; teams at every level should include "
                          "women (中国妇女发展纲要 2021–2030)."),
        rules.NO_YOUNG: _("Nobody on the team is under %(age)s; teams should include younger "
                          "cadres (全国党政领导班子建设规划纲要).", age=team_rules.young_age),
        rules.ALL_OLD: _("Every member is %(age)s or older: the team will age out together; "
                         "plan successors.", age=team_rules.old_age),
        rules.TENURE: _("A principal has held the same post for %(years)s years or more: a "
                        "term is 5 years, the same post at most two terms "
                        "(党政领导干部职务任期暂行规定); the post is due for rotation.",
                        years=team_rules.tenure_limit_years),
        rules.VACANT: _("Fewer principals or deputies than the unit's establishment (职数) "
                        "allows: the posts are vacant."),
    }
    return reasons[flag]


def establishment_text(table: dict) -> str:
    """``Street/Township: 2/4, …``: each level (or level/kind) with its principal/deputy posts
    (the value of the ``cadres.team.establishment`` setting in words)."""
    def name(key: str) -> str:
        if key == rules.OTHER_KINDS:
            return _("other organizations")
        level, _slash, kind = key.partition("/")
        return UnitLevel(level).label + (f"/{UnitKind(kind).label}" if kind else "")
    return ", ".join(f"{name(k)}: {v[0]}/{v[1]}" for k, v in table.items()) or "—"


# --- export ------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    Column("code", "单位编码"), Column("name", "单位名称"), Column("parent", "上级单位"),
    Column("principals", "正职人数"), Column("principal_posts", "正职职数"),
    Column("deputies", "副职人数"), Column("deputy_posts", "副职职数"),
    Column("vacant", "空缺职数"), Column("members", "班子人数"), Column("women", "女性"),
    Column("average_age", "平均年龄"), Column("under_young", "年轻干部"),
    Column("over_old", "55岁及以上"), Column("graduate", "研究生"),
    Column("university_or_higher", "大学及以上"), Column("minority", "少数民族"),
    Column("non_party", "非中共党员"), Column("longest_principal_years", "正职最长任现职年限"),
    Column("flags", "结构问题"),
)


def export_workbook(session: Session, actor: Actor, level: str, under_id: int | None = None,
                    flag: str | None = None, header_style: str = "key") -> tuple[bytes, str]:
    """The comparison (the units with ``flag``, or all) as XLSX and its file name; audited as
    an export. Text is written as text (no formulas, ``portal.tabular``)."""
    actor.require("export")
    table = team_table(session, actor, level, under_id)
    frame = filtered(table, flag)
    rows = _records(frame)
    labels = {flag: flag_label(flag, table.rules) for flag in rules.FLAGS}
    separator = _(", ")
    for row in rows:
        row["flags"] = separator.join(labels[f] for f in row["flags"])
    content = to_bytes(Table("teams", EXPORT_COLUMNS, rows), "xlsx", header_style)
    audit.log(session, actor, "export", entity_type="leadership_teams",
              summary={"kind": "leadership_teams", "format": "xlsx", "level": table.level,
                       "under": under_id, "flag": flag or "", "rows": len(rows)})
    return content, f"leadership-teams-{table.level}-{table.as_of.isoformat()}.xlsx"
