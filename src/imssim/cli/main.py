"""Command line: ``imssim [key=value ...]`` runs one simulation (or a Hydra multirun).

A thin layer: it composes the config with Hydra, checks it completely before
anything runs (so a typo, a wrong type or an impossible value gives one line and
exit code 2, and nothing is written), calls :func:`imssim.runs.api.run_pair` (the run and
its counterfactual) and hands the tables to the writer, the summary and the figures.
A single run goes on with the config the check composed; a sweep (``-m``) and other
flags go through Hydra.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import itertools
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hydra
import yaml
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from imssim.cli.groups import (
    check_group_files,
    help_text,
    locate,
    recorded,
    search_dirs,
    with_counterfactual_files,
    with_files,
)
from imssim.config import conf_dir
from imssim.config.compose import compose_config, register_schema
from imssim.config.shipped import yaml_error_line
from imssim.errors import ConfigError, ImssimError

if TYPE_CHECKING:
    from imssim.runs.plain_jobs import PlainBase

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


CONF_DIR = conf_dir()


def _fail(message: str) -> None:
    print(f"imssim: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def _override_variants(args: list[str]) -> list[list[str]]:
    """Override lists to check: the first value of every sweep, then each value once."""
    parser = OverridesParser.create()
    try:
        parsed = parser.parse_overrides(args)
    except HydraException as exc:
        _fail(str(exc).strip().splitlines()[0])
    choices: list[list[str]] = []
    for ov in parsed:
        key = ov.get_key_element()
        if key.lstrip("+~").startswith("hydra"):
            continue
        if ov.is_sweep_override():
            try:
                values = list(ov.sweep_string_iterator())
            except HydraException:  # interval(...): only a sweeper that samples can use it
                _fail(
                    f"{key}: {ov.input_line.split('=', 1)[1]} cannot be swept by listing its"
                    " values; give a list (a,b,c) or a range (range(1,5))"
                )
            choices.append([f"{key}={v}" for v in values])
        else:
            choices.append([ov.input_line])
    first = [c[0] for c in choices]
    variants = [first]
    for pos, options in enumerate(choices):
        for option in options[1:]:
            variants.append([*first[:pos], option, *first[pos + 1 :]])
    return variants


def preflight(args: list[str]):
    """Compose and fully check the config for the given overrides; exit 2 on a problem."""
    from imssim.runs.api import check
    from imssim.runs.launcher import forget_offered

    overrides = [a for a in args if not a.startswith("-")]
    # scenario and policy files kept outside conf/: hydra.searchpath=[file:///my/conf]
    search = [a for a in overrides if a.lstrip("+").startswith("hydra.searchpath=")]
    first = None
    forget_offered()
    compose = _Composer(search)
    for variant in itertools.islice(_override_variants(overrides), 200):
        try:
            check_group_files(variant, CONF_DIR, compose.dirs[1:])
            cfg = check(compose.quick(variant))
        except (HydraException, OmegaConfBaseException) as exc:
            _fail(_first_line(exc, compose.dirs[1:]))
        except yaml.YAMLError as exc:
            _fail(yaml_error_line(exc))
        except ImssimError as exc:
            _fail(str(exc))
        _check_output_root(Path(cfg.output.root))
        first = cfg if first is None else first
    _check_launcher(args)
    return first


def _check_launcher(args: list[str]) -> None:
    """Settings of the launcher (``hydra/launcher=...``, ``hydra.launcher.<key>=...``)
    checked before anything is written: a wrong type, an unknown key or an impossible
    number of processes gives one line, as any other config mistake."""
    ours = [a for a in args if a.lstrip("+~").startswith(("hydra.launcher", "hydra/launcher"))]
    if not ours:
        return
    from hydra import compose, initialize_config_dir

    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            launcher = compose("config", overrides=ours, return_hydra_config=True).hydra.launcher
    except (HydraException, OmegaConfBaseException) as exc:
        _fail(_first_line(exc))
    if launcher.get("_target_", "").startswith("hydra_plugins.imssim_launcher"):
        from imssim.runs.launcher import BACKENDS

        if launcher.n_jobs == 0:
            _fail("hydra.launcher.n_jobs: 0 processes; use -1 for every core or N >= 1")
        if launcher.backend is not None and launcher.backend not in BACKENDS:
            _fail(
                f"hydra.launcher.backend: {launcher.backend!r} is not one of {', '.join(BACKENDS)}"
            )


class _Composer:
    """Configs for many override lists, as :func:`compose_config` makes them, faster:
    the overrides that choose a config group (or add, delete or use a package) are
    composed by Hydra once per combination; plain ``key=value`` changes are then applied
    to a copy as Hydra applies them at the end of a composition (the same function, so
    the same result and the same errors)."""

    def __init__(self, search: list[str]) -> None:
        self.search = search
        self.dirs = [CONF_DIR, *search_dirs(search)]
        self.bases: dict[tuple[str, ...], PlainBase] = {}

    def _is_group(self, key: str) -> bool:
        return any((d / key.replace(".", "/")).is_dir() for d in self.dirs)

    def __call__(self, overrides: list[str]) -> DictConfig:
        from imssim.runs.plain_jobs import apply_overrides

        base, values = self._split(overrides)
        return apply_overrides(base.base, values)

    def quick(self, overrides: list[str]) -> dict[str, Any] | DictConfig:
        """The config of `overrides` as plain containers, made from the combination's
        where that is certain (:mod:`imssim.runs.plain_jobs`: the containers of
        ``self(overrides)``, resolved); elsewhere ``self(overrides)`` itself, its
        errors raised as they are."""
        from imssim.runs.plain_jobs import apply_overrides

        base, values = self._split(overrides)
        tree = base.apply(values)
        return tree if tree is not None else apply_overrides(base.base, values)

    def _split(self, overrides: list[str]) -> tuple[PlainBase, list[Any]]:
        """The combination's config (composed once) and the plain overrides."""
        from imssim.runs.launcher import offer, split_overrides
        from imssim.runs.plain_jobs import PlainBase

        structural, values = split_overrides(overrides, self._is_group)
        key = tuple(structural)
        base = self.bases.get(key)
        if base is None:
            composed = compose_config([*structural, *self.search], CONF_DIR)
            offer(self.search, structural, composed)  # a sweep's launcher composes it once less
            base = self.bases[key] = PlainBase(composed)
        return base, values


