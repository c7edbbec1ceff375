"""The leadership-team flags as a table: which team raises which flag, and why (pure rules)."""

from __future__ import annotations

from datetime import date

import pytest

from cadres.rules import teams as rules
from cadres.rules.teams import Establishment, Member, TeamRules

RULES = TeamRules(establishment={"street": Establishment(2, 4), "community": Establishment(1, 1),
                                 rules.OTHER_KINDS: Establishment(1, 0),
                                 "community/enterprise": Establishment(1, 2)})
STREET = Establishment(2, 4)


def m(role="deputy", gender="male", age=45, years=3.0, education="20", ethnicity="01",
      party=True) -> Member:
    return Member(role, gender, age, years, education, ethnicity, party)


WOMAN = m(gender="female")
BALANCED = [m("principal", age=48), m("principal", age=45, gender="female"), m(age=38), m(),
            m(), m()]


@pytest.mark.parametrize("team, establishment, expected", [
    (BALANCED, STREET, []),
    # gender
    ([m("principal", age=48), m("principal"), m(age=38), m(), m(), m()], STREET, ["no_woman"]),
    # age: nobody under 40 (39 is young, 40 is not)
    ([m("principal"), WOMAN, m(age=40)], None, ["no_young"]),
    ([m("principal"), WOMAN, m(age=39)], None, []),
    # everyone 55 or older (55 counts, 54 does not); such a team has nobody young either
    ([m("principal", age=55), m(age=59, gender="female")], None, ["no_young", "all_old"]),
    ([m("principal", age=55), m(age=54, gender="female")], None, ["no_young"]),
    # unknown ages count neither way
    ([m("principal", age=None), m(age=None, gender="female")], None, []),
    # tenure: a principal at 10 years, not a deputy
    ([m("principal", years=10.0, age=38), WOMAN], None, ["tenure"]),
    ([m("principal", years=9.9, age=38), WOMAN], None, []),
    ([m("principal", age=38), m(years=14.0, gender="female")], None, []),
    # vacancies: one principal and one deputy short of 2/4
    ([m("principal", age=38), WOMAN, m(), m()], STREET, ["vacant"]),
    # more than the establishment is not a vacancy
    ([*BALANCED, m()], STREET, []),
    # an empty team: vacant when it has posts, nothing else to judge
    ([], STREET, ["vacant"]),
    ([], None, []),
    # a one-person team (a branch secretary) has no composition to judge
    ([m("principal", age=58)], Establishment(1, 0), []),
    ([m("principal", age=58, years=12)], Establishment(1, 0), ["tenure"]),
])
def test_flags(team, establishment, expected):
    assert rules.flags(team, establishment, RULES) == expected


def test_the_numbers_are_the_rules_in_force():
    young_at_45 = TeamRules(young_age=45, old_age=60, tenure_limit_years=8)
    team = [m("principal", age=44, years=8.0), m(age=58, gender="female")]
    assert rules.flags(team, None, RULES) == ["no_young"]
    assert rules.flags(team, None, young_at_45) == ["tenure"]


@pytest.mark.parametrize("level, kind, expected", [
    ("street", "territorial", Establishment(2, 4)),
    ("community", "territorial", Establishment(1, 1)),
    ("community", "enterprise", Establishment(1, 2)),     # its own level/kind row
    ("community", "social_org", Establishment(1, 0)),     # the "other" row
    ("city", "territorial", None),                        # no row: no vacancy can be judged
])
def test_establishment_of_a_unit(level, kind, expected):
    assert rules.establishment_for(RULES.establishment, level, kind) == expected


def test_indicators_count_the_structure():
    team = [m("principal", age=52, years=11.0, education="10"),
            m("principal", gender="female", age=38, education="30", ethnicity="05"),
            m(age=56, education="", party=False), m(age=None)]
    found = rules.indicators(team, STREET, RULES)
    assert (found.principals, found.deputies, found.vacant) == (2, 2, 2)
    assert (found.women, found.under_young, found.over_old) == (1, 1, 1)
    assert found.average_age == pytest.approx((52 + 38 + 56) / 3, abs=0.05)
    assert (found.graduate, found.university_or_higher) == (1, 2)
    assert (found.minority, found.non_party) == (1, 1)
    assert found.longest_principal_years == 11.0
    assert found.flags == ("tenure", "vacant")


@pytest.mark.parametrize("fulltime, inservice, highest", [
    ("20", "10", "10"), ("30", "", "30"), ("", "20", "20"), ("", "", "")])
def test_highest_education_is_the_higher_of_full_time_and_in_service(fulltime, inservice,
                                                                       highest):
    assert rules.highest_education(fulltime, inservice) == highest


@pytest.mark.parametrize("age, band", [(None, "unknown"), (34, "under_35"), (35, "35_39"),
                                       (44, "40_44"), (54, "50_54"), (55, "55_over")])
def test_age_bands(age, band):
    assert rules.age_band(age) == band


def test_ages_and_years_at_a_day():
    assert rules.age_at(date(1980, 6, 2), date(2026, 6, 1)) == 45
    assert rules.age_at(date(1980, 6, 1), date(2026, 6, 1)) == 46
    assert rules.years_since(date(2016, 6, 1), date(2026, 6, 1)) == 10.0
    assert rules.tenure_band(10.0) == "10_over" and rules.tenure_band(2.9) == "under_3"


def test_flag_counts_list_every_flag():
    assert rules.flag_counts([["no_woman"], [], ["no_woman", "vacant"]]) == {
        "no_woman": 2, "no_young": 0, "all_old": 0, "tenure": 0, "vacant": 1}
