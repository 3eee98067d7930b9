"""Burden sharing in NATO, data 2005-2017 against the model (Olson & Zeckhauser 1966).

    .venv/bin/python experiments/calibrate_burden.py [--scenarios baseline austerity_2012 ...]
        [--seeds 5] [--end-year 2035] [--out results/burden_sharing]

For every data year and every simulated year: the Spearman rank correlation across
NATO members between GDP and defence spending as a share of GDP. The data use the
members of each year (26 until 2008, 28 from 2009); the model its 28 members of 2012.
Each scenario runs for seeds 1..N and is summarised by the median and the 10th and
90th percentiles across seeds.

Writes a new folder <out>/<time>_burden_correlation holding burden_correlation.csv
(the table), burden_correlation_by_seed.csv (the model per seed),
burden_correlation.png (300 dpi) and .svg (the chart) and manifest.json (arguments,
seeds, package versions, code revision). An unknown scenario or a bad argument stops
the script before anything runs, with one line and exit code 2.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import textwrap
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from imssim import ImssimError, check, run
from imssim.config import LAST_YEAR, group_options
from imssim.config.compose import compose_config as cli_config
from imssim.present.plots.style import OKABE_ITO, line_style, save_figure, style
from imssim.runs.folders import MANIFEST, manifest_record, new_folder, publish, write_manifest
from imssim.studies.burden_sharing import (
    DATA_SOURCE,
    MODEL_PREFIX,
    combined_table,
    data_burden_correlation,
    model_burden_correlation,
)
from imssim.world import load_world

PROG = "calibrate_burden"
EXIT_USAGE = 2
DEFAULT_SCENARIOS = (
    "baseline",
    "austerity_2012",
    "deep_cuts",
    "prolonged",
    "uneven",
    "rebound_2014",
)
FIRST_MODEL_YEAR = 2012
NAME = "burden_correlation"
PLOT_FIRST_YEAR = 2005
PLOT_LAST_YEAR = 2035


class UsageError(Exception):
    """A bad argument: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description=__doc__.splitlines()[0])
    p.add_argument(
        "--scenarios",
        nargs="+",
        default=list(DEFAULT_SCENARIOS),
        metavar="NAME",
        help="scenario files of conf/scenario/ (default: all six shipped)",
    )
    p.add_argument("--seeds", type=int, default=5, help="seeds 1..N per scenario (default 5)")
    p.add_argument("--end-year", type=int, default=2035, help="last simulated year (default 2035)")
    p.add_argument(
        "--out",
        default="results/burden_sharing",
        help="root of the output folders (default: %(default)s)",
    )
    p.add_argument(
        "--resamples",
        type=int,
        default=2000,
        help="permutations and bootstrap resamples for the data's p-value and 90%% interval",
    )
    return p


def check_args(args: argparse.Namespace) -> None:
    known = group_options("scenario")
    for name in args.scenarios:
        if name not in known:
            raise UsageError(f"unknown scenario {name!r} (known: {', '.join(known)})")
    if len(set(args.scenarios)) != len(args.scenarios):
        raise UsageError("--scenarios: a scenario is named twice")
    if args.seeds < 1:
        raise UsageError(f"--seeds must be at least 1 (got {args.seeds})")
    if not FIRST_MODEL_YEAR < args.end_year <= LAST_YEAR:
        raise UsageError(
            f"--end-year must lie after {FIRST_MODEL_YEAR} and not after {LAST_YEAR} "
            f"(got {args.end_year})"
        )
    if args.resamples < 0:
        raise UsageError(f"--resamples must be 0 or more (got {args.resamples})")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out is not a folder: {out}")


def _first_line(exc: BaseException) -> str:
    """The first line of an error, with the first line of its cause."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    cause = exc.__cause__
    if cause is not None and str(cause).strip():
        text = f"{text.rstrip('.:')}: {str(cause).strip().splitlines()[0].strip()}"
    return text


def preflight(scenarios: Sequence[str], end_year: int) -> None:
    """Compose and check every scenario's config before anything runs (UsageError if not)."""
    for scenario in scenarios:
        try:
            check(compose_config(scenario, 1, end_year))
        except (HydraException, OmegaConfBaseException) as exc:
            raise UsageError(_first_line(exc)) from None
        except ImssimError as exc:
            raise UsageError(f"scenario {scenario}: {exc}") from None


def compose_config(scenario: str, seed: int, end_year: int):
    """The config the command line would build for `imssim scenario=... seed=... end_year=...`."""
    return cli_config([f"scenario={scenario}", f"seed={seed}", f"end_year={end_year}"])


def run_model(scenarios: Sequence[str], seeds: Sequence[int], end_year: int) -> pd.DataFrame:
    """Rho per scenario, seed and simulated year (columns scenario, seed, year, n_members, rho)."""
    world = load_world()
    frames = []
    for scenario in scenarios:
        for seed in seeds:
            result = run(compose_config(scenario, seed, end_year))
            rho = model_burden_correlation(result.tables.countries, world)
            frames.append(rho.assign(scenario=scenario, seed=seed))
    per_seed = pd.concat(frames, ignore_index=True)
    return per_seed[["scenario", "seed", "year", "n_members", "rho"]]


