"""``portal survey codes --period P --unit CODE --group G --count N FILE.csv`` (contracts.md):
one-time anonymous survey codes for one unit and respondent group, written to a CSV with
each code's address (``PORTAL_PUBLIC_URL``/survey/<code>) for a mail merge or slips."""

from __future__ import annotations

from pathlib import Path

import click

from assessment import surveys
from assessment.enums import RespondentGroup
from portal import db
from portal.access import Actor
from portal.cli import _write_private, config, engine, user_errors
from portal.tabular import to_bytes


@click.group("survey")
def survey() -> None:
    """Satisfaction surveys (群众满意度) and democratic evaluation (民主测评)."""


@survey.command("codes")
@click.option("--period", required=True, help="Assessment period, e.g. 2026Q3.")
@click.option("--unit", "unit_code", required=True, help="The unit's code.")
@click.option("--group", required=True,
              type=click.Choice([g.value for g in RespondentGroup]),
              help="Respondent group.")
@click.option("--count", required=True, type=click.IntRange(1, surveys.MAX_CODES),
              help="How many codes.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def codes(period: str, unit_code: str, group: str, count: int, file: Path) -> None:
    """Issue COUNT one-time codes and write them to FILE.csv (the only place they are kept
    readable: the database holds their hashes)."""
    if file.suffix.lower() != ".csv":
        raise click.UsageError("FILE must end in .csv")
    base = config().public_url or "http://127.0.0.1:8050"
    with db.standalone(engine()) as session:
        slips = surveys.issue_slips(session, Actor.system(session), period, unit_code, group,
                                    count, base)
        _write_private(file, to_bytes(surveys.slips_table(slips), "csv"))
    click.echo(f"{count} codes for {slips[0].unit_code} ({group}, {slips[0].period}) "
               f"written to {file}")


COMMANDS = [survey]
