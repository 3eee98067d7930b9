"""The Python API as a user scripts it: dotted keys, scenario files by path, and what a
Result gives (summary, run folder, figures, report) matching the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from imssim import ConfigError, ImssimError, load_results, run_pair, to_config
from imssim.present.summary import summarise, without_text
from imssim.runs.folders import COUNTERFACTUAL, TABLES
from imssim.world import load_world


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    root = tmp_path_factory.mktemp("api") / "results"
    return run_pair({"scenario": "deep_cuts", "end_year": 2016, "output.root": str(root)})


# ----------------------------------------------------------------------- dotted keys


def test_dotted_keys_set_one_setting_and_merge_with_nested_ones():
    cfg = to_config(
        {
            "params.trust_gain": 0.1,
            "scenario": "deep_cuts",
            "scenario.description": "mine",
            "output": {"figures": False},
            "output.dpi": 150,
        }
    )
    assert cfg.params.trust_gain == 0.1
    assert cfg.scenario.name == "deep_cuts" and cfg.scenario.description == "mine"
    assert cfg.scenario.budget_changes[0].cut == pytest.approx(0.20)  # the rest kept
    assert cfg.output.figures is False and cfg.output.dpi == 150
    assert to_config({"params.trust_gain": 0.1}) == to_config({"params": {"trust_gain": 0.1}})


def test_a_dotted_key_naming_no_setting_is_the_nested_keys_error():
    errors = []
    for bad in ({"params.trust_gainn": 0.1}, {"params": {"trust_gainn": 0.1}}):
        with pytest.raises(ConfigError) as info:
            to_config(bad)
        errors.append(str(info.value))
    assert errors[0] == errors[1] and "params.trust_gainn" in errors[0]
    assert "\n" not in errors[0]
    with pytest.raises(ConfigError, match=r"params\.trust_gain: given twice"):
        to_config({"params": {"trust_gain": 0.1}, "params.trust_gain": 0.2})
    with pytest.raises(ConfigError, match="trust_gain"):  # its bounds, checked as nested
        to_config({"params.trust_gain": -5.0})


# ------------------------------------------------------------------- scenario files


def test_a_scenario_file_is_named_by_its_path(tmp_path, monkeypatch):
    file = tmp_path / "mine.yaml"
    file.write_text("name: mine\nbudget_changes:\n  - who: [DEU]\n    cut: 0.2\n")
    assert to_config({"scenario": str(file)}).scenario.name == "mine"
    monkeypatch.chdir(tmp_path)  # relative to the working folder
    assert to_config({"scenario": "mine.yaml"}).scenario.budget_changes[0].who == ["DEU"]


@pytest.mark.parametrize(
    ("name", "content", "needles"),
    [
        ("missing.yaml", None, ["no such file", "missing.yaml"]),
        ("typo.yaml", "name: typo\ncutt: 0.1\n", ["cutt"]),
        ("empty.yaml", "", ["empty.yaml", "empty or holds no settings"]),
        ("broken.yaml", "name: broken\n  x: [\n", ["broken.yaml", "YAML syntax error"]),
        ("outer.yaml", "name: inner\n", ["outer.yaml", "name: inner", "'outer'"]),
        ("nameless.yaml", "gdp_growth: 0.01\n", ["nameless.yaml", "name: nameless"]),
    ],
)
def test_a_bad_scenario_file_is_one_line_naming_it(tmp_path, name, content, needles):
    file = tmp_path / name
    if content is not None:
        file.write_text(content)
    with pytest.raises(ConfigError) as info:
        to_config({"scenario": str(file)})
    text = str(info.value)
    assert "\n" not in text
    for needle in needles:
        assert needle in text, (needle, text)


# ------------------------------------------------------------------------- a Result


def test_the_summary_is_the_command_lines(pair):
    cfg, cf = pair.config, pair.counterfactual
    expected = summarise(
        pair.tables,
        cfg.focal,
        world=load_world(),
        counterfactual=cf.tables,
        scenario="deep_cuts",
        without=without_text(cfg),
        settings=cfg.scenario,
    )
    assert pair.summary() == expected
    assert "what deep_cuts changes for NLD" in pair.summary()


def test_save_writes_the_command_lines_folder_and_never_over_one(pair, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()  # an empty folder may be used
    folder = pair.save(empty)
    assert folder == empty and pair.path == empty
    for table in TABLES:
        assert (folder / f"{table}.parquet").is_file()
        assert (folder / COUNTERFACTUAL / f"{table}.parquet").is_file()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scenario"] == "deep_cuts" and manifest["status"] == "completed"
    assert manifest["counterfactual"]["folder"] == COUNTERFACTUAL
    back = load_results(folder)
    assert back.tables.countries.equals(pair.tables.countries)
    before = (folder / "manifest.json").read_text()
    with pytest.raises(ImssimError, match="not empty") as info:
        pair.save(folder)
    assert "\n" not in str(info.value)
    assert (folder / "manifest.json").read_text() == before


@pytest.mark.slow
def test_figures_and_report_are_drawn_from_the_run_folder(pair, tmp_path):
    pair.save(tmp_path / "run")
    files = pair.figures(names=["indices"], formats=("png", "svg"))
    assert [f.name for f in files] == ["indices.png", "indices.svg"]
    assert all(f.parent == tmp_path / "run" / "figures" and f.stat().st_size for f in files)
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["figures"] == ["indices"]
    elsewhere = pair.figures(tmp_path / "pictures", names="rings")
    assert elsewhere == [tmp_path / "pictures" / "rings.png"] and elsewhere[0].is_file()
    report = pair.report(tmp_path / "report.html")
    assert report.is_file() and "deep_cuts" in report.read_text()
    with pytest.raises(ImssimError, match="nope"):
        pair.figures(names=["nope"])


def test_running_needs_no_matplotlib():
    code = (
        "import sys, imssim\n"
        "r = imssim.run({'end_year': 2013})\n"
        "assert 'matplotlib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
