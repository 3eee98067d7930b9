"""Calibration to the record: the model's parameters estimated, with the uncertainty the
facts of 2013-2017 leave, by ABC-SMC (pyabc). ``imssim-calibrate <study>`` is the
command line.

Modules, in the order a calibration runs:

- ``study``: the study file (parameters and their priors, targets, the ABC's size) and
  its checks;
- ``targets``: what is fitted, each target's observed and simulated value and the
  distance between them;
- ``smc``: the ABC-SMC itself, its database on disk (resumable) and its posterior;
- ``results``: the posterior's summary, the fit before and after (posterior-predictive
  check) and the calibrated parameter set as a ``params`` file;
- ``figures``: the posterior and the predictive check, drawn;
- ``calibrate``: all of it in order, into one folder.
"""

from imssim.studies.calibration.study import CalibrationStudy, load_study, parse_study
from imssim.studies.calibration.targets import TARGETS

__all__ = ["TARGETS", "CalibrationStudy", "load_study", "parse_study"]
