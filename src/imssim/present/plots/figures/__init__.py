"""The figures of one run, one module each; :mod:`imssim.present.plots.registry` lists them.

Each module has a public function that takes the run's tables and config and returns
the matplotlib figure together with a data frame of exactly the values drawn (so a
test or a report can check what the chart shows against the tables), and a
``draw(tables, config, choices)`` that the registry calls with the run's
:class:`imssim.present.choices.RunChoices`. Each places its axes by hand
(:func:`imssim.present.plots.common.frame`), with no layout engine. Build figures inside
:func:`imssim.present.plots.style.style`; :func:`imssim.present.plots.style.save_figure` renders and
writes them.
"""
