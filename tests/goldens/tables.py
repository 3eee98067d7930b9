"""Fingerprints of every shipped scenario and policy pair at a fixed seed.

``python -m tests.goldens.tables`` records them in ``tables.json`` beside this file;
``tests/test_goldens.py`` compares a fresh run with them, so that a change meant to leave
the model's behaviour alone (a move of code, a faster kernel) shows that it did: every
table of the run and of its counterfactual must stay bit-identical.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

GOLDEN_FILE = Path(__file__).with_name("tables.json")
SEED = 42
END_YEAR = 2030


def fingerprint(frame: pd.DataFrame) -> str:
    """A hash of a table's column names, dtypes and exact values (floats by their bits)."""
    digest = hashlib.sha256()
    digest.update(repr(list(frame.columns)).encode())
    digest.update(repr(frame.index.tolist()).encode())
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}:{column.dtype}".encode())
        values = column.to_numpy()
        if values.dtype.kind in "biufc":
            digest.update(np.ascontiguousarray(values).tobytes())
        else:
            digest.update("\x1f".join(map(str, values.tolist())).encode())
    return digest.hexdigest()


def fingerprints() -> dict[str, dict[str, str]]:
    """Every scenario x policy pair at SEED to END_YEAR, run with its counterfactual."""
    from imssim import run_pair
    from imssim.config import group_options
    from imssim.config.compose import compose_config as compose
    from imssim.world import load_world

    world = load_world(None)
    out: dict[str, dict[str, str]] = {}
    for scenario in group_options("scenario"):
        for policy in group_options("policy"):
            cfg = compose(
                [f"scenario={scenario}", f"policy={policy}", f"seed={SEED}", f"end_year={END_YEAR}"]
            )
            result = run_pair(cfg, world=world)
            tables = {name: fingerprint(frame) for name, frame in result.tables.items()}
            if result.counterfactual is not None:
                for name, frame in result.counterfactual.tables.items():
                    tables[f"counterfactual.{name}"] = fingerprint(frame)
            out[f"{scenario}/{policy}"] = tables
    return out


if __name__ == "__main__":
    GOLDEN_FILE.write_text(json.dumps(fingerprints(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN_FILE}", file=sys.stderr)
