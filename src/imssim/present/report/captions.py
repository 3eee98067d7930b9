"""The report's words: settings in plain language and the sentences under each figure.

Every number in a sentence comes from the run's tables (through
:mod:`imssim.present.report.facts` or :mod:`imssim.present.outcome_table`); nothing here draws or
writes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from imssim.model.forms import FORM_LABELS, Form
from imssim.outcomes import MEASURES
from imssim.present.choices import DEFAULT_OTHERS
from imssim.present.names import area_labels, country_names
from imssim.present.outcome_table import (
    HIGH_Q,
    LOW_Q,
    format_value,
    outcomes,
    summarise_groups,
)
from imssim.present.paired import paired_outcomes
from imssim.present.report.facts import largest_ring_moves, lower_first, run_facts
from imssim.present.scenario_text import join, state_name
from imssim.present.summary import RING_ORDER, ring_transitions
from imssim.runs.folders import RunFolder

# --------------------------------------------------------------------------- words


def sort_key(name: str) -> str:
    return name.removeprefix("the ").removeprefix("The ")


def pct(value: float, decimals: int = 0) -> str:
    return f"{100 * value:.{decimals}f} %"


def ring_move_sentence(
    partner: str, from_ring: str, to_ring: str, year: int, names: dict[str, str]
) -> str:
    """One ring move of a partner in words."""
    who = state_name(partner, names, start=True)
    if from_ring == "none":
        return f"{who} entered the {to_ring} ring in {year}."
    if to_ring == "none":
        return f"{who} left the {from_ring} ring in {year}."
    return f"{who} moved from {from_ring} to {to_ring} in {year}."


def ring_counts(rings: dict[str, list[str]]) -> str:
    return ", ".join(f"{len(rings[r])} {r}" for r in RING_ORDER)


# --------------------------------------------------------------------------- one run


def _deepest_pairs(run: RunFolder, year: int, names: dict[str, str], n: int = 4) -> str:
    p = run.tables.pairs
    view = p[(p["year"] == year) & (p["country"] < p["partner"]) & (p["max_form"] > 0)]
    if view.empty:
        return f"No two states cooperated in {year}."
    top = int(view["max_form"].max())
    deep = view[view["max_form"] == top].sort_values(
        ["n_deep_areas", "n_areas", "country", "partner"], ascending=[False, False, True, True]
    )
    shown = [
        f"{state_name(r.country, names)} and {state_name(r.partner, names)}"
        f" (cooperating in {r.n_areas} area{'s' if r.n_areas != 1 else ''})"
        for r in deep.head(n).itertuples()
    ]
    more = f", and {len(deep) - n} more pairs" if len(deep) > n else ""
    label = FORM_LABELS[Form(top)]
    return f"In {year} the deepest cooperation, form {top} ({label}), linked {join(shown)}{more}."


def _focal_deepest(run: RunFolder, year: int, names: dict[str, str], n: int = 3) -> str:
    p = run.tables.pairs
    focal = run.config.focal
    view = p[(p["year"] == year) & (p["country"] == focal) & (p["bilateral_form"] > 0)]
    if view.empty:
        return f"{state_name(focal, names, start=True)} had no bilateral tie in {year}."
    view = view.sort_values(
        ["bilateral_form", "n_deep_areas", "partner"], ascending=[False, False, True]
    ).head(n)
    shown = [
        f"{state_name(r.partner, names)} (form {r.bilateral_form}, "
        f"{r.n_deep_areas} deep area{'s' if r.n_deep_areas != 1 else ''})"
        for r in view.itertuples()
    ]
    return f"The deepest bilateral partners of {state_name(focal, names)} in {year}: {join(shown)}."


def run_captions(run: RunFolder) -> dict[str, str]:
    """Data sentences for each per-run figure, computed from the run's tables."""
    names = country_names(run)
    facts = run_facts(run)
    last = facts["last"]
    out: dict[str, str] = {}
    cf = run.counterfactual
    if cf is not None:
        out["effects"] = _effects_caption(run, cf, facts, names)
    out["rings"] = _rings_caption(facts, names)
    out["ring_transitions"] = _ring_moves_caption(run, facts, names)
    out["indices"] = _indices_caption(run, facts, names)
    out["depth_matrix"] = _deepest_pairs(run, last, names) + " " + _focal_deepest(run, last, names)
    out["network"] = _network_caption(run, facts, names)
    out["shortfalls"] = _shortfalls_caption(run, facts)
    return out


