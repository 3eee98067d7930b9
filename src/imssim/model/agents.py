"""The state agent: one country, seen through the model's arrays.

The model keeps every state's variables in numpy arrays (states x states x capability
areas) so that one step is a handful of vectorised operations; a :class:`StateAgent`
is the per-country view of those arrays that Mesa's agent set, a dashboard or a
notebook works with. It reads its model's state objects (:class:`ModelState`).
"""

from __future__ import annotations

from typing import Protocol, cast

import mesa
import numpy as np

from imssim.model.capabilities import CapabilityState
from imssim.model.economy import BudgetState, YearInputs
from imssim.model.rings import RING_NAMES, RingState
from imssim.world import World


class ModelState(Protocol):
    """What a :class:`StateAgent` reads of its model (the
    :class:`~imssim.model.simulation.CooperationModel` has these attributes)."""

    world: World
    inputs: YearInputs
    budgets: BudgetState
    caps: CapabilityState
    rings: RingState


class StateAgent(mesa.Agent[mesa.Model]):
    """A state: economy, defence budget, capabilities per area and its partners."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index
        world = self.state.world
        self.iso3 = world.iso3[index]
        self.name = world.names[index]

    @property
    def state(self) -> ModelState:
        """The model, as the state objects this agent reads."""
        return cast(ModelState, self.model)

    @property
    def gdp(self) -> float:
        """GDP (billion US$ of 2011)."""
        return float(self.state.inputs.gdp[self.index])

    @property
    def budget(self) -> float:
        """Defence budget (billion US$ of 2011)."""
        return float(self.state.inputs.budget[self.index])

    @property
    def capabilities(self) -> dict[str, float]:
        """Own capability per area (capability units)."""
        k = self.state.caps.k[self.index]
        return dict(zip(self.state.world.areas, k.tolist(), strict=True))

    @property
    def capability(self) -> float:
        """Own capability over all areas (capability units)."""
        return float(self.state.caps.k[self.index].sum())

    @property
    def threat(self) -> float:
        """Threat level (1 = the 2012 level)."""
        return float(self.state.inputs.threat[self.index])

    @property
    def pressure(self) -> float:
        """Budget pressure, in [0, 1]."""
        return float(self.state.budgets.pressure[self.index])

    def partners(self, ring: str) -> list[str]:
        """ISO3 codes of the partners this state sees in `ring` (strategic, affiliated ...)."""
        code = RING_NAMES.index(ring)
        row = self.state.rings.ring[self.index]
        return [self.state.world.iso3[j] for j in np.flatnonzero(row == code)]

    def __repr__(self) -> str:
        return f"StateAgent({self.iso3})"
