"""The ``portal`` command (contracts.md): exit 0 on success, 1 on a user error with a
one-line message saying what and where, 2 on a usage error; never a traceback for bad input."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from portal import accounts, audit, cache, db, provisioning, schema, transfer
from portal.access import Actor
from portal.config import Config
from portal.enums import Role
from portal.errors import PortalError
from portal.i18n import set_lang
from portal.plugins import domain_modules
from portal.tabular import ImportProblem, check_size, format_for, to_bytes


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
            fail(
                f"the database cannot be used ({reason}); check DATABASE_URL and run `portal init-db`"  # noqa: E501
            )
        except OSError as error:
            fail(f"{error.filename or ''}: {error.strerror or error}")

    return wrapper


def config() -> Config:
    current = Config.from_env()
    set_lang(current.default_lang)
    return current


def engine(url: str | None = None):
    """An engine on DATABASE_URL (or ``url``) whose writes invalidate the servers' caches."""
    current = config()
    made = db.make_engine(url or current.database_url)
    cache.attach(made, current.redis_url)
    return made


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


def _serve(current: Config, host: str, port: int, workers: int, threads: int) -> None:
    from portal import server

    if workers < 1 or threads < 1:
        raise click.UsageError("--workers and --threads must be at least 1")
    made = db.make_engine(current.database_url)
    problem = server.readiness_problem(made)
    made.dispose()  # no connection may cross the fork into the workers
    if problem:
        fail(problem)
    server.serve(current, host, port, workers=workers, threads=threads, echo=click.echo)


def server_options(command):
    """--host, --port, --workers and --threads, the same for `serve` and `demo`."""
    for option in reversed([
        click.option("--host", default="127.0.0.1", show_default=True),
        click.option("--port", default=8050, show_default=True, type=int),
        click.option("--workers", default=2, show_default=True, type=int,
                     help="Worker processes (gunicorn); about one or two per CPU core."),
        click.option("--threads", default=4, show_default=True, type=int,
                     help="Threads per worker, so a long request does not hold up the others."),
    ]):
        command = option(command)
    return command


