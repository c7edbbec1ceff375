"""Rule values of the cadres package kept as data (``portal.settings``), each with its source.

The training standards themselves are rows (``TrainingStandard``) with the defaults in
``rules.DEFAULT_STANDARDS``; these are the single numbers around them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cadres.rules import grades as grade_rules
from cadres.rules import teams as team_rules
from cadres.rules.eligibility import DEFAULT_RANK_TENURE_MONTHS, EligibilityRules
from portal import settings
from portal.enums import UNIT_LEVEL_ALIASES, Rank, UnitKind, UnitLevel
from portal.errors import Invalid
from portal.i18n import N_, _
from portal.models import Unit
from portal.settings import Default
from portal.tabular import yes_no

DAY_HOURS = "cadres.day_hours"
FIVE_YEAR_CYCLE_START = "cadres.five_year_cycle_start"
EXCELLENT_QUOTA = "cadres.excellent_quota"
EXCELLENT_QUOTA_BY_UNIT = "cadres.excellent_quota_by_unit"
RANK_TENURE_BY_RANK = "cadres.eligibility.rank_tenure_by_rank"
NO_COMMENDATION_IN_YEAR = "cadres.eligibility.no_commendation_in_year"
GRADE_LIMITS = "cadres.grade_limits"
TEAM_YOUNG_AGE = "cadres.team.young_age"
TEAM_OLD_AGE = "cadres.team.old_age"
TEAM_TENURE_YEARS = "cadres.team.tenure_limit_years"
TEAM_ESTABLISHMENT = "cadres.team.establishment"
# Demo values of the establishment (领导职数): principals/deputies per level, ``other`` for
# the party organizations that are not territorial. Real numbers come from the unit's
# approval by the establishment office (机构编制部门); set them per level or ``level/kind``.
DEFAULT_ESTABLISHMENT = {"city": [2, 5], "district": [2, 5], "street": [2, 4],
                         "community": [1, 1], team_rules.OTHER_KINDS: [1, 0]}

DEFAULTS: dict[str, Default] = {
    DAY_HOURS: Default(
        8,
        N_(
            "local practice, not in the 干部教育培训工作条例: one day of training "
            "counts as 8 class "
            "hours (the 条例's 12 days = 90 hours suggests 7.5)"
        ),
        N_("Class hours per training day (local practice)"),
    ),
    FIVE_YEAR_CYCLE_START: Default(
        2023,
        N_("全国干部教育培训规划 (2023–2027): five-year cycles start in 2023"),
        N_("First year of the five-year training cycle"),
    ),
    EXCELLENT_QUOTA: Default(
        0.20,
        N_("公务员考核规定 (2020): 优秀 at most 20% of those assessed in a unit"),
        N_("Share of cadres a unit may grade Excellent"),
    ),
    EXCELLENT_QUOTA_BY_UNIT: Default(
        {},
        N_("local practice: some units use 15%; {unit code: share}"),
        N_("Units with their own Excellent share"),
    ),
    GRADE_LIMITS: Default(
        grade_rules.DEFAULT_GRADE_LIMITS,
        N_(
            "组通字〔1998〕19号 and later answers (domain.md §7): what a measure does to the "
            "annual grade of the "
            "year it is decided in and of the following years"
        ),
        N_("Annual grade allowed under a measure"),
    ),
    TEAM_YOUNG_AGE: Default(
        40,
        N_(
            "2019—2023年全国党政领导班子建设规划纲要: every team should have younger cadres; "
            "under 40 is local practice for county and township teams"
        ),
        N_("Leadership team: a young member is under this age"),
    ),
    TEAM_OLD_AGE: Default(
        55,
        N_("local practice: a team whose members are all 55 or older ages out together"),
        N_("Leadership team: flagged when every member is this age or older"),
    ),
    TEAM_TENURE_YEARS: Default(
        10,
        N_(
            "党政领导干部职务任期暂行规定 (2006): a term is 5 years and the same post is held "
            "for at most two terms; 党政领导干部交流工作规定 (2006): rotated after 10 years "
            "in the same post"
        ),
        N_("Leadership team: years a principal may hold the same post"),
    ),
    TEAM_ESTABLISHMENT: Default(
        DEFAULT_ESTABLISHMENT,
        N_(
            "the establishment (领导职数) approved by the establishment office "
            "(机构编制部门) for each unit; these are demo values: principals/deputies per "
            "level, “other” for non-territorial party organizations"
        ),
        N_("Leadership team posts (principals/deputies)"),
    ),
    **{
        "cadres.eligibility." + key: Default(value, source, label)
        for key, (value, source, label) in {
            "grade_window_years": (
                1,
                N_(
                    "干部选拔任用工作条例 (2019) art. 24 (三): the previous "
                    "year's grade 基本称职 or "
                    "lower blocks promotion (the 2014 text's “last 3 years” "
                    "no longer applies)"
                ),
                N_("Years a poor annual grade blocks promotion"),
            ),
            "deputy_to_principal_months": (
                24,
                N_(
                    "干部选拔任用工作条例 (2019) 第九条: deputy → "
                    "principal at the same level after 2 years"
                ),
                N_("Months in a deputy post before promotion to principal"),
            ),
            "principal_to_higher_deputy_months": (
                36,
                N_(
                    "干部选拔任用工作条例 (2019) 第九条: lower "
                    "principal → higher deputy after 3 years"
                ),
                N_("Months in a principal post before promotion to the next level"),
            ),
            "rank_tenure_months": (
                24,
                N_(
                    "公务员职务与职级并行规定 (2019) art. 18: 2 years in the "
                    "current rank where "
                    "the table per rank names no other number"
                ),
                N_("Months in the current rank before rank promotion"),
            ),
            "rank_tenure_by_rank": (
                DEFAULT_RANK_TENURE_MONTHS,
                N_(
                    "公务员职务与职级并行规定 (2019) art. 18: 4 years as "
                    "二级巡视员 (or 厅局级副职) or "
                    "一级调研员, 3 years as 二级调研员 (or 县处级正职); a "
                    "leading post of the matching "
                    "level counts as the rank"
                ),
                N_("Months in the current rank before rank promotion, per rank"),
            ),
            "no_commendation_in_year": (
                ["admonishment"],
                N_(
                    "关于对党员领导干部进行诫勉的规定 (2019): no "
                    "commendation (评优) in the "
                    "calendar year of an admonishment (诫勉)"
                ),
                N_("Measures that rule out commendation for their calendar year"),
            ),
            "recent_accountability_months": (
                12,
                N_("local practice: accountability without an effect period is noted for a year"),
                N_("Months a talk, criticism or circular is noted"),
            ),
            "unit_veto_blocks": (
                True,
                N_(
                    "local practice (this portal's default): a veto (一票否决) in "
                    "the unit's results blocks its leading cadres' promotion"
                ),
                N_("A unit veto blocks its leaders' promotion (yes/no)"),
            ),
        }.items()
    },
}

ELIGIBILITY_MONTHS = {f"cadres.eligibility.{k}": (0, 120) for k in (
    "deputy_to_principal_months", "principal_to_higher_deputy_months", "rank_tenure_months",
    "recent_accountability_months")}


def eligibility_rules(session: Session) -> EligibilityRules:
    """The negative list's numbers as stored (or their defaults)."""
    value = {key.removeprefix("cadres.eligibility."): get(session, key)
             for key in DEFAULTS if key.startswith("cadres.eligibility.")}
    return EligibilityRules(
        grade_window_years=int(value["grade_window_years"]),
        deputy_to_principal_months=int(value["deputy_to_principal_months"]),
        principal_to_higher_deputy_months=int(value["principal_to_higher_deputy_months"]),
        rank_tenure_months={str(k): int(v) for k,
                            v in (value["rank_tenure_by_rank"] or {}).items()},
        default_rank_tenure_months=int(value["rank_tenure_months"]),
        no_commendation_in_year=frozenset(value["no_commendation_in_year"] or ()),
        recent_accountability_months=int(value["recent_accountability_months"]),
        unit_veto_blocks=bool(value["unit_veto_blocks"]),
    )


