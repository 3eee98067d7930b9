"""imssim's launcher (hydra/launcher=imssim, the default): each job's config as Hydra
composes it, the same runs as Hydra's own launchers, Ctrl-C, and other task functions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

import pandas as pd
import pytest
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.plugins import Plugins
from hydra.errors import ConfigCompositionException
from hydra.types import RunMode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf, open_dict

from imssim.config import conf_dir, group_options
from imssim.config.compose import register_schema
from imssim.runs.datasets import RUNS_FILE
from imssim.runs.find import run_folders
from tests.runs.test_sweeps import SMALL, imssim


@pytest.fixture(scope="module")
def composer():
    from imssim.runs.launcher import JobComposer

    register_schema()
    Plugins.instance()  # registers the launcher and sweeper configs
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        loader = GlobalHydra.instance().config_loader()
    master = loader.load_configuration(
        config_name="config", overrides=["output.root=/tmp/x"], run_mode=RunMode.MULTIRUN
    )
    return JobComposer(SimpleNamespace(config_loader=loader), master), loader, master


JOBS = [
    ["seed=3"],
    ["scenario=deep_cuts", "seed=2", "catalyst=0.25"],
    ["policy=fewer_partners_more_intensive", "params.economic_pressure=10", "focal=DEU"],
    ["scenario=baseline", "policy=autonomy_test", "coordinated_cuts=true", "end_year=2020"],
    ["seed=5", "scenario=history_2012_2024", "counterfactual=none", "replicates=2"],
    ["++sweep.name=x", "world.data_dir=null"],
    ["scenario.name=renamed", "scenario=deep_cuts"],
    ["catalyst=1", "params.trust_gain=0", "world.data_dir=null"],  # an int for a float; null
    ["seed=${end_year}", "scenario.description='a b'"],  # an interpolation; quoted text
]


@pytest.mark.parametrize("overrides", JOBS, ids=[" ".join(j) for j in JOBS])
def test_a_job_is_composed_as_hydra_composes_it(composer, overrides):
    fast, loader, master = composer
    hydra = loader.load_sweep_config(master, list(overrides))
    with open_dict(hydra):
        del hydra["hydra"]
    expected = OmegaConf.to_container(hydra, resolve=True)
    twice = fast.compose(overrides), fast.compose(overrides)  # the second from the cache
    for cfg in twice:
        assert OmegaConf.to_container(cfg, resolve=True) == expected
    # the containers sent to a worker: the same values of the same types
    for tree in (fast.container(overrides), fast.container(overrides)):
        assert repr(tree) == repr(expected)
    # what is composed and what is applied afterwards
    structural, values = fast.split(overrides)
    assert all(
        o.split("=")[0].lstrip("+~") in ("scenario", "policy", "sweep.name") for o in structural
    )
    assert len(structural) + len(values) == len(overrides)
    # a job's changes do not leak into the cached base of the next job
    assert fast.compose([]).seed == 42
    assert fast.container([])["seed"] == 42


def test_jobs_containers_share_what_they_do_not_change(composer):
    fast, _, _ = composer
    three, four = fast.container(["seed=3"]), fast.container(["seed=4", "params.trust_gain=0.2"])
    assert (three["seed"], four["seed"], four["params"]["trust_gain"]) == (3, 4, 0.2)
    assert three["scenario"] is four["scenario"]  # one branch, not a copy per job
    assert three["params"] is not four["params"]  # the changed one is new
    assert fast.container([])["params"]["trust_gain"] != 0.2  # and the base as it was


BAD = [["sedd=1"], ["seed=abc"], ["+seed=1"], ["scenario=nowhere"], ["~sweep.name"]]


@pytest.mark.parametrize("bad", BAD)
def test_a_refused_job_fails_as_under_hydra(composer, bad):
    fast, loader, master = composer
    with pytest.raises(Exception) as hydra_error:
        loader.load_sweep_config(master, bad)
    for make in (fast.compose, fast.container):
        with pytest.raises(Exception) as fast_error:
            make(bad)
        assert type(fast_error.value) is type(hydra_error.value)
        assert str(fast_error.value) == str(hydra_error.value)
    if bad == ["sedd=1"]:
        assert isinstance(fast_error.value, ConfigCompositionException)


def test_processes_follow_n_jobs_and_the_jobs():
    from imssim.runs.launcher import cores, processes

    assert processes(-1, 100) == cores()
    assert processes(2, 100) == 2 and processes(4, 3) == 3 and processes(1, 5) == 1
    assert processes(-100, 10) == 1
    with pytest.raises(ValueError, match="n_jobs"):
        processes(0, 5)


@pytest.mark.slow
def test_the_launcher_writes_the_runs_hydras_launcher_writes(tmp_path):
    grid = ["-m", "scenario=baseline,deep_cuts", "seed=1,2", "catalyst=0.25,0.75"]
    ours = imssim(tmp_path / "imssim", *grid, "hydra.launcher.n_jobs=2", "sweep.name=s")
    basic = imssim(tmp_path / "basic", *grid, "hydra/launcher=basic", "sweep.name=s")
    assert ours.returncode == 0, ours.stderr[-3000:]
    assert basic.returncode == 0, basic.stderr[-3000:]
    assert "imssim launcher: 8 jobs on 2 process(es)" in ours.stdout + ours.stderr
    a, b = tmp_path / "imssim" / "s", tmp_path / "basic" / "s"
    names = [p.name for p in run_folders(a)]
    assert len(names) == 8 and names == [p.name for p in run_folders(b)]
    for name in names:  # the same config, byte for byte (but where it went), the same tables
        mine = (a / name / "config.yaml").read_text().replace(str(tmp_path / "imssim"), "R")
        assert mine == (b / name / "config.yaml").read_text().replace(str(tmp_path / "basic"), "R")
        for table in ("countries", "pairs"):
            pd.testing.assert_frame_equal(
                pd.read_parquet(a / name / f"{table}.parquet"),
                pd.read_parquet(b / name / f"{table}.parquet"),
            )
    keep = [
        "run_id",
        "scenario",
        "seed",
        "catalyst",
        "status",
        "capacity_to_act_index",
        "cooperating_pairs",
    ]
    runs = [pd.read_parquet(s / RUNS_FILE)[keep].sort_values("run_id") for s in (a, b)]
    pd.testing.assert_frame_equal(runs[0].reset_index(drop=True), runs[1].reset_index(drop=True))
    assert not (a / ".jobs").exists()


@pytest.mark.slow
def test_ctrl_c_stops_the_workers_with_one_line_and_the_sweep_resumes(tmp_path):
    args = ["-m", "scenario=baseline,austerity_2012", "seed=1,2,3,4,5,6", "sweep.name=s"]
    process = subprocess.Popen(
        [sys.executable, "-m", "imssim", *args, *SMALL, f"output.root={tmp_path}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while len(run_folders(tmp_path / "s")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err[-3000:]
    assert err.strip().splitlines()[-1] == "imssim: interrupted"
    assert "Traceback" not in err
    # no worker left behind
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)
    done = len(run_folders(tmp_path / "s"))
    again = imssim(tmp_path, *args)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("complete already, skipped") == done
    assert len(pd.read_parquet(tmp_path / "s" / RUNS_FILE)) == 12


APP = """
import sys
from pathlib import Path