def _effects_caption(run: RunFolder, cf: RunFolder, facts: dict, names: dict[str, str]) -> str:
    """The focal state's capacity to act at the end, with and without the scenario (the
    run `cf`, its counterfactual)."""
    focal, first, last = facts["focal"], facts["first"], facts["last"]
    ct = cf.tables.countries
    mine = c0 = ct[(ct["country"] == focal)].set_index("year")["capacity_to_act"]
    t = run.tables
    own = t.countries[t.countries["country"] == focal].set_index("year")["capacity_to_act"]
    with_it = round(100.0 * own.loc[last] / own.loc[first])
    without = round(100.0 * mine.loc[last] / c0.loc[first])
    if with_it == without:
        change = f"the same as without it ({with_it})"
    else:
        change = f"{with_it} against {without} without it ({with_it - without:+d})"
    cap_who = state_name(focal, names, start=True)
    return f"{cap_who}'s capacity to act in {last} (index {first} = 100): {change}."


def _rings_caption(facts: dict, names: dict[str, str]) -> str:
    """The focal state's partners per ring at the start and the end, and its strategic
    partners at the end."""
    first, last = facts["first"], facts["last"]
    r0, r1 = facts["rings_first"], facts["rings_last"]
    strategic = sorted((state_name(c, names) for c in r1["strategic"]), key=sort_key)
    cap_who = state_name(facts["focal"], names, start=True)
    return (
        f"{cap_who} had {ring_counts(r0)} partners in {first} and {ring_counts(r1)} in {last}. "
        f"Its strategic partners in {last}: {join(strategic) or 'none'}."
    )


def _ring_moves_caption(run: RunFolder, facts: dict, names: dict[str, str]) -> str:
    """How often the focal state's partners changed ring, and the largest moves."""
    focal, first, last = facts["focal"], facts["first"], facts["last"]
    who = state_name(focal, names)
    moves = ring_transitions(run.tables.pairs, focal)
    if moves.empty:
        return f"No partner of {who} changed ring in {first}-{last}."
    into = int((moves["to_ring"] == "strategic").sum())
    out_of = int((moves["from_ring"] == "strategic").sum())
    sentences = [
        ring_move_sentence(r.partner, r.from_ring, r.to_ring, int(r.year), names)
        for r in largest_ring_moves(moves).itertuples()
    ]
    return (
        f"Partners of {who} changed ring {len(moves)} times in {first}-{last} "
        f"({into} into the strategic ring, {out_of} out of it). The largest moves: "
        + " ".join(sentences)
    )


def _indices_caption(run: RunFolder, facts: dict, names: dict[str, str]) -> str:
    """The focal state's indices and autonomy at the end, and which state shown ended
    with the highest capacity to act."""
    focal, first, last = facts["focal"], facts["first"], facts["last"]
    ix = facts["index"]
    a0, a1 = facts["autonomy"]
    c = run.tables.countries
    end = c[c["year"] == last].set_index("country")
    start = c[c["year"] == first].set_index("country")
    shown = [s for s in (focal, *DEFAULT_OTHERS) if s in end.index]
    cap = (100.0 * end.loc[shown, "capacity_to_act"] / start.loc[shown, "capacity_to_act"]).round(0)
    best = cap.idxmax()
    return (
        f"By {last} the budget of {state_name(focal, names)} stood at {ix['budget']:.0f}, its "
        f"own capability at {ix['capability']:.0f} and its capacity to act at "
        f"{ix['capacity_to_act']:.0f} ({first} = 100); its autonomy went from {a0:.2f} to "
        f"{a1:.2f}. Of the states shown, {state_name(best, names)} ended with the highest "
        f"capacity to act ({cap[best]:.0f})."
    )


