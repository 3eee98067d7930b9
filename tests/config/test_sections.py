"""A mapping merged key by key, from kept results (imssim.config.sections), gives the
config, or the error, of the whole merge, value for value and word for word."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imssim.config import Config, group_options, sections, to_config
from imssim.config import convert as convert_module
from imssim.errors import ConfigError


def _whole(mapping, monkeypatch):
    """to_config without the key-by-key path: the whole merge, as before."""
    with monkeypatch.context() as patch:
        patch.setattr(convert_module, "by_section", lambda _: None)
        return _outcome(mapping)


def _outcome(mapping):
    """The config's repr (types included: 1, 1.0 and True differ), or the error."""
    try:
        return "config", repr(to_config(mapping))
    except Exception as exc:  # compared, type and message
        return type(exc).__name__, str(exc)


def _same_both_ways(mapping, monkeypatch):
    expected = _whole(mapping, monkeypatch)
    sections.clear()
    assert _outcome(mapping) == expected  # merged key by key
    assert _outcome(mapping) == expected  # from the results kept
    return expected


SCENARIOS = group_options("scenario")
POLICIES = group_options("policy")


@pytest.mark.parametrize(
    "mapping",
    [
        {},
        {"seed": 5},
        {"seed": "5"},  # a string of digits: OmegaConf converts it
        {"catalyst": 1},  # an int for a float
        {"coordinated_cuts": "true"},
        {"end_year": 2020.0},
        {"scenario": "deep_cuts", "policy": "autonomy_test", "seed": 3},
        {"params": "calibrated"},
        {"params": {"form_saving": [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}},
        {"output": {"formats": ["png", "svg"], "dpi": "200"}},
        {"world": {"data_dir": None}, "sweep": {"name": "s1"}},
        {"scenario": {"budget_changes": [{"who": ["DEU"], "cut": 0.1}]}},
        {"hydra": {"anything": 1}, "seed": 2},
        # refused, by OmegaConf or by the checks
        {"seed": "many"},
        {"seeed": 1},
        {"scenario": {"cutt": 0.1}},
        {"catalyst": 1.5},
        {"params": {"trust_gain": 2.0}},
        {"policy": {"max_form": 4, "max_form_core": 5}},
        {"scenario": None},
        {"params": {"form_access": "high"}},
        {"output": {"formats": "png"}},
        {"sweep": {"name": "a b"}},
        {"scenario": {"budget_changes": [{"cut": "deep"}]}},
        # not merged key by key: an interpolation, a missing value, a tuple, a dotted key
        {"focal": "${output.root}"},
        {"focal": "???"},
        {"output": {"formats": ("png",)}},
        {"params.trust_gain": 0.1, "seed": 4},
        {1: 2},
    ],
    ids=repr,
)
def test_a_mapping_gives_the_config_or_error_of_the_whole_merge(mapping, monkeypatch):
    _same_both_ways(mapping, monkeypatch)


def test_each_shipped_scenario_and_policy_as_the_whole_merge(monkeypatch):
    for scenario in SCENARIOS:
        for policy in POLICIES:
            kind, _ = _same_both_ways({"scenario": scenario, "policy": policy}, monkeypatch)
            assert kind == "config"


VALUES = {
    "seed": st.one_of(st.integers(-2, 10**6), st.sampled_from(["7", "x", 1.5, True])),
    "end_year": st.one_of(st.integers(2010, 2110), st.just("2030")),
    "focal": st.sampled_from(["NLD", "DEU", "XXX", 5, None]),
    "catalyst": st.one_of(st.floats(-1, 2, allow_nan=False), st.sampled_from([0, 1, "0.3"])),
    "coordinated_cuts": st.sampled_from([True, False, "true", "maybe", 1]),
    "counterfactual": st.sampled_from(["baseline", "none", "deep_cuts", "without:threat_events"]),
    "replicates": st.sampled_from([1, 3, 0, "2"]),
    "scenario": st.one_of(
        st.sampled_from(SCENARIOS),
        st.fixed_dictionaries(
            {},
            optional={
                "name": st.text(max_size=5),
                "gdp_growth": st.floats(-0.1, 0.1, allow_nan=False),
                "budget_changes": st.lists(
                    st.fixed_dictionaries(
                        {"cut": st.sampled_from([0.1, 0, -0.2, "x"])},
                        optional={
                            "who": st.sampled_from([["all"], ["DEU", "FRA"], "DEU"]),
                            "start": st.integers(2012, 2030),
                            "end": st.integers(2012, 2030),
                        },
                    ),
                    max_size=2,
                ),
            },
        ),
    ),
    "policy": st.one_of(
        st.sampled_from(POLICIES),
        st.fixed_dictionaries(
            {},
            optional={"max_form": st.integers(0, 7), "deepen_bonus": st.floats(-1, 3)},
        ),
    ),
    "params": st.fixed_dictionaries(
        {},
        optional={
            "trust_gain": st.one_of(st.floats(-0.5, 1.5, allow_nan=False), st.just("0.1")),
            "initiatives_per_year": st.sampled_from([1, 2, 2.0, 2.5, "3"]),
            "form_saving": st.lists(st.floats(0, 1), min_size=6, max_size=8),
            "trust_gian": st.just(0.1),
        },
    ),
    "output": st.fixed_dictionaries(
        {}, optional={"dpi": st.sampled_from([10, 120, "150"]), "tables": st.booleans()}
    ),
}


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.sampled_from(sorted(VALUES)), st.none(), max_size=6).flatmap(
        lambda keys: st.fixed_dictionaries({k: VALUES[k] for k in keys})
    )
)
def test_any_mapping_gives_the_config_or_error_of_the_whole_merge(mapping):
    """Property: whatever the keys and values, right or wrong, the config (or the error)
    is the whole merge's, the first time and from the results kept."""
    with pytest.MonkeyPatch.context() as patch:
        _same_both_ways(mapping, patch)