@main.command()
@server_options
@user_errors
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve DATABASE_URL with a production WSGI server (gunicorn; waitress where it cannot run).

    Refuses to start, saying what to run, when the database is empty or not migrated."""
    _serve(config(), host, port, workers, threads)


@main.command("jobs")
@click.option("--threads", default=2, show_default=True, type=int,
              help="Jobs run at the same time by this process.")
@user_errors
def run_jobs(threads: int) -> None:
    """Run background jobs (reports, big imports and exports) in this process until stopped.

    The serving processes run them too; set PORTAL_JOB_THREADS=0 there to leave all of them
    to processes started with this command (on another host, say)."""
    from portal import jobs

    if threads < 1:
        raise click.UsageError("--threads must be at least 1")
    runner = jobs.Runner(db.session_factory(engine()), threads).start()
    click.echo(f"running background jobs with {threads} thread(s) (Ctrl+C stops)")
    try:
        while True:
            runner.stopped.wait(3600)
    except KeyboardInterrupt:
        click.echo("stopping after the running jobs")
        runner.stop()


@main.command()
@click.option("--scale", type=click.Choice(["small", "city", "large"]), default="small",
              show_default=True,
              help="small: ~300 units and 1,500 cadres; large: ~3,000 units and 50,000 cadres.")
@click.option("--db", "url", default=None,
              help="Database URL (default: DATABASE_URL when set, else instance/demo.sqlite).")
@server_options
@click.option("--no-serve", is_flag=True, help="Seed only, do not start the server.")
@click.option("--no-seed", is_flag=True,
              help="Serve the demo already in the database as it is (any scale, any day).")
@click.option("--reset", is_flag=True, help="Rebuild the demo data even if it is current.")
@user_errors
def demo(scale: str, url: str | None, host: str, port: int, workers: int, threads: int,
         no_serve: bool, no_seed: bool, reset: bool) -> None:
    """Seed a deterministic synthetic city, print the demo logins and serve it."""
    from portal import demo as demo_city
    from portal.config import instance_dir

    if no_seed and (no_serve or reset):
        raise click.UsageError("--no-seed serves the demo as it is: not with --no-serve or --reset")
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{instance_dir() / 'demo.sqlite'}"
    current = config().with_(database_url=url, demo=True)
    made = engine(current.database_url)
    if no_seed:
        summary = demo_city.ensure_seeded(made)
    else:
        summary = demo_city.ensure_demo(made, scale=scale, reset=reset, echo=click.echo)
        cache.bump(made)  # whatever a server cached of an earlier demo is stale now
    made.dispose()
    click.echo(summary)
    click.echo(demo_city.logins_text())
    if not no_serve:
        _serve(current, host, port, workers, threads)


@main.group()
def user() -> None:
    """Manage logins."""


ROLES = click.Choice([role.value for role in Role])


def _read_password(from_stdin: bool, prompt: str = "password") -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


@user.command("create")
@click.argument("username")
@click.option("--role", type=ROLES, required=True,
              help="admin (system) | security (accounts) | auditor (audit log) | reviewer | "
                   "inspector | cadre | reporter (--unit CODE or --department CODE)")
@click.option("--unit", "unit_code", help="Code of the unit whose subtree the user sees.")
@click.option("--cadre", "cadre_code", help="Code of the cadre a cadre login belongs to.")
@click.option("--department", "department_code",
              help="Code of the lead department (牵头部门) a reporter scores for.")
@click.option("--name", "display_name",
              help="Display name (default: the username or the cadre's name).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@user_errors
def user_create(username, role, unit_code, cadre_code, department_code, display_name,
                password_stdin) -> None:
    """Create a login with a role and a unit scope; its password is changed at the first login."""
    password = _read_password(password_stdin)
    with db.standalone(engine()) as session:
        created = accounts.create_user(session, Actor.system(session), username=username,
                                       password=password,
                                       role=Role(role), unit_code=unit_code, cadre_code=cadre_code,
                                       display_name=display_name,
                                       department_code=department_code)
        department = f", department {created.department_code}" if created.department_code else ""
        click.echo(f"created {created.username} ({role}, unit {created.unit.code}{department}); "
                   "the password must be changed at the first login")


def _account_command(name: str, action, done: str, help_text: str) -> None:
    @user.command(name, help=help_text)
    @click.argument("username")
    @user_errors
    def command(username: str) -> None:
        with db.standalone(engine()) as session:
            action(session, Actor.system(session), username)
        click.echo(f"{username}: {done}")


_account_command("disable", accounts.disable_user, "disabled (every session ended)",
                 "Disable a login and end its sessions.")
_account_command("enable", accounts.enable_user, "enabled", "Enable a disabled login.")
_account_command("unlock", accounts.unlock_user, "unlocked (failed attempts forgotten)",
                 "Forget a login's failed attempts from every source.")
_account_command("totp-reset", accounts.reset_second_factor,
                 "second factor removed; it is enrolled again at the next login",
                 "Remove a login's authenticator and recovery codes (a lost phone).")


@user.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input "
              "(default: a one-time password is generated and printed).")
@user_errors
def user_reset_password(username: str, password_stdin: bool) -> None:
    """Give a login a new password that must be changed at the next login."""
    given = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with db.standalone(engine()) as session:
        new = accounts.reset_password(session, Actor.system(session), username, given)
    click.echo(f"{username}: password reset; it must be changed at the next login")
    if given is None:
        click.echo(f"one-time password: {new}")


@user.command("set-role")
@click.argument("username")
@click.option("--role", type=ROLES, required=True)
@click.option("--unit", "unit_code", help="Code of the unit whose subtree the user sees.")
@click.option("--cadre", "cadre_code", help="Code of the cadre (for --role cadre).")
@click.option("--department", "department_code",
              help="Code of the lead department (for --role reporter).")
@user_errors
def user_set_role(username: str, role: str, unit_code: str | None, cadre_code: str | None,
                  department_code: str | None) -> None:
    """Change a login's role (and scope); its sessions end."""
    with db.standalone(engine()) as session:
        changed = accounts.set_role(session, Actor.system(session), username, Role(role), unit_code,
                                    cadre_code, department_code)
        click.echo(f"{username}: now {role} over unit {changed.unit.code}")


