"""The announcement window (公示), appeal refusals, the period transitions around them,
and the evidence file check — pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from assessment import rules
from assessment.enums import PeriodStatus

MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(("start", "days", "end"), [
    (MONDAY, 5, date(2026, 12, 11)),            # Mon … Fri
    (date(2026, 12, 10), 5, date(2026, 12, 16)),  # Thu … next Wed, the weekend skipped
    (date(2026, 12, 5), 5, date(2026, 12, 11)),   # announced on a Saturday: Mon … Fri count
    (MONDAY, 1, MONDAY),
])
def test_the_window_counts_working_days(start, days, end):
    assert rules.announcement_window(start, days).end == end


def test_appeals_are_accepted_inside_the_window_only():
    window = rules.announcement_window(MONDAY, 5)
    assert rules.appeal_refusal(window, MONDAY) is None
    assert rules.appeal_refusal(window, date(2026, 12, 11)) is None  # the last day counts
    assert "ended on 2026-12-11" in rules.appeal_refusal(window, date(2026, 12, 12))
    assert "starts on 2026-12-07" in rules.appeal_refusal(window, date(2026, 12, 6))
    assert "not announced" in rules.appeal_refusal(None, MONDAY)


def test_a_period_becomes_final_after_the_window_and_with_no_appeal_open():
    window = rules.announcement_window(MONDAY, 5)
    assert rules.finalize_problems(window, date(2026, 12, 12), 0) == []
    assert len(rules.finalize_problems(window, date(2026, 12, 11), 2)) == 2
    assert "2 appeal(s)" in rules.finalize_problems(window, date(2026, 12, 14), 2)[0]


TRANSITIONS = [
    (PeriodStatus.REVIEWING, PeriodStatus.ANNOUNCED, "announce"),
    (PeriodStatus.ANNOUNCED, PeriodStatus.PUBLISHED, "finalize"),
    (PeriodStatus.ANNOUNCED, PeriodStatus.REVIEWING, "reopen"),
    (PeriodStatus.REVIEWING, PeriodStatus.PUBLISHED, "publish"),
    (PeriodStatus.COLLECTING, PeriodStatus.ANNOUNCED, None),
    (PeriodStatus.ANNOUNCED, PeriodStatus.ARCHIVED, None),
    (PeriodStatus.PUBLISHED, PeriodStatus.ANNOUNCED, None),
]


@pytest.mark.parametrize(("frm", "to", "action"), TRANSITIONS)
def test_the_announcement_sits_between_review_and_publication(frm, to, action):
    assert rules.TRANSITIONS.get((frm, to)) == action


def test_announced_results_are_visible_but_not_final():
    assert PeriodStatus.ANNOUNCED in rules.RESULTS_VISIBLE
    assert PeriodStatus.ANNOUNCED not in rules.RESULTS_FINAL


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(("data", "name", "message"), [
    (PDF, "说明.pdf", None),
    (PNG, "photo.PNG", None),
    (b"MZ\x90\x00 an executable", "evidence.pdf", "not really a PDF"),
    (PNG, "renamed.pdf", "not really a PDF"),
    (PDF, "evidence.exe", "only PDF, PNG or JPEG"),
    (PDF + b"x" * 2000, "big.pdf", "at most"),
])
def test_appeal_evidence_is_checked_like_a_reports(data, name, message):
    if message is None:
        assert rules.evidence_type(name, data, 1024).startswith(("application/", "image/"))
        return
    with pytest.raises(ValueError, match=message):
        rules.evidence_type(name, data, 1024)
