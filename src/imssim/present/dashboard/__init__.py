"""The interactive dashboard (``imssim-dashboard``): a scenario played year by year in
the browser beside the same world without its budget changes.

- :mod:`imssim.present.dashboard.runs`: the settings a user picks, the config they make and
  :class:`~imssim.present.dashboard.runs.DashboardModel`, the run and its counterfactual
  stepped together (no browser, no Solara);
- :mod:`imssim.present.dashboard.views`: what each view shows, drawn with the static charts'
  code (matplotlib, no Solara);
- :mod:`imssim.present.dashboard.app`: the page (Mesa's ``SolaraViz``), one model per browser
  session;
- :mod:`imssim.cli.dashboard`: the command, serving the page on 127.0.0.1 with
  Solara's front end from local files only.

Only ``app`` and ``server`` import Solara and ``mesa.visualization`` (about 3 s), so
the command line, sweeps and studies never load them.
"""
