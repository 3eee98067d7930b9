"""Finding run folders on disk: the runs directly in a sweep folder
(:func:`run_folders`), or every run in folders given on a command line
(:func:`find_runs`), and the folder they share (:func:`common_folder`).

A run folder is a folder holding ``manifest.json``; hidden folders (``.tmp-*``: runs
still being written) are never runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from imssim.errors import ImssimError
from imssim.runs.folders import MANIFEST, RunFolder, folder_status


def run_folders(sweep_dir: Path) -> list[Path]:
    """The run folders directly in a sweep folder (hidden ones are being written)."""
    if not sweep_dir.is_dir():
        return []
    return sorted(
        p for p in sweep_dir.iterdir() if not p.name.startswith(".") and (p / MANIFEST).is_file()
    )


def _load(path: Path) -> RunFolder:
    try:
        return RunFolder(path)
    except ImssimError:
        raise
    except Exception as exc:  # a damaged folder: missing table, unreadable config ...
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ImssimError(f"cannot read run folder {path}: {reason}") from None


def _run_dirs(root: Path) -> list[Path]:
    found = []
    for here, dirs, files in os.walk(root):
        if MANIFEST in files:
            if folder_status(Path(here)) != "failed":  # a failed sweep run holds no tables
                found.append(Path(here))
            dirs.clear()  # a run folder holds no further runs
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # .tmp-* and the like
    return found


def find_runs(paths: str | Path | Iterable[str | Path]) -> list[RunFolder]:
    """The run folders in `paths`: each a run folder or a folder holding run folders.

    Folders are searched recursively for ``manifest.json``; hidden folders (the
    ``.tmp-*`` folders of runs still being written) are skipped. The result is sorted
    by path and holds each run once.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    dirs: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ImssimError(f"no such folder: {path}")
        if path.is_file():
            if path.name != MANIFEST:
                raise ImssimError(f"not a run folder or a folder of runs: {path}")
            path = path.parent
        found = _run_dirs(path)
        if not found:
            raise ImssimError(f"no run folder (with {MANIFEST}) in {path}")
        for d in found:
            dirs.setdefault(d.resolve(), None)
    return [_load(d) for d in sorted(dirs, key=str)]


def as_runs(runs: Sequence[RunFolder | str | Path] | str | Path) -> list[RunFolder]:
    """Run folders as given, or found in the paths given (:func:`find_runs`)."""
    if isinstance(runs, str | Path):
        return find_runs([runs])
    runs = list(runs)
    if not runs:
        raise ImssimError("no runs to compare")
    if all(isinstance(r, RunFolder) for r in runs):
        return runs  # type: ignore[return-value]
    return find_runs([r.path if isinstance(r, RunFolder) else r for r in runs])


def common_folder(runs: Sequence[RunFolder]) -> Path:
    """The deepest folder holding all `runs` (the sweep folder for a sweep)."""
    folder = Path(os.path.commonpath([r.path.resolve() for r in runs]))
    if folder == Path(folder.anchor):
        raise ImssimError("the runs share no folder but the root: give an output path")
    return folder
