"""Scenario discovery: which inputs of a sweep lead to an outcome of interest
(``imssim-discover``): the condition (:mod:`.condition`), the sweep's inputs and outcome
columns (:mod:`.inputs`), PRIM (:mod:`.boxes`) and the written results (:mod:`.report`)."""
