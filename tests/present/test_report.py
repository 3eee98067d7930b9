"""The HTML report: one self-contained file whose captions say what the tables say."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from imssim.cli.report import main as report_main
from imssim.errors import ImssimError
from imssim.present.plots.registry import COMPARE_FIGURES, FIGURES, RUN_FIGURES
from imssim.present.report import write_report
from imssim.present.scenario_text import scenario_rows
from imssim.present.summary import ring_members, ring_transitions
from imssim.runs.folders import RunFolder
from imssim.world import load_world

# the comparison figures of runs without counterfactuals (as the sweep fixture's)
PLAIN = [n for n in COMPARE_FIGURES if not FIGURES[n].counterfactual]

IMG = "data:image/png;base64,"
LEVEL = {"none": 0, "opportunity": 1, "affiliated": 2, "strategic": 3}


def _jobs(sweep_folder: Path) -> list[Path]:
    return sorted(p for p in sweep_folder.iterdir() if (p / "manifest.json").is_file())


def _name(code: str) -> str:
    world = load_world()
    return world.names[world.iso3.index(code)]


def _text(page: str) -> str:
    """The page without tags, entities unescaped, whitespace collapsed."""
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _assert_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page, re.I)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    for src in re.findall(r'<img[^>]*src="([^"]*)"', page):
        assert src.startswith(IMG)


@pytest.fixture(scope="module")
def single(tmp_path_factory, run_folder):
    """A copy of the default run and its report (PNG only, to keep the test quick)."""
    run = Path(shutil.copytree(run_folder, tmp_path_factory.mktemp("single") / "run"))
    path = write_report(run, formats=("png",))
    return run, path, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sweep_report(tmp_path_factory, sweep_folder):
    """A copy of the sweep, one scenario's description made hostile, and its report."""
    root = Path(shutil.copytree(sweep_folder, tmp_path_factory.mktemp("sweep") / "sweep"))
    for job in _jobs(root):
        config = job / "config.yaml"
        text = config.read_text()
        if "name: baseline" in text:
            text = re.sub(
                r"(?m)^  description: .*$",
                "  description: 'No cuts <b>at all</b> & budgets <script>x</script> follow GDP'",
                text,
                count=1,
            )
            config.write_text(text)
    path = write_report(root, formats=("png",))
    return root, path, path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- one run


@pytest.mark.slow
def test_run_report_is_one_self_contained_file_next_to_the_run(single):
    run, path, page = single
    assert path == run / "report.html"
    _assert_self_contained(page)
    assert page.count(IMG) == len(RUN_FIGURES)
    for name in RUN_FIGURES:
        assert (run / "figures" / f"{name}.png").stat().st_size > 0
    assert not [p for p in run.iterdir() if p.name.startswith(".")]


def test_run_report_describes_the_scenario_and_policy(single):
    run, _, page = single
    cfg = RunFolder(run).config
    text = _text(page)
    assert cfg.scenario.description in text
    assert cfg.policy.description in text
    # every entry of the scenario in plain words, one row each, e.g. "the Netherlands
    # cuts its defence budget by 4 %, phased in evenly to 2015, then held"
    rows = scenario_rows(cfg.scenario, world=load_world())
    for row in rows:
        assert f"{row.when} {row.what} {row.kind}" in text
    single_states = [b for b in cfg.scenario.budget_changes if len(b.who) == 1 and b.cut > 0]
    assert single_states
    for change in single_states:
        name = _name(change.who[0])
        name = f"the {name}" if name in ("Netherlands", "United States", "United Kingdom") else name
        words = f"{name} cuts its defence budget by {100 * change.cut:g} %, phased in evenly"
        assert words in text
    assert "seed 42" in text and "2012-2035" in text


def test_run_report_captions_follow_the_tables(single):
    run, _, page = single
    folder = RunFolder(run)
    t, focal = folder.tables, folder.config.focal
    text = _text(page)

    # the largest ring move: most rings crossed, then nearest the centre, then earliest
    moves = ring_transitions(t.pairs, focal)
    assert len(moves) > 0
    size = (moves["to_ring"].map(LEVEL) - moves["from_ring"].map(LEVEL)).abs()
    top = np.maximum(moves["to_ring"].map(LEVEL), moves["from_ring"].map(LEVEL))
    best = moves[(size == size.max())]
    best = best[top[best.index] == top[best.index].max()].sort_values(["year", "partner"])
    move = best.iloc[0]
    name, year = _name(move["partner"]), move["year"]
    name = f"The {name}" if name.startswith("United ") else name
    if move["from_ring"] == "none":
        sentence = f"{name} entered the {move['to_ring']} ring in {year}."
    elif move["to_ring"] == "none":
        sentence = f"{name} left the {move['from_ring']} ring in {year}."
    else:
        sentence = f"{name} moved from {move['from_ring']} to {move['to_ring']} in {year}."
    assert sentence in text
    assert f"changed ring {len(moves)} times" in text

    first, last = 2012, 2035
    r0, r1 = ring_members(t.pairs, focal, first), ring_members(t.pairs, focal, last)
    counts = ", ".join(f"{len(r1[r])} {r}" for r in ("strategic", "affiliated", "opportunity"))
    assert f"and {counts} in {last}" in text
    assert f"had {len(r0['strategic'])} strategic" in text

    a = t.alliance.set_index("year")
    worst = int(a["shortfall_total"].idxmax())
    share = 100 * a.loc[worst, "shortfall_total"]
    assert f"shortfall was largest in {worst}: {share:.1f} % of the requirement unmet" in text

    c = t.countries[t.countries["country"] == focal].set_index("year")
    index = 100 * c.loc[last, "capacity_to_act"] / c.loc[first, "capacity_to_act"]
    assert f"its capacity to act at {index:.0f} ({first} = 100)" in text


