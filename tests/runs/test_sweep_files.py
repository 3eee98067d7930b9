"""A sweep job writes the same files with its shortcuts as without them: the configs
merged key by key from kept results (imssim.config.sections), config.yaml joined from
kept texts, and the columns in front of a run's dataset tables converted once."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from imssim.config import convert
from imssim.config.compose import compose_config
from imssim.config.sections import clear
from imssim.runs import folders, sweep
from imssim.runs.sweep import execute_job

JOBS = [
    ["end_year=2014", "seed=1"],
    ["end_year=2014", "seed=2"],
    ["end_year=2014", "seed=3", "scenario=deep_cuts", "params.trust_gain=0.1"],
    ["end_year=2014", "seed=3", "policy=autonomy_test", "replicates=2", "counterfactual=none"],
]
MOVING = {"created_utc", "wall_seconds", "sweep"}  # the time, and the folder written into


def _sweep(folder: Path) -> None:
    for num, overrides in enumerate(JOBS):
        execute_job(compose_config(overrides), overrides, folder, num, say=lambda _: None)


def _without_shortcuts(patch) -> None:
    original = sweep.with_columns
    patch.setattr(convert, "by_section", lambda _: None)
    patch.setattr(folders, "config_yaml", convert._dump)
    patch.setattr(sweep, "config_yaml", convert._dump)
    patch.setattr(sweep, "with_columns", lambda *args: original(*args[:4]))


def _steady(info):
    """A manifest without what moves from one writing to the next."""
    if isinstance(info, dict):
        return {k: _steady(v) for k, v in info.items() if k not in MOVING}
    if isinstance(info, list):
        return [_steady(v) for v in info]
    return info


@pytest.mark.slow
def test_a_sweep_writes_the_same_files_with_its_shortcuts_as_without(tmp_path, monkeypatch):
    clear()
    _sweep(tmp_path / "quick")
    with monkeypatch.context() as patch:
        _without_shortcuts(patch)
        _sweep(tmp_path / "plain")
    quick, plain = tmp_path / "quick", tmp_path / "plain"
    files = sorted(p.relative_to(quick) for p in quick.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(plain) for p in plain.rglob("*") if p.is_file())
    assert len([f for f in files if f.parts[0] == sweep.TABLES_DIR]) == 5 * 6
    for name in files:
        a, b = quick / name, plain / name
        if name.suffix == ".yaml":
            assert a.read_bytes() == b.read_bytes(), name  # byte for byte
        elif name.suffix == ".json":
            assert _steady(json.loads(a.read_text())) == _steady(json.loads(b.read_text()))
        else:  # a run's table: its values and types, and its manifest in its metadata
            ta, tb = pq.read_table(a), pq.read_table(b)
            assert ta.equals(tb), name
            ma, mb = ta.schema.metadata, tb.schema.metadata
            assert set(ma) == set(mb) and ma.get(b"pandas") == mb.get(b"pandas")
            assert _steady(json.loads(ma[b"imssim"])) == _steady(json.loads(mb[b"imssim"]))
    # a dataset file is its run folder's own file, written once
    for name in files:
        if name.parts[0] == sweep.TABLES_DIR:
            table, run = name.parts[1], Path(name.parts[2]).stem
            assert (quick / name).samefile(quick / run / f"{table}.parquet"), name


def _run_into(folder: Path, overrides: list[str]):
    """A sweep job of one run into `folder`; the run's result as it was in memory."""
    from imssim.runs.api import run_pair

    kept = []

    def runner(cfg):
        kept.append(run_pair(cfg))
        return kept[-1]

    execute_job(compose_config(overrides), overrides, folder, 0, runner=runner, say=lambda _: None)
    return kept[0]


@pytest.mark.slow
def test_a_sweep_runs_folder_reads_back_the_tables_it_ran(tmp_path):
    from imssim.runs.find import run_folders

    result = _run_into(tmp_path, ["end_year=2014", "seed=4", "params.trust_gain=0.1"])
    (folder,) = run_folders(tmp_path)
    back = folders.RunFolder(folder)
    for name, table in result.tables.items():
        pd.testing.assert_frame_equal(getattr(back.tables, name), table, check_column_type=True)
    front = back.manifest[folders.FRONT]["pairs"]
    assert front == ["run_id", "end_year", "params.trust_gain", "seed", "replicate"]
    on_disk = pq.read_table(folder / "pairs.parquet")
    assert on_disk.column_names[:5] == front
    assert set(on_disk.column("run_id").to_pylist()) == {folder.name}


@pytest.mark.slow
def test_without_file_links_the_datasets_are_copies_and_collection_restores_them(
    tmp_path, monkeypatch
):
    from imssim.runs import parquet
    from imssim.runs.datasets import collect

    def no_links(*_):
        raise OSError("no links here")

    with monkeypatch.context() as patch:
        patch.setattr(parquet.os, "link", no_links)
        _run_into(tmp_path, ["end_year=2014", "seed=5"])
    (part,) = (tmp_path / sweep.TABLES_DIR / "events").glob("*.parquet")
    own = tmp_path / part.stem / "events.parquet"
    assert not part.samefile(own) and part.read_bytes() == own.read_bytes()
    part.unlink()  # a dataset file lost: collection puts the run's own file back
    collect(tmp_path, progress=False)
    assert part.samefile(own)
    assert not [p for p in tmp_path.rglob("*.tmp")]