import hydra


@hydra.main(config_path=None, version_base="1.3")
def task(cfg):
    from hydra.core.hydra_config import HydraConfig

    num = HydraConfig.get().job.num
    Path(sys.argv[0]).with_name(f"job{num}.txt").write_text(f"{cfg.x} {num}")


if __name__ == "__main__":
    task()
"""


@pytest.mark.slow
def test_another_task_function_runs_through_hydras_run_job(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(APP)
    out = subprocess.run(
        [
            sys.executable,
            str(app),
            "-m",
            "+x=a,b,c",
            "hydra/launcher=imssim",
            "hydra.launcher.n_jobs=2",
            f"hydra.sweep.dir={tmp_path / 'sweep'}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    written = sorted(p.read_text() for p in tmp_path.glob("job*.txt"))
    assert written == ["a 0", "b 1", "c 2"]
    assert (tmp_path / "sweep" / "0").is_dir()  # Hydra's own job folders, as usual


@pytest.mark.slow
@pytest.mark.parametrize("overrides", JOBS + BAD, ids=[" ".join(j) for j in JOBS + BAD])
def test_the_command_checks_each_value_with_the_config_hydra_composes(overrides):
    from imssim.cli.main import _Composer
    from imssim.config.compose import compose_config

    compose = _Composer([])
    try:
        expected = OmegaConf.to_container(compose_config(overrides), resolve=True)
    except Exception as exc:  # a refused value: the same error, word for word
        for make in (compose, compose.quick):
            with pytest.raises(type(exc)) as error:
                make(overrides)
            assert str(error.value) == str(exc)
        return
    for _ in range(2):  # the second from the cache
        assert OmegaConf.to_container(compose(overrides), resolve=True) == expected
        quick = compose.quick(overrides)  # what the command checks: the same values
        if not isinstance(quick, dict):
            quick = OmegaConf.to_container(quick, resolve=True)
        assert repr(quick) == repr(expected)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("hydra.launcher.n_jobs=0", "hydra.launcher.n_jobs: 0 processes"),
        ("hydra.launcher.n_jobs=abc", "could not be converted to Integer"),
        ("hydra.launcher.njobs=2", "Could not override 'hydra.launcher.njobs'"),
        ("hydra.launcher.backend=thread", "'thread' is not one of fork, loky"),
        ("hydra/launcher=nowhere", "Could not find 'hydra/launcher/nowhere'"),
    ],
)
def test_a_wrong_launcher_setting_gives_one_line_and_writes_nothing(tmp_path, setting, message):
    out = imssim(tmp_path / "out", "-m", "seed=1,2", setting)
    assert out.returncode == 2
    assert out.stderr.startswith("imssim: error: ") and message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert not any((tmp_path / "out").iterdir())


@pytest.mark.slow
def test_the_loky_backend_writes_the_same_runs(tmp_path):
    grid = [
        "-m",
        "scenario=baseline,deep_cuts",
        "seed=1",
        "sweep.name=s",
        "hydra.launcher.n_jobs=2",
    ]
    loky = imssim(tmp_path / "loky", *grid, "hydra.launcher.backend=loky")
    fork = imssim(tmp_path / "fork", *grid, "hydra.launcher.backend=fork")
    assert loky.returncode == 0, loky.stderr[-3000:]
    assert fork.returncode == 0, fork.stderr[-3000:]
    assert "2 jobs on 2 process(es) (loky)" in loky.stdout + loky.stderr
    names = [p.name for p in run_folders(tmp_path / "loky" / "s")]
    assert len(names) == 2 and names == [p.name for p in run_folders(tmp_path / "fork" / "s")]
    for name in names:
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "loky" / "s" / name / "countries.parquet"),
            pd.read_parquet(tmp_path / "fork" / "s" / name / "countries.parquet"),
        )


SCENARIOS = group_options("scenario")
POLICIES = group_options("policy")


def _composed(composer, overrides):
    """A job's config as plain containers (types shown: 1 and 1.0 differ), or the
    error's type and words."""
    try:
        return repr(OmegaConf.to_container(composer.compose(overrides), resolve=True))
    except Exception as exc:
        return type(exc).__name__, str(exc)


