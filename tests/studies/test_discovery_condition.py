"""The --where condition of imssim-discover: read without eval, on outcome columns only,
with the same answer as pandas gives (imssim.studies.discovery.condition)."""

from __future__ import annotations

import keyword

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imssim.errors import ImssimError
from imssim.studies.discovery.condition import columns_in_short, parse_condition

VALID = ["worst_shortfall", "n_strategic_diff", "shortfall", "capacity_to_act@2035"]


def frame(values: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame(values, dtype=float)


RUNS = frame(
    {
        "worst_shortfall": [0.1, 0.35, 0.5, np.nan],
        "n_strategic_diff": [0, -1, 1, -2],
        "shortfall": [0.05, 0.1, 0.2, 0.3],
        "capacity_to_act@2035": [90, 110, 120, 80],
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("worst_shortfall > 0.3", [False, True, True, False]),
        ("n_strategic_diff < 0", [False, True, False, True]),
        ("worst_shortfall > 0.3 and n_strategic_diff >= 0", [False, False, True, False]),
        ("(worst_shortfall > 0.3) & (n_strategic_diff < 0)", [False, True, False, False]),
        ("not worst_shortfall > 0.3", [True, False, False, False]),
        ("~(n_strategic_diff == 0) | (shortfall <= 0.05)", [True, True, True, True]),
        ("0.2 < worst_shortfall <= 0.5", [False, True, True, False]),
        ("abs(n_strategic_diff) >= 1", [False, True, True, True]),
        ("shortfall * 100 > 15", [False, False, True, True]),
        ("capacity_to_act@2035 - 100 > 0", [False, True, True, False]),
        ("`capacity_to_act@2035` < 100 or -n_strategic_diff > 1", [True, False, False, True]),
    ],
)
def test_a_condition_reads_as_pandas_would(text, expected):
    condition = parse_condition(text, VALID)
    assert condition.evaluate(RUNS).tolist() == expected


def test_a_run_missing_a_value_is_neither_true_nor_false():
    condition = parse_condition("not worst_shortfall > 0.3", VALID)
    assert condition.known(RUNS).tolist() == [True, True, True, False]
    assert not condition.evaluate(RUNS).iloc[3]  # excluded, not "not above"


def test_outcomes_in_many_years_are_listed_once():
    columns = ["shortfall", "pairs@2013", "shortfall@2013", "pairs@2035", "shortfall@2020"]
    assert columns_in_short(columns) == [
        "shortfall",
        "pairs@<year> (2013-2035)",
        "shortfall@<year> (2013-2020)",
    ]
    assert columns_in_short(["autonomy", "autonomy@2035"]) == ["autonomy", "autonomy@2035"]


def test_an_unknown_column_is_named_with_the_valid_ones():
    with pytest.raises(ImssimError) as caught:
        parse_condition("worst_shortfal > 0.3", VALID)
    message = str(caught.value)
    assert "'worst_shortfal'" in message and "\n" not in message
    assert all(name in message for name in VALID)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("worst_shortfall >", "cannot be read"),
        ("__import__('os').system('true')", "not allowed|only function allowed"),
        ("worst_shortfall.real > 0", "attribute not allowed"),
        ("RUNS[0] > 1", "not allowed"),
        ("len(worst_shortfall) > 1", "only function allowed is abs"),
        ("worst_shortfall > 'high'", "not a number"),
        ("worst_shortfall > True", "not a number"),
        ("lambda: 1", "not allowed"),
        ("[worst_shortfall][0] > 1", "not allowed"),
        ("`worst_shortfall > 0.3", "backtick"),
        ("1 < 2", "names no outcome column"),
        ("x" * 600, "longer than"),
    ],
)
def test_what_is_not_a_plain_condition_is_refused_in_one_line(text, words):
    with pytest.raises(ImssimError, match=words) as caught:
        parse_condition(text, ["worst_shortfall"])
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text", ["worst_shortfall", "worst_shortfall + 1", "(worst_shortfall > 0) + 1"]
)
def test_a_number_is_not_a_condition(text):
    condition = parse_condition(text, VALID)
    with pytest.raises(ImssimError):
        condition.evaluate(RUNS)


_OPS = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
_JOIN = st.sampled_from([("and", "&"), ("or", "|")])


@settings(max_examples=60, deadline=None)
@given(
    a=st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=12),
    op1=_OPS,
    op2=_OPS,
    t1=st.floats(-5, 5, allow_nan=False),
    t2=st.integers(-5, 5),
    join=_JOIN,
)
def test_conditions_agree_with_pandas_eval(a, op1, op2, t1, t2, join):
    runs = pd.DataFrame({"shortfall": a, "n_strategic_diff": np.round(a)})
    words, symbol = join
    ours = f"shortfall {op1} {t1!r} {words} n_strategic_diff {op2} {t2}"
    theirs = f"(shortfall {op1} {t1!r}) {symbol} (n_strategic_diff {op2} {t2})"
    got = parse_condition(ours, ["shortfall", "n_strategic_diff"]).evaluate(runs)
    assert got.tolist() == runs.eval(theirs).tolist()


@given(name=st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True))
def test_any_name_not_among_the_outcomes_is_refused(name):
    valid = ["worst_shortfall", "n_strategic_diff"]
    if name in valid or name == "abs":
        return
    expected = "cannot be read|not allowed" if keyword.iskeyword(name) else "not an outcome col"
    with pytest.raises(ImssimError, match=expected):
        parse_condition(f"{name} > 0", valid)
