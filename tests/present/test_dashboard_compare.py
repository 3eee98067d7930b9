"""The dashboard's comparison page: its setting and address, the per-seed table and its
bands, the exports, one's own scenario files, and the page in headless Chromium."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import time

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from imssim.config import group_options
from imssim.errors import ConfigError
from imssim.outcomes import DEFAULT_MEASURES, MEASURES
from imssim.present.dashboard import compare
from imssim.present.dashboard.catalogue import (
    DIRS_VARIABLE,
    own_scenarios,
    scenario_choices,
)
from imssim.present.dashboard.compare import CompareSetting, from_query, to_query
from imssim.world import load_world

SHIPPED = group_options("scenario")


def _own_scenario(folder, name="strategist", **extra) -> str:
    """A scenario file of one's own in `folder`/scenario: Germany cuts 20 % in 2025."""
    (folder / "scenario").mkdir(parents=True, exist_ok=True)
    content = {
        "name": name,
        "description": "Germany cuts its defence budget by 20 % in 2025",
        "budget_changes": [{"who": ["DEU"], "start": 2025, "end": 2025, "cut": 0.2}],
        **extra,
    }
    path = folder / "scenario" / f"{name}.yaml"
    path.write_text(yaml.safe_dump(content))
    return str(path)


# --------------------------------------------------------------------------- the address


settings_strategy = st.builds(
    CompareSetting,
    scenarios=st.lists(st.sampled_from(SHIPPED), min_size=1, max_size=4, unique=True).map(tuple),
    seeds=st.integers(*compare.SEEDS_RANGE),
    seed=st.integers(0, 10**6),
    measures=st.lists(st.sampled_from(list(MEASURES)), min_size=1, unique=True).map(tuple),
    policy=st.sampled_from(group_options("policy")),
    focal=st.sampled_from(sorted(load_world().name_of)),
    counterfactual=st.sampled_from([compare.BASELINE, *SHIPPED]),
    show=st.sampled_from(compare.SHOWS),
)


@settings(max_examples=60, deadline=None)
@given(settings_strategy)
def test_the_address_gives_back_the_setting_it_holds(setting):
    back, problems = from_query(to_query(setting), SHIPPED)
    assert (back, problems) == (setting, [])


def test_an_empty_address_is_the_default_setting():
    setting, problems = from_query("", SHIPPED)
    assert problems == [] and setting == CompareSetting()
    assert setting.measures == DEFAULT_MEASURES and setting.seeds == compare.DEFAULT_SEEDS
    assert len(setting.scenarios) >= 2 and set(setting.scenarios) <= set(SHIPPED)


def test_a_bad_scenario_in_the_address_is_named_and_left_out():
    setting, problems = from_query("scenarios=nosuch,deep_cuts&seeds=3", SHIPPED)
    assert setting.scenarios == ("deep_cuts",) and setting.seeds == 3
    assert len(problems) == 1
    assert "'nosuch'" in problems[0] and "deep_cuts" in problems[0]
    assert "\n" not in problems[0]
    # nothing usable left: the default scenarios, with the note
    setting, problems = from_query("scenarios=nosuch", SHIPPED)
    assert setting.scenarios == CompareSetting().scenarios and problems


def test_other_mistakes_in_the_address_keep_their_defaults():
    setting, problems = from_query("seeds=99&seed=x&measures=nope&show=pie&colour=red", SHIPPED)
    assert setting == CompareSetting()
    assert len(problems) == 5
    assert any("seeds='99'" in p and "1-32" in p for p in problems)
    assert any("colour=" in p for p in problems)
    setting, problems = from_query(f"scenarios={','.join(SHIPPED[:6])}", SHIPPED)
    assert len(setting.scenarios) == compare.MAX_SCENARIOS and problems


# --------------------------------------------------------------------------- the table


@pytest.fixture(scope="module")
def small():
    """Two scenarios x 3 seeds, each with its counterfactual."""
    setting = CompareSetting(scenarios=("deep_cuts", "baseline"), seeds=3, seed=7)
    seen = []
    table = compare.comparison_table(setting, progress=lambda d, t: seen.append((d, t)))
    return setting, table, seen


