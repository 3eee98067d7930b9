"""Bad input fails before the run with one line naming the problem."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from imssim import ConfigError, check, to_config
from imssim.config import (
    Config,
    ModelParams,
    PolicyConfig,
    config_container,
    config_yaml,
    group_options,
    with_values,
)


def test_defaults_validate():
    cfg = to_config(None)
    assert isinstance(cfg, Config)
    assert cfg.focal == "NLD" and cfg.start_year == 2012 and cfg.end_year == 2035


@pytest.mark.parametrize(
    ("cfg", "key"),
    [
        ({"scenario": {"cutt": 0.1}}, "cutt"),
        ({"seeed": 1}, "seeed"),
        ({"seed": "many"}, "seed"),
        ({"end_year": 2010}, "end_year"),
        ({"catalyst": 1.5}, "catalyst"),
        ({"scenario": {"budget_changes": [{"who": ["all"], "cut": -0.1}]}}, "cut"),
        ({"scenario": {"budget_changes": [{"who": ["all"], "cut": 1.2}]}}, "cut"),
        ({"scenario": {"budget_changes": [{"who": ["all"], "start": 2020, "end": 2015}]}}, "end"),
        ({"policy": {"max_form": 9}}, "max_form"),
        ({"policy": {"applies_to": "everyone"}}, "applies_to"),
        ({"policy": {"prune_rate": 1.5, "max_priority_partners": 6}}, "prune_rate"),
        ({"policy": {"prune_rate": 0.2}}, "prune_rate"),  # prunes need a priority list
        ({"policy": {"prune_max_form": 5}}, "prune_max_form"),
        ({"params": {"form_access": [0.0, 0.1]}}, "form_access"),
        ({"params": {"trust_gain": 2.0}}, "trust_gain"),
        ({"start_year": 2015}, "start_year"),
        ({"scenario": {"budget_rules": [{"rule": "wishful"}]}}, "rule"),
        ({"scenario": {"budget_rules": [{"start": 2012}]}}, "start"),
        ({"scenario": {"budget_rules": [{"start": 2020, "end": 2018}]}}, "end"),
        ({"scenario": {"budget_rules": [{"share": 0.5}]}}, "share"),
        ({"scenario": {"threat_events": [{"year": 1990}]}}, "year"),
        ({"scenario": {"threat_events": [{"near_rise": -1}]}}, "near_rise"),
        ({"scenario": {"threat_events": [{"origin_lat": 95}]}}, "origin_lat"),
        ({"scenario": {"threat_events": [{"yeer": 2014}]}}, "yeer"),
        ({"params": {"cost_growth_excess": 0.5}}, "cost_growth_excess"),
        ({"params": {"rebuild_share": 2.0}}, "rebuild_share"),
    ],
)
def test_bad_config_is_one_line_naming_the_key(cfg, key):
    with pytest.raises(ConfigError) as info:
        to_config(cfg)
    message = str(info.value)
    assert key in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("cfg", "needle"),
    [
        ({"focal": "XYZ"}, "XYZ"),
        ({"scenario": {"budget_changes": [{"who": ["NLD", "ATLANTIS"], "cut": 0.1}]}}, "ATLANTIS"),
        ({"scenario": {"growth_changes": [{"who": ["QQQ"], "growth": 0.0}]}}, "QQQ"),
        ({"scenario": {"budget_rules": [{"who": ["NARNIA"]}]}}, "NARNIA"),
        ({"scenario": {"threat_events": [{"who": ["NARNIA"], "rise": 0.1}]}}, "NARNIA"),
    ],
)
def test_unknown_state_codes_are_refused(cfg, needle):
    with pytest.raises(ConfigError) as info:
        check(cfg)
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


def test_groups_and_regions_are_accepted():
    cfg = check(
        {
            "scenario": {
                "budget_changes": [{"who": ["south", "visegrad", "nato", "DEU"], "cut": 0.1}]
            }
        }
    )
    assert cfg.scenario.budget_changes[0].who == ["south", "visegrad", "nato", "DEU"]


def test_shipped_scenarios_and_policies_can_be_named_from_python():
    cfg = to_config({"scenario": "deep_cuts", "policy": "autonomy_test", "end_year": 2016})
    assert cfg.scenario.name == "deep_cuts" and cfg.policy.name == "autonomy_test"
    assert cfg.scenario.budget_changes[0].cut == pytest.approx(0.20)
    assert cfg.policy.max_form_core < cfg.policy.max_form


def test_an_unknown_shipped_name_lists_the_shipped_ones():
    with pytest.raises(ConfigError, match=r"no shipped scenario named 'nope'.*deep_cuts") as info:
        to_config({"scenario": "nope"})
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("start", [1990, 2011, 2101])
def test_a_change_dated_outside_the_model_s_years_is_refused(start):
    """A change before the 2012 data year would silently alter it; one after 2100 lies
    outside any run. (A change after a short run's end_year is allowed: shipped scenarios
    run to any end year and simply do not reach it.)"""
    change = {"who": ["all"], "start": start, "end": max(start, 2040), "cut": 0.1}
    with pytest.raises(ConfigError, match=r"budget_changes\[0\]\.start") as info:
        to_config({"scenario": {"budget_changes": [change]}})
    assert "2012..2100" in str(info.value)
    growth = {"who": ["all"], "start": start, "end": max(start, 2040), "growth": 0.0}
    with pytest.raises(ConfigError, match=r"growth_changes\[0\]\.start"):
        to_config({"scenario": {"growth_changes": [growth]}})


def test_entries_dated_after_the_end_year_are_reported_not_refused():
    """A short run of a longer scenario is legitimate: each entry it never reaches gets
    one line (the command line prints them as notes), and the config is accepted."""
    from imssim.config import unused_changes

    cfg = to_config(
        {
            "end_year": 2015,
            "scenario": {
                "budget_changes": [
                    {"start": 2013, "end": 2014, "cut": 0.1},
                    {"start": 2016, "end": 2018},
                ],
                "threat_events": [{"year": 2020, "rise": 0.1}],
            },
        }
    )
    assert unused_changes(cfg) == [
        "scenario.budget_changes[1] starts in 2016, after end_year 2015: no effect in this run",
        "scenario.threat_events[0] starts in 2020, after end_year 2015: no effect in this run",
    ]
    assert unused_changes(to_config({"end_year": 2035})) == []


def _omegaconf_container_and_yaml(config):
    from omegaconf import OmegaConf

    container = OmegaConf.to_container(OmegaConf.structured(config))
    return container, OmegaConf.to_yaml(container)


def _written_configs():
    """Every shipped scenario with every shipped policy, composed as the command line
    composes them, their counterfactuals, and a few overridden and derived configs."""
    import dataclasses

    from imssim.config import counterfactual_config, scale_budget_changes
    from imssim.config.compose import compose_config

    for scenario in group_options("scenario"):
        for policy in group_options("policy"):
            config = to_config(compose_config([f"scenario={scenario}", f"policy={policy}"]))
            yield config
            if (cf := counterfactual_config(config)) is not None:
                yield cf
    overridden = to_config(
        compose_config(
            [
                "scenario=deep_cuts",
                "seed=7",
                "catalyst=1",
                "params.form_saving=[0,0.1,0.2,0.3,0.4,0.5,0.6]",
                "world.data_dir=/tmp/x",
                "output.formats=[png,svg]",
                "sweep.name=s",
                "scenario.description='a: b # c, yes'",
                "focal=DEU",
            ]
        )
    )
    yield overridden
    yield to_config({"scenario": "history_2012_2024", "counterfactual": "deep_cuts"})
    yield dataclasses.replace(overridden, scenario=scale_budget_changes(overridden.scenario, 2.5))


@pytest.mark.slow
def test_written_config_and_its_yaml_are_omegaconf_s():
    """The config written into a run folder (its container and YAML text) is exactly
    what OmegaConf's structured round trip gives."""
    from imssim.config.convert import _as_typed, config_container, config_yaml

    n = 0
    for config in _written_configs():
        assert _as_typed(config, Config)  # taken as it is, not through OmegaConf
        container, text = _omegaconf_container_and_yaml(config)
        mine = config_container(config)
        assert mine == container and type(mine) is dict
        assert config_yaml(mine) == text
        n += 1
    shipped = len(group_options("scenario")) * len(group_options("policy"))
    assert shipped >= 24 and n > shipped


