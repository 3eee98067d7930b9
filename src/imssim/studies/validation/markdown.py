"""The validation's report (docs/validation.md) in Markdown: what was compared, how
well the model ranks the pairs that deepened, the facts one by one, the deepenings per
year and what the comparison cannot show. Every sentence that states a result is read
off the tables, so the text stays true when the numbers change."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from imssim.studies.validation.comparison import Comparison
from imssim.studies.validation.facts import HIT_SHARE, VERDICTS
from imssim.studies.validation.pairs import (
    MODEL_PREDICTORS,
    PAIR_AREAS,
    PREDICTORS,
    VARIANTS,
)
from imssim.studies.validation.record import (
    BASE_YEAR,
    CERTAINTY,
    DEEPENING,
    EXTENDING,
    FIRST_YEAR,
    LAST_YEAR,
    WEAKENING,
)
from imssim.studies.validation.seed_runs import MIN_DEEP_FORM
from imssim.world import World, load_world


@dataclass(frozen=True)
class RunSettings:
    """What the report says was run: scenario, policy, seeds 1..`seeds`, bootstrap
    resamples, the extra overrides of the runs' config and the code revision."""

    scenario: str
    policy: str
    seeds: int
    resamples: int
    overrides: tuple[str, ...] = ()
    revision: str = ""


def _fmt(value: float, digits: int = 2) -> str:
    """A number with `digits` decimals, or n/a when it is missing."""
    return "n/a" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


def report(
    settings: RunSettings,
    record: pd.DataFrame,
    tables: Comparison,
    figure: Path,
    report_path: Path,
) -> str:
    """docs/validation.md: what was compared, the AUCs, the hits and misses, the limits.
    `figure` is linked relative to the folder of `report_path`."""
    rel_fig = os.path.relpath(figure, report_path.parent)
    lines = [
        *_introduction(settings),
        *_what_was_compared(settings, record),
        "## How well the model ranks the pairs that deepened",
        "",
        f"![ROC AUC per predictor and record variant, and pairs deepened per year]({rel_fig})",
        "",
        *_auc_markdown(tables.auc),
        _auc_reading(tables.auc),
        "",
        *_by_form_section(tables.by_form),
        *_fact_section(tables.facts),
        "## Deepenings per year",
        "",
        _years_markdown(tables.by_year),
        "",
        "The model's counts are pair-area events (ties formed or deepened to form 2 or more)"
        " and the pairs they touch; the record's are the pairs its deepening facts name. The"
        " two are not on one footing: the model records every tie in every area of all 49"
        " states, the record only what was public, documented and found (see below).",
        "",
        "## What the comparison cannot show",
        "",
        *_limits(record, load_world()),
        "",
    ]
    return "\n".join(lines)


def _introduction(settings: RunSettings) -> list[str]:
    """The title, what was run and how to run it again."""
    extra = " ".join(settings.overrides)
    return [
        "# Validation against what happened after 2012",
        "",
        "<!-- Written by experiments/validate_history.py (the text: src/imssim/studies/"
        "validation/markdown.py); edit those, not this file. -->",
        "",
        f"The model, started from the 2012 record, was run under the scenario"
        f" `{settings.scenario}` and the policy `{settings.policy}`"
        + (f" with `{extra}`" if extra else "")
        + f" for seeds 1-{settings.seeds}, from 2012 to {LAST_YEAR}. What"
        f" it did in {FIRST_YEAR}-{LAST_YEAR} is set beside the cooperation that actually began"
        f" or deepened in those years, as listed in `experiments/record/record_2012_2017.csv`."
        f" Nothing after {LAST_YEAR} is simulated or compared: later years are held out. The"
        " model never reads the record; the record only scores finished runs.",
        "",
        f"Reproduce: `python experiments/validate_history.py --scenario {settings.scenario}"
        f" --policy {settings.policy} --seeds {settings.seeds}"
        + (f" --set {extra}" if extra else "")
        + "` (tables in `results/validation/`)."
        + (
            f" Measured at code revision `{settings.revision}`; the model's numbers move when"
            " the model changes, the baselines' only with the 2012 data or the record."
            if settings.revision
            else ""
        ),
        "",
    ]