def test_n_seeds_give_n_rows_per_year_scenario_and_side(small):
    setting, table, seen = small
    assert list(table.columns) == [*compare.KEYS, *MEASURES]
    counts = table.groupby(["scenario", "side", "year"]).size()
    assert set(counts) == {3}
    assert sorted(table["seed"].unique()) == [7, 8, 9]
    assert set(table["side"]) == set(compare.SIDES)
    years = sorted(table["year"].unique())
    assert len(table) == 2 * 3 * 2 * len(years)
    assert seen[-1] == (12, 12) == (setting.total, setting.total)
    assert [d for d, _ in seen] == [2, 4, 6, 8, 10, 12]


def test_the_table_holds_the_runs_own_outcomes(small):
    """One row equals the run made directly, read from its tables: the capacity to act as
    an index of the first year, the shortfall in %."""
    from imssim.runs.api import run_pair

    _, table, _ = small
    pair = run_pair({"scenario": "deep_cuts", "seed": 8, "counterfactual": "baseline"})
    c = pair.tables.countries
    capacity = c[c["country"] == "NLD"].sort_values("year")["capacity_to_act"].to_numpy()
    shortfall = pair.tables.alliance.sort_values("year")["shortfall_total"].to_numpy()
    mine = table[(table["scenario"] == "deep_cuts") & (table["seed"] == 8)]
    run = mine[mine["side"] == "run"].set_index("year")
    assert run["capacity_to_act_index"].to_numpy() == pytest.approx(100 * capacity / capacity[0])
    assert run["shortfall_pct"].to_numpy() == pytest.approx(100 * shortfall)
    other = pair.counterfactual.tables.alliance.sort_values("year")["shortfall_total"]
    cf = mine[mine["side"] == "counterfactual"].set_index("year")
    assert cf["shortfall_pct"].to_numpy() == pytest.approx(100 * other.to_numpy())


def test_the_band_s_median_is_the_median_of_the_seeds(small):
    setting, table, _ = small
    stats = compare.bands(table, setting.measures)
    year = 2020
    values = table[
        (table["scenario"] == "deep_cuts") & (table["side"] == "run") & (table["year"] == year)
    ]["capacity_to_act_index"].to_numpy()
    row = stats[
        (stats["scenario"] == "deep_cuts")
        & (stats["side"] == "run")
        & (stats["measure"] == "capacity_to_act_index")
        & (stats["year"] == year)
    ].iloc[0]
    assert row["n"] == 3
    assert row["median"] == pytest.approx(np.median(values))
    assert row["p10"] == pytest.approx(np.percentile(values, 10))
    assert row["p90"] == pytest.approx(np.percentile(values, 90))
    assert row["p10"] <= row["median"] <= row["p90"]
    assert len(stats) == 2 * 2 * len(setting.measures) * table["year"].nunique()


def test_the_difference_is_each_run_minus_its_counterfactual(small):
    setting, table, _ = small
    diff = compare.differences(table)
    assert set(diff["side"]) == {"difference"}
    keyed = table.set_index(["scenario", "seed", "year", "side"])
    row = diff.iloc[40]
    key = (row["scenario"], row["seed"], row["year"])
    expected = (
        keyed.loc[(*key, "run"), "autonomy"] - keyed.loc[(*key, "counterfactual"), "autonomy"]
    )
    assert row["autonomy"] == pytest.approx(expected)
    # the baseline scenario has no budget change: its counterfactual is itself
    base = diff[diff["scenario"] == "baseline"]
    assert np.allclose(base[list(MEASURES)].fillna(0).to_numpy(), 0.0)
    stats = compare.bands(table, setting.measures, "difference")
    assert set(stats["side"]) == {"difference"}
    with pytest.raises(Exception, match="unknown view"):
        compare.bands(table, setting.measures, "pie")


