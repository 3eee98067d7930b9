"""The figure registry, reusing figures already drawn, file formats and resolution, and
a manifest that tells the truth about the figures."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from imssim import to_config
from imssim.cli.plot import main as plot_main
from imssim.cli.plot import plot_parser
from imssim.config import DPI_RANGE, FIGURE_FORMATS
from imssim.errors import ConfigError, ImssimError
from imssim.present.plots import registry
from imssim.present.plots.helper import SHARE, start
from imssim.present.plots.registry import COMPARE_FIGURES, FIGURES, RUN_FIGURES
from imssim.present.plots.writer import (
    INDEX_FILE,
    FigureOptions,
    make_run_figures,
    read_index,
)
from imssim.present.report import write_report
from imssim.runs.folders import RunFolder

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_copy(tmp_path, run_folder) -> Path:
    return Path(shutil.copytree(run_folder, tmp_path / run_folder.name))


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """Every call of a registered drawing function, by figure name."""
    calls: list[str] = []
    for name, spec in FIGURES.items():
        module, attr = spec.draw.split(":")
        original = getattr(importlib.import_module(module), attr)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(f"{module}.{attr}", counted)
    return calls


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


# --------------------------------------------------------------------------- the registry


@pytest.mark.slow
def test_every_registered_figure_has_a_drawing_function_and_a_caption(run_folder):
    run = RunFolder(run_folder)
    from imssim.present.choices import resolve_choices

    choices = resolve_choices(run.tables, run.config)
    assert set(RUN_FIGURES) | set(COMPARE_FIGURES) == set(FIGURES)
    assert not set(RUN_FIGURES) & set(COMPARE_FIGURES)
    stems = [spec.stem for spec in FIGURES.values()]
    assert len(set(stems)) == len(stems), "two figures would write the same file"
    for name in RUN_FIGURES:
        assert callable(FIGURES[name].function()), name
        assert FIGURES[name].caption(run.tables, run.config, choices).strip(), name
    for name in COMPARE_FIGURES:
        assert callable(FIGURES[name].function()), name
        assert FIGURES[name].caption().strip(), name


def test_the_figures_modules_are_those_the_registry_names():
    folder = ROOT / "src" / "imssim" / "present" / "plots" / "figures"
    modules = {
        f"imssim.present.plots.figures.{p.stem}"
        for p in folder.glob("*.py")
        if p.stem != "__init__"
    }
    named = {FIGURES[n].module for n in RUN_FIGURES}
    assert modules == named


@pytest.mark.slow
def test_the_report_shows_exactly_the_registry_s_figures_in_its_order(run_copy):
    page = write_report(run_copy, formats=("png",)).read_text(encoding="utf-8")
    shown = re.findall(r'<figure id="fig-([\w-]+)"><h3>([^<]*)</h3>', page)
    assert shown == [(FIGURES[n].stem, FIGURES[n].title) for n in RUN_FIGURES]


def test_the_readme_names_every_figure_and_no_other():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Charts and the report", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"^- (?:One run|Several runs)[^\n]*(?:\n  [^\n]*)*", section, re.M))
    listed = set()
    for block in named:
        listed |= set(re.findall(r"`([a-z_]+)`\s+\(", block))
    assert listed == set(FIGURES), f"README lists {sorted(listed)}, registry {sorted(FIGURES)}"


def test_plot_help_and_errors_list_the_registry():
    epilog = plot_parser().epilog
    for name in FIGURES:
        assert name in epilog
    with pytest.raises(ImssimError, match=r"headline_outcomes.*comparing several runs"):
        registry.check_figures(["headline_outcomes"])
    with pytest.raises(ImssimError, match=re.escape("choose from " + ", ".join(RUN_FIGURES))):
        registry.check_figures(["pie"])


# --------------------------------------------------------------------------- reuse


@pytest.mark.slow
def test_the_report_reuses_the_figures_the_run_drew(run_copy, drawn):
    make_run_figures(RunFolder(run_copy))
    assert drawn == list(RUN_FIGURES)
    before = _mtimes(run_copy / "figures")
    drawn.clear()
    write_report(run_copy)
    assert drawn == [], "a current figure was drawn again"
    assert _mtimes(run_copy / "figures") == before
    # a second report reuses them too
    write_report(run_copy)
    assert drawn == []


@pytest.mark.slow
def test_the_report_embeds_screen_resolution_files_as_they_are(run_copy):
    import base64

    make_run_figures(RunFolder(run_copy))
    page = write_report(run_copy).read_text(encoding="utf-8")
    for name in RUN_FIGURES:
        data = (run_copy / "figures" / f"{FIGURES[name].stem}.png").read_bytes()
        assert base64.b64encode(data).decode("ascii") in page, name


@pytest.mark.slow
def test_the_report_draws_only_a_missing_figure(run_copy, drawn):
    make_run_figures(RunFolder(run_copy))
    (run_copy / "figures" / "network.png").unlink()
    before = _mtimes(run_copy / "figures")
    drawn.clear()
    page = write_report(run_copy).read_text(encoding="utf-8")
    assert drawn == ["network"]
    after = _mtimes(run_copy / "figures")
    changed = sorted(n for n in after if before.get(n) != after[n])
    assert changed == [INDEX_FILE, "network.png"]
    assert page.count("data:image/png;base64,") == len(RUN_FIGURES)


@pytest.mark.slow
def test_a_figure_drawn_from_other_choices_is_drawn_again_one_at_another_dpi_is_not(
    run_copy, drawn
):
    run = RunFolder(run_copy)
    # indices show other states
    make_run_figures(run, options=FigureOptions(which=["indices"], others=["POL"]))
    make_run_figures(
        run, options=FigureOptions(which=["rings", "shortfalls"], others=["POL"], dpi=80)
    )
    # network does not show years
    make_run_figures(run, options=FigureOptions(which=["network"], years=[2016]))
    drawn.clear()
    write_report(run_copy)
    # rings and shortfalls do not depend on the other states, and any resolution will
    # do for the page; indices drew other states; three figures are missing
    assert drawn == ["effects", "ring_transitions", "indices", "depth_matrix"]
    index = read_index(run_copy / "figures")
    assert index["indices.png"]["choices"]["others"] == ["DEU", "FRA", "GBR", "BEL"]
    assert index["rings.png"]["dpi"] == 80
    assert index["depth_matrix.png"]["dpi"] == run.config.output.dpi


@pytest.mark.slow
def test_the_comparison_report_reuses_the_sweep_s_figures(tmp_path, sweep_folder, drawn):
    from imssim.present.plots.writer import make_compare_figures
    from imssim.runs.find import find_runs

    root = tmp_path / "sweep"
    for job in sorted(p for p in sweep_folder.iterdir() if (p / "manifest.json").is_file())[:3]:
        shutil.copytree(job, root / job.name)
    make_compare_figures(find_runs(root), root / "figures")  # as a sweep does at its end
    moved = Path(shutil.move(root, tmp_path / "moved"))  # figures travel with their runs
    before = _mtimes(moved / "figures")
    drawn.clear()
    page = write_report(moved).read_text(encoding="utf-8")
    assert drawn == []
    assert _mtimes(moved / "figures") == before
    plain = [n for n in COMPARE_FIGURES if not FIGURES[n].counterfactual]  # no counterfactuals
    assert page.count("data:image/png;base64,") == len(plain)


@pytest.mark.slow
def test_imssim_plot_always_draws(run_copy, drawn, capsys):
    assert plot_main([str(run_copy), "--figures", "shortfalls"]) == 0
    assert plot_main([str(run_copy), "--figures", "shortfalls"]) == 0
    assert drawn == ["shortfalls", "shortfalls"]


@pytest.mark.slow
def test_figures_of_other_data_are_not_reused(run_copy, drawn):
    make_run_figures(RunFolder(run_copy), options=FigureOptions(which=["shortfalls"]))
    config = run_copy / "config.yaml"
    config.write_text(config.read_text().replace("catalyst: 0.5", "catalyst: 0.6"))
    drawn.clear()
    make_run_figures(RunFolder(run_copy), options=FigureOptions(which=["shortfalls"]), reuse=True)
    assert drawn == ["shortfalls"]


# --------------------------------------------------------------------------- formats and dpi


@pytest.mark.parametrize(
    ("output", "key"),
    [
        ({"formats": ["png", "jpg"]}, "output.formats"),
        ({"formats": []}, "output.formats"),
        ({"formats": "gif"}, "output.formats"),
        ({"dpi": 10}, "output.dpi"),
        ({"dpi": 5000}, "output.dpi"),
        ({"dpi": "high"}, "output.dpi"),
    ],
)
def test_bad_formats_and_dpi_are_one_line_naming_the_key(output, key):
    with pytest.raises(ConfigError) as err:
        to_config({"output": output})
    message = str(err.value)
    assert key in message and "\n" not in message


def test_the_defaults_are_png_at_screen_resolution():
    output = to_config(None).output
    assert output.formats == ["png"] and output.dpi == 120
    assert set(FIGURE_FORMATS) == {"png", "svg", "pdf"}
    assert DPI_RANGE == (50, 600)


@pytest.mark.slow
def test_formats_and_dpi_chosen_are_the_files_written(run_copy):
    run = RunFolder(run_copy)
    out = run_copy / "print"
    paths = make_run_figures(
        run, out, FigureOptions(which=["indices"], formats=["png", "svg", "pdf"], dpi=240)
    )
    assert paths == {"indices": out / "indices.png"}
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [INDEX_FILE, "indices.png", "indices.svg", "indices.pdf"]
    )
    with Image.open(out / "indices.png") as big:
        width, dpi = big.width, big.info["dpi"]
    assert round(dpi[0]) == 240
    make_run_figures(run, out, FigureOptions(which=["indices"]))  # the run's own: PNG at 120 dpi
    with Image.open(out / "indices.png") as small:
        assert abs(small.width * 2 - width) <= 0.02 * width
    assert (out / "indices.pdf").read_bytes().startswith(b"%PDF")


def test_a_note_beyond_the_figure_s_edge_is_in_every_file(tmp_path):
    from matplotlib.figure import Figure

    from imssim.present.plots.style import save_figure, style

    with style():
        fig = Figure(figsize=(4.0, 3.0))
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1])
        ax.text(0.0, -0.45, "a note under the axes", transform=ax.transAxes, va="top")
        save_figure(fig, tmp_path, "noted", ("png", "svg"), dpi=100)
    with Image.open(tmp_path / "noted.png") as image:
        height = image.height
        pixels = image.convert("L").load()
        bottom_ink = min(
            pixels[x, y] for x in range(image.width) for y in range(height - 24, height)
        )
    assert height > 3.0 * 100  # taller than the figure: the note is in the file
    assert bottom_ink < 128  # ink near the bottom: the note's text
    assert "a note under the axes" in (tmp_path / "noted.svg").read_text()


def test_a_bad_format_or_dpi_on_the_command_line_writes_nothing(run_copy, capsys):
    assert plot_main([str(run_copy), "--dpi", "7"]) == 2
    assert "dpi" in capsys.readouterr().err
    assert plot_main([str(run_copy), "--formats", "tiff"]) == 2
    assert not (run_copy / "figures").exists()


def test_the_run_s_own_formats_are_used_by_imssim_plot(run_copy, capsys):
    config = run_copy / "config.yaml"
    text = config.read_text()
    assert "formats:\n  - png\n" in text
    config.write_text(text.replace("formats:\n  - png\n", "formats:\n  - svg\n"))
    assert plot_main([str(run_copy), "--figures", "shortfalls"]) == 0
    assert capsys.readouterr().out.split() == [str(run_copy / "figures" / "shortfalls.svg")]


# --------------------------------------------------------------------------- the manifest

DRIVER = """
import sys
import imssim.present.plots.figures.{module} as target

