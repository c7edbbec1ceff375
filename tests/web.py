"""Helpers to drive the app as a browser would: log in with the form (CSRF included)
and call Dash callbacks through ``/_dash-update-component`` with the CSRF header."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.factories import PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def login_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return TOKEN.search(page).group(1)


def login(client, username: str, password: str = PASSWORD, follow: bool = False):
    token = login_token(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=follow)


def csrf_header(client) -> dict[str, str]:
    """The token Dash's renderer reads from the ``_csrf_token`` cookie."""
    client.get("/")  # any page sets the cookie for a logged-in user
    cookie = client.get_cookie("_csrf_token")
    return {"X-CSRFToken": cookie.value} if cookie else {}


def _id(component_id: Any) -> str:
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return component_id


def callback(client, outputs: list[tuple[Any, str]], inputs: list[tuple[Any, str, Any]],
             state: list[tuple[Any, str, Any]] = (), headers: dict | None = None,
             triggered: list[str] | None = None):
    """POST one callback request; returns the Flask response."""
    def prop(item):
        return {"id": item[0], "property": item[1], "value": item[2]}

    output_str = (".." + "...".join(f"{_id(i)}.{p}" for i, p in outputs) + "..") if len(outputs) > 1 \
        else f"{_id(outputs[0][0])}.{outputs[0][1]}"
    body = {
        "output": output_str,
        "outputs": [{"id": i, "property": p} for i, p in outputs] if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [prop(i) for i in inputs],
        "state": [prop(s) for s in state],
        "changedPropIds": triggered if triggered is not None else [f"{_id(i[0])}.{i[1]}" for i in inputs[:1]],
    }
    return client.post("/_dash-update-component", json=body,
                       headers=headers if headers is not None else csrf_header(client))


def response_props(response) -> dict:
    return response.get_json()["response"]
