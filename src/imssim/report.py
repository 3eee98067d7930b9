"""One self-contained HTML report of a run, or of several runs compared.

The report is a single file: figures are embedded as base64 PNG images, the style
sheet is inline, and nothing is fetched from elsewhere. Every number and every
caption sentence is computed from the run's tables; all text taken from a config or
a folder name is HTML-escaped. The file is written under a temporary name and
renamed into place, so a failure never leaves a partial report.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from imssim.config import BudgetChange, GrowthChange, PolicyConfig
from imssim.errors import ImssimError
from imssim.forms import FORM_LABELS, Form
from imssim.plots import compare, run_figures
from imssim.results import CONFIG_FILE, RunFolder, write_text_atomic
from imssim.rings import RING_LEVEL
from imssim.summary import RING_ORDER, ring_members, ring_transitions, state_name
from imssim.world.loader import REGIONS

REPORT_FILE = "report.html"
EMBED_MAX_WIDTH = 1800  # pixels: figures are reduced to at most this width for the page
REGION_WORDS = {
    "north": "north",
    "west": "west",
    "south": "south",
    "east": "east",
    "north_america": "North American",
    "other": "other",
}
GROUP_WORDS = {
    "benelux": "Benelux",
    "nordic": "Nordic",
    "visegrad": "Visegrád",
    "weimar": "Weimar",
    "baltic": "Baltic",
    "nb8": "Nordic-Baltic Eight",
    "northern_group": "Northern Group",
}

CSS = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1a1a1a;
       max-width: 1100px; margin: 2em auto; padding: 0 1.2em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; border-bottom: 1px solid #ccc; padding-bottom: 0.15em;
     margin-top: 1.8em; }
h3 { font-size: 1.08em; margin-bottom: 0.3em; }
p.lead { color: #444; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0 1em 0; font-size: 0.92em; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.2em 0 2em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e2e2e2; }
figcaption { font-size: 0.93em; color: #333; margin-top: 0.4em; }
figcaption .file { color: #666; font-size: 0.9em; }
.note { background: #fff6e0; border-left: 4px solid #E69F00; padding: 0.4em 0.8em; }
pre { background: #f7f7f7; border: 1px solid #e2e2e2; padding: 0.7em; overflow-x: auto;
      font-size: 0.85em; }
details summary { cursor: pointer; color: #0072B2; }
"""


# --------------------------------------------------------------------------- words


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _sort_key(name: str) -> str:
    return name.removeprefix("the ").removeprefix("The ")


def _lower_first(label: str) -> str:
    """'Air-to-air refuelling' -> 'air-to-air refuelling'; acronyms ('ISTAR') unchanged."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _pct(value: float, decimals: int = 0) -> str:
    return f"{100 * value:.{decimals}f} %"


def _share(value: float) -> str:
    """A fraction as a percentage with a decimal only where needed: 0.08 -> '8 %'."""
    pct = 100 * value
    return f"{pct:.0f} %" if abs(pct - round(pct)) < 1e-6 else f"{pct:.1f} %"


def who_words(who: Sequence[str], names: dict[str, str]) -> str:
    """'all', regions, memberships, groups and ISO3 codes in plain words."""
    regions = [w for w in who if w in REGIONS]
    phrases = []
    if "all" in who:
        phrases.append("all states")
    if regions:
        words = [REGION_WORDS.get(r, r) for r in regions]
        phrases.append(f"the {_join(words)} region{'s' if len(words) > 1 else ''}")
    if "nato" in who:
        phrases.append("NATO members")
    if "eu" in who:
        phrases.append("EU members")
    groups = [w for w in who if w in GROUP_WORDS]
    if groups:
        words = [GROUP_WORDS[g] for g in groups]
        phrases.append(f"the {_join(words)} group{'s' if len(words) > 1 else ''}")
    known = {"all", "nato", "eu", *REGIONS, *GROUP_WORDS}
    phrases += [state_name(w, names) for w in who if w not in known]
    return _join(phrases) or "no state"


def budget_change_words(change: BudgetChange) -> tuple[str, str]:
    """(change, timing) of a budget change in plain words."""
    if change.cut and change.rise:
        what = f"cut by {_share(change.cut)} and raised by {_share(change.rise)}"
    elif change.cut:
        what = f"cut by {_share(change.cut)}"
    elif change.rise:
        what = f"raised by {_share(change.rise)}"
    else:
        what = "unchanged"
    if change.end > change.start:
        when = f"phased in from {change.start} to {change.end}, then held"
    else:
        when = f"from {change.end} on"
    return what, when


def growth_change_words(change: GrowthChange) -> tuple[str, str]:
    years = f"{change.start}" if change.end == change.start else f"{change.start}-{change.end}"
    return f"real GDP growth of {100 * change.growth:.1f} % a year", f"in {years}"


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


def largest_ring_moves(moves: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The `n` largest ring moves: most rings crossed, then closest to the strategic ring."""
    if moves.empty:
        return moves
    ranked = moves.assign(
        size=(moves["to_ring"].map(RING_LEVEL) - moves["from_ring"].map(RING_LEVEL)).abs(),
        top=moves[["from_ring", "to_ring"]].apply(lambda c: c.map(RING_LEVEL)).max(axis=1),
    )
    ranked = ranked.sort_values(
        ["size", "top", "year", "partner"], ascending=[False, False, True, True]
    )
    return ranked.head(n).drop(columns=["size", "top"])


