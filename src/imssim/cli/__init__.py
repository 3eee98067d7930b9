"""The commands, one module each: ``imssim`` (:mod:`.main`), ``imssim-plot`` and
``imssim-report`` (:mod:`.plot`), ``imssim-bench``, ``imssim-sensitivity``
(:mod:`.sensitivity`), ``imssim-collect`` and ``imssim-dashboard``."""
