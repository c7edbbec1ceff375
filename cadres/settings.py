"""Rule values of the cadres package kept as data (``portal.settings``), each with its source.

The training standards themselves are rows (``TrainingStandard``) with the defaults in
``rules.DEFAULT_STANDARDS``; these are the single numbers around them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal import settings
from portal.i18n import N_
from portal.settings import Default

DAY_HOURS = "cadres.day_hours"
FIVE_YEAR_CYCLE_START = "cadres.five_year_cycle_start"
EXCELLENT_QUOTA = "cadres.excellent_quota"
EXCELLENT_QUOTA_BY_UNIT = "cadres.excellent_quota_by_unit"

DEFAULTS: dict[str, Default] = {
    DAY_HOURS: Default(8, "干部教育培训工作条例 (2023); domain.md §6: one day of training counts as 8 class hours",
                       N_("Class hours per training day")),
    FIVE_YEAR_CYCLE_START: Default(2023, "全国干部教育培训规划 (2023–2027): five-year cycles start in 2023",
                                   N_("First year of the five-year training cycle")),
    EXCELLENT_QUOTA: Default(0.20, "公务员考核规定 (2020): 优秀 at most 20% of those assessed in a unit",
                             N_("Share of cadres a unit may grade Excellent")),
    EXCELLENT_QUOTA_BY_UNIT: Default({}, "local practice: some units use 15%; {unit code: share}",
                                     N_("Units with their own Excellent share")),
}


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
