"""One self-contained HTML report of a run, or of several runs compared.

- :mod:`imssim.report.facts`: the numbers, taken from the run's tables;
- :mod:`imssim.report.captions`: the words, settings in plain language and a
  sentence or two under each figure computed from the tables;
- :mod:`imssim.report.html`: the page, with the figures of the run embedded (reused
  from ``<run>/figures`` where current, drawn where missing).

``imssim-report`` (:func:`imssim.plot_cli.report_main`) calls :func:`write_report`.
"""

from imssim.report.captions import compare_captions, run_captions
from imssim.report.facts import run_facts
from imssim.report.html import REPORT_FILE, default_output, write_report

__all__ = [
    "REPORT_FILE",
    "compare_captions",
    "default_output",
    "run_captions",
    "run_facts",
    "write_report",
]
