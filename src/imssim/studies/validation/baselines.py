"""The standard link-prediction baselines, computed on the network of 2012.

The network of 2012 joins two states when they hold a bilateral tie in any area
(``ties_2012.csv``) or are both members of a framework other than NATO and the EU as
such (``frameworks.csv``, every framework but the fixed baselines): a shared framework
makes its members adjacent. On its adjacency matrix ``A`` (symmetric, no loops) and the
degrees ``k``:

- common neighbours: ``A @ A``;
- Adamic-Adar: ``A @ diag(1 / log k) @ A`` (a state of degree 1 is never the common
  neighbour of two others, so its weight is set to 0 instead of dividing by log 1 = 0);
- resource allocation: ``A @ diag(1 / k) @ A``;
- preferential attachment: ``outer(k, k)``.

Each is a score per ordered pair of states (symmetric, diagonal 0); higher means "more
likely to deepen". None reads the record or the runs.
"""

from __future__ import annotations

import numpy as np

from imssim.world import World

COMMON = "common neighbours"
ADAMIC_ADAR = "Adamic-Adar"
RESOURCE = "resource allocation"
ATTACHMENT = "preferential attachment"
BASELINES = (COMMON, ADAMIC_ADAR, RESOURCE, ATTACHMENT)


def network_2012(world: World) -> np.ndarray:
    """bool[N, N]: the 2012 network, bilateral ties plus shared membership in a framework
    other than NATO and the EU as such (symmetric, no loops)."""
    n = world.n_states
    adjacency = np.zeros((n, n), dtype=bool)
    adjacency[world.tie_a, world.tie_b] = True
    adjacency[world.tie_b, world.tie_a] = True
    for fw in world.frameworks:
        if fw.fixed:  # NATO and the EU's CSDP: membership follows the alliance itself
            continue
        members = np.asarray(fw.members, dtype=bool)
        adjacency |= np.outer(members, members)
    np.fill_diagonal(adjacency, False)
    return adjacency


def _weighted_paths(adjacency: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``A @ diag(weight) @ A`` with the diagonal set to 0."""
    a = adjacency.astype(float)
    score = (a * weight[np.newaxis, :]) @ a
    np.fill_diagonal(score, 0.0)
    return score


def common_neighbours(adjacency: np.ndarray) -> np.ndarray:
    """float[N, N]: how many neighbours two states share."""
    return _weighted_paths(adjacency, np.ones(len(adjacency)))


def adamic_adar(adjacency: np.ndarray) -> np.ndarray:
    """float[N, N]: the shared neighbours, each weighted by 1 / log of its degree (0 for a
    degree of 1 or less, which cannot be shared by two other states)."""
    degree = adjacency.sum(axis=1).astype(float)
    weight = np.zeros_like(degree)
    many = degree > 1
    weight[many] = 1.0 / np.log(degree[many])
    return _weighted_paths(adjacency, weight)


def resource_allocation(adjacency: np.ndarray) -> np.ndarray:
    """float[N, N]: the shared neighbours, each weighted by 1 / its degree."""
    degree = adjacency.sum(axis=1).astype(float)
    weight = np.zeros_like(degree)
    linked = degree > 0
    weight[linked] = 1.0 / degree[linked]
    return _weighted_paths(adjacency, weight)


def preferential_attachment(adjacency: np.ndarray) -> np.ndarray:
    """float[N, N]: the product of the two states' degrees."""
    degree = adjacency.sum(axis=1).astype(float)
    score = np.outer(degree, degree)
    np.fill_diagonal(score, 0.0)
    return score


def baseline_scores(adjacency: np.ndarray) -> dict[str, np.ndarray]:
    """Every baseline's score matrix on `adjacency`, in the order of :data:`BASELINES`."""
    return {
        COMMON: common_neighbours(adjacency),
        ADAMIC_ADAR: adamic_adar(adjacency),
        RESOURCE: resource_allocation(adjacency),
        ATTACHMENT: preferential_attachment(adjacency),
    }
