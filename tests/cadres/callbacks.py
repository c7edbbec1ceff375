"""Calling the cadres package's Dash callbacks by name through ``/_dash-update-component``,
with the inputs and states the browser would send (any values a caller likes)."""

from __future__ import annotations

import json
from typing import Any

from tests.web import csrf_header


def cadres_callbacks(app) -> dict[str, tuple[str, dict]]:
    """``{"module.function": (output key, spec)}`` for every server callback of ``cadres.pages``."""
    found = {}
    for key, spec in app.callback_map.items():
        function = spec.get("callback")
        module = getattr(function, "__module__", "") or ""
        if module.startswith("cadres.pages"):
            found[f"{module.rsplit('.', 1)[1]}.{function.__name__}"] = (key, spec)
    return found


def _outputs(key: str) -> list[dict]:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    outputs = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        outputs.append({"id": json.loads(component) if component.startswith("{") else component,
                        "property": prop})
    return outputs


def _items(specs: list[dict], values: dict[str, Any]) -> list:
    items = []
    for spec in specs:
        component, prop = spec["id"], spec["property"]
        if component.startswith("{"):  # a pattern (ALL): a list of (id, value) pairs
            pattern = json.loads(component)
            given = values.get(pattern["type"], [])
            items.append([{"id": ident, "property": prop, "value": value} for ident, value in given])
        else:
            items.append({"id": component, "property": prop, "value": values.get(f"{component}.{prop}")})
    return items


def call(client, app, name: str, values: dict[str, Any] | None = None, triggered: str | None = None):
    """POST the callback ``name`` ("module.function"); ``values`` maps "id.prop" (or a pattern's
    type, to a list of (id dict, value)) to what the browser sends. Returns the response."""
    values = values or {}
    key, spec = cadres_callbacks(app)[name]
    outputs = _outputs(key)
    inputs = _items(spec["inputs"], values)
    changed = [triggered] if triggered else []
    if not changed:
        first = spec["inputs"][0]
        changed = [f"{first['id']}.{first['property']}"]
    body = {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": inputs,
            "state": _items(spec.get("state", []), values), "changedPropIds": changed}
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))


def pattern_id(**parts) -> str:
    """The changedPropIds spelling of a pattern-matching id's n_clicks."""
    return json.dumps(parts, sort_keys=True, separators=(",", ":")) + ".n_clicks"