# --------------------------------------------------------------------------- html pieces


def _table(
    header: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[int] = ()
) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{_e(v)}</td>' if i in numeric else f"<td>{_e(v)}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _png_data(path: Path) -> str:
    """The PNG at `path` as base64, made lighter for the page.

    The 300 dpi file is reduced by a whole factor to at most EMBED_MAX_WIDTH pixels
    wide and stored with a 256-colour palette (charts have few colours), which keeps
    the report a few hundred kilobytes per figure; the full files stay next to it.
    """
    raw = path.read_bytes()
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return base64.b64encode(raw).decode("ascii")
    with Image.open(io.BytesIO(raw)) as image:
        image.load()
        factor = max(1, math.ceil(image.width / EMBED_MAX_WIDTH))
        small = image.reduce(factor) if factor > 1 else image.copy()
    if small.mode != "RGB":
        small = small.convert("RGBA")
        white = Image.new("RGBA", small.size, (255, 255, 255, 255))
        small = Image.alpha_composite(white, small).convert("RGB")
    small = small.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(path: Path, title: str, caption: str, shown_from: Path, formats: Sequence[str]) -> str:
    try:
        where = path.relative_to(shown_from)
    except ValueError:
        where = path
    return (
        f'<figure id="fig-{_e(path.stem)}"><h3>{_e(title)}</h3>'
        f'<img alt="{_e(title)}" src="data:image/png;base64,{_png_data(path)}">'
        f"<figcaption>{_e(caption)} "
        f'<span class="file">Files: {_e(where.with_suffix(""))}.'
        f"{_e(' / .'.join(formats))}</span>"
        "</figcaption></figure>"
    )


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


# --------------------------------------------------------------------------- scenario text


def _scenario_html(run: RunFolder, names: dict[str, str]) -> str:
    sc = run.config.scenario
    parts = [f"<h3>Scenario {_e(sc.name)}</h3>"]
    parts.append(f"<p>{_e(sc.description) or '<em>(no description)</em>'}</p>")
    if sc.budget_changes:
        rows = []
        for change in sc.budget_changes:
            what, when = budget_change_words(change)
            rows.append((who_words(change.who, names), f"budget {what}", when))
        parts.append(_table(("who", "change", "when"), rows))
    else:
        parts.append("<p>No budget changes: budgets follow GDP.</p>")
    growth = f"Real GDP grows by {100 * sc.gdp_growth:.1f} % a year"
    if sc.growth_changes:
        extra = [
            f"{who_words(g.who, names)}: {w} {when}"
            for g in sc.growth_changes
            for w, when in [growth_change_words(g)]
        ]
        growth += ", except: " + "; ".join(extra)
    parts.append(f"<p>{_e(growth)}.</p>")
    return "\n".join(parts)


