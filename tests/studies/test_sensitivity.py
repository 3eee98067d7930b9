"""Global sensitivity analysis: known indices recovered through the study's own code
path (sampling, chunked parallel evaluation, analysis), a tiny study of the model that
resumes, and the checks of a study file."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from imssim.cli.sensitivity import main
from imssim.studies.sensitivity import (
    CHUNKS_DIR,
    INDICES_CSV,
    INDICES_FILE,
    SAMPLES_FILE,
    STUDY_MANIFEST,
    SUMMARY_FILE,
    FunctionEvaluator,
    ModelEvaluator,
    Study,
    StudyError,
    StudyFailed,
    load_study,
    parse_study,
    run_study,
)

# --- a function with known indices: Ishigami and Homma (1990), a = 7, b = 0.1 -------

A, B = 7.0, 0.1


def ishigami(values: dict[str, float]) -> dict[str, float]:
    x1, x2, x3 = values["x1"], values["x2"], values["x3"]
    return {"y": math.sin(x1) + A * math.sin(x2) ** 2 + B * x3**4 * math.sin(x1)}


def ishigami_indices() -> tuple[list[float], list[float]]:
    """The analytic first-order and total indices of x1, x2, x3."""
    pi4, pi8 = math.pi**4, math.pi**8
    v1 = 0.5 * (1 + B * pi4 / 5) ** 2
    v2 = A**2 / 8
    v13 = 8 * B**2 * pi8 / 225
    total = v1 + v2 + v13
    return [v1 / total, v2 / total, 0.0], [(v1 + v13) / total, v2 / total, v13 / total]


def values_of(indices: pd.DataFrame, index: str) -> list[float]:
    part = indices[indices["index"] == index].set_index("parameter")
    return [float(part.at[key, "value"]) for key in ("x1", "x2", "x3")]


@pytest.mark.slow
def test_sobol_recovers_the_ishigami_indices_through_the_study_code_path(tmp_path):
    s1, st = ishigami_indices()
    assert s1[:2] == pytest.approx([0.314, 0.442], abs=0.001)
    assert st == pytest.approx([0.558, 0.442, 0.244], abs=0.001)
    bounds = [-math.pi, math.pi]
    study = parse_study(
        {
            "method": "sobol",
            "n": 1024,
            "seed": 7,
            "parameters": {"x1": bounds, "x2": bounds, "x3": bounds},
            "outcomes": ["y"],
        },
        "ishigami",
        outcomes=["y"],
    )
    # two worker processes, chunks of samples: the path a model study takes
    outcome = run_study(study, FunctionEvaluator(ishigami), tmp_path, n_jobs=2)
    assert outcome.samples == outcome.runs == 1024 * 5
    found = outcome.indices
    assert values_of(found, "S1") == pytest.approx(s1, abs=0.06)
    assert values_of(found, "ST") == pytest.approx(st, abs=0.06)
    # confidence intervals are given and cover the analytic values
    for index, truth in (("S1", s1), ("ST", st)):
        part = found[found["index"] == index].set_index("parameter")
        for key, value in zip(("x1", "x2", "x3"), truth, strict=True):
            low, high = part.at[key, "conf_low"], part.at[key, "conf_high"]
            assert 0 < high - low < 0.3
            assert low - 0.03 <= value <= high + 0.03, (index, key, low, value, high)
    # everything the command writes, the samples in SALib's order
    samples = pd.read_parquet(tmp_path / SAMPLES_FILE)
    assert list(samples["sample"]) == list(range(1024 * 5))
    assert (samples[["x1", "x2", "x3"]].abs() <= math.pi).all().all()
    assert pd.read_csv(tmp_path / INDICES_CSV).shape[0] == len(found) == 6
    assert pd.read_parquet(tmp_path / INDICES_FILE).shape == found.shape
    assert "): most x1 (+) ST 0.56" in (tmp_path / SUMMARY_FILE).read_text()  # ranked by ST
    assert outcome.figure is not None and outcome.figure.stat().st_size > 10_000


def test_morris_gives_the_exact_effects_of_a_linear_function(tmp_path):
    study = parse_study(
        {
            "method": "morris",
            "trajectories": 6,
            "parameters": {"x1": [0.0, 1.0], "x2": [0.0, 5.0], "x3": [-1.0, 1.0]},
            "outcomes": ["y"],
        },
        "linear",
        outcomes=["y"],
    )

    outcome = run_study(study, FunctionEvaluator(linear), tmp_path, n_jobs=1, figure=False)
    mu = outcome.indices[outcome.indices["index"] == "mu_star"].set_index("parameter")
    sigma = outcome.indices[outcome.indices["index"] == "sigma"].set_index("parameter")
    # an elementary effect is the change across the whole range: 2 x 1, 0 x 5, -3 x 2
    assert mu["value"].to_dict() == pytest.approx({"x1": 2.0, "x2": 0.0, "x3": 6.0})
    assert sigma["value"].to_numpy() == pytest.approx([0, 0, 0], abs=1e-9)
    # the direction: the rank correlation's sign
    assert mu.at["x1", "rank_correlation"] > 0.1 and mu.at["x3", "rank_correlation"] < -0.3
    assert outcome.runs == 6 * 4
    # the study's manifest holds what every manifest holds (no config: no model runs)
    manifest = json.loads((tmp_path / STUDY_MANIFEST).read_text())
    assert manifest["seed"] == study.seed and "config" not in manifest
    assert manifest["study"]["method"] == "morris" and manifest["status"] == "completed"
    assert {"SALib", "joblib", "python"} <= set(manifest["versions"])
    assert manifest["code_revision"] and manifest["created_utc"].endswith("Z")


def linear(values: dict[str, float]) -> dict[str, float]:
    return {"y": 2.0 * values["x1"] - 3.0 * values["x3"]}


# --- a tiny study of the model ------------------------------------------------------

TINY = {
    "method": "morris",
    "trajectories": 2,
    "levels": 4,
    "seed": 3,
    "base": ["scenario=austerity_2012", "counterfactual=none", "end_year=2015"],
    "parameters": {"catalyst": [0.25, 0.75], "params.strategic_min_form": [2, 4]},
    "outcomes": ["capacity_to_act_index", "cooperating_pairs"],
    "years": [2014, 2015],
}


def study_file(tmp_path: Path, changes: dict | None = None, drop: tuple = ()) -> Path:
    data = {k: v for k, v in {**TINY, **(changes or {})}.items() if k not in drop}
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def chunk_files(folder: Path) -> dict[str, float]:
    return {p.name: p.stat().st_mtime_ns for p in (folder / CHUNKS_DIR).glob("*.parquet")}


@pytest.mark.slow
def test_a_tiny_model_study_runs_in_parallel_writes_its_indices_and_resumes(tmp_path, capsys):
    path, out = study_file(tmp_path), tmp_path / "study"
    main([str(path), "--out", str(out), "--jobs", "2", "-q"])
    printed = capsys.readouterr().out
    # seed 3 draws two trajectories through the same three points: three runs
    assert "6 samples, 3 runs: 0 complete already, 3 to run" in printed
    indices = pd.read_parquet(out / INDICES_FILE)
    assert len(indices) == 2 * 2 * 2 * 3  # outcomes x years x parameters x (mu*, sigma, mu)
    assert set(indices["index"]) == {"mu_star", "sigma", "mu"}
    assert set(indices["year"]) == {2014, 2015}
    assert set(indices["parameter"]) == {"catalyst", "params.strategic_min_form"}
    # the whole-number key is rounded into its range; each sample names its run
    samples = pd.read_parquet(out / SAMPLES_FILE)
    assert len(samples) == 6
    assert set(samples["params.strategic_min_form"]) <= {2, 3, 4}
    # the runs' rows are in chunk files (one a chunk), no run has a folder of its own
    chunks = chunk_files(out)
    assert 1 <= len(chunks) <= 3 and not list(out.glob("*/manifest.json"))
    runs = pd.read_parquet(out / "runs.parquet").set_index("run_id")
    assert set(samples["run_id"]) == set(runs.index) and len(runs) == 3
    for row in samples.itertuples():
        run = runs.loc[row.run_id]
        assert run["status"] == "completed" and run["seed"] == 3  # the study's seed
        assert run["params.strategic_min_form"] == row._3
        assert run["catalyst"] == pytest.approx(row.catalyst)
        assert np.isfinite(run["capacity_to_act_index@2014"])
    manifest = json.loads((out / STUDY_MANIFEST).read_text())
    assert manifest["status"] == "completed" and manifest["study"]["method"] == "morris"
    assert manifest["study"]["integer_parameters"] == ["params.strategic_min_form"]
    assert manifest["config"]["end_year"] == 2015 and manifest["code_revision"]
    assert (out / "figures" / "indices.png").stat().st_size > 10_000
    summary = (out / SUMMARY_FILE).read_text()
    assert "capacity to act 2014" in summary and "cooperating pairs 2015" in summary
    # the same command again: every run complete already, nothing run again
    main([str(path), "--out", str(out), "--jobs", "2", "-q"])
    printed = capsys.readouterr().out
    assert "3 complete already, 0 to run" in printed
    assert chunk_files(out) == chunks
    again = pd.read_parquet(out / INDICES_FILE)
    pd.testing.assert_frame_equal(again, indices)


def broken(config):
    raise RuntimeError("boom")


def test_failed_runs_stop_the_analysis_with_their_number(tmp_path):
    study, base = load_study(study_file(tmp_path))
    out = tmp_path / "study"
    evaluator = ModelEvaluator(folder=out, base=base, study=study, runner=broken)
    # the six samples of seed 3 hold three distinct points (two trajectories, reversed)
    with pytest.raises(StudyFailed, match=r"^3 of 3 runs failed.*boom.*running the study again"):
        run_study(study, evaluator, out, n_jobs=1, figure=False)
    assert not (out / INDICES_FILE).exists()
    runs = pd.read_parquet(out / "runs.parquet")
    assert set(runs["status"]) == {"failed"} and set(runs["error"]) == {"RuntimeError: boom"}


@pytest.mark.slow
def test_the_shipped_studies_pass_their_checks(tmp_path, capsys):
    for name in ("default", "quick"):
        study, base = load_study(name)
        assert study.outcomes == [
            "capacity_to_act_index",
            "autonomy",
            "cooperating_pairs",
            "mean_form",
            "shortfall_pct",
        ]
        assert study.years == [2020, 2035] and base.counterfactual == "none"
        assert base.scenario.name == "austerity_2012" and base.seed == study.seed
    out = tmp_path / "study"
    # options and overrides in any order
    main(["default", "method=morris", "--dry-run", "trajectories=4", "--out", str(out)])
    printed = capsys.readouterr().out
    assert "morris, 9 parameters, 4 trajectories: 40 samples" in printed
    assert not out.exists()  # a dry run writes nothing


# --- the checks of a study ----------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"colour": "blue"}, "colour: unknown key"),
        ({"method": "fast"}, "method: must be one of sobol, morris"),
        ({"trajectories": "many"}, "trajectories: must be a whole number"),
        ({"method": "sobol", "n": 100}, "n: must be a power of 2"),
        ({"levels": 5}, "levels: must be even"),
        ({"parameters": {"catalyst": [0.75, 0.25]}}, "parameters.catalyst: the low end"),
        ({"parameters": {"catalyst": [0.1]}}, "parameters.catalyst: must be a range"),
        ({"parameters": {"params.no_such": [0, 1]}}, "parameters.params.no_such: not a number"),
        ({"parameters": {"trust_gain": [0.04, 0.16]}}, "did you mean params.trust_gain"),
        ({"parameters": {"seed": [1, 5]}}, "parameters.seed: not a number"),
        ({"parameters": {"params.strategic_min_form": [1.5, 4]}}, "takes whole numbers"),
        # an explicit range outside the key's bounds in the schema
        (
            {"parameters": {"params.trust_gain": [0.5, 1.5]}},
            "parameters.params.trust_gain: the range must lie within the setting's bounds, "
            "in [0, 1] (got [0.5, 1.5])",
        ),
        (
            {"parameters": {"params.strategic_min_form": [0, 4]}},
            "parameters.params.strategic_min_form: the range must lie within the setting's "
            "bounds, 1..6 (got [0, 4])",
        ),
        ({"parameters": {"params.upkeep_cost": [0.0, 1.0]}}, "bounds, > 0 (got [0.0, 1.0])"),
        # keys listed, each over its judged range: an unknown key, a key without one
        ({"parameters": ["params.no_such"]}, "parameters.params.no_such: not a number"),
        ({"parameters": ["catalyst", "trust_gain"]}, "did you mean params.trust_gain"),
        ({"parameters": ["catalyst", "seed"]}, "parameters.seed: not a number"),
        (
            {"parameters": ["catalyst", "params.trust_noise"]},
            "parameters.params.trust_noise: has no judged range in the schema; give its range "
            "explicitly, `params.trust_noise: [low, high]` under parameters",
        ),
        ({"parameters": ["params.strategic_min_form"]}, "has no judged range in the schema"),
        ({"parameters": ["catalyst", "catalyst"]}, "parameters: names a parameter twice"),
        ({"outcomes": ["happiness"]}, "unknown outcome 'happiness'"),
        ({"outcomes": ["autonomy_diff"]}, "needs a counterfactual"),
        ({"years": [2040]}, "years: 2040 lies outside the run"),
        ({"years": "soon"}, "years: must be a list of years"),
        ({"base": ["scenario=no_such_scenario"]}, "no_such_scenario"),
        ({"base": ["seed=3"]}, "base: sets seed"),
        ({"base": ["counterfactual=none", "catalyst=0.5"]}, "base: sets catalyst"),
        ({"conf_level": 1.5}, "conf_level: must be a number between 0 and 1"),
    ],
)
def test_a_mistake_in_a_study_is_one_line_exit_2_and_writes_nothing(
    tmp_path, capsys, changes, needle
):
    path, out = study_file(tmp_path, changes), tmp_path / "study"
    with pytest.raises(SystemExit) as exit_:
        main([str(path), "--out", str(out)])
    assert exit_.value.code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("imssim-sensitivity: error: ")
    assert needle in lines[0], lines[0]
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["no_such_study"], "no study named 'no_such_study'"),
        (["STUDY", "trajectories=abc"], "trajectories: must be a whole number"),
        (["STUDY", "wobble=1"], "wobble: unknown key"),
        (["STUDY", "parameters.catalyst=[0.2,0.1]"], "parameters.catalyst: the low end"),
        (["STUDY", "--jobs", "0"], "--jobs"),
        (["BROKEN"], "line 2, column 1: YAML syntax error"),
    ],
)
def test_a_mistake_on_the_command_line_is_one_line_exit_2(tmp_path, capsys, args, needle):
    broken_file = tmp_path / "broken.yaml"
    broken_file.write_text("method: morris\n- x\n")
    path = study_file(tmp_path)
    args = [str(path) if a == "STUDY" else str(broken_file) if a == "BROKEN" else a for a in args]
    out = tmp_path / "study"
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--out", str(out)])
    assert exit_.value.code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], lines
    assert not out.exists()


def test_overrides_change_the_study(tmp_path):
    study, _ = load_study(
        study_file(tmp_path),
        ["method=sobol", "n=8", "parameters.params.trust_gain=[0.04,0.16]", "name=other"],
    )
    assert study.method == "sobol" and study.n == 8 and study.name == "other"
    assert study.keys == ["catalyst", "params.strategic_min_form", "params.trust_gain"]
    assert study.n_samples == 8 * 5
    assert np.isclose(study.parameters["params.trust_gain"][1], 0.16)


# --- each range defined once: listed keys take their judged ranges from the schema ------

# the ranges of conf/sensitivity/default.yaml and quick.yaml when they still wrote them
# out, but for the goals' weights (narrowed to about threefold) and the deliberate drop
# of a whole area (made rarer when holdings thin out instead)
SHIPPED_RANGES = {
    "params.economic_pressure": [7.5, 30.0],
    "params.goal_weight_military": [0.18, 0.5],
    "params.drop_step": [0.2, 0.5],
    "params.thematic_rate": [0.5, 2.0],
    "params.trust_gain": [0.04, 0.16],
    "catalyst": [0.25, 0.75],
    "params.found_rate": [0.05, 0.2],
    "params.framework_consent": [0.5, 1.0],
    "params.found_need_gap": [0.05, 0.2],
}


def test_the_shipped_studies_list_keys_that_resolve_to_their_judged_ranges():
    from imssim.config import conf_dir, judged_range

    for name in ("default", "quick"):
        written = yaml.safe_load((conf_dir() / "sensitivity" / f"{name}.yaml").read_text())
        assert written["parameters"] == list(SHIPPED_RANGES), name  # keys only
        study, _ = load_study(name)
        assert study.parameters == SHIPPED_RANGES, name
        assert all(type(end) is float for r in study.parameters.values() for end in r)
        for key, low, high in study.ranges:
            judged = judged_range(key)
            assert (low, high) == (judged.low, judged.high), (name, key)
        # the manifest records the resolved ranges
        assert study.as_dict()["parameters"] == SHIPPED_RANGES


def test_the_ranges_in_docs_sensitivity_are_the_judged_ones():
    table = Path(__file__).resolve().parents[2] / "docs" / "sensitivity.md"
    rows = [r.split("|") for r in table.read_text().splitlines() if r.startswith("| `")]
    documented = {
        cells[1].strip(" `"): [float(end) for end in cells[3].strip().split("-")]
        for cells in rows
        if len(cells) == 6  # | parameter | default | range | why this range |
    }
    assert documented == SHIPPED_RANGES


def test_listed_keys_take_their_judged_ranges_and_explicit_ranges_stay_accepted(tmp_path):
    from imssim.config import judged_range

    study = parse_study({"parameters": ["params.trust_gain", "catalyst"]}, "mine")
    assert study.ranges == [("params.trust_gain", 0.04, 0.16), ("catalyst", 0.25, 0.75)]
    assert study.parameters["catalyst"] == [judged_range("catalyst").low, 0.75]
    # a study file that lists its keys, on the command line too
    study, _ = load_study(study_file(tmp_path), ["parameters=[params.trust_gain]"])
    assert study.parameters == {"params.trust_gain": [0.04, 0.16]}
    path = study_file(tmp_path, {"parameters": ["catalyst", "params.drop_step"]})
    study, _ = load_study(path)
    assert study.parameters == {"catalyst": [0.25, 0.75], "params.drop_step": [0.2, 0.5]}
    # an override of one range: the other listed keys keep their judged ranges
    study, _ = load_study(path, ["parameters.catalyst=[0.3,0.6]"])
    assert study.parameters == {"catalyst": [0.3, 0.6], "params.drop_step": [0.2, 0.5]}
    study, _ = load_study(path, ["parameters.params.trust_gain=[0.1,0.2]"])
    assert study.keys == ["catalyst", "params.drop_step", "params.trust_gain"]
    assert study.parameters["params.trust_gain"] == [0.1, 0.2]
    # an explicit range inside the bounds, wider than the judged one
    study, _ = load_study(study_file(tmp_path), ["parameters.params.trust_gain=[0.0,0.9]"])
    assert study.parameters["params.trust_gain"] == [0.0, 0.9]


# --- the study as a typed config dataclass -------------------------------------------


def test_a_study_is_its_schema_with_the_keys_of_a_study_file():
    study = parse_study({"parameters": {"x": [0, 1]}, "outcomes": "y"}, "mine", outcomes=["y"])
    assert study == Study(parameters={"x": [0, 1]}, outcomes=["y"], name="mine")
    assert (study.method, study.n, study.seed, study.conf_level) == ("sobol", 64, 42, 0.95)
    assert study.ranges == [("x", 0, 1)] and study.integers == frozenset()
    # a single year or override stands for a list of one; years are kept in order
    study = parse_study(
        {"parameters": {"x": [0, 1]}, "outcomes": ["y"], "years": [2030, 2020], "base": "a=1"},
        "mine",
        outcomes=["y"],
    )
    assert study.years == [2020, 2030] and study.base == ["a=1"]
    with pytest.raises(StudyError, match=r"^x.yaml: seed: must be a non-negative whole number"):
        parse_study({"parameters": {"x": [0, 1]}, "seed": -1}, "x", source="x.yaml")


@pytest.mark.parametrize(
    ("override", "needle"),
    [
        # an unknown key, in the file or on the command line
        ("colour=blue", "colour: unknown key (the keys of a study: description, method, n,"),
        # the wrong type
        ("n=true", "n: must be a whole number >= 2 (got True)"),
        ("levels=4.5", "levels: must be a whole number >= 2 (got 4.5)"),
        ("second_order=maybe", "second_order: must be true or false (got 'maybe')"),
        ("years=[2014,soon]", "years: must be a list of years (got [2014, 'soon'])"),
        ("outcomes={pairs: 1}", "outcomes: must be a list of at least one outcome"),
        ("parameters=[]", "parameters: must list parameter keys (each over its judged range)"),
        ("parameters=[catalyst,1]", "parameters: must list parameter keys (each over its"),
        ("parameters=5", "parameters: must list parameter keys (each over its judged range) or"),
        ("parameters.catalyst=0.5", "parameters.catalyst: must be a range [low, high]"),
        ("description=[a,b]", "description: must be text"),
        ("conf_level=high", "conf_level: must be a number between 0 and 1 (got 'high')"),
        # an impossible value
        ("trajectories=1", "trajectories: must be a whole number >= 2 (got 1)"),
        ("replicates=101", "replicates: must be a whole number from 1 to 100 (got 101)"),
        ("conf_level=0", "conf_level: must be a number between 0 and 1 (got 0.0)"),
        ("resamples=5", "resamples: must be a whole number >= 10 (got 5)"),
        ("seed=-1", "seed: must be a non-negative whole number (got -1)"),
        ("name=a/b", "name: must be a folder name"),
        ("base=[scenario]", "base: must be a list of overrides key=value (got ['scenario'])"),
        ("outcomes=[]", "outcomes: must be a list of at least one outcome"),
        ("years=[2014,2014]", "years: names a year twice"),
    ],
)
def test_the_study_schema_refuses_a_key_a_type_or_a_value_in_one_line_exit_2(
    tmp_path, capsys, override, needle
):
    path, out = study_file(tmp_path), tmp_path / "study"
    for how in ("file", "command line"):
        if how == "file":  # the same setting written into the study file
            key, value = override.split("=", 1)
            data = {**TINY}
            if key.startswith("parameters."):
                data["parameters"] = {
                    **TINY["parameters"],
                    key.split(".", 1)[1]: yaml.safe_load(value),
                }
            else:
                data[key] = yaml.safe_load(value)
            path.write_text(yaml.safe_dump(data, sort_keys=False))
            args = [str(path)]
        else:
            path = study_file(tmp_path)
            args = [str(path), override]
        with pytest.raises(SystemExit) as exit_:
            main([*args, "--out", str(out)])
        assert exit_.value.code == 2, how
        lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
        assert len(lines) == 1, (how, lines)
        assert lines[0].startswith("imssim-sensitivity: error: ")
        assert needle in lines[0], (how, lines[0])
        assert not out.exists()


def test_the_chart_of_the_indices_does_not_import_the_study():
    import subprocess
    import sys

    code = (
        "import sys, imssim.present.plots.sensitivity; "
        "print(any(m.startswith('imssim.studies') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
