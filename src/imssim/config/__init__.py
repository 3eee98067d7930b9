"""A run's settings: the typed schema, its bounds, its checks and the scenario transforms.

``from imssim.config import Config, to_config`` is the way in. The modules:
:mod:`.schema` (the dataclasses, each parameter's bounds and judged range beside its
default), :mod:`.fields` (how a field declares them), :mod:`.parameters` (them by dotted
key), :mod:`.checks` (the value checks), :mod:`.convert` (a mapping to a checked config
and back to containers), :mod:`.scenarios` (scenario transforms), :mod:`.shipped` (the
files in ``conf/``) and :mod:`.compose` (a config as the command line composes it,
through Hydra).
"""

from imssim.config.checks import check_bounds, check_dpi, check_formats, check_values
from imssim.config.convert import config_container, config_yaml, to_config, with_values
from imssim.config.fields import Bounds, Judged, param
from imssim.config.parameters import bounded_settings, bounds, judged_parameters, judged_range
from imssim.config.scenarios import (
    counterfactual_config,
    scale_budget_changes,
    scale_threat_events,
    unused_changes,
)
from imssim.config.schema import (
    BUDGET_RULES,
    DPI_RANGE,
    FIGURE_FORMATS,
    FIRST_YEAR,
    INSTITUTIONS,
    LAST_YEAR,
    MEMBERSHIP_CHANGES,
    N_FORMS,
    BudgetChange,
    BudgetRule,
    Config,
    GrowthChange,
    MembershipChange,
    ModelParams,
    OutputConfig,
    PolicyConfig,
    ScenarioConfig,
    SweepConfig,
    ThreatEvent,
    WorldConfig,
)
from imssim.config.shipped import conf_dir, group_options, shipped_settings

__all__ = [
    "BUDGET_RULES",
    "DPI_RANGE",
    "FIGURE_FORMATS",
    "FIRST_YEAR",
    "INSTITUTIONS",
    "LAST_YEAR",
    "MEMBERSHIP_CHANGES",
    "N_FORMS",
    "Bounds",
    "BudgetChange",
    "BudgetRule",
    "Config",
    "GrowthChange",
    "Judged",
    "MembershipChange",
    "ModelParams",
    "OutputConfig",
    "PolicyConfig",
    "ScenarioConfig",
    "SweepConfig",
    "ThreatEvent",
    "WorldConfig",
    "bounded_settings",
    "bounds",
    "check_bounds",
    "check_dpi",
    "check_formats",
    "check_values",
    "conf_dir",
    "config_container",
    "config_yaml",
    "counterfactual_config",
    "group_options",
    "judged_parameters",
    "judged_range",
    "param",
    "scale_budget_changes",
    "scale_threat_events",
    "shipped_settings",
    "to_config",
    "unused_changes",
    "with_values",
]
