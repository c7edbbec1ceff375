"""Issue 6's journey: a reviewer opens a blocked cadre's portrait, sees why and until when,
proposes a promotion, reviews it; then the unit's scores are corrected and the period
re-published — the decision still shows the evidence it was proposed on and flags what
changed since."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def _correct_a_score(database_url: str, cadre_code: str) -> tuple[str, float]:
    """Another reviewer re-opens the latest published period of the cadre's unit, corrects
    one score and publishes again, as they would in the score grid. Returns (period, new
    composite)."""
    from assessment import periods, rules, scores
    from assessment.enums import PeriodStatus
    from assessment.models import Period, Result, Score
    from portal import db
    from portal.access import Actor
    from portal.db import make_engine
    from portal.models import Cadre

    engine = make_engine(database_url)
    with db.standalone(engine) as session:
        actor = Actor.system(session, "journey")
        cadre = session.scalar(select(Cadre).where(Cadre.code == cadre_code))
        period = session.scalar(select(Period).join(Result, Result.period_id == Period.id)
                                .where(Result.unit_id == cadre.unit_id, Period.end < date.today(),
                                       Period.status == PeriodStatus.PUBLISHED)
                                .order_by(Period.end.desc(), Period.kind.desc()))
        before = session.scalar(select(Result.composite).where(Result.period_id == period.id,
                                                               Result.unit_id == cadre.unit_id))
        periods.transition(session, actor, period.code, PeriodStatus.REVIEWING,
                           reason="Journey: a score corrected")
        for score in session.scalars(select(Score).where(Score.period_id == period.id,
                                                         Score.unit_id == cadre.unit_id)):
            leaf = scores.leaf_spec(session, period, cadre.unit.level, score.indicator_code)
            for value in (0.0, 1.0, (score.value or 0) * 0.5, 100.0):
                if value != score.value and not rules.value_problem(leaf, value):
                    scores.set_score(session, actor, period.code, cadre.unit_id,
                                     score.indicator_code, value,
                                     score.version, note="journey correction")
                    break
            periods.transition(session, actor, period.code, PeriodStatus.PUBLISHED)
            after = session.scalar(select(Result.composite).where(Result.period_id == period.id,
                                                                  Result.unit_id == cadre.unit_id))
            if round(after, 2) != round(before, 2):
                return period.code, after
            periods.transition(session, actor, period.code, PeriodStatus.REVIEWING,
                               reason="Journey: try another")
    raise AssertionError("no score of the unit could change its composite")


def test_a_decision_keeps_its_evidence_after_the_scores_change(login_as, demo_database):
    cadre = login_as("cadre", "en")
    base = "/".join(cadre.url.split("/")[:3])
    cadre.goto(f"{base}/cadres/profile")
    cadre.wait_for_selector(".page-title")
    code = re.search(r"C\d+", cadre.inner_text(".page-title")).group(0)

    reviewer = login_as("reviewer", "en")
    reviewer.goto(f"{base}/cadres/profile?code={code}")
    reviewer.wait_for_selector("#ca-pf-elig-result")
    verdict = reviewer.inner_text("#ca-pf-elig-result")
    assert "Not eligible" in verdict and "Measure in its effect period" in verdict
    assert re.search(r"\d{4}-\d{2}-\d{2}", verdict), "the panel says until when"

    reviewer.click("#ca-pf-propose-open")
    reviewer.select_option("#ca-pf-prop-type", "promotion")
    reviewer.fill("#ca-pf-prop-title", "Director of the street office")
    reviewer.fill("#ca-pf-prop-rationale", "Led the grid governance reform.")
    reviewer.click("#ca-pf-prop-submit")
    reviewer.wait_for_selector("#ca-pf-prop-result .ca-pf-prop-done")
    reviewer.click("#ca-pf-prop-result a[href*='/decisions/view']")
    reviewer.wait_for_selector("#ca-dc-integrity")
    assert "Intact" in reviewer.inner_text("#ca-dc-integrity")
    assert "Nothing has changed" in reviewer.inner_text("#ca-dc-body")
    frozen = reviewer.inner_text(".ca-dc-frozen")

    reviewer.fill("#ca-dc-review-note", "Record checked; the admonishment is noted.")
    reviewer.click("#ca-dc-review")
    reviewer.wait_for_selector("#ca-dc-message .alert-success")
    assert reviewer.locator("#ca-dc-decide").count() == 1  # next step: the decision

    period, composite = _correct_a_score(demo_database, code)

    reviewer.reload()
    reviewer.wait_for_selector("#ca-dc-changes")
    changes = reviewer.inner_text("#ca-dc-changes")
    assert period in changes and f"{round(composite, 2):g}" in changes
    assert "Intact" in reviewer.inner_text("#ca-dc-integrity")
    assert reviewer.inner_text(".ca-dc-frozen") == frozen  # the evidence itself did not move
    screenshot(reviewer, "decision-evidence-changed-en")

    reviewer.fill("#ca-dc-decision-note", "Approved at the standing committee.")
    reviewer.click("#ca-dc-decide")
    reviewer.wait_for_selector("#ca-dc-message .alert")
    assert "override reason" in reviewer.inner_text(
        "#ca-dc-message"
    )  # blocked: not without a reason