def _what_was_compared(settings: RunSettings, record: pd.DataFrame) -> list[str]:
    """The record, what counts as deepened in the model and in the record, the score."""
    return [
        "## What was compared",
        "",
        _record_summary(record),
        "",
        "**Deepened, in the model.** A pair counts as deepened when its deepest bilateral form"
        f" in {LAST_YEAR} lies above that of {BASE_YEAR} and is {MIN_DEEP_FORM} or more, or"
        " when one of its ties was formed or"
        f" deepened to form {MIN_DEEP_FORM} or more in {FIRST_YEAR}-{LAST_YEAR} (a tie formed"
        " at form 1, joint hire, is temporary and does not count). The variant *ties or"
        " frameworks* also counts a framework the pair shares whose form in an area rises to 2"
        " or more above the pair's 2012 level (a state joining the EATC, for instance).",
        "",
        "**Deepened, in the record.** A pair counts when a fact that began, deepened or joined"
        " cooperation names it: the two states of a bilateral fact, or, for a framework, each"
        " state that moved with every other member (all pairs of members when the whole"
        " framework is new).",
        "",
        "**The rank scores.** The ROC AUC is the chance that a pair the record names ranks"
        " above a pair it does not name, ties counting half: 0.5 is no better than chance, 1 a"
        " perfect ranking. The precision-recall AUC (the average precision) takes the pairs in"
        " order of falling score, all pairs of one score at once, and averages the share of"
        " named pairs among those taken so far over the named pairs: 1 is a perfect ranking,"
        " chance the share of pairs the record names, so it weighs the top of the ranking, where"
        " the few named pairs should be. The model ranks pairs by the share of seeds in which it"
        " deepened them. Two naive rules set the bar: *nearer capitals* (pairs ranked by minus"
        " the great-circle distance between their capitals) and *the deep get deeper* (pairs"
        " ranked by their deepest form in 2012, frameworks included). So do the standard"
        " link-prediction baselines, computed on the network of 2012, in which two states are"
        " adjacent when they hold a bilateral tie in any area or share a framework other than"
        " NATO and the EU as such: *common neighbours* (how many neighbours the two share),"
        " *Adamic-Adar* (the shared neighbours weighted by 1 / log of their degree),"
        " *resource allocation* (weighted by 1 / degree) and *preferential attachment* (the"
        " product of the two degrees). The variant *all pair-areas* ranks every pair in every"
        " capability area against the pair-areas the record's deepening facts name (the pair in"
        " the fact's area); there the model ranks a pair-area by the share of seeds in which it"
        " deepened the pair in that area, while the naive rules and the baselines, which know"
        " only pairs, give each pair-area its pair's score. The interval is a 90 % bootstrap"
        f" over pairs ({settings.resamples} resamples, positives and negatives resampled"
        " apart); the spread over seeds is the score of each seed's run alone.",
        "",
    ]


def _fact_section(facts: pd.DataFrame) -> list[str]:
    """Fact by fact: how a verdict is reached, the verdicts counted, the table."""
    return [
        "## Fact by fact: hits and misses",
        "",
        "For each fact: the model's answer over all seeds (and, for a framework, over the"
        " fact's pairs). *Same area*: the share in which the model deepened the pair in the"
        f" fact's area by {LAST_YEAR}, by a tie formed or deepened to form {MIN_DEEP_FORM} or"
        " more or by a framework that raises the pair's form there (Italy joining the EATC);"
        " *any area*: the share in which it deepened the pair at all (a tie in any area, as"
        " for the AUC, or the same area). A deepening fact is a **hit** when the same-area"
        f" share is at least {HIT_SHARE:g}, **other area** when only the any-area share is,"
        " else a **miss**. A fact that extends a tie without a step on the scale is **kept**"
        " when the model holds the pair's form in that area at the recorded level or above; a"
        " weakening fact is **reproduced** when the model weakens the pair in that area. Forms"
        " are the model's effective forms (bilateral or through a framework) in the fact's"
        " area, means over seeds and pairs.",
        "",
        _facts_summary(facts),
        "",
        _facts_markdown(facts),
        "",
    ]


