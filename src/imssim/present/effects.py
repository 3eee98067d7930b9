"""What a scenario changes: a run set beside its counterfactual.

The counterfactual is the same world, seed and policy with the scenario's budget
changes removed (or another scenario; :func:`imssim.config.counterfactual_config`),
drawing the same random numbers (docs/ODD.md, common random numbers), so that a
difference is the scenario's effect. Everything here compares two finished runs'
tables; nothing is simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from imssim.model.motives import MOTIVES
from imssim.model.tables import Tables
from imssim.outcomes import EFFECTS, OUTCOMES, yearly


@dataclass(frozen=True)
class Difference:
    """One measure in one year: the run's value, the counterfactual's, and whether the
    difference survives the rounding it is shown at."""

    label: str
    year: int
    scenario: float
    counterfactual: float
    decimals: int
    percent: bool = False  # a percentage (values in %), its difference in points

    @property
    def difference(self) -> float:
        """The run's value minus the counterfactual's."""
        return self.scenario - self.counterfactual

    def written(self, value: float, signed: bool = False) -> str:
        """A value as the summary writes it ('12.4 %', '92', '+0.09' when `signed`)."""
        text = f"{value:{'+' if signed else ''}.{self.decimals}f}"
        return text + (" %" if self.percent and not signed else "")

    @property
    def shown_difference(self) -> float:
        """The difference of the values as written, so that the text adds up."""
        return round(self.scenario, self.decimals) - round(self.counterfactual, self.decimals)

    @property
    def shown(self) -> bool:
        """False when the difference rounds to zero at the precision shown."""
        return self.written(self.scenario) != self.written(self.counterfactual)

    def text(self, without: str) -> str:
        """The line of the summary: both values and their difference as shown, or "the
        same" where rounding erases it (`without` names the counterfactual)."""
        if not self.shown:
            return f"{self.label} {self.year}: {self.written(self.scenario)}, the same {without}"
        unit = " points" if self.percent else ""
        shown = self.shown_difference
        return (
            f"{self.label} {self.year}: {self.written(self.scenario)} against "
            f"{self.written(self.counterfactual)} {without} "
            f"({shown:+.{self.decimals}f}{unit})"
        )


def focal_differences(run: Tables, cf: Tables, focal: str, year: int) -> list[Difference]:
    """The outcomes :data:`imssim.outcomes.EFFECTS` in `year`, in the run and its
    counterfactual: the focal state's (named by their label; an index taken to the
    run's first year) and the alliance's (named by their description, which says of
    what they are a share)."""
    out = []
    first = int(run.countries["year"].min())
    values = [yearly(t, focal, EFFECTS) for t in (run, cf)]
    for key in EFFECTS:
        outcome = OUTCOMES[key]
        pair = [float(frame.at[year, key]) for frame in values]
        name = effect_name(key, first)
        diff = Difference(name, year, pair[0], pair[1], outcome.decimals, outcome.percent)
        out.append(diff)
    return out


def effect_name(key: str, first: int) -> str:
    """How the summary names the outcome `key`: a focal state's by its label (an index
    with its base year `first`), the alliance's by its description (which says of what
    it is a share)."""
    outcome = OUTCOMES[key]
    if not outcome.focal:
        return outcome.description
    if outcome.kind == "index":
        return f"{outcome.label} (index {first} = 100)"
    return outcome.label


def most_changed(run: Tables, cf: Tables, year: int, shown: int = 3) -> list[tuple[str, float]]:
    """The `shown` states whose capacity to act in `year` (index, the run's first year =
    100) the scenario changes most against its counterfactual, largest change first, with
    the change in index points (those the rounding to whole points leaves at 0 left out)."""
    first = int(run.countries["year"].min())

    def index(t: Tables) -> pd.Series:
        c = t.countries.set_index(["year", "country"])["capacity_to_act"]
        base = c.loc[first].replace(0.0, float("nan"))
        return 100.0 * c.loc[year] / base

    change = (index(run) - index(cf)).dropna()
    change = change[change.round().abs() >= 1]
    order = change.abs().sort_values(ascending=False, kind="stable").index[:shown]
    return [(str(code), float(change[code])) for code in order]


def _view_differences(
    run: Tables, cf: Tables, focal: str, year: int, column: str, fill: object
) -> pd.DataFrame:
    """The focal state's partners whose `column` in the pairs table differs in `year`
    between the run and its counterfactual: partner, <column>, <column>_without."""
    values = []
    for t in (run, cf):
        p = t.pairs[(t.pairs["year"] == year) & (t.pairs["country"] == focal)]
        values.append(p.set_index("partner")[column].astype(type(fill)))
    both = pd.concat(values, axis=1, keys=[column, f"{column}_without"]).fillna(fill)
    both = both.astype(type(fill))
    differ = both[both[column] != both[f"{column}_without"]]
    return differ.reset_index(names="partner").sort_values("partner", ignore_index=True)


