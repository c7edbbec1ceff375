"""``portal eligibility CADRE_CODE [--as-of YYYY-MM-DD] [--decision TYPE] [--json]``
(contracts.md)."""

from __future__ import annotations

import json
from datetime import date

import click

from cadres import evidence
from cadres.enums import DecisionType
from portal import db
from portal.access import Actor
from portal.cli import engine, user_errors


def _date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD") from None


@click.command("eligibility")
@click.argument("cadre_code")
@click.option("--as-of", callback=_date, help="The day to judge (YYYY-MM-DD, default today).")
@click.option("--decision", type=click.Choice([t.value for t in DecisionType if t.positive]),
              default="promotion", show_default=True, help="The decision considered.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (contracts.md).")
@user_errors
def eligibility(cadre_code: str, as_of: date | None, decision: str, as_json: bool) -> None:
    """Whether the cadre may be promoted (or rank-promoted, commended): blocks and notes, each
    with its reason, its source record and the date it lifts."""
    with db.standalone(engine()) as session:
        result = evidence.eligibility(session, Actor.system(session), cadre_code, as_of,
                                      DecisionType(decision))
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    verdict = "eligible" if result.eligible else "NOT eligible"
    click.echo(f"{result.cadre} {result.decision.value} on {result.as_of.isoformat()}: {verdict}")
    for block in result.blocks:
        until = block.until.isoformat() if block.until else "until someone acts"
        click.echo(
            f"  block  {block.rule:<20} {block.reason}  (lifts {until}; {block.source or '-'})"
        )
    for note in result.notes:
        click.echo(f"  note   {note.rule:<20} {note.reason}")


COMMANDS = [eligibility]