def _policy_html(run: RunFolder) -> str:
    policy = run.config.policy
    parts = [f"<h3>Policy {_e(policy.name)}</h3>"]
    parts.append(f"<p>{_e(policy.description) or '<em>(no description)</em>'}</p>")
    default = PolicyConfig()
    changed = [
        (f.name, getattr(policy, f.name), getattr(default, f.name))
        for f in dataclasses.fields(PolicyConfig)
        if f.name not in ("name", "description")
        and getattr(policy, f.name) != getattr(default, f.name)
    ]
    if changed:
        parts.append(_table(("setting", "value", "default"), changed))
    else:
        parts.append("<p>All policy settings at their defaults.</p>")
    return "\n".join(parts)


def _provenance_html(run: RunFolder) -> str:
    m = run.manifest
    rows = [
        ("run folder", str(run.path)),
        ("created (UTC)", m.get("created_utc", "unknown")),
        ("code revision", m.get("code_revision", "unknown")),
        ("wall time (s)", m.get("wall_seconds", "unknown")),
        ("status", m.get("status", "unknown")),
    ]
    if m.get("overrides"):
        rows.append(("command-line overrides", " ".join(m["overrides"])))
    versions = m.get("versions", {})
    config_text = (run.path / CONFIG_FILE).read_text(encoding="utf-8", errors="replace")
    return (
        _table(("item", "value"), rows)
        + _table(("package", "version"), sorted(versions.items()))
        + f"<details><summary>Resolved configuration ({_e(CONFIG_FILE)})</summary>"
        f"<pre>{_e(config_text)}</pre></details>"
    )


# --------------------------------------------------------------------------- one run


def _names(run: RunFolder) -> dict[str, str]:
    return compare.country_names(run)


def _years(run: RunFolder) -> tuple[int, int]:
    years = run.tables.countries["year"]
    return int(years.min()), int(years.max())


def run_facts(run: RunFolder) -> dict[str, object]:
    """The key numbers of one run, from its tables."""
    t = run.tables
    focal = run.config.focal
    first, last = _years(run)
    c = t.countries[t.countries["country"] == focal].set_index("year")
    if c.empty:
        raise ImssimError(f"focal state {focal!r} not in the run's tables: {run.path}")
    index = {
        col: 100.0 * float(c.loc[last, col]) / float(c.loc[first, col])
        for col in ("budget", "capability", "capacity_to_act")
    }
    a = t.alliance.set_index("year")
    labels = compare.area_labels(run)
    kinds = t.events["kind"]
    order = list(kinds.cat.categories) if hasattr(kinds, "cat") else sorted(kinds.unique())
    counts = kinds.value_counts()
    return {
        "focal": focal,
        "first": first,
        "last": last,
        "rings_first": ring_members(t.pairs, focal, first),
        "rings_last": ring_members(t.pairs, focal, last),
        "index": index,
        "autonomy": (float(c.loc[first, "autonomy"]), float(c.loc[last, "autonomy"])),
        # runs written before the area counts existed lack the column
        "areas_held": (int(c.loc[first, "n_areas_held"]), int(c.loc[last, "n_areas_held"]))
        if "n_areas_held" in c.columns
        else None,
        "n_areas": sum(1 for col in a.columns if col.startswith("capability_")),
        "events": {k: int(counts.get(k, 0)) for k in order},
        "endings": (
            t.events[t.events["kind"].isin(["downgraded", "abandoned", "left"])]
            .astype({"kind": str, "reason": str})
            .groupby(["kind", "reason"])
            .size()
            .sort_values(ascending=False, kind="stable")
        ),
        "alliance": {
            col: (float(a.loc[first, col]), float(a.loc[last, col]))
            for col in (
                "n_pairs_bilateral",
                "n_ties_bilateral",
                "mean_form_bilateral",
                "n_pairs_effective",
                "mean_form_effective",
                "shortfall_total",
                "worst_shortfall",
                "n_shortfall_areas",
                "threat",
            )
        },
        "worst_area": tuple(
            _lower_first(labels.get(area, area)) if area else ""
            for area in (str(a.loc[y, "worst_shortfall_area"]) for y in (first, last))
        ),
    }