def team_rules_of(session: Session) -> team_rules.TeamRules:
    """The numbers behind the leadership-team flags as stored (or their defaults)."""
    table = get(session, TEAM_ESTABLISHMENT) or {}
    return team_rules.TeamRules(
        young_age=int(get(session, TEAM_YOUNG_AGE)),
        old_age=int(get(session, TEAM_OLD_AGE)),
        tenure_limit_years=int(get(session, TEAM_TENURE_YEARS)),
        establishment={str(k): team_rules.Establishment(int(v[0]), int(v[1]))
                       for k, v in table.items()},
    )


def _establishment(text: str) -> dict[str, list[int]]:
    """``street: 2/4, community/enterprise: 1/0, other: 1/0`` → ``{"street": [2, 4], …}``:
    a level (or level/kind, or ``other``) and its principal/deputy posts."""
    table = {}
    for name, posts in _pairs(text):
        level_text, _slash, kind_text = name.partition("/")
        if level_text.strip().lower() == team_rules.OTHER_KINDS and not kind_text:
            key = team_rules.OTHER_KINDS
        else:
            level_text = level_text.strip()
            key = UnitLevel.parse(UNIT_LEVEL_ALIASES.get(level_text, level_text)).value
            if kind_text:
                key += "/" + UnitKind.parse(kind_text).value
        principals, _sep, deputies = posts.replace("／", "/").partition("/")
        numbers = [int(principals), int(deputies or 0)]
        if not all(0 <= n <= 30 for n in numbers):
            raise ValueError(posts)
        table[key] = numbers
    if not table:
        raise ValueError(text)
    return table


def grade_limits(session: Session) -> dict[str, dict]:
    return dict(get(session, GRADE_LIMITS) or {})


def get(session: Session, key: str):
    return settings.get(session, key, DEFAULTS[key])


def day_hours(session: Session) -> float:
    return float(get(session, DAY_HOURS))


