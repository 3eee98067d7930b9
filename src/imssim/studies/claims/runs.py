"""Running the claims: the runs each claim reads, composed from ``conf/`` exactly as the
command line composes them for one set of parameter overrides, and every claim judged
on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from omegaconf import DictConfig, OmegaConf

from imssim.config.compose import compose_config
from imssim.model.tables import Tables
from imssim.runs.api import run
from imssim.studies.claims.austerity import (
    G_TOTAL,
    austerity_broadens_and_deepens,
    coordinated_cuts_smaller_shortfalls,
    deeper_cuts_go_further,
)
from imssim.studies.claims.autonomy import (
    FormLimits,
    autonomy_test_costs_capacity,
    autonomy_test_within_limits,
    capacity_at_a_cost_in_autonomy,
    focal_form_limits,
)
from imssim.studies.claims.partners import (
    deep_forms_near_and_similar,
    fewer_partners_more_intensively,
    hysteresis_keeps_flicker_rare,
    rings_move_without_flicker,
)
from imssim.studies.claims.verdicts import Verdict

SEEDS = (1, 2, 3, 4)
CLAIMS = ("a", "b", "c", "d", "e", "f", "g")
EXTRA_SEEDS = 2  # the year-by-year limits (e) and the runs without hysteresis (f): first seeds
NO_HYSTERESIS = {"params.ring_hysteresis": 0.0, "params.ring_exit_delay": 0}
TITLES = {
    "a": "deep forms among near and similar pairs",
    "b": "austerity broadens and deepens cooperation",
    "c": "capacity to act at a cost in autonomy",
    "d": "fewer partners, more intensively",
    "e": "the autonomy test as counterfactual",
    "f": "partners move between rings without flicker",
    "g": "coordinated cuts leave a smaller worst-area shortfall",
}


@cache
def _policy_value(policy: str, key: str) -> Any:
    return OmegaConf.select(compose_config([f"policy={policy}"]), key)


def override_args(scenario: str, policy: str, seed: int, overrides: Mapping[str, Any]) -> list[str]:
    """Command-line arguments for one run of a claim under parameter `overrides`.

    A numeric policy key (``policy.autonomy_weight``) is given as the default policy's
    value; every other policy gets its own value scaled by the same factor, so that the
    policies keep their relation (the autonomy test weighs autonomy three times as
    heavily as the default policy at every value).
    """
    args = [f"scenario={scenario}", f"policy={policy}", f"seed={seed}"]
    for key, value in overrides.items():
        if key.startswith("policy.") and policy != "default":
            base, own = _policy_value("default", key), _policy_value(policy, key)
            if isinstance(base, float) and isinstance(own, float) and base != 0:
                value = own * float(value) / base
        args.append(f"{key}={value}")
    return args


class ClaimRuns:
    """The runs the claims read, for one set of parameter overrides, each made when it is
    first asked for and kept.

    Every run is composed from ``conf/`` as the command line composes it
    (``imssim scenario=... policy=... seed=... <overrides>``); `extra` adds the settings
    a claim compares (``coordinated_cuts``, no hysteresis) on top of the overrides.
    """

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._tables: dict[tuple, Tables] = {}
        self._limits: dict[tuple, FormLimits] = {}

    def config(
        self,
        scenario: str = "austerity_2012",
        policy: str = "default",
        seed: int = 1,
        extra: Mapping[str, Any] | None = None,
    ) -> DictConfig:
        """The composed config of one of the claims' runs (the study's overrides, then `extra`)."""
        merged = {**self.overrides, **(extra or {})}
        return compose_config(override_args(scenario, policy, seed, merged))

    def tables(
        self,
        scenario: str = "austerity_2012",
        policy: str = "default",
        seed: int = 1,
        extra: Mapping[str, Any] | None = None,
    ) -> Tables:
        """The tables of one of the claims' runs, run once and kept."""
        key = (scenario, policy, seed, tuple(sorted((extra or {}).items())))
        if key not in self._tables:
            self._tables[key] = run(self.config(scenario, policy, seed, extra)).tables
        return self._tables[key]

    def by_seed(self, seeds: Sequence[int], **kwargs: Any) -> dict[int, Tables]:
        """The tables of the same run at each seed."""
        return {s: self.tables(seed=s, **kwargs) for s in seeds}

    def limits(
        self, seed: int, scenario: str = "austerity_2012", policy: str = "autonomy_test"
    ) -> FormLimits:
        """The form limits of the focal state under a policy, at one seed, computed once."""
        key = (scenario, policy, seed)
        if key not in self._limits:
            self._limits[key] = focal_form_limits(self.config(scenario, policy, seed))
        return self._limits[key]


def evaluate(claim: str, runs: ClaimRuns, seeds: Sequence[int] = SEEDS) -> Verdict:
    """A claim in full, as ``tests/studies/test_claims.py`` checks it in its tests of a letter."""
    seeds = tuple(seeds)
    if claim == "a":
        return deep_forms_near_and_similar(runs.by_seed(seeds))
    if claim == "b":
        base, cut = runs.by_seed(seeds, scenario="baseline"), runs.by_seed(seeds)
        deep = runs.by_seed(seeds, scenario="deep_cuts")
        return austerity_broadens_and_deepens(base, cut) + deeper_cuts_go_further(base, cut, deep)
    if claim == "c":
        return capacity_at_a_cost_in_autonomy(runs.by_seed(seeds))
    if claim == "d":
        return fewer_partners_more_intensively(
            runs.by_seed(seeds), runs.by_seed(seeds, policy="fewer_partners_more_intensive")
        )
    if claim == "e":
        verdict = autonomy_test_within_limits({s: runs.limits(s) for s in seeds[:EXTRA_SEEDS]})
        for scenario in ("austerity_2012", "deep_cuts"):
            verdict += autonomy_test_costs_capacity(
                runs.by_seed(seeds, scenario=scenario),
                runs.by_seed(seeds, scenario=scenario, policy="autonomy_test"),
                where=scenario,
            )
        return verdict
    if claim == "f":
        few = seeds[:EXTRA_SEEDS]
        return rings_move_without_flicker(runs.by_seed(seeds)) + hysteresis_keeps_flicker_rare(
            runs.by_seed(few), runs.by_seed(few, extra=NO_HYSTERESIS)
        )
    if claim == "g":
        verdict = Verdict("g", ())
        for scenario, total in G_TOTAL.items():
            verdict += coordinated_cuts_smaller_shortfalls(
                runs.by_seed(seeds, scenario=scenario),
                runs.by_seed(seeds, scenario=scenario, extra={"coordinated_cuts": True}),
                where=scenario,
                total=total,
            )
        return verdict
    raise ValueError(f"unknown claim {claim!r}: one of {', '.join(CLAIMS)}")


def run_claims(
    overrides: Mapping[str, Any] | None = None,
    seeds: Sequence[int] = SEEDS,
    claims: Sequence[str] = CLAIMS,
) -> dict[str, Verdict]:
    """Make every run the `claims` need under `overrides` for `seeds`, and judge them."""
    runs = ClaimRuns(overrides)
    return {claim: evaluate(claim, runs, seeds) for claim in claims}
