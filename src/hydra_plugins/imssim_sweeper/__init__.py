"""imssim's sweeper for Hydra (``hydra/sweeper=imssim``, the default of ``conf/``)."""