def _ring_counts(rings: dict[str, list[str]]) -> str:
    return ", ".join(f"{len(rings[r])} {r}" for r in RING_ORDER)


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
    return f"In {year} the deepest cooperation, form {top} ({label}), linked {_join(shown)}{more}."


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
    return (
        f"The deepest bilateral partners of {state_name(focal, names)} in {year}: {_join(shown)}."
    )


def run_captions(run: RunFolder) -> dict[str, str]:
    """Data sentences for each per-run figure, computed from the run's tables."""
    t = run.tables
    names = _names(run)
    facts = run_facts(run)
    focal, first, last = facts["focal"], facts["first"], facts["last"]
    who = state_name(focal, names)
    cap_who = state_name(focal, names, start=True)
    out: dict[str, str] = {}

    r0, r1 = facts["rings_first"], facts["rings_last"]
    strategic = sorted((state_name(c, names) for c in r1["strategic"]), key=_sort_key)
    out["rings"] = (
        f"{cap_who} had {_ring_counts(r0)} partners in {first} and {_ring_counts(r1)} in {last}. "
        f"Its strategic partners in {last}: {_join(strategic) or 'none'}."
    )

    moves = ring_transitions(t.pairs, focal)
    if moves.empty:
        out["ring_transitions"] = f"No partner of {who} changed ring in {first}-{last}."
    else:
        into = int((moves["to_ring"] == "strategic").sum())
        out_of = int((moves["from_ring"] == "strategic").sum())
        sentences = [
            ring_move_sentence(r.partner, r.from_ring, r.to_ring, int(r.year), names)
            for r in largest_ring_moves(moves).itertuples()
        ]
        out["ring_transitions"] = (
            f"Partners of {who} changed ring {len(moves)} times in {first}-{last} "
            f"({into} into the strategic ring, {out_of} out of it). The largest moves: "
            + " ".join(sentences)
        )

    ix = facts["index"]
    a0, a1 = facts["autonomy"]
    c = t.countries
    end = c[c["year"] == last].set_index("country")
    start = c[c["year"] == first].set_index("country")
    shown = [s for s in (focal, *run_figures.DEFAULT_OTHERS) if s in end.index]
    cap = (100.0 * end.loc[shown, "capacity_to_act"] / start.loc[shown, "capacity_to_act"]).round(0)
    best = cap.idxmax()
    out["indices"] = (
        f"By {last} the budget of {who} stood at {ix['budget']:.0f}, its own capability at "
        f"{ix['capability']:.0f} and its capacity to act at {ix['capacity_to_act']:.0f} "
        f"({first} = 100); its autonomy went from {a0:.2f} to {a1:.2f}. Of the states "
        f"shown, {state_name(best, names)} ended with the highest capacity to act "
        f"({cap[best]:.0f})."
    )

    out["depth_matrix"] = _deepest_pairs(run, last, names) + " " + _focal_deepest(run, last, names)

    p = t.pairs
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
        both = _join(shown_hubs)
        hub_text = (
            f" {both[0].upper() + both[1:]} cooperated with the most states "
            f"({most}{' each' if len(hubs) > 1 else ''}); {who} with {int(deg.get(focal, 0))}."
        )
    out["network"] = (
        f"{n1} pairs of states cooperated in at least one area in {last} "
        f"({n0} in {first}).{hub_text}"
    )

    a = t.alliance.set_index("year")
    if float(a["shortfall_total"].max()) <= 0:
        out["shortfalls"] = f"The alliance had no shortfall in any year of {first}-{last}."
        return out
    worst = int(a["shortfall_total"].idxmax())
    area_cols = [
        col for col in a.columns if col.startswith("shortfall_") and col != "shortfall_total"
    ]
    labels = compare.area_labels(run)
    worst_area = a.loc[worst, area_cols].astype(float).idxmax().removeprefix("shortfall_")
    area_value = float(a.loc[worst, f"shortfall_{worst_area}"])
    area_text = (
        f", the largest gap in {_lower_first(labels.get(worst_area, worst_area))} "
        f"({_pct(area_value)} of its requirement)"
        if area_value > 0
        else ""
    )
    n_short = int(a.loc[last, "n_shortfall_areas"])
    out["shortfalls"] = (
        f"The alliance's total shortfall was largest in {worst}: "
        f"{_pct(float(a.loc[worst, 'shortfall_total']), 1)} of the requirement unmet{area_text}. "
        f"In {last} it was {_pct(float(a.loc[last, 'shortfall_total']), 1)}, with "
        f"{n_short} area{'s' if n_short != 1 else ''} short."
    )
    return out


