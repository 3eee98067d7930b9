"""imssim's launcher for Hydra (``hydra/launcher=imssim``, the default of ``conf/``).

A sweep's jobs are short (a run takes a tenth to a fifth of a second), so what a
launcher adds to each job matters as much as the run. Against Hydra's joblib launcher
this one saves three costs:

* **Workers forked from a warm process** (``backend: fork``, the default on Linux).
  The model and its libraries are imported and loaded once (the task's ``warm``: for
  imssim the model, the world and the model's compiled kernels, about a second and a
  half), before the workers are forked, instead of once in every worker. The
  ``imssim`` command starts that process as it starts (:mod:`imssim.runs.workers`,
  when :func:`forks_workers` says the sweep will fork several workers), so that it
  warms up on the second core while the command checks the values swept; the launcher
  then sends it each job's config, composed here. Otherwise the workers are forked
  from the launching process, warmed up first. With ``backend: loky`` (the default
  on macOS and Windows) the workers are fresh processes, as under Hydra's joblib
  launcher, and each job's config is composed whole. Whatever the jobs share is frozen
  out of Python's garbage collector (``gc.freeze``) while they run.
* **Each job's config composed from a cached one.** Overrides that choose a config
  group (``scenario=``, ``policy=``, anything with ``@`` or a ``+``/``~`` prefix) are
  composed by Hydra once per worker and combination; the job's other overrides
  (``seed=3``, ``params.catalyst=0.2``) are then applied as Hydra applies them at the
  end of every composition, each value converted by Hydra's own function, to plain
  containers that share what the job does not change with the combination's
  (:mod:`imssim.runs.plain_jobs`). The result is the config Hydra composes for the job
  (a test compares the two): about 0.2 ms a job, against 6 ms for copying the
  composed config and converting it. The combinations the ``imssim`` command composed
  already to check the values swept (:func:`offer`) are taken from it, before the
  workers are forked, rather than composed again in every worker.
* **No per-job working folder, logging set-up or ``.hydra`` record.** A task that
  offers a ``sweep_job(cfg, overrides, sweep_dir, num)`` attribute (imssim's does) is
  handed the job directly, its config as plain containers (resolved; shared in part
  with other jobs', so to be read, not changed); any other task function goes through
  Hydra's ``run_job`` as under the other launchers.

``n_jobs`` sets the processes (-1: every core this process may use; 1: the jobs run in
the launching process). A worker ignores Ctrl-C; the launching process stops the
workers and ends the command.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import OverrideType
from hydra.core.singleton import Singleton
from hydra.core.utils import (
    JobReturn,
    JobStatus,
    configure_log,
    filter_overrides,
    run_job,
    setup_globals,
)
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from imssim.runs import workers
from imssim.runs.plain_jobs import PlainBase, apply_overrides, interpolated
from imssim.runs.workers import sendable

log = logging.getLogger(__name__)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def processes(n_jobs: int, jobs: int) -> int:
    """The worker processes for `jobs` jobs: `n_jobs` (-1: every core; -2: all but one,
    as joblib counts), never more than the jobs."""
    if n_jobs == 0:
        raise ValueError("hydra.launcher.n_jobs: 0 processes; use -1 for every core or N >= 1")
    n = n_jobs if n_jobs > 0 else max(1, cores() + 1 + n_jobs)
    return max(1, min(n, jobs))


def forks_workers(args: Sequence[str]) -> bool:
    """Whether the command line `args` is a sweep (``-m``) that this launcher will run
    on several processes forked from the command (the default on Linux): its workers
    may then be started at once, to warm up while the command checks the values swept
    (:mod:`imssim.runs.workers`). Anything unclear says no: the workers are then forked
    when the jobs are launched, as always."""
    if not any(a in ("-m", "--multirun") for a in args):
        return False
    n_jobs, backend, jobs = -1, default_backend(), 1
    try:
        parsed = OverridesParser.create().parse_overrides([a for a in args if a[:1] != "-"])
        for ov in parsed:
            key = ov.key_or_group
            if ov.is_sweep_override():
                if not key.startswith("hydra") and key != "replicates":
                    jobs *= len(list(ov.sweep_string_iterator()))
                continue
            value = ov.get_value_element_as_str()
            if key == "hydra/launcher" and value != "imssim":
                return False
            if key == "hydra.launcher.backend":
                backend = default_backend() if value == "null" else value
            elif key == "hydra.launcher.n_jobs":
                n_jobs = int(value)
        return backend == "fork" and processes(n_jobs, jobs) > 1
    except Exception:  # a mistake the command's checks will name
        return False


def split_overrides(
    overrides: Sequence[str], is_group: Callable[[str], bool], parser: Any = None
) -> tuple[list[str], list[Any]]:
    """`overrides` split into those that need Hydra's composition (a config group, an
    addition, a deletion, a package, a sweep, Hydra's own settings), as given, and the
    plain ``key=value`` changes, parsed, that can be applied to a composed config
    afterwards as Hydra applies them (:func:`apply_overrides`)."""
    parser = parser or OverridesParser.create()
    structural: list[str] = []
    values: list[Any] = []
    for text, ov in zip(overrides, parser.parse_overrides(list(overrides)), strict=True):
        key = ov.key_or_group
        plain = (
            ov.type == OverrideType.CHANGE
            and ov.package is None
            and not ov.is_sweep_override()
            and not key.startswith("hydra")
            and not is_group(key)
        )
        if plain:
            values.append(ov)
        else:
            structural.append(text)
    return structural, values


# task configs the command composed before Hydra started (its check of every value
# swept, imssim.cli.main.preflight), by search path and the overrides composed: the
# launcher takes them instead of composing them again
_OFFERED: dict[tuple[tuple[str, ...], tuple[str, ...]], DictConfig] = {}


def offer(search: Sequence[str], structural: Sequence[str], base: DictConfig) -> None:
    """Offer the launcher a task config composed by Hydra's compose API for the
    overrides `structural` and the search path overrides `search` (without the
    ``hydra`` node): the config Hydra's sweep composes for them (a test compares the
    two), unless it holds an interpolation (``${now:...}`` would be resolved again)."""
    if not interpolated(OmegaConf.to_container(base, resolve=False)):
        _OFFERED[tuple(search), tuple(structural)] = base


def forget_offered() -> None:
    """Forget the configs offered (a command starts afresh)."""
    _OFFERED.clear()


class JobComposer:
    """The config of a sweep job, composed as Hydra composes it, without composing the
    whole defaults tree for every job: see the module's description."""

    def __init__(self, hydra_context: HydraContext, master: DictConfig) -> None:
        self.loader = hydra_context.config_loader
        self.master = master
        self.groups: dict[str, bool] = dict.fromkeys(master.hydra.runtime.choices, True)
        self.parser = OverridesParser.create()
        self.search = tuple(
            str(o)
            for o in master.hydra.overrides.hydra
            if str(o).lstrip("+").startswith("hydra.searchpath=")
        )
        self.bases: dict[tuple[str, ...], DictConfig] = {
            structural: base
            for (search, structural), base in _OFFERED.items()
            if search == self.search
        }
        self.plain: dict[tuple[str, ...], PlainBase] = {}  # the bases' containers
        self.parsed: dict[str, tuple[bool, Any]] = {}  # by override: (plain?, parsed)

    def _is_group(self, key: str) -> bool:
        """Whether `key` names a config group (``scenario``, ``hydra/launcher``), asked of
        Hydra's config loader once per key."""
        known = self.groups.get(key)
        if known is None:
            parent, _, name = key.rpartition("/")
            try:
                known = name in self.loader.list_groups(parent)
            except Exception:  # an unusual search path: let Hydra compose it
                known = True
            self.groups[key] = known
        return known

    def split(self, overrides: Sequence[str]) -> tuple[list[str], list[Any]]:
        """The overrides Hydra composes (config groups, additions, deletions) and the
        plain ``key=value`` changes applied afterwards (each override parsed once: the
        jobs of a sweep repeat them)."""
        structural: list[str] = []
        values: list[Any] = []
        for text in overrides:
            known = self.parsed.get(text)
            if known is None:
                groups, plain = split_overrides([text], self._is_group, self.parser)
                known = self.parsed[text] = (bool(plain), plain[0] if plain else groups[0])
            (values if known[0] else structural).append(known[1])
        return structural, values

    def _base(self, structural: list[str]) -> DictConfig:
        """The composed config of the combination `structural` (without ``hydra``)."""
        key = tuple(structural)
        base = self.bases.get(key)
        if base is None:
            base = self.loader.load_sweep_config(self.master, list(structural))
            with read_write(base), open_dict(base):
                del base["hydra"]
            self.bases[key] = base
        return base

    def compose(self, overrides: Sequence[str]) -> DictConfig:
        """The job's task config (without the ``hydra`` node)."""
        structural, values = self.split(overrides)
        return apply_overrides(self._base(structural), values)

    def container(self, overrides: Sequence[str]) -> dict[str, Any]:
        """The job's task config as plain containers, resolved: what
        ``OmegaConf.to_container(self.compose(overrides), resolve=True)`` gives (or
        raises), made from the combination's containers where that is certain
        (:mod:`imssim.runs.plain_jobs`). To be read or sent, not changed: it shares
        branches with the other jobs'."""
        structural, values = self.split(overrides)
        plain = self.plain.get(tuple(structural))
        if plain is None:
            plain = self.plain[tuple(structural)] = PlainBase(self._base(structural))
        return plain.container(values)


