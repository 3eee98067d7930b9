"""The model as other tools run it: :class:`BatchRunModel` for ``mesa.batch_run``.

``mesa.batch_run(model_cls, parameters, rng=...)`` builds ``model_cls(**kwargs)`` for
every combination of the parameters (and passes each value of `rng` as ``seed``),
steps it until it stops and reads its ``datacollector``. :class:`BatchRunModel` takes
the command line's keys as keywords (``scenario``, ``policy``, ``seed`` and any other
``key=value`` of the config), composes the config from ``conf/`` as ``imssim`` does
(:func:`imssim.config.compose.compose_config`) and runs to the end year, collecting a
few headline figures each year. :func:`batch_run_grid` runs a grid of scenarios,
policies and seeds through ``mesa.batch_run``::

    from imssim.runs.batch_run import batch_run_grid

    if __name__ == "__main__":  # batch_run starts processes by "spawn"
        rows = batch_run_grid(["baseline", "austerity_2012"], ["default"], [1, 2, 3])

The tables of a run (:meth:`~imssim.model.simulation.CooperationModel.tables`) stay available on
the model; ``mesa.batch_run`` returns only the collected figures.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from typing import Any

import mesa

from imssim.config.compose import compose_config
from imssim.model.simulation import CooperationModel
from imssim.world import World


def _country(column: str):
    def report(model: CooperationModel) -> float:
        countries, _ = model.recorder.latest()
        return float(countries[column][model.focal])

    return report


def _alliance(column: str):
    def report(model: CooperationModel) -> float:
        _, alliance = model.recorder.latest()
        return float(alliance[column])

    return report


# what the data collector records each year: the focal state's and the alliance's figures
REPORTERS = {
    "year": lambda model: model.year,
    "capacity_to_act": _country("capacity_to_act"),
    "autonomy": _country("autonomy"),
    "n_strategic": _country("n_strategic"),
    "n_ties_bilateral": _alliance("n_ties_bilateral"),
    "mean_form_bilateral": _alliance("mean_form_bilateral"),
    "worst_shortfall": _alliance("worst_shortfall"),
}


class BatchRunModel(CooperationModel):
    """:class:`~imssim.model.simulation.CooperationModel` built from keywords, with a
    ``datacollector``: ``BatchRunModel(scenario="deep_cuts", policy="default", seed=3,
    end_year=2030)`` runs what ``imssim scenario=deep_cuts policy=default seed=3
    end_year=2030`` runs (without its counterfactual). A `seed` of None keeps the
    config's; `world` gives a :class:`~imssim.world.World` already loaded."""

    def __init__(
        self,
        scenario: str = "austerity_2012",
        policy: str = "default",
        seed: int | None = None,
        world: World | None = None,
        **settings: Any,
    ) -> None:
        overrides = [f"scenario={scenario}", f"policy={policy}"]
        if seed is not None:
            overrides.append(f"seed={int(seed)}")
        overrides += [f"{key}={value}" for key, value in settings.items()]
        super().__init__(compose_config(overrides), world=world)
        self.datacollector = mesa.DataCollector(model_reporters=REPORTERS)
        self.datacollector.collect(self)

    def step(self) -> None:
        super().step()
        self.datacollector.collect(self)


def batch_run_grid(
    scenarios: Sequence[str],
    policies: Sequence[str],
    seeds: Sequence[int],
    number_processes: int | None = 1,
    **settings: Any,
) -> list[dict[str, Any]]:
    """``mesa.batch_run`` of :class:`BatchRunModel` over scenarios x policies x seeds
    (further config keys fixed by `settings`); the rows of the final year, one per run.

    ``mesa.batch_run`` sets the process start method to "spawn" for the whole
    program; it is set back afterwards."""
    before = multiprocessing.get_start_method(allow_none=True)
    try:
        return mesa.batch_run(
            BatchRunModel,
            parameters={"scenario": list(scenarios), "policy": list(policies), **settings},
            rng=list(seeds),
            number_processes=number_processes,
            max_steps=10_000,
            display_progress=False,
        )
    finally:
        multiprocessing.set_start_method(before, force=True)
