"""A safety net over every callback of every package: a cadre user who sends another
cadre's code or id in every input gets nothing of that cadre back, and no role gets an
answer from a callback of a page it may not open.

The packages' own tests check each callback with meaningful inputs; this one makes sure
a new callback cannot forget the check without a test noticing: the callbacks are read
from ``/_dash-dependencies``, as an attacker's browser reads them, and each must belong
to a page (``portal.ui.register`` / ``page_part`` / ``shared_controls``).
"""

from __future__ import annotations

import json

import pytest

from portal import ui
from tests import factories
from tests.callbacks import _items, _outputs
from tests.web import csrf_header, login

PATHS = ["/cadres/profile", "/my/training", "/my/records", "/accountability/cadre", "/decisions"]


def _values_for(spec_items, other):
    """Every input and state set to something naming the other cadre."""
    values = {}
    for item in spec_items:
        component, prop = item["id"], item["property"]
        if component.startswith("{"):
            continue
        if prop == "pathname":
            value = "/cadres/profile"
        elif prop in ("search", "href"):
            value = f"?code={other.code}&id={other.id}"
        elif prop in ("n_clicks", "n_intervals", "n_submit"):
            value = 1
        elif prop in ("data",):
            value = {"code": other.code, "cadre_id": other.id, "id": other.id}
        else:
            value = other.code
        values[f"{component}.{prop}"] = value
    return values


def _decoded(response) -> str:
    try:
        return json.dumps(response.get_json(), ensure_ascii=False)
    except Exception:  # noqa: BLE001  (not JSON: the raw text is what the caller gets)
        return response.get_data(as_text=True)


def _post(client, headers, key: str, spec: dict, values: dict):
    """Call the callback ``key`` with ``values`` ("id.prop" → value) as the browser would."""
    outputs = _outputs(key)
    first = spec["inputs"][0] if spec["inputs"] else {"id": "x", "property": "y"}
    body = {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": _items(spec["inputs"], values),
            "state": _items(spec.get("state", []), values),
            "changedPropIds": [f"{first['id']}.{first['property']}"]}
    return client.post("/_dash-update-component", json=body, headers=headers)


@pytest.mark.slow
def test_no_callback_gives_a_cadre_another_cadres_data(app, client, session):
    city = factories.city(session)
    other = city.cadre2  # 李娜, C0002, in the other district
    login(client, "cadre")
    headers = csrf_header(client)
    leaks, crashes, checked = [], [], 0
    for key, spec in app.callback_map.items():
        if spec.get("callback") is None:
            continue
        response = _post(client, headers, key, spec,
                         _values_for(spec["inputs"] + spec.get("state", []), other))
        checked += 1
        if response.status_code >= 500:
            crashes.append(key)
        if other.name in _decoded(response):
            leaks.append(key)
    assert checked > 50
    assert leaks == []
    assert crashes == []  # malformed input is the caller's error (400), never a crash


def _server_callbacks(app, client) -> list[tuple[str, dict]]:
    """Every callback the browser is told about that runs on the server, with its spec."""
    listed = client.get("/_dash-dependencies").get_json()
    return [(d["output"],
             app.callback_map[d["output"]]) for d in listed if not d.get("clientside_function")]


def test_every_callback_the_browser_is_told_about_belongs_to_a_page(app, client, session):
    factories.city(session)
    login(client, "reviewer")
    callbacks = _server_callbacks(app, client)
    orphans = [key for key,
               spec in callbacks if ui.callback_permissions(spec["callback"].__module__) is None]
    assert len(callbacks) > 50
    assert orphans == []  # declare the page with ui.register, ui.page_part or ui.shared_controls


@pytest.mark.parametrize("role", ["cadre", "inspector", "reviewer", "admin"])
def test_no_role_gets_an_answer_from_a_callback_of_a_page_it_may_not_open(app, client, session,
                                                                          role):
    city = factories.city(session)
    actor = city.actor(role)
    login(client, role)
    headers = csrf_header(client)
    answered, refused = [], 0
    for key, spec in _server_callbacks(app, client):
        if ui.allowed(actor, ui.callback_permissions(spec["callback"].__module__)):
            continue
        response = _post(client, headers, key, spec,
                         _values_for(spec["inputs"] + spec.get("state", []),
                                                                 city.cadre2))
        refused += 1
        if response.status_code != 403 or "response" in (response.get_json() or {}):
            answered.append(key)
    assert answered == []
    assert refused > 20 or role != "cadre"


def test_a_callback_nobody_declared_is_refused(app, client, session, monkeypatch):
    factories.city(session)
    login(client, "admin")
    key, spec = next((k, s) for k, s in app.callback_map.items() if "ac-dash-content" in k)
    monkeypatch.delitem(ui.PAGE_PERMISSIONS, spec["callback"].__module__)
    response = _post(client, csrf_header(client), key, spec, {"ac-dash-period.value": "3y"})
    assert response.status_code == 403


UNKNOWN = "no-such-choice"


def _unknown_values(spec_items) -> dict:
    """Every value a user picks from a list (dropdowns, radios, selects) set to a choice no
    list offers; buttons clicked, so that the callback does its work."""
    values = {}
    for item in spec_items:
        component, prop = item["id"], item["property"]
        if component.startswith("{"):
            continue
        if prop in ("n_clicks", "n_intervals", "n_submit"):
            values[f"{component}.{prop}"] = 1
        elif prop in ("value", "active_tab", "data", "selectedRows", "cellClicked", "clickData",
                      "search"):
            values[f"{component}.{prop}"] = UNKNOWN if prop != "selectedRows" else [{"id": UNKNOWN}]
    return values


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "reviewer", "inspector", "cadre"])
def test_an_unknown_choice_in_any_callback_gets_a_plain_answer_not_a_crash(app, client, session,
                                                                           role):
    city = factories.city(session)
    actor = city.actor(role)
    login(client, role)
    headers = csrf_header(client)
    crashes = []
    for key, spec in _server_callbacks(app, client):
        if not ui.allowed(actor, ui.callback_permissions(spec["callback"].__module__)):
            continue
        response = _post(client, headers, key, spec,
                         _unknown_values(spec["inputs"] + spec.get("state", [])))
        if response.status_code >= 500:
            crashes.append(key)
    assert crashes == []
