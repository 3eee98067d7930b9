"""Charts of run folders: per-run figures, comparisons of several runs, robustness.

:mod:`imssim.present.plots.registry` lists every figure (name, file, title, caption, the
function that draws it); :mod:`imssim.present.plots.figures` holds the figures of one run,
one module each, :mod:`imssim.present.plots.compare` those comparing runs, and
:mod:`imssim.present.plots.writer` draws them into folders and reuses those already drawn.
Every chart uses :mod:`imssim.present.plots.style` (colour-blind-safe palettes that stay
readable in grayscale, labelled axes with units) and is written by
:func:`imssim.present.plots.style.save_figure`: PNG at screen resolution by default, SVG, PDF
and print resolution on request (``output.formats``, ``output.dpi``).
"""
