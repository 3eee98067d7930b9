"""Writing and reading run folders: Parquet tables, resolved config and manifest; and
the one writer of every manifest (a run's, a study's, an experiment's).

A run folder is written under a temporary name and renamed into place only when
complete, so a crash or a bad input never leaves a half-written folder, and an
existing folder is never overwritten.

Every manifest (:func:`manifest_record`, written by :func:`write_manifest`) holds the
same keys for the same things: ``seed`` (or ``seeds``), the resolved ``config`` or the
``study`` where no file beside it holds them, the command (``overrides``, or ``script``
and ``arguments``), ``versions`` (Python and packages), ``code_revision`` and
``created_utc`` (ISO 8601, UTC, to the second).
"""

from __future__ import annotations

import functools
import json
import os
import platform
import re
import shutil
import subprocess
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa
from omegaconf import OmegaConf

from imssim.config import Config, config_container, config_yaml, to_config
from imssim.errors import ImssimError
from imssim.model.tables import TABLE_NAMES, Tables
from imssim.runs.parquet import arrow_table, write_table


class Result(Protocol):
    """What a run folder is written from: :class:`imssim.runs.api.Result` (named here by
    its shape, so that this module, which reads run folders back without the model or
    Mesa, imports nothing of the running side)."""

    @property
    def config(self) -> Config: ...

    @property
    def tables(self) -> Tables: ...

    @property
    def wall_seconds(self) -> float: ...

    @property
    def counterfactual(self) -> Result | None: ...


PACKAGES = ("imssim", "mesa", "hydra-core", "omegaconf", "numpy", "pandas", "pyarrow", "matplotlib")
TABLES = ("countries", "pairs", "events", "alliance", "holdings", "frameworks")
MANIFEST = "manifest.json"
COUNTERFACTUAL = "counterfactual"  # the subfolder holding a run's counterfactual
CONFIG_FILE = "config.yaml"
# a sweep run's manifest: {table: the run's columns in front of it}; its tables are
# then also its sweep's dataset files (imssim.runs.sweep.dataset_tables)
FRONT = "front_columns"


