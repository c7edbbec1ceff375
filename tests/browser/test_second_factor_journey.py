"""Logging in with the second factor in a real browser, on an installation that is not
the demo: password, then the code of the authenticator app, then the inspector's desk."""

from __future__ import annotations

import threading

import pytest

from portal import totp
from portal.config import Config
from portal.db import make_engine, session_factory
from tests import factories
from tests.browser.conftest import _free_port, screenshot

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def real_install_url(tmp_path_factory):
    from werkzeug.serving import make_server

    from portal import schema
    from portal.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('second-factor') / 'portal.sqlite'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    with session_factory(engine)() as session:
        factories.city(session)
    app = create_app(Config(database_url=url, secret_key="second-factor", default_lang="en",
                            login_rate_limit="10000 per minute"))
    server = make_server("127.0.0.1", _free_port(), app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    engine.dispose()


def test_an_inspector_logs_in_with_password_and_authenticator_code(browser, real_install_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{real_install_url}/login?lang=en")
    assert "skip the second factor" not in page.content()  # only the demo says so
    page.fill("#username", "inspector")
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/login/second-factor")
    page.goto(f"{real_install_url}/accountability")  # no way around the step
    assert page.url.endswith("/login/second-factor")
    page.fill("#code", "000000")
    page.click("button[type=submit]")
    assert "not right" in page.inner_text(".alert")
    page.fill("#code", totp.code_for(factories.TOTP_SECRET, totp.current_step()))
    page.click("button[type=submit]")
    page.wait_for_selector(".portal-header")
    assert page.url.endswith("/accountability")
    assert "Log out" in page.inner_text(".portal-header")
    screenshot(page, "second-factor-inspector-desk")
    context.close()
