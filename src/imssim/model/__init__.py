"""The Mesa model and its mechanisms: economy and threat, capabilities, trust, partners,
forms, cooperation, frameworks, rings, and the tables a run records.

:class:`imssim.model.simulation.CooperationModel` runs them year by year; each
mechanism lives in its own module.
"""
