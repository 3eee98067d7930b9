"""The dashboard: its settings and model, its views, that the command line never loads
it, and the page itself in headless Chromium (offline, one model per session)."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from imssim.config import group_options, scale_budget_changes, scale_threat_events, to_config
from imssim.errors import ConfigError
from imssim.present.dashboard.runs import (
    DashboardModel,
    DashboardSettings,
    shipped_defaults,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "results" / "dashboard"
CHROMIUM = os.environ.get("IMSSIM_CHROMIUM", "/usr/bin/chromium")
# flags for a headless Chromium that makes no request of its own (updates, sync, ...)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


# --------------------------------------------------------------------------- config


def test_scaling_budget_changes_multiplies_cuts_and_rises_only():
    scenario = to_config({"scenario": "rebound_2014"}).scenario
    doubled = scale_budget_changes(scenario, 2.0)
    assert [c.cut for c in doubled.budget_changes] == pytest.approx(
        [2 * c.cut for c in scenario.budget_changes]
    )
    assert [c.rise for c in doubled.budget_changes] == pytest.approx(
        [2 * c.rise for c in scenario.budget_changes]
    )
    assert [(c.who, c.start, c.end) for c in doubled.budget_changes] == [
        (c.who, c.start, c.end) for c in scenario.budget_changes
    ]
    assert doubled.growth_changes == scenario.growth_changes
    assert doubled.name == "rebound_2014 (budget changes x2)"
    assert scale_budget_changes(scenario, 1.0) is scenario
    none = scale_budget_changes(scenario, 0.0)
    assert all(c.cut == 0 and c.rise == 0 for c in none.budget_changes)


def test_scaling_threat_events_multiplies_their_rises():
    scenario = to_config({"scenario": "history_2012_2024"}).scenario
    half = scale_threat_events(scenario, 0.5)
    assert [e.near_rise for e in half.threat_events] == pytest.approx(
        [0.5 * e.near_rise for e in scenario.threat_events]
    )
    assert [e.year for e in half.threat_events] == [e.year for e in scenario.threat_events]
    assert half.budget_rules == scenario.budget_rules


def test_a_scaled_cut_of_the_whole_budget_is_refused():
    settings = DashboardSettings(scenario="deep_cuts", budget_scale=5.0)
    with pytest.raises(ConfigError, match=r"budget_changes\[0\]\.cut"):
        settings.config()
    with pytest.raises(ConfigError, match="scale"):
        scale_budget_changes(to_config({"scenario": "deep_cuts"}).scenario, -1.0)


def test_settings_default_to_the_command_line_s_run():
    assert shipped_defaults() == {"scenario": "austerity_2012", "policy": "default"}
    config = DashboardSettings().config()
    assert config.scenario.name == "austerity_2012"
    assert config.policy.name == "default"
    assert (config.seed, config.focal, config.catalyst) == (42, "NLD", 0.5)
    assert "baseline" in group_options("scenario") and "default" in group_options("policy")


# --------------------------------------------------------------------------- the model


@pytest.fixture(scope="module")
def stepped() -> DashboardModel:
    model = DashboardModel(DashboardSettings(end_year=2020))
    model.advance_to(2015)
    return model


def test_the_model_steps_the_run_and_its_counterfactual_together(stepped):
    assert stepped.year == stepped.counterfactual.year == 2015
    assert stepped.steps == 3
    run, counterfactual = stepped.tables()
    assert run.countries["year"].max() == counterfactual.countries["year"].max() == 2015
    assert counterfactual.countries is not run.countries
    assert stepped.counterfactual.config.scenario.budget_changes == []
    assert stepped.run.config.scenario.budget_changes


@pytest.mark.slow
def test_the_model_equals_a_whole_run_of_the_same_config():
    from imssim.runs.api import run_pair

    settings = DashboardSettings(end_year=2016, seed=3, budget_scale=1.5)
    model = DashboardModel(settings)
    model.advance_to(2100)
    assert model.year == 2016 and not model.running
    pair = run_pair(settings.config())
    run, counterfactual = model.tables()
    assert run.countries.equals(pair.tables.countries)
    assert counterfactual.pairs.equals(pair.counterfactual.tables.pairs)


def test_each_model_is_its_own():
    first, second = DashboardModel(), DashboardModel()
    first.step()
    assert (first.year, second.year) == (2013, 2012)
    assert first.run is not second.run


# --------------------------------------------------------------------------- the views


@pytest.mark.slow
def test_the_views_draw_the_year_reached(stepped):
    from PIL import Image

    from imssim.present.dashboard import views

    for draw in (views.rings_png, views.trends_png, views.cooperation_png):
        png = draw(stepped)
        assert png.startswith(b"\x89PNG")
        from io import BytesIO

        assert min(Image.open(BytesIO(png)).size) > 300
    assert views.cooperation_png(stepped, "network").startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="unknown view"):
        views.cooperation_png(stepped, "map")
    lines = views.rings_text(stepped)
    assert lines[0].startswith("Partner rings of the Netherlands (NLD) in 2015")
    assert lines[1].startswith("NLD 2015: strategic ")
    assert lines[2].startswith("Ring moves in 2015")
    assert any(line.startswith("capacity to act") for line in views.headline(stepped))
    scenario = stepped.config.scenario
    lines = views.scenario_text(stepped)
    assert len(lines) == min(8, 1 + len(scenario.growth_changes) + len(scenario.budget_changes))
    assert lines[0].startswith("every year: real GDP of every state grows by")


def test_the_events_are_the_year_s_in_plain_words(stepped):
    from imssim.present.dashboard import views

    run, _ = stepped.tables()
    events = run.events[run.events["year"] == 2015]
    mine = events[(events["country"] == "NLD") | (events["partner"] == "NLD")]
    frame = views.year_events(stepped)
    assert list(frame.columns) == list(views.EVENT_COLUMNS)
    assert len(frame) == len(mine)
    assert len(views.year_events(stepped, everyone=True)) == len(events)
    assert frame["state"].str.contains("NLD").sum() + frame["with"].str.contains(
        "NLD"
    ).sum() >= len(frame)
    codes = set(run.events["reason"])
    assert codes <= set(views.REASONS), f"reasons without words: {codes - set(views.REASONS)}"
    assert views.event_counts(stepped).startswith("2015, all states: ")


# --------------------------------------------------------------------------- imports


@pytest.mark.slow
def test_the_command_line_never_loads_the_visualization():
    code = (
        "import sys, imssim.cli.main, imssim.runs.api, imssim.present.dashboard\n"
        "import imssim.present.dashboard.runs\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'solara'"
        " or m.startswith('mesa.visualization'))\n"
        "print(loaded)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]", f"loaded by the command line: {out.stdout}"


@pytest.mark.slow
def test_the_page_builds_no_model_at_import():
    import mesa

    pytest.importorskip("solara")
    from imssim.present.dashboard import app

    shared = [name for name, value in vars(app).items() if isinstance(value, mesa.Model)]
    assert not shared, f"models built at import, shared by every session: {shared}"


def test_the_server_listens_on_the_loopback_by_default():
    from imssim.cli import dashboard as server

    args = server.parse_args([])
    assert (args.host, server.url(args.host, 8765)) == ("127.0.0.1", "http://127.0.0.1:8765/")
    assert server.parse_args(["--port", "9000"]).port == 9000
    with pytest.raises(SystemExit):
        server.parse_args(["--port", "0"])
    assert urlsplit(server.NO_CDN).hostname == "127.0.0.1"
    assert server.OFFLINE_ENVIRONMENT["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    if importlib.util.find_spec("solara") is not None:
        assert server.missing_packages() == []


# --------------------------------------------------------------------------- the browser


def _browser_or_skip() -> None:
    """Skip without Chromium or Playwright, except in CI, where that is an error."""
    missing = []
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        missing.append(f"Chromium ({CHROMIUM}; Debian: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright (pip install -e '.[dashboard]')")
    if not missing:
        return
    message = (
        f"the dashboard's browser test needs {' and '.join(missing)}; `make test` installs "
        "both (scripts/setup.sh, as root with apt-get for Chromium); set IMSSIM_CHROMIUM "
        "to use another Chromium"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(folder: Path, *args: str) -> Iterator[str]:
    """The dashboard served by its command (with `args`) on a free port of the loopback,
    run in `folder`: its URL."""
    _browser_or_skip()
    port = _free_port()
    log = (folder / "server.log").open("w")
    # the server imports the same imssim as the tests, wherever it runs from
    import imssim

    source = str(Path(imssim.__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
    server = subprocess.Popen(
        [sys.executable, "-m", "imssim.cli.dashboard", "--port", str(port), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": path},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    logged = (folder / "server.log").read_text()
                    pytest.fail(f"the dashboard did not start: {logged}")
                time.sleep(0.25)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture
def dashboard(tmp_path):
    """The dashboard served by its command on a free port of the loopback: its URL."""
    with served(tmp_path) as url:
        yield url


IMAGE_PIXELS = """selector => {
    const found = document.querySelector(selector);
    const img = found && (found.tagName === 'IMG' ? found : found.querySelector('img'));
    if (!img || !img.complete || img.naturalWidth === 0) return null;
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    canvas.getContext('2d').drawImage(img, 0, 0);
    return canvas.toDataURL();
}"""


def _host(url: str) -> str:
    """The host a request went to (a blob's is its page's)."""
    return urlsplit(url.removeprefix("blob:")).hostname or url


def _year(page) -> int:
    return int(page.locator(".imssim-year b").inner_text())


def _wait_year(page, year: int) -> None:
    page.wait_for_function(
        "y => { const b = document.querySelector('.imssim-year b');"
        " return b && Number(b.textContent) === y }",
        arg=year,
        timeout=30_000,
    )


def _wait_rings(page, text: str) -> None:
    """Wait until the text under the ring diagram names `text` (the page may show the new
    year a moment before the diagram's texts)."""
    page.wait_for_function(
        "t => { const e = document.querySelector('.imssim-rings-text');"
        " return e && e.textContent.includes(t) }",
        arg=text,
        timeout=30_000,
    )


def _open(context, url: str):
    """A new tab on the dashboard, usable: the ring diagram drawn, Step enabled."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(f"() => ({IMAGE_PIXELS})('.imssim-rings') !== null", timeout=60_000)
    page.get_by_role("button", name="Step").wait_for(state="visible")
    return page


@pytest.mark.slow
def test_the_page_plays_a_scenario_offline_in_a_browser(dashboard, tmp_path):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    requests: list[str] = []
    timings: dict[str, float] = {}
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=list(CHROMIUM_FLAGS),
            headless=True,
            viewport={"width": 1600, "height": 1000},
        )
        context.on("request", lambda request: requests.append(request.url))
        context.on("page", lambda tab: tab.on("websocket", lambda ws: requests.append(ws.url)))
        try:
            started = time.perf_counter()
            page = _open(context, dashboard)
            timings["page_usable_s"] = time.perf_counter() - started

            first = _year(page)
            rings = page.evaluate(IMAGE_PIXELS, ".imssim-rings")
            steps = []
            for k in range(1, 4):
                clicked = time.perf_counter()
                page.get_by_role("button", name="Step").click()
                _wait_year(page, first + k)
                steps.append(time.perf_counter() - clicked)
            timings["step_s"] = sorted(steps)[1]  # the median of three
            assert _year(page) == first + 3
            _wait_rings(page, f"NLD {first + 3}: strategic")
            stepped = page.evaluate(IMAGE_PIXELS, ".imssim-rings")
            assert stepped and stepped != rings, "the ring diagram did not change over 3 steps"

            # another tab is another session: its own model, still in the first year
            other = _open(context, dashboard)
            assert _year(other) == first
            other.get_by_role("button", name="Step").click()
            _wait_year(other, first + 1)
            other.close()
            assert _year(page) == first + 3

            # the focal state: the diagram follows, in the same year
            changed = time.perf_counter()
            page.locator(".v-select").filter(has_text="Focal state").click()
            page.locator(".v-menu__content .v-list-item").filter(has_text="Germany (DEU)").click()
            _wait_rings(page, f"DEU {first + 3}: strategic")
            timings["focal_change_s"] = time.perf_counter() - changed
            assert _year(page) == first + 3
            german = page.evaluate(IMAGE_PIXELS, ".imssim-rings")
            assert german and german != stepped, "the ring diagram did not follow the focal state"
            page.mouse.move(0, 0)
            page.screenshot(path=str(ARTIFACTS / "screenshot.png"))

            # Reset: back to the first year, the settings kept
            page.get_by_role("button", name="Reset").click()
            _wait_year(page, first)
            _wait_rings(page, f"DEU {first}: strategic")
        finally:
            context.close()

    hosts = sorted({_host(url) for url in requests if not url.startswith("data:")})
    outside = [h for h in hosts if h not in LOOPBACK and not h.startswith("127.")]
    assert not outside, f"the page loaded from outside this machine: {outside}"
    (ARTIFACTS / "timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    print(
        f"dashboard: usable after {timings['page_usable_s']:.1f} s, one step "
        f"{timings['step_s']:.2f} s, a change of focal state {timings['focal_change_s']:.2f} s"
    )