def _check_output_root(root: Path) -> None:
    """The results folder must be a folder that can be written, before the model runs."""
    if root.exists() and not root.is_dir():
        _fail(f"output.root: {root} is a file, not a folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".imssim-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        _fail(f"output.root: {root} cannot be written ({exc.strerror or exc})")


def _first_line(exc: BaseException, dirs: list[Path] | None = None) -> str:
    """One line: the error's first line and, for a failed override, its cause's; a
    mistake in a scenario or policy file names that file, wherever it is (`dirs`: the
    search path's folders)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    if text.endswith("raised while composing config:") and len(lines) > 1:
        # "In 'scenario/x': ConfigKeyError raised while composing config:" + the reason
        where = text.split(":", 1)[0]
        key = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("full_key:")), "")
        reason = lines[1] + (f" (key: {key})" if key and key not in lines[1] else "")
        group, _, name = where.split(chr(39))[1].partition("/")
        path = locate(group, name, CONF_DIR, dirs or [])
        text = f"{where} ({path or f'conf/{group}/{name}.yaml'}): {reason}"
    cause = exc.__cause__
    if cause is not None and str(cause).strip():
        reason = str(cause).strip().splitlines()[0].strip()
        full_key = getattr(cause, "full_key", None)
        if full_key and full_key not in reason:
            reason = f"{reason} (key: {full_key})"
        text = f"{text.rstrip('.')}: {reason}"
    return text


@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def _task(cfg: DictConfig) -> None:
    hc = HydraConfig.get()
    if hc.mode == RunMode.MULTIRUN:
        job = (Path(hc.runtime.output_dir), hc.job.num)
        _execute(cfg, list(hc.overrides.task), job)
    else:
        # the command's overrides, its search path included: imssim-replay runs them again
        search = [o for o in hc.overrides.hydra if o.startswith("hydra.searchpath=")]
        _execute(cfg, [*search, *hc.overrides.task])


def _execute(cfg, overrides: list[str], job: tuple[Path, int] | None = None) -> None:
    """Run the simulation and its counterfactual, write the folder, print the summary and
    draw the figures; `job` is (Hydra's job folder, job number) in a sweep."""
    from imssim.present.result import summary_text
    from imssim.runs.api import run_pair
    from imssim.runs.folders import write_run

    if job is not None:
        _execute_job(cfg, overrides, *job)
        return
    logging.getLogger("MESA").setLevel(logging.WARNING)  # no per-step chatter
    try:
        result = run_pair(cfg)
    except ConfigError as exc:
        _fail(str(exc))
    from imssim.config import unused_changes

    for note in unused_changes(result.config):
        print(f"imssim: note: {note}", file=sys.stderr)
    root = Path(result.config.output.root)
    figures = result.config.output.figures
    path = write_run(
        result,
        root,
        extra={"overrides": overrides},
        status="drawing figures" if figures else "completed",
    )
    sc = result.config
    cf = result.counterfactual
    seconds = result.wall_seconds + (cf.wall_seconds if cf is not None else 0.0)
    print(
        f"imssim: {sc.scenario.name} / {sc.policy.name}, seed {sc.seed}, "
        f"{sc.start_year}-{sc.end_year}"
        + (f", with its counterfactual ({cf.config.scenario.name})" if cf is not None else "")
        + f": {seconds:.2f} s"
    )
    print(f"results: {path}")
    print(summary_text(result))
    if figures:
        _run_figures(path, result)


def _execute_job(cfg, overrides: list[str], job_dir: Path, num: int) -> None:
    """A sweep job run by one of Hydra's launchers (in Hydra's job folder
    ``<sweep>/.jobs/<num>``, removed afterwards)."""
    try:
        sweep_job(cfg, overrides, job_dir.parent.parent, num)
    finally:
        with contextlib.suppress(OSError):
            job_dir.rmdir()  # Hydra's own (empty) job folder
            job_dir.parent.rmdir()  # .jobs, once no job is left


def sweep_job(cfg, overrides: list[str], sweep: Path, num: int) -> None:
    """A sweep job: its replicates into the sweep folder, one line each (skipped when
    complete already, recorded when they fail). imssim's launcher
    (``hydra/launcher=imssim``) calls this directly, with the job's config composed."""
    from imssim.runs.sweep import execute_job

    logging.getLogger("MESA").setLevel(logging.WARNING)  # no per-step chatter
    execute_job(cfg, overrides, sweep, num)


def _warm() -> None:
    """What every job needs, imported and loaded once before a launcher forks its
    workers: the model, the writers, the shipped world, the model's compiled kernels
    (numba's, loaded from its cache by a first run: a one-year run, written nowhere)
    and what every manifest records (the packages' versions, the code's revision)."""
    import imssim.runs.sweep  # noqa: F401
    from imssim.config import FIRST_YEAR
    from imssim.runs.api import run
    from imssim.runs.folders import code_revision, package_versions
    from imssim.world import load_world

    # (None as the jobs pass it: the cache takes load_world() and load_world(None) apart)
    run({"end_year": FIRST_YEAR + 1, "counterfactual": "none"}, world=load_world(None))
    package_versions()
    code_revision()


sweep_job.warm = _warm  # type: ignore[attr-defined]
# imssim's launcher hands a task with this attribute its jobs directly (hydra.main's
# wrapper keeps the undecorated function, which is what a launcher is given)
_task.__wrapped__.sweep_job = sweep_job  # type: ignore[attr-defined]


def _run_figures(path: Path, result) -> None:
    """Draw the run's figures into ``<run>/figures`` and record in the manifest how far
    that got: "completed" with every figure, "interrupted" after Ctrl-C (which then ends
    the command with exit code 130), "figures failed" after an error (exit code 1; the
    results stay in place). ``figures`` lists the figures written.

    A share of the figures goes to the second process started with the command
    (:mod:`imssim.present.plots.helper`), when there is one; what it does not deliver is drawn
    here."""
    from imssim.present.plots.registry import RUN_FIGURES
    from imssim.present.plots.writer import FigureOptions, make_run_figures, record_figures
    from imssim.runs.folders import RunFolder, update_manifest

    global _HELPER
    helper, _HELPER = _HELPER, None
    run = RunFolder(path, config=result.config, tables=result.tables)
    cf = result.counterfactual
    if cf is not None:  # in memory already: not read back
        from imssim.runs.folders import COUNTERFACTUAL

        run.counterfactual = RunFolder(path / COUNTERFACTUAL, config=cf.config, tables=cf.tables)
    out = path / "figures"
    output = result.config.output
    share: list[str] = []
    if helper is not None:
        share = [n for n in helper_share() if n in RUN_FIGURES]
        if not helper.draw(path, share, list(output.formats), output.dpi):
            helper.stop()
            helper, share = None, []
    written: list[str] = []

    def note(name, *_) -> None:
        written.append(name)

    def collect(results: dict) -> None:
        record_figures(out, {f: r["entry"] for r in results.values() for f in r["files"]})
        written.extend(results)

    def manifest(status: str) -> None:
        update_manifest(path, status=status, figures=[n for n in RUN_FIGURES if n in written])

    try:
        mine = FigureOptions(which=[n for n in RUN_FIGURES if n not in share])
        make_run_figures(run, options=mine, on_written=note)
        if helper is not None:
            collect(helper.results())
            helper = None
            missing = [n for n in share if n not in written]
            if missing:  # the second process failed: draw its share here
                make_run_figures(run, options=FigureOptions(which=missing), on_written=note)
    except BaseException as exc:
        if helper is not None:
            collect(helper.stop())
        interrupted = isinstance(exc, KeyboardInterrupt)
        manifest("interrupted" if interrupted else "figures failed")
        if isinstance(exc, ImssimError | OSError | ValueError):
            print(f"imssim: error: figures not written: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
        raise
    manifest("completed")
    print(f"figures: {out}")


def helper_share() -> tuple[str, ...]:
    from imssim.present.plots.helper import SHARE

    return SHARE


def _figures(make) -> None:
    """Make figures after the results are safely written; a failure here exits 1 but
    leaves the results in place."""
    try:
        folder = make()
    except (ImssimError, OSError, ValueError) as exc:
        print(f"imssim: error: figures not written: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"figures: {folder}")


class SweepEnd(Callback):
    """Around a sweep: progress while its jobs run; when they are done, the sweep
    collected into ``runs.parquet`` and ``tables/`` (:mod:`imssim.runs.datasets`) and the
    comparison figures of its runs into ``<sweep>/figures`` (up to
    :data:`FIGURE_RUNS` runs; ``imssim-plot`` draws any selection)."""

    FIGURE_RUNS = 60

    def on_multirun_start(self, config: DictConfig, **kwargs: object) -> None:
        from imssim.runs.progress import ProgressProcess
        from imssim.runs.sweep import count_runs

        sweep = Path(config.hydra.sweep.dir)
        total = count_runs(list(config.hydra.overrides.task), int(config.replicates))
        print(f"imssim: sweep of {total} runs into {sweep}", file=sys.stderr, flush=True)
        global _PROGRESS  # not an attribute: the callback is sent to the job processes
        _PROGRESS = ProgressProcess(sweep, total).start()

    def on_multirun_end(self, config: DictConfig, **kwargs: object) -> None:
        _stop_progress()
        sweep = Path(config.hydra.sweep.dir)
        if not sweep.is_dir():
            return
        from imssim.runs.datasets import collect
        from imssim.runs.find import run_folders

        try:
            path = collect(sweep, progress=len(run_folders(sweep)) > 50)
        except ImssimError as exc:
            print(f"imssim: error: sweep not collected: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
        import pandas as pd

        runs = pd.read_parquet(path, columns=["status"])
        failed = int((runs["status"] == "failed").sum())
        print(f"sweep: {len(runs)} runs" + (f", {failed} failed" if failed else "") + f": {path}")
        if failed < len(runs):
            _ensemble_summary(config, sweep)
        if not config.output.figures or failed == len(runs):
            return
        if len(runs) > self.FIGURE_RUNS:
            print(
                f"figures: not drawn for {len(runs)} runs (at most {self.FIGURE_RUNS}); "
                f"imssim-plot draws a selection"
            )
            return

        def make() -> Path:
            from imssim.present.plots.writer import FigureOptions, make_compare_figures
            from imssim.runs.find import find_runs

            found = find_runs([sweep])
            cfg = found[0].config.output
            options = FigureOptions(formats=cfg.formats, dpi=cfg.dpi)
            written = make_compare_figures(found, sweep / "figures", options)
            return next(iter(written.values())).parent

        _figures(make)


def _ensemble_summary(config: DictConfig, sweep: Path) -> None:
    """After ``imssim replicates=N`` (one configuration, N seeds): what the scenario
    changes across the seeds, each run against its own counterfactual
    (:func:`imssim.present.paired.ensemble_lines`). Nothing for a sweep of several
    configurations, or for runs without a counterfactual."""
    from imssim.runs.sweep import count_runs

    replicates = int(config.replicates)
    if replicates < 2 or count_runs(list(config.hydra.overrides.task), replicates) != replicates:
        return
    from imssim.present.paired import ensemble_lines

    try:
        lines = ensemble_lines(sweep)
    except ImssimError as exc:  # runs that kept no tables, say
        print(f"imssim: note: no summary across the seeds: {exc}", file=sys.stderr)
        return
    if lines:
        print("\n".join(lines))


_PROGRESS = None  # a sweep's progress bar (imssim.runs.progress.ProgressProcess) while its jobs run


def _stop_progress() -> None:
    """End the process drawing a sweep's bar, if one runs (waiting for it)."""
    global _PROGRESS
    progress, _PROGRESS = _PROGRESS, None
    if progress is not None:
        progress.stop()


_HELPER = None  # the second process drawing figures (imssim.present.plots.helper), if any


def _draws_figures(args: list[str]) -> bool:
    """Whether this command will probably draw a run's figures: one run, figures on."""
    multirun = any(a in ("-m", "--multirun") for a in args)
    off = any(
        a.replace(" ", "").lower() in ("output.figures=false", "output.figures=0") for a in args
    )
    return not multirun and not off


def _as_sweep(args: list[str], cfg) -> list[str]:
    """The arguments of a sweep: ``-m`` added, and with ``sweep.name`` the sweep folder
    ``<output.root>/<name>`` (unless ``hydra.sweep.dir`` is given)."""
    out = list(args)
    if not any(a in ("-m", "--multirun") for a in out):
        out.insert(0, "-m")
    if cfg.sweep.name is not None and not any(
        a.lstrip("+").startswith("hydra.sweep.dir=") for a in out
    ):
        out.append(f"hydra.sweep.dir={Path(cfg.output.root) / cfg.sweep.name}")
    return out


def _recorded(arg: str) -> bool:
    """Whether a manifest records an override: the run's own and the search path (so
    that imssim-replay finds the user's files again), not Hydra's other settings."""
    key = arg.lstrip("+~")
    return not key.startswith("hydra") or key.startswith("hydra.searchpath=")


def main() -> None:
    """Entry point of the ``imssim`` command."""
    global _HELPER
    given = sys.argv[1:]
    # when the process ends, Python's last garbage collections need not walk every
    # object the command made (a third of a second after a sweep): atexit's handlers run
    # before them
    atexit.register(gc.freeze)
    register_schema()  # before anything composes a config through Hydra
    try:
        args = with_files(given, CONF_DIR)  # scenario=<path>.yaml as an option of the group
        args = with_counterfactual_files(args, CONF_DIR)  # counterfactual=<search path name>
        if any(a in ("-h", "--help") for a in args):
            print(help_text(args, CONF_DIR))
            return
    except (ImssimError, HydraException, OmegaConfBaseException) as exc:
        _fail(_first_line(exc))
    sys.argv = [sys.argv[0], *args]
    try:
        if not any(
            a in ("-h", "--help", "--hydra-help", "--info", "-i", "--cfg", "-c") for a in args
        ):
            if _draws_figures(args):
                from imssim.present.plots.helper import start

                _HELPER = start()  # loads matplotlib while the model runs
            from imssim.runs.launcher import forks_workers

            if forks_workers(args):
                from imssim.runs import workers

                workers.start(sweep_job.warm)  # warms up while the values are checked
            cfg = preflight(args)
            plain = [a for a in args if not a.startswith("-")]
            single = len(_override_variants(plain)) == 1 and len(plain) == len(args)
            if cfg is not None and (cfg.replicates > 1 or cfg.sweep.name is not None):
                # several runs, or a named sweep folder: a sweep (of one job, maybe)
                args = _as_sweep(args, cfg)
                sys.argv = [sys.argv[0], *args]
                single = False
            if cfg is not None and single:
                # one run, nothing but key=value overrides: the config just checked is
                # the one to run; Hydra need not compose it again
                _execute(cfg, [a for a in recorded(given) if _recorded(a)])
                return
        _task()
    except KeyboardInterrupt:
        _stop_progress()  # its last count drawn before the last line
        print("imssim: interrupted", file=sys.stderr)
        raise SystemExit(EXIT_INTERRUPTED) from None
    finally:
        helper, _HELPER = _HELPER, None
        if helper is not None:  # not used: figures off, a bad input, an error
            helper.stop()
        _stop_progress()  # a sweep stopped by Ctrl-C or an error: its bar's process too
        if "imssim.runs.workers" in sys.modules:  # a sweep's worker processes, if started
            sys.modules["imssim.runs.workers"].stop()
