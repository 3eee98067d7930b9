"""``imssim-replay``: a run folder's command run again gives the same tables, the
user's scenario files found again through the recorded search path."""

from __future__ import annotations

import json

from imssim.cli.replay import main
from tests.cli.test_cli import imssim


def test_a_run_with_a_file_of_ones_own_replays_to_identical_tables(tmp_path, capsys):
    conf = tmp_path / "my_conf" / "scenario"
    conf.mkdir(parents=True)
    (conf / "mine.yaml").write_text(
        "name: mine\nbudget_changes:\n  - who: [DEU]\n    start: 2014\n    end: 2014\n"
        "    cut: 0.2\n"
    )
    search = f"hydra.searchpath=[file://{conf.parent}]"
    done = imssim(tmp_path, search, "scenario=mine", "end_year=2016", "output.figures=false")
    assert done.returncode == 0, done.stderr
    (folder,) = (tmp_path / "results").iterdir()
    assert folder.name.endswith("_mine_default_NLD_s42")  # the focal state in the name
    manifest = json.loads((folder / "manifest.json").read_text())
    assert search in manifest["overrides"] and manifest["focal"] == "NLD"
    assert main([str(folder), "--check", "--out", str(tmp_path / "again")]) == 0
    out = capsys.readouterr().out
    assert "12 tables identical" in out
    (again,) = (tmp_path / "again").iterdir()
    assert again.name.endswith("_mine_default_NLD_s42")


def test_a_sweeps_run_replays_to_identical_tables(tmp_path, capsys):
    """A sweep run's tables hold the run's columns in front; its replay, a single run,
    has the same tables without them."""
    done = imssim(tmp_path, "-m", "seed=3,4", "end_year=2014", "output.figures=false")
    assert done.returncode == 0, done.stderr
    (sweep,) = (tmp_path / "results").iterdir()
    folder = next(p for p in sweep.iterdir() if "_s4_" in p.name)
    assert main([str(folder), "--check", "--out", str(tmp_path / "again")]) == 0
    assert "12 tables identical" in capsys.readouterr().out


def test_a_folder_that_is_no_run_folder_is_one_line_and_exit_2(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("imssim-replay: error:") and "not a run folder" in err
    assert len(err.splitlines()) == 1


def test_a_counterfactual_named_on_the_search_path(tmp_path):
    """counterfactual=<name> finds a scenario beside one's own on the search path."""
    conf = tmp_path / "my_conf" / "scenario"
    conf.mkdir(parents=True)
    (conf / "mine.yaml").write_text("name: mine\ngdp_growth: 0.02\n")
    (conf / "calm.yaml").write_text("name: calm\ngdp_growth: 0.01\n")
    search = f"hydra.searchpath=[file://{conf.parent}]"
    done = imssim(
        tmp_path,
        search,
        "scenario=mine",
        "counterfactual=calm",
        "end_year=2014",
        "output.figures=false",
    )
    assert done.returncode == 0, done.stderr
    assert "with its counterfactual (calm)" in done.stdout and "under calm" in done.stdout