class _Jobs:
    """What a worker needs to run jobs: the launcher's context, kept per process."""

    def __init__(
        self,
        hydra_context: HydraContext,
        config: DictConfig,
        task_function: TaskFunction,
        singleton_state: dict[Any, Any],
    ) -> None:
        self.hydra_context = hydra_context
        self.config = config
        self.task_function = task_function
        self.singleton_state = singleton_state
        self.direct = getattr(task_function, "sweep_job", None)
        self.composer = JobComposer(hydra_context, config) if self.direct else None
        self.sweep_dir = Path(str(config.hydra.sweep.dir))

    def warm(self, overrides: Sequence[str]) -> None:
        """Import the task's modules and compose a first job's base config, before the
        workers are forked from this process."""
        warm = getattr(self.direct, "warm", None)
        if warm is not None:
            warm()
        if self.composer is not None:
            self.composer.container(overrides)

    def run(self, idx: int, overrides: Sequence[str]) -> JobReturn:
        try:
            if self.direct is None or self.composer is None:
                return self._through_hydra(idx, overrides)
            cfg = self.composer.container(overrides)
            return self._completed(
                overrides, self.direct(cfg, list(overrides), self.sweep_dir, idx)
            )
        except Exception as exc:
            return self._failed(overrides, exc)

    def _completed(self, overrides: Sequence[str], value: Any) -> JobReturn:
        return JobReturn(
            overrides=list(overrides),
            working_dir=os.getcwd(),
            task_name=self.config.hydra.job.name,
            status=JobStatus.COMPLETED,
            _return_value=value,
        )

    def _failed(self, overrides: Sequence[str], exc: Exception) -> JobReturn:
        return JobReturn(
            overrides=list(overrides),
            task_name=self.config.hydra.job.name,
            status=JobStatus.FAILED,
            _return_value=sendable(exc),
        )

    def through(
        self, forker: workers.Forker, n: int, jobs: list[tuple[int, list[str]]]
    ) -> list[JobReturn]:
        """The jobs on `n` workers forked by the forker the command started
        (:mod:`imssim.runs.workers`): each job's config composed here and sent whole."""
        assert self.direct is not None and self.composer is not None
        composer, direct = self.composer, self.direct
        refused: dict[int, Exception] = {}

        def tasks() -> Iterator[workers.Task]:
            for idx, overrides in jobs:
                try:
                    config = composer.container(overrides)
                except Exception as exc:  # refused as a job would refuse it
                    refused[idx] = exc
                    continue
                yield direct, config, list(overrides), self.sweep_dir, idx

        done = {num: (ok, value) for num, ok, value in forker.run(n, tasks())}
        returns = []
        for idx, overrides in jobs:
            ok, value = done.get(idx, (False, refused.get(idx)))
            if value is None and not ok:
                value = RuntimeError("not run: the sweep's worker processes ended")
            returns.append(
                self._completed(overrides, value) if ok else self._failed(overrides, value)
            )
        return returns

    def _through_hydra(self, idx: int, overrides: Sequence[str]) -> JobReturn:
        """Any other task function: as Hydra's own launchers run a job."""
        Singleton.set_state(self.singleton_state)
        cfg = self.hydra_context.config_loader.load_sweep_config(self.config, list(overrides))
        with open_dict(cfg):
            cfg.hydra.job.id = f"{cfg.hydra.job.name}_{idx}"
            cfg.hydra.job.num = idx
        HydraConfig.instance().set_config(cfg)
        ret = run_job(
            hydra_context=self.hydra_context,
            config=cfg,
            task_function=self.task_function,
            job_dir_key="hydra.sweep.dir",
            job_subdir_key="hydra.sweep.subdir",
        )
        # what crosses back to the launching process: no configs (their structured
        # types do not pickle), the value or the error
        value = ret._return_value
        return JobReturn(
            overrides=ret.overrides,
            working_dir=ret.working_dir,
            task_name=ret.task_name,
            status=ret.status,
            _return_value=sendable(value) if isinstance(value, Exception) else value,
        )


