"""The assessment package's background jobs (``portal.jobs``): a score file import, run in
the background with its progress shown on the scores page (``/assessment/scores``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal import transfer
from portal.access import Actor
from portal.i18n import _
from portal.jobs import Kind, Outcome


def import_scores(session: Session, actor: Actor, params: dict, upload: bytes | None,
                  progress: transfer.Progress) -> Outcome:
    """The uploaded score file through the scores importer: every row saved, or none."""
    dry_run = bool(params.get("dry_run"))
    result = transfer.run_import(session, actor, "scores", upload or b"",
                                 str(params.get("filename") or "upload"), dry_run=dry_run,
                                 period=params.get("period"), progress=progress)
    extra = [_("Untick “Dry run” and upload again to save.")] if dry_run else []
    return Outcome(message=result.summary(), notes=[*result.notes, *extra],
                   tone="info" if dry_run else "success")


JOBS = {"scores_import": Kind("assessment.edit", import_scores)}
