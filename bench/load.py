"""Many users at once: reviewers, inspectors and cadres mixing dashboards, edits, a study
claim and an import, against a running portal on this machine.

    python -m bench.load --db URL (--serve [--no-seed] [--workers 4] [--port P]
                                   | --base http://127.0.0.1:P)
                         [--users 50] [--seconds 300] [--max-requests 20000]

``--serve`` seeds the demo city into ``--db`` (``portal demo``) and serves it with
``--workers`` gunicorn workers (REDIS_URL from the environment is passed on), then stops
it; with ``--no-seed`` it serves the demo already in ``--db`` as it is (``portal demo
--no-seed``: a city seeded before, e.g. the large one by ``portal demo --scale large
--no-serve``). Without ``--serve`` a server must already run at ``--base`` on ``--db``.
Loopback only (the script refuses any other host); bounded by ``--seconds`` and
``--max-requests``. Every request goes through the real endpoints (``/login``,
``/_dash-update-component`` with the CSRF header) with the payloads the pages send; the
callbacks are found by their outputs in ``/_dash-dependencies``.

Users log in once per demo login (the login form's rate limit is per address) and each
simulated user keeps its own copy of the session. Each user repeats: pick an action by
weight for its role, send it, think 0.3–1.5 s. An error is any answer other than 200, or
a callback answer that is not Dash's JSON. Prints a table per action (count, errors, p50,
p95, max in ms) and exits 1 if there was any error.
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import requests

PASSWORD = "Portal#2026"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# (share of the users, demo login); 50 users: 15 + 5 reviewers, 15 inspectors, 15 cadres.
ROLES = [(0.30, "reviewer"), (0.10, "reviewer-d1"), (0.30, "inspector"), (0.30, "cadre")]


@dataclass
class Facts:
    """What the payloads need from the seeded city."""

    period: str
    year: int
    units: dict[str, int]  # login -> its scope's root unit id
    cadre_code: str  # a cadre in every reviewer's scope (for the grade edit and the import)


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, action: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.times[action].append(seconds * 1000)
            if error:
                self.errors[action].append(error)

    @property
    def count(self) -> int:
        return sum(len(t) for t in self.times.values())


def facts_from(db_url: str) -> Facts:
    from sqlalchemy import select

    from assessment import service as assessment
    from portal import db
    from portal.models import Cadre, Unit, User

    engine = db.make_engine(db_url)
    with db.standalone(engine) as session:
        period = assessment.latest_published_period(session)
        units = dict(session.execute(select(User.username, User.unit_id)).all())
        d1 = session.get(Unit, units["reviewer-d1"])
        code = session.scalar(select(Cadre.code).join(Unit, Cadre.unit_id == Unit.id)
                              .where(Unit.path.startswith(d1.path)).order_by(Cadre.code).limit(1))
    engine.dispose()
    return Facts(period=period.code, year=date.today().year, units=units, cadre_code=code)


class Callbacks:
    """Request bodies for the app's callbacks, looked up by their first output."""

    def __init__(self, dependencies: list[dict]):
        self.by_output = {}
        for spec in dependencies:
            key = spec["output"]
            first = key[2:].split("...")[0] if key.startswith("..") else key
            self.by_output.setdefault(first.rsplit(".", 1)[0].split("@")[0], spec)

    @staticmethod
    def _concrete(ident: str, match: dict | None):
        if not ident.startswith("{"):
            return ident
        pattern = json.loads(ident)
        return {k: (match[k] if isinstance(v, list) else v) for k, v in pattern.items()}

    def body(self, first_output: str, values: dict, match: dict | None = None) -> dict:
        spec = self.by_output[first_output]
        key = spec["output"]
        parts = key[2:-2].split("...") if key.startswith("..") else [key]
        outputs = []
        for part in parts:
            ident, prop = part.rsplit(".", 1)
            outputs.append({"id": self._concrete(ident.split("@")[0], match),
                            "property": prop.split("@")[0]})

        def items(specs):
            return [
                {
                    "id": self._concrete(s["id"], match),
                    "property": s["property"],
                    "value": values.get(
                        f"{s['id'] if not s['id'].startswith('{') else json.loads(s['id'])['type']}"
                        f".{s['property']}"
                    ),
                }
                for s in specs
            ]

        inputs = items(spec["inputs"])
        first = inputs[0]
        changed = (json.dumps(first["id"], sort_keys=True, separators=(",", ":"))
                   if isinstance(first["id"], dict) else first["id"]) + "." + first["property"]
        return {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0],
                "inputs": inputs,
                "state": items(spec.get("state", [])), "changedPropIds": [changed]}