_JOBS: _Jobs | None = None  # a worker's context (set before the fork)


def _worker_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the launching process handles Ctrl-C
    setup_globals()


def _worker_run(job: tuple[int, Sequence[str]]) -> JobReturn:
    assert _JOBS is not None
    return _JOBS.run(*job)


BACKENDS = ("fork", "loky")


def default_backend() -> str:
    """``fork`` on Linux; elsewhere ``loky`` (forking a process that has loaded numpy's
    libraries is not safe on macOS, and Windows cannot fork)."""
    return "fork" if sys.platform.startswith("linux") else "loky"


def _loky_run(jobs: _Jobs, idx: int, overrides: Sequence[str]) -> JobReturn:
    """A job in a fresh worker: Hydra's registries (its config sources, and the
    ConfigStore holding a scenario or policy named by its path) as the launching
    process has them, then the job."""
    Singleton.set_state(jobs.singleton_state)
    setup_globals()
    return jobs.run(idx, overrides)


class ImssimLauncher(Launcher):
    """Hydra's launcher interface over forked (or loky) worker processes: see the
    module's description."""

    def __init__(self, n_jobs: int = -1, backend: str | None = None) -> None:
        self.n_jobs = n_jobs
        self.backend = backend or default_backend()
        if self.backend not in BACKENDS:
            raise ValueError(
                f"hydra.launcher.backend: {self.backend!r} is not one of {', '.join(BACKENDS)}"
            )
        self.config: DictConfig | None = None
        self.task_function: TaskFunction | None = None
        self.hydra_context: HydraContext | None = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        """Keep what Hydra hands over before the jobs."""
        self.config = config
        self.task_function = task_function
        self.hydra_context = hydra_context

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        """Run one batch of jobs, numbered from `initial_job_idx`; their returns, in
        order."""
        global _JOBS
        assert self.config is not None and self.task_function is not None
        assert self.hydra_context is not None
        setup_globals()
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        jobs = [(initial_job_idx + i, list(ov)) for i, ov in enumerate(job_overrides)]
        if not jobs:
            return []
        n = processes(int(self.n_jobs), len(jobs))
        _JOBS = _Jobs(self.hydra_context, self.config, self.task_function, Singleton.get_state())
        # workers forked from the process the command started to warm up, if it did
        forker = workers.take() if n > 1 and self.backend == "fork" and _JOBS.direct else None
        how = "" if n == 1 else f" ({self.backend}{', started with the command' * bool(forker)})"
        log.info(f"imssim launcher: {len(jobs)} jobs on {n} process(es){how}, into {sweep_dir}")
        for idx, overrides in jobs:
            log.debug(f"\t#{idx} : {' '.join(filter_overrides(overrides))}")
        try:
            if n > 1 and self.backend == "loky":  # fresh workers, as Hydra's joblib launcher
                from joblib import Parallel, delayed

                return Parallel(n_jobs=n, backend="loky")(
                    delayed(_loky_run)(_JOBS, idx, overrides) for idx, overrides in jobs
                )
            if forker is not None:
                return _JOBS.through(forker, n, jobs)
            _JOBS.warm(jobs[0][1])
            # what every job shares (the modules, the world, the configs) set aside from
            # Python's garbage collector while the jobs run: a job's full collections,
            # here or in a forked worker, no longer walk it (about a tenth of a second
            # each, one every few jobs), and a worker leaves its memory pages unwritten
            gc.freeze()
            try:
                if n == 1:
                    return [_JOBS.run(idx, overrides) for idx, overrides in jobs]
                return _forked(n, jobs)
            finally:
                gc.unfreeze()
        finally:
            _JOBS = None


def _forked(n: int, jobs: list[tuple[int, list[str]]]) -> list[JobReturn]:
    """The jobs' returns, in order, from `n` worker processes forked from this one."""
    pool = multiprocessing.get_context("fork").Pool(n, initializer=_worker_start)
    try:
        returns = pool.map(_worker_run, jobs, chunksize=1)
    except BaseException:  # Ctrl-C in the launching process: stop the workers
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
    return returns