def ring_differences(run: Tables, cf: Tables, focal: str, year: int) -> pd.DataFrame:
    """Partners the focal state places in another ring than without the scenario:
    partner, ring (in the run), ring_without."""
    return _view_differences(run, cf, focal, year, "ring", "none")


def form_differences(run: Tables, cf: Tables, focal: str, year: int) -> pd.DataFrame:
    """Partners with which the focal state's deepest bilateral form in `year` differs:
    partner, bilateral_form (in the run), bilateral_form_without."""
    return _view_differences(run, cf, focal, year, "bilateral_form", 0)


def step_counts(t: Tables, focal: str) -> tuple[int, int]:
    """The focal state's bilateral steps over the run: ties formed or deepened to form 2
    or deeper (lasting), and ties downgraded or ended (joint hire expiring left out)."""
    e = t.events
    mine = e[(e["country"] == focal) | (e["partner"] == focal)]
    down = mine["kind"].isin(["downgraded", "abandoned"]) & (mine["reason"] != "expired")
    return len(deepenings(mine)), int(down.sum())


def deepenings(events: pd.DataFrame) -> pd.DataFrame:
    """The events that formed or deepened a bilateral tie to form 2 or more."""
    return events[events["kind"].isin(["formed", "deepened"]) & (events["to_form"] >= 2)]


def motive_counts(t: Tables) -> dict[str, int]:
    """Ties formed or deepened to form 2 or more by agreement over the run (all states),
    by the goal that weighed most for the initiator (docs/ODD.md 7.10)."""
    counts = deepenings(t.events)["motive"].value_counts()
    return {m: int(counts.get(m, 0)) for m in MOTIVES}


def _motives_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{m} {n}" for m, n in counts.items())


def areas_given_up(t: Tables, focal: str) -> list[tuple[str, int]]:
    """The areas the focal state gave up over the run, with the year."""
    e = t.events
    mine = e[(e["kind"] == "gave_up") & (e["country"] == focal)]
    return list(zip(mine["area"].astype(str), mine["year"].astype(int), strict=True))


def frameworks_founded_ids(t: Tables) -> set[str]:
    """The ids of the frameworks founded in the run (by any state)."""
    f = t.frameworks
    return set(f.loc[f["origin"] == "founded", "framework"])


def _list(items: list[str], limit: int = 6) -> str:
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more if items else "none"


def effect_lines(run: Tables, cf: Tables, focal: str, scenario: str, without: str) -> list[str]:
    """The summary's first lines: what the scenario changes for the focal state and the
    alliance by the last year, against the counterfactual (`without`, e.g. 'without the
    budget changes'), with the same seed and random draws."""
    first, last = int(run.countries["year"].min()), int(run.countries["year"].max())
    most = [f"{code} {points:+.0f}" for code, points in most_changed(run, cf, last)]
    lines = [
        f"the states {scenario} changes most, against the same run {without}: capacity to "
        f"act {last} (index {first} = 100) {_list(most)}",
        f"what {scenario} changes for {focal}, against the same run {without} "
        "(same seed and random draws):",
    ]
    lines += ["  " + d.text(without) for d in focal_differences(run, cf, focal, last)]
    rings = ring_differences(run, cf, focal, last)
    moved = [f"{r.partner} {r.ring_without}->{r.ring}" for r in rings.itertuples()]
    lines.append(f"  {focal}'s rings {last} that differ ({without} -> with it): {_list(moved)}")
    forms = form_differences(run, cf, focal, last)
    deeper = [
        f"{r.partner} {r.bilateral_form_without}->{r.bilateral_form}" for r in forms.itertuples()
    ]
    lines.append(
        f"  {focal}'s deepest bilateral form {last} that differs ({without} -> with it): "
        f"{_list(deeper)}"
    )
    up, down = step_counts(run, focal), step_counts(cf, focal)
    lines.append(
        f"  {focal}'s ties formed or deepened to form 2 or more, {first + 1}-{last}: "
        f"{up[0]} against {down[0]} {without}; downgraded or ended (joint hire expiring "
        f"left out): {up[1]} against {down[1]}"
    )
    lines.append(
        f"  ties formed or deepened to form 2 or more (all states), {first + 1}-{last}, by "
        f"the goal that weighed most: {_motives_text(motive_counts(run))} against "
        f"{_motives_text(motive_counts(cf))} {without}"
    )
    gave = [f"{a} ({y})" for a, y in areas_given_up(run, focal)]
    gave_cf = [f"{a} ({y})" for a, y in areas_given_up(cf, focal)]
    lines.append(f"  areas {focal} gave up: {_list(gave)}; {without}: {_list(gave_cf)}")
    only = sorted(frameworks_founded_ids(run) - frameworks_founded_ids(cf))
    only_cf = sorted(frameworks_founded_ids(cf) - frameworks_founded_ids(run))
    lines.append(
        f"  frameworks founded (all states) only with the scenario: {_list(only, 4)}; "
        f"only {without}: {_list(only_cf, 4)}"
    )
    return lines
