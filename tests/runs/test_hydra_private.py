"""Hydra's private names that imssim relies on, kept in one module
(:mod:`imssim.runs.hydra_private`): these tests fail when a version of Hydra moves,
renames or changes one of them. And imssim's sweeper, written on Hydra's public
interface, launches the jobs Hydra's basic sweeper launches."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import ConfigCompositionException
from omegaconf import OmegaConf

from imssim.runs.hydra_private import apply_plain_overrides

SRC = Path(__file__).resolve().parents[2] / "src"
PRIVATE = SRC / "imssim" / "runs" / "hydra_private.py"


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return [n for n in names if n == "hydra._internal" or n.startswith("hydra._internal.")]


def test_only_one_module_uses_hydras_private_names():
    users = {p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if _private_imports(p)}
    assert users == {"imssim/runs/hydra_private.py"}
    assert _private_imports(PRIVATE) == ["hydra._internal.config_loader_impl"]


def test_the_private_function_exists_with_the_signature_relied_on():
    from hydra._internal.config_loader_impl import ConfigLoaderImpl

    method = inspect.getattr_static(ConfigLoaderImpl, "_apply_overrides_to_config")
    assert isinstance(method, staticmethod)
    assert list(inspect.signature(method.__func__).parameters) == ["overrides", "cfg"]


def _apply(cfg, *overrides):
    parsed = OverridesParser.create().parse_overrides(list(overrides))
    apply_plain_overrides(parsed, cfg)
    return OmegaConf.to_container(cfg)


def test_plain_overrides_are_applied_in_place_as_hydra_applies_them():
    cfg = OmegaConf.create({"seed": 42, "params": {"catalyst": 0.5, "memory": 2}, "x": [1]})
    assert _apply(cfg, "seed=3", "params.catalyst=0.25", "x=[2,3]") == {
        "seed": 3,
        "params": {"catalyst": 0.25, "memory": 2},
        "x": [2, 3],
    }
    assert _apply(cfg, "+extra=1", "++seed=5", "~params.memory") == {
        "seed": 5,
        "params": {"catalyst": 0.25},
        "x": [2, 3],
        "extra": 1,
    }


def test_a_refused_override_raises_hydras_composition_error():
    cfg = OmegaConf.structured({"seed": 42})
    OmegaConf.set_struct(cfg, True)
    with pytest.raises(ConfigCompositionException, match=r"Could not override 'sedd'"):
        _apply(cfg, "sedd=1")
    with pytest.raises(ConfigCompositionException, match="Could not append to config"):
        _apply(cfg, "+seed=1")
    with pytest.raises(ConfigCompositionException, match="Could not delete from config"):
        _apply(cfg, "~nothing")
    with pytest.raises(ConfigCompositionException, match="looks like a config group"):
        _apply(cfg, "seed@pkg=1")


# ------------------------------------------------- the sweeper against Hydra's basic one

APP = """
import json
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def task(cfg):
    job = HydraConfig.get().job
    out = Path(sys.argv[0]).with_name("jobs.jsonl")
    with out.open("a") as f:
        f.write(json.dumps([job.num, list(HydraConfig.get().overrides.task)]) + "\\n")


if __name__ == "__main__":
    task()
"""

CONFIG = """
a: 0
b: 0
c: 0
hydra:
  sweeper:
    params:
      a: 1,2
      c: range(3)
"""


def _sweep(folder: Path, sweeper: str, *args: str) -> subprocess.CompletedProcess:
    folder.mkdir()
    (folder / "app.py").write_text(APP)
    (folder / "config.yaml").write_text(CONFIG)
    return subprocess.run(
        [
            sys.executable,
            str(folder / "app.py"),
            "-m",
            *args,
            f"hydra/sweeper={sweeper}",
            "hydra/launcher=basic",
            f"hydra.sweep.dir={folder / 'sweep'}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder,
    )


@pytest.mark.slow
def test_the_sweeper_launches_the_jobs_of_hydras_basic_sweeper(tmp_path):
    args = ["b=x,y", "c=7,8,9", "+d=range(1,2)", "hydra.sweeper.max_batch_size=5"]
    ours = _sweep(tmp_path / "imssim", "imssim", *args)
    basic = _sweep(tmp_path / "basic", "basic", *args)
    assert ours.returncode == 0, ours.stderr[-3000:]
    assert basic.returncode == 0, basic.stderr[-3000:]
    jobs = (tmp_path / "imssim" / "jobs.jsonl").read_text().splitlines()
    assert len(jobs) == 2 * 2 * 3  # a from params, b, c (the command line's), d
    assert jobs == (tmp_path / "basic" / "jobs.jsonl").read_text().splitlines()
    assert (tmp_path / "imssim" / "sweep" / "multirun.yaml").is_file()


def test_the_sweeper_refuses_a_sweep_it_cannot_list(tmp_path):
    out = _sweep(tmp_path / "imssim", "imssim", "b=interval(0,1)")
    assert out.returncode != 0
    assert "b=interval(0,1): the imssim sweeper takes lists of values and ranges" in out.stderr