def _key_numbers_html(run: RunFolder, facts: dict[str, object], names: dict[str, str]) -> str:
    first, last = facts["first"], facts["last"]
    r0, r1 = facts["rings_first"], facts["rings_last"]

    def members(codes: list[str]) -> str:
        shown = sorted((names.get(c, c) for c in codes), key=_sort_key)
        return f"{len(codes)}: " + (", ".join(shown) or "-")

    ring_rows = [(ring, members(r0[ring]), members(r1[ring])) for ring in RING_ORDER]
    ix = facts["index"]
    a0, a1 = facts["autonomy"]
    focal_rows = [
        (f"defence budget (index, {first} = 100)", "100", f"{ix['budget']:.0f}"),
        (f"own capability (index, {first} = 100)", "100", f"{ix['capability']:.0f}"),
        (f"capacity to act (index, {first} = 100)", "100", f"{ix['capacity_to_act']:.0f}"),
        ("autonomy (share of capability at own disposal, 0-1)", f"{a0:.2f}", f"{a1:.2f}"),
    ]
    if facts["areas_held"] is not None:
        h0, h1 = facts["areas_held"]
        focal_rows.append((f"capability areas held (of {facts['n_areas']})", str(h0), str(h1)))
    al = facts["alliance"]
    alliance_rows = [
        (
            "pairs of states with a bilateral tie (all states)",
            f"{al['n_pairs_bilateral'][0]:.0f}",
            f"{al['n_pairs_bilateral'][1]:.0f}",
        ),
        (
            "bilateral ties (pair and area)",
            f"{al['n_ties_bilateral'][0]:.0f}",
            f"{al['n_ties_bilateral'][1]:.0f}",
        ),
        (
            "mean bilateral form",
            f"{al['mean_form_bilateral'][0]:.2f}",
            f"{al['mean_form_bilateral'][1]:.2f}",
        ),
        (
            "pairs cooperating (frameworks included)",
            f"{al['n_pairs_effective'][0]:.0f}",
            f"{al['n_pairs_effective'][1]:.0f}",
        ),
        (
            "mean effective form",
            f"{al['mean_form_effective'][0]:.2f}",
            f"{al['mean_form_effective'][1]:.2f}",
        ),
        (
            "shortfall (% of requirement)",
            _pct(al["shortfall_total"][0], 1),
            _pct(al["shortfall_total"][1], 1),
        ),
        (
            "worst area's shortfall (% of its requirement)",
            *(
                f"{_pct(al['worst_shortfall'][k], 1)} {facts['worst_area'][k]}".strip()
                for k in (0, 1)
            ),
        ),
        (
            f"areas short (of {len(run.tables.holdings['area'].unique())})",
            f"{al['n_shortfall_areas'][0]:.0f}",
            f"{al['n_shortfall_areas'][1]:.0f}",
        ),
        (
            "threat level (2012 = 1, budget-weighted)",
            f"{al['threat'][0]:.2f}",
            f"{al['threat'][1]:.2f}",
        ),
    ]
    focal = state_name(facts["focal"], names)
    return (
        f"<h3>Partner rings of {_e(focal)}</h3>"
        + _table(("ring", str(first), str(last)), ring_rows)
        + f"<h3>{_e(focal[0].upper() + focal[1:])}: budget, capability and autonomy</h3>"
        + _table(("measure", str(first), str(last)), focal_rows, numeric=(1, 2))
        + "<h3>Changes of the cooperation record (events)</h3>"
        + _table(("kind", "count"), list(facts["events"].items()), numeric=(1,))
        + "<h3>Why ties weakened or ended (downgrades, abandonments, frameworks left)</h3>"
        + _table(
            ("kind", "reason", "count"),
            [(kind, reason, int(n)) for (kind, reason), n in facts["endings"].items()],
            numeric=(2,),
        )
        + "<h3>The alliance</h3>"
        + _table(("measure", str(first), str(last)), alliance_rows, numeric=(1, 2))
    )


