"""Every shipped scenario and policy pair gives the tables recorded before the code moved."""

import contextlib
import json

import pytest

from imssim.model import kernels
from tests.goldens.tables import GOLDEN_FILE, fingerprints


@pytest.mark.slow
@pytest.mark.parametrize("code", ["compiled", "numpy"])
def test_every_scenario_and_policy_gives_its_recorded_tables_bit_for_bit(code):
    """Both with the compiled loops (where numba is installed) and with the numpy code."""
    recorded = json.loads(GOLDEN_FILE.read_text())
    with contextlib.nullcontext() if code == "compiled" else kernels.numpy_only():
        fresh = fingerprints()
    assert sorted(fresh) == sorted(recorded), "the shipped scenarios or policies changed"
    changed = [
        f"{case}: {table}"
        for case, tables in recorded.items()
        for table, digest in tables.items()
        if fresh[case].get(table) != digest
    ]
    assert not changed, "tables changed: " + ", ".join(changed)
