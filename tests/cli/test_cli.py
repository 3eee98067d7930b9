"""The command line as a user runs it: folders, messages, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from imssim.present.plots.registry import COMPARE_FIGURES, RUN_FIGURES
from imssim.runs.folders import TABLES


def imssim(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imssim", *args, f"output.root={tmp_path / 'results'}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_folders(tmp_path: Path) -> list[Path]:
    root = tmp_path / "results"
    if not root.exists():
        return []
    # a run's counterfactual sits in its folder: not a run of its own
    return sorted(p for p in root.rglob("manifest.json") if p.parent.name != "counterfactual")


@pytest.mark.slow
def test_run_writes_a_complete_folder_and_prints_its_path(tmp_path):
    out = imssim(tmp_path, "end_year=2016", "seed=3")
    assert out.returncode == 0, out.stderr
    folders = run_folders(tmp_path)
    assert len(folders) == 1
    folder = folders[0].parent
    assert f"results: {folder}" in out.stdout
    assert "NLD 2012: strategic" in out.stdout
    assert "Step " not in out.stdout + out.stderr  # no per-step log chatter
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["scenario"] == "austerity_2012"
    assert manifest["status"] == "completed"
    assert {"mesa", "hydra-core", "numpy", "python"} <= set(manifest["versions"])
    assert manifest["code_revision"]
    assert (folder / "config.yaml").read_text().count("seed: 3") == 1
    for table in TABLES:
        frame = pd.read_parquet(folder / f"{table}.parquet")
        assert len(frame) > 0 or table == "events"
    # the hidden Hydra artefacts are not left in the working directory
    assert not (tmp_path / ".hydra").exists()
    assert not list(tmp_path.glob("*.log"))
    # the key figures come with the run, as PNG (SVG and PDF on request)
    assert f"figures: {folder / 'figures'}" in out.stdout
    for name in RUN_FIGURES:
        assert (folder / "figures" / f"{name}.png").stat().st_size > 1000, name
        assert not (folder / "figures" / f"{name}.svg").exists()
    assert manifest["figures"] == list(RUN_FIGURES)


@pytest.mark.slow
def test_a_second_run_never_overwrites_the_first(tmp_path):
    for _ in range(2):
        out = imssim(tmp_path, "end_year=2014", "output.figures=false")
        assert out.returncode == 0, out.stderr
    folders = run_folders(tmp_path)
    assert len(folders) == 2
    assert not any((m.parent / "figures").exists() for m in folders), "figures switched off"
    assert "figures:" not in out.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("override", "needle"),
    [
        ("scenario.cutt=0.1", "cutt"),
        ("+scenario.cutt=0.1", "cutt"),
        ("seed=abc", "seed"),
        ("end_year=2000", "end_year"),
        ("focal=XYZ", "XYZ"),
        ("scenario=no_such_scenario", "no_such_scenario"),
        ("catalyst=-1", "catalyst"),
        ("output.formats=[png,jpg]", "output.formats"),
        ("output.dpi=10", "output.dpi"),
        ("scenario=austerity2012", "one of: austerity_2012, baseline, deep_cuts"),
        ("policy=defualt", "one of: autonomy_test, default"),
        ("scenario=missing.yaml", "no such file: missing.yaml"),
        ("sensitivity=quick", "imssim-sensitivity quick"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, override, needle):
    out = imssim(tmp_path, override)
    assert out.returncode == 2, out.stdout + out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, out.stderr
    assert needle in lines[0]
    assert not (tmp_path / "results").exists()


@pytest.mark.slow
def test_a_bad_value_inside_a_sweep_stops_the_whole_sweep(tmp_path):
    out = imssim(tmp_path, "-m", "seed=1,2", "end_year=2014,2000")
    assert out.returncode == 2
    assert not run_folders(tmp_path)


@pytest.mark.slow
def test_multirun_writes_one_folder_per_job_under_one_sweep_folder(tmp_path):
    out = imssim(tmp_path, "-m", "seed=1,2", "end_year=2014")
    assert out.returncode == 0, out.stderr
    folders = [m.parent for m in run_folders(tmp_path)]
    assert len(folders) == 2
    assert folders[0].parent == folders[1].parent
    seeds = sorted(json.loads((f / "manifest.json").read_text())["seed"] for f in folders)
    assert seeds == [1, 2]
    # jobs write no figures of their own; the sweep gets its comparison figures
    assert not any((f / "figures").exists() for f in folders)
    sweep = folders[0].parent
    for name in COMPARE_FIGURES:
        assert (sweep / "figures" / f"{name}.png").stat().st_size > 1000, name
    assert f"figures: {sweep / 'figures'}" in out.stdout


@pytest.mark.slow
def test_bench_prints_its_figures():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from imssim.cli.bench import main; main(['--repeats', '1', '--figures'])",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "whole run" in out.stdout and "runs per core-hour" in out.stdout
    # a study's run and 100,000 of them on two cores, extrapolated from it
    study = re.search(r"^ +a study's run, processor +(\d+\.\d) ms", out.stdout, re.M)
    hours = re.search(r"^ +100,000 of them, 2 cores +(\d+\.\d\d) h", out.stdout, re.M)
    assert study and hours, out.stdout
    assert float(hours[1]) == pytest.approx(1e5 * float(study[1]) / 1e3 / 2 / 3600, abs=0.01)
    # every figure of the registry, its time and its multiple of a whole run; the total;
    # the report reusing them
    for name in RUN_FIGURES:
        assert re.search(rf"^ +{name} +\d+ +\d+\.\d$", out.stdout, re.M), name
    assert re.search(rf"^ +all {len(RUN_FIGURES)} +\d+ +\d+\.\d$", out.stdout, re.M)
    assert re.search(r"^ +report, figures reused +\d+ +\d+\.\d$", out.stdout, re.M)


@pytest.fixture
def conf_copy(tmp_path, monkeypatch):
    """A copy of conf/ that the command line reads instead of the repository's."""
    import shutil

    from imssim.cli import main as cli

    target = tmp_path / "conf"
    shutil.copytree(cli.CONF_DIR, target)
    monkeypatch.setattr(cli, "CONF_DIR", target)
    return target


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ("name: broken\ncutt: 0.1\n", ["conf/scenario/broken.yaml", "cutt", "scenario.cutt"]),
        ("name: broken\ngdp_growth: lots\n", ["conf/scenario/broken.yaml", "'lots'", "gdp_growth"]),
        ("name: broken\n  gdp_growth: [\n", ["broken.yaml", "line 2", "YAML syntax error"]),
        ("name: x\ngdp_growth: 0.01\n", ["conf/scenario/broken.yaml", "name: x", "'broken'"]),
        ("", ["scenario/broken.yaml", "empty"]),
        ("# only a comment\n", ["scenario/broken.yaml", "empty"]),
    ],
)
def test_a_broken_scenario_file_is_one_line_naming_file_key_and_reason(
    conf_copy, capsys, content, needles
):
    from imssim.cli.main import preflight

    (conf_copy / "scenario" / "broken.yaml").write_text(content)
    with pytest.raises(SystemExit) as info:
        preflight(["scenario=broken"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("imssim: error: ") and "\n" not in err, err
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.mark.parametrize("kind", ["file", "under_a_file"])
def test_an_output_root_that_cannot_be_written_is_caught_before_the_run(
    tmp_path, capsys, monkeypatch, kind
):
    from imssim.cli import main as cli

    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    root = blocker if kind == "file" else blocker / "results"
    ran = []
    monkeypatch.setattr(cli, "_task", lambda: ran.append(True))
    monkeypatch.setattr(sys, "argv", ["imssim", f"output.root={root}"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2 and not ran, "the model must not run"
    err = capsys.readouterr().err.strip()
    assert err.startswith("imssim: error: output.root:") and "\n" not in err, err
    assert str(root) in err
    assert blocker.read_text() == "not a folder"


def test_ctrl_c_ends_with_one_line_and_exit_code_130(tmp_path, capsys, monkeypatch):
    from imssim.cli import main as cli

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_execute", lambda *a, **k: interrupted())
    monkeypatch.setattr(sys, "argv", ["imssim", f"output.root={tmp_path}"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 130
    assert capsys.readouterr().err.strip() == "imssim: interrupted"


@pytest.mark.slow
def test_a_scenario_file_kept_outside_conf_runs_through_the_search_path(tmp_path):
    """The README's way: a folder with a scenario/ subfolder, named in hydra.searchpath;
    an empty file there is refused by name like one in conf/."""
    mine = tmp_path / "myconf" / "scenario"
    mine.mkdir(parents=True)
    (mine / "my_cuts.yaml").write_text(
        "name: my_cuts\nbudget_changes:\n  - who: [DEU]\n    start: 2012\n    end: 2014\n"
        "    cut: 0.3\n"
    )
    search = f"hydra.searchpath=[file://{tmp_path / 'myconf'}]"
    out = imssim(tmp_path, "scenario=my_cuts", search, "end_year=2015", "output.figures=false")
    assert out.returncode == 0, out.stderr
    assert "what my_cuts changes for NLD" in out.stdout
    (mine / "empty.yaml").write_text("")
    out = imssim(tmp_path, "scenario=empty", search, "end_year=2015", "output.figures=false")
    assert out.returncode == 2
    assert "empty.yaml" in out.stderr and "empty or holds no settings" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_sweep_over_an_interval_is_one_line_and_exit_2(tmp_path):
    out = imssim(tmp_path, "-m", "seed=interval(1,2)")
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "imssim: error: seed: interval(1,2) cannot be swept by listing its values; "
        "give a list (a,b,c) or a range (range(1,5))"
    )
    assert run_folders(tmp_path) == []


def test_help_lists_only_the_groups_a_run_takes(tmp_path):
    out = imssim(tmp_path, "--help")
    assert out.returncode == 0, out.stderr
    assert "scenario: austerity_2012, baseline" in out.stdout
    assert "policy: autonomy_test, default" in out.stdout
    assert "sensitivity:" not in out.stdout and "scenario=path/to/" in out.stdout


@pytest.mark.slow
def test_a_scenario_file_by_its_path_runs_and_its_mistakes_name_it(tmp_path):
    """scenario=<file>.yaml (absolute or relative) runs that file; a mistake in a file
    of one's own, or a name: other than its file name, is one line naming the user's
    file, exit code 2, and nothing written."""
    mine = tmp_path / "mine" / "scenario"
    mine.mkdir(parents=True)
    cut = "budget_changes:\n  - who: [DEU]\n    start: 2012\n    end: 2013\n    cut: 0.3\n"
    (mine / "my_cuts.yaml").write_text("name: my_cuts\n" + cut)
    (mine / "typo.yaml").write_text("name: typo\n" + cut.replace("cut:", "cutt:"))
    (mine / "renamed.yaml").write_text("name: inner\n" + cut)
    search = f"hydra.searchpath=[file://{tmp_path / 'mine'}]"
    bad = [
        (["scenario=typo", search], [f"{mine / 'typo.yaml'}", "cutt"]),
        (["scenario=renamed", search], [f"{mine / 'renamed.yaml'}", "name: inner", "'renamed'"]),
        ([f"scenario={mine / 'renamed.yaml'}"], ["renamed.yaml", "name: inner"]),
    ]
    for args, needles in bad:
        out = imssim(tmp_path, *args)
        assert out.returncode == 2, out.stdout + out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and all(n in lines[0] for n in needles), (needles, lines)
        assert "conf/scenario" not in lines[0]
    assert not (tmp_path / "results").exists()
    out = imssim(
        tmp_path, "scenario=mine/scenario/my_cuts.yaml", "end_year=2014", "output.figures=false"
    )
    assert out.returncode == 0, out.stderr
    assert "what my_cuts changes for NLD" in out.stdout
    (manifest,) = run_folders(tmp_path)
    overrides = json.loads(manifest.read_text())["overrides"]
    assert f"scenario={mine / 'my_cuts.yaml'}" in overrides  # replayable from anywhere


@pytest.mark.slow
def test_a_parameter_set_is_chosen_by_name_or_path_and_a_typo_lists_them(tmp_path):
    """params=<name> (conf/params/ or the search path) or params=<file>.yaml sets the
    parameters it holds; the rest keep their defaults, a key on the command line wins."""
    mine = tmp_path / "mine" / "params"
    mine.mkdir(parents=True)
    (mine / "tuned.yaml").write_text("trust_gain: 0.11\nwiden_value: 0.02\n")
    search = f"hydra.searchpath=[file://{tmp_path / 'mine'}]"
    short = ("end_year=2013", "output.figures=false", "counterfactual=none")
    out = imssim(tmp_path, "params=tuned", search, "params.widen_value=0.01", *short)
    assert out.returncode == 0, out.stderr
    (manifest,) = run_folders(tmp_path)
    config = yaml.safe_load((manifest.parent / "config.yaml").read_text())
    assert config["params"]["trust_gain"] == 0.11 and config["params"]["widen_value"] == 0.01
    out = imssim(tmp_path, f"params={mine / 'tuned.yaml'}", *short)
    assert out.returncode == 0, out.stderr
    bad = imssim(tmp_path, "params=tunned", search, *short)
    assert bad.returncode == 2 and "no params named 'tunned'" in bad.stderr
    assert "tuned" in bad.stderr.strip().splitlines()[-1]
    (mine / "typo.yaml").write_text("trust_gian: 0.11\n")
    bad = imssim(tmp_path, "params=typo", search, *short)
    assert bad.returncode == 2 and "trust_gian" in bad.stderr