def test_a_setting_returned_to_reuses_its_runs(small, monkeypatch):
    setting, table, _ = small
    assert compare.done_already(setting) == setting.total

    def refuse(*args, **kwargs):
        raise AssertionError("a run made again")

    monkeypatch.setattr("imssim.runs.api.run_pair", refuse)
    again = compare.comparison_table(dataclasses.replace(setting, seeds=2, show="difference"))
    pd.testing.assert_frame_equal(again, table[table["seed"] < 9].reset_index(drop=True))


def test_a_cancelled_comparison_stops():
    setting = CompareSetting(scenarios=("deep_cuts",), seeds=2, seed=900)
    with pytest.raises(compare.Cancelled):
        compare.comparison_table(setting, cancelled=lambda: True)
    assert compare.done_already(setting) == 0


# --------------------------------------------------------------------------- exports


def test_the_data_exports_hold_the_per_seed_table(small):
    setting, table, _ = small
    out = compare.export_table(table, setting)
    expected = ["scenario", "policy", "focal", "counterfactual", "seed", "year", "side"]
    assert list(out.columns) == [*expected, *setting.measures]
    csv = pd.read_csv(io.BytesIO(compare.data_bytes(out, "csv")))
    assert list(csv.columns) == list(out.columns) and len(csv) == len(table)
    parquet = pd.read_parquet(io.BytesIO(compare.data_bytes(out, "parquet")))
    pd.testing.assert_frame_equal(parquet, out)
    with pytest.raises(Exception, match="unknown data format"):
        compare.data_bytes(out, "xls")
    assert compare.file_stem(setting) == "compare_deep_cuts_baseline_3seeds"


@pytest.mark.slow
def test_the_chart_exports_as_png_and_svg(small):
    from PIL import Image

    from imssim.present.dashboard.compare_chart import captions, chart_bytes

    setting, table, _ = small
    stats = compare.bands(table, setting.measures)
    png = chart_bytes(stats, setting, "without the budget changes", "png")
    assert png.startswith(b"\x89PNG")
    width, height = Image.open(io.BytesIO(png)).size
    assert width > 900 and height > 600
    svg = chart_bytes(stats, setting, "without the budget changes", "svg").decode()
    assert "<svg" in svg and "deep_cuts" in svg and "Netherlands: capacity to act" in svg
    diff = dataclasses.replace(setting, show="difference", measures=("mean_form",))
    svg = chart_bytes(compare.bands(table, diff.measures, "difference"), diff, "", "svg").decode()
    assert "run minus counterfactual" in svg
    assert captions(diff) == [
        f"{MEASURES['mean_form'].title}: {MEASURES['mean_form'].description}. "
        f"{MEASURES['mean_form'].note}"
    ]
    with pytest.raises(ValueError, match="unknown chart format"):
        chart_bytes(stats, setting, "", "gif")


# --------------------------------------------------------------------------- own scenarios


def test_one_s_own_scenarios_are_offered_by_name(tmp_path, monkeypatch):
    path = _own_scenario(tmp_path)
    assert own_scenarios([tmp_path]) == {"strategist": tmp_path / "scenario" / "strategist.yaml"}
    monkeypatch.setenv(DIRS_VARIABLE, str(tmp_path))
    choices = scenario_choices()
    assert list(choices)[: len(SHIPPED)] == SHIPPED
    assert choices["strategist"] == str((tmp_path / "scenario" / "strategist.yaml").resolve())
    setting, problems = from_query("scenarios=strategist,deep_cuts&counterfactual=strategist")
    assert problems == [] and setting.scenarios == ("strategist", "deep_cuts")
    keys = compare.pair_keys(setting)
    assert (
        keys[0].scenario == choices["strategist"]
        and keys[0].counterfactual == choices["strategist"]
    )
    assert keys[0].config().scenario.name == "strategist"
    assert path.endswith("strategist.yaml")

    from imssim.present.dashboard.runs import DashboardSettings

    assert DashboardSettings(scenario="strategist").config().scenario.name == "strategist"


