"""A real install as the README writes it, then two servers (two hosts behind a load
balancer) on one PostgreSQL schema and one Redis: a login made on one is honoured on the
other, a lockout crosses, and a write elsewhere invalidates what both cached.

Real subprocesses on loopback ports; needs TEST_DATABASE_URL and TEST_REDIS_URL (CI sets
both, see .ci/run).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
import requests
from openpyxl import Workbook
from sqlalchemy import text

from bench.load import Callbacks
from portal import db as portal_db
from portal.config import PROJECT_ROOT
from tests.conftest import PG_URL, _pg_url

REDIS_URL = os.environ.get("TEST_REDIS_URL")
PASSWORD = "Deploy#Test2026!"
CADRES = """code,name,gender,birth_date,unit_code,position,rank,category,rank_since,position_since,party_member,leader_role
C0101,周明,男,1980-02-03,S1,街道办事处副主任,乡科级副职,领导干部,2021-03-01,2021-03-01,是,副职
C0102,吴丽,female,1992-11-20,K1,社区专职工作者,,community_worker,,2020-07-01,no,
"""
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (PG_URL and REDIS_URL),
                       reason="TEST_DATABASE_URL and TEST_REDIS_URL are not set (CI sets them; "
                              "see .ci/run)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def readme_steps() -> list[str]:
    """The commands of the README's "Running for real" block, comments dropped."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Running for real", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.stdout.read()}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{base} did not come up within {seconds} s")


class Host:
    """One `portal serve` process on a loopback port."""

    def __init__(self, command: str, cwd: Path, env: dict):
        self.port = free_port()
        command = (command.replace("--host 0.0.0.0", "--host 127.0.0.1")  # loopback only in tests
                   .replace("--port 8050", f"--port {self.port}").replace("--workers 4",
                                                                          "--workers 1"))
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(shlex.split(command), cwd=cwd, env=env,
                                        stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)
        wait_until_up(self.base, self.process)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


def login(base: str, username: str, password: str = PASSWORD,
          browser: requests.Session | None = None):
    browser = browser or requests.Session()
    token = TOKEN.search(browser.get(f"{base}/login", timeout=30).text).group(1)
    answer = browser.post(f"{base}/login",
                          data={"username": username, "password": password, "csrf_token": token},
                          allow_redirects=False, timeout=30)
    return browser, answer