def _limits(record: pd.DataFrame, world: World) -> list[str]:
    """What the comparison cannot show; the frameworks missing from the model are read
    off the record and the world, so the list stays true when frameworks are added."""
    in_model = {fw.id for fw in world.frameworks}
    named = record.loc[record["framework"] != "", "framework"]
    missing = sorted(set(named) - in_model)
    carried = sorted(set(named) & in_model)
    return [
        f"- **Frameworks the model does not have.** {len(missing)} of the record's frameworks"
        f" are not in the model's world ({', '.join(missing) or 'none'}): the model can"
        " reproduce their pairs only through bilateral ties or through frameworks it has. The"
        " *ties or frameworks* variant helps only where one of the model's frameworks carries"
        f" the fact ({', '.join(carried) or 'none'}).",
        "- **Memberships are fixed.** NATO, EU and regional-group memberships stay those of"
        " 2012 (Croatia joined the EU in 2013); only the memberships of the model's own"
        " frameworks change.",
        "- **The turn after 2014.** After Crimea much new cooperation served deterrence in"
        " the east (the enhanced forward presence, the US rotations, the affiliations of Czech"
        " and Romanian brigades with German divisions, the JEF's Nordic and Baltic members)."
        " The model's states cooperate for the note's reasons (budget pressure, capacity to"
        " act, partner fit, trust); whatever a scenario adds for 2014 works only through"
        " them.",
        "- **Temporary arrangements.** EU battlegroups and NATO Response Force rotations stand"
        " by for six or twelve months; the model's ties last until a reason ends them, so the"
        " record's *ended* facts for these standbys cannot be matched.",
        "- **The record is incomplete and Dutch-centred.** It holds the facts that were"
        " public, well documented and found, with an emphasis on the Netherlands and its"
        " neighbours; a pair it does not name may well have deepened. An AUC computed against"
        " it measures agreement with the documented record, not with all that happened, and"
        " the model's many deepenings among pairs the record does not name count against it."
        " The variant over the Netherlands' pairs is the fairer test of the part the record"
        " covers best.",
        "- **Forms and areas are judged.** The record maps each fact onto the note's six"
        " forms and the model's seventeen areas; many mappings are judgements (marked *form"
        " judged*), and some facts are uncertain (marked *uncertain*). Pair-level scores do"
        " not depend on the forms; the fact-level verdicts do.",
        "- **Arms sales and purchases** are in the record only where they came with training"
        " or support (Dutch tanks and infantry vehicles to Finland and Estonia, British"
        " vehicles to Latvia, German howitzers to Lithuania); purchases from the United States"
        " through foreign military sales are left out, except where a state joined a"
        " procurement programme (Denmark's F-35).",
        f"- **One scenario, few facts.** {len(record)} facts over five years cannot calibrate"
        " the model's parameters; the comparison tests the direction of its rules (who"
        " cooperates with whom), and a better or worse AUC between scenarios or policies is"
        " a hint, not a measurement.",
    ]


def _record_summary(record: pd.DataFrame) -> str:
    """The record in a paragraph and a table of its facts by year and kind of change."""
    by_year = record.groupby("year")
    rows = [
        "| year | facts | began, deepened or joined | extended (no step) | weakened or ended |",
        "|---|---|---|---|---|",
    ]
    for year, part in by_year:
        change = part["change"]
        rows.append(
            f"| {year} | {len(part)} | {int(change.isin(DEEPENING).sum())}"
            f" | {int(change.isin(EXTENDING).sum())} | {int(change.isin(WEAKENING).sum())} |"
        )
    rows.append(
        f"| all | {len(record)} | {int(record.change.isin(DEEPENING).sum())}"
        f" | {int(record.change.isin(EXTENDING).sum())}"
        f" | {int(record.change.isin(WEAKENING).sum())} |"
    )
    certainty = record["certainty"].value_counts()
    counts = ", ".join(f"{certainty.get(c, 0)} {c}" for c in CERTAINTY)
    n_framework = int((record["framework"] != "").sum())
    return (
        f"**The record.** {len(record)} facts from public sources, one row each: the year, the"
        f" two states or the framework and its members, the capability area, the form before"
        f" and after on the note's scale, who led it and the source ({n_framework} concern a"
        f" framework, the rest a pair). Certainty: {counts}.\n\n" + "\n".join(rows)
    )


