"""Accountability rules against the regulations' own examples (issue 12): error tolerance
(问责条例 2019 art. 17, 18; 三个区分开来), who may receive what (纪律处分条例 2023 art. 8,
政务处分法 2020 art. 22), "双开" and the sources named in the catalogue."""

from __future__ import annotations

import pytest

from accountability import rules
from accountability.enums import MeasureType, ToleranceOutcome
from portal.enums import CadreCategory

CONDITIONS = {c.code: True for c in rules.CRITERIA if c.group == rules.CONDITION}


# --- 4. the three distinctions are alternatives; art. 17 and 18
# ------------------------------------------

@pytest.mark.parametrize("ticked, outcome", [
    ({"reform_inexperience"}, ToleranceOutcome.EXEMPT),              # any one distinction suffices
    ({"exploration_unrestricted"}, ToleranceOutcome.EXEMPT),
    ({"development_unintentional"}, ToleranceOutcome.EXEMPT),
    ({"reform_inexperience", "exploration_unrestricted", "development_unintentional"},
     ToleranceOutcome.EXEMPT),
    ({"opposed_on_record"}, ToleranceOutcome.EXEMPT),                # art. 17 (二)
    ({"unforeseeable"}, ToleranceOutcome.EXEMPT),                    # art. 17 (三)
    ({"recovered_losses"}, ToleranceOutcome.MITIGATED),              # art. 18: lighter only
    ({"cooperated"}, ToleranceOutcome.MITIGATED),
    ({"other_lighter"}, ToleranceOutcome.MITIGATED),
    (set(), ToleranceOutcome.NOT_TOLERATED),                         # no ground at all
    ({"reform_inexperience", "excl_personal_gain"}, ToleranceOutcome.NOT_TOLERATED),
    ({"opposed_on_record", "excl_eight_point_rules"}, ToleranceOutcome.NOT_TOLERATED),
])
def test_tolerance_advice_with_every_condition_met(ticked, outcome):
    advice = rules.tolerance_advice({**CONDITIONS, **{code: True for code in ticked}})
    assert advice.outcome == outcome


def test_a_ground_with_a_condition_unmet_is_mitigation_at_most():
    advice = rules.tolerance_advice({**CONDITIONS, "no_serious_loss": False,
                                     "reform_inexperience": True})
    assert advice.outcome == ToleranceOutcome.MITIGATED and advice.unmet == ("no_serious_loss",)


def test_the_checklist_has_the_grounds_of_articles_17_and_18():
    groups = {c.code: c.group for c in rules.CRITERIA}
    assert [code for code,
            group in groups.items() if group == rules.GROUND] == ["opposed_on_record",
                                                                                "unforeseeable"]
    assert [code for code, group in groups.items() if group == rules.LIGHTER] == [
        "recovered_losses", "cooperated", "other_lighter"]
    assert "art. 17, 18" in rules.TOLERANCE_SOURCE


# --- 7. who may receive what
# -------------------------------------------------------------------------------

@pytest.mark.parametrize("code, member, category, refused_for", [
    (MeasureType.PARTY_WARNING, False, CadreCategory.CIVIL_SERVANT, "纪律处分条例"),
    (MeasureType.PARTY_SERIOUS_WARNING, False, CadreCategory.CIVIL_SERVANT, "纪律处分条例"),
    (MeasureType.PARTY_PROBATION, False, CadreCategory.INSTITUTION, "纪律处分条例"),
    (MeasureType.PARTY_EXPULSION, False, CadreCategory.LEADING, "纪律处分条例"),
    (MeasureType.PARTY_WARNING, True, CadreCategory.CIVIL_SERVANT, None),
    (MeasureType.GOV_WARNING, False, CadreCategory.CIVIL_SERVANT,
     None),          # not a party sanction
    (MeasureType.GOV_DOWNGRADE, True, CadreCategory.VILLAGE, "art. 22"),
    (MeasureType.GOV_DISMISSAL_POST, True, CadreCategory.COMMUNITY, "art. 22"),
    (MeasureType.GOV_EXPULSION, True, CadreCategory.VILLAGE, "art. 22"),
    (MeasureType.GOV_WARNING, True, CadreCategory.VILLAGE,
     None),                 # 警告, 记过, 记大过 only
    (MeasureType.GOV_DEMERIT, True, CadreCategory.COMMUNITY, None),
    (MeasureType.GOV_MAJOR_DEMERIT, False, CadreCategory.VILLAGE, None),
    (MeasureType.GOV_DOWNGRADE, True, CadreCategory.CIVIL_SERVANT, None),
    (MeasureType.ADMONISHMENT, False, CadreCategory.VILLAGE, None),
])
def test_who_may_receive_what(code, member, category, refused_for):
    problem = rules.recipient_problem(code, party_member=member, category=category)
    assert (problem is None) is (refused_for is None)
    if refused_for:
        assert refused_for in problem and "%(measure)s" in problem


@pytest.mark.parametrize("member, category, expected", [
    (True, CadreCategory.CIVIL_SERVANT,
     (MeasureType.PARTY_EXPULSION, MeasureType.GOV_EXPULSION)),  # 双开
    (False, CadreCategory.CIVIL_SERVANT, (MeasureType.GOV_EXPULSION,)),
    (True, CadreCategory.VILLAGE,
     (MeasureType.PARTY_EXPULSION,)),     # no 开除 for a committee member
    (False, CadreCategory.COMMUNITY, ()),
])
def test_judicial_transfer_comes_with_both_expulsions_where_they_apply(member, category, expected):
    assert rules.companions(MeasureType.JUDICIAL_TRANSFER, party_member=member,
                            category=category) == expected
    assert rules.companions(MeasureType.GOV_DEMERIT, party_member=member, category=category) == ()


# --- 8. citations
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, cited", [
    (MeasureType.GOV_WARNING, "政务处分法 (2020) art. 8, 19"),
    (MeasureType.GOV_DEMERIT, "政务处分法 (2020) art. 8, 19"),
    (MeasureType.GOV_DOWNGRADE, "政务处分法 (2020) art. 8, 19"),
    (MeasureType.TRANSFER, "组织处理规定（试行） (2021)"),
    (MeasureType.ORDERED_RESIGNATION, "组织处理规定（试行） (2021)"),
    (MeasureType.REMOVAL, "组织处理规定（试行） (2021)"),
    (MeasureType.DEMOTION, "组织处理规定（试行） (2021)"),
    (MeasureType.ADMONISHMENT, "关于对党员领导干部进行诫勉的规定 (2019)"),
    (MeasureType.PARTY_SERIOUS_WARNING, "纪律处分条例 (2023)"),
])
def test_each_measure_names_its_regulation(code, cited):
    assert cited in rules.SPECS[code].source
    assert "art. 22" not in rules.SPECS[code].source


def test_every_measure_of_the_catalogue_names_a_source():
    assert all(spec.source for spec in rules.CATALOGUE)
