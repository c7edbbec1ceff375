"""The reporting workflow's pure rules: transitions and who may take them, locks and their
reasons, overdue and returned-twice flags, and the evidence file check."""

from __future__ import annotations

from datetime import date

import pytest

from assessment import rules
from assessment.enums import LockReason, PeriodStatus, SubmissionStatus

REPORTER = {"assessment.report"}
OFFICE = {"assessment.edit"}
S = SubmissionStatus

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


@pytest.mark.parametrize("action, current, who, reason, target", [
    ("submit", S.DRAFT, REPORTER, "", S.SUBMITTED),
    ("submit", S.RETURNED, REPORTER, "", S.SUBMITTED),
    ("return", S.SUBMITTED, OFFICE, "入户数据与台账不符", S.RETURNED),
    ("accept", S.SUBMITTED, OFFICE, "", S.ACCEPTED),
    ("lock", S.ACCEPTED, OFFICE, "", S.LOCKED),
    ("reopen", S.LOCKED, OFFICE, "特批：补报台风期间数据", S.DRAFT),
    ("reopen", S.ACCEPTED, OFFICE, "特批：补报台风期间数据", S.DRAFT),
])
def test_each_step_leads_where_the_workflow_says(action, current, who, reason, target):
    assert rules.next_status(action, current, who, reason) == target


@pytest.mark.parametrize("action, current, who", [
    ("submit", S.SUBMITTED, REPORTER),   # already with the office
    ("submit", S.ACCEPTED, REPORTER),
    ("accept", S.DRAFT, OFFICE),         # nothing submitted yet
    ("accept", S.RETURNED, OFFICE),
    ("lock", S.SUBMITTED, OFFICE),       # accepted first
    ("return", S.ACCEPTED, OFFICE),      # accepted figures are reopened as an exception
])
def test_a_step_from_the_wrong_status_is_refused(action, current, who):
    with pytest.raises(rules.StepRefused):
        rules.next_status(action, current, who, "a reason of some words")


@pytest.mark.parametrize("action, current, who", [
    ("accept", S.SUBMITTED, REPORTER), ("return", S.SUBMITTED, REPORTER),
    ("lock", S.ACCEPTED, REPORTER), ("reopen", S.LOCKED, REPORTER),
    ("submit", S.DRAFT, OFFICE),
])
def test_reporters_only_submit_and_the_office_only_decides(action, current, who):
    with pytest.raises(rules.StepRefused, match="role"):
        rules.next_status(action, current, who, "a reason of some words")


@pytest.mark.parametrize("action", ["return", "reopen"])
@pytest.mark.parametrize("reason", ["", "  ", "no"])
def test_returning_and_an_exception_need_a_reason(action, reason):
    current = S.SUBMITTED
    with pytest.raises(rules.StepRefused, match="why"):
        rules.next_status(action, current, OFFICE, reason)


@pytest.mark.parametrize("period, status, exception, lock", [
    (PeriodStatus.COLLECTING, S.DRAFT, False, None),
    (PeriodStatus.COLLECTING, S.RETURNED, False, None),
    (PeriodStatus.COLLECTING, S.SUBMITTED, False, LockReason.SUBMITTED),
    (PeriodStatus.COLLECTING, S.ACCEPTED, False, LockReason.ACCEPTED),
    (PeriodStatus.COLLECTING, S.LOCKED, False, LockReason.LOCKED),
    (PeriodStatus.REVIEWING, S.DRAFT, False, LockReason.PERIOD_CLOSED),
    (PeriodStatus.REVIEWING, S.DRAFT, True, None),       # an exception for this unit
    (PeriodStatus.DRAFT, S.DRAFT, False, LockReason.PERIOD_CLOSED),
    (PeriodStatus.PUBLISHED, S.DRAFT, True, LockReason.APPROVED),
    (PeriodStatus.ANNOUNCED, S.DRAFT, True, LockReason.ANNOUNCED),
    (PeriodStatus.ARCHIVED, S.LOCKED, False, LockReason.LOCKED),
])
def test_the_reporter_lock_names_its_reason(period, status, exception, lock):
    assert rules.reporter_lock(period, status, exception) == lock


def test_the_office_leaves_submitted_accepted_and_locked_figures_alone():
    assert rules.office_lock(None) is None
    assert rules.office_lock(S.DRAFT) is None and rules.office_lock(S.RETURNED) is None
    assert rules.office_lock(S.SUBMITTED) == LockReason.SUBMITTED
    assert rules.office_lock(S.LOCKED) == LockReason.LOCKED


def test_overdue_means_not_submitted_after_the_deadline():
    due = date(2026, 4, 10)
    assert rules.report_overdue(S.DRAFT, due, date(2026, 4, 11))
    assert rules.report_overdue(S.RETURNED, due, date(2026, 4, 11))
    assert not rules.report_overdue(S.DRAFT, due, date(2026, 4, 10))  # the deadline day itself
    assert not rules.report_overdue(S.SUBMITTED, due, date(2026, 5, 1))
    assert not rules.report_overdue(S.DRAFT, None, date(2030, 1, 1))


def test_returned_twice_is_flagged_and_missing_required_figures_are_named():
    assert not rules.returned_often(1) and rules.returned_often(2)
    assert rules.missing_figures(["I1", "I2"], {"I1": 3.0, "I2": None}) == ["I2"]
    assert rules.missing_figures(["I1"], {"I1": 0.0}) == []  # zero is a value


@pytest.mark.parametrize("name, data, kind", [
    ("台账.pdf", PDF, "application/pdf"), ("photo.PNG", PNG, "image/png"),
    ("现场.jpg", JPEG, "image/jpeg"), ("scan.jpeg", JPEG, "image/jpeg"),
])
def test_pdf_png_and_jpeg_evidence_is_accepted(name, data, kind):
    assert rules.evidence_type(name, data) == kind


@pytest.mark.parametrize("name, data, words", [
    ("report.pdf", b"MZ\x90\x00 an executable", "not really a PDF"),
    ("photo.png", JPEG, "not really a PNG"),
    ("tool.exe", b"MZ\x90\x00", "only PDF, PNG or JPEG"),
    ("page.html", b"<html>", "only PDF, PNG or JPEG"),
    ("empty.pdf", b"", "empty"),
])
def test_evidence_whose_content_is_not_what_its_name_claims_is_refused(name, data, words):
    with pytest.raises(rules.EvidenceRefused, match=words):
        rules.evidence_type(name, data)


def test_evidence_over_the_size_limit_is_refused():
    with pytest.raises(rules.EvidenceRefused, match="at most 10 MB"):
        rules.evidence_type("big.pdf", PDF + b"\x00" * rules.MAX_EVIDENCE_BYTES)
    assert rules.evidence_type("ok.pdf", PDF + b"\x00" * 1000, max_bytes=2000)