FIGURE_TITLES = {
    "rings": "Partner rings",
    "ring_transitions": "Ring moves",
    "indices": "Budget, capability, capacity to act and autonomy",
    "depth_matrix": "Depth of cooperation between states",
    "network": "Cooperation network",
    "shortfalls": "Alliance shortfalls and surpluses",
    "outcomes_over_time": "Outcomes over time",
    "headline_outcomes": "Outcomes at the end",
}


def _single_report(run: RunFolder, out: Path, formats: tuple[str, ...]) -> str:
    names = _names(run)
    cfg = run.config
    facts = run_facts(run)
    captions = run_captions(run)
    figures = run_figures.make_run_figures(run, formats=formats)
    first, last = facts["first"], facts["last"]
    focal = names.get(cfg.focal, cfg.focal)
    title = f"imssim run: {cfg.scenario.name} / {cfg.policy.name}, seed {cfg.seed}"
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="lead">{first}-{last}, focal state {_e(focal)} ({_e(cfg.focal)}); '
        f"run folder {_e(run.path.name)}</p>",
        "<h2>Scenario and policy</h2>",
        _scenario_html(run, names),
        _policy_html(run),
        _table(
            ("setting", "value"),
            [
                ("seed", cfg.seed),
                ("years", f"{first}-{last}"),
                ("focal state", f"{focal} ({cfg.focal})"),
                ("coordinated cuts", "yes" if cfg.coordinated_cuts else "no"),
                ("NATO/EU catalyst", cfg.catalyst),
            ],
        ),
        "<h2>Key numbers</h2>",
        _key_numbers_html(run, facts, names),
        "<h2>Figures</h2>",
    ]
    for name, path in figures.items():
        static = run_figures.caption(name, run.tables, cfg)
        text = f"{captions.get(name, '')} {static}".strip()
        body.append(_figure(path, FIGURE_TITLES.get(name, name), text, out.parent, formats))
    body += ["<h2>Provenance</h2>", _provenance_html(run)]
    return _page(title, "\n".join(body))


# --------------------------------------------------------------------------- several runs


def _phrase(key: str, focal: str | None, names: dict[str, str], base: int) -> str:
    who = state_name(focal, names) if focal else "the focal state"
    return compare.MEASURES[key].phrase.format(focal=who, base=base)


def _group_range(part: pd.DataFrame, key: str) -> str:
    """'129 (runs 128-131)' for one group's row of the summary."""
    value = compare.format_value(key, part["median"])
    if part["n_runs"] > 1:
        lo = compare.format_value(key, part["min"])
        hi = compare.format_value(key, part["max"])
        return f"{value}; runs {lo} to {hi}"
    return value


