"""``imssim-collect <sweep folder> ...``: collect sweeps into ``runs.parquet`` and
per-year datasets (:mod:`imssim.runs.datasets`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from imssim.errors import ImssimError
from imssim.runs.datasets import collect
from imssim.runs.sweep import TABLES_DIR


def main(argv: list[str] | None = None) -> None:
    """``imssim-collect <sweep folder> ...``: collect sweeps (also still running ones)."""
    parser = argparse.ArgumentParser(
        prog="imssim-collect",
        description="Collect a sweep folder into runs.parquet and tables/<name>/ datasets.",
    )
    parser.add_argument("sweeps", nargs="+", metavar="SWEEP", help="sweep folder(s)")
    parser.add_argument("--no-tables", action="store_true", help="only runs.parquet")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        for sweep in args.sweeps:
            path = collect(sweep, progress=not args.quiet, tables=not args.no_tables)
            runs = pd.read_parquet(path, columns=["status"])
            failed = int((runs["status"] == "failed").sum())
            print(
                f"{path}: {len(runs)} runs"
                + (f", {failed} failed" if failed else "")
                + ("" if args.no_tables else f"; per-year tables in {Path(sweep) / TABLES_DIR}")
            )
    except ImssimError as exc:
        print(f"imssim-collect: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print("imssim-collect: interrupted", file=sys.stderr)
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
