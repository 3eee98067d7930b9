"""Controls both dashboard pages show: the policy and the focal state."""

from __future__ import annotations

from collections.abc import Callable

import solara

from imssim.config import group_options


def policy_and_focal(
    policy: str, focal: str, states: dict[str, str], change: Callable[..., None]
) -> None:
    """The policy's and the focal state's selects (`states`: label -> code); a choice
    calls ``change(policy=...)`` or ``change(focal=<code>)``."""
    label_of = {code: label for label, code in states.items()}
    solara.Select(
        "Policy",
        values=group_options("policy"),
        value=policy,
        on_value=lambda v: change(policy=v),
    )
    solara.Select(
        "Focal state",
        values=list(states),
        value=label_of.get(focal, focal),
        on_value=lambda v: change(focal=states[v]),
    )
