"""Charts of run folders: per-run figures, comparisons of several runs, and the report.

Every chart uses :mod:`imssim.plots.style` (colour-blind-safe palettes that stay
readable in grayscale, labelled axes with units) and is written as PNG (300 dpi) and
SVG by :func:`imssim.plots.style.save_figure`.
"""
