"""PRIM (the Patient Rule Induction Method, Friedman and Fisher 1999) over a sweep's
inputs, through the EMA Workbench (``ema_workbench.analysis.prim``), as scenario
discovery uses it (Bryant and Lempert 2010).

PRIM starts from the box holding every run and peels off, input by input, the slice
(``peel_alpha`` of the runs in the box) whose removal raises the share of runs of
interest in the box most, until the box holds less than ``mass_min`` of the runs; then
it pastes back what raises that share. Each step is a box on the *peeling trajectory*,
with its

- **coverage**: the share of all runs of interest that fall in the box;
- **density**: the share of the runs in the box that are of interest;
- **mass**: the share of all runs in the box;
- **quasi-p-value** of each restriction: a one-sided binomial test of whether the
  density would be as high without it (small: the restriction matters).

From the trajectory, the box with the largest coverage among those whose density
reaches ``threshold`` is chosen (the densest box when none does). With ``boxes`` K > 1,
the runs in the chosen box are set aside and PRIM looks for the next box among the
rest, K times at most (or until no run of interest is left).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from imssim.errors import ImssimError

THRESHOLD = 0.8  # the usual minimum density of a box in scenario discovery


@dataclass(frozen=True)
class Settings:
    """PRIM's settings: the minimum density of the box chosen (`threshold`), the share
    peeled (`peel_alpha`) and pasted (`paste_alpha`) at a step, the smallest box
    (`mass_min`, a share of all runs) and the number of successive boxes (`boxes`)."""

    threshold: float = THRESHOLD
    peel_alpha: float = 0.05
    paste_alpha: float = 0.05
    mass_min: float = 0.05
    boxes: int = 1

    def check(self) -> Settings:
        """The settings, or :class:`ImssimError` naming the first one out of range."""
        for name in ("threshold", "peel_alpha", "paste_alpha", "mass_min"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0 or (name != "threshold" and value >= 1.0):
                upper = "1]" if name == "threshold" else "1)"
                raise ImssimError(f"--{name.replace('_', '-')}: {value} is not in (0, {upper}")
        if self.boxes < 1:
            raise ImssimError(f"--boxes: {self.boxes}; give 1 or more")
        return self


@dataclass(frozen=True)
class Limit:
    """A box's limit on one input: numeric (`lower`, `upper`) or categorical (the
    `categories` kept); `restricted` says which side PRIM restricted ("lower",
    "upper", "both", "categories" or "" for none), with the quasi-p-value of each
    restricted side (NaN where it is not restricted)."""

    input: str
    kind: str
    lower: float = float("nan")
    upper: float = float("nan")
    categories: tuple[str, ...] = ()
    restricted: str = ""
    qp_lower: float = float("nan")
    qp_upper: float = float("nan")


@dataclass(frozen=True)
class Box:
    """A box chosen from a peeling trajectory: its number (1 for the first found), its
    step on the trajectory, its statistics over all runs, and its limits (every input)."""

    number: int
    step: int
    coverage: float
    density: float
    mass: float
    runs: int
    cases: int
    restricted: int
    met_threshold: bool
    limits: tuple[Limit, ...]

    @property
    def restrictions(self) -> list[Limit]:
        """The limits PRIM restricted."""
        return [limit for limit in self.limits if limit.restricted]


@dataclass
class Discovery:
    """What PRIM found: the boxes chosen, every step of each box's trajectory (a row
    each: box, step, coverage, density, mass, runs, cases, restricted, chosen), and
    the runs and runs of interest it searched."""

    boxes: list[Box]
    trajectory: pd.DataFrame
    runs: int
    cases: int
    inputs: list[str] = field(default_factory=list)


def prim_class() -> Any:
    """ema_workbench's Prim class, imported quietly (it warns that ipyparallel, which
    it needs for none of this, is missing); :class:`ImssimError` when not installed."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*ipyparallel.*")
            from ema_workbench.analysis import prim
    except ImportError as exc:
        raise ImssimError(
            f"scenario discovery needs ema-workbench ({exc}): install it with "
            "pip install -e '.[discover]' (make setup does)"
        ) from None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim.Prim


