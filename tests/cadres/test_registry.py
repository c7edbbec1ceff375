"""The cadre registry: search in scope, filters, profiles, postings."""

from __future__ import annotations

from datetime import date

import pytest

from cadres import service
from cadres.models import CadrePosting
from cadres.service import CadreFilter
from portal.enums import CadreCategory, CadreStatus, Rank
from portal.errors import AccessDenied, NotFound
from tests import factories


def codes(cadres):
    return [c.code for c in cadres]


def test_reviewer_sees_the_cadres_of_their_subtree_only(session, city):
    assert codes(service.search_cadres(session, city.actor("reviewer"))) == ["C0001", "C0002"]
    assert codes(service.search_cadres(session, city.actor("reviewer-d1"))) == ["C0001"]


def test_filter_by_unit_subtree_rank_category_and_text(session, city):
    factories.cadre(session, "C0003", "赵敏", city.c1, rank=None, category=CadreCategory.COMMUNITY)
    factories.cadre(session, "C0004", "钱伟", city.d1, rank=Rank.COUNTY_DEPUTY)
    session.commit()
    reviewer = city.actor("reviewer")
    assert codes(service.search_cadres(session, reviewer,
                                       CadreFilter(unit_id=city.s1.id))) == ["C0001", "C0003"]
    assert codes(service.search_cadres(session, reviewer,
                                       CadreFilter(ranks=[Rank.COUNTY_DEPUTY]))) == ["C0004"]
    assert codes(service.search_cadres(
        session, reviewer, CadreFilter(categories=[CadreCategory.COMMUNITY]))) == ["C0003"]
    assert codes(service.search_cadres(session, reviewer, CadreFilter(text="钱"))) == ["C0004"]


def test_retired_cadres_are_left_out_unless_asked_for(session, city):
    city.cadre2.status = CadreStatus.RETIRED
    session.commit()
    reviewer = city.actor("reviewer")
    assert codes(service.search_cadres(session, reviewer)) == ["C0001"]
    assert codes(service.search_cadres(session, reviewer,
                                       CadreFilter(statuses=[CadreStatus.RETIRED]))) == ["C0002"]


def test_a_unit_outside_scope_cannot_be_searched(session, city):
    with pytest.raises(NotFound):
        service.search_cadres(session, city.actor("reviewer-d1"), CadreFilter(unit_id=city.d2.id))


def test_a_cadre_cannot_search_the_registry(session, city):
    with pytest.raises(AccessDenied):
        service.search_cadres(session, city.actor("cadre"))


def test_a_cadre_gets_themself_and_nobody_else(session, city):
    cadre = city.actor("cadre")
    assert service.get_cadre(session, cadre, "C0001").name == "王芳"
    for code in ("C0002", "NO-SUCH"):
        with pytest.raises(AccessDenied) as denied:
            service.get_cadre(session, cadre, code)
        assert "李娜" not in denied.value.message
    with pytest.raises(AccessDenied):
        service.get_cadre_by_id(session, cadre, city.cadre2.id)


def test_reviewer_lookup_names_unknown_and_out_of_scope_cadres(session, city):
    with pytest.raises(NotFound):
        service.get_cadre(session, city.actor("reviewer"), "NO-SUCH")
    with pytest.raises(AccessDenied):
        service.get_cadre(session, city.actor("reviewer-d1"), "C0002")


def test_inspector_sees_the_basic_profile_but_not_training_or_grades(session, city):
    inspector = city.actor("inspector")
    assert service.get_cadre(session, inspector, "C0002").position == "副主任"
    with pytest.raises(AccessDenied):
        service.training_progress(session, inspector, city.cadre2, 2026)
    with pytest.raises(AccessDenied):
        service.grades_for_cadre(session, inspector, city.cadre2)


def test_earlier_units_come_from_closed_postings(session, city):
    session.add_all([
        CadrePosting(cadre_id=city.cadre1.id, unit_id=city.c1.id, position="社区书记",
                     start=date(2015, 1, 1), end=date(2018, 12, 31)),
        CadrePosting(cadre_id=city.cadre1.id, unit_id=city.s2.id, position="科员",
                     start=date(2019, 1, 1), end=date(2021, 12, 31)),
        CadrePosting(cadre_id=city.cadre1.id, unit_id=city.s1.id, position="副主任",
                     start=date(2022, 1, 1)),
    ])
    session.commit()
    earlier = service.earlier_units(session, city.actor("reviewer"), city.cadre1)
    assert [u.code for u in earlier] == ["S2", "K1"]
    assert len(service.postings(session, city.actor("cadre"), city.cadre1)) == 3


def test_registry_counts_cover_every_match_even_beyond_the_list(session, city):
    for n in range(3):
        factories.cadre(session, f"C01{n}", f"同事{n}", city.s1,
                        category=CadreCategory.CIVIL_SERVANT)
    session.commit()
    reviewer = city.actor("reviewer")
    assert len(service.search_cadres(session, reviewer, CadreFilter(limit=2))) == 2
    counts = service.count_cadres(session, reviewer, CadreFilter(limit=2))
    assert counts == {"cadres": 5, "leading": 2, "party_members": 5, "women": 5}