def _auc_cell(r: pd.Series, prefix: str, model: bool) -> str:
    """One score of a predictor: the value, its interval (when there is one) and, for the
    model, the seeds' median and range. PR-AUCs get three decimals (they can be small)."""
    digits = 3 if prefix else 2
    cell = f"**{_fmt(r[prefix + 'auc'], digits)}**"
    low, high = r[prefix + "ci90_low"], r[prefix + "ci90_high"]
    if np.isfinite(low) and np.isfinite(high):
        cell += f" [{_fmt(low, digits)}, {_fmt(high, digits)}]"
    if model:
        cell += f"; seeds {_fmt(r[prefix + 'seed_median'], digits)}"
        cell += f" ({_fmt(r[prefix + 'seed_min'], digits)}-{_fmt(r[prefix + 'seed_max'], digits)})"
    return cell


def _auc_markdown(auc: pd.DataFrame) -> list[str]:
    """The AUC tables, one per record variant: the predictors by ROC AUC and PR-AUC, with
    intervals and, for the model, the seeds' spread."""
    lines = []
    for variant in VARIANTS:
        part = auc[auc.variant == variant].set_index("predictor")
        first = part.iloc[0]
        unit = "pair-areas" if variant == PAIR_AREAS else "pairs"
        lines += [
            f"**{variant}**: {first['items']} {unit}, {first['in_record']} named by the record"
            f" (PR-AUC of chance {_fmt(first['prevalence'], 3)}).",
            "",
            "| predictor | ROC AUC | PR-AUC |",
            "|---|---|---|",
        ]
        for predictor in PREDICTORS:
            r = part.loc[predictor]
            model = predictor in MODEL_PREDICTORS
            lines.append(
                f"| {predictor} | {_auc_cell(r, '', model)} | {_auc_cell(r, 'pr_', model)} |"
            )
        lines.append("")
    lines += [
        "Each score over the share of seeds, [90 % bootstrap interval]; for the model also the"
        " median and range of the seeds' scores. The naive rules and the baselines do not"
        " depend on the seed.",
        "",
    ]
    return lines


def _by_form_section(by_form: pd.DataFrame) -> list[str]:
    """Where the ranking is lost: the share deepened by the pairs' 2012 form, and how
    steeply it rises in the record and in the model (read off the numbers)."""
    rows = [
        "| deepest form 2012 | pairs | record: named as deepening | model: ties |"
        " model: ties or frameworks |",
        "|---|---|---|---|---|",
    ]
    for r in by_form.itertuples(index=False):
        rows.append(
            f"| {r.max_form_2012} | {r.pairs} | {r.record:.2f} | {r.model_ties:.2f} |"
            f" {r.model_ties_or_frameworks:.2f} |"
        )
    lo, hi = 1, 3  # the forms most pairs that cooperate hold
    part = by_form.set_index("max_form_2012")
    text = ""
    if lo in part.index and hi in part.index and part.loc[lo, "model_ties"] > 0:
        rec = part.loc[hi, "record"] / max(part.loc[lo, "record"], 1e-9)
        mod = part.loc[hi, "model_ties"] / part.loc[lo, "model_ties"]
        text = (
            f"From pairs at form {lo} in 2012 to pairs at form {hi}, the share the record names"
            f" as deepening rises {rec:.1f}-fold ({part.loc[lo, 'record']:.2f} to"
            f" {part.loc[hi, 'record']:.2f}), the model's share of seeds with a deeper tie"
            f" {mod:.1f}-fold ({part.loc[lo, 'model_ties']:.2f} to"
            f" {part.loc[hi, 'model_ties']:.2f})."
        )
        if mod < rec:
            text += (
                " The model spreads its new ties more evenly over the pairs that already"
                " cooperate than the record does: that is where it loses rank against *the"
                " deep get deeper*."
            )
    return [
        "### Deepening by the pairs' 2012 form",
        "",
        "The share of pairs deepened, grouped by the pair's deepest form in 2012 (frameworks"
        " included), in the record (all facts) and in the model (mean share of seeds).",
        "",
        *rows,
        "",
        *([text, ""] if text else []),
    ]


