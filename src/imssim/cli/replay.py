"""``imssim-replay <run folder>``: run a run folder's command again, into a new folder.

The manifest of a run folder written by ``imssim`` records the command's overrides,
its search path (``hydra.searchpath``) included. ``imssim-replay`` runs ``imssim`` with
them again (with ``output.root`` set to ``--out``, default the run's own root), and
with ``--check`` compares every table of the new run and its counterfactual with the
old: the same config and seed give identical tables.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from imssim.cli.common import Parser, run_command
from imssim.errors import ImssimError


def replay_parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    parser = Parser(
        prog="imssim-replay",
        description="Run a run folder's imssim command again into a new folder; --check "
        "compares the new tables with the old.",
    )
    parser.add_argument("folder", type=Path, help="a run folder written by imssim")
    parser.add_argument("--out", type=Path, default=None, help="output.root of the new run")
    parser.add_argument("--check", action="store_true", help="compare every table")
    return parser


def recorded_overrides(folder: Path) -> list[str]:
    """The overrides a run folder's manifest records (its search path included); a
    one-line ImssimError for a folder that is no run folder of imssim's command line."""
    path = folder / "manifest.json"
    if not path.is_file():
        raise ImssimError(f"{folder}: no manifest.json: not a run folder")
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ImssimError(f"{path}: not a readable manifest ({exc.msg})") from None
    overrides = manifest.get("overrides")
    if not isinstance(overrides, list):
        raise ImssimError(f"{path}: records no command line (written by Python or a study?)")
    return [str(o) for o in overrides if not str(o).startswith("output.root=")]


def _replay(args: argparse.Namespace) -> None:
    overrides = recorded_overrides(args.folder)
    root = args.out if args.out is not None else args.folder.resolve().parent
    command = [sys.executable, "-m", "imssim", *overrides, f"output.root={root}"]
    print("imssim-replay: " + " ".join(command[2:]))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    sys.stdout.write(done.stdout)
    if done.returncode != 0:
        raise ImssimError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    found = re.search(r"^results: (.+)$", done.stdout, flags=re.M)
    if args.check and found:
        _compare(args.folder, Path(found.group(1)))


def _compare(old: Path, new: Path) -> None:
    """Every table of the two run folders (and their counterfactuals) identical, or a
    one-line ImssimError naming the first that differs (a sweep run's tables without
    the run's columns in front, which a single run's have not)."""
    tables = sorted(p.relative_to(old) for p in old.rglob("*.parquet"))
    fronts: dict[Path, dict[str, list[str]]] = {}  # by folder, its manifest read once
    for rel in tables:
        a, b = _table(old / rel, fronts), _table(new / rel, fronts)
        if not a.equals(b):
            raise ImssimError(f"{new / rel} differs from {old / rel}")
    print(f"imssim-replay: {len(tables)} tables identical to {old}")


def _table(path: Path, fronts: dict[Path, dict[str, list[str]]]):
    """A run folder's table as the folder reads it back (:data:`imssim.runs.folders.FRONT`);
    `fronts`: the folders' columns in front, by folder, as far as read already."""
    import pandas as pd

    if path.parent not in fronts:
        fronts[path.parent] = _fronts(path.parent)
    return pd.read_parquet(path).drop(columns=fronts[path.parent].get(path.stem, []))


def _fronts(folder: Path) -> dict[str, list[str]]:
    """The columns a run folder's tables hold in front of theirs, by table."""
    from imssim.runs.folders import FRONT, MANIFEST

    try:
        return json.loads((folder / MANIFEST).read_text()).get(FRONT, {})
    except (OSError, ValueError):
        return {}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``imssim-replay``; returns the exit code (0, or 2 on a bad input)."""
    return run_command("imssim-replay", replay_parser(), argv, _replay)


if __name__ == "__main__":
    sys.exit(main())
