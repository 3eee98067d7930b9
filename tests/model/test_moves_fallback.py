"""The year's moves give the same steps when the compiled choice hands the choice back to
the noisy choice's own code (as it does for a tie at a row's kmax-th score)."""

from __future__ import annotations

import pandas as pd

from imssim import to_config
from imssim.config.compose import compose_config
from imssim.model import moves
from imssim.model.simulation import CooperationModel
from tests.conftest import needs_numba

pytestmark = needs_numba


def _tables():
    model = CooperationModel(to_config(compose_config(["seed=3", "end_year=2020"])))
    model.run()
    return model.tables()


def test_the_choice_handed_back_gives_the_same_steps(monkeypatch):
    compiled = _tables()
    monkeypatch.setattr(moves, "choose_entries", lambda *args, **kwargs: None)
    handed_back = _tables()
    for (name, left), (_, right) in zip(compiled.items(), handed_back.items(), strict=True):
        pd.testing.assert_frame_equal(left, right, check_exact=True, obj=name)