def write_text_atomic(path: Path, text: str) -> Path:
    """Write `text` (UTF-8, newlines as written) to a temporary file beside `path`, then
    rename it into place: an interrupted write never leaves a half-written file, and the
    earlier file stays whole."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def package_versions(*more: str) -> dict[str, str]:
    """The versions of Python and of the packages a run depends on, and of the packages
    `more` (read once per process)."""
    return dict(_package_versions((*PACKAGES, *more)))


@functools.cache
def _package_versions(names: tuple[str, ...]) -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@functools.cache
def code_revision() -> str:
    """The git commit of the source tree ('+dirty' with uncommitted changes), or 'unknown'.

    Asked of git once per process: the code a process runs is the code it imported."""
    here = Path(__file__).resolve().parent
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10
        )
        if rev.returncode != 0:
            return "unknown"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


STATUSES = ("completed", "drawing figures", "interrupted", "figures failed", "failed")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # of created_utc


def utc_now() -> str:
    """The time now as every manifest records it (``created_utc``)."""
    return datetime.now(UTC).strftime(TIME_FORMAT)


def manifest_record(
    fields: Mapping[str, Any],
    *,
    seed: int | Sequence[int] | None = None,
    config: Mapping[str, Any] | None = None,
    study: Mapping[str, Any] | None = None,
    overrides: Sequence[str] | None = None,
    script: str | None = None,
    arguments: Mapping[str, Any] | None = None,
    packages: Sequence[str] = (),
) -> dict[str, Any]:
    """A manifest: the keys every manifest holds, under the same names, around `fields`.

    In order: ``seed`` (one seed; ``seeds`` for several), the resolved ``config`` and
    the ``study`` (each where given: a run folder keeps its config in config.yaml
    instead), then `fields`, then the command (``overrides``: the command line's
    overrides; ``script`` and ``arguments``: an experiment's), then ``versions``
    (Python and the packages of a run, with `packages`), ``code_revision`` and
    ``created_utc``. A key of `fields` named like a common key is refused.
    """
    common: dict[str, Any] = {}
    if seed is not None:
        common["seed" if isinstance(seed, int) else "seeds"] = (
            seed if isinstance(seed, int) else list(seed)
        )
    for key, value in (("config", config), ("study", study)):
        if value is not None:
            common[key] = dict(value)
    command: dict[str, Any] = {}
    if overrides is not None:
        command["overrides"] = list(overrides)
    if script is not None:
        command["script"] = script
    if arguments is not None:
        command["arguments"] = dict(arguments)
    provenance = {
        "versions": package_versions(*packages),
        "code_revision": code_revision(),
        "created_utc": utc_now(),
    }
    clash = set(fields) & {*common, *command, *provenance, "seed", "seeds"}
    if clash:
        raise ValueError(f"manifest fields named like its common keys: {sorted(clash)}")
    return {**common, **fields, **command, **provenance}


def write_manifest(path: str | Path, info: Mapping[str, Any]) -> Path:
    """Write a manifest (JSON, indented) to `path`, atomically."""
    return write_text_atomic(Path(path), json.dumps(info, indent=2, default=str) + "\n")


def run_manifest(config: Config, status: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A run folder's manifest: the run's settings, `status` and `fields` (its wall
    time, table sizes, sweep entries ...; ``overrides`` among them is the command's).

    `status` is "completed" when everything the command was asked for is done, "drawing
    figures" while the run's figures are being drawn (a run killed then keeps it),
    "interrupted" when Ctrl-C stopped the figures, "figures failed" when drawing them
    failed and "failed" when the run itself failed; ``figures`` lists the figures
    written.
    """
    if status not in STATUSES:
        raise ValueError(f"unknown run status {status!r}")
    fields = dict(fields)
    overrides = fields.pop("overrides", None)
    settings = {
        "scenario": config.scenario.name,
        "policy": config.policy.name,
        "focal": config.focal,
        "start_year": config.start_year,
        "end_year": config.end_year,
        "coordinated_cuts": config.coordinated_cuts,
        "catalyst": config.catalyst,
        "status": status,
        "figures": [],
    }
    return manifest_record({**settings, **fields}, seed=config.seed, overrides=overrides)


def manifest(
    result: Result, extra: dict[str, Any] | None = None, status: str = "completed"
) -> dict[str, Any]:
    """The manifest of a run's folder (:func:`run_manifest`): with its wall time and
    the sizes of its tables, and `extra`."""
    sizes = {name: len(frame) for name, frame in result.tables.items()}
    fields = {"wall_seconds": round(result.wall_seconds, 4), "tables": sizes, **(extra or {})}
    return run_manifest(result.config, status, fields)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "run"


def run_folder_name(cfg: Config, stamp: str | None = None) -> str:
    """A run folder's name: the time (`stamp`, default now), scenario, policy, focal
    state and seed."""
    stamp = stamp or datetime.now().strftime("%Y%m%d-%H%M%S")
    return _slug(f"{stamp}_{cfg.scenario.name}_{cfg.policy.name}_{cfg.focal}_s{cfg.seed}")


def new_folder(root: str | Path, base: str) -> tuple[Path, Path]:
    """A fresh hidden temporary folder under `root`, and the name it will get: `base`,
    or `base-2`, `base-3` ... when that is taken."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    final = root / base
    suffix = 1
    while final.exists():
        suffix += 1
        final = root / f"{base}-{suffix}"
    tmp = root / f".tmp-{base}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    return tmp, final


def publish(tmp: Path, final: Path) -> Path:
    """Rename the finished `tmp` folder to `final`, or to the next free `-N` name if
    another writer took it meanwhile; never over an existing folder."""
    base, suffix = final.name, 1
    while True:
        try:
            if final.exists():
                raise FileExistsError(final)
            os.rename(tmp, final)
            return final
        except OSError:
            if not final.exists():
                raise
            suffix += 1
            final = final.with_name(f"{base}-{suffix}")


def arrow_tables(tables: Tables) -> dict[str, pa.Table]:
    """A run's tables as Arrow tables (no index), as a run folder stores them (without
    the run's manifest and config in their metadata)."""
    return {name: arrow_table(frame) for name, frame in tables.items()}


def write_run(
    result: Result,
    root: str | Path,
    name: str | None = None,
    extra: dict[str, Any] | None = None,
    status: str = "completed",
    arrow: dict[str, pa.Table] | None = None,
) -> Path:
    """Write a run folder under `root` and return its path (a new folder every time).

    `status` goes into the manifest: "drawing figures" when the caller draws the run's
    figures next (see :func:`update_manifest`). `arrow`: the run's tables converted
    already (:func:`arrow_tables`), by a caller that needs them too.
    """
    extra = dict(extra or {})
    keep = extra.get("tables_kept", True)  # False: a sweep run without tables
    for each in (result, result.counterfactual) if keep else ():
        left = [] if each is None else [t for t in TABLE_NAMES if t not in each.tables.kept]
        if left:
            raise ImssimError(f"the run did not keep its {', '.join(left)} tables: run it with all")
    tmp, final = new_folder(root, name or run_folder_name(result.config))
    try:
        cf = result.counterfactual
        if cf is not None:
            extra["counterfactual"] = {
                "kind": result.config.counterfactual,
                "scenario": cf.config.scenario.name,
                "folder": COUNTERFACTUAL,
            }
        _write_tables(tmp, result, manifest(result, extra, status), keep, arrow)
        if cf is not None:
            (tmp / COUNTERFACTUAL).mkdir()
            info = manifest(cf, {"variant": "counterfactual", "of": final.name})
            if not keep:
                info["tables_kept"] = False
            _write_tables(tmp / COUNTERFACTUAL, cf, info, keep)
        final = publish(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def save_run(result: Result, folder: str | Path, extra: dict[str, Any] | None = None) -> Path:
    """Write the run folder of `result` (with its counterfactual) as `folder` itself, not
    under it; return its path. An existing folder must be empty: one that holds anything
    is never written over (ImssimError, one line)."""
    folder = Path(folder)
    if folder.exists():
        if not folder.is_dir():
            raise ImssimError(f"{folder} is a file; give the path of a new folder")
        if any(folder.iterdir()):
            raise ImssimError(f"{folder} is not empty; give a new or an empty folder")
        folder.rmdir()
    return write_run(result, folder.parent, name=folder.name, extra=extra)


def _write_tables(
    folder: Path,
    result: Result,
    info: dict[str, Any],
    keep: bool = True,
    arrow: dict[str, pa.Table] | None = None,
) -> None:
    """The config, the tables (each carrying manifest and config; none unless `keep`)
    and the manifest. `arrow`: the tables as Arrow already (:func:`arrow_tables`)."""
    container = config_container(result.config)
    (folder / CONFIG_FILE).write_text(config_yaml(container))
    meta = {b"imssim": json.dumps({"manifest": info, "config": container}).encode()}
    fronts = info.get(FRONT, {})
    for table_name, frame in result.tables.items() if keep else ():
        table = arrow[table_name] if arrow is not None else arrow_table(frame)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})
        write_table(table, folder / f"{table_name}.parquet", fronts.get(table_name, ()))
    write_manifest(folder / MANIFEST, info)