def _network_caption(run: RunFolder, facts: dict, names: dict[str, str]) -> str:
    """How many pairs cooperated at the start and the end, and the states with the most
    partners at the end."""
    focal, first, last = facts["focal"], facts["first"], facts["last"]
    p = run.tables.pairs
    coop = p[(p["max_form"] > 0) & (p["country"] < p["partner"])]
    n0 = int((coop["year"] == first).sum())
    n1 = int((coop["year"] == last).sum())
    deg = p[(p["year"] == last) & (p["max_form"] > 0)].groupby("country")["partner"].nunique()
    hub_text = ""
    if len(deg):
        most = int(deg.max())
        hubs = sorted(str(c) for c in deg.index[deg == most])
        shown_hubs = [state_name(h, names) for h in hubs[:3]]
        if len(hubs) > 3:
            shown_hubs.append(f"{len(hubs) - 3} more")
        both = join(shown_hubs)
        hub_text = (
            f" {both[0].upper() + both[1:]} cooperated with the most states "
            f"({most}{' each' if len(hubs) > 1 else ''}); {state_name(focal, names)} with "
            f"{int(deg.get(focal, 0))}."
        )
    return (
        f"{n1} pairs of states cooperated in at least one area in {last} "
        f"({n0} in {first}).{hub_text}"
    )


def _shortfalls_caption(run: RunFolder, facts: dict) -> str:
    """The year of the alliance's largest total shortfall, its worst area then, and the
    shortfall at the end."""
    first, last = facts["first"], facts["last"]
    a = run.tables.alliance.set_index("year")
    if float(a["shortfall_total"].max()) <= 0:
        return f"The alliance had no shortfall in any year of {first}-{last}."
    worst = int(a["shortfall_total"].idxmax())
    area_cols = [
        col for col in a.columns if col.startswith("shortfall_") and col != "shortfall_total"
    ]
    labels = area_labels(run)
    worst_area = a.loc[worst, area_cols].astype(float).idxmax().removeprefix("shortfall_")
    area_value = float(a.loc[worst, f"shortfall_{worst_area}"])
    area_text = (
        f", the largest gap in {lower_first(labels.get(worst_area, worst_area))} "
        f"({pct(area_value)} of its requirement)"
        if area_value > 0
        else ""
    )
    n_short = int(a.loc[last, "n_shortfall_areas"])
    return (
        f"The alliance's total shortfall was largest in {worst}: "
        f"{pct(float(a.loc[worst, 'shortfall_total']), 1)} of the requirement unmet{area_text}. "
        f"In {last} it was {pct(float(a.loc[last, 'shortfall_total']), 1)}, with "
        f"{n_short} area{'s' if n_short != 1 else ''} short."
    )


# --------------------------------------------------------------------------- several runs


def _phrase(key: str, focal: str | None, names: dict[str, str], base: int) -> str:
    who = state_name(focal, names) if focal else "the focal state"
    return MEASURES[key].phrase.format(focal=who, base=base)


def _group_range(part: pd.DataFrame, key: str) -> str:
    """'129 (runs 128-131)' for one group's row of the summary."""
    value = format_value(key, part["median"])
    if part["n_runs"] > 1:
        lo = format_value(key, part["min"])
        hi = format_value(key, part["max"])
        return f"{value}; runs {lo} to {hi}" if lo != hi else f"{value} in every run"
    return value


