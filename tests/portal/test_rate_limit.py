"""Login attempts are rate limited per client address; with Redis the limit is shared by workers."""

from __future__ import annotations

import os
import uuid

import pytest

from portal.app import create_app
from tests import factories
from tests.web import login

REDIS_URL = os.environ.get("TEST_REDIS_URL")


def _app(app_config, **changes):
    return create_app(app_config.with_(login_rate_limit="3 per minute", **changes))


def test_too_many_login_posts_get_429(app_config, session):
    factories.city(session)
    client = _app(app_config).server.test_client()
    statuses = [login(client, "admin", "Wrong#password1").status_code for _ in range(4)]
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429
    assert client.get("/login").status_code == 200  # reading the form is not limited


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (CI sets it; see .ci/run)")
def test_workers_share_the_limit_through_redis(app_config, session):
    factories.city(session)
    first = _app(app_config, redis_url=REDIS_URL).server
    second = _app(app_config, redis_url=REDIS_URL).server
    # A client address of its own, so that earlier runs do not count against this one.
    address = "10.{}.{}.{}".format(*uuid.uuid4().bytes[:3])
    a, b = first.test_client(), second.test_client()
    for client in (a, b):
        client.environ_base["REMOTE_ADDR"] = address
    assert login(a, "admin", "Wrong#password1").status_code == 401
    assert login(b, "admin", "Wrong#password1").status_code == 401
    assert login(a, "admin", "Wrong#password1").status_code == 401
    assert login(b, "admin", "Wrong#password1").status_code == 429
