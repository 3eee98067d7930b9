"""Running the model and keeping its results: the Python API (:mod:`.api`), run folders
(:mod:`.folders`), sweeps and their launcher, a sweep's datasets, progress, and the
``mesa.batch_run`` adapter."""
