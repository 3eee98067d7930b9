"""The note's claims (a-g), each checked on the output tables of several seeds.

docs/ODD.md (element 1.2, "patterns") states what each claim means; the passages of the
2012 note they come from:

(a) p. 5: "de meer verdiepte vormen van samenwerking [hebben] de grootste kans van slagen
    ... met partners tot wie de (geo)politiek-strategische afstand gering is en die een
    met Nederland vergelijkbare politieke cultuur kennen".
(b) p. 1: "Nieuw is evenwel de schaal waarop de internationale economische crisis landen
    heeft aangezet hun internationale militaire samenwerking te verbreden en te
    verdiepen".
(c) p. 3: "handelingsvermogen als een wezenlijk onderdeel van ons soevereiniteitsbegrip";
    p. 5: the forms "de (soevereine) vrijheid van handelen steeds verder inperken om daar
    tegelijkertijd meer handelingsvermogen aan partners voor terug te geven".
(d) p. 9: "met minder partners, maar wel intensiever".
(e) p. 3: the "toets internationale militaire samenwerking" is "achterhaald als
    richtsnoer".
(f) p. 5: "partners door de tijd heen van de ene schil naar de andere kunnen bewegen".
(g) p. 5: cuts should "oog hebben voor de bezuinigingplannen van andere landen, mede in
    het licht van tekorten en overschotten binnen de NAVO en de EU".

Each claim is a function (some claims in two parts) from run tables, one per seed, to a
:class:`Verdict` of the comparisons (:class:`Check`) it consists of, each with its margin
(see :mod:`imssim.studies.claims.verdicts`). :class:`ClaimRuns` makes the runs the claims
read, composed from ``conf/`` exactly as the command line composes them, for one set of
parameter overrides; :func:`run_claims` evaluates claims for a set of overrides and
seeds. ``tests/studies/test_claims.py`` and ``experiments/robustness.py`` both use them, so the
claims are stated once.

Modules: ``verdicts`` (Check, Verdict), ``reading`` (reading the run tables),
``partners`` (claims a, d, f), ``austerity`` (b, g), ``autonomy`` (c, e) and ``runs``
(the claims' runs, :func:`evaluate` and :func:`run_claims`).
"""

from imssim.studies.claims.austerity import (
    BROADER_AND_DEEPER,
    G_TOTAL,
    austerity_broadens_and_deepens,
    coordinated_cuts_smaller_shortfalls,
    deeper_cuts_go_further,
)
from imssim.studies.claims.autonomy import (
    FormLimits,
    autonomy_test_costs_capacity,
    autonomy_test_within_limits,
    capacity_at_a_cost_in_autonomy,
    focal_form_limits,
)
from imssim.studies.claims.partners import (
    RINGS,
    deep_forms_near_and_similar,
    fewer_partners_more_intensively,
    hysteresis_keeps_flicker_rare,
    rings_move_without_flicker,
)
from imssim.studies.claims.reading import (
    DEEP_FORM,
    END_YEAR,
    FOCAL,
    MID_YEAR,
    at,
    focal_row,
    form_matrix,
)
from imssim.studies.claims.runs import (
    CLAIMS,
    EXTRA_SEEDS,
    NO_HYSTERESIS,
    SEEDS,
    TITLES,
    ClaimRuns,
    evaluate,
    override_args,
    run_claims,
)
from imssim.studies.claims.verdicts import Check, Verdict

__all__ = [
    "BROADER_AND_DEEPER",
    "CLAIMS",
    "DEEP_FORM",
    "END_YEAR",
    "EXTRA_SEEDS",
    "FOCAL",
    "G_TOTAL",
    "MID_YEAR",
    "NO_HYSTERESIS",
    "RINGS",
    "SEEDS",
    "TITLES",
    "Check",
    "ClaimRuns",
    "FormLimits",
    "Verdict",
    "at",
    "austerity_broadens_and_deepens",
    "autonomy_test_costs_capacity",
    "autonomy_test_within_limits",
    "capacity_at_a_cost_in_autonomy",
    "coordinated_cuts_smaller_shortfalls",
    "deep_forms_near_and_similar",
    "deeper_cuts_go_further",
    "evaluate",
    "fewer_partners_more_intensively",
    "focal_form_limits",
    "focal_row",
    "form_matrix",
    "hysteresis_keeps_flicker_rare",
    "override_args",
    "rings_move_without_flicker",
    "run_claims",
]
