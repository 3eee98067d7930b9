"""The six forms of cooperation and what each costs and gives.

The note (p. 5) orders the forms from shallow to deep: joint hire (1), pooling (2),
joint procurement and/or sharing (3), operational cooperation / joint readiness (4),
integrated operational cooperation (5) and role and task specialisation (6), and
says each deeper form limits sovereign freedom of action more "om daar tegelijkertijd
meer handelingsvermogen aan partners voor terug te geven". Every per-form quantity
is therefore a vector indexed by form 0..6 (0: no cooperation), non-decreasing with
depth (the overhead excepted).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from imssim.config import ModelParams


class Form(IntEnum):
    """Forms of cooperation, from shallow to deep (the note's ordering)."""

    NONE = 0
    JOINT_HIRE = 1
    POOLING = 2
    JOINT_PROCUREMENT = 3
    OPERATIONAL = 4
    INTEGRATED = 5
    SPECIALISATION = 6


FORM_LABELS = {
    Form.NONE: "none",
    Form.JOINT_HIRE: "joint hire",
    Form.POOLING: "pooling",
    Form.JOINT_PROCUREMENT: "joint procurement / sharing",
    Form.OPERATIONAL: "operational cooperation",
    Form.INTEGRATED: "integrated cooperation",
    Form.SPECIALISATION: "role and task specialisation",
}

DEEP = Form.OPERATIONAL  # forms 4-6 count as deep
LASTING = Form.POOLING  # forms 2-6: a lasting tie (joint hire, form 1, is temporary)
SHALLOW_LIMIT = Form.JOINT_PROCUREMENT  # deepest form with a non-priority partner


@dataclass(frozen=True)
class FormTable:
    """Per-form vectors (index = form 0..6)."""

    saving: np.ndarray  # fraction of an area's upkeep saved (the provider's at form 6)
    overhead: np.ndarray  # coordination cost as a fraction of the area's upkeep
    access: np.ndarray  # fraction of the partner's capability made available
    constraint: np.ndarray  # fraction of the area's capability no longer at free disposal
    trust_required: np.ndarray
    fit_required: np.ndarray

    @classmethod
    def from_params(cls, p: ModelParams) -> FormTable:
        return cls(
            saving=np.asarray(p.form_saving, dtype=float),
            overhead=np.asarray(p.form_overhead, dtype=float),
            access=np.asarray(p.form_access, dtype=float),
            constraint=np.asarray(p.form_constraint, dtype=float),
            trust_required=np.asarray(p.form_trust_required, dtype=float),
            fit_required=np.asarray(p.form_fit_required, dtype=float),
        )

    def net_saving(self, form: np.ndarray, catalyst_relief: np.ndarray | float) -> np.ndarray:
        """Saving minus coordination overhead; `catalyst_relief` in [0, 1] cuts the overhead."""
        return self.saving[form] - self.overhead[form] * (1.0 - catalyst_relief)
