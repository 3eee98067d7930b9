"""The note's claims (a-g), each checked over several seeds in one test run.

The claims themselves are stated once, in :mod:`imssim.studies.claims`, with the passages of the
note they come from; these tests apply them to runs composed from conf/ exactly as the
command line composes them and shared by the tests of this module. Every claim compares
medians or all seeds, never a single lucky draw. docs/ODD.md (element 1, "patterns")
states what each claim means; experiments/robustness.py checks the same claims across a
range of the parameters.
"""

from __future__ import annotations

import pytest

from imssim.model.tables import Tables
from imssim.studies import claims
from imssim.studies.claims import CLAIMS, NO_HYSTERESIS, SEEDS, ClaimRuns

RUNS = ClaimRuns()  # the command line's defaults; each run made once, when first needed


def tables(
    scenario: str = "austerity_2012", policy: str = "default", seed: int = 1, **extra
) -> Tables:
    return RUNS.tables(scenario, policy, seed, extra)


def by_seed(seeds=SEEDS, **kwargs) -> dict[int, Tables]:
    return {s: tables(seed=s, **kwargs) for s in seeds}


# a ------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2020, 2035])
@pytest.mark.parametrize("seed", SEEDS)
def test_a_deep_forms_gather_among_near_and_similar_pairs(seed, year):
    """p. 5: deeper forms have the best chance with partners at small (geo)political
    distance and with a similar political culture."""
    verdict = claims.deep_forms_near_and_similar({seed: tables(seed=seed)}, years=(year,))
    assert verdict.holds, verdict


# b ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_b_austerity_broadens_and_deepens_cooperation(seed):
    """p. 1: the crisis pushes states to broaden and deepen cooperation; by 2020
    austerity gives more cooperating pairs and a higher mean form than the baseline."""
    verdict = claims.austerity_broadens_and_deepens(
        {seed: tables("baseline", seed=seed)}, {seed: tables("austerity_2012", seed=seed)}
    )
    assert verdict.holds, verdict


@pytest.mark.slow
def test_b_deeper_cuts_broaden_and_deepen_cooperation_further():
    """The dose-response, in median over seeds: deep cuts give more cooperating pairs and
    a deeper mean form than the announced cuts. (Not more pair-area ties: under deep cuts
    states give up whole areas, and the ties in them, see ODD 7.3.)"""
    verdict = claims.deeper_cuts_go_further(
        by_seed(scenario="baseline"),
        by_seed(scenario="austerity_2012"),
        by_seed(scenario="deep_cuts"),
    )
    assert verdict.holds, verdict


# c ------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2020, 2035])
@pytest.mark.parametrize("seed", SEEDS)
def test_c_cooperation_buys_capacity_at_a_cost_in_autonomy(seed, year):
    """p. 3: sovereignty is also the capacity to act; p. 5: deeper forms give partners' capability
    in exchange for freedom of action."""
    verdict = claims.capacity_at_a_cost_in_autonomy({seed: tables(seed=seed)}, years=(year,))
    assert verdict.holds, verdict


# d ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_d_fewer_partners_more_intensively():
    """p. 9: "met minder partners, maar wel intensiever": the focal state ends with fewer
    strategic partners and fewer bilateral partners, but a deeper mean bilateral form."""
    verdict = claims.fewer_partners_more_intensively(
        by_seed(policy="default"), by_seed(policy="fewer_partners_more_intensive")
    )
    assert verdict.holds, verdict


# e ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_e_autonomy_test_keeps_forms_within_the_limits_every_year(seed):
    """p. 3: the old test (can we still act alone?) allows no deep form in the sovereign
    core; checked on the model's own per-area forms, frameworks included, every year."""
    verdict = claims.autonomy_test_within_limits({seed: RUNS.limits(seed)})
    assert verdict.holds, verdict


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["austerity_2012", "deep_cuts"])
def test_e_autonomy_test_costs_capacity_to_act_under_cuts(scenario):
    """The counterfactual: with the test, the focal state keeps more autonomy and has less
    capacity to act under the same cuts."""
    verdict = claims.autonomy_test_costs_capacity(
        by_seed(scenario=scenario), by_seed(scenario=scenario, policy="autonomy_test")
    )
    assert verdict.holds, verdict


# f ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_f_partners_move_between_rings_without_flicker(seed):
    """p. 5: the rings are not fixed; partners move in and out as cooperation changes.
    Hysteresis (ring_hysteresis, ring_exit_delay) keeps flicker rare."""
    verdict = claims.rings_move_without_flicker({seed: tables(seed=seed)})
    assert verdict.holds, verdict


@pytest.mark.slow
def test_f_hysteresis_is_what_keeps_flicker_rare():
    """Without hysteresis the same runs flicker several times as often."""
    verdict = claims.hysteresis_keeps_flicker_rare(
        by_seed(SEEDS[:2]), by_seed(SEEDS[:2], **NO_HYSTERESIS)
    )
    assert verdict.holds, verdict


# g ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["austerity_2012", "deep_cuts"])
def test_g_coordinated_cuts_leave_smaller_shortfalls(scenario):
    """p. 5: cuts coordinated with partners (taking account of their cuts and of the
    alliance's shortfalls) keep the alliance's capability more complete than the same
    cuts made alone: in every seed the worst area's shortfall is smaller every year once
    the cuts are in, and no more areas are given up. Under the announced cuts the total
    shortfall is smaller too, year by year. Under deep cuts, where every area ends short,
    the total is no larger (smaller on average in every seed at the defaults, but not in
    every year): coordinated states keep sub-scale holdings that others give up, which
    costs about as much capability as the better spread saves (docs/ODD.md, D)."""
    verdict = claims.coordinated_cuts_smaller_shortfalls(
        by_seed(scenario=scenario),
        by_seed(scenario=scenario, coordinated_cuts=True),
        total=claims.G_TOTAL[scenario],
    )
    assert verdict.holds, verdict


# all claims as the robustness study evaluates them ------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("claim", CLAIMS)
def test_each_claim_in_full_holds_at_the_defaults(claim):
    """claims.evaluate, which experiments/robustness.py calls at every parameter value,
    puts together the same parts as the tests above (on the same, shared runs)."""
    verdict = claims.evaluate(claim, RUNS, SEEDS)
    assert verdict.holds, verdict
    parts = {
        "a": 4 * 2 * 7,  # seeds x years x (3 group sizes + 4 orderings)
        "b": 4 * 4 + 4,
        "c": 4 * 2 * 5,
        "d": 2 + 4 * 3,
        "e": 2 * 4 + 2 * 3,
        "f": 4 * 5 + 2,
        "g": (4 * 4 + 1) + 4 * 3,  # announced cuts: seeds x 4 + median; deep: seeds x 3
    }
    assert len(verdict.checks) == parts[claim]
