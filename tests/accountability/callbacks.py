"""Calling the accountability package's Dash callbacks by name through
``/_dash-update-component``, with whatever inputs a caller likes (as an attacker would)."""

from __future__ import annotations

import json
from typing import Any

from tests.web import csrf_header


def accountability_callbacks(app) -> dict[str, tuple[str, dict]]:
    """``{"module.function": (output key, spec)}`` for every server callback of ``accountability.pages``."""
    found = {}
    for key, spec in app.callback_map.items():
        function = spec.get("callback")
        module = getattr(function, "__module__", "") or ""
        if module.startswith("accountability.pages"):
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
        if component.startswith("{"):  # a pattern (ALL): a list of (id, value) pairs
            pattern = json.loads(component)
            given = values.get(f"{pattern['type']}.{prop}", [])
            items.append([{"id": ident, "property": prop, "value": value} for ident, value in given])
        else:
            items.append({"id": component, "property": prop, "value": values.get(f"{component}.{prop}")})
    return items


def call(client, app, name: str, values: dict[str, Any] | None = None):
    """POST the callback ``name`` ("module.function"); ``values`` maps "id.prop" (or, for a
    pattern, "type.prop" to a list of (id dict, value)) to what the browser would send."""
    values = values or {}
    key, spec = accountability_callbacks(app)[name]
    outputs = _outputs(key)
    first = spec["inputs"][0]
    body = {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": _items(spec["inputs"], values), "state": _items(spec.get("state", []), values),
            "changedPropIds": [f"{first['id']}.{first['property']}"]}
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))