def test_the_results_kept_are_bounded_and_never_shared(monkeypatch):
    monkeypatch.setattr(sections, "KEPT", 4)
    sections.clear()
    for seed in range(10):
        assert to_config({"seed": seed}).seed == seed
    assert len(sections._results) <= 4
    first, second = to_config({"scenario": "deep_cuts"}), to_config({"scenario": "deep_cuts"})
    assert first == second and first.scenario is not second.scenario
    first.scenario.budget_changes.clear()  # a caller's change stays its own
    assert to_config({"scenario": "deep_cuts"}).scenario.budget_changes
    assert to_config(None) == Config()


def test_a_refused_value_is_the_same_one_line_error():
    sections.clear()
    for _ in range(2):
        with pytest.raises(ConfigError, match=r"^params.trust_gain: must be in \[0, 1\]"):
            to_config({"params": {"trust_gain": 2.0}})
        with pytest.raises(ConfigError) as info:
            to_config({"seed": "many"})
        assert "seed" in str(info.value) and "\n" not in str(info.value)


def test_only_plain_mappings_of_known_keys_are_merged_key_by_key():
    sections.clear()
    assert sections.by_section({"seed": 5, "scenario": {"name": "x"}}) is not None
    assert sections.by_section({}) == Config()
    for mapping in (
        {"focal": "${output.root}"},  # an interpolation
        {"focal": "???"},  # a missing value
        {"output": {"formats": ("png",)}},  # a tuple
        {"seeed": 1},  # an unknown key: the whole merge names it
        {"seed": "many"},  # refused: the whole merge gives the error
    ):
        assert sections.by_section(mapping) is None, mapping


def test_a_config_s_yaml_is_the_whole_dump_key_by_key_or_not():
    """config_yaml joins each key's kept text; it is the whole container's dump, anchors
    of an object given twice included."""
    from imssim.config import config_container, config_yaml
    from imssim.config.convert import _dump

    for scenario in SCENARIOS:
        for seed in (1, 2):
            container = config_container(to_config({"scenario": scenario, "seed": seed}))
            assert config_yaml(container) == _dump(container)
            assert config_yaml(container) == _dump(container)  # from the texts kept
    shared = ["DEU", "FRA"]
    twice = {"a": shared, "b": {"c": shared}, "d": [{"e": shared}]}
    assert "&id001" in _dump(twice) and config_yaml(twice) == _dump(twice)
    odd = {"a": (1, 2), 3: "x", "b": "${x}", "c": "???", "d": float("nan"), "e": "é\n"}
    assert config_yaml(odd) == _dump(odd)
    assert config_yaml([1, {"a": 2}]) == _dump([1, {"a": 2}])
