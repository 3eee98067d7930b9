"""A cooperation policy as per-state arrays (docs/ODD.md, 5.3).

A :class:`~imssim.config.PolicyConfig` applies to the focal state or to all states;
:func:`state_policy` spells it out per state, every other state keeping the default
policy, so that the mechanisms read one value per state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imssim.config import PolicyConfig
from imssim.world import World


@dataclass(frozen=True)
class StatePolicy:
    """The policy each state follows (float or int[N], and the forms allowed [N, A])."""

    allowed: (
        np.ndarray
    )  # int[N, A]: the deepest form allowed (max_form, max_form_core in core areas)
    priority_limit: np.ndarray  # int[N]: max_priority_partners (0: no limit)
    deepen_bonus: np.ndarray  # float[N]
    new_partner_penalty: np.ndarray  # float[N]
    autonomy_weight: np.ndarray  # float[N]
    thematic_factor: np.ndarray  # float[N]
    prune_rate: np.ndarray  # float[N]
    prune_max_form: np.ndarray  # int[N]


def state_policy(policy: PolicyConfig, world: World, focal: int) -> StatePolicy:
    """`policy` for the states it applies to (all, or the `focal` state), the default
    policy for the others."""
    default = PolicyConfig()
    applies = np.zeros(world.n_states, dtype=bool)
    if policy.applies_to == "all":
        applies[:] = True
    else:
        applies[focal] = True

    def per_state(name: str) -> np.ndarray:
        """The policy's value of `name` where it applies, the default's elsewhere."""
        return np.where(applies, getattr(policy, name), getattr(default, name))

    max_form = per_state("max_form").astype(int)
    max_form_core = per_state("max_form_core").astype(int)
    return StatePolicy(
        allowed=np.where(world.core, max_form_core[:, None], max_form[:, None]),
        priority_limit=per_state("max_priority_partners").astype(int),
        deepen_bonus=per_state("deepen_bonus").astype(float),
        new_partner_penalty=per_state("new_partner_penalty").astype(float),
        autonomy_weight=per_state("autonomy_weight").astype(float),
        thematic_factor=per_state("thematic_factor").astype(float),
        prune_rate=per_state("prune_rate").astype(float),
        prune_max_form=per_state("prune_max_form").astype(int),
    )