def _replaced(part: str | None = None, **changes):
    """The Python defaults with `changes` (in the part `part`: params, output, world)."""
    config = Config()
    if part is None:
        return dataclasses.replace(config, **changes)
    return dataclasses.replace(
        config, **{part: dataclasses.replace(getattr(config, part), **changes)}
    )


@pytest.mark.parametrize(
    "config",
    [
        _replaced(catalyst=1),  # an int in a float field: OmegaConf writes 1.0
        _replaced(coordinated_cuts=1),
        _replaced(focal="${oops"),  # a (broken) interpolation: OmegaConf refuses it
        _replaced(focal="${x}"),
        _replaced(focal="???"),
        _replaced(focal="yes"),
        _replaced(focal="é: ü\n— 'q' \"d\""),
        _replaced("world", data_dir="/data"),
        _replaced("output", formats=("png", "svg")),  # a tuple for a list
        _replaced("params", form_saving=[0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),  # ints
        _replaced("params", trust_gain=float("nan")),
        _replaced("params", trust_gain=-0.0),
    ],
)
def test_a_config_built_in_python_is_written_as_omegaconf_writes_it(config):
    from imssim.config import config_container, config_yaml

    try:
        container, text = _omegaconf_container_and_yaml(config)
    except Exception as exc:
        with pytest.raises(type(exc)):
            config_container(config)
        return
    mine = config_container(config)
    assert config_yaml(mine) == text
    assert json.dumps(mine) == json.dumps(container)  # (nan is not equal to itself)


def test_the_cached_schema_is_not_changed_by_validation():
    from omegaconf import OmegaConf

    from imssim.config.convert import _schema

    fresh = OmegaConf.to_yaml(OmegaConf.structured(Config))
    to_config({"scenario": "deep_cuts", "policy": "autonomy_test", "seed": 3})
    to_config({"params": {"form_saving": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}})
    with pytest.raises(ConfigError):
        to_config({"scenario": {"cutt": 0.1}})
    assert to_config(None) == Config()
    assert OmegaConf.to_yaml(_schema()) == fresh
    assert to_config({"seed": 5}) == dataclasses.replace(Config(), seed=5)


def test_scaling_a_scenarios_entries_refuses_a_negative_factor_and_names_the_result():
    from imssim.config import scale_budget_changes, scale_threat_events

    scenario = to_config({"scenario": "history_2012_2024"}).scenario
    with pytest.raises(ConfigError, match=r"^budget changes: the scale must be >= 0 \(got -1\)"):
        scale_budget_changes(scenario, -1)
    with pytest.raises(ConfigError, match=r"^threat events: the scale must be >= 0 \(got -0.5\)"):
        scale_threat_events(scenario, -0.5)
    assert scenario.threat_events
    half = scale_threat_events(scenario, 0.5)
    assert half.name == "history_2012_2024 (threat rises x0.5)"
    assert [e.rise for e in half.threat_events] == [e.rise * 0.5 for e in scenario.threat_events]
    assert half.budget_changes == scenario.budget_changes


# --- bounds and judged ranges, beside each default -------------------------------------


def _numeric_fields(cls: type, prefix: str):
    """(key, type) of every numeric field of `cls` (numbers and lists of numbers)."""
    import typing

    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if hint in (int, float) or hint == list[float]:
            yield f"{prefix}{f.name}", hint


NUMERIC = [
    *_numeric_fields(Config, ""),
    *_numeric_fields(PolicyConfig, "policy."),
    *_numeric_fields(ModelParams, "params."),
]


def test_every_numeric_setting_has_bounds():
    from imssim.config import bounded_settings

    keys = [key for key, _ in NUMERIC]
    assert len(keys) > 80
    assert keys == [key for key in bounded_settings() if key in keys]
    missing = [key for key in keys if key not in bounded_settings()]
    assert not missing, f"numeric settings without bounds: {missing}"


def _default(key: str):
    value = Config()
    for part in key.split("."):
        value = getattr(value, part)
    return value


def test_every_default_lies_within_its_bounds():
    from imssim.config import bounded_settings

    for key, bounds in bounded_settings().items():
        default = _default(key)
        values = default if isinstance(default, list) else [default]
        assert all(bounds.admits(v) for v in values), (key, default, bounds)


def test_every_judged_range_lies_inside_its_bounds_and_contains_the_default():
    from imssim.config import bounds, judged_parameters

    judged = judged_parameters()
    assert len(judged) >= 20
    for key, found in judged.items():
        limits = bounds(key)
        assert found.low < found.high, key
        assert limits.admits(found.low) and limits.admits(found.high), (key, found, limits)
        assert found.low <= _default(key) <= found.high, (key, found)
        assert found.why.strip().endswith("."), key


def _outside(key: str, hint) -> object:
    """A value just outside the bounds of `key` (for a list: one value outside)."""
    from imssim.config import bounds

    limits = bounds(key)
    step = 1 if hint is int else 0.5
    if limits.low is not None:
        value = limits.low if limits.open_low else limits.low - step
    else:
        value = limits.high + step
    if hint == list[float]:
        return [0.0, value, 1.0, 1.0, 1.0, 1.0, 1.0]
    return int(value) if hint is int else float(value)


def _nested(key: str, value) -> dict:
    out: dict = {}
    node = out
    *parts, last = key.split(".")
    for part in parts:
        node = node.setdefault(part, {})
    node[last] = value
    return out


@pytest.mark.parametrize(("key", "hint"), NUMERIC, ids=[key for key, _ in NUMERIC])
def test_a_value_outside_the_bounds_is_one_line_naming_the_key(key, hint):
    with pytest.raises(ConfigError) as info:
        to_config(_nested(key, _outside(key, hint)))
    message = str(info.value)
    assert message.startswith(f"{key}: "), message
    assert "\n" not in message


def test_bounds_read_as_the_messages_give_them():
    from imssim.config import bounds

    assert bounds("params.trust_gain").text() == "in [0, 1]"
    assert bounds("policy.max_form").text(integer=True) == "1..6"
    assert bounds("params.upkeep_cost").text() == "> 0"
    assert bounds("params.cost_growth_excess").text() == "in [-0.05, 0.1]"
    with pytest.raises(ConfigError, match=r"^params.trust_gain: must be in \[0, 1\] \(got 2.0\)$"):
        to_config({"params": {"trust_gain": 2.0}})
    with pytest.raises(ConfigError, match=r"^params.upkeep_cost: must be > 0 \(got 0.0\)$"):
        to_config({"params": {"upkeep_cost": 0.0}})


def test_keys_without_bounds_or_judged_range_are_refused_by_name():
    from imssim.config import bounds, judged_range

    with pytest.raises(ConfigError, match=r"^params\.nope: no such setting$"):
        bounds("params.nope")
    with pytest.raises(ConfigError, match=r"^focal: not a numeric setting"):
        bounds("focal")
    with pytest.raises(ConfigError, match=r"^params\.trust_noise: no plausible range"):
        judged_range("params.trust_noise")
    assert judged_range("policy.autonomy_weight").low == 0.25


def test_the_relations_between_settings_are_still_checked():
    with pytest.raises(ConfigError, match=r"^params.found_max_members: must be >= found_min"):
        to_config({"params": {"found_min_members": 5, "found_max_members": 4}})
    with pytest.raises(ConfigError, match=r"^policy.max_form_core: must be 1..max_form \(4\)"):
        to_config({"policy": {"max_form": 4, "max_form_core": 5}})
    with pytest.raises(ConfigError, match=r"^params.form_access: values must be in \[0, 1\]$"):
        to_config({"params": {"form_access": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 1.5]}})


