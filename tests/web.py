"""Helpers to drive the app as a browser would: log in with the form (CSRF included)
and call Dash callbacks through ``/_dash-update-component`` with the CSRF header."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import update

from portal import totp
from portal.models import User
from tests.factories import PASSWORD, TOTP_SECRET

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def login_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return TOKEN.search(page).group(1)


def login(client, username: str, password: str = PASSWORD, follow: bool = False,
          next: str | None = None):
    """Log in with the form; a login that owes the second factor enters the current code of
    the factories' authenticator (``second_factor=False`` stops before that step)."""
    token = login_token(client)
    url = f"/login?next={next}" if next else "/login"
    response = client.post(url,
                           data={"username": username, "password": password, "csrf_token": token})
    if response.status_code == 302 and response.headers["Location"].endswith(
        "/login/second-factor"
    ):
        response = enter_second_factor(client, username)
    if follow and response.status_code == 302:
        response = client.get(response.headers["Location"], follow_redirects=True)
    return response


def enter_second_factor(client, username: str, secret: str = TOTP_SECRET):
    """Post the authenticator's current code. Each test login is a fresh time step: the
    portal never accepts a code twice, and tests log the same user in within seconds."""
    engine = client.application.extensions["portal.engine"]
    with engine.begin() as connection:
        connection.execute(
            update(User).where(User.username == username).values(totp_last_step=None)
        )
    page = client.get("/login/second-factor").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    return client.post("/login/second-factor",
                       data={"code": totp.code_for(secret, totp.current_step()),
                             "csrf_token": token})


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

    output_str = (".." + "...".join(f"{_id(i)}.{p}" for i,
                                    p in outputs) + "..") if len(outputs) > 1 \
        else f"{_id(outputs[0][0])}.{outputs[0][1]}"
    body = {
        "output": output_str,
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [prop(i) for i in inputs],
        "state": [prop(s) for s in state],
        "changedPropIds": triggered
        if triggered is not None
        else [f"{_id(i[0])}.{i[1]}" for i in inputs[:1]],
    }
    return client.post("/_dash-update-component", json=body,
                       headers=headers if headers is not None else csrf_header(client))


def response_props(response) -> dict:
    return response.get_json()["response"]
