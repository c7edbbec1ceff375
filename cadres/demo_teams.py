"""Demo leadership teams with structure problems to find (班子结构分析), deterministic.

Runs before every other seeder (order 5), so that the records, grades and decisions seeded
later follow the changed registry rows. In the first district (青山区, the ``reviewer-d1``
scope), streets 2–5 (the first street holds the ``cadre`` login and stays as it is):

- street 2: nobody on the team is a woman (the women become men, with men's names);
- street 3: everyone on the team is 55 to 59;
- street 4: the first principal has held the post for eleven and a half years;
- street 5: the second principal and one deputy were transferred away (two vacant posts).

Elsewhere the random city has problems of its own (many two-person community teams have
no woman), as a real city would.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.demo import GIVEN_MALE, SURNAMES, DemoCity
from portal.enums import CadreStatus, Gender, LeaderRole, UnitLevel
from portal.models import Cadre


def _years_ago(today: date, years: float, extra_days: int = 0) -> date:
    return today - timedelta(days=int(years * 365.25) + extra_days)


def problem_streets(city: DemoCity) -> dict[str, dict]:
    """The four streets with a problem, by the problem's flag."""
    district = city.units_at(UnitLevel.DISTRICT)[0]
    streets = [u for u in city.units_at(UnitLevel.STREET) if u["parent_id"] == district["id"]]
    return dict(zip(("no_woman", "all_old", "tenure", "vacant"), streets[1:5], strict=False))


def _apply(session: Session, cadre: dict, **changes) -> None:
    cadre.update(changes)
    session.execute(update(Cadre).where(Cadre.id == cadre["id"]).values(**changes))


def seed(session: Session, city: DemoCity) -> None:
    rng = city.rng("teams")
    streets = problem_streets(city)
    if "no_woman" in streets:
        for cadre in city.leaders_of(streets["no_woman"]["id"]):
            if cadre["gender"] == Gender.FEMALE:
                name = rng.choice(SURNAMES) + rng.choice(GIVEN_MALE) + rng.choice(GIVEN_MALE)
                _apply(session, cadre, gender=Gender.MALE, name=name)
    if "all_old" in streets:
        for cadre in city.leaders_of(streets["all_old"]["id"]):
            _apply(session, cadre, birth_date=_years_ago(city.today, rng.randint(55, 59),
                                                         rng.randint(30, 300)))
    if "tenure" in streets:
        leaders = city.leaders_of(streets["tenure"]["id"])
        principal = next(c for c in leaders if c["leader_role"] == LeaderRole.PRINCIPAL)
        since = _years_ago(city.today, 11.5)
        birth = min(principal["birth_date"], _years_ago(city.today, 48))
        _apply(session, principal, position_since=since, birth_date=birth,
               rank_since=min(principal["rank_since"] or since, since))
    if "vacant" in streets:
        leaders = city.leaders_of(streets["vacant"]["id"])
        principals = [c for c in leaders if c["leader_role"] == LeaderRole.PRINCIPAL]
        deputies = [c for c in leaders if c["leader_role"] == LeaderRole.DEPUTY]
        for cadre in (principals[-1:] + deputies[-1:]):
            if cadre["id"] != city.featured_cadre_id:
                _apply(session, cadre, status=CadreStatus.TRANSFERRED.value)