def compare_captions(runs: Sequence[RunFolder]) -> dict[str, str]:
    """Data sentences for the comparison figures, from the same frames the figures draw."""
    frame = compare.outcomes(runs)
    stats = compare.summarise_groups(frame)
    years = frame.attrs["years"]
    first, last = years[0], years[-1]
    focal, names = frame.attrs["focal"], frame.attrs["names"]
    end = stats[stats["year"] == last]
    over, head = [], []
    for key in frame["measure"].cat.categories:
        phrase = _phrase(key, focal, names, first)
        cap_phrase = phrase[0].upper() + phrase[1:]
        part = end[end["measure"] == key].sort_values("median", kind="stable")
        hi, lo = part.iloc[-1], part.iloc[0]
        if len(part) > 1:
            head.append(
                f"{cap_phrase} was highest under {hi['group']} ({_group_range(hi, key)}) and "
                f"lowest under {lo['group']} ({_group_range(lo, key)})."
            )
            ended = (
                f"ended between {compare.format_value(key, lo['median'])} ({lo['group']}) and "
                f"{compare.format_value(key, hi['median'])} ({hi['group']})"
            )
        else:
            head.append(f"{cap_phrase} was {_group_range(hi, key)}.")
            ended = f"ended at {compare.format_value(key, hi['median'])}"
        series = stats[stats["measure"] == key]
        start_v = series[series["year"] == first]["median"]
        began = compare.format_value(key, start_v.min())
        if start_v.max() != start_v.min():
            began += f" to {compare.format_value(key, start_v.max())}"
        sentence = f"{cap_phrase} started at {began} in {first} and {ended} in {last}"
        inner = series[(series["year"] > first) & (series["year"] < last)]
        edges = series[series["year"].isin((first, last))]["median"]
        digits = compare.MEASURES[key].decimals
        if len(inner):
            top, bottom = inner.loc[inner["median"].idxmax()], inner.loc[inner["median"].idxmin()]
            if round(bottom["median"], digits) < round(edges.min(), digits):
                sentence += (
                    f"; it was lowest in {int(bottom['year'])} under {bottom['group']} "
                    f"({compare.format_value(key, bottom['median'])})"
                )
            elif round(top["median"], digits) > round(edges.max(), digits):
                sentence += (
                    f"; it peaked in {int(top['year'])} under {top['group']} "
                    f"({compare.format_value(key, top['median'])})"
                )
        over.append(sentence + ".")
    multi = end[end["n_runs"] > 1]
    if len(multi):
        # widths relative to the measure's differences between groups, so measures compare
        ranges = end.groupby("measure", observed=True)["median"].agg(lambda v: v.max() - v.min())
        scale = multi["measure"].map(ranges).astype(float)
        width = (multi["max"] - multi["min"]).astype(float)
        rel = (width / scale.where(scale > 0)).fillna(0.0)
        w = multi.loc[rel.idxmax()]
        key = str(w["measure"])
        spread_text = (
            f" Runs of one scenario and policy differed most, against the differences "
            f"between combinations, in {_phrase(key, focal, names, first)} under {w['group']}: "
            f"{compare.format_value(key, w['min'])} to {compare.format_value(key, w['max'])} "
            f"over {int(w['n_runs'])} runs."
        )
    else:
        spread_text = " Each scenario and policy has a single run, so there is no spread."
    n_groups = frame["group"].nunique()
    notes = " ".join(frame.attrs["notes"])
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
    return {
        "outcomes_over_time": lead + " ".join(over) + (f" {notes}" if notes else ""),
        "headline_outcomes": (
            f"In {last}, " + " ".join(head)[0].lower() + " ".join(head)[1:] + spread_text + legend
        ),
    }