@pytest.mark.slow
def test_the_configs_the_command_offers_the_launcher_are_those_it_composes(composer):
    """The combinations of config groups the command composed to check a sweep are
    taken by the launcher: each is the config Hydra's sweep composes, and every job
    composed on it is the job composed without it, value for value, error for error."""
    from imssim.cli.main import _Composer
    from imssim.runs.launcher import JobComposer, forget_offered

    _, loader, master = composer
    context = SimpleNamespace(config_loader=loader)
    forget_offered()
    alone = JobComposer(context, master)  # nothing offered: composes everything itself
    combos = [[f"scenario={s}", f"policy={p}"] for s in SCENARIOS for p in POLICIES]
    combos += [[], ["params=calibrated"], ["++sweep.name=x"], ["scenario=deep_cuts", "~sweep"]]
    command = _Composer([])
    for structural in combos:
        command([*structural, "seed=3"])
    offered = JobComposer(context, master)
    assert set(offered.bases) == {tuple(c) for c in combos} and not alone.bases
    for structural in combos:
        hydra = loader.load_sweep_config(master, structural)
        with open_dict(hydra):
            del hydra["hydra"]
        assert OmegaConf.to_container(offered.bases[tuple(structural)]) == (
            OmegaConf.to_container(hydra)
        )
        for values in (["seed=5"], ["catalyst=1", "focal=DEU"], ["seed=abc"], ["sedd=1"]):
            job = [*structural, *values]
            assert _composed(offered, job) == _composed(alone, job), job
    forget_offered()
    assert not JobComposer(context, master).bases


VALUES = {  # keys a sweep varies, with values of the right type and some of the wrong one
    "seed": st.integers(0, 10**6).map(str),
    "catalyst": st.sampled_from(["0", "0.25", "0.5", "1", "1.5", "x"]),
    "end_year": st.integers(2013, 2040).map(str),
    "focal": st.sampled_from(["NLD", "DEU", "FRA", "XXX"]),
    "coordinated_cuts": st.sampled_from(["true", "false", "maybe"]),
    "params.economic_pressure": st.floats(0, 40, allow_nan=False).map(lambda v: f"{v:.3g}"),
    "params.trust_gain": st.sampled_from(["0.04", "0.08", "0.16", "-1"]),
    "replicates": st.integers(1, 4).map(str),
    "scenario": st.sampled_from(SCENARIOS),
    "policy": st.sampled_from(POLICIES),
}


