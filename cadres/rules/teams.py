"""Leadership-team structure (班子结构分析): who is on a unit's team, its structure, and the
flags a reviewer acts on. Pure: plain values in, plain values out.

A unit's team (领导班子) is its serving cadres whose ``leader_role`` is principal (正职) or
deputy (副职): the registry's 班子职务 column (contracts.md "cadres", ``leader_role``), set
on import or on the record, so membership never depends on reading position texts.

The flags, each with the rule behind it (the numbers are settings, ``cadres.settings``):

- ``no_woman``: nobody on the team is a woman (中国妇女发展纲要 2021–2030: women on every
  level's leadership teams);
- ``no_young``: nobody is under ``young_age`` (40 by default; the team-building plans ask for
  younger cadres on every team);
- ``all_old``: everyone whose age is known is ``old_age`` (55) or older: the team ages out
  together;
- ``tenure``: a principal has held the post for ``tenure_limit_years`` (10) or more
  (党政领导干部职务任期暂行规定 2006: a term is 5 years, the same post at most two terms);
- ``vacant``: fewer principals or deputies than the unit's establishment (职数).

The three flags of composition (woman, young, old) judge a team of two or more: a party
branch led by its secretary alone has no team structure to balance (``COMPOSITION_SIZE``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

PRINCIPAL = "principal"
DEPUTY = "deputy"
FEMALE = "female"

NO_WOMAN = "no_woman"
NO_YOUNG = "no_young"
ALL_OLD = "all_old"
TENURE = "tenure"
VACANT = "vacant"
FLAGS = (NO_WOMAN, NO_YOUNG, ALL_OLD, TENURE, VACANT)

# Age bands (年龄结构) as the team-structure tables of organization departments count them.
AGE_BANDS = ("under_35", "35_39", "40_44", "45_49", "50_54", "55_over", "unknown")
_BAND_EDGES = ((35, "under_35"), (40, "35_39"), (45, "40_44"), (50, "45_49"), (55, "50_54"))

# Education levels (GB/T 4658 codes, cadres.codes.EDUCATION): a lower code is a higher level.
EDUCATION_BANDS = ("10", "20", "30", "below", "unknown")  # 研究生, 大学, 大专, 中专及以下, —

# Years in the current post (任现职年限).
TENURE_BANDS = ("under_3", "3_5", "5_10", "10_over", "unknown")

# The establishment key of units that are not territorial (party organizations of
# enterprises, social organizations …) when no ``level/kind`` row is set.
OTHER_KINDS = "other"
COMPOSITION_SIZE = 2  # the smallest team the gender and age flags judge


@dataclass(frozen=True)
class Establishment:
    """A unit's approved number of team posts (领导职数): principals and deputies."""

    principals: int
    deputies: int


@dataclass(frozen=True)
class TeamRules:
    """The numbers behind the flags (settings with their sources, ``cadres.settings``)."""

    young_age: int = 40
    old_age: int = 55
    tenure_limit_years: int = 10
    establishment: Mapping[str, Establishment] | None = None


@dataclass(frozen=True)
class Member:
    """One team member as the analysis needs them (ages and years at the ``as_of`` day)."""

    role: str                      # PRINCIPAL or DEPUTY
    gender: str
    age: int | None
    years_in_post: float | None
    education: str = ""            # the highest of full-time and in-service (GB/T 4658)
    ethnicity: str = ""            # GB/T 3304 code, "01" 汉族
    party_member: bool = True


def age_at(birth: date | None, as_of: date) -> int | None:
    """Whole years of age on ``as_of`` (None without a birth date)."""
    if birth is None:
        return None
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def years_since(start: date | None, as_of: date) -> float | None:
    """Years from ``start`` to ``as_of`` with one decimal (None without a start)."""
    if start is None:
        return None
    return round(max(0, (as_of - start).days) / 365.25, 1)


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for edge, band in _BAND_EDGES:
        if age < edge:
            return band
    return "55_over"


def tenure_band(years: float | None) -> str:
    if years is None:
        return "unknown"
    if years < 3:
        return "under_3"
    if years < 5:
        return "3_5"
    if years < 10:
        return "5_10"
    return "10_over"


def highest_education(fulltime: str | None, inservice: str | None) -> str:
    """The higher of the full-time and the in-service education (最高学历): the lower code."""
    known = [code for code in (fulltime, inservice) if code]
    return min(known) if known else ""


