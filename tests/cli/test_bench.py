"""The bench's summaries of repeated timings (the timings themselves are the machine's)."""

from __future__ import annotations

import pytest

from imssim.cli.bench import bench_parser, main
from imssim.cli.bench_sweep import _alternating, grid_overrides, grid_size, median_range


def test_median_range_gives_the_median_and_the_range_of_the_repeats():
    assert median_range([1.0, 3.0, 2.0, 10.0, 0.5], " s") == "2.00 s (range 0.50-10.00)"
    assert median_range([1.25, 1.5]) == "1.38 (range 1.25-1.50)"
    assert median_range([0.8]) == "0.80"


def test_repeats_alternate_which_of_the_two_sweeps_runs_first():
    order: list[str] = []

    def first() -> float:
        order.append("a")
        return 1.0

    def second() -> float:
        order.append("b")
        return 2.0

    for repeat in range(3):
        assert _alternating(repeat, first, second) == (1.0, 2.0)  # always (first, second)
    assert order == ["a", "b", "b", "a", "a", "b"]


def test_the_default_sweep_has_48_runs_and_quick_12():
    assert grid_size() == 48
    assert grid_overrides({"seed": (1, 2), "policy": ("default",)}) == [
        "seed=1,2",
        "policy=default",
    ]
    args = bench_parser().parse_args(["--sweep"])
    assert args.repeats is None and args.seeds is None  # resolved by main


def test_repeats_below_one_are_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--repeats", "0"])
    assert exc.value.code == 2
    assert "--repeats: at least 1" in capsys.readouterr().err