def compare_captions(runs: Sequence[RunFolder]) -> dict[str, str]:
    """Data sentences for the comparison figures, from the same frames the figures draw."""
    frame = outcomes(runs)
    stats = summarise_groups(frame)
    years = frame.attrs["years"]
    first, last = years[0], years[-1]
    focal, names = frame.attrs["focal"], frame.attrs["names"]
    end = stats[stats["year"] == last]
    over, head = [], []
    for key in frame["measure"].cat.categories:
        phrase = _phrase(key, focal, names, first)
        cap_phrase = phrase[0].upper() + phrase[1:]
        part = end[end["measure"] == key].sort_values("median", kind="stable")
        headline, ended = _ranking(key, part, cap_phrase)
        head.append(headline)
        series = stats[stats["measure"] == key]
        over.append(_over_time(key, series, (first, last), cap_phrase, ended))
    spread_text = _spread(end, focal, names, first)
    lead, legend = _lead_and_legend(frame, first, last)
    notes = " ".join(frame.attrs["notes"])
    out = {
        "outcomes_over_time": lead + " ".join(over) + (f" {notes}" if notes else ""),
        "headline_outcomes": (
            f"In {last}, " + " ".join(head)[0].lower() + " ".join(head)[1:] + spread_text + legend
        ),
    }
    if any(r.counterfactual is not None for r in runs):
        out["effects_over_time"] = effects_caption(runs)
    return out


def effects_caption(runs: Sequence[RunFolder]) -> str:
    """The sentence under the chart of effects across seeds: for each measure and group
    in the last common year, the median and 10-90 % range across seeds with the scenario,
    without it (its counterfactual) and of the paired difference, from the frame the
    chart draws (:func:`imssim.present.paired.paired_outcomes`)."""
    frame = paired_outcomes(runs)
    years = frame.attrs["years"]
    first, last = years[0], years[-1]
    focal, names, without = frame.attrs["focal"], frame.attrs["names"], frame.attrs["without"]
    end = summarise_groups(frame[frame["year"] == last])
    sentences = []
    for group in frame["group"].cat.categories:
        mine = end[end["group"] == group]
        n = int(mine["n_runs"].max())
        seeds = f"{n} seed{'s' if n != 1 else ''}"
        sentences.append(
            f"By {last}, over {seeds} of {group} (median and {LOW_Q}-{HIGH_Q} % range across "
            f"seeds), each run against its counterfactual, the same run {without[group]} "
            "(the same seed):"
        )
        for key in frame["measure"].cat.categories:
            part = mine[mine["measure"] == key].set_index("variant")
            phrase = _phrase(key, focal, names, first)
            sentences.append(
                f"{phrase[0].upper()}{phrase[1:]} was {_median_band(key, part.loc['scenario'])} "
                f"against {_median_band(key, part.loc['counterfactual'])} without it; the "
                f"paired difference {_median_band(key, part.loc['difference'], signed=True)}."
            )
    notes = " ".join(frame.attrs["notes"])
    return " ".join(sentences) + (f" {notes}" if notes else "")


def _median_band(key: str, row: pd.Series, signed: bool = False) -> str:
    """'120 (116 to 123)': the median and the 10-90 % range; for a difference
    '+2 (-1 to +4)' (in points for a percentage)."""
    outcome = MEASURES[key]
    if not signed:
        lo, hi = format_value(key, row["p10"]), format_value(key, row["p90"])
        return f"{format_value(key, row['median'])} ({lo} to {hi})"

    def num(value: float) -> str:
        return f"{round(value, outcome.decimals) + 0.0:+.{outcome.decimals}f}"

    unit = " points" if outcome.percent else ""
    return f"{num(row['median'])}{unit} ({num(row['p10'])} to {num(row['p90'])})"


