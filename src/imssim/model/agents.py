"""The state agent: one country, seen through the model's arrays.

The model keeps every state's variables in numpy arrays (states x states x capability
areas) so that one step is a handful of vectorised operations; a :class:`StateAgent`
is the per-country view of those arrays that Mesa's agent set, a dashboard or a
notebook works with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from imssim.model.rings import RING_NAMES

if TYPE_CHECKING:
    from imssim.model.simulation import CooperationModel


class StateAgent(mesa.Agent):
    """A state: economy, defence budget, capabilities per area and its partners."""

    model: CooperationModel

    def __init__(self, model: CooperationModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.iso3 = model.world.iso3[index]
        self.name = model.world.names[index]

    @property
    def gdp(self) -> float:
        return float(self.model.gdp[self.index])

    @property
    def budget(self) -> float:
        return float(self.model.budget[self.index])

    @property
    def capabilities(self) -> dict[str, float]:
        """Own capability per area (capability units)."""
        return dict(zip(self.model.world.areas, self.model.k[self.index].tolist(), strict=True))

    @property
    def capability(self) -> float:
        return float(self.model.k[self.index].sum())

    @property
    def threat(self) -> float:
        """Threat level (1 = the 2012 level)."""
        return float(self.model.threat[self.index])

    @property
    def pressure(self) -> float:
        return float(self.model.pressure[self.index])

    def partners(self, ring: str) -> list[str]:
        """ISO3 codes of the partners this state sees in `ring` (strategic, affiliated ...)."""
        code = RING_NAMES.index(ring)
        row = self.model.ring[self.index]
        return [self.model.world.iso3[j] for j in np.flatnonzero(row == code)]

    def __repr__(self) -> str:
        return f"StateAgent({self.iso3})"
