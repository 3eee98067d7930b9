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
import io
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from imssim.config import OutputConfig, check_formats
from imssim.model.forms import FORM_LABELS, Form

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

DPI = OutputConfig().dpi  # screen resolution (120): the default of every PNG
FORMATS = tuple(OutputConfig().formats)  # PNG; SVG, PDF and print resolution on request
PAD_INCHES = 0.08  # white margin kept around the drawing when a file is cut to it
PNG_COMPRESSION = 1  # zlib level: files ~7 % larger than at level 6, written in 2/3 the time

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
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.fonttype": "none",  # text stays text in SVG: editable, searchable
    "svg.hashsalt": "imssim",  # stable element ids: identical runs, identical files
    "figure.constrained_layout.use": True,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """The house style for figures built inside the block."""
    with matplotlib.rc_context(RC):
        yield


def line_style(i: int) -> dict[str, object]:
    """Colour, dash pattern and marker of the i-th line in a chart (cycles)."""
    return {
        "color": LINE_COLOURS[i % len(LINE_COLOURS)],
        "linestyle": LINE_STYLES[i % len(LINE_STYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def band(ax, part, colour: str, gid: str, *, hatch: bool = False) -> None:
    """A 10-90 % band across runs: `part` has ``year``, ``p10`` and ``p90``; filled in a
    light tint of `colour`, or hatched (a second band over the first), named `gid`."""
    from matplotlib.colors import to_rgba

    ax.fill_between(
        part["year"],
        part["p10"],
        part["p90"],
        facecolor="none" if hatch else to_rgba(colour, 0.16),
        edgecolor=to_rgba(colour, 0.55),
        hatch="///" if hatch else None,
        linewidth=0.6,
        gid=f"band:{gid}",
    )


def save_figure(
    fig: Figure,
    out_dir: str | Path,
    name: str,
    formats: Sequence[str] = FORMATS,
    *,
    dpi: int = DPI,
) -> Path:
    """Write `fig` as ``<name>.<fmt>`` for each format; return the first file's path.

    The figure is laid out and rendered once, at `dpi`: its layout engine (constrained
    layout) runs during that one drawing and is then fixed, so every format shows the
    same positions whether or not the others are written. Each file is cut to the
    drawing plus a margin of PAD_INCHES (see :func:`_render`), so the PNG and the
    vector files share one frame. Each file is written under a temporary name and
    renamed into place, so a failure never leaves a truncated figure.
    """
    formats = check_formats(formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    managed = getattr(fig.canvas, "manager", None) is not None  # made with pyplot
    try:
        _save(fig, out, name, formats, dpi)
    finally:
        if managed:
            import matplotlib.pyplot as plt

            plt.close(fig)
    return out / f"{name}.{formats[0]}"


def png_bytes(fig: Figure, dpi: float = DPI) -> bytes:
    """`fig` as PNG bytes, laid out, rendered and cut to its ink as :func:`save_figure`
    writes it: for a page that shows figures without writing files."""
    buffer = io.BytesIO()
    with style():
        image, box = _render(fig, dpi)
        if image is not None:
            _write_png(image, box, dpi, buffer)
        else:
            fig.savefig(
                buffer,
                dpi=dpi,
                format="png",
                bbox_inches=box,
                metadata=_metadata("png"),
                pil_kwargs={"compress_level": PNG_COMPRESSION},
            )
    return buffer.getvalue()


def _save(fig: Figure, out: Path, name: str, formats: tuple[str, ...], dpi: float) -> None:
    with style():
        image, box = _render(fig, dpi)
        for fmt in formats:
            final = out / f"{name}.{fmt}"
            tmp = out / f".{name}.{uuid.uuid4().hex[:8]}.{fmt}"
            try:
                if fmt == "png" and image is not None:
                    _write_png(image, box, dpi, tmp)
                else:
                    extra = (
                        {"pil_kwargs": {"compress_level": PNG_COMPRESSION}} if fmt == "png" else {}
                    )
                    fig.savefig(
                        tmp, dpi=dpi, format=fmt, bbox_inches=box, metadata=_metadata(fmt), **extra
                    )
                os.replace(tmp, final)
            finally:
                tmp.unlink(missing_ok=True)


def _render(fig: Figure, dpi: float) -> tuple[np.ndarray | None, Bbox]:
    """Draw `fig` once at `dpi` and fix its layout; return the RGBA image and the frame
    of every file (inches from the lower left): the drawing plus PAD_INCHES.

    The frame is found on the rendered image, where the ink is. When ink touches the
    image's edge and the figure's tight bounding box reaches beyond it (a note under
    the axes, say), the figure is framed by that box instead, and its PNG drawn again
    in that frame (no image is returned): the one drawing covers only the figure.
    """
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    canvas.draw()  # the layout engine runs here, once
    fixed = {"figure.constrained_layout.use": False, "figure.autolayout": False}
    with matplotlib.rc_context(fixed):
        fig.set_layout_engine(None)  # keep the positions just drawn for every format
    width_in, height_in = fig.get_size_inches()
    image = np.asarray(canvas.buffer_rgba())
    height, width = image.shape[:2]
    # a pixel is ink unless it is opaque white: compare each as one 32-bit number
    ink = image.view(np.uint32).reshape(height, width) != np.uint32(0xFFFFFFFF)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return image, Bbox.from_extents(0, 0, width_in, height_in)
    if rows[0] == 0 or cols[0] == 0 or rows[-1] == height - 1 or cols[-1] == width - 1:
        # ink at the edge: something may reach beyond it (text extents are cached now)
        tight = fig.get_tightbbox(canvas.get_renderer())
        slack = 0.5 / dpi  # half a pixel
        if (
            tight.x0 < -slack
            or tight.y0 < -slack
            or tight.x1 > width_in + slack
            or tight.y1 > height_in + slack
        ):
            return None, tight.padded(PAD_INCHES)
    pad = round(PAD_INCHES * dpi)
    x0, x1 = max(cols[0] - pad, 0), min(cols[-1] + 1 + pad, width)
    top, bottom = max(rows[0] - pad, 0), min(rows[-1] + 1 + pad, height)
    return image, Bbox.from_extents(
        x0 / dpi, (height - bottom) / dpi, x1 / dpi, (height - top) / dpi
    )


def _write_png(image: np.ndarray, box: Bbox, dpi: float, path: Path | io.BytesIO) -> None:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    height = image.shape[0]
    x0, y0, x1, y1 = (round(v * dpi) for v in box.extents)
    rgb = Image.fromarray(image).crop((x0, height - y1, x1, height - y0)).convert("RGB")
    info = PngInfo()
    for key, value in _metadata("png").items():
        info.add_text(key, value)
    rgb.save(path, format="png", dpi=(dpi, dpi), pnginfo=info, compress_level=PNG_COMPRESSION)


def _metadata(fmt: str) -> dict[str, str | None]:
    # No creation date in the files: the same run gives byte-identical figures.
    if fmt == "png":
        return {"Software": "imssim"}
    if fmt == "svg":
        return {"Date": None, "Creator": "imssim"}
    if fmt == "pdf":
        return {"CreationDate": None, "Creator": "imssim"}
    return {}
