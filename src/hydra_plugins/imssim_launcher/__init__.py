"""imssim's launcher for Hydra (``hydra/launcher=imssim``, the default of ``conf/``)."""
