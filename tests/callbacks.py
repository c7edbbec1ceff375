"""Calling any package's Dash callbacks by name through ``/_dash-update-component``, with
the inputs and states the browser would send, or any values a caller likes (as an
attacker would). The packages' test helpers are thin wrappers around this."""

from __future__ import annotations

import json
from typing import Any

from tests.web import csrf_header


def package_callbacks(app, package: str) -> dict[str, tuple[str, dict]]:
    """``{"module.function": (output key, spec)}`` for every server callback of
    ``<package>.pages``."""
    found = {}
    for key, spec in app.callback_map.items():
        function = spec.get("callback")
        module = getattr(function, "__module__", "") or ""
        if module.startswith(f"{package}.pages"):
            found[f"{module.rsplit('.', 1)[1]}.{function.__name__}"] = (key, spec)
    return found


def _outputs(key: str) -> list[dict]:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    outputs = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        component = component.split("@")[0]  # allow_duplicate outputs carry a hash suffix
        outputs.append({"id": json.loads(component) if component.startswith("{") else component,
                        "property": prop.split("@")[0]})
    return outputs


def _items(specs: list[dict], values: dict[str, Any]) -> list:
    items = []
    for spec in specs:
        component, prop = spec["id"], spec["property"]
        pattern = json.loads(component) if component.startswith("{") else None
        if pattern and any(isinstance(part, list) for part in pattern.values()):
            # a pattern (ALL): a list of (id, value) pairs
            given = values.get(f"{pattern['type']}.{prop}", values.get(pattern["type"], []))
            items.append([{"id": ident, "property": prop, "value": value} for ident,
                          value in given])
        else:  # a plain id, or a dict id without wildcards
            items.append({"id": pattern or component, "property": prop,
                          "value": values.get(f"{component}.{prop}")})
    return items


def call(client, app, package: str, name: str, values: dict[str, Any] | None = None,
         triggered: str | None = None):
    """POST the callback ``name`` ("module.function") of ``package``; ``values`` maps "id.prop"
    (or, for a pattern, "type.prop" or "type" to a list of (id dict, value)) to what the
    browser sends. Returns the response."""
    values = values or {}
    key, spec = package_callbacks(app, package)[name]
    outputs = _outputs(key)
    first = spec["inputs"][0]
    changed = [triggered] if triggered else [f"{first['id']}.{first['property']}"]
    body = {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": _items(spec["inputs"], values),
            "state": _items(spec.get("state", []), values),
            "changedPropIds": changed}
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))


def pattern_id(**parts) -> str:
    """The changedPropIds spelling of a pattern-matching id's n_clicks."""
    return json.dumps(parts, sort_keys=True, separators=(",", ":")) + ".n_clicks"


def follow_job(client, app, kind: str, job_id, polled: bool = True):
    """POST the job panel's poll (``portal.pages.jobs.follow``) for the job ``job_id`` of
    ``kind``, as the page's interval does; the response's outputs are keyed by the
    concrete ids."""
    key = next(k for k, spec in app.callback_map.items()
               if "job-bar" in k and getattr(spec.get("callback"), "__name__", "") == "follow")
    poll = {"type": "job-poll", "kind": kind}
    body = {"output": key, "outputs": [dict(o, id={**o["id"], "kind": kind})
                                       for o in _outputs(key)],
            "inputs": [{"id": poll, "property": "n_intervals", "value": 1},
                       {"id": {"type": "job-id", "kind": kind}, "property": "data",
                        "value": job_id}],
            "changedPropIds": [json.dumps(poll, sort_keys=True, separators=(",", ":"))
                               + ".n_intervals"] if polled else []}
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))


def run_jobs(app) -> int:
    """Run the queued background jobs now, in this thread (tests start no job runner)."""
    from portal import jobs

    return jobs.run_pending(app.server.extensions["portal.sessions"])


def job_key(kind: str, name: str) -> str:
    """The response key of a job panel's component ``name`` (id, done, bar …) of ``kind``."""
    return json.dumps({"kind": kind, "type": f"job-{name}"}, separators=(",", ":"))
