"""Dashboard callbacks as each role waits for them: log in, open every page of the role's
menu the way the browser does, and time each ``/_dash-update-component`` request.

    python -m bench.callbacks --db URL [--roles reviewer,inspector,cadre] [--visits 3]
                              [--pages /training,/reports/annual] [--slow 100]

The database must already hold a seeded city (``portal demo --scale large --db URL
--no-serve``). The requests go through Flask's test client in this process, so the time is
the server's: routing, CSRF, the callback, JSON. The payloads are the renderer's own:
``/_dash-dependencies`` says which callbacks exist, the page's layout (from the pages
callback) gives each input's initial value, and a callback fires when all its inputs are on
the page (unless it waits for a user action: ``prevent_initial_call``) or when an output of
an earlier callback changes one of its inputs. The first visit of a page is reported apart
from the repeated ones (``--visits`` - 1 of them). Nothing is cached between requests
unless the app itself caches. Times are wall clock (what a user waits for, ms) and, for the
median, the CPU time of the serving thread (``cpu p50``: the app's own work, steadier than
wall time on a shared machine; a PostgreSQL server's work is not in it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field

ROLES = ("reviewer", "inspector", "cadre")
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
MAX_CALLS_PER_PAGE = 80


def _key(component_id) -> str:
    return json.dumps(component_id, sort_keys=True, separators=(",", ":")) \
        if isinstance(component_id, dict) else str(component_id)


def _parse_id(text: str):
    return json.loads(text) if text.startswith("{") else text


def _split_outputs(spec: str) -> list[tuple[str, str]]:
    parts = spec[2:-2].split("...") if spec.startswith("..") else [spec]
    found = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        found.append((component, prop))
    return found


def _components(node, into: dict[str, dict]) -> None:
    """Every component of a layout (JSON) by id: its props dict, shared so updates land in it."""
    if isinstance(node, list):
        for item in node:
            _components(item, into)
    elif isinstance(node, dict):
        if "props" in node and "type" in node:
            props = node["props"]
            if props.get("id") is not None:
                into[_key(props["id"])] = props
            for value in props.values():
                _components(value, into)
        else:
            for value in node.values():
                _components(value, into)


def _wild(component_id) -> bool:
    return isinstance(component_id,
                      dict) and any(isinstance(v, list) for v in component_id.values())


def _matches(pattern: dict, key: str) -> bool:
    if not key.startswith("{"):
        return False
    candidate = json.loads(key)
    if set(candidate) != set(pattern):
        return False
    return all(isinstance(v, list) or candidate[k] == v for k, v in pattern.items())


@dataclass
class Dependency:
    spec: dict
    outputs: list[tuple[str, str]]
    label: str
    inputs: list[tuple[str, str]] = field(default_factory=list)
    state: list[tuple[str, str]] = field(default_factory=list)

    @property
    def initial(self) -> bool:
        return not self.spec.get("prevent_initial_call")


class Browser:
    """What the Dash renderer does, in the few lines a benchmark needs."""

    def __init__(self, client, dependencies: list[dict]):
        self.client = client
        self.deps = []
        for spec in dependencies:
            if spec.get("clientside_function"):
                continue
            outputs = _split_outputs(spec["output"])
            dep = Dependency(spec, outputs, label=" ".join(f"{c}.{p}" for c, p in outputs[:2])
                             + (" …" if len(outputs) > 2 else ""),
                             inputs=[(i["id"], i["property"]) for i in spec["inputs"]],
                             state=[(s["id"], s["property"]) for s in spec["state"]])
            if any("MATCH" in c or "ALLSMALLER" in c for c,
                   _p in dep.inputs + dep.outputs + dep.state):
                continue
            self.deps.append(dep)
        self.headers: dict[str, str] = {}
        self.timings: list[tuple[str, float, float, int, str]] = []
        self.cache = None  # the app's dashboard cache, to tell hits from computed values

    # --- the page's components ----------------------------------------------------------------
    def _present(self, component: str) -> list[str]:
        component_id = _parse_id(component)
        if _wild(component_id):
            return [k for k in self.tree if _matches(component_id, k)]
        return [component] if component in self.tree else []

    def _ready(self, dep: Dependency) -> bool:
        return all(self._present(c) or _wild(_parse_id(c)) for c, _p in dep.inputs) and \
            any(self._present(c) for c, _p in dep.inputs) and all(self._present(c) for c,
                                                                  _p in dep.outputs)

    def _values(self, items: list[tuple[str, str]]) -> list:
        found = []
        for component, prop in items:
            component_id = _parse_id(component)
            if _wild(component_id):
                found.append([{"id": _parse_id(k), "property": prop,
                               "value": self.tree[k].get(prop)}
                              for k in self._present(component)])
            else:
                value = self.tree[component].get(prop)
                if (
                    prop == "getRowsRequest" and value is None
                ):  # a paged grid asks for its first block
                    value = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
                found.append({"id": component_id, "property": prop, "value": value})
        return found

    def _fire(self, dep: Dependency, changed: list[str]) -> list[tuple[str, str]]:
        outputs = []
        for component, prop in dep.outputs:
            component_id = _parse_id(component)
            if _wild(component_id):
                outputs.append([{"id": _parse_id(k),
                                 "property": prop} for k in self._present(component)])
            else:
                outputs.append({"id": component_id, "property": prop})
        body = {"output": dep.spec["output"],
                "outputs": outputs if len(outputs) > 1 else outputs[0],
                "inputs": self._values(dep.inputs), "state": self._values(dep.state),
                "changedPropIds": changed}
        hits, misses = (self.cache.hits, self.cache.misses) if self.cache else (0, 0)
        started, cpu = time.perf_counter(), time.thread_time()
        response = self.client.post("/_dash-update-component", json=body, headers=self.headers)
        elapsed = (time.perf_counter() - started) * 1000
        served = ""
        if self.cache is not None:
            hits, misses = self.cache.hits - hits, self.cache.misses - misses
            served = "computed" if misses else ("cache" if hits else "")
        self.timings.append((dep.label, elapsed, (time.thread_time() - cpu) * 1000,
                             response.status_code, served))
        if response.status_code != 200:
            return []
        updated = []
        for key, props in (response.get_json().get("response") or {}).items():
            if key not in self.tree:
                continue
            for prop, value in props.items():
                self.tree[key][prop] = value
                updated.append((key, prop))
                if isinstance(value, dict | list):
                    fresh: dict[str, dict] = {}
                    _components(value, fresh)
                    self.tree.update(fresh)
                    self._new.update(fresh)
        return updated

    def open(self, path: str) -> None:
        """Load ``path`` as a fresh page view and run its callbacks to rest."""
        self.tree: dict[str, dict] = {}
        self._new: dict[str, dict] = {}
        _components(self.client.get("/_dash-layout").get_json(), self.tree)
        self.tree.setdefault("_pages_location", {})
        self.tree["_pages_location"].update(pathname=path, search="", hash="", href=f"http://localhost{path}")
        # dcc.Location sets the path as it mounts: a change, so it fires even prevent_initial_call
        # callbacks
        pending = {id(d): (d, [f"{c}.{p}" for c, p in d.inputs]) for d in self.deps
                   if self._ready(d) and (d.initial or any(c == "_pages_location" for c,
                                                           _p in d.inputs))}
        calls = 0
        while pending and calls < MAX_CALLS_PER_PAGE:
            waiting = {o for d, _c in pending.values() for o in d.outputs}
            ordered = sorted(pending.values(),
                             key=lambda item: any(i in waiting for i in item[0].inputs))
            dep, changed = ordered[0]
            del pending[id(dep)]
            self._new = {}
            updated = self._fire(dep, changed)
            calls += 1
            for other in self.deps:
                if not self._ready(other):
                    continue
                hits = [f"{c}.{p}" for c, p in other.inputs if (c, p) in updated]
                new = other.initial and any(k in self._new for c,
                                            _p in other.inputs for k in self._present(c))
                if hits or new:
                    pending.setdefault(id(other),
                                       (other, hits or [f"{c}.{p}" for c, p in other.inputs]))


def login(client, username: str, password: str) -> dict[str, str]:
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login",
                           data={"username": username, "password": password, "csrf_token": token})
    if response.status_code not in (302, 303):
        raise SystemExit(f"login as {username} failed ({response.status_code})")
    client.get("/")
    cookie = client.get_cookie("_csrf_token")
    return {"X-CSRFToken": cookie.value} if cookie else {}


def role_pages(app, username: str) -> list[str]:
    import dash
    from sqlalchemy import select

    from portal import db
    from portal.access import Actor
    from portal.models import User
    from portal.ui import page_visible

    with db.session_factory(app.server.extensions["portal.engine"])() as session:
        actor = Actor.for_user(session.scalar(select(User).where(User.username == username)))
        pages = [p for p in dash.page_registry.values()
                 if (p.get("nav") or {}).get("section") and page_visible(actor, p["nav"])]
    return [p["path"] for p in sorted(pages,
                                      key=lambda p: (p["nav"]["section"], p.get("order", 50)))]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _served(kinds: list[str]) -> str:
    """How the requests were answered: c (all from the dashboard cache), C (all computed),
    m (mixed), - (no cached service involved)."""
    found = set(kinds) - {""}
    if not found:
        return "-"
    return {"cache": "c", "computed": "C"}.get(found.pop(), "m") if len(found) == 1 else "m"


def report(rows: dict[tuple[str, str, str], list[tuple[float, float, str]]], visits: int,
           slow: float) -> None:
    print(
        f"{'role':<10} {'page':<26} {'callback':<44} {'first':>8} {'p50':>8} {'p95':>8} {'max':>8} "
        f"{'cpu 1st':>8} {'cpu p50':>8} {'cache':>5}"
    )
    every = []
    for (role, page, label), measured in rows.items():
        runs = [wall for wall, _cpu, _served_by in measured]
        first, again = runs[0], runs[1:] or runs
        every += runs
        mark = " *" if max(runs) > slow else ""
        kinds = [served for _wall, _cpu, served in measured]
        print(
            f"{role:<10} {page[:26]:<26} {label[:44]:<44} {first:8.1f} {statistics.median(again):8.1f} "  # noqa: E501
            f"{percentile(again, 0.95):8.1f} {max(runs):8.1f} {measured[0][1]:8.1f} "
            f"{statistics.median(cpu for _wall, cpu, _s in measured[1:] or measured):8.1f} "
            f"{_served(kinds[:1])}/{_served(kinds[1:])}{mark}"
        )
    if every:
        print(
            f"\nall {len(every)} requests ({visits} visits a page): median {statistics.median(every):.1f} ms, "  # noqa: E501
            f"p95 {percentile(every, 0.95):.1f} ms, max {max(every):.1f} ms; "
            f"* marks a callback over {slow:.0f} ms; cache: first visit / repeated visits, "
            f"c served from the dashboard cache, C computed, m mixed, - no cached service"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL of a seeded city")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--pages", default="", help="only these paths (comma-separated)")
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--slow", type=float, default=100.0)
    parser.add_argument("--no-cache", action="store_true",
                        help="turn the dashboard cache off: every visit computes")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.db
    os.environ.setdefault("PORTAL_LANG", "zh")
    from portal import cache
    from portal.app import create_app
    from portal.config import Config
    from portal.demo import DEMO_PASSWORD
    from portal.server import settle_heap

    app = create_app(Config.from_env(testing=True, login_rate_limit="10000 per minute", demo=True))
    engine = app.server.extensions["portal.engine"]
    settle_heap()  # as `portal serve` does once the app is loaded
    if args.no_cache:
        cache.detach(engine)
    rows: dict[tuple[str, str, str], list[tuple[float, float, str]]] = defaultdict(list)
    errors = []
    for role in [r for r in args.roles.split(",") if r]:
        client = app.server.test_client()
        headers = login(client, role, DEMO_PASSWORD)
        browser = Browser(client, client.get("/_dash-dependencies").get_json())
        browser.headers = headers
        browser.cache = cache.for_engine(engine)
        only = [p for p in args.pages.split(",") if p]
        pages = [p for p in role_pages(app, role) if not only or p in only]
        for page in pages:
            for _visit in range(args.visits):
                browser.timings = []
                browser.open(page)
                for label, elapsed, cpu, status, served in browser.timings:
                    rows[(role, page, label)].append((elapsed, cpu, served))
                    if status >= 400:
                        errors.append((role, page, label, status))
    report(rows, args.visits, args.slow)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (app + bench): {peak:.0f} MB")
    for role, page, label, status in sorted(set(errors)):
        print(f"HTTP {status}: {role} {page} {label}")


if __name__ == "__main__":
    main()