# --- the shipped files and Hydra's schema ------------------------------------------------


def test_a_config_group_lists_its_shipped_files():
    assert {"baseline", "austerity_2012", "deep_cuts"} <= set(group_options("scenario"))
    assert group_options("policy")[0] == "autonomy_test"  # sorted
    assert "default" in group_options("sensitivity")
    with pytest.raises(ConfigError, match=r"^nope: no such config group"):
        group_options("nope")


def test_the_schema_is_registered_with_hydra_once_and_only_when_asked():
    import subprocess
    import sys

    code = (
        "import imssim.config, imssim.cli.main\n"
        "from hydra.core.config_store import ConfigStore\n"
        "from imssim.config.compose import register_schema\n"
        "names = lambda: [n for n in ConfigStore.instance().list('') if 'schema' in n]\n"
        "print(names())\n"
        "register_schema(); register_schema()\n"
        "print(names())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "['config_schema.yaml']"]


def _slow_with_values(config: Config, values: dict) -> Config:
    """The keys set in the config's containers and the whole checked by OmegaConf's
    merge into the schema (to_config)."""
    container = config_container(config)
    for key, value in values.items():
        *path, last = key.split(".")
        node = container
        for part in path:
            node = node[part]
        node[last] = value
    return to_config(container)


@pytest.mark.parametrize(
    "values",
    [
        {"params.trust_gain": 0.1, "catalyst": 0.3},
        {"params.strategic_min_form": 3, "policy.max_form": 5, "policy.max_form_core": 2},
        {"scenario.gdp_growth": 0.02, "params.economic_pressure": 1.5},
        {"params.trust_gain": 1},  # an int for a float: OmegaConf makes it 1.0
        {"params.form_access": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]},
        # refused: out of bounds, a relation between settings, a type, an unknown key
        {"params.trust_gain": 1.5},
        {"params.found_min_members": 5, "params.found_max_members": 4},
        {"policy.max_form_core": 6, "policy.max_form": 5},
        {"params.strategic_min_form": 2.5},
        {"params.no_such_key": 1.0},
        {"scenario.gdp_growth": 0.7},
    ],
)
def test_with_values_gives_the_config_and_the_error_of_omegaconf_s_merge(values):
    base = to_config({"scenario": "austerity_2012", "counterfactual": "none"})
    try:
        slow = _slow_with_values(base, values)
    except ConfigError as exc:
        with pytest.raises(ConfigError) as fast:
            with_values(base, values)
        assert str(fast.value) == str(exc) and "\n" not in str(exc)
        return
    fast = with_values(base, values)
    assert fast == slow and fast != base
    # the same types too (1.0 for 1 in a float): the same config written
    assert config_yaml(config_container(fast)) == config_yaml(config_container(slow))


def test_with_values_of_their_settings_types_need_no_merge(monkeypatch):
    import imssim.config.convert as convert

    base = to_config({"scenario": "austerity_2012"})
    monkeypatch.setattr(convert, "to_config", lambda _: pytest.fail("merged"))
    config = with_values(base, {"params.trust_gain": 0.2, "params.strategic_min_form": 4})
    assert config.params.trust_gain == 0.2 and config.params.strategic_min_form == 4
    with pytest.raises(ConfigError, match=r"^params.trust_gain: must be in \[0, 1\] \(got 2.0\)$"):
        with_values(base, {"params.trust_gain": 2.0})
    # numpy's numbers (a sampler's) as the Python numbers they hold
    numpy = {"params.trust_gain": np.float64(0.2), "params.strategic_min_form": np.int64(4)}
    same = with_values(base, numpy)
    assert same == config and type(same.params.trust_gain) is float
    assert type(same.params.strategic_min_form) is int
