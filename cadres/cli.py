"""``portal eligibility CADRE_CODE [--as-of YYYY-MM-DD] [--decision TYPE] [--json]`` and
``portal roster …`` (condition search → roster, 花名册) (contracts.md)."""

from __future__ import annotations

import json
from datetime import date

import click

from cadres import evidence, roster
from cadres.enums import DecisionType
from portal import db
from portal.access import Actor
from portal.cli import engine, user_errors
from portal.i18n import use_lang


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


@click.command("roster")
@click.option("--unit", help="A unit code: the unit and the units below it.")
@click.option("--rank", "ranks", multiple=True,
              help="A rank (code or name; repeat for several); add + for “and above”, "
                   "e.g. 二级主任科员+.")
@click.option("--min-age", type=click.IntRange(0, 100), help="At least this age on the as-of date.")
@click.option("--max-age", type=click.IntRange(0, 100), help="At most this age on the as-of date.")
@click.option("--gender", help="male/female (男/女).")
@click.option("--education",
              help="This education level or higher (研究生, 大学, 大专 … or a code).")
@click.option("--min-rank-years", type=click.FloatRange(0, 60), help="Years in the rank, at least.")
@click.option("--min-post-years", type=click.FloatRange(0, 60), help="Years in the post, at least.")
@click.option("--eligible-for", type=click.Choice(["promotion", "rank_promotion", "commendation"]),
              help="Keep only cadres without a block for this decision.")
@click.option("--as-of", callback=_date, help="The day ages, years and eligibility are computed "
                                              "at (YYYY-MM-DD, default today).")
@click.option("--json", "as_json", is_flag=True, help="Print the roster as JSON (contracts.md).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the roster to FILE.xlsx.")
@user_errors
def roster_command(unit, ranks, min_age, max_age, gender, education, min_rank_years,
                   min_post_years, eligible_for, as_of, as_json, out) -> None:
    """Condition search → roster (条件检索 → 花名册): serving cadres meeting every condition,
    each with the blocks of the eligibility engine (for promotion unless --eligible-for names
    another decision)."""
    if as_json and out:
        raise click.UsageError("give either --json or --out, not both")
    if out and not out.lower().endswith(".xlsx"):
        raise click.UsageError(f"--out {out}: the roster is written as .xlsx")
    values = {"unit": unit, "ranks": list(ranks), "min_age": min_age, "max_age": max_age,
              "gender": gender, "education": education, "min_rank_years": min_rank_years,
              "min_post_years": min_post_years, "eligible_for": eligible_for, "as_of": as_of}
    with use_lang("zh"), db.standalone(engine()) as session:
        actor = Actor.system(session)
        conditions = roster.read_conditions(values)
        if out:
            content = roster.export_roster(session, actor, conditions, cap=None)
            with open(out, "wb") as handle:
                handle.write(content)
            click.echo(f"wrote the roster to {out}")
            return
        found = roster.search(session, actor, conditions, cap=None)
    if as_json:
        click.echo(json.dumps(found.as_json(), ensure_ascii=False))
        return
    click.echo(f"{found.count} cadre(s) on {found.as_of.isoformat()} "
               f"(blocks for {found.decision.value})")
    for row in found.rows:
        verdict = "eligible" if row.eligible else f"{len(row.blocks)} block(s)"
        click.echo(f"  {row.code:<8} {row.name:<6} {row.unit_code:<10} "
                   f"{row.rank.label if row.rank else '-':<10} {row.age or '-':>3}  {verdict}")
        for block in row.blocks:
            click.echo(f"           block {block.rule}: {block.reason}")


COMMANDS = [eligibility, roster_command]