def education_band(code: str | None) -> str:
    if not code:
        return "unknown"
    return code if code in ("10", "20", "30") else "below"


def establishment_for(table: Mapping[str, Establishment] | None, level: str,
                      kind: str) -> Establishment | None:
    """The establishment of a unit: the ``level/kind`` row, else the level's row for
    territorial units and the ``other`` row for the rest; None when the table has neither."""
    table = table or {}
    if f"{level}/{kind}" in table:
        return table[f"{level}/{kind}"]
    if kind == "territorial":
        return table.get(level)
    return table.get(OTHER_KINDS)


def vacancies(members: Sequence[Member], establishment: Establishment | None) -> tuple[int, int]:
    """Principal and deputy posts the establishment has and nobody holds (空缺职数)."""
    if establishment is None:
        return 0, 0
    principals = sum(1 for m in members if m.role == PRINCIPAL)
    deputies = sum(1 for m in members if m.role == DEPUTY)
    return (max(0, establishment.principals - principals),
            max(0, establishment.deputies - deputies))


def flags(members: Sequence[Member], establishment: Establishment | None,
          rules: TeamRules) -> list[str]:
    """The structure flags of one team, in the order of ``FLAGS``.

    A team of fewer than ``COMPOSITION_SIZE`` has only the tenure and vacancy flags (nobody
    to balance by gender or age); ages that are unknown count neither as young nor as old.
    """
    found = []
    composed = len(members) >= COMPOSITION_SIZE
    ages = [m.age for m in members if m.age is not None] if composed else []
    if composed and not any(m.gender == FEMALE for m in members):
        found.append(NO_WOMAN)
    if ages and not any(age < rules.young_age for age in ages):
        found.append(NO_YOUNG)
    if ages and all(age >= rules.old_age for age in ages):
        found.append(ALL_OLD)
    if any(m.role == PRINCIPAL and m.years_in_post is not None
           and m.years_in_post >= rules.tenure_limit_years for m in members):
        found.append(TENURE)
    if sum(vacancies(members, establishment)):
        found.append(VACANT)
    return found


@dataclass(frozen=True)
class TeamIndicators:
    """One team's structure in numbers (the comparison table's columns)."""

    principals: int
    deputies: int
    principal_posts: int | None
    deputy_posts: int | None
    vacant: int
    women: int
    average_age: float | None
    under_young: int
    over_old: int
    graduate: int            # 研究生
    university_or_higher: int  # 大学本科 and 研究生
    minority: int            # not 汉族 (code 01), where known
    non_party: int
    longest_principal_years: float | None
    flags: tuple[str, ...]


def indicators(members: Sequence[Member], establishment: Establishment | None,
               rules: TeamRules) -> TeamIndicators:
    ages = [m.age for m in members if m.age is not None]
    principal_years = [m.years_in_post for m in members
                       if m.role == PRINCIPAL and m.years_in_post is not None]
    return TeamIndicators(
        principals=sum(1 for m in members if m.role == PRINCIPAL),
        deputies=sum(1 for m in members if m.role == DEPUTY),
        principal_posts=establishment.principals if establishment else None,
        deputy_posts=establishment.deputies if establishment else None,
        vacant=sum(vacancies(members, establishment)),
        women=sum(1 for m in members if m.gender == FEMALE),
        average_age=round(sum(ages) / len(ages), 1) if ages else None,
        under_young=sum(1 for age in ages if age < rules.young_age),
        over_old=sum(1 for age in ages if age >= rules.old_age),
        graduate=sum(1 for m in members if m.education == "10"),
        university_or_higher=sum(1 for m in members if m.education in ("10", "20")),
        minority=sum(1 for m in members if m.ethnicity and m.ethnicity != "01"),
        non_party=sum(1 for m in members if not m.party_member),
        longest_principal_years=max(principal_years) if principal_years else None,
        flags=tuple(flags(members, establishment, rules)),
    )


def flag_counts(teams: Iterable[Sequence[str]]) -> dict[str, int]:
    """How many teams carry each flag (every flag present, zero when none)."""
    counts = dict.fromkeys(FLAGS, 0)
    for found in teams:
        for flag in found:
            counts[flag] += 1
    return counts
