"""A role's home page over a slow intranet link, in headless Chromium.

    python -m bench.first_visit [--base http://127.0.0.1:8050] [--user reviewer] [--runs 3]
                                [--mbit 10] [--latency 50]

Start a server first (``portal demo`` or ``portal serve``). Chromium's network throttling
(CDP ``Network.emulateNetworkConditions``: 10 Mbit/s both ways, 50 ms latency by default)
stands for the link. Printed, never asserted:

- first visit: an empty browser cache, from opening ``/login`` through the login to the
  home page's last response (its charts drawn);
- repeat visit: the same browser opening the home page again, logged in, cache warm;

each with the bytes that crossed the wire (compressed, as sent) and the requests made.
Targets (issue 11): first ≤ 3 s, repeat ≤ 1 s at 10 Mbit/s + 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "Portal#2026"


class Wire:
    """Bytes and requests seen by Chromium's network domain, and when the last one ended."""

    def __init__(self, cdp):
        self.bytes = 0
        self.requests = 0
        self.last = 0.0
        self.started: dict[str, tuple[float, str]] = {}
        self.slowest = (0.0, "")
        cdp.on("Network.loadingFinished", self.finished)
        cdp.on("Network.requestWillBeSent", self.sent)

    def sent(self, event) -> None:
        self.requests += 1
        self.started[event["requestId"]] = (time.perf_counter(),
                                            urlsplit(event["request"]["url"]).path)

    def finished(self, event) -> None:
        self.bytes += int(event.get("encodedDataLength", 0))
        self.last = time.perf_counter()
        began, path = self.started.get(event["requestId"], (self.last, ""))
        self.slowest = max(self.slowest, (self.last - began, path))

    def reset(self) -> None:
        self.bytes, self.requests, self.last = 0, 0, 0.0


def throttle(page, context, mbit: float, latency: float) -> Wire:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    rate = mbit * 1_000_000 / 8
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency,
                                                  "downloadThroughput": rate,
                                                  "uploadThroughput": rate})
    return Wire(cdp)


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".js-plotly-plot, .ag-root, .kpi-row", timeout=60000)
    page.wait_for_load_state("networkidle")


def visit(browser, base: str, user: str, mbit: float, latency: float) -> tuple[dict, dict]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    wire = throttle(page, context, mbit, latency)
    started = time.perf_counter()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    settle(page)
    first = {"seconds": wire.last - started, "bytes": wire.bytes, "requests": wire.requests,
             "slowest": wire.slowest}
    home = page.url
    page.close()
    page = context.new_page()
    wire = throttle(page, context, mbit, latency)
    started = time.perf_counter()
    page.goto(home)
    settle(page)
    repeat = {"seconds": wire.last - started, "bytes": wire.bytes, "requests": wire.requests,
              "slowest": wire.slowest}
    context.close()
    return first, repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8050")
    parser.add_argument("--user", default="reviewer")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mbit", type=float, default=10.0)
    parser.add_argument("--latency", type=float, default=50.0, help="milliseconds")
    options = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        visit(browser, options.base, options.user, 1000,
              0)  # warm the server (compressed files made once)
        runs = [visit(browser, options.base, options.user, options.mbit, options.latency)
                for _ in range(options.runs)]
        browser.close()
    print(f"{options.user}'s home page at {options.mbit:g} Mbit/s + {options.latency:g} ms, "
          f"{options.runs} run(s), median")
    for index, label, target in ((0, "first visit (empty cache, login to home)", 3.0),
                                 (1, "repeat visit (cache warm, home)", 1.0)):
        seconds = statistics.median(r[index]["seconds"] for r in runs)
        sent = statistics.median(r[index]["bytes"] for r in runs)
        requests = statistics.median(r[index]["requests"] for r in runs)
        verdict = "ok" if seconds <= target else "OVER"
        slowest = max(r[index]["slowest"] for r in runs)
        print(
            f"  {label:<42} {seconds:6.2f} s (target {target:g} s, {verdict})  "
            f"{sent / 1024:8.0f} KiB  {requests:4.0f} requests; slowest {slowest[1]} {slowest[0]:.2f} s"  # noqa: E501
        )


if __name__ == "__main__":
    main()