def _compare_report(
    runs: Sequence[RunFolder], folder: Path, out: Path, formats: tuple[str, ...]
) -> str:
    captions = compare_captions(runs)
    figures = compare.make_compare_figures(runs, folder / "figures", formats=formats)
    frame = compare.outcomes(runs)
    years = frame.attrs["years"]
    names = _names(runs[0])
    labels = compare.group_labels(runs)
    n_groups = len(set(labels))
    title = f"imssim: {len(runs)} runs compared"
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="lead">{n_groups} scenario and policy combinations, years '
        f"{years[0]}-{years[-1]}; folder {_e(folder)}</p>",
    ]
    for note in frame.attrs["notes"]:
        body.append(f'<p class="note">{_e(note)}</p>')
    body.append("<h2>Scenarios and policies</h2>")
    seen_s, seen_p = set(), set()
    for run in runs:
        s, p = run.config.scenario.name, run.config.policy.name
        if s not in seen_s:
            seen_s.add(s)
            body.append(_scenario_html(run, names))
        if p not in seen_p:
            seen_p.add(p)
            body.append(_policy_html(run))
    body.append("<h2>Figures</h2>")
    for name, path in figures.items():
        body.append(
            _figure(path, FIGURE_TITLES.get(name, name), captions[name], out.parent, formats)
        )
    body.append("<h2>Runs</h2>")
    rows = []
    for run, label in zip(runs, labels, strict=True):
        first, last = _years(run)
        m = run.manifest
        rows.append(
            (
                run.path.name,
                label,
                run.config.seed,
                run.config.focal,
                f"{first}-{last}",
                m.get("created_utc", ""),
                m.get("code_revision", ""),
            )
        )
    body.append(
        _table(
            (
                "run folder",
                "scenario / policy",
                "seed",
                "focal",
                "years",
                "created (UTC)",
                "code revision",
            ),
            rows,
            numeric=(2,),
        )
    )
    body.append("<h2>Provenance</h2>")
    versions = sorted({tuple(sorted(r.manifest.get("versions", {}).items())) for r in runs})
    for i, v in enumerate(versions):
        label = "Package versions" + (
            f" (set {i + 1} of {len(versions)})" if len(versions) > 1 else ""
        )
        body.append(f"<h3>{label}</h3>" + _table(("package", "version"), v))
    revisions = sorted({str(r.manifest.get("code_revision", "unknown")) for r in runs})
    body.append(f"<p>Code revision(s): {_e(', '.join(revisions))}.</p>")
    first_cfg = (runs[0].path / CONFIG_FILE).read_text(encoding="utf-8", errors="replace")
    body.append(
        f"<details><summary>Configuration of the first run ({_e(runs[0].path.name)})</summary>"
        f"<pre>{_e(first_cfg)}</pre></details>"
    )
    return _page(title, "\n".join(body))


# --------------------------------------------------------------------------- entry point


def default_output(runs: Sequence[RunFolder]) -> Path:
    """``<run>/report.html`` for one run, ``<common folder>/report.html`` for several."""
    if len(runs) == 1:
        return runs[0].path / REPORT_FILE
    return common_folder(runs) / REPORT_FILE


def common_folder(runs: Sequence[RunFolder]) -> Path:
    """The deepest folder holding all `runs` (the sweep folder for a sweep)."""
    folder = Path(os.path.commonpath([r.path.resolve() for r in runs]))
    if folder == Path(folder.anchor):
        raise ImssimError("the runs share no folder but the root: give an output path")
    return folder


def write_report(
    paths: str | Path | Sequence[str | Path],
    out: str | Path | None = None,
    *,
    formats: tuple[str, ...] = ("png", "svg"),
) -> Path:
    """Write the HTML report of the runs in `paths` and return its path.

    One run gives the run report (figures written to ``<run>/figures``); several runs
    (or a sweep folder) give the comparison report (figures written to
    ``<common folder>/figures``) in `formats`, which must include PNG, the format
    embedded in the page. The default output is ``report.html`` in the run folder or
    the runs' common folder.
    """
    formats = tuple(dict.fromkeys(formats))
    if "png" not in formats:
        raise ImssimError("the report embeds PNG figures: formats must include png")
    runs = compare.find_runs(paths)
    target = Path(out) if out is not None else default_output(runs)
    if target.exists() and target.is_dir():
        raise ImssimError(f"report output is a folder, give a file name: {target}")
    if len(runs) == 1:
        text = _single_report(runs[0], target, formats)
    else:
        folder = default_output(runs).parent
        text = _compare_report(runs, folder, target, formats)
    return write_text_atomic(target, text)
