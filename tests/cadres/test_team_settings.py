"""The numbers behind the team flags are settings an administrator changes, each with its
source; the establishment (职数) is typed as level: principals/deputies."""

from __future__ import annotations

import pytest

from cadres import settings as cadre_settings
from cadres import teams
from cadres.rules.teams import Establishment
from cadres.teams import establishment_text
from portal.errors import AccessDenied, Invalid
from tests.cadres.test_teams import AS_OF, teams_city  # noqa: F401  (the fixture)


def test_every_team_rule_names_its_source():
    for key in (cadre_settings.TEAM_YOUNG_AGE, cadre_settings.TEAM_OLD_AGE,
                cadre_settings.TEAM_TENURE_YEARS, cadre_settings.TEAM_ESTABLISHMENT):
        default = cadre_settings.DEFAULTS[key]
        assert default.source and default.label
    assert "党政领导干部职务任期暂行规定" in cadre_settings.DEFAULTS[
        cadre_settings.TEAM_TENURE_YEARS].source


@pytest.mark.parametrize("text, expected", [
    ("street: 2/4, community: 1/1", {"street": [2, 4], "community": [1, 1]}),
    ("街道：3/5，other: 1/0", {"street": [3, 5], "other": [1, 0]}),
    ("community/enterprise: 1/2", {"community/enterprise": [1, 2]}),
    ("district: 2", {"district": [2, 0]}),
])
def test_the_establishment_is_typed_as_level_and_posts(session, text, expected):
    assert cadre_settings.parse_value(session, cadre_settings.TEAM_ESTABLISHMENT,
                                      text) == expected


@pytest.mark.parametrize("text", ["", "planet: 1/1", "street: 2/x", "street: 99/1", "street"])
def test_a_bad_establishment_is_refused_naming_the_value(session, text):
    with pytest.raises(Invalid):
        cadre_settings.parse_value(session, cadre_settings.TEAM_ESTABLISHMENT, text)


def test_changed_rules_change_the_flags(session, teams_city):  # noqa: F811
    admin = teams_city.actor("admin")
    cadre_settings.change(session, admin, cadre_settings.TEAM_ESTABLISHMENT, "street: 1/1")
    cadre_settings.change(session, admin, cadre_settings.TEAM_YOUNG_AGE, "45")
    session.commit()
    table = teams.team_table(session, teams_city.actor("reviewer"), "street", as_of=AS_OF)
    assert table.rules.establishment == {"street": Establishment(1, 1)}
    assert table.flag_counts()["vacant"] == 0 and table.flag_counts()["no_young"] == 0
    assert teams.flag_label("no_young", table.rules) == "No one under 45"
    with pytest.raises(AccessDenied):
        cadre_settings.change(session, teams_city.actor("reviewer"),
                              cadre_settings.TEAM_TENURE_YEARS, "8")


def test_the_rules_page_shows_the_establishment_in_words():
    assert establishment_text({"street": [2, 4], "other": [1, 0]}) == (
        "Street/Township: 2/4, other organizations: 1/0")
