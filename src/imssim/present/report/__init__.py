"""One self-contained HTML report of a run, or of several runs compared.

- :mod:`imssim.present.report.facts`: the numbers, taken from the run's tables;
- :mod:`imssim.present.report.captions`: the words, settings in plain language and a
  sentence or two under each figure computed from the tables;
- :mod:`imssim.present.report.html`: the page, with the figures of the run embedded (reused
  from ``<run>/figures`` where current, drawn where missing).

``imssim-report`` (:func:`imssim.cli.report.main`) calls :func:`write_report`.
"""

from imssim.present.report.captions import compare_captions, run_captions
from imssim.present.report.facts import run_facts
from imssim.present.report.html import REPORT_FILE, default_output, write_report

__all__ = [
    "REPORT_FILE",
    "compare_captions",
    "default_output",
    "run_captions",
    "run_facts",
    "write_report",
]
