"""The commands, one module each: ``imssim`` (:mod:`.main`), ``imssim-plot`` and
``imssim-report`` (:mod:`.plot`), ``imssim-bench``, ``imssim-sensitivity``,
``imssim-collect`` and ``imssim-dashboard``."""
