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
    DAY_HOURS: Default(8, N_("干部教育培训工作条例 (2023): one day of training counts as 8 class hours"),
                       N_("Class hours per training day")),
    FIVE_YEAR_CYCLE_START: Default(2023, N_("全国干部教育培训规划 (2023–2027): five-year cycles start in 2023"),
                                   N_("First year of the five-year training cycle")),
    EXCELLENT_QUOTA: Default(0.20, N_("公务员考核规定 (2020): 优秀 at most 20% of those assessed in a unit"),
                             N_("Share of cadres a unit may grade Excellent")),
    EXCELLENT_QUOTA_BY_UNIT: Default({}, N_("local practice: some units use 15%; {unit code: share}"),
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


def _share(text: str) -> float:
    raw = str(text).strip().rstrip("%")
    value = float(raw)
    if str(text).strip().endswith("%") or value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise ValueError(text)
    return round(value, 4)


def parse_value(session: Session, key: str, text: str):
    """The stored value for what an administrator typed; ``Invalid`` naming the problem."""
    from sqlalchemy import select

    from portal.errors import Invalid
    from portal.i18n import _
    from portal.models import Unit

    text = str(text if text is not None else "").strip()
    try:
        if key == DAY_HOURS:
            value = float(text)
            if not 1 <= value <= 24:
                raise ValueError(text)
            return value
        if key == FIVE_YEAR_CYCLE_START:
            value = int(text)
            if not 2000 <= value <= 2100:
                raise ValueError(text)
            return value
        if key == EXCELLENT_QUOTA:
            return _share(text)
        if key == EXCELLENT_QUOTA_BY_UNIT:
            pairs = {}
            for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
                code, _sep, share = part.replace("：", ":").partition(":")
                pairs[code.strip()] = _share(share)
            known = set(session.scalars(select(Unit.code).where(Unit.code.in_(list(pairs))))) if pairs else set()
            unknown = sorted(set(pairs) - known)
            if unknown:
                raise Invalid(_("No unit has the code %(code)s.", code=", ".join(unknown)), field=key)
            return pairs
    except (ValueError, TypeError):
        raise Invalid(_("“%(value)s” is not a valid value for this rule.", value=text), field=key) from None
    raise Invalid(_("Unknown rule %(key)s.", key=key), field=key)


def change(session: Session, actor, key: str, text: str):
    """Change one rule value (administrators; audited by ``portal.settings.put``)."""
    actor.require("settings.manage")
    value = parse_value(session, key, text)
    return settings.put(session, actor, key, value, DEFAULTS[key].source)