def update_manifest(path: str | Path, **changes: Any) -> dict[str, Any]:
    """Change entries of a run folder's manifest (status, figures) in place, atomically;
    return the new manifest. The tables' metadata keep the manifest as first written."""
    file = Path(path) / MANIFEST
    info = json.loads(file.read_text())
    if "status" in changes and changes["status"] not in STATUSES:
        raise ValueError(f"unknown run status {changes['status']!r}")
    info.update(changes)
    write_manifest(file, info)
    return info


def folder_status(folder: Path) -> str | None:
    """The status in a run folder's manifest (None: no folder or no readable manifest)."""
    try:
        return json.loads((folder / MANIFEST).read_text()).get("status")
    except (OSError, ValueError):
        return None


class RunFolder:
    """A run folder read back: tables, config and manifest, and, when the run was written
    with its counterfactual, ``counterfactual`` (that run's folder, read back when first
    asked for; else None).

    `config` and `tables` may be handed over by a caller that has them in memory (the
    command line, right after writing the folder) instead of being read again.
    """

    def __init__(
        self, path: str | Path, *, config: Config | None = None, tables: Tables | None = None
    ) -> None:
        self.path = Path(path)
        if not (self.path / MANIFEST).is_file():
            raise ImssimError(f"not a run folder (no {MANIFEST}): {self.path}")
        self.manifest: dict[str, Any] = json.loads((self.path / MANIFEST).read_text())
        if tables is None and self.manifest.get("tables_kept", True) is False:
            raise ImssimError(
                f"{self.path}: the run kept no tables (output.tables: false); its headline "
                f"outcomes are in its {MANIFEST}"
            )
        self.config: Config = (
            config if config is not None else to_config(OmegaConf.load(self.path / CONFIG_FILE))
        )
        self.tables = tables if tables is not None else self._read_tables()

    def _read_tables(self) -> Tables:
        """The run's tables, without the columns a sweep's datasets put in front (the
        run id, parameters, seed and replicate) where its files hold them."""
        fronts = self.manifest.get(FRONT, {})
        return Tables(
            **{
                t: pd.read_parquet(self.path / f"{t}.parquet").drop(columns=fronts.get(t, []))
                for t in TABLES
            }
        )

    @functools.cached_property
    def counterfactual(self) -> RunFolder | None:
        """The run's counterfactual, read back when first asked for (None: it has none)."""
        sub = self.path / COUNTERFACTUAL
        return RunFolder(sub) if (sub / MANIFEST).is_file() else None

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"