def cycle_start(session: Session) -> int:
    return int(get(session, FIVE_YEAR_CYCLE_START))


def excellent_quota(session: Session) -> float:
    return float(get(session, EXCELLENT_QUOTA))


def excellent_quota_by_unit(session: Session) -> dict[str, float]:
    return {str(k): float(v) for k, v in (get(session, EXCELLENT_QUOTA_BY_UNIT) or {}).items()}


def _share(text: str) -> float:
    raw = str(text).strip().rstrip("%")
    value = float(raw)
    if str(text).strip().endswith("%") or value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise ValueError(text)
    return round(value, 4)


def _bounded(kind: type, low, high):
    """A parser of a number of ``kind`` between ``low`` and ``high``."""
    def parse(text: str):
        value = kind(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value
    return parse


def _quota_by_unit(session: Session, key: str, text: str) -> dict[str, float]:
    """``unit code: share`` pairs, separated by commas; every unit code must exist."""
    pairs = {}
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        code, _sep, share = part.replace("：", ":").partition(":")
        pairs[code.strip()] = _share(share)
    known = (
        set(session.scalars(select(Unit.code).where(Unit.code.in_(list(pairs)))))
        if pairs
        else set()
    )
    unknown = sorted(set(pairs) - known)
    if unknown:
        raise Invalid(_("No unit has the code %(code)s.", code=", ".join(unknown)), field=key)
    return pairs


def parse_value(session: Session, key: str, text: str):
    """The stored value for what an administrator typed; ``Invalid`` naming the problem."""
    text = str(text if text is not None else "").strip()
    if key != EXCELLENT_QUOTA_BY_UNIT and key not in _PARSERS:
        raise Invalid(_("Unknown rule %(key)s.", key=key), field=key)
    try:
        if key == EXCELLENT_QUOTA_BY_UNIT:
            return _quota_by_unit(session, key, text)
        return _PARSERS[key](text)
    except (ValueError, TypeError):
        raise Invalid(_("“%(value)s” is not a valid value for this rule.", value=text),
                      field=key) from None


def _pairs(text: str) -> list[tuple[str, str]]:
    """``a: 1, b: 2`` (Chinese commas and colons too) as [(a, 1), (b, 2)]."""
    pairs = []
    for part in filter(None,
                       (p.strip() for p in text.replace("，", ",").replace("；", ",").split(","))):
        name, sep, value = part.replace("：", ":").partition(":")
        if not sep:
            raise ValueError(part)
        pairs.append((name.strip(), value.strip()))
    return pairs


def _rank_months(text: str) -> dict[str, int]:
    """``二级调研员: 36, county_chief: 36`` → ``{"researcher_2": 36, "county_chief": 36}``."""
    table = {}
    for name, months in _pairs(text):
        value = int(months)
        if not 0 <= value <= 120:
            raise ValueError(months)
        table[Rank.parse(name).value] = value
    return table


def _measure_codes(text: str) -> list[str]:
    from accountability.service import parse_measure

    parts = filter(None, (p.strip() for p in text.replace("，", ",").split(",")))
    return sorted({parse_measure(p).value for p in parts})


def _grade_limits(text: str) -> dict[str, dict]:
    """``记大过: not_graded+1, 留党察看: incompetent+probation`` → the table of domain.md §7."""
    from accountability.service import parse_measure

    table = {}
    for name, limit in _pairs(text):
        cap, _plus, following = limit.partition("+")
        if cap.strip() not in grade_rules.CAPS:
            raise ValueError(limit)
        following = following.strip() or "0"
        if following != grade_rules.PROBATION and not 0 <= int(following) <= 5:
            raise ValueError(limit)
        table[parse_measure(name).value] = {
            "year": cap.strip(),
            "next_years": following if following == grade_rules.PROBATION else int(following),
        }
    return table


# How each rule value is read from what an administrator typed (ValueError: not valid).
_PARSERS = {
    DAY_HOURS: _bounded(float, 1, 24),
    FIVE_YEAR_CYCLE_START: _bounded(int, 2000, 2100),
    EXCELLENT_QUOTA: _share,
    **{key: _bounded(int, low, high) for key, (low, high) in ELIGIBILITY_MONTHS.items()},
    "cadres.eligibility.grade_window_years": _bounded(int, 1, 10),
    "cadres.eligibility.unit_veto_blocks": yes_no,
    RANK_TENURE_BY_RANK: _rank_months,
    NO_COMMENDATION_IN_YEAR: _measure_codes,
    GRADE_LIMITS: _grade_limits,
    TEAM_YOUNG_AGE: _bounded(int, 25, 60),
    TEAM_OLD_AGE: _bounded(int, 40, 70),
    TEAM_TENURE_YEARS: _bounded(int, 1, 30),
    TEAM_ESTABLISHMENT: _establishment,
}


def change(session: Session, actor, key: str, text: str):
    """Change one rule value (administrators; audited by ``portal.settings.put``)."""
    actor.require("settings.manage")
    value = parse_value(session, key, text)
    return settings.put(session, actor, key, value, DEFAULTS[key].source)