def test_a_folder_of_scenario_files_is_read_too(tmp_path):
    _own_scenario(tmp_path)
    flat = tmp_path / "flat"
    flat.mkdir()
    (tmp_path / "scenario" / "strategist.yaml").rename(flat / "strategist.yaml")
    assert list(own_scenarios([flat])) == ["strategist"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: None, "holds no scenario file"),
        (lambda d: _own_scenario(d, name="deep_cuts"), "named like the shipped scenario"),
        (
            lambda d: _own_scenario(d, budget_changes=[{"who": ["DEU"], "cut": "lots"}]),
            "strategist.yaml",
        ),
        (
            lambda d: (d / "scenario").mkdir() or (d / "scenario" / "a.yaml").write_text("name: b"),
            "holds name: b",
        ),
    ],
)
def test_a_bad_scenario_folder_is_refused_in_one_line(tmp_path, make, message):
    make(tmp_path)
    with pytest.raises(ConfigError, match=message) as caught:
        own_scenarios([tmp_path])
    assert "\n" not in str(caught.value)


def test_the_command_refuses_a_bad_scenario_folder_with_exit_2(tmp_path, capsys):
    from imssim.cli import dashboard as server

    missing = server.missing_packages()
    if missing:  # make setup installs the dashboard extra: only a hand-made environment lacks it
        message = f"the dashboard extra is not installed ({', '.join(missing)})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert server.main(["--scenario-dir", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"imssim-dashboard: --scenario-dir: no such folder: {tmp_path / 'nowhere'}"
    assert DIRS_VARIABLE not in os.environ or str(tmp_path) not in os.environ[DIRS_VARIABLE]


# --------------------------------------------------------------------------- the browser

SMALL_TEXT = """() => {
    const small = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const text = walker.currentNode.textContent.trim();
        const element = walker.currentNode.parentElement;
        if (!text || !element) continue;
        const box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
        if (parseFloat(style.fontSize) < 12) small.push(style.fontSize + ': ' + text.slice(0, 40));
    }
    return small;
}"""


def _ready(page, text: str, timeout_s: float = 120) -> None:
    """Wait for the comparison's 'runs ready' line naming `text`."""
    page.locator(".imssim-ready").filter(has_text=text).wait_for(timeout=timeout_s * 1000)


def _download(page, label: str):
    """Click an export button; the downloaded file's path and name."""
    with page.expect_download() as caught:
        page.get_by_role("button", name=label).click()
    return caught.value.path(), caught.value.suggested_filename


def _query(url: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query)


def _check_play_page(context, url: str) -> None:
    """The play page: sliders that show their values, no step count, readable text, and
    its link to the comparison."""
    from tests.present.test_dashboard import ARTIFACTS, _open

    page = _open(context, url)
    assert page.get_by_text("cuts x 1", exact=True).is_visible()
    assert page.get_by_text("catalyst 0.5", exact=True).is_visible()
    assert page.get_by_text("the scenario has 7 budget changes", exact=False).is_visible()
    assert not page.get_by_text("Time: ", exact=False).is_visible(), "Mesa's step count shows"
    assert page.evaluate(SMALL_TEXT) == []
    page.mouse.move(0, 0)
    page.screenshot(path=str(ARTIFACTS / "play_1366x768.png"))
    page.get_by_role("button", name="Compare scenarios over seeds").click()
    page.wait_for_url("**/compare**")
    page.close()