@main.command("import")
@click.argument("kind")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", help="Assessment period code, e.g. 2026Q1 (scores).")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="users: where the one-time passwords go (default: FILE-passwords.csv).")
@click.option("--unit", "unit_code", help="lrmx: the unit a cadre not yet in the registry joins.")
@user_errors
def import_file(kind: str, file: Path, period: str | None, dry_run: bool, out: Path | None,
                unit_code: str | None) -> None:
    """Import a CSV or XLSX file of KIND: units users indicators scores cadres training measures
    grades
    cases records; or appointment forms (KIND lrmx: one .lrmx or a .zip of them)."""
    check_size(file.stat().st_size, str(file))
    data = file.read_bytes()
    options = {"unit": unit_code} if unit_code else {}
    with db.standalone(engine()) as session:
        result = transfer.run_import(session, Actor.system(session), kind, data, str(file),
                                     dry_run=dry_run, period=period, **options)
        issued = getattr(result, "issued", None)
        if issued and not dry_run:  # written before the commit: no login without its password sheet
            out = out or file.with_name(f"{file.stem}-passwords.csv")
            _write_private(out,
                           to_bytes(provisioning.password_sheet(issued), format_for(out), "both"))
    click.echo(result.summary())
    for note in result.notes:
        click.echo(f"  {note}")
    if issued and not dry_run:
        click.echo(f"one-time passwords of {len(issued)} new login(s) written to {out}; "
                   "hand them out and delete the file")


def _write_private(path: Path, content: bytes) -> None:
    """A file only its owner can read (one-time passwords)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


@main.command("export")
@click.argument("kind")
@click.argument("target")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", help="Assessment period code, e.g. 2026Q1.")
@click.option("--unit", "unit_code",
              help="lrmx: a zip of the forms of this unit and the units below it.")
@user_errors
def export_file(kind: str, target: str, file: Path | None, period: str | None,
                unit_code: str | None) -> None:
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
    """Back up the database to FILE (.sqlite: SQLite online backup; .json or .json.gz: portable
    dump)."""
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
@click.option("--head", "head_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Also check the chain holds the head recorded with a backup "
                   "(FILE.audit-head.json).")
@user_errors
def audit_verify(head_file: Path | None) -> None:
    """Check the keyed audit chain; exit 1 if any event was edited, inserted or deleted."""
    with db.standalone(engine()) as session:
        result = audit.verify(session)
        if head_file is not None:
            try:
                recorded = json.loads(head_file.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                recorded = {}
            result.problems.extend(audit.verify_against(session,
                                                        recorded if isinstance(recorded,
                                                                               dict) else {}))
    if result.ok:
        against = f", holds the backup head of {head_file}" if head_file else ""
        click.echo(f"audit chain intact: {result.checked} events{against}")
        return
    click.echo(f"error: audit chain broken in {len(result.problems)} place(s)", err=True)
    for problem in result.problems[:50]:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@audit_group.command("archive")
@click.option("--before", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Archive the events written before this day (at least 6 months ago).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def audit_archive(before, file: Path) -> None:
    """Move audit events older than the retention period to FILE (.jsonl.gz), keeping the chain."""
    if file.exists():
        fail(f"{file}: exists already; choose a new file")
    with db.standalone(engine()) as session:
        moved = audit.archive(session, Actor.system(session), before.date(), file)
    click.echo(f"archived {moved} events to {file}" if moved else "no events to archive")


for _module in domain_modules("cli"):
    for _command in getattr(_module, "COMMANDS", []):
        main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
