"""Browser journeys: the demo city served on a free port, driven by the system Chromium.

Skipped with a clear reason where /usr/bin/chromium or Playwright is missing; CI
installs both (.ci/run).

Pages carry a Content-Security-Policy without ``unsafe-eval``: give ``wait_for_function`` a
function (``"() => document.title != ''"``), not a bare expression, which Playwright would
have the page evaluate as a string while it polls.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import date

import pytest

from portal.config import Config
from portal.db import make_engine

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-dev-shm-usage"]
DEMO_PASSWORD = "Portal#2026"

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, demo_templates) -> str:
    """The URL of the small demo city's database (today's), seeded once per test run and copied
    for each worker, whose journeys then change it."""
    from portal import schema

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    demo_templates.seed(engine, "small", today=date.today())
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def demo_url(demo_database) -> Iterator[str]:
    """The demo city served in a thread."""
    from werkzeug.serving import make_server

    from portal.app import create_app

    url = demo_database
    app = create_app(Config(database_url=url, secret_key="browser-tests", default_lang="zh",
                            login_rate_limit="10000 per minute", demo=True))
    port = _free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


# Counts the page's requests in flight, so a test can wait until Dash has settled without
# a fixed pause (networkidle waits half a second on every page).
TRACK_REQUESTS = """
(() => {
  window.__portalPending = 0; window.__portalQuietSince = performance.now();
  const fetch0 = window.fetch;
  window.fetch = function () {
    window.__portalPending++;
    return fetch0.apply(this, arguments).finally(() => {
      window.__portalPending--; window.__portalQuietSince = performance.now();
    });
  };
})();
"""

SETTLED = """() => window.__portalPending === 0 && performance.now() - window.__portalQuietSince > 250
  && !document.querySelector('[data-dash-is-loading="true"]') && document.readyState === 'complete'"""


def settle(page) -> None:
    """Wait until no callback is in flight or loading and the page has been quiet for 250 ms."""
    page.wait_for_function(SETTLED, polling=50, timeout=60000)


def open_in_app(page, path: str) -> None:
    """Go to ``path`` the way a dcc.Link does (no reload), then wait until the page settled."""
    page.evaluate("""(path) => { window.history.pushState({}, '', path);
        window.dispatchEvent(new CustomEvent('_dashprivate_pushstate')); }""", path)
    settle(page)


def log_in(browser, demo_url: str, username: str, lang: str = "zh", password: str = DEMO_PASSWORD,
           viewport: dict | None = None):
    """A new browser context logged in as ``username``; returns its page, settled."""
    context = browser.new_context(viewport=viewport or {"width": 1366, "height": 768},
                                  locale="zh-CN")
    context.add_init_script(TRACK_REQUESTS)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{demo_url}/login?lang={lang}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load", timeout=60000)
    settle(page)
    return page


@pytest.fixture
def login_as(browser, demo_url):
    """``login_as("reviewer", lang="en")`` → a logged-in page at 1366×768."""
    contexts = []

    def _login(username: str, lang: str = "zh", password: str = DEMO_PASSWORD):
        page = log_in(browser, demo_url, username, lang, password)  # settled: no callback
        contexts.append(page.context)  # in flight for 250 ms (networkidle waited 500 ms more)
        return page

    yield _login
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """Keep a screenshot in test-artifacts/ for people to look at (not compared)."""
    os.makedirs("test-artifacts", exist_ok=True)
    page.screenshot(path=f"test-artifacts/{name}.png")
