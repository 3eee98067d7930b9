"""Trust between states and the reliability it buys (docs/ODD.md, 7.4).

Trust grows while a pair cooperates at pooling or deeper, returns to a base level
otherwise, moves with a little symmetric noise, and drops when the partner cuts a
capability the pair shares. Reliability, the share of a promised contribution a
partner delivers, rises with trust.
"""

from __future__ import annotations

import functools

import numpy as np

from imssim.config import ModelParams
from imssim.model import kernels
from imssim.model.blocks import any_over_areas, max_over_areas
from imssim.model.forms import Form, FormTable


def base_trust(comember: np.ndarray, p: ModelParams) -> np.ndarray:
    """float[N, N]: the trust a pair returns to without cooperation, by membership
    (``trust_base_member`` for NATO or EU co-members, ``trust_base_other`` otherwise)."""
    base = np.where(comember, p.trust_base_member, p.trust_base_other)
    np.fill_diagonal(base, 0.0)
    return base


def initial_trust(
    base: np.ndarray, eff: np.ndarray, forms: FormTable, p: ModelParams
) -> np.ndarray:
    """float[N, N]: the start year's trust: enough for the deepest form a pair holds
    (its requirement plus ``trust_initial_margin``), and at least the `base`."""
    held = forms.trust_required[eff.max(axis=2)] + p.trust_initial_margin
    trust = np.maximum(base, np.where(eff.max(axis=2) > 0, held, 0.0)).clip(0, 1)
    np.fill_diagonal(trust, 0.0)
    return trust


def update_trust(
    trust: np.ndarray,
    base: np.ndarray,
    eff: np.ndarray,
    bilateral: np.ndarray,
    cut_fraction: np.ndarray,
    p: ModelParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """float[N, N]: next year's trust of i in j."""
    n = trust.shape[0]
    noise = rng.normal(0.0, p.trust_noise, size=(n, n)) if p.trust_noise > 0 else np.zeros((n, n))
    if kernels.enabled():
        rules = np.array(
            [p.trust_gain, p.trust_decay, p.cut_tolerance, p.trust_shock, Form.POOLING]
        )
        return kernels.load("trust").next_trust(
            trust, base, eff, bilateral, cut_fraction, noise, rules
        )
    max_form = max_over_areas(eff)
    depth = ((max_form - 1) / 5.0).clip(0.0, 1.0)
    grown = trust + p.trust_gain * depth * (1.0 - trust)
    decayed = trust + p.trust_decay * (base - trust)
    trust = np.where(max_form >= Form.POOLING, grown, decayed)
    noise = np.where(_above_diagonal(n), noise, 0.0)  # np.triu(noise, 1), without its mask built
    noise = noise + noise.T
    trust = trust + np.where(max_form > 0, noise, 0.0)
    # a partner that cuts a capability we share loses some of our trust
    cut = cut_fraction > p.cut_tolerance  # [N, A]
    partner_cut = np.zeros(trust.shape, dtype=bool)
    cutters = np.flatnonzero(cut.any(axis=1))  # only states that cut matter
    if cutters.size:
        # shared: the pair's own ties, not the NATO/EU baseline
        shared = bilateral[:, cutters, :] > 0
        partner_cut[:, cutters] = any_over_areas(shared & cut[cutters][None, :, :])
    trust = trust - p.trust_shock * partner_cut
    trust = trust.clip(0.0, 1.0)
    np.fill_diagonal(trust, 0.0)
    return trust


@functools.lru_cache(maxsize=4)
def _above_diagonal(n: int) -> np.ndarray:
    """bool[n, n], read-only: the entries above the diagonal."""
    mask = np.triu(np.ones((n, n), dtype=bool), 1)
    mask.flags.writeable = False
    return mask


def reliability(trust: np.ndarray, p: ModelParams) -> np.ndarray:
    """float[N, N]: the share of a promised contribution partner j delivers to i."""
    return p.reliability_floor + (1.0 - p.reliability_floor) * trust
