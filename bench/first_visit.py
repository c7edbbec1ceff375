"""A role's home page over a slow intranet link, in headless Chromium.

    python -m bench.first_visit [--base http://127.0.0.1:8050] [--user reviewer] [--runs 3]
                                [--mbit 10] [--latency 50] [--timeline]

``--mbit 0`` leaves the network alone (loopback): issue 11's "home page from login to network
idle ≤ 1.5 s". ``--timeline`` prints every request of each visit, with the time it waited in
Chromium's queue and the server's own time (the portal's ``Server-Timing`` header).

Start a server first (``portal demo`` or ``portal serve``). Chromium's network throttling
(CDP ``Network.emulateNetworkConditions``: 10 Mbit/s both ways, 50 ms latency by default)
stands for the link. Printed, never asserted:

- first visit: an empty browser cache, from submitting the login form (``/login`` itself is
  loaded before, and the typing is not counted) to the home page's last response (the
  issue's "network idle"), and to the last change the browser made to the page's content
  (its charts drawn: later, as a chart is drawn after its data has arrived);
- repeat visit: the same browser opening the home page again, logged in, cache warm;

each with the bytes that crossed the wire (compressed, as sent) and the requests made.
Targets (issue 11): first ≤ 3 s, repeat ≤ 1 s at 10 Mbit/s + 50 ms.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "Portal#2026"


class Wire:
    """Bytes and requests seen by Chromium's network domain, timed by Chromium's own clock
    (its events' timestamps: not delayed by this script), with each request's start, its wait
    in the browser's queue, the server's own time (the portal's ``Server-Timing`` header) and
    its end."""

    def __init__(self, cdp):
        self.bytes = 0
        self.requests = 0
        self.first = None  # when the visit's first request was sent (Chromium's clock, s)
        self.login = None  # … and the login form's POST, if any
        self.wall = None  # the wall clock (epoch s) at ``first``, to compare with the page's
        self.last = 0.0
        self.started: dict[str, tuple[float, str]] = {}
        self.slowest = (0.0, "")
        self.timeline: list[tuple[float, float, float, str, str]] = []
        self.server: dict[str, tuple[float, str]] = {}
        cdp.on("Network.loadingFinished", self.finished)
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.responseReceived", self.answered)

    def sent(self, event) -> None:
        at, request = event["timestamp"], event["request"]
        if request["url"].startswith("data:"):  # an inline icon: nothing crosses the network
            return
        self.requests += 1
        if self.first is None:
            self.first, self.wall = at, event["wallTime"]
        if request["method"] == "POST" and urlsplit(request["url"]).path == "/login":
            self.login = at
        self.started[event["requestId"]] = (at, _what(request))

    def answered(self, event) -> None:
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        match = SERVER_TIMING.search(headers.get("server-timing", ""))
        timing = response.get("timing") or {}
        waited = timing.get("sendStart", 0.0)  # stalled/queued before the request went out
        self.server[event["requestId"]] = (float(match.group(1)) if match else float("nan"),
                                           f"{waited:.0f}")

    def finished(self, event) -> None:
        if event["requestId"] not in self.started:  # not one of ours (an inline icon)
            return
        self.bytes += int(event.get("encodedDataLength", 0))
        self.last = max(self.last, event["timestamp"])
        began, path = self.started.get(event["requestId"], (event["timestamp"], ""))
        self.slowest = max(self.slowest, (event["timestamp"] - began, path))
        server, waited = self.server.get(event["requestId"], (float("nan"), "?"))
        self.timeline.append((began, event["timestamp"], server, waited, path))


SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


def _what(request: dict) -> str:
    """A request's path, or for a callback the outputs it asks for."""
    path = urlsplit(request["url"]).path
    if path.endswith("/_dash-update-component") and request.get("postData"):
        try:
            return "cb " + json.loads(request["postData"]).get("output", "")[:70]
        except ValueError:
            pass
    return path


def throttle(page, context, mbit: float, latency: float) -> Wire:
    """Chromium's network at ``mbit`` Mbit/s and ``latency`` ms (``mbit`` 0: not throttled)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if mbit:
        rate = mbit * 1_000_000 / 8
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency,
                                                      "downloadThroughput": rate,
                                                      "uploadThroughput": rate})
    return Wire(cdp)


def print_timeline(label: str, started: float, wire: Wire) -> None:
    """Each request of a visit: start and end (ms from the visit's start), the wait before it
    went out, the server's own time, and what it was."""
    print(f"  {label}: start – end ms, queued ms, server ms, request")
    for began, done, server, waited, what in sorted(wire.timeline):
        print(f"    {(began - started) * 1000:6.0f} – {(done - started) * 1000:6.0f}  "
              f"{waited:>5}  {server:7.1f}  {what}")


# The wall-clock time (epoch ms) of the last change inside the page's content: the end of
# drawing, which the network does not show (a chart is drawn after its data has arrived).
LAST_DRAWN = """
(() => {
  window.__lastDrawn = 0;
  new MutationObserver((changes) => {
    if (changes.some((c) => c.target.closest && c.target.closest('#_pages_content'))) {
      window.__lastDrawn = performance.timeOrigin + performance.now();
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""


def drawn(page, wire: Wire, since: float) -> float:
    """Seconds from ``since`` (Chromium's clock) to the later of the last response and the
    last change drawn in the page."""
    at = page.evaluate("() => window.__lastDrawn") / 1000  # epoch s
    return max(wire.last, wire.first + at - wire.wall if at else 0.0) - since


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".js-plotly-plot, .ag-root, .kpi-row", timeout=60000)
    page.wait_for_load_state("networkidle")


def measured(page, wire: Wire, since: float, label: str, timeline: bool) -> dict:
    """A settled visit's figures, timed from ``since`` (Chromium's clock); with ``timeline``
    its requests and when it was drawn are printed (ms from the visit's first request)."""
    result = {"seconds": wire.last - since, "drawn": drawn(page, wire, since),
              "bytes": wire.bytes, "requests": wire.requests, "slowest": wire.slowest}
    if timeline:
        print_timeline(label, wire.first, wire)
        print(f"  drawn: {(result['drawn'] + since - wire.first) * 1000:.0f}")
    return result


def visit(browser, base: str, user: str, mbit: float, latency: float,
          timeline: bool = False) -> tuple[dict, dict]:
    """One user's first visit (from the login form's submit, the typing left out) and repeat
    visit (from opening the home page), each until its last response and until drawn."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.add_init_script(LAST_DRAWN)
    page = context.new_page()
    wire = throttle(page, context, mbit, latency)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    settle(page)
    first = measured(page, wire, wire.login, "first visit, from the login page", timeline)
    home = page.url
    page.close()
    page = context.new_page()
    wire = throttle(page, context, mbit, latency)
    page.goto(home)
    settle(page)
    repeat = measured(page, wire, wire.first, "repeat visit", timeline)
    context.close()
    return first, repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8050")
    parser.add_argument("--user", default="reviewer")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mbit", type=float, default=10.0)
    parser.add_argument("--latency", type=float, default=50.0, help="milliseconds")
    parser.add_argument("--timeline", action="store_true",
                        help="print every request of each visit (start, queue, server time)")
    options = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        visit(browser, options.base, options.user, 1000,
              0)  # warm the server (compressed files made once)
        runs = [visit(browser, options.base, options.user, options.mbit, options.latency,
                      options.timeline) for _ in range(options.runs)]
        browser.close()
    link = (f"{options.mbit:g} Mbit/s + {options.latency:g} ms" if options.mbit
            else "loopback, not throttled")
    print(f"{options.user}'s home page at {link}, {options.runs} run(s), median")
    # issue 11: 3 s first and 1 s repeat over the slow link; 1.5 s from login to idle unthrottled
    targets = (3.0, 1.0) if options.mbit else (1.5, 1.5)
    for index, label, target in ((0, "first visit (empty cache, submit login to home)",
                                  targets[0]),
                                 (1, "repeat visit (cache warm, home)", targets[1])):
        seconds = statistics.median(r[index]["seconds"] for r in runs)
        painted = statistics.median(r[index]["drawn"] for r in runs)
        sent = statistics.median(r[index]["bytes"] for r in runs)
        requests = statistics.median(r[index]["requests"] for r in runs)
        verdict = "ok" if seconds <= target else "OVER"
        slowest = max(r[index]["slowest"] for r in runs)
        print(
            f"  {label:<42} {seconds:6.2f} s (target {target:g} s, {verdict}), "
            f"drawn {painted:.2f} s  "
            f"{sent / 1024:8.0f} KiB  {requests:4.0f} requests; slowest {slowest[1]} {slowest[0]:.2f} s"  # noqa: E501
        )


if __name__ == "__main__":
    main()
