"""Every accountability callback is an HTTP endpoint anyone logged in can call with any
input: reviewers and cadres calling them directly never receive a summary, the source of
a clue, a note or someone else's statement, and cannot change anything."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from accountability.enums import CaseStage
from accountability.models import Case, CaseEvent, Measure, ToleranceApplication
from portal.models import AuditEvent
from tests.accountability.callbacks import accountability_callbacks, call
from tests.accountability.conftest import SECRETS, SOURCE_LABEL, readable
from tests.web import login


def values_for(world) -> dict:
    """Inputs an attacker would send: real ids of confidential rows, every button clicked."""
    values = {
        "ac-case-id.data": world["case"],
        "ac-case-stage.data": "decision",
        "ac-move-target.value": "closed",
        "ac-move-on.value": "2026-11-01",
        "ac-move-reason.value": "x",
        "ac-ext-approver.value": "x",
        "ac-ext-reason.value": "x",
        "ac-ms-subject.value": f"c{world['cadre1'].id}",
        "ac-ms-code.value": "gov_expulsion",
        "ac-ms-decided.value": "2026-06-01",
        "ac-chg-measure.value": world["measure"],
        "ac-chg-action.value": "revoke",
        "ac-chg-on.value": "2026-07-01",
        "ac-chg-reason.value": "x",
        "ac-app-id.data": world["theirs"],
        "ac-dec-outcome.value": "exempt",
        "ac-dec-by.value": "x",
        "ac-dec-reasons.value": "x",
        "ac-cor-action.value": "x",
        "ac-cor-owner.value": "x",
        "ac-cor-due.value": "2026-12-01",
        "ac-cor-item.value": 1,
        "ac-cor-done.value": "2026-11-01",
        "ac-cor-follow.value": "x",
        "ac-app-cadre.value": world["cadre2"].id,
        "ac-app-cadre.search_value": "李",
        "ac-app-measure.value": world["measure"],
        "ac-app-statement.value": "x",
        "ac-app-case.data": world["case"],
        "ac-cadre-pick.value": world["cadre2"].code,
        "ac-cadre-pick.search_value": "李",
        "ac-new-cadres.search_value": "李",
        "ac-new-title.value": "x",
        "ac-new-source.value": "audit",
        "ac-new-cadres.value": [world["cadre2"].id],
        "ac-desk-open.value": False,
        "ac-desk-view.value": "table",
        "ac-dash-period.value": "3y",
        "ac-reg-effect.value": False,
        "ac-fu-visit.value": world["visit"],
        "ac-fu-on.value": "2026-11-01",
        "ac-fu-visitor.value": "x",
        "ac-nc-item.value": world["clearing"],
        "ac-nc-on.value": "2026-10-20",
        "ac-nc-method.value": "x",
        "ac-my-measure.value": str(world["measure"]),
        "ac-my-statement.value": "再次申请",
        "ac-rule-item.value": "accountability.effect_months|admonishment",
        "ac-rule-value.value": "1",
        "ac-tol-status.value": None,
        "ac-tol-outcome.value": None,
        "ac-edit-summary.value": "改写",
        "ac-edit-title.value": "改写",
        "ac-edit-cadre.value": world["cadre1"].id,
        "ac-edit-cadre.search_value": "李",
        "ac-nc-cadre.value": f"c{world['cadre1'].id}",
        "ac-nc-finding.value": "2026-10-01",
        "ac-crit.value": [({"type": "ac-crit", "code": "excl_personal_gain"}, True)],
        "ac-crit.id": [
            (
                {"type": "ac-crit", "code": "excl_personal_gain"},
                {"type": "ac-crit", "code": "excl_personal_gain"},
            )
        ],
    }
    for button in ("ac-move-submit", "ac-ext-submit", "ac-ms-submit", "ac-chg-submit",
                   "ac-ver-start", "ac-ver-save",
                   "ac-dec-submit", "ac-cor-add", "ac-cor-complete", "ac-app-submit",
                   "ac-new-submit",
                   "ac-new-toggle", "ac-fu-submit", "ac-nc-submit", "ac-my-submit", "ac-rule-save",
                   "ac-edit-save",
                   "ac-nc-open", "ac-edit-toggle"):
        values[f"{button}.n_clicks"] = 1
    return values


def _counts(session):
    return (session.scalar(select(func.count()).select_from(Case)),
            session.scalar(select(func.count()).select_from(CaseEvent)),
            session.scalar(select(func.count()).select_from(Measure)),
            session.scalar(select(func.count()).select_from(Measure).where(Measure.revoked_on.is_not(None))))


@pytest.mark.parametrize("username", ["reviewer", "cadre"])
def test_no_callback_gives_a_reviewer_or_a_cadre_confidential_text(client, app, session, world,
                                                                   username):
    login(client, username)
    values = values_for(world)
    names = sorted(accountability_callbacks(app))
    assert len(names) >= 20
    for name in names:
        response = call(client, app, name, values)
        assert response.status_code != 500, name
        text = readable(response)
        for secret in SECRETS:
            assert secret not in text, (name, secret)
        assert SOURCE_LABEL not in text, name


@pytest.mark.parametrize("username", ["reviewer", "cadre"])
def test_a_reviewer_or_a_cadre_changes_nothing_through_the_case_callbacks(client, app, session,
                                                                          world, username):
    login(client, username)
    before = _counts(session)
    values = values_for(world)
    for name in ("case.move", "case.extend", "case.record", "case.appeal_outcome", "case.edit",
                 "case.open_clearing",
                 "desk.register_clue", "tolerance.decide", "tolerance.save",
                 "followups.record_visit",
                 "rules_page.save"):
        call(client, app, name, values)
    session.expire_all()
    assert _counts(session) == before
    assert session.get(Case, world["case"]).stage == CaseStage.DECISION
    assert session.get(ToleranceApplication, world["theirs"]).statement == "他人申请陈述"
    assert session.get(Case, world["case"]).summary.startswith("机密摘要")


def test_an_inspector_edits_the_case_and_adds_a_unit_through_the_endpoint(client, app, session,
                                                                          world):
    login(client, "inspector")
    city = world["city"]
    response = call(client, app, "case.edit", {
        "ac-edit-save.n_clicks": 1, "ac-case-id.data": world["case"],
                                               "ac-edit-unit.value": city.c1.id,
        "ac-edit-title.value": "新标题", "ac-edit-summary.value": "补充摘要"})
    assert "updated" in readable(response)
    session.expire_all()
    case = session.get(Case, world["case"])
    assert case.title == "新标题" and case.summary == "补充摘要"
    assert city.c1.id in {s.unit_id for s in case.subjects if s.cadre_id is None}


def test_the_new_case_form_gets_its_units_when_first_opened(client, app, world):
    """The page does not carry the form's list of every unit; the first opening sends it."""
    login(client, "inspector")
    first = call(client, app, "desk.toggle_new", {"ac-new-toggle.n_clicks": 1,
                                                   "ac-new-collapse.is_open": False,
                                                   "ac-new-units.options": []})
    answer = first.get_json()["response"]
    names = {option["label"].strip("\u3000") for option in answer["ac-new-units"]["options"]}
    assert answer["ac-new-collapse"]["is_open"] is True and world["city"].c1.name in names
    again = call(client, app, "desk.toggle_new", {"ac-new-toggle.n_clicks": 2,
                                                   "ac-new-collapse.is_open": True,
                                                   "ac-new-units.options": [{"label": "x",
                                                                             "value": 1}]})
    assert again.get_json()["response"] == {"ac-new-collapse": {"is_open": False}}