def _ranking(key: str, part: pd.DataFrame, cap_phrase: str) -> tuple[str, str]:
    """One measure's groups at the end, ranked (`part`, by median): the headline sentence
    and the words of how the measure ended, for the sentence over time."""
    hi, lo = part.iloc[-1], part.iloc[0]
    if len(part) > 1 and format_value(key, hi["median"]) == format_value(key, lo["median"]):
        # no ranking that rounding erases
        headline = (
            f"{cap_phrase} was {format_value(key, hi['median'])} under every scenario "
            "and policy, no difference at the precision shown."
        )
        return headline, f"ended at {format_value(key, hi['median'])} under every one"
    if len(part) > 1:
        headline = (
            f"{cap_phrase} was highest under {hi['group']} ({_group_range(hi, key)}) and "
            f"lowest under {lo['group']} ({_group_range(lo, key)})."
        )
        ended = (
            f"ended between {format_value(key, lo['median'])} ({lo['group']}) and "
            f"{format_value(key, hi['median'])} ({hi['group']})"
        )
        return headline, ended
    headline = f"{cap_phrase} was {_group_range(hi, key)}."
    return headline, f"ended at {format_value(key, hi['median'])}"


def _over_time(
    key: str, series: pd.DataFrame, span: tuple[int, int], cap_phrase: str, ended: str
) -> str:
    """One measure over the years (`series`: the groups' medians by year): where it
    started, how it `ended`, and a low or a peak between that lies beyond both."""
    first, last = span
    start_v = series[series["year"] == first]["median"]
    began = format_value(key, start_v.min())
    if start_v.max() != start_v.min():
        began += f" to {format_value(key, start_v.max())}"
    sentence = f"{cap_phrase} started at {began} in {first} and {ended} in {last}"
    inner = series[(series["year"] > first) & (series["year"] < last)]
    edges = series[series["year"].isin((first, last))]["median"]
    digits = MEASURES[key].decimals
    if len(inner):
        top, bottom = inner.loc[inner["median"].idxmax()], inner.loc[inner["median"].idxmin()]
        if round(bottom["median"], digits) < round(edges.min(), digits):
            sentence += (
                f"; it was lowest in {int(bottom['year'])} under {bottom['group']} "
                f"({format_value(key, bottom['median'])})"
            )
        elif round(top["median"], digits) > round(edges.max(), digits):
            sentence += (
                f"; it peaked in {int(top['year'])} under {top['group']} "
                f"({format_value(key, top['median'])})"
            )
    return sentence + "."


def _spread(end: pd.DataFrame, focal: str | None, names: dict[str, str], first: int) -> str:
    """Where the runs of one scenario and policy differed most at the end, against the
    differences between the combinations (none with a single run each)."""
    multi = end[end["n_runs"] > 1]
    if not len(multi):
        return " Each scenario and policy has a single run, so there is no spread."
    # widths relative to the measure's differences between groups, so measures compare
    ranges = end.groupby("measure", observed=True)["median"].agg(lambda v: v.max() - v.min())
    scale = multi["measure"].map(ranges).astype(float)
    width = (multi["max"] - multi["min"]).astype(float)
    rel = (width / scale.where(scale > 0)).fillna(0.0)
    w = multi.loc[rel.idxmax()]
    key = str(w["measure"])
    return (
        f" Runs of one scenario and policy differed most, against the differences "
        f"between combinations, in {_phrase(key, focal, names, first)} under {w['group']}: "
        f"{format_value(key, w['min'])} to {format_value(key, w['max'])} "
        f"over {int(w['n_runs'])} runs."
    )


def _lead_and_legend(frame: pd.DataFrame, first: int, last: int) -> tuple[str, str]:
    """The opening of the caption over time (how many runs of how many combinations) and
    the closing of the headline caption (what its marks are)."""
    n_groups = frame["group"].nunique()
    sizes = sorted(set(frame.groupby("group", observed=True)["run"].nunique()))
    seeds = "/".join(str(n) for n in sizes)
    several = max(sizes) > 1
    lead = (
        f"Median across {seeds} runs of each of {n_groups} scenario and policy combinations, "
        f"{first}-{last}; shaded bands span the 10th to 90th percentile of the runs. "
        if several
        else f"One run of each of {n_groups} scenario and policy combinations, {first}-{last}. "
    )
    legend = (
        " Dots are medians, bars the 10th-90th percentile of the runs, faint points single runs."
        if several
        else " Each dot is one run."
    )
    return lead, legend
