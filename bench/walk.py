"""Every page of each role's menu, through a running server, and what its workers then hold.

    python -m bench.walk --base http://127.0.0.1:8050 --db URL [--roles reviewer,inspector,cadre]
                         [--visits 2] [--pages /training,…]

The same walk as ``bench.callbacks`` (the renderer's payloads, callbacks fired as the page
would fire them), but over HTTP against ``portal serve`` (``--db`` is the database it serves,
read here only for each role's menu). Afterwards it prints, for the gunicorn master listening
on ``--base``'s port and each of its workers, the resident memory now (VmRSS) and at its peak
(VmHWM) from ``/proc``, and how much of it the worker shares with the others (the app loaded
before the fork): issue 11 wants each worker under 300 MB at the large scale. Times are wall
clock only (the server's CPU is not visible from here). Loopback only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench.callbacks import ROLES, Browser, report
from bench.load import LOOPBACK, login


class _Answer:
    """A ``requests`` response with the two methods of Flask's test response the walk uses."""

    def __init__(self, response: requests.Response):
        self.status_code = response.status_code
        self._response = response

    def get_json(self):
        return self._response.json()

    def get_data(self, as_text: bool = False):
        return self._response.text if as_text else self._response.content


class HttpClient:
    """Flask's test client, as far as ``bench.callbacks.Browser`` uses it, over HTTP."""

    def __init__(self, base: str, http: requests.Session):
        self.base, self.http = base, http

    def get(self, path: str) -> _Answer:
        return _Answer(self.http.get(self.base + path, timeout=300))

    def post(self, path: str, json=None, headers=None) -> _Answer:
        return _Answer(self.http.post(self.base + path, json=json, headers=headers, timeout=300))


def role_pages(db_url: str, username: str) -> list[str]:
    """The paths of the role's menu, as the server builds it (the app is built here once)."""
    os.environ["DATABASE_URL"] = db_url
    from bench import callbacks
    from portal.app import create_app
    from portal.config import Config

    if not hasattr(role_pages, "app"):
        role_pages.app = create_app(Config.from_env(testing=True))
    return callbacks.role_pages(role_pages.app, username)


def _status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, RssAnon, RssFile, RssShmem of a process, in kB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
            found[name] = int(value.split()[0])
    return found


def _private_kb(pid: int) -> int:
    """What only this process holds (Private_Clean + Private_Dirty): its cost beside the others."""
    total = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            total += int(line.split()[1])
    return total


def server_processes(port: int) -> list[tuple[int, str]]:
    """(pid, "master"/"worker") of the gunicorn serving ``port``: the process holding the
    listening socket and its children."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    listening = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            listening.add(int(pid))
    parents = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            parents[int(pid)] = int(stat.rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    masters = [pid for pid in listening if parents.get(pid) not in listening]
    return [(pid, "master") for pid in masters] + sorted(
        (pid, "worker") for pid, parent in parents.items() if parent in masters)


def memory_report(port: int) -> None:
    print(f"\nserver processes on port {port} (MB): VmRSS now, VmHWM peak, private (only this "
          "process), shared with the others")
    for pid, kind in server_processes(port):
        status = _status(pid)
        private = _private_kb(pid)
        print(f"  {kind:<7}{pid:>8}  rss {status['VmRSS'] / 1024:7.0f}  peak {status['VmHWM'] / 1024:7.0f}"  # noqa: E501
              f"  private {private / 1024:7.0f}  shared {(status['VmRSS'] - private) / 1024:7.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--db", required=True, help="the database the server serves")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--pages", default="", help="only these paths (comma-separated)")
    parser.add_argument("--visits", type=int, default=2)
    parser.add_argument("--slow", type=float, default=500.0)
    options = parser.parse_args(argv)
    base = options.base.rstrip("/")
    if urlsplit(base).hostname not in LOOPBACK:
        parser.error("--base must be on this machine (127.0.0.1 or localhost)")
    rows: dict[tuple[str, str, str], list[tuple[float, float, str]]] = defaultdict(list)
    errors = []
    only = [p for p in options.pages.split(",") if p]
    for role in [r for r in options.roles.split(",") if r]:
        http = login(base, role)
        client = HttpClient(base, http)
        browser = Browser(client, client.get("/_dash-dependencies").get_json())
        browser.headers = {"X-CSRFToken": http.cookies.get("_csrf_token", "")}
        for page in [p for p in role_pages(options.db, role) if not only or p in only]:
            for _visit in range(options.visits):
                browser.timings = []
                browser.open(page)
                for label, elapsed, _cpu, status, _served in browser.timings:
                    rows[(role, page, label)].append((elapsed, 0.0, ""))
                    if status >= 400:
                        errors.append((role, page, label, status))
    report(rows, options.visits, options.slow)
    memory_report(urlsplit(base).port or 80)
    for role, page, label, status in sorted(set(errors)):
        print(f"HTTP {status}: {role} {page} {label}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
