"""Rule values of the accountability package kept as data (``portal.settings``), each with
the regulation it comes from. The defaults live in ``rules``; an administrator may
change any of them (audited), and the service always reads the current value."""

from __future__ import annotations

from sqlalchemy.orm import Session

from accountability import rules
from portal import settings
from portal.access import Actor
from portal.errors import Invalid
from portal.i18n import N_, _
from portal.settings import Default

STAGE_LIMITS = "accountability.stage_limits"
EXTENSION = "accountability.extension"
APPEAL_WINDOW = "accountability.appeal_window_months"
EFFECT_MONTHS = "accountability.effect_months"
FOLLOW_UP = "accountability.follow_up_months"
NAME_CLEARING = "accountability.name_clearing_months"
APPLICATION_WINDOW = "accountability.application_window_months"

DEFAULTS: dict[str, Default] = {
    STAGE_LIMITS: Default(
        rules.DEFAULT_STAGE_LIMITS,
        "中国共产党纪律检查机关监督执纪工作规则 (2019); domain.md §8",
        N_("Time limit of each case stage, in months"),
    ),
    EXTENSION: Default(
        rules.DEFAULT_EXTENSION,
        "中国共产党纪律检查机关监督执纪工作规则 (2019); domain.md §8",
        N_("Extension of the investigation time limit"),
    ),
    APPEAL_WINDOW: Default(
        rules.DEFAULT_APPEAL_WINDOW_MONTHS,
        "中国共产党党员权利保障条例 (2020); domain.md §8",
        N_("Months after a decision within which an appeal may be lodged"),
    ),
    EFFECT_MONTHS: Default(
        rules.DEFAULT_EFFECT_MONTHS,
        "domain.md §3; each measure's regulation is named in the catalogue",
        N_("Effect period of each measure, in months"),
    ),
    FOLLOW_UP: Default(
        list(rules.DEFAULT_FOLLOW_UP_MONTHS),
        "local 回访教育 practice; domain.md §5",
        N_("Follow-up visit window after a sanction, in months"),
    ),
    NAME_CLEARING: Default(
        rules.DEFAULT_NAME_CLEARING_MONTHS,
        "local 澄清正名 practice; domain.md §5",
        N_("Months after the finding within which a name is cleared"),
    ),
    APPLICATION_WINDOW: Default(
        rules.DEFAULT_APPLICATION_WINDOW_MONTHS,
        "local 容错纠错 rules; domain.md §5",
        N_("Months after the finding within which tolerance is applied for"),
    ),
}


def get(session: Session, key: str):
    return settings.get(session, key, DEFAULTS[key])


def stage_limits(session: Session) -> dict[str, dict]:
    return {**rules.DEFAULT_STAGE_LIMITS, **(get(session, STAGE_LIMITS) or {})}


def extension_rule(session: Session) -> dict:
    return {**rules.DEFAULT_EXTENSION, **(get(session, EXTENSION) or {})}


def appeal_window(session: Session) -> int:
    return int(get(session, APPEAL_WINDOW))


def effect_table(session: Session) -> dict[str, int | None]:
    return {**rules.DEFAULT_EFFECT_MONTHS, **(get(session, EFFECT_MONTHS) or {})}


def follow_up_months(session: Session) -> tuple[int, int]:
    first, last = get(session, FOLLOW_UP)
    return int(first), int(last)


def name_clearing_months(session: Session) -> int:
    return int(get(session, NAME_CLEARING))


def application_window(session: Session) -> int:
    return int(get(session, APPLICATION_WINDOW))


def _months(text: str, allow_permanent: bool = False) -> int | None:
    raw = str(text or "").strip()
    if allow_permanent and raw.lower() in ("permanent", "永久"):
        return None
    value = int(raw)
    if not 0 <= value <= 240:
        raise ValueError(raw)
    return value


def change_months(session: Session, actor: Actor, key: str, item: str | None, text: str):
    """Change one number: a stage's limit (``item`` = stage code), a measure's effect period
    (``item`` = measure code), or a single-number rule (``item`` None). Administrators only."""
    actor.require("settings.manage")
    try:
        if key == STAGE_LIMITS and item in rules.DEFAULT_STAGE_LIMITS:
            value = stage_limits(session)
            value[item] = {**value[item], "months": _months(text)}
        elif key == EFFECT_MONTHS and item in rules.DEFAULT_EFFECT_MONTHS:
            value = effect_table(session)
            value[item] = _months(text, allow_permanent=True)
        elif key == EXTENSION and item in ("months", "max"):
            value = extension_rule(session)
            value[item] = _months(text)
        elif key in (APPEAL_WINDOW, NAME_CLEARING, APPLICATION_WINDOW) and item is None:
            value = _months(text)
        elif key == FOLLOW_UP and item in ("0", "1"):
            value = list(follow_up_months(session))
            value[int(item)] = _months(text)
        else:
            name = " ".join(part for part in (key, item) if part)
            raise Invalid(_("Unknown rule %(key)s.", key=name), field=key)
    except ValueError:
        raise Invalid(_("“%(value)s” is not a number of months between 0 and 240.", value=text),
                      field=key) from None
    return settings.put(session, actor, key, value, DEFAULTS[key].source)
