"""Forward presence: the political value of a presence framework and its thresholds.

docs/ODD.md, 7.9 (step 4) and 7.11: after the threat rise of 2014 NATO placed four
multinational battlegroups in the most exposed allies (Warsaw 2016, enhanced Forward
Presence), each led by a large ally with expeditionary forces (the UK in Estonia,
Canada in Latvia from 6,000 km, Germany in Lithuania, the US in Poland), with
contributors from about 20 allies (NATO's Wales and Warsaw summit declarations, 2014
and 2016). The host gets deterrence, the lead influence and visibility, contributors
show solidarity and buy standing with both: the note's political goal, not economy of scale.

This module holds the value and the thresholds such a framework is weighed by, for
founding (:func:`imssim.model.founding.found_presence`) and for joining and leaving
(:func:`imssim.model.frameworks.join_and_leave`):

- :func:`presence_value`: what taking part is worth to a state beside the value of the
  form itself (:func:`imssim.model.step_value.form_value`);
- :func:`threshold_relief`: how far the fit and trust a presence requires fall below
  the form's, for partners far apart that share a threat.
"""

from __future__ import annotations

import numpy as np

from imssim.model.cooperation import CooperationRules, CoopYear

PRESENCE = "forward_presence"  # the purpose (imssim.world.loader.PURPOSES)
# the area of a presence: the battlegroups are mechanised battalions (armour and
# mechanised infantry), the area the data calls manoeuvre forces
PRESENCE_AREA = "armour"


def presence_value(
    rules: CooperationRules,
    year: CoopYear,
    trust: np.ndarray,
    lead: int | np.ndarray,
    host: int | np.ndarray,
    who: np.ndarray,
) -> np.ndarray:
    """float[len(who)]: the political value to each state `who` of taking part in a
    presence led by `lead` in `host` (`lead` and `host` scalars or arrays like `who`).

    ``benefit_scale x goal_weight_political x presence_weight x (solidarity + own +
    presence_visibility x standing)``: solidarity is the host's exposure (for the host
    itself, the deterrence it gains), own is the state's own exposure, standing is its
    trust in the lead (1 for the lead: the influence of leading). Distance does not
    enter: Canada leads in Latvia from 6,000 km.
    """
    p = rules.params
    exposure = year.states.exposure
    standing = np.where(who == lead, 1.0, trust[who, lead])
    raw = exposure[host] + exposure[who] + p.presence_visibility * standing
    return p.benefit_scale * p.goal_weight_political * p.presence_weight * raw


def threshold_relief(rules: CooperationRules, year: CoopYear, host: np.ndarray) -> np.ndarray:
    """float[len(host)]: how far the fit and trust a presence requires fall below its
    form's: ``presence_threshold_relief`` x the host's exposure (0 where `host` is -1,
    a framework that is no presence). Partners far apart that share a threat pass."""
    exposure = year.states.exposure
    relief = rules.params.presence_threshold_relief * exposure[np.maximum(host, 0)]
    return np.where(host >= 0, relief, 0.0)
