"""Roles and unit scope: queries never reach rows outside the actor's subtree."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import units
from portal.access import visible_cadre
from portal.errors import AccessDenied, NotFound
from portal.models import Cadre
from tests import factories


def test_district_reviewer_sees_only_their_district(session):
    city = factories.city(session)
    seen = {u.code for u in units.units_in_scope(session, city.actor("reviewer-d1"))}
    assert seen == {"D1", "S1", "K1"}


def test_city_reviewer_sees_everything(session):
    city = factories.city(session)
    assert len(units.units_in_scope(session, city.actor("reviewer"))) == 7


def test_unit_outside_scope_is_not_found(session):
    city = factories.city(session)
    with pytest.raises(NotFound):
        units.get_unit(session, city.actor("reviewer-d1"), city.d2.id)


def test_cadre_clause_limits_a_cadre_to_themselves(session):
    city = factories.city(session)
    codes = session.scalars(select(Cadre.code).where(city.actor("cadre").cadre_clause())).all()
    assert codes == ["C0001"]
    codes = session.scalars(
        select(Cadre.code).where(city.actor("reviewer-d1").cadre_clause())
    ).all()
    assert codes == ["C0001"]
    codes = session.scalars(select(Cadre.code).where(city.actor("reviewer").cadre_clause())).all()
    assert sorted(codes) == ["C0001", "C0002"]


def test_require_cadre_refuses_another_cadre(session):
    city = factories.city(session)
    city.actor("cadre").require_cadre(city.cadre1)
    with pytest.raises(AccessDenied):
        city.actor("cadre").require_cadre(city.cadre2)
    with pytest.raises(AccessDenied):
        city.actor("reviewer-d1").require_cadre(city.cadre2)


def test_permissions_follow_the_role_table(session):
    city = factories.city(session)
    assert not city.actor("admin").can("anything.at.all")
    assert city.actor("reviewer").can("assessment.edit")
    assert not city.actor("reviewer").can("cases.view")
    assert city.actor("inspector").can("cases.view")
    assert not city.actor("inspector").can("assessment.edit")
    assert not city.actor("cadre").can("cadres.view")
    with pytest.raises(AccessDenied):
        city.actor("reviewer").require("users.manage")


# The three administrators (三员分立): each does one job and none does another's.
ADMIN_DUTIES = {
    "admin": {"units.manage", "schemes.manage", "settings.manage"},
    "security": {"users.manage"},
    "auditor": {"audit.view", "audit.export"},
}
BUSINESS = {"assessment.view", "assessment.edit", "cadres.view", "cadres.view_basic", "cases.view",
            "measures.view", "tolerance.view", "decisions.view", "training.view", "export",
            "self.view"}


@pytest.mark.parametrize("role", sorted(ADMIN_DUTIES))
def test_each_administrator_holds_only_their_own_duties(session, role):
    city = factories.city(session)
    actor = city.actor(role)
    assert all(actor.can(p) for p in ADMIN_DUTIES[role])
    others = set().union(*(duties for name, duties in ADMIN_DUTIES.items() if name != role))
    assert not any(actor.can(p) for p in others), "an administrator can do another's work"
    assert not any(actor.can(p) for p in BUSINESS), "an administrator reads business records"


def test_only_inspectors_read_case_narratives(session):
    city = factories.city(session)
    readers = {name for name in city.users if city.actor(name).can("cases.view")}
    assert readers == {"inspector"}


def test_scope_prefix_does_not_match_a_sibling_with_a_longer_id(session):
    """/1/2/ must not match /1/21/: paths end with a slash."""
    city = factories.city(session)
    for i in range(20):  # push ids past 20 so a '/1/2' prefix bug would show
        factories.unit(session, f"X{i}", f"单位{i}", city.d2.level, city.city)
    session.commit()
    seen = {u.code for u in units.units_in_scope(session, city.actor("reviewer-d1"))}
    assert seen == {"D1", "S1", "K1"}


def test_pages_refuse_roles_without_permission(client, session):
    import json

    from tests.web import login

    factories.city(session)
    login(client, "reviewer")
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert "/admin/users" not in layout  # not in the reviewer's navigation
    from tests.web import callback

    response = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                        [("_pages_location", "pathname", "/admin/users"),
                         ("_pages_location", "search", "")])
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "not available for your role" in body and "users-grid" not in body


# --- "may this actor see this cadre": one rule for every package --------------------------------

def test_a_cadre_sees_themselves_whatever_they_ask_without_a_hint_about_others(session):
    city = factories.city(session)
    me = city.actor("cadre")
    assert visible_cadre(session, me, permissions=()) == city.cadre1
    assert visible_cadre(session, me, code="C0001", permissions=()) == city.cadre1
    for ask in ({"code": "C0002"}, {"code": "NO-SUCH"}, {"cadre_id": city.cadre2.id}):
        with pytest.raises(AccessDenied, match="own records"):
            visible_cadre(session, me, permissions=(), **ask)


def test_a_district_reviewer_sees_cadres_of_their_subtree_only(session):
    city = factories.city(session)
    reviewer = city.actor("reviewer-d1")
    assert visible_cadre(session, reviewer, code="C0001",
                         permissions=("cadres.view",)) == city.cadre1
    with pytest.raises(AccessDenied, match="outside"):
        visible_cadre(session, reviewer, cadre_id=city.cadre2.id, permissions=("cadres.view",))
    with pytest.raises(NotFound, match="NO-SUCH"):
        visible_cadre(session, reviewer, code="NO-SUCH", permissions=("cadres.view",))


def test_the_permissions_asked_for_are_checked_before_the_cadre_is_looked_up(session):
    city = factories.city(session)
    with pytest.raises(AccessDenied, match="role"):
        visible_cadre(session, city.actor("inspector"), code="NO-SUCH",
                      permissions=("training.view",))


def test_a_cadre_already_loaded_is_checked_again_without_a_query(session):
    city = factories.city(session)
    reviewer = city.actor("reviewer-d1")
    assert reviewer.may_see_cadre(city.cadre1, ("cadres.view",))
    assert not reviewer.may_see_cadre(city.cadre2, ("cadres.view",))
    assert not city.actor("inspector").may_see_cadre(city.cadre1, ("training.view",))
    with pytest.raises(AccessDenied):
        city.actor("cadre").require_cadre(city.cadre2)
