"""Open a downloaded report in headless Chromium, from disk, and check that every image loads.

Usage: python scripts/check_report.py demo-output/report/report.html [--screenshot out.png]

A copy of the page (next to the original, so relative chart paths still resolve) gets a script
that records, after load, how many <img> elements decoded; Chromium prints the final DOM and
this reads the count back. Exit status 1 when an image is missing or broken.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROBE = """<script>
window.addEventListener("load", () => {
  const images = [...document.images];
  const broken = images.filter((img) => !(img.complete && img.naturalWidth > 0));
  document.body.setAttribute("data-images", images.length);
  document.body.setAttribute("data-broken", broken.map((img) => img.getAttribute("src")).join(" "));
});
</script>"""
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--allow-file-access-from-files",
    "--virtual-time-budget=10000",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    sys.exit("Chromium is not installed (Debian: apt-get install chromium)")


def run(browser: str, profile: str, *args: str) -> str:
    command = [browser, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("--screenshot", type=Path)
    options = parser.parse_args(argv)
    page = options.page.resolve()
    probe = page.with_name(f".probe-{page.name}")
    probe.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    browser = chromium()
    try:
        with tempfile.TemporaryDirectory() as profile:
            dom = run(browser, profile, "--dump-dom", probe.as_uri())
            if options.screenshot:
                size = "--window-size=1280,2400"
                shot = f"--screenshot={options.screenshot.resolve()}"
                run(browser, profile, size, shot, page.as_uri())
    finally:
        probe.unlink()
    found = re.search(r'data-images="(\d+)" data-broken="([^"]*)"', dom)
    if not found:
        print("the page did not finish loading in Chromium")
        return 1
    count, broken = int(found[1]), found[2].split()
    print(f"{page}: {count} images, {len(broken)} broken {broken if broken else ''}".rstrip())
    return 1 if broken or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