def serving_cadres(base: str, browser: requests.Session) -> int:
    """The training overview's "Serving cadres" figure, through its callback (the request
    built from the server's own list of callbacks, as the browser does)."""
    browser.get(f"{base}/training", timeout=60)
    calls = Callbacks(browser.get(f"{base}/_dash-dependencies", timeout=60).json())
    body = calls.body("ca-ov-kpis",
                      {"ca-ov-year.value": date.today().year, "ca-ov-unit.data": None})
    answer = browser.post(f"{base}/_dash-update-component", json=body, timeout=120,
                          headers={"X-CSRFToken": browser.cookies.get("_csrf_token", "")})
    assert answer.status_code == 200, answer.text[:300]
    cards = answer.json()["response"]["ca-ov-kpis"]["children"]["props"]["children"]
    label, value = cards[0]["props"]["children"]["props"]["children"][:2]
    assert label["props"]["children"] in ("Serving cadres", "在职干部"), json.dumps(cards)[:300]
    return int(value["props"]["children"])


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    """A fresh schema set up by following the README, and the first server it starts."""
    schema = f"portal_deploy_{uuid.uuid4().hex[:8]}"
    admin = portal_db.make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    folder = tmp_path_factory.mktemp("install")
    env = {**os.environ, "DATABASE_URL": _pg_url(schema), "REDIS_URL": REDIS_URL,
           "SECRET_KEY": "one-secret-for-all-hosts",
           "PORTAL_INSTANCE": str(folder / "instance"), "PORTAL_LANG": "en",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    units = Workbook()
    units.active.append(["code", "name", "level", "parent_code"])
    for row in (["C", "江州市", "city", None], ["D1", "青山区", "district", "C"],
                ["S1", "桃桥街道", "street", "D1"],
                ["K1", "新源社区", "community", "S1"]):
        units.active.append(row)
    units.save(folder / "units.xlsx")
    (folder / "password.txt").write_text(PASSWORD + "\n", encoding="utf-8")
    (folder / "cadres.csv").write_text(CADRES, encoding="utf-8")

    def run(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, shell=True, cwd=folder, env=env, capture_output=True,
                              text=True, timeout=300)

    hosts: list[Host] = []
    refused = run("portal serve --port 1")
    try:
        for step in readme_steps():
            if step.startswith(("pip install", "export ")):
                continue  # installed in this environment; the variables are set above
            if step.startswith("portal serve"):
                hosts.append(Host(step, folder, env))
                continue
            done = run(step)
            assert done.returncode == 0, f"{step}: {done.stderr or done.stdout}"
        yield {"env": env, "folder": folder, "run": run, "hosts": hosts, "refused": refused,
               "serve": next(s for s in readme_steps() if s.startswith("portal serve"))}
    finally:
        for host in hosts:
            host.stop()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def two_hosts(install):
    """The README's server and a second one (another host): both serve a reviewer, carol."""
    done = install["run"]("portal user create carol --role reviewer --password-stdin < "
                          "password.txt")
    assert done.returncode == 0, done.stderr
    # A login made by the command line changes its password at the first login; that step
    # is tested elsewhere (tests/portal/test_second_factor.py), here carol has done it.
    engine = portal_db.make_engine(install["env"]["DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE app_user SET must_change_password = false WHERE username "
                                "= 'carol'"))
    engine.dispose()
    if len(install["hosts"]) < 2:
        install["hosts"].append(Host(install["serve"], install["folder"], install["env"]))
    return install["hosts"][:2]


def test_serve_on_the_fresh_database_said_what_to_run(install):
    refused = install["refused"]
    assert refused.returncode == 1
    assert (
        refused.stderr.strip().count("\n") == 0 and "run `portal init-db` first" in refused.stderr
    )


def test_the_readme_install_serves_the_first_administrator(install):
    (host,) = install["hosts"][:1]
    browser, answer = login(host.base, "alice")
    assert answer.status_code == 302, answer.text[:300]
    assert browser.get(host.base + answer.headers["Location"], timeout=60).status_code == 200


def test_a_login_made_on_one_host_is_honoured_on_the_other(two_hosts):
    first, second = two_hosts
    browser, answer = login(first.base, "carol")
    assert answer.status_code == 302
    home = answer.headers["Location"]
    other = requests.Session()
    other.cookies.update(browser.cookies)
    page = other.get(second.base + home, allow_redirects=False, timeout=60)
    assert page.status_code == 200, "the second host knows the session made on the first"
    assert requests.get(second.base + home, allow_redirects=False, timeout=60).status_code == 302, \
        "without the cookie the same page sends to the login"


def test_a_lockout_made_on_both_hosts_holds_on_both(two_hosts, install):
    first, second = two_hosts
    done = install["run"]("portal user create bob --role reviewer --password-stdin < password.txt")
    assert done.returncode == 0, done.stderr
    for attempt in range(5):  # the lockout policy's five attempts, split between the hosts
        _browser, answer = login((first, second)[attempt % 2].base, "bob", "wrong password")
        assert answer.status_code == 401
    for host in (first, second):
        _browser, answer = login(host.base, "bob")
        # The source must wait (kept in the database, so on every host); the form says no more
        # than for a wrong password.
        assert answer.status_code == 401 and "Location" not in answer.headers, (
            "the right password no longer helps"
        )


def test_a_write_elsewhere_invalidates_what_both_hosts_cached(two_hosts, install):
    first, second = two_hosts
    browsers = [login(host.base, "carol")[0] for host in two_hosts]
    assert [serving_cadres(h.base, b) for h, b in zip(two_hosts, browsers, strict=True)] == [0, 0]
    assert serving_cadres(first.base, browsers[0]) == 0  # served from the shared cache now
    done = install["run"]("portal import cadres cadres.csv")  # a third process writes
    assert done.returncode == 0, done.stderr
    assert serving_cadres(second.base, browsers[1]) == 2
    assert serving_cadres(first.base, browsers[0]) == 2


def _dash(base: str, browser: requests.Session, body: dict) -> dict:
    answer = browser.post(f"{base}/_dash-update-component", json=body, timeout=120,
                          headers={"X-CSRFToken": browser.cookies.get("_csrf_token", "")})
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()["response"]


def test_a_job_started_on_one_host_is_followed_and_downloaded_on_the_other(two_hosts, install):
    """The registry export runs as a background job: queued through host A, run by whichever
    host claims it, its progress and its file served by host B (only to its owner)."""
    first, second = two_hosts
    done = install["run"]("portal import cadres cadres.csv")  # upserts: the same if done before
    assert done.returncode == 0, done.stderr
    kind = "export.cadres"
    browsers = [login(host.base, "carol")[0] for host in two_hosts]
    browsers[0].get(f"{first.base}/cadres", timeout=60)
    specs = browsers[0].get(f"{first.base}/_dash-dependencies", timeout=60).json()
    start = next(s["output"] for s in specs if "export-job-error" in s["output"])
    follow = next(s["output"] for s in specs if "job-bar" in s["output"])
    started = _dash(first.base, browsers[0], {
        "output": start,
        "outputs": [{"id": {"type": "job-id", "kind": kind}, "property": "data"},
                    {"id": {"type": "export-job-error", "kind": kind}, "property": "children"}],
        "inputs": [{"id": {"type": "export-job", "kind": kind, "fmt": fmt}, "property": "n_clicks",
                    "value": 1 if fmt == "csv" else None} for fmt in ("xlsx", "csv")],
        "state": [{"id": {"type": "export-job-period", "kind": kind}, "property": "data",
                   "value": None},
                  {"id": {"type": "export-job-error", "kind": kind}, "property": "id",
                   "value": {"type": "export-job-error", "kind": kind}}],
        "changedPropIds": [f'{{"fmt":"csv","kind":"{kind}","type":"export-job"}}.n_clicks']})
    job = started[json.dumps({"kind": kind, "type": "job-id"}, separators=(",", ":"))]["data"]
    poll = {"output": follow,
            "outputs": [{"id": {"type": f"job-{name}", "kind": kind}, "property": prop}
                        for name, prop in (("bar", "value"), ("label", "children"),
                                           ("result", "children"), ("poll", "disabled"),
                                           ("done", "data"), ("panel", "className"))],
            "inputs": [{"id": {"type": "job-poll", "kind": kind}, "property": "n_intervals",
                        "value": 1},
                       {"id": {"type": "job-id", "kind": kind}, "property": "data", "value": job}],
            "changedPropIds": [f'{{"kind":"{kind}","type":"job-poll"}}.n_intervals']}
    deadline = time.monotonic() + 120
    while "/download" not in json.dumps(_dash(second.base, browsers[1], poll)):
        assert time.monotonic() < deadline, "the job was not done within two minutes"
        time.sleep(1)
    download = browsers[1].get(f"{second.base}/jobs/{job}/download", timeout=60)
    assert download.status_code == 200 and "C0101" in download.text
    assert requests.get(f"{second.base}/jobs/{job}/download", allow_redirects=False,
                        timeout=60).status_code in (302, 401)