def _compare_and_export(page, timings: dict[str, float]) -> None:
    """Three scenarios (one of one's own) x 2 seeds, then each export, checked."""
    from PIL import Image

    from tests.present.test_dashboard import ARTIFACTS, IMAGE_PIXELS

    page.locator(".v-select").filter(has_text="Scenarios (2-4)").click()
    page.locator(".v-menu__content .v-list-item").filter(has_text="strategist").click()
    page.keyboard.press("Escape")
    page.locator('[role="slider"]').first.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    _ready(page, "3 scenarios x 2 seeds")
    # the chart's picture may arrive a moment after the line saying the runs are ready
    page.wait_for_function(
        f"() => ({IMAGE_PIXELS})('.imssim-compare-chart') !== null", timeout=60_000
    )
    query = _query(page.url)
    assert query["scenarios"] == ["austerity_2012,deep_cuts,strategist"]
    assert query["seeds"] == ["2"]

    started = time.perf_counter()
    png, name = _download(page, "Chart (PNG)")
    timings["export_s"] = time.perf_counter() - started
    assert name.endswith(".png")
    assert Image.open(png).format == "PNG" and Image.open(png).size[0] > 900
    svg, _ = _download(page, "Chart (SVG)")
    assert "<svg" in svg.read_text() and "strategist" in svg.read_text()
    csv, _ = _download(page, "Data (CSV)")
    data = pd.read_csv(csv)
    keys = ["scenario", "policy", "focal", "counterfactual", "seed", "year", "side"]
    assert list(data.columns) == [*keys, *DEFAULT_MEASURES]
    assert data.groupby(["scenario", "side", "year"]).size().eq(2).all()
    assert set(data["scenario"]) == {"austerity_2012", "deep_cuts", "strategist"}
    assert page.evaluate(SMALL_TEXT) == []
    page.mouse.move(0, 0)
    page.locator(".imssim-links").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "compare_1366x768.png"))


def _reopen(context, shared: str, url: str) -> None:
    """The address opened in another tab (another session) gives the same view; a bad
    scenario in an address is said on the page."""
    other = context.new_page()
    other.goto(shared)
    _ready(other, "3 scenarios x 2 seeds")
    picked = other.locator(".v-select").filter(has_text="Scenarios (2-4)").inner_text()
    assert all(n in picked for n in ("austerity_2012", "deep_cuts", "strategist"))
    assert other.get_by_text("Seeds per scenario: 2").is_visible()
    assert _query(other.url) == _query(shared)

    other.goto(url + "compare?scenarios=nosuch,deep_cuts&seeds=1")
    other.locator(".v-alert").filter(has_text="'nosuch'").wait_for(timeout=30_000)
    _ready(other, "1 scenario x 1 seed,")
    assert "Traceback" not in other.locator("body").inner_text()


@pytest.mark.slow
def test_the_page_compares_scenarios_exports_and_reopens_from_its_address(tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.present.test_dashboard import (
        ARTIFACTS,
        CHROMIUM,
        CHROMIUM_FLAGS,
        LOOPBACK,
        _host,
        served,
    )

    _own_scenario(tmp_path / "own")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    requests: list[str] = []
    with (
        served(tmp_path, "--scenario-dir", str(tmp_path / "own")) as url,
        sync_playwright() as p,
    ):
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=list(CHROMIUM_FLAGS),
            headless=True,
            viewport={"width": 1366, "height": 768},
            accept_downloads=True,
        )
        context.on("request", lambda request: requests.append(request.url))
        try:
            _check_play_page(context, url)
            page = context.new_page()
            started = time.perf_counter()
            page.goto(url + "compare")
            page.locator(".v-select").filter(has_text="Scenarios (2-4)").wait_for()
            page.locator(".imssim-progress").first.wait_for(timeout=60_000)
            timings["page_usable_s"] = time.perf_counter() - started
            _compare_and_export(page, timings)
            _reopen(context, page.url, url)
        finally:
            context.close()

    hosts = sorted({_host(u) for u in requests if not u.startswith(("data:", "blob:"))})
    outside = [h for h in hosts if h not in LOOPBACK and not h.startswith("127.")]
    assert not outside, f"the page loaded from outside this machine: {outside}"
    # the time of a comparison of 3 scenarios x 8 seeds is measured apart, by
    # experiments/dashboard_compare_timing.py (about 30 s), which adds it to this file
    out = ARTIFACTS / "compare_timings.json"
    known = json.loads(out.read_text()) if out.is_file() else {}
    out.write_text(json.dumps({**known, **timings}, indent=2) + "\n")
    print("comparison page: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