@pytest.mark.slow
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(st.sampled_from(sorted(VALUES)), st.none(), max_size=5).flatmap(
        lambda keys: st.fixed_dictionaries({k: VALUES[k] for k in keys})
    )
)
def test_any_job_is_composed_as_hydra_composes_it(composer, job):
    """Property: for any mix of group choices and values a sweep may vary, the job's
    config (and the command's check of it) equals Hydra's, or fails as Hydra's does."""
    from imssim.cli.main import _Composer
    from imssim.config.compose import compose_config

    fast, loader, master = composer
    overrides = [f"{k}={v}" for k, v in job.items()]
    try:
        hydra = loader.load_sweep_config(master, overrides)
    except Exception as exc:
        with pytest.raises(type(exc)):
            fast.compose(overrides)
        with pytest.raises(type(exc)):
            fast.container(overrides)
        return
    with open_dict(hydra):
        del hydra["hydra"]
    expected = OmegaConf.to_container(hydra, resolve=True)
    assert OmegaConf.to_container(fast.compose(overrides), resolve=True) == expected
    assert repr(fast.container(overrides)) == repr(expected)  # values and their types
    command = OmegaConf.to_container(_Composer([])(overrides), resolve=True)
    assert command == OmegaConf.to_container(compose_config(overrides), resolve=True)


@pytest.mark.slow
def test_a_scenario_file_and_one_on_the_search_path_sweep_under_the_loky_backend(tmp_path):
    """Workers that start afresh (loky, as a cluster's do) compose a scenario given by
    its path, and one found on the user's search path, as the parent did."""
    mine = tmp_path / "mine" / "scenario"
    mine.mkdir(parents=True)
    cut = "budget_changes:\n  - who: [DEU]\n    start: 2012\n    end: 2013\n    cut: 0.3\n"
    (mine / "my_cuts.yaml").write_text("name: my_cuts\n" + cut)
    (mine / "deeper.yaml").write_text("name: deeper\n" + cut.replace("0.3", "0.5"))
    out = imssim(
        tmp_path / "out",
        "-m",
        f"scenario={mine / 'my_cuts.yaml'},deeper",
        f"hydra.searchpath=[file://{tmp_path / 'mine'}]",
        "end_year=2014",
        "sweep.name=s",
        "hydra.launcher.n_jobs=2",
        "hydra.launcher.backend=loky",
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "deprecated" not in out.stderr  # the file on the search path is not stored twice
    runs = pd.read_parquet(tmp_path / "out" / "s" / RUNS_FILE)
    assert sorted(runs["status"]) == ["completed", "completed"]
    countries = pd.read_parquet(tmp_path / "out" / "s" / "tables" / "countries")
    german = countries[(countries["country"] == "DEU") & (countries["year"] == 2014)]
    budgets = german.set_index("scenario")["budget"]
    assert (
        budgets.index.str.contains("deeper").any() and budgets.index.str.contains("my_cuts").any()
    )
    deeper = budgets[budgets.index.str.contains("deeper")].iloc[0]
    assert deeper < budgets[budgets.index.str.contains("my_cuts")].iloc[0]


def _frozen_job(cfg, overrides, sweep, num):
    """A task's sweep job that tells what it saw: its number and seed, and whether the
    objects its process shares were set aside from the garbage collector."""
    import gc

    return num, cfg["seed"], gc.get_freeze_count() > 0


def _any_task(cfg):
    """A task function (its jobs go to its ``sweep_job``)."""


_any_task.sweep_job = _frozen_job  # type: ignore[attr-defined]


# (numpy's BLAS threads: the command forks its workers with them too)
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_jobs_run_with_what_they_share_set_aside_from_the_collector(composer, tmp_path, n_jobs):
    """In the launching process (one process) or in forked workers, the jobs run with
    the objects made before them frozen (gc.freeze: a collection skips them); once the
    jobs are done the launching process has them back (nothing stays frozen)."""
    import gc

    from imssim.runs.launcher import ImssimLauncher

    _, loader, master = composer
    config = master.copy()
    with open_dict(config):
        config.hydra.sweep.dir = str(tmp_path)
    launcher = ImssimLauncher(n_jobs=n_jobs, backend="fork")
    context = SimpleNamespace(config_loader=loader)
    launcher.setup(hydra_context=context, task_function=_any_task, config=config)
    returns = launcher.launch([["seed=1"], ["seed=2"], ["seed=3"]], initial_job_idx=4)
    assert [r.return_value for r in returns] == [(4, 1, True), (5, 2, True), (6, 3, True)]
    assert gc.get_freeze_count() == 0
