"""How long the dashboard's comparison page takes to show 3 scenarios x 8 seeds.

    .venv/bin/python experiments/dashboard_compare_timing.py [--seed 1000]

Serves the dashboard with its command on a free port of the loopback, opens in
headless Chromium (Debian's, or $IMSSIM_CHROMIUM) the address of a comparison of
austerity_2012, deep_cuts and rebound_2014 with 8 seeds each (48 runs, counterfactuals
included; seeds from --seed, none run before in that server), and measures the time
from opening the address to the chart being ready. Adds ``comparison_3x8_s`` to
results/dashboard/compare_timings.json, beside the page's other timings that
tests/present/test_dashboard_compare.py measures (page usable, one export).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "dashboard" / "compare_timings.json"
SCENARIOS = ("austerity_2012", "deep_cuts", "rebound_2014")


def free_port() -> int:
    """A port of the loopback nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until the server answers at `url` (exit if it stops or takes too long)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the dashboard did not start") from None
            time.sleep(0.25)


def measure(url: str, chromium: str) -> float:
    """Seconds from opening the comparison's address to its chart being ready."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        started = time.perf_counter()
        page.goto(url)
        ready = page.locator(".imssim-ready").filter(has_text="3 scenarios x 8 seeds")
        ready.wait_for(timeout=600_000)
        elapsed = time.perf_counter() - started
        browser.close()
    return elapsed


def main() -> None:
    """Serve the dashboard, time the comparison, add the time to the timings file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1000, help="the first seed (default 1000)")
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "imssim.cli.dashboard", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base, server)
        query = f"scenarios={','.join(SCENARIOS)}&seeds=8&seed={args.seed}"
        seconds = measure(
            f"{base}compare?{query}", os.environ.get("IMSSIM_CHROMIUM", "/usr/bin/chromium")
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(OUT.read_text()) if OUT.is_file() else {}
    OUT.write_text(json.dumps({**known, "comparison_3x8_s": seconds}, indent=2) + "\n")
    print(f"3 scenarios x 8 seeds ready after {seconds:.1f} s (written to {OUT})")


if __name__ == "__main__":
    main()