def _seed_note(table: pd.DataFrame) -> str:
    model = table[table["source"].str.startswith(MODEL_PREFIX)]
    if model.empty:
        return ""
    n_seeds = int(model["n_seeds"].max())
    if n_seeds == 1:
        return "model: 1 seed"
    same = np.allclose(model["rho_p10"], model["rho_p90"], atol=1e-12, equal_nan=True)
    return f"model: median of {n_seeds} seeds" + (" (all identical)" if same else "")


# the data's line (with its 90 % interval as error bars), above the model's
_DATA_LINE = {
    "color": OKABE_ITO[0],
    "marker": "o",
    "markersize": 5.5,
    "linewidth": 1.6,
    "capsize": 2.5,
    "elinewidth": 0.9,
    "zorder": 5,
}
# a scenario's line (the median across seeds); colour, dashes and marker are its own
_MODEL_LINE = {"markersize": 5, "linewidth": 1.8, "zorder": 3}


def _draw(ax, table: pd.DataFrame, *, interval: bool) -> None:
    """Data and model lines on one axis; `interval` adds the data's 90 % interval."""
    data = table[(table["source"] == DATA_SOURCE) & table["rho"].notna()]
    if len(data):
        err = np.vstack(
            [
                (data["rho"] - data["ci90_low"]).to_numpy(),
                (data["ci90_high"] - data["rho"]).to_numpy(),
            ]
        )
        show = interval and bool(np.isfinite(err).all())
        ax.errorbar(
            data["year"],
            data["rho"],
            yerr=err if show else None,
            label="data: NATO members of each year",
            **_DATA_LINE,
        )
    sources = [s for s in table["source"].unique() if s.startswith(MODEL_PREFIX)]
    for i, source in enumerate(sources):
        part = table[table["source"] == source].sort_values("year")
        ls = line_style(i)
        ax.fill_between(
            part["year"],
            part["rho_p10"],
            part["rho_p90"],
            color=ls["color"],
            alpha=0.18,
            linewidth=0,
            zorder=2,
        )
        ax.plot(
            part["year"],
            part["rho"],
            color=ls["color"],
            linestyle=ls["linestyle"],
            marker=ls["marker"],
            markevery=(i % 3, 3),
            label=source.removeprefix(MODEL_PREFIX),
            **_MODEL_LINE,
        )
    ax.axhline(0.0, color="0.35", linewidth=0.9, zorder=1)
    ax.axvline(FIRST_MODEL_YEAR - 0.5, color="0.55", linewidth=0.8, linestyle=":", zorder=1)


def plot(table: pd.DataFrame, out_dir: Path, end_year: int) -> Path:
    """The chart: all years with the data's 90 % interval above, the model years enlarged
    below (the scenarios differ by hundredths)."""
    import matplotlib.pyplot as plt

    last = max(PLOT_LAST_YEAR, end_year)
    with style():
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(9.0, 9.0), height_ratios=(3, 2.2))
        _draw(top, table, interval=True)
        top.set_xlim(PLOT_FIRST_YEAR - 0.5, last + 0.5)
        top.set_ylim(-0.5, 1.0)
        top.set_ylabel("Spearman's rho:\nGDP vs defence spending as % of GDP")
        top.text(
            FIRST_MODEL_YEAR - 0.3,
            0.97,
            "model from 2012 (its 2012 = the 2011 figures)",
            fontsize=8.5,
            color="0.3",
            ha="left",
            va="top",
        )
        top.set_title(
            "Do larger NATO economies bear a larger defence burden? (Olson & Zeckhauser)",
            loc="left",
        )

        _draw(bottom, table, interval=False)
        values = table.loc[table["year"] >= FIRST_MODEL_YEAR - 1, ["rho", "rho_p10", "rho_p90"]]
        values = values.to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if values.size:
            pad = max(0.02, 0.08 * (values.max() - values.min()))
            bottom.set_ylim(values.min() - pad, values.max() + pad)
        bottom.set_xlim(FIRST_MODEL_YEAR - 1.5, last + 0.5)
        bottom.set_ylabel("Spearman's rho\n(enlarged, no intervals)")
        bottom.set_xlabel("year")
        top.set_xlabel("year")
        handles, labels = top.get_legend_handles_labels()
        bottom.legend(
            handles,
            labels,
            loc="lower right",
            ncol=2,
            frameon=True,
            framealpha=0.92,
            title=_seed_note(table),
        )
        bottom.set_title("The same, enlarged: the model's scenarios", loc="left", fontsize=11)

        note = (
            data_note(table) + " Error bars: 90 % bootstrap interval over members.\n"
            "Model: budget / GDP of its 28 NATO members of 2012; shaded: 10-90 % across seeds."
            " Rho > 0: larger economies spend a larger share of GDP on defence."
        )
        fig.text(
            0.0,
            -0.01,
            "\n".join(textwrap.fill(part, 125) for part in note.split("\n")),
            fontsize=8,
            color="0.3",
            ha="left",
            va="top",
        )
        return save_figure(fig, out_dir, NAME, ("png", "svg"), dpi=300)  # for print


