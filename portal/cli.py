"""The ``portal`` command (contracts.md): exit 0 on success, 1 on a user error with a
one-line message saying what and where, 2 on a usage error; never a traceback for bad input."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from portal import audit, db, schema, transfer
from portal.access import Actor
from portal.config import Config
from portal.errors import PortalError
from portal.i18n import set_lang
from portal.plugins import domain_modules
from portal.tabular import ImportProblem, format_for


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def user_errors(command):
    """Turn expected failures into one clear line and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ImportProblem as problem:
            click.echo(f"error: {problem.message}", err=True)
            for line in problem.lines():
                click.echo(f"  {line}", err=True)
            sys.exit(1)
        except PortalError as error:
            fail(error.message)
        except (OperationalError, ProgrammingError) as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            fail(f"the database cannot be used ({reason}); check DATABASE_URL and run `portal init-db`")
        except OSError as error:
            fail(f"{error.filename or ''}: {error.strerror or error}")

    return wrapper


def config() -> Config:
    current = Config.from_env()
    set_lang(current.default_lang)
    return current


def engine(url: str | None = None):
    return db.make_engine(url or config().database_url)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Party building leads grassroots governance (市域党建引领基层社会治理): the portal's commands.

    Every command works against DATABASE_URL (default: the embedded SQLite file in instance/).
    """


@main.command("init-db")
@user_errors
def init_db() -> None:
    """Create the schema, or migrate it to the newest revision (Alembic)."""
    schema.upgrade(engine())
    click.echo("database is up to date")


def _serve(app, host: str, port: int) -> None:
    click.echo(f"serving on http://{host}:{port}/  (Ctrl+C stops)")
    app.run(host=host, port=port, debug=False, threaded=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@user_errors
def serve(host: str, port: int) -> None:
    """Serve the configured database (for production use gunicorn 'portal.app:create_server()')."""
    from portal.app import create_app

    _serve(create_app(config()), host, port)


@main.command()
@click.option("--scale", type=click.Choice(["small", "city", "large"]), default="small", show_default=True,
              help="small: ~300 units and 1,500 cadres; large: ~3,000 units and 50,000 cadres.")
@click.option("--db", "url", default=None, help="Database URL (default: instance/demo.sqlite).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Seed only, do not start the server.")
@click.option("--reset", is_flag=True, help="Rebuild the demo data even if it is current.")
@user_errors
def demo(scale: str, url: str | None, host: str, port: int, no_serve: bool, reset: bool) -> None:
    """Seed a deterministic synthetic city, print the demo logins and serve it."""
    from portal import demo as demo_city
    from portal.app import create_app
    from portal.config import instance_dir

    url = url or f"sqlite:///{instance_dir() / 'demo.sqlite'}"
    current = config().with_(database_url=url)
    summary = demo_city.ensure_demo(db.make_engine(current.database_url), scale=scale, reset=reset,
                                    echo=click.echo)
    click.echo(summary)
    click.echo(demo_city.logins_text())
    if not no_serve:
        _serve(create_app(current), host, port)


@main.group()
def user() -> None:
    """Manage logins."""


@user.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "reviewer", "inspector", "cadre"]), required=True)
@click.option("--unit", "unit_code", help="Code of the unit whose subtree the user sees.")
@click.option("--cadre", "cadre_code", help="Code of the cadre a cadre login belongs to.")
@click.option("--name", "display_name", help="Display name (default: the username or the cadre's name).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@user_errors
def user_create(username, role, unit_code, cadre_code, display_name, password_stdin) -> None:
    """Create a login with a role and a unit scope."""
    from portal.accounts import create_user
    from portal.enums import Role

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    with db.standalone(engine()) as session:
        created = create_user(session, Actor.system(session), username=username, password=password,
                              role=Role(role), unit_code=unit_code, cadre_code=cadre_code,
                              display_name=display_name)
        click.echo(f"created {created.username} ({role}, unit {created.unit.code})")


@main.command("import")
@click.argument("kind")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", help="Assessment period code, e.g. 2026Q1 (scores).")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--unit", "unit_code", help="lrmx: the unit a cadre not yet in the registry joins.")
@user_errors
def import_file(kind: str, file: Path, period: str | None, dry_run: bool, unit_code: str | None) -> None:
    """Import a CSV or XLSX file of KIND: units indicators scores cadres training measures grades cases
    records; or appointment forms (KIND lrmx: one .lrmx or a .zip of them)."""
    data = file.read_bytes()
    options = {"unit": unit_code} if unit_code else {}
    with db.standalone(engine()) as session:
        result = transfer.run_import(session, Actor.system(session), kind, data, str(file),
                                     dry_run=dry_run, period=period, **options)
    click.echo(result.summary())
    for note in result.notes:
        click.echo(f"  {note}")


@main.command("export")
@click.argument("kind")
@click.argument("target")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", help="Assessment period code, e.g. 2026Q1.")
@click.option("--unit", "unit_code", help="lrmx: a zip of the forms of this unit and the units below it.")
@user_errors
def export_file(kind: str, target: str, file: Path | None, period: str | None, unit_code: str | None) -> None:
    """Export KIND to FILE (.csv or .xlsx, by its suffix); `export lrmx CADRE_CODE FILE.lrmx` writes
    one appointment form, `export lrmx --unit CODE FILE.zip` the unit's forms."""
    documents = transfer.document_exporters()
    if kind in documents:
        if (unit_code and file is not None) or (not unit_code and file is None):
            raise click.UsageError("give CADRE_CODE FILE, or --unit CODE FILE")
        path = Path(target) if unit_code else file
        with db.standalone(engine()) as session:
            content = documents[kind](session, Actor.system(session), unit=unit_code,
                                      key=None if unit_code else target)
        path.write_bytes(content)
        click.echo(f"wrote {path}")
        return
    if file is not None:
        raise click.UsageError(f"export {kind} takes one FILE")
    file = Path(target)
    fmt = format_for(file)
    with db.standalone(engine()) as session:
        content = transfer.run_export(session, Actor.system(session), kind, fmt, period=period)
    file.write_bytes(content)
    click.echo(f"wrote {file}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def backup(file: Path) -> None:
    """Back up the database to FILE (.sqlite: SQLite online backup; .json or .json.gz: portable dump)."""
    from portal import backup as backups

    click.echo(backups.backup(engine(), file))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the contents of a database that is not empty.")
@user_errors
def restore(file: Path, force: bool) -> None:
    """Restore FILE (made by `portal backup`) into the configured database."""
    from portal import backup as backups

    click.echo(backups.restore(engine(), file, force=force))


@main.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
@user_errors
def audit_verify() -> None:
    """Check the audit hash chain; exit 1 if any event was edited, inserted or deleted."""
    with db.standalone(engine()) as session:
        result = audit.verify(session)
    if result.ok:
        click.echo(f"audit chain intact: {result.checked} events")
        return
    click.echo(f"error: audit chain broken in {len(result.problems)} place(s)", err=True)
    for problem in result.problems[:50]:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


for _module in domain_modules("cli"):
    for _command in getattr(_module, "COMMANDS", []):
        main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