def login(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    token = TOKEN.search(browser.get(f"{base}/login", timeout=60).text).group(1)
    answer = browser.post(f"{base}/login",
                          data={"username": username, "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False, timeout=60)
    if answer.status_code != 302:
        raise SystemExit(f"error: {username} could not log in at {base} ({answer.status_code})")
    browser.get(base + answer.headers["Location"], timeout=60)  # sets the CSRF cookie
    return browser


def clone(browser: requests.Session) -> requests.Session:
    copy = requests.Session()
    copy.cookies.update(browser.cookies)
    return copy


def actions_for(role: str, facts: Facts, calls: Callbacks,
                login_name: str) -> list[tuple[float, str, dict]]:
    """(weight, action name, request) for a role: mostly dashboards, some edits."""
    unit = facts.units[login_name]
    if role == "reviewer":
        grades_csv = (
            f"cadre_code,year,grade\n{facts.cadre_code},{facts.year - 1},competent\n".encode()
        )
        upload = "data:text/csv;base64," + base64.b64encode(grades_csv).decode()
        return [
            (30, "assessment overview",
             calls.body("as-ov-crumbs", {"as-ov-period.value": facts.period,
                                                                   "as-ov-focus.data": unit})),
            (25, "training overview", calls.body("ca-ov-kpis", {"ca-ov-year.value": facts.year,
                                                               "ca-ov-unit.data": None})),
            (15, "grades", calls.body("ca-gr-chart", {"ca-gr-view-year.value": facts.year - 1})),
            (5, "annual report", calls.body("ca-ar-report", {"ca-ar-unit.value": unit,
                                                            "ca-ar-year.value": facts.year - 1})),
            (4, "edit: a grade", calls.body("ca-gr-result", {
                "ca-gr-save.n_clicks": 1, "ca-gr-code.value": facts.cadre_code,
                "ca-gr-year.value": facts.year - 1, "ca-gr-grade.value": "competent"})),
            (1, "import: grades", calls.body('{"kind":["MATCH"],"type":"import-result"}', {
                "import-upload.contents": upload, "import-upload.filename": "grades.csv",
                "import-dry-run.value": False, "import-period.data": None,
                "import-upload.id": {"type": "import-upload", "kind": "grades"}},
                                             match={"kind": "grades"})),
        ]
    if role == "inspector":
        return [(40, "accountability overview",
                 calls.body("ac-dash-content", {"ac-dash-period.value": period}))
                for period in ("12m", "3y", str(facts.year))]
    return [
        (80, "my training", calls.body("ca-my-content", {"ca-my-year.value": facts.year})),
        (
            3,
            "claim: a study claim",
            lambda: calls.body(
                "ca-my-claim-result",
                {  # a new title each time
                    "ca-my-claim-submit.n_clicks": 1,
                    "ca-my-claim-title.value": f"专题学习（压测 {next(CLAIMS)}）",
                    "ca-my-claim-category.value": "theory",
                    "ca-my-claim-hours.value": 2,
                    "ca-my-claim-mode.value": "online",
                    "ca-my-claim-date.value": date.today().isoformat(),
                    "ca-my-claim-provider.value": "",
                    "ca-my-claim-evidence.value": "bench",
                },
            ),
        ),
    ]


WRITES = ("edit", "claim", "import")
CLAIMS = itertools.count(int(time.time()))


def problem_of(name: str, answer: requests.Response) -> str | None:
    """Why an answer is wrong: not 200, not a callback answer, or a write not confirmed."""
    if answer.status_code != 200:
        return f"HTTP {answer.status_code}: {answer.text[:160]}"
    try:
        answer.json()["response"]
    except (ValueError, KeyError, TypeError):
        return f"not a callback answer: {answer.text[:160]}"
    if name.startswith(WRITES) and '"color": "success"' not in answer.text.replace(
        '"color":"success"', '"color": "success"'
    ):
        return f"the write was not confirmed: {answer.text[:200]}"
    return None


def send(base: str, browser: requests.Session, token: str, name: str, body: dict,
         results: Results) -> None:
    body = body() if callable(body) else body
    started = time.perf_counter()
    try:
        answer = browser.post(f"{base}/_dash-update-component", json=body, timeout=60,
                              headers={"X-CSRFToken": token})
        error = problem_of(name, answer)
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"
    results.add(name, time.perf_counter() - started, error)


def user_loop(base: str, browser: requests.Session, actions, first, results: Results,
              stop: threading.Event,
              max_requests: int, seed: int) -> None:
    """One user: ``first`` (an action done once, or None), then actions by weight until stopped."""
    chance = random.Random(seed)
    weights = [a[0] for a in actions]
    token = browser.cookies.get("_csrf_token", "")
    stop.wait(chance.uniform(0, 2))  # do not all start in the same instant
    if first is not None and not stop.is_set():
        send(base, browser, token, first[1], first[2], results)
    while not stop.is_set() and results.count < max_requests:
        _weight, name, body = chance.choices(actions, weights)[0]
        send(base, browser, token, name, body, results)
        stop.wait(chance.uniform(0.3, 1.5))


def run_load(base: str, facts: Facts, users: int, seconds: float, max_requests: int) -> Results:
    calls = Callbacks(login(base, "reviewer").get(f"{base}/_dash-dependencies", timeout=60).json())
    sessions = {name: login(base, name) for _share, name in ROLES}
    plan = []
    for share, name in ROLES:
        plan += [name] * round(share * users)
    plan = (plan + [ROLES[0][1]] * users)[:users]
    results, stop = Results(), threading.Event()
    threads = []
    firsts = {"reviewer": "import", "cadre": "claim"}  # at least one of each in every run
    for index, name in enumerate(plan):
        actions = actions_for(name.split("-")[0], facts, calls, name)
        wanted = firsts.pop(name, None)
        first = next((a for a in actions if a[1].startswith(wanted)), None) if wanted else None
        threads.append(threading.Thread(target=user_loop, daemon=True, args=(
            base, clone(sessions[name]), actions, first, results, stop, max_requests, index)))
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=70)
    return results


def report(results: Results, users: int, seconds: float, workers: int | None) -> bool:
    print(f"{users} users for {seconds:g} s" + (f" against {workers} workers" if workers else "") +
          f": {results.count} requests")
    print(f"  {'action':<26}{'count':>7}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    every = []
    for name in sorted(results.times):
        times = results.times[name]
        every += times
        p95 = statistics.quantiles(times, n=20,
                                   method="inclusive")[-1] if len(times) > 1 else times[0]
        print(
            f"  {name:<26}{len(times):>7}{len(results.errors[name]):>8}{statistics.median(times):>9.0f}"  # noqa: E501
            f"{p95:>9.0f}{max(times):>9.0f}"
        )
    errors = sum(len(e) for e in results.errors.values())
    p95 = (
        statistics.quantiles(every, n=20, method="inclusive")[-1]
        if len(every) > 1
        else (every[0] if every else 0)
    )
    print(f"  {'all':<26}{len(every):>7}{errors:>8}{statistics.median(every) if every else 0:>9.0f}"
          f"{p95:>9.0f}{max(every) if every else 0:>9.0f}")
    for name, found in results.errors.items():
        for error in found[:3]:
            print(f"  error in {name}: {error}")
    print("result: " + ("PASS, no errors" if not errors and every else f"FAIL, {errors} error(s)"))
    return not errors and bool(every)


def serve(db_url: str, port: int, workers: int, log: Path, seed: bool = True) -> subprocess.Popen:
    """`portal demo` on ``db_url`` (``--no-seed``: the demo in it as it is) with ``workers``
    workers; its output goes to ``log``."""
    command = [sys.executable, "-m", "portal.cli", "demo", "--db", db_url, "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), *([] if seed else ["--no-seed"])]
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"error: the server stopped: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except requests.ConnectionError:
            pass
        time.sleep(1)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("error: the server did not come up within 15 minutes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True,
                        help="the database the server uses (for the payloads' facts)")
    parser.add_argument("--serve", action="store_true",
                        help="seed the demo into --db and serve it here")
    parser.add_argument("--no-seed", action="store_true",
                        help="with --serve: serve --db as it is (a city seeded before)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=0, help="for --serve (default: a free port)")
    parser.add_argument("--base", help="a running server (required without --serve)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--max-requests", type=int, default=20000)
    options = parser.parse_args(argv)
    if options.serve and not options.port:
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            options.port = free.getsockname()[1]
    if not options.serve and not options.base:
        parser.error("give --base of a running server, or --serve")
    if options.no_seed and not options.serve:
        parser.error("--no-seed goes with --serve")
    base = (options.base or f"http://127.0.0.1:{options.port}").rstrip("/")
    if urlsplit(base).hostname not in LOOPBACK:
        parser.error("--base must be on this machine (127.0.0.1 or localhost)")
    if not 1 <= options.users <= 200 or not 1 <= options.seconds <= 3600:
        parser.error("--users must be 1..200 and --seconds 1..3600")
    log = Path(tempfile.gettempdir()) / f"portal-load-{options.port}.log"
    process = (serve(options.db, options.port, options.workers, log, seed=not options.no_seed)
               if options.serve else None)
    try:
        facts = facts_from(options.db)
        results = run_load(base, facts, options.users, options.seconds, options.max_requests)
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
    passed = report(results, options.users, options.seconds, options.workers if process else None)
    if process is not None and not passed:
        print(
            f"the server's log ({log}), last lines:\n"
            + "\n".join(log.read_text().splitlines()[-40:])
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