def test_an_inspector_opens_name_clearing_for_a_cadre_of_the_case(client, app, session, world):
    login(client, "inspector")
    response = call(
        client,
        app,
        "case.open_clearing",
        {
            "ac-nc-open.n_clicks": 1,
            "ac-case-id.data": world["case"],
            "ac-nc-cadre.value": f"c{world['cadre1'].id}",
            "ac-nc-finding.value": "2026-10-31",
        },
    )
    assert "2026-11-30" in readable(response)


def test_a_cadre_reading_another_cadres_record_is_refused(client, app, world):
    login(client, "cadre")
    response = call(client, app, "cadre.show", {"ac-cadre-pick.value": world["cadre2"].code})
    text = readable(response)
    assert (
        response.status_code == 403 and world["cadre2"].name not in text
    )  # the page is not a cadre's


def test_a_reviewer_sees_effects_and_outcomes_but_not_the_case(client, app, world):
    login(client, "reviewer")
    shown = readable(call(client, app, "cadre.show", {"ac-cadre-pick.value": world["cadre1"].code}))
    assert "Party warning" in shown and "2027-05-20" in shown
    refused = readable(call(client, app, "desk.filter_desk", {"ac-desk-open.value": True}))
    assert "Your role may not do this" in refused


def test_an_inspector_moves_a_case_through_the_endpoint(client, app, session, world):
    login(client, "inspector")
    response = call(client, app, "case.move",
                    {"ac-move-submit.n_clicks": 1, "ac-case-id.data": world["case"],
                                               "ac-case-stage.data": "decision",
                                               "ac-move-target.value": "closed",
                                               "ac-move-on.value": "2026-06-01",
                                               "ac-move-reason.value": "执行完毕"})
    assert response.status_code == 200 and "Closed" in readable(response)
    session.expire_all()
    assert session.get(Case, world["case"]).stage == CaseStage.CLOSED
    assert (
        session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1))
        == "case.move"
    )


def test_an_illegal_step_through_the_endpoint_is_refused_in_plain_words(client, app, session,
                                                                        world):
    login(client, "inspector")
    response = call(client, app, "case.move",
                    {"ac-move-submit.n_clicks": 1, "ac-case-id.data": world["case"],
                                               "ac-case-stage.data": "decision",
                                               "ac-move-target.value": "clue",
                                               "ac-move-reason.value": "回到线索"})
    assert "cannot move to" in readable(response)
    session.expire_all()
    assert session.get(Case, world["case"]).stage == CaseStage.DECISION


def test_a_cadre_applies_for_tolerance_through_the_endpoint(client, app, session, world):
    login(client, "cadre")
    response = call(client, app, "my_records.submit",
                    {"ac-my-submit.n_clicks": 1, "ac-my-measure.value": "",
                                                       "ac-my-statement.value": "基层探索中的失误"})
    assert "RC-2026" in readable(response)
    created = [
        a
        for a in session.scalars(select(ToleranceApplication))  # statements are encrypted at rest
        if a.statement == "基层探索中的失误"
    ]
    assert [a.cadre_id for a in created] == [world["cadre1"].id]


def test_a_cadre_cannot_read_the_four_forms_counts_of_their_subtree_through_the_overview_callback(
        client, app, session, world):
    """The overview page is refused to a cadre; so is its callback, whatever the period sent."""
    login(client, "cadre")
    response = call(client, app, "dashboard.change_period", {"ac-dash-period.value": "3y"})
    assert response.status_code == 403
    assert "Person-times handled" not in readable(response)
    login(client, "reviewer")
    assert "Person-times handled" in readable(call(client, app, "dashboard.change_period",
                                                   {"ac-dash-period.value": "3y"}))
