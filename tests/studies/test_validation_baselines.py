"""The validation's link-prediction baselines and its precision-recall AUC: known answers
on a small hand-made graph and on small rankings."""

from __future__ import annotations

import math

import numpy as np
import pytest

from imssim.studies import validation as study
from imssim.world import load_world

# 0 - 1, 0 - 2, 1 - 2, 2 - 3, 3 - 4: a triangle 0-1-2 with a tail 2-3-4
EDGES = ((0, 1), (0, 2), (1, 2), (2, 3), (3, 4))
DEGREE = (2, 2, 3, 2, 1)


@pytest.fixture()
def graph():
    a = np.zeros((5, 5), dtype=bool)
    for i, j in EDGES:
        a[i, j] = a[j, i] = True
    return a


# --- the baselines on the hand-made graph ------------------------------------------


def test_common_neighbours_counts_the_shared_neighbours(graph):
    cn = study.common_neighbours(graph)
    assert cn[0, 1] == 1  # 2
    assert cn[0, 3] == 1  # 2
    assert cn[1, 3] == 1  # 2
    assert cn[2, 4] == 1  # 3
    assert cn[0, 4] == 0
    assert cn[0, 2] == 1  # 1
    assert cn[2, 3] == 0
    np.testing.assert_array_equal(cn, cn.T)
    assert not np.diag(cn).any()


def test_adamic_adar_weights_each_shared_neighbour_by_one_over_log_degree(graph):
    aa = study.adamic_adar(graph)
    assert aa[0, 1] == pytest.approx(1 / math.log(3))  # through 2 (degree 3)
    assert aa[0, 2] == pytest.approx(1 / math.log(2))  # through 1 (degree 2)
    assert aa[2, 4] == pytest.approx(1 / math.log(2))  # through 3 (degree 2)
    assert aa[1, 3] == pytest.approx(1 / math.log(3))
    assert aa[0, 4] == 0
    assert np.isfinite(aa).all()  # state 4 has degree 1: no division by log 1
    np.testing.assert_allclose(aa, aa.T)


def test_resource_allocation_weights_each_shared_neighbour_by_one_over_degree(graph):
    ra = study.resource_allocation(graph)
    assert ra[0, 1] == pytest.approx(1 / 3)
    assert ra[0, 2] == pytest.approx(1 / 2)
    assert ra[2, 4] == pytest.approx(1 / 2)
    assert ra[3, 4] == 0  # adjacent, but no shared neighbour
    assert ra[0, 4] == 0


def test_preferential_attachment_multiplies_the_degrees(graph):
    pa = study.preferential_attachment(graph)
    for i in range(5):
        for j in range(5):
            expected = 0 if i == j else DEGREE[i] * DEGREE[j]
            assert pa[i, j] == expected


def test_an_isolated_state_scores_zero_everywhere(graph):
    bigger = np.zeros((6, 6), dtype=bool)
    bigger[:5, :5] = graph
    for score in study.baseline_scores(bigger).values():
        assert not score[5].any() and not score[:, 5].any()
        assert np.isfinite(score).all()


def test_baseline_scores_give_every_baseline_in_order(graph):
    scores = study.baseline_scores(graph)
    assert tuple(scores) == study.BASELINES
    np.testing.assert_array_equal(scores["common neighbours"], study.common_neighbours(graph))


def test_the_2012_network_joins_tied_states_and_framework_members_but_not_nato_alone():
    world = load_world()
    a = study.network_2012(world)
    assert (a == a.T).all() and not np.diag(a).any()
    nld, deu = world.index("NLD"), world.index("DEU")
    assert a[nld, deu]  # a bilateral tie (and the EATC)
    eatc = next(fw for fw in world.frameworks if fw.id == "EATC")
    members = np.flatnonzero(eatc.members)
    assert all(a[i, j] for i in members for j in members if i != j)
    shared = np.zeros_like(a)
    for fw in world.frameworks:
        if not fw.fixed:
            shared |= np.outer(fw.members, fw.members)
    tied = np.zeros_like(a)
    tied[world.tie_a, world.tie_b] = tied[world.tie_b, world.tie_a] = True
    # two NATO members with no tie and no framework other than NATO and the EU
    loose = world.nato[:, None] & world.nato[None, :] & ~shared & ~tied
    np.fill_diagonal(loose, False)
    assert loose.any() and not a[loose].any()


# --- the precision-recall AUC ------------------------------------------------------


def test_average_precision_of_a_perfect_ranking_is_one():
    assert study.average_precision([0.9, 0.8, 0.3, 0.2, 0.1], [1, 1, 0, 0, 0]) == 1.0


def test_average_precision_of_a_small_ranking_by_hand():
    # order: +, -, +, -: precision 1 at recall 1/2, 2/3 at recall 1
    assert study.average_precision([4, 3, 2, 1], [1, 0, 1, 0]) == pytest.approx(
        0.5 * 1 + 0.5 * 2 / 3
    )
    # the reverse: -, +, -, +: 1/2 at recall 1/2, 1/2 at recall 1
    assert study.average_precision([1, 2, 3, 4], [1, 0, 1, 0]) == pytest.approx(0.5)


def test_average_precision_takes_a_tie_as_one_threshold():
    # the top two tie, one positive, one negative: precision 1/2 at recall 1/2, then
    # the third (a positive): 2/3 at recall 1; the order inside the tie does not matter
    expected = 0.5 * 0.5 + 0.5 * 2 / 3
    assert study.average_precision([5, 5, 3, 1], [1, 0, 1, 0]) == pytest.approx(expected)
    assert study.average_precision([5, 5, 3, 1], [0, 1, 1, 0]) == pytest.approx(expected)
    # all tied: the share of positives
    assert study.average_precision([1.0] * 8, [1, 0, 0, 1, 0, 0, 0, 0]) == pytest.approx(0.25)


def test_average_precision_of_a_random_ranking_is_about_the_share_of_positives():
    rng = np.random.default_rng(7)
    labels = rng.random(20_000) < 0.1
    value = study.average_precision(rng.random(labels.size), labels)
    assert value == pytest.approx(labels.mean(), abs=0.01)


def test_average_precision_is_undefined_without_a_positive():
    assert np.isnan(study.average_precision([0.1, 0.2], [0, 0]))


def test_bootstrap_intervals_bracket_the_scores():
    rng = np.random.default_rng(3)
    labels = rng.random(300) < 0.2
    scores = labels + rng.normal(0, 1.0, labels.size)
    ci = study.bootstrap_intervals(scores, labels, 200, np.random.default_rng(1))
    assert ci["auc"][0] < study.roc_auc(scores, labels) < ci["auc"][1]
    assert ci["pr_auc"][0] < study.average_precision(scores, labels) < ci["pr_auc"][1]
    none = study.bootstrap_intervals(scores, labels, 0, np.random.default_rng(1))
    assert all(np.isnan(v).all() for v in none.values())