def discover(x: pd.DataFrame, y: np.ndarray, settings: Settings) -> Discovery:
    """Run PRIM on the inputs `x` (a column each, numeric or categorical) and the runs
    of interest `y` (boolean, a value per row); see the module's description."""
    settings.check()
    y = np.asarray(y, dtype=bool)
    names = list(x.columns)
    # ema_workbench sets aside a column named "scenario" (its own experiments' name):
    # PRIM sees the inputs under neutral names
    internal = {name: f"x{i}" for i, name in enumerate(names)}
    frame = x.rename(columns=internal).reset_index(drop=True)
    with _quiet():
        alg = prim_class()(
            frame,
            y.astype(int),
            peel_alpha=settings.peel_alpha,
            paste_alpha=settings.paste_alpha,
            mass_min=settings.mass_min,
        )
    boxes: list[Box] = []
    steps = []
    taken = np.zeros(len(y), dtype=bool)  # the runs in the boxes chosen so far
    for number in range(1, settings.boxes + 1):
        if not y[~taken].any():
            break
        with _quiet():
            found = alg.find_box()
        if found is None:
            break
        trajectory = found.peeling_trajectory
        step, met = choose_step(trajectory, settings.threshold)
        found.select(step)
        left = frame[~taken]  # the runs this box was sought among
        taken[found.yi] = True
        boxes.append(_box(found, number, step, met, names, left))
        part = trajectory[["coverage", "density", "mass", "n", "k", "res_dim"]].copy()
        part.insert(0, "step", range(len(part)))
        part.insert(0, "box", number)
        part["chosen"] = part["step"] == step
        steps.append(part)
    trajectory = pd.concat(steps, ignore_index=True).rename(
        columns={"n": "runs", "k": "cases", "res_dim": "restricted"}
    )
    return Discovery(boxes, trajectory, len(y), int(y.sum()), names)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """ema_workbench's warnings of pandas' deprecations (its own code's), kept quiet."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*deprecated.*")
        yield


def choose_step(trajectory: pd.DataFrame, threshold: float) -> tuple[int, bool]:
    """The step chosen on a peeling trajectory: the largest coverage among the steps
    whose density reaches `threshold` (ties: the fewer restrictions, then the earlier
    step); the densest step when none does. Also whether the threshold was met."""
    density = trajectory["density"].to_numpy(dtype=float)
    coverage = trajectory["coverage"].to_numpy(dtype=float)
    restricted = trajectory["res_dim"].to_numpy(dtype=float)
    ok = density >= threshold - 1e-12
    if not ok.any():
        return int(np.argmax(density)), False
    order = np.lexsort((np.arange(len(density)), restricted, -coverage))
    return int(next(i for i in order if ok[i])), True


def _box(found: Any, number: int, step: int, met: bool, names: list[str], left: Any) -> Box:
    """A chosen step of an ema_workbench PrimBox as a :class:`Box`; `left`: the runs
    (inputs under PRIM's names) it was sought among, whose categories it may keep."""
    row = found.peeling_trajectory.iloc[step]
    lims = found.box_lims[step]
    qp = found.p_values[step]
    limits = [
        _limit(name, lims[f"x{i}"], found.prim.box_init[f"x{i}"], qp.get(f"x{i}"), left[f"x{i}"])
        for i, name in enumerate(names)
    ]
    return Box(
        number=number,
        step=step,
        coverage=float(row["coverage"]),
        density=float(row["density"]),
        mass=float(row["mass"]),
        runs=int(row["n"]),
        cases=int(row["k"]),
        restricted=int(row["res_dim"]),
        met_threshold=met,
        limits=tuple(limits),
    )


def _qp(value: Any) -> float:
    value = float(value)
    return float("nan") if value < 0 else value  # -1: the side is not restricted


def _limit(
    name: str, lim: pd.Series, init: pd.Series, qp: list[float] | None, left: pd.Series
) -> Limit:
    """One input's limit in a box, against its limit in the box holding every run. A
    categorical input keeps only the categories of the runs the box was sought among
    (`left`): a later box does not name those of the runs set aside before it."""
    qp_low, qp_high = (_qp(qp[0]), _qp(qp[1])) if qp is not None else (np.nan, np.nan)
    low, high = lim.iloc[0], lim.iloc[1]
    if isinstance(low, set | frozenset):
        there = set(left.unique())
        kept = tuple(sorted(str(c) for c in set(low) & there))
        restricted = "categories" if there - set(low) else ""
        return Limit(
            name,
            "categorical",
            categories=kept,
            restricted=restricted,
            qp_lower=qp_low if restricted else np.nan,
            qp_upper=np.nan,
        )
    lower_cut = float(low) > float(init.iloc[0])
    upper_cut = float(high) < float(init.iloc[1])
    side = {(True, True): "both", (True, False): "lower", (False, True): "upper"}
    return Limit(
        name,
        "numeric",
        lower=float(low),
        upper=float(high),
        restricted=side.get((lower_cut, upper_cut), ""),
        qp_lower=qp_low if lower_cut else np.nan,
        qp_upper=qp_high if upper_cut else np.nan,
    )
