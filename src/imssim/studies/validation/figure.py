"""The validation's figure: the ROC AUC per predictor and record variant (left), and the
pairs deepened per year in the model and in the record (right)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from imssim.present.plots.style import MARKERS, save_figure, style
from imssim.studies.validation.baselines import ADAMIC_ADAR, ATTACHMENT, COMMON, RESOURCE
from imssim.studies.validation.pairs import (
    DEEPER,
    MODEL_ALL,
    MODEL_TIES,
    NEARER,
    PAIR_AREAS,
    PREDICTORS,
    VARIANTS,
)

COLOURS = {
    MODEL_TIES: "#0072B2",
    MODEL_ALL: "#56B4E9",
    NEARER: "#D55E00",
    DEEPER: "#009E73",
    COMMON: "#E69F00",
    ADAMIC_ADAR: "#CC79A7",
    RESOURCE: "#999999",
    ATTACHMENT: "#000000",
}
STEP = 0.8 / len(PREDICTORS)  # vertical offset between the predictors of one variant
SEED_RINGS = {"s": 14, "facecolors": "none", "linewidths": 0.7, "alpha": 0.7, "zorder": 2}
AUC_MARKS = {"markersize": 7, "capsize": 3, "elinewidth": 1.2, "zorder": 3}


def plot(
    auc: pd.DataFrame, auc_by_seed: pd.DataFrame, years: pd.DataFrame, path: Path, title: str
) -> Path:
    """The figure: AUC per predictor and record variant (left), pairs deepened per year
    (right). Written as PNG under a temporary name, then renamed."""
    import matplotlib.pyplot as plt  # after the style module has chosen the backend

    with style():
        fig, (left, right) = plt.subplots(
            1, 2, figsize=(13.0, 8.5), width_ratios=(1.6, 1.0), layout="constrained"
        )
        auc_panel(left, auc, auc_by_seed)
        years_panel(right, years)
        fig.suptitle(title, x=0.0, ha="left", fontsize=11, color="0.25")
        return save_figure(fig, path.parent, path.stem, formats=("png",))


def auc_panel(ax: Axes, auc: pd.DataFrame, auc_by_seed: pd.DataFrame) -> None:
    """The AUC of each predictor under each record variant, with its 90 % bootstrap
    interval and, for the model, the AUC of each seed's run as rings."""
    for v, variant in enumerate(VARIANTS):
        for p, predictor in enumerate(PREDICTORS):
            y = v + (p - (len(PREDICTORS) - 1) / 2) * STEP
            row = auc[(auc.variant == variant) & (auc.predictor == predictor)].iloc[0]
            err = [[row.auc - row.ci90_low], [row.ci90_high - row.auc]]
            seeds = auc_by_seed[
                (auc_by_seed.variant == variant) & (auc_by_seed.predictor == predictor)
            ]
            if len(seeds):
                ax.scatter(
                    seeds["auc"],
                    np.full(len(seeds), y),
                    edgecolors=COLOURS[predictor],
                    **SEED_RINGS,
                )
            ax.errorbar(
                row.auc,
                y,
                xerr=err if np.isfinite(row.ci90_low) else None,
                fmt=MARKERS[p % len(MARKERS)],
                color=COLOURS[predictor],
                label=predictor if v == 0 else None,
                **AUC_MARKS,
            )
    ax.axvline(0.5, color="0.35", linestyle="--", linewidth=1.0, zorder=1)
    ax.set_ylim(len(VARIANTS) - 0.5, -0.75)  # first variant on top
    ax.text(0.505, -0.7, "chance", fontsize=9, color="0.3", va="top")
    labels = []
    for variant in VARIANTS:
        part = auc[auc.variant == variant].iloc[0]
        unit = "pair-areas" if variant == PAIR_AREAS else "pairs"
        labels.append(f"{variant}\n({part.in_record} of {part['items']} {unit} in the record)")
    ax.set_yticks(range(len(VARIANTS)), labels)
    ax.set_xlim(0.3, 1.0)
    ax.set_xlabel("ROC AUC: chance that a pair the record names ranks above one it does not")
    ax.set_title("Which pairs deepened, 2013-2017: model, naive rules, baselines", loc="left")
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=3,
        title="predictor (bars: 90 % bootstrap interval; rings: single seeds)",
    )
    ax.grid(axis="y", visible=False)


def years_panel(ax: Axes, years: pd.DataFrame) -> None:
    """Pairs in the record's deepening facts per year (bars) beside the model's pairs
    deepened (median over seeds and its 10-90 % band)."""
    x = years["year"].to_numpy()
    ax.bar(
        x,
        years["record_pairs_deepened"],
        width=0.6,
        color="#E69F00",
        edgecolor="0.2",
        linewidth=0.6,
        label="record: pairs in deepening facts",
        zorder=2,
    )
    ax.fill_between(
        x,
        years["model_pairs_deepened_p10"],
        years["model_pairs_deepened_p90"],
        color="#0072B2",
        alpha=0.2,
        linewidth=0,
        zorder=3,
        label="model: 10-90 % of seeds",
    )
    ax.plot(
        x,
        years["model_pairs_deepened_median"],
        color="#0072B2",
        marker="o",
        linewidth=2.0,
        zorder=4,
        label="model: median over seeds",
    )
    ax.set_xticks(x)
    ax.set_xlabel("year")
    ax.set_ylabel("pairs of states with a new or deeper tie (form 2 or more)")
    ax.set_title("Deepenings per year", loc="left")
    ax.legend(loc="upper left")
