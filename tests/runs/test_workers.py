"""A sweep's workers forked from a process started with the command (imssim.runs.workers):
the jobs' results in order, errors sent back, batches, a broken warm-up, the end."""

from __future__ import annotations

import os
import signal
import time

import pytest

from imssim.runs import workers

# (the test process has numpy's BLAS threads when it forks, as the command has)
pytestmark = pytest.mark.filterwarnings(
    "ignore:This process .* is multi-threaded:DeprecationWarning"
)


def _job(config, overrides, sweep_dir, num):
    """A sweep job: what it was given, and the process that ran it."""
    if config.get("fail"):
        raise ValueError(f"job {num} refused")
    return num, config["seed"], overrides, str(sweep_dir), os.getpid(), os.getppid()


def _warm():
    os.environ["IMSSIM_TEST_WARMED"] = "yes"


def _broken_warm():
    raise RuntimeError("a library is missing")


def _warmed(config, overrides, sweep_dir, num):
    return os.environ.get("IMSSIM_TEST_WARMED")


def _tasks(n: int, fail: tuple[int, ...] = (), job=_job):
    return [(job, {"seed": k, "fail": k in fail}, [f"seed={k}"], "/s", k) for k in range(n)]


def test_the_jobs_run_on_the_workers_and_come_back_in_order():
    forker = workers.Forker(_warm)
    try:
        results = list(forker.run(2, _tasks(12, fail=(5,))))
        assert [num for num, _, _ in results] == list(range(12))
        assert all(ok for num, ok, _ in results if num != 5)
        _, ok, error = results[5]
        assert not ok and isinstance(error, ValueError) and str(error) == "job 5 refused"
        values = [value for _, ok, value in results if ok]
        assert [v[:4] for v in values[:2]] == [(0, 0, ["seed=0"], "/s"), (1, 1, ["seed=1"], "/s")]
        pids = {v[4] for v in values}  # (one worker may take them all: they are quick)
        assert 1 <= len(pids) <= 2 and not pids & {os.getpid(), forker.process.pid}
        assert {v[5] for v in values} == {forker.process.pid}  # forked by the forker
        # a second batch, on three workers, warmed as the first
        again = list(forker.run(3, _tasks(4, job=_warmed)))
        assert again == [(k, True, "yes") for k in range(4)]
        assert "IMSSIM_TEST_WARMED" not in os.environ  # warmed there, not here
    finally:
        forker.stop()
    assert not forker.process.is_alive()


def test_a_broken_warm_up_is_left_to_the_jobs():
    forker = workers.Forker(_broken_warm)
    try:
        results = list(forker.run(2, _tasks(3)))
        assert [(num, ok, value[:2]) for num, ok, value in results] == [
            (k, True, (k, k)) for k in range(3)
        ]
    finally:
        forker.stop()


def test_a_forker_that_ends_is_no_endless_wait():
    forker = workers.Forker(None)
    try:
        os.kill(forker.process.pid, signal.SIGKILL)
        forker.process.join(10)
        with pytest.raises((RuntimeError, OSError)):
            list(forker.run(2, _tasks(3)))
    finally:
        forker.stop()


def test_the_forker_started_is_taken_and_stopped_with_its_workers():
    forker = workers.start(None)
    assert workers.take() is forker
    assert [r[:2] for r in forker.run(2, _tasks(2))] == [(0, True), (1, True)]
    started = time.monotonic()
    workers.stop()
    assert workers.take() is None and not forker.process.is_alive()
    # it ended as the command closed its pipe, its workers with it, not by a signal
    assert forker.process.exitcode == 0 and time.monotonic() - started < 4
    workers.stop()  # nothing started: nothing to do


@pytest.mark.parametrize(
    ("args", "forks"),
    [
        (["-m", "seed=1,2", "hydra.launcher.n_jobs=2"], True),
        (["--multirun", "scenario=baseline,deep_cuts", "+hydra.launcher.n_jobs=3"], True),
        (["-m", "seed=1,2", "hydra.launcher.n_jobs=2", "hydra.launcher.backend=fork"], True),
        (["-m", "seed=1,2", "hydra.launcher.n_jobs=2", "hydra.launcher.backend=null"], True),
        (["seed=1,2", "hydra.launcher.n_jobs=2"], False),  # not a sweep (yet)
        (["-m", "seed=1", "replicates=4", "hydra.launcher.n_jobs=2"], False),  # one job
        (["-m", "seed=1,2", "hydra.launcher.n_jobs=1"], False),
        (["-m", "seed=1,2", "hydra.launcher.n_jobs=2", "hydra.launcher.backend=loky"], False),
        (["-m", "seed=1,2", "hydra/launcher=basic", "hydra.launcher.n_jobs=2"], False),
        (["-m", "seed=1,2", "hydra.launcher.n_jobs=abc"], False),  # the checks name it
        (["-m", "seed=1,2", "hydra.launcher.n_jobs=0"], False),
        (["-m", "seed=[1,2"], False),
    ],
)
def test_the_command_starts_the_workers_early_only_for_a_sweep_forked_on_several(args, forks):
    from imssim.runs.launcher import default_backend, forks_workers

    assert forks_workers(args) is (forks and default_backend() == "fork")