def broken(*args, **kwargs):
    raise {error}

target.draw = broken
from imssim.cli.main import main
main()
"""


def _run_with_broken_figure(tmp_path: Path, module: str, error: str):
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            DRIVER.format(module=module, error=error),
            "end_year=2015",
            f"output.root={tmp_path / 'results'}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    manifests = list((tmp_path / "results").glob("*/manifest.json"))
    assert len(manifests) == 1, out.stderr
    return out, json.loads(manifests[0].read_text()), manifests[0].parent


@pytest.mark.slow
def test_ctrl_c_while_drawing_figures_leaves_an_interrupted_run(tmp_path):
    out, manifest, folder = _run_with_broken_figure(tmp_path, "indices", "KeyboardInterrupt")
    assert out.returncode == 130, out.stderr
    assert out.stderr.strip().splitlines()[-1] == "imssim: interrupted"
    assert manifest["status"] == "interrupted"
    # drawn here before indices; the second process's share may or may not be done
    listed = manifest["figures"]
    here = [n for n in listed if n not in SHARE]
    assert here == ["rings", "ring_transitions"] and "indices" not in listed
    assert set(listed) <= {"rings", "ring_transitions", *SHARE}
    written = {p.stem for p in (folder / "figures").glob("*.png")}
    assert set(listed) <= written and "indices" not in written
    assert set(read_index(folder / "figures")) == {f"{n}.png" for n in listed}
    assert "figures:" not in out.stdout


@pytest.mark.slow
def test_a_failing_figure_leaves_the_results_and_says_so(tmp_path):
    out, manifest, folder = _run_with_broken_figure(tmp_path, "indices", "ValueError('no')")
    assert out.returncode == 1
    assert "figures not written: no" in out.stderr
    assert manifest["status"] == "figures failed"
    drawn_here = ["rings", "ring_transitions"]
    assert [n for n in manifest["figures"] if n not in SHARE] == drawn_here
    assert "indices" not in manifest["figures"]
    assert (folder / "countries.parquet").is_file()


@pytest.mark.slow
def test_the_second_process_draws_its_share(run_copy):
    helper = start()
    assert helper is not None
    assert helper.draw(run_copy, ["shortfalls"], ["png"], 120)
    results = helper.results()
    assert list(results) == ["shortfalls"]
    assert results["shortfalls"]["files"] == ["shortfalls.png"]
    assert (run_copy / "figures" / "shortfalls.png").stat().st_size > 10_000
    assert not (run_copy / "figures" / INDEX_FILE).exists()  # the command line records it
    assert helper.process.returncode == 0


@pytest.mark.slow
def test_figures_the_second_process_does_not_deliver_are_drawn_by_the_command(tmp_path):
    # a "second process" that reads the request and exits without drawing anything
    driver = """
import subprocess, sys
import imssim.present.plots.helper as helper

def lazy():
    code = "import sys; sys.stdin.readline()"
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    return helper.Helper(process)

helper.start = lazy
from imssim.cli.main import main
main()
"""
    out = subprocess.run(
        [sys.executable, "-c", driver, "end_year=2015", f"output.root={tmp_path / 'r'}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    folder = next((tmp_path / "r").glob("*/manifest.json")).parent
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["figures"] == list(RUN_FIGURES)
    assert set(read_index(folder / "figures")) == {f"{n}.png" for n in RUN_FIGURES}
