"""Open a report from disk in headless Chromium and fail on anything a person would notice.

Usage: python scripts/check_report.py demo-output/report/report.html [--min-charts 8]
           [--screenshot first-screen.png] [--full-page full-page.png]

Chromium is driven over its DevTools protocol on a pipe (`--remote-debugging-pipe`, no port).
The check fails (exit status 1, each problem on its own line) on:
- a console error, an uncaught exception or a browser log error (CSP refusals included);
- a request that is not file:, data:, blob: or about: (http and https are also blocked, so
  nothing leaves the machine while checking);
- a chart that does not render: an <svg> with no drawn shape (unless it says it is empty
  and shows its message), an <img> that did not decode, or fewer charts than --min-charts;
- hover values or drag-to-zoom that do not respond, on a page with interactive charts.
Screenshots are taken at 1400x900: the first screen, and the full page.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 1400, 900
TIMEOUT = 60.0
SETTLE = 0.5
"""Seconds to keep listening after the load event, for late requests and errors."""
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome-error:")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-default-browser-check",
    "--remote-debugging-pipe",
]
CHARTS = """(() => {
  const problems = [];
  const svgs = [...document.querySelectorAll("svg")];
  for (const [index, svg] of svgs.entries()) {
    const name = svg.getAttribute("aria-label") || `svg #${index + 1}`;
    const box = svg.getBoundingClientRect();
    if (!(box.width > 0 && box.height > 0)) { problems.push(`${name}: not laid out`); continue; }
    if (svg.dataset.empty !== undefined) {
      const message = svg.querySelector("text")?.textContent.trim();
      if (!message) problems.push(`${name}: empty, no message`);
      continue;
    }
    const scope = svg.querySelector("g.data") || svg;
    const drawn = [...scope.querySelectorAll("path,rect,polyline,polygon,circle,ellipse,line")]
      .filter((shape) => {
        if (shape.closest("clipPath")) return false;
        const b = shape.getBBox();
        return b.width > 0 || b.height > 0;
      });
    if (!drawn.length) problems.push(`${name}: no drawn shape`);
  }
  const images = [...document.images];
  for (const img of images) {
    const src = img.getAttribute("src");
    if (!(img.complete && img.naturalWidth > 0)) problems.push(`image ${src}: did not decode`);
  }
  return {charts: svgs.length + images.length, problems};
})()"""
PLOT_CENTRE = """(() => {
  const svg = document.querySelector("svg.chart[data-hover]");
  if (!svg) return null;
  svg.scrollIntoView({block: "center"});
  const m = svg.getScreenCTM(), d = svg.dataset;
  const at = (x, y) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; };
  const y = (+d.top + +d.bottom) / 2;
  const w = +d.right - +d.left;
  const x = (share) => +d.left + w * share;
  return {centre: at(x(0.5), y), from: at(x(0.3), y), to: at(x(0.6), y)};
})()"""
HOVERED = """(() => { const tip = document.querySelector(".tip");
  return !!tip && !tip.hidden && tip.textContent.length > 0; })()"""
ZOOMED = """(() => [...document.querySelectorAll("svg.chart g.data")]
  .some((g) => (g.getAttribute("transform") || "").startsWith("matrix")))()"""


class Browser:
    """Chromium with one page, spoken to over the DevTools pipe (fds 3 and 4 of the child)."""

    def __init__(self, executable: str, profile: str) -> None:
        to_child, self._to_browser = os.pipe()
        self._from_browser, from_child = os.pipe()

        def fds() -> None:
            reading, writing = os.dup(to_child), os.dup(from_child)  # free of 3 and 4
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=fds,  # dup2 leaves 3 and 4 inheritable; every other pipe end is not
            close_fds=False,
        )
        os.close(to_child)
        os.close(from_child)
        self.events: list[dict[str, Any]] = []
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._next = 0
        self._session: str | None = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        """Route replies to their senders, keep events, and fail paused http(s) requests."""
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as pipe:
            while chunk := pipe.read(1 << 16):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        with self._lock:
                            waiting = self._replies.pop(message["id"], None)
                        if waiting is not None:
                            waiting.put(message)
                        continue
                    self.events.append(message)
                    if message.get("method") == "Fetch.requestPaused":
                        self._post(
                            "Fetch.failRequest",
                            {
                                "requestId": message["params"]["requestId"],
                                "errorReason": "BlockedByClient",
                            },
                        )

    def _post(self, method: str, params: dict[str, Any]) -> queue.Queue[dict[str, Any]]:
        """Write one command; the queue its reply will arrive on."""
        reply: queue.Queue[dict[str, Any]] = queue.Queue()
        with self._lock:
            self._next += 1
            message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
            if self._session and not method.startswith("Target."):
                message["sessionId"] = self._session
            self._replies[self._next] = reply
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return reply

    def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """One command; its result, or RuntimeError with the browser's error."""
        try:
            reply = self._post(method, params or {}).get(timeout=TIMEOUT)
        except queue.Empty:
            raise RuntimeError(f"{method}: no answer from Chromium in {TIMEOUT:.0f} s") from None
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def open_page(self) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"check script failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, method: str, timeout: float = TIMEOUT) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(event.get("method") == method for event in self.events):
                return True
            time.sleep(0.05)
        return False

    def mouse(self, kind: str, x: float, y: float, buttons: int = 0) -> None:
        self.send(
            "Input.dispatchMouseEvent",
            {
                "type": kind,
                "x": x,
                "y": y,
                "button": "left" if kind != "mouseMoved" or buttons else "none",
                "buttons": buttons,
                "clickCount": 1 if kind != "mouseMoved" else 0,
            },
        )

    def screenshot(self, path: Path, full_page: bool) -> None:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params["captureBeyondViewport"] = True
            params["clip"] = {"x": 0, "y": 0, "width": WIDTH, "height": size["height"], "scale": 1}
        data = self.send("Page.captureScreenshot", params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def problems_in(events: list[dict[str, Any]]) -> list[str]:
    """Console errors, uncaught exceptions, browser log errors and requests off the machine."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            found.append(f"console error: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            found.append(f"uncaught exception: {text}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            found.append(f"browser error: {params['entry'].get('text')}")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith(LOCAL_SCHEMES):
                found.append(f"request off the machine: {url}")
        elif method == "Network.webSocketCreated":
            found.append(f"request off the machine: {params['url']}")
    return list(dict.fromkeys(found))


def check(
    page: Path,
    *,
    min_charts: int = 1,
    screenshot: Path | None = None,
    full_page: Path | None = None,
) -> list[str]:
    """Every problem found on `page`; empty when the report is fine."""
    executable = chromium()
    if executable is None:
        return ["Chromium is not installed (Debian: apt-get install chromium)"]
    with tempfile.TemporaryDirectory(prefix="check-report-") as profile:
        browser = Browser(executable, profile)
        try:
            return _check(browser, page, min_charts, screenshot, full_page)
        finally:
            browser.close()


def _check(
    browser: Browser,
    page: Path,
    min_charts: int,
    screenshot: Path | None,
    full_page: Path | None,
) -> list[str]:
    browser.open_page()
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(f"{domain}.enable")
    browser.send("Fetch.enable", {"patterns": [{"urlPattern": "http*"}, {"urlPattern": "ws*"}]})
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
    )
    browser.send("Page.navigate", {"url": page.resolve().as_uri()})
    if not browser.wait_for("Page.loadEventFired"):
        return [f"the page did not finish loading in {TIMEOUT:.0f} s"]
    time.sleep(SETTLE)
    result = browser.evaluate(CHARTS)
    problems = list(result["problems"])
    if result["charts"] < min_charts:
        problems.append(f"{result['charts']} charts, expected at least {min_charts}")
    if screenshot is not None:
        browser.screenshot(screenshot, full_page=False)
    if full_page is not None:
        browser.screenshot(full_page, full_page=True)
    problems += _interaction_problems(browser)
    time.sleep(SETTLE)
    return problems_in(browser.events) + problems


def _interaction_problems(browser: Browser) -> list[str]:
    """Hover shows values and a drag zooms, on the first chart that has hover values."""
    points = browser.evaluate(PLOT_CENTRE)
    if points is None:
        return []
    problems = []
    (cx, cy), (ax, ay), (bx, by) = points["centre"], points["from"], points["to"]
    browser.mouse("mouseMoved", cx, cy)
    if not browser.evaluate(HOVERED):
        problems.append("hovering a chart shows no values")
    browser.mouse("mouseMoved", ax, ay)
    browser.mouse("mousePressed", ax, ay, buttons=1)
    browser.mouse("mouseMoved", bx, by, buttons=1)
    browser.mouse("mouseReleased", bx, by)
    if not browser.evaluate(ZOOMED):
        problems.append("dragging across a chart does not zoom")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("--min-charts", type=int, default=1, help="charts the page must have")
    parser.add_argument("--screenshot", type=Path, help="PNG of the first screen (1400x900)")
    parser.add_argument("--full-page", type=Path, help="PNG of the whole page")
    options = parser.parse_args(argv)
    if not options.page.is_file():
        print(f"{options.page}: no such file")
        return 1
    problems = check(
        options.page,
        min_charts=options.min_charts,
        screenshot=options.screenshot,
        full_page=options.full_page,
    )
    for problem in problems:
        print(f"{options.page}: {problem}")
    if not problems:
        print(f"{options.page}: renders offline, no console errors, every chart drawn")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
