"""The reporting workflow (填报审核) as pure rules: a reporting set's figures go draft →
submitted → returned (with a reason) or accepted → locked; the assessment office may
reopen one unit's set as an exception, with a reason. Who may do what, why a figure is
locked, and when a set is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessment.enums import LockReason, PeriodStatus, SubmissionStatus
from portal.i18n import N_, _

REPORT_PERMISSION = "assessment.report"  # the reporter who owns the set
CHECK_PERMISSION = "assessment.edit"  # the assessment office (考核办) in the reviewer role


@dataclass(frozen=True)
class SubmissionStep:
    """One action of the workflow: from which statuses, to which, by whom, and whether the
    actor must say why."""

    sources: frozenset[SubmissionStatus]
    target: SubmissionStatus
    permission: str
    needs_reason: bool = False
    done: str = ""  # the past participle, for messages


_ANY = frozenset(SubmissionStatus)
SUBMISSION_STEPS: dict[str, SubmissionStep] = {
    "submit": SubmissionStep(frozenset({SubmissionStatus.DRAFT, SubmissionStatus.RETURNED}),
                             SubmissionStatus.SUBMITTED, REPORT_PERMISSION,
                             done=N_("submitted")),
    "return": SubmissionStep(frozenset({SubmissionStatus.SUBMITTED}), SubmissionStatus.RETURNED,
                             CHECK_PERMISSION, needs_reason=True, done=N_("returned")),
    "accept": SubmissionStep(frozenset({SubmissionStatus.SUBMITTED}), SubmissionStatus.ACCEPTED,
                             CHECK_PERMISSION, done=N_("accepted")),
    "lock": SubmissionStep(frozenset({SubmissionStatus.ACCEPTED}), SubmissionStatus.LOCKED,
                           CHECK_PERMISSION, done=N_("locked")),
    # An exception (特批) for one unit: its figures open again for the reporter, even after
    # the deadline or once the period is in review.
    "reopen": SubmissionStep(_ANY, SubmissionStatus.DRAFT, CHECK_PERMISSION, needs_reason=True,
                             done=N_("reopened")),
}
MIN_REASON_CHARS = 4  # "不对" is not a reason a unit can act on; "数据有误" is
OPEN_FOR_REPORTER = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.RETURNED})
STATUS_LOCKS = {SubmissionStatus.SUBMITTED: LockReason.SUBMITTED,
                SubmissionStatus.ACCEPTED: LockReason.ACCEPTED,
                SubmissionStatus.LOCKED: LockReason.LOCKED}
RETURNED_OFTEN = 2  # returned twice: the board flags the set so the office calls the unit


class StepRefused(ValueError):
    """The action does not apply to the set as it stands; the message says why."""


def next_status(action: str, current: SubmissionStatus, permissions: frozenset[str] | set[str],
                reason: str = "") -> SubmissionStatus:
    """The status after ``action`` by an actor holding ``permissions``, or ``StepRefused``."""
    step = SUBMISSION_STEPS.get(action)
    if step is None:
        raise StepRefused(_("There is no such step."))
    if step.permission not in permissions:
        raise StepRefused(_("Your role may not do this."))
    if current not in step.sources:
        raise StepRefused(_("Figures that are %(status)s cannot be %(done)s.",
                            status=current.label.lower(), done=_(step.done)))
    if step.needs_reason and len((reason or "").strip()) < MIN_REASON_CHARS:
        raise StepRefused(_("Say why, in a few words: the unit sees the reason."))
    return step.target


def period_lock(period: PeriodStatus, exception: bool = False) -> LockReason | None:
    """Why the period keeps a reporter from entering figures: reporters enter while the period
    is collecting; once it is in review only a unit granted an exception still may; a
    period with results is approved."""
    if period == PeriodStatus.COLLECTING:
        return None
    if period == PeriodStatus.REVIEWING:
        return None if exception else LockReason.PERIOD_CLOSED
    if period == PeriodStatus.DRAFT:
        return LockReason.PERIOD_CLOSED
    if period == PeriodStatus.ANNOUNCED:
        return LockReason.ANNOUNCED
    return LockReason.APPROVED


def reporter_lock(period: PeriodStatus, status: SubmissionStatus,
                  exception: bool = False) -> LockReason | None:
    """Why the reporter cannot change the set's figures now (None: they can)."""
    return STATUS_LOCKS.get(status) or period_lock(period, exception)


def office_lock(status: SubmissionStatus | None) -> LockReason | None:
    """Why the office's own score entry leaves a unit's figure alone: it is with the office
    for checking, accepted or locked (the period's own state is checked separately)."""
    return STATUS_LOCKS.get(status) if status is not None else None


def report_overdue(status: SubmissionStatus, due_on: date | None, today: date) -> bool:
    """Not submitted (or returned and not resubmitted) after the deadline."""
    return due_on is not None and today > due_on and status in OPEN_FOR_REPORTER


def returned_often(returned_count: int) -> bool:
    return returned_count >= RETURNED_OFTEN


def missing_figures(required: list[str], values: dict[str, float | None]) -> list[str]:
    """The required indicators (codes) without a value: a set is submitted complete."""
    return [code for code in required if values.get(code) is None]


# --- evidence attachments (佐证材料) ------------------------------------------------------------

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# content type → (file name endings, the bytes such a file starts with)
EVIDENCE_TYPES: dict[str, tuple[tuple[str, ...], bytes]] = {
    "application/pdf": ((".pdf",), b"%PDF-"),
    "image/png": ((".png",), b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": ((".jpg", ".jpeg"), b"\xff\xd8\xff"),
}


class EvidenceRefused(ValueError):
    """The file is not accepted as evidence; the message names the file and why."""


def evidence_type(filename: str, data: bytes, max_bytes: int = MAX_EVIDENCE_BYTES) -> str:
    """The content type of an evidence file: a PDF, PNG or JPEG whose first bytes are what its
    name claims, no larger than ``max_bytes``; ``EvidenceRefused`` otherwise."""
    name = (filename or "").strip()
    lowered = name.lower()
    claimed = next((kind for kind, (endings, _magic) in EVIDENCE_TYPES.items()
                    if lowered.endswith(endings)), None)
    if claimed is None:
        raise EvidenceRefused(_("%(file)s: only PDF, PNG or JPEG files are accepted as evidence.",
                                file=name or "?"))
    if not data:
        raise EvidenceRefused(_("%(file)s is empty.", file=name))
    if len(data) > max_bytes:
        raise EvidenceRefused(_("%(file)s is %(size)s MB; evidence files may have at most "
                                "%(limit)s MB.", file=name, size=f"{len(data) / 2**20:.1f}",
                                limit=f"{max_bytes / 2**20:g}"))
    if not data.startswith(EVIDENCE_TYPES[claimed][1]):
        raise EvidenceRefused(_("%(file)s is not really a %(kind)s file (its content does not "
                                "match its name).", file=name,
                                kind=EVIDENCE_TYPES[claimed][0][0][1:].upper()))
    return claimed
