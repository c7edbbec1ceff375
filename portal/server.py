"""Serving the portal: a production WSGI server with several workers, after checking the
database is ready (``portal serve`` and ``portal demo``).

gunicorn where it exists (Linux, macOS): the app is built once in the master and forked
into ``workers`` processes of ``threads`` threads each, so a long request (an annual
report, an import) holds one thread, not a whole worker. Where gunicorn cannot run
(Windows) waitress, a pure-Python server, serves ``workers × threads`` threads in one
process. Several workers (and hosts) share what must be shared through the database
(logins, lockouts, audit) and Redis (rate limits, the dashboard cache); see README.md.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os

from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from portal.config import Config


def readiness_problem(engine: Engine) -> str | None:
    """One line saying what to run when the database cannot be served yet, else None."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from portal import schema
    from portal.models import User

    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if "alembic_version" not in tables or "app_user" not in tables:
                return f"the database {where} has no portal schema yet; run `portal init-db` first"
            current = set(MigrationContext.configure(connection).get_current_heads())
            wanted = set(ScriptDirectory.from_config(schema.alembic_config()).get_heads())
            if current != wanted:
                return f"the database {where} is not migrated to this version; run `portal init-db` first"  # noqa: E501
            if connection.scalar(select(User.id).limit(1)) is None:
                return (
                    f"the database {where} has no users yet; import the units (`portal import units FILE`) "  # noqa: E501
                    "and create the first administrator (`portal user create NAME --role "
                    "admin`)"
                )
    except (OperationalError, ProgrammingError) as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        return f"the database {where} cannot be used ({reason}); check DATABASE_URL and run `portal init-db`"  # noqa: E501
    return None


def settle_heap() -> None:
    """Once the app is loaded: move everything loaded so far (Dash, Plotly, pandas, the page
    registry: a quarter of a million objects) out of the cyclic garbage collector's sight
    (``gc.freeze``), and let it run less often. Its full collections walked that whole heap
    while a dashboard built tens of thousands of objects (the case desk: 705 -> ~360 ms of
    CPU at the large scale). Before gunicorn forks, this also keeps the pages the workers
    share from being copied."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def bound_malloc_arenas(arenas: int = 2) -> None:
    """glibc's malloc gives each thread that allocates an arena of its own (up to eight per
    core) and each arena keeps what its thread once needed: a worker's threads, each having
    built a large dashboard (frames, JSON answers), held those peaks side by side. Two arenas
    for the whole process (``mallopt(M_ARENA_MAX)``, as ``MALLOC_ARENA_MAX=2`` would) before
    the workers start their threads. Nothing happens where the C library is not glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # -8: M_ARENA_MAX


def _gunicorn_application(config: Config, options: dict):
    from gunicorn.app.base import BaseApplication

    class PortalServer(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from portal.app import create_app

            server = create_app(config).server
            settle_heap()
            return server

    return PortalServer()


def _post_worker_init(worker) -> None:
    """Each worker opens its own database connections (none cross a fork)."""
    engine = getattr(worker.wsgi, "extensions", {}).get("portal.engine")
    if engine is not None:
        engine.dispose(close=False)


def serve(config: Config, host: str, port: int, workers: int = 2, threads: int = 4,
          echo=print) -> None:
    """Serve until stopped: gunicorn with ``workers`` processes, else waitress."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    bound_malloc_arenas()
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        gunicorn = None
    if gunicorn is not None and os.name == "posix":
        echo(
            f"serving on http://{bind}/ with gunicorn, {workers} worker(s) × {threads} threads (Ctrl+C stops)"  # noqa: E501
        )
        _gunicorn_application(config, {
            "bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
            "preload_app": True, "post_worker_init": _post_worker_init, "timeout": 300,
                                       "graceful_timeout": 20,
            # Longer than a load balancer's idle timeout (60 s is usual), so the balancer
            # never sends a request on a connection the worker is just closing.
            "keepalive": 75, "accesslog": None, "errorlog": "-", "loglevel": "warning",
            "proc_name": "portal",
            **({"worker_tmp_dir": "/dev/shm"} if os.path.isdir("/dev/shm") else {}),
        }).run()
        return
    try:
        import waitress
    except ImportError as missing:
        raise SystemExit("error: neither gunicorn nor waitress is installed; `pip install "
                         "waitress`") from missing
    from portal.app import create_app

    echo(f"serving on http://{bind}/ with waitress, {workers * threads} threads (Ctrl+C stops)")
    server = create_app(config).server
    settle_heap()
    waitress.serve(server, host=host, port=port, threads=workers * threads)