def _auc_reading(auc: pd.DataFrame) -> str:
    """A few sentences read off the tables (so they stay true when the numbers change):
    per record variant, the model's better row against the best of the other predictors."""
    sentences = []
    others = [p for p in PREDICTORS if p not in MODEL_PREDICTORS]
    for variant in VARIANTS:
        part = auc[auc.variant == variant].set_index("predictor")
        said = []
        for column, name in (("auc", "ROC AUC"), ("pr_auc", "PR-AUC")):
            ours, theirs = part.loc[list(MODEL_PREDICTORS), column], part.loc[others, column]
            if ours.isna().all() or theirs.isna().all():
                continue
            model_name, best_name = str(ours.idxmax()), str(theirs.idxmax())
            model, best = float(ours.max()), float(theirs.max())
            digits = 2 if column == "auc" else 3
            head = f"{name} {_fmt(model, digits)} (*{model_name}*)"
            if model > best + 0.02:
                said.append(f"{head}, above every rule and baseline (best *{best_name}*,")
                said[-1] += f" {_fmt(best, digits)})"
                continue
            verdict = "below" if model < best - 0.02 else "about level with"
            said.append(f"{head}, {verdict} *{best_name}* ({_fmt(best, digits)})")
        if said:
            sentences.append(f"- *{variant}*: the model's " + "; ".join(said) + ".")
    return "Read off the tables:\n\n" + "\n".join(sentences)


def _facts_summary(facts: pd.DataFrame) -> str:
    """The verdicts counted, and the facts listed under each."""
    deep = facts[facts["change"].isin(DEEPENING)]
    bilateral = deep[deep["framework"] == ""]
    lines = [
        f"Of the {len(deep)} facts that began or deepened cooperation the model reproduces"
        f" {int((deep.verdict == 'hit').sum())} in the same pair and area and"
        f" {int((deep.verdict == 'other area').sum())} in the same pair in another area;"
        f" of the {len(bilateral)} bilateral ones, {int((bilateral.verdict == 'hit').sum())}"
        f" and {int((bilateral.verdict == 'other area').sum())}.",
        "",
    ]
    for verdict in VERDICTS:
        part = facts[facts["verdict"] == verdict].sort_values(["year", "fact"])
        if part.empty:
            continue
        items = "; ".join(f"{r.pair} {r.area} {r.year}" for r in part.itertuples(index=False))
        lines.append(f"- **{verdict}** ({len(part)}): {items}")
    return "\n".join(lines)


def _facts_markdown(facts: pd.DataFrame) -> str:
    """Every fact in a row, by year: the record's forms and the model's answer."""
    rows = [
        "| year | fact | pair or framework | area | form | certainty | model form 2012 -> 2017"
        " | same area | any area | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in facts.sort_values(["year", "fact"]).itertuples(index=False):
        rows.append(
            f"| {r.year} | `{r.fact}` | {r.pair} | {r.area} | {r.form_before} -> {r.form_after}"
            f" ({r.change}) | {r.certainty} | {_fmt(r.model_form_2012, 1)} ->"
            f" {_fmt(r.model_form_last_mean, 1)} | {_fmt(r.share_same_area)}"
            f" | {_fmt(r.share_any_area)} | {r.verdict} |"
        )
    return "\n".join(rows)


def _years_markdown(years: pd.DataFrame) -> str:
    """Deepenings per year, the model's (median and 10-90 %) beside the record's."""
    rows = [
        "| year | model: tie deepenings | model: pairs deepened | model: weakenings"
        " | record: deepening facts | record: pairs named |",
        "|---|---|---|---|---|---|",
    ]
    for r in years.itertuples(index=False):
        rows.append(
            f"| {r.year} | {r.model_deepenings_median:g} ({r.model_deepenings_p10:g}-"
            f"{r.model_deepenings_p90:g}) | {r.model_pairs_deepened_median:g}"
            f" ({r.model_pairs_deepened_p10:g}-{r.model_pairs_deepened_p90:g})"
            f" | {r.model_weakenings_median:g} | {r.record_deepening_facts}"
            f" | {r.record_pairs_deepened} |"
        )
    return "\n".join(rows) + "\n\nModel: median over seeds (10-90 %)."
