"""One look for every chart: palettes, fonts and the writer.

Palettes are chosen to survive colour-blindness and grayscale printing:

* categories (scenarios, policies, states) use the Okabe-Ito palette together with
  distinct line styles and markers, so lines stay apart without colour;
* the forms of cooperation 1-6 use a sequential ColorBrewer ramp (YlGnBu) whose
  lightness falls steadily with depth, so deeper forms are darker in grayscale too;
* the three rings have their own colours *and* marker shapes.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display

import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from imssim.forms import FORM_LABELS, Form

# Okabe & Ito (2008), "Color Universal Design": black first, then the seven colours.
OKABE_ITO = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
# For lines on white: drop yellow (too light on paper), keep the rest in a fixed order.
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X")

RING_ORDER = ("strategic", "affiliated", "opportunity")
RING_COLOURS = {"strategic": "#0072B2", "affiliated": "#E69F00", "opportunity": "#009E73"}
RING_MARKERS = {"strategic": "o", "affiliated": "s", "opportunity": "^"}
RING_LABELS = {
    "strategic": "strategic partners",
    "affiliated": "affiliated partners",
    "opportunity": "partners of opportunity",
    "none": "no ring",
}

# Forms 0..6: 0 is a very light grey, 1..6 the YlGnBu ramp from light to dark.
FORM_COLOURS = (
    "#f2f2f2",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#0c2c84",
)
FORM_CMAP = ListedColormap(FORM_COLOURS, name="imssim_forms")
FORM_NAMES = {int(f): f"{int(f)} {FORM_LABELS[f]}" for f in Form}

DPI = 300
FORMATS = ("png", "svg")

RC = {
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "legend.fontsize": 9.5,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "svg.fonttype": "none",  # text stays text in SVG: editable, searchable
    "svg.hashsalt": "imssim",  # stable element ids: identical runs, identical files
    "figure.constrained_layout.use": True,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """The house style for figures built inside the block."""
    with plt.rc_context(RC):
        yield


def line_style(i: int) -> dict[str, object]:
    """Colour, dash pattern and marker of the i-th line in a chart (cycles)."""
    return {
        "color": LINE_COLOURS[i % len(LINE_COLOURS)],
        "linestyle": LINE_STYLES[i % len(LINE_STYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def save_figure(
    fig: Figure, out_dir: str | Path, name: str, formats: tuple[str, ...] = FORMATS
) -> Path:
    """Write `fig` as ``<name>.<fmt>`` for each format; return the PNG's path.

    Each file is written under a temporary name and renamed into place, so a failure
    never leaves a truncated figure. The figure is closed afterwards.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    try:
        for fmt in formats:
            final = out / f"{name}.{fmt}"
            tmp = out / f".{name}.{uuid.uuid4().hex[:8]}.{fmt}"
            try:
                fig.savefig(tmp, dpi=DPI, format=fmt, metadata=_metadata(fmt))
                os.replace(tmp, final)
            finally:
                tmp.unlink(missing_ok=True)
    finally:
        plt.close(fig)
    return out / f"{name}.{formats[0]}"


def _metadata(fmt: str) -> dict[str, str | None]:
    # No creation date in the files: the same run gives byte-identical figures.
    if fmt == "png":
        return {"Software": "imssim"}
    if fmt == "svg":
        return {"Date": None, "Creator": "imssim"}
    if fmt == "pdf":
        return {"CreationDate": None, "Creator": "imssim"}
    return {}