def test_run_report_gives_key_numbers_and_provenance(single):
    run, _, page = single
    folder = RunFolder(run)
    text = _text(page)
    counts = folder.tables.events["kind"].value_counts()
    for kind, n in counts.items():
        assert f"{kind} {n}" in text
    assert folder.manifest["code_revision"] in text
    assert f"mesa {folder.manifest['versions']['mesa']}" in text
    assert "Resolved configuration" in text and "trust_gain:" in text


# --------------------------------------------------------------------------- several runs


@pytest.mark.slow
def test_sweep_report_compares_the_runs(sweep_report):
    root, path, page = sweep_report
    assert path == root.resolve() / "report.html"
    _assert_self_contained(page)
    assert page.count(IMG) == len(PLAIN)
    for name in PLAIN:
        assert (root / "figures" / f"{name}.png").stat().st_size > 0
    text = _text(page)
    for job in _jobs(root):
        assert job.name in text
    assert "The announced cuts of 2011-2015" in text  # austerity_2012's description
    assert "Deep forms (4-6) only with six priority partners" in text


@pytest.mark.slow
def test_sweep_report_escapes_text_from_configs(sweep_report):
    _, _, page = sweep_report
    assert "<script>x</script>" not in page and "<b>at all</b>" not in page
    assert "No cuts &lt;b&gt;at all&lt;/b&gt; &amp; budgets &lt;script&gt;" in page


@pytest.mark.slow
def test_sweep_report_names_the_best_scenario_from_the_tables(sweep_report):
    root, _, page = sweep_report
    runs = [RunFolder(j) for j in _jobs(root)]
    by_group: dict[str, list[float]] = {}
    for run in runs:
        c = run.tables.countries
        own = c[c["country"] == "NLD"].set_index("year")["capacity_to_act"]
        label = f"{run.config.scenario.name} / {run.config.policy.name}"
        by_group.setdefault(label, []).append(100 * own.loc[2025] / own.loc[2012])
    medians = {g: float(np.median(v)) for g, v in by_group.items()}
    best = max(medians, key=medians.get)
    worst = min(medians, key=medians.get)
    text = _text(page)
    assert (
        f"In 2025, the capacity to act of the Netherlands (index, 2012 = 100) was highest "
        f"under {best} ({medians[best]:.0f};" in text
    )
    assert f"lowest under {worst} ({medians[worst]:.0f};" in text


# --------------------------------------------------------------------------- failures


def _two_runs(tmp_path: Path, sweep_folder: Path) -> Path:
    root = tmp_path / "two"
    for job in _jobs(sweep_folder)[:2]:
        shutil.copytree(job, root / job.name)
    return root


def test_a_failing_figure_leaves_no_report(tmp_path, sweep_folder, monkeypatch):
    root = _two_runs(tmp_path, sweep_folder)

    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr("imssim.present.plots.compare.outcomes_over_time", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        write_report(root)
    assert not (root / "report.html").exists()
    assert not list(root.glob(".report*"))


@pytest.mark.slow
def test_a_failing_write_keeps_the_old_report(tmp_path, sweep_folder, monkeypatch):
    root = _two_runs(tmp_path, sweep_folder)
    old = root / "report.html"
    old.write_text("old report")

    def no_rename(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("imssim.runs.folders.os.replace", no_rename)
    with pytest.raises(OSError, match="disk full"):
        write_report(root, formats=("png",))
    assert old.read_text() == "old report"
    assert sorted(p.name for p in root.iterdir() if p.is_file()) == ["report.html"]


def test_report_needs_png(tmp_path, sweep_folder):
    with pytest.raises(ImssimError, match="png"):
        write_report(_two_runs(tmp_path, sweep_folder), formats=("svg",))


# --------------------------------------------------------------------------- imssim-report


@pytest.mark.slow
def test_report_command_writes_the_file_it_prints(tmp_path, sweep_folder, capsys):
    root = _two_runs(tmp_path, sweep_folder)
    out = tmp_path / "out" / "two.html"
    assert report_main([str(root), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"{out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.count(IMG) == len(PLAIN)
    assert "2 runs compared" in page


def test_report_command_on_a_missing_folder_exits_2_with_one_line(tmp_path, capsys):
    assert report_main([str(tmp_path / "gone")]) == 2
    err = capsys.readouterr().err
    assert err == f"imssim-report: error: no such folder: {tmp_path / 'gone'}\n"
    assert report_main([]) == 2


def test_run_report_shows_the_areas_the_focal_state_holds(single):
    run, _, page = single
    c = RunFolder(run).tables.countries
    held = c[c.country == "NLD"].set_index("year")["n_areas_held"]
    row = (
        "<tr><td>capability areas held (of 17)</td>"
        f'<td class="num">{held.iloc[0]}</td><td class="num">{held.iloc[-1]}</td></tr>'
    )
    assert row in page


def test_run_report_gives_the_reasons_ties_ended(single):
    run, _, page = single
    e = RunFolder(run).tables.events
    ended = e[e.kind.isin(["downgraded", "abandoned", "left"])]
    assert len(ended) > 0
    for (kind, reason), n in ended.groupby(["kind", "reason"], observed=True).size().items():
        assert f'<td>{kind}</td><td>{reason}</td><td class="num">{n}</td>' in page