def _years(years: list[int]) -> str:
    """2005, 2006, 2014, 2015, 2016 -> '2005-06, 2014-16'."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}-{str(r[-1])[2:]}" if len(r) > 1 else str(r[0]) for r in runs)


def data_note(table: pd.DataFrame) -> str:
    """The chart's source line for the data, naming the Correlates of War fallbacks."""
    data = table[(table["source"] == DATA_SOURCE) & table["rho"].notna()]
    if data.empty:
        return "Data: none."
    note = (
        "Data: World Bank WDI GDP (current US$) and SIPRI military expenditure (% of GDP),"
        f" {data['year'].min()}-{data['year'].max()}"
    )
    fallback: dict[str, list[int]] = {}
    for row in data.itertuples(index=False):
        for code in str(row.cow_share).split() if isinstance(row.cow_share, str) else []:
            fallback.setdefault(code, []).append(int(row.year))
    if fallback:
        parts = [f"{code} {_years(years)}" for code, years in sorted(fallback.items())]
        note += "; share from Correlates of War for " + ", ".join(parts)
    return note + "."


def summary_lines(table: pd.DataFrame, end_year: int) -> list[str]:
    """A short table for the terminal: data by year, the model at a few years."""
    lines = ["data (NATO members of each year): year n rho [90 % interval] p"]
    for row in table[table["source"] == DATA_SOURCE].itertuples(index=False):
        if np.isfinite(row.rho):
            lines.append(
                f"  {row.year}  {row.n_members:2d}  {row.rho:+.3f}"
                f"  [{row.ci90_low:+.2f}, {row.ci90_high:+.2f}]  p={row.p_value:.3f}"
            )
        else:
            lines.append(f"  {row.year}  {row.n_members:2d}  no figures")
    years = [y for y in (2012, 2015, 2020, 2025, 2035, end_year) if y <= end_year]
    years = sorted(set(years))
    model = table[table["source"].str.startswith(MODEL_PREFIX)]
    if len(model):
        order = list(dict.fromkeys(model["source"]))
        wide = model.pivot(index="source", columns="year", values="rho").loc[order, years]
        width = max(len(s) for s in wide.index)
        lines.append("model (median across seeds): " + " ".join(f"{y:>7d}" for y in years))
        for source, values in wide.iterrows():
            cells = " ".join(f"{v:+7.3f}" for v in values)
            lines.append(f"  {source:<{width}}  {cells}")
    return lines


def main(argv: Sequence[str] | None = None) -> Path:
    """Run the calibration and return the folder written."""
    started = time.perf_counter()
    try:
        args = parser().parse_args(argv)
        check_args(args)
        preflight(args.scenarios, args.end_year)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None
    logging.getLogger("MESA").setLevel(logging.WARNING)

    seeds = list(range(1, args.seeds + 1))
    world = load_world()
    data = data_burden_correlation(world, n_resamples=args.resamples)
    per_seed = run_model(args.scenarios, seeds, args.end_year)
    table = combined_table(data, per_seed)

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    tmp, final = new_folder(Path(args.out), f"{stamp}_{NAME}")
    try:
        table.to_csv(tmp / f"{NAME}.csv", index=False, float_format="%.6g")
        per_seed.to_csv(tmp / f"{NAME}_by_seed.csv", index=False, float_format="%.6g")
        plot(table, tmp, args.end_year)
        fields = {
            "statistic": "Spearman rank correlation (average ranks for ties) between GDP "
            "and defence spending as a share of GDP across NATO members",
            "data_members": "NATO members of each year (26 to 2008; 28 from 2009 with ALB, "
            "HRV; 29 in 2017 with MNE); members without both figures are left out",
            "data_share": "World Bank MS.MIL.XPND.GD.ZS (SIPRI); where missing, Correlates of "
            "War expenditure / World Bank GDP (COW -9 = missing)",
            "model_members": "the world's nato flag: the 28 members of 2012, fixed",
            "model_share": "budget / gdp of the countries table (both billion US$)",
            "wall_seconds": round(time.perf_counter() - started, 2),
            "files": sorted(
                {*(p.name for p in tmp.iterdir() if not p.name.startswith(".")), MANIFEST}
            ),
        }
        arguments = {
            "scenarios": list(args.scenarios),
            "seeds": args.seeds,
            "end_year": args.end_year,
            "out": str(args.out),
            "resamples": args.resamples,
        }
        info = manifest_record(
            fields, seed=seeds, script="experiments/calibrate_burden.py", arguments=arguments
        )
        write_manifest(tmp / MANIFEST, info)
        folder = publish(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    print("\n".join(summary_lines(table, args.end_year)))
    print(f"results: {folder}")
    return folder


if __name__ == "__main__":
    main()
