"""The report's page: one self-contained HTML file assembled from facts, captions and
the run's figures.

Figures are embedded as base64 PNG images, the style sheet is inline, and nothing is
fetched from elsewhere. All text taken from a config or a folder name is
HTML-escaped. The figures are those the run (or ``imssim-plot``) already drew when
they are current (:mod:`imssim.present.plots.writer`); only missing or stale ones are drawn.
The file is written under a temporary name and renamed into place, so a failure
never leaves a partial report.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from imssim.config import FIGURE_FORMATS, PolicyConfig, check_formats
from imssim.errors import ImssimError
from imssim.present.choices import resolve_choices
from imssim.present.names import country_names, world_of
from imssim.present.outcome_table import group_labels, outcomes
from imssim.present.plots.registry import FIGURES
from imssim.present.plots.writer import FigureOptions, make_compare_figures, make_run_figures
from imssim.present.report.captions import (
    compare_captions,
    pct,
    run_captions,
    sort_key,
)
from imssim.present.report.facts import run_facts, run_span
from imssim.present.scenario_text import scenario_rows, state_name
from imssim.present.summary import (
    RING_ORDER,
    frameworks_founded,
    mutuality,
    without_text,
)
from imssim.runs.find import common_folder, find_runs
from imssim.runs.folders import CONFIG_FILE, RunFolder, write_text_atomic

REPORT_FILE = "report.html"


EMBED_MAX_WIDTH = 2400  # pixels: wider figures (print resolution) are reduced for the page


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


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


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
    """The PNG at `path` as base64, as it is when it is at most EMBED_MAX_WIDTH pixels
    wide (screen resolution, the default), else made lighter for the page.

    A wider file (print resolution) is reduced by a whole factor to at most
    EMBED_MAX_WIDTH pixels and stored with a 256-colour palette (charts have few
    colours), which keeps the report a few hundred kilobytes per figure; the full files
    stay next to it.
    """
    raw = path.read_bytes()
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return base64.b64encode(raw).decode("ascii")
    with Image.open(io.BytesIO(raw)) as image:  # reads the header only
        if image.width <= EMBED_MAX_WIDTH:
            return base64.b64encode(raw).decode("ascii")
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


def _figure(path: Path, title: str, caption: str, shown_from: Path) -> str:
    try:
        where = path.relative_to(shown_from)
    except ValueError:
        where = path
    files = [fmt for fmt in FIGURE_FORMATS if path.with_suffix(f".{fmt}").is_file()]
    return (
        f'<figure id="fig-{_e(path.stem)}"><h3>{_e(title)}</h3>'
        f'<img alt="{_e(title)}" src="data:image/png;base64,{_png_data(path)}">'
        f"<figcaption>{_e(caption)} "
        f'<span class="file">Files: {_e(where.with_suffix(""))}.'
        f"{_e(' / .'.join(files))}</span>"
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


# --------------------------------------------------------------------------- settings


def _scenario_html(run: RunFolder, names: dict[str, str]) -> str:
    """The scenario's description, then every entry of it in words, one row each
    (:func:`imssim.present.scenario_text.scenario_rows`)."""
    sc = run.config.scenario
    parts = [f"<h3>Scenario {_e(sc.name)}</h3>"]
    parts.append(f"<p>{_e(sc.description) or '<em>(no description)</em>'}</p>")
    rows = [(r.when, r.what, r.kind) for r in scenario_rows(sc, names, world_of(run.config))]
    parts.append(_table(("when", "what", "kind"), rows))
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


# --------------------------------------------------------------------------- pages


def _key_numbers_html(run: RunFolder, facts: dict[str, object], names: dict[str, str]) -> str:
    """The key numbers of a run, first and last year: the focal state's rings, its
    budget, capability and autonomy, the events and why ties ended, and the alliance."""
    first, last = facts["first"], facts["last"]
    focal = state_name(facts["focal"], names)
    return (
        f"<h3>Partner rings of {_e(focal)}</h3>"
        + _table(("ring", str(first), str(last)), _ring_rows(facts, names))
        + f"<h3>{_e(focal[0].upper() + focal[1:])}: budget, capability and autonomy</h3>"
        + _table(("measure", str(first), str(last)), _focal_rows(facts), numeric=(1, 2))
        + "<h3>Changes of the cooperation record (events)</h3>"
        + _table(("kind", "count"), list(facts["events"].items()), numeric=(1,))
        + "<h3>Why ties weakened or ended (downgrades, abandonments, frameworks left)</h3>"
        + _table(
            ("kind", "reason", "count"),
            [(kind, reason, int(n)) for (kind, reason), n in facts["endings"].items()],
            numeric=(2,),
        )
        + "<h3>The alliance</h3>"
        + _table(("measure", str(first), str(last)), _alliance_rows(run, facts), numeric=(1, 2))
    )


def _ring_rows(facts: dict[str, object], names: dict[str, str]) -> list[tuple[str, str, str]]:
    """Each ring of the focal state, first and last year: how many partners, and who."""
    r0, r1 = facts["rings_first"], facts["rings_last"]

    def members(codes: list[str]) -> str:
        shown = sorted((names.get(c, c) for c in codes), key=sort_key)
        return f"{len(codes)}: " + (", ".join(shown) or "-")

    return [(ring, members(r0[ring]), members(r1[ring])) for ring in RING_ORDER]


def _focal_rows(facts: dict[str, object]) -> list[tuple[str, str, str]]:
    """The focal state's indices, autonomy and areas held, first and last year."""
    first = facts["first"]
    ix = facts["index"]
    a0, a1 = facts["autonomy"]
    rows = [
        (
            f"nominal defence budget (index, {first} = 100, current money)",
            "100",
            f"{ix['budget']:.0f}",
        ),
        (f"own capability (index, {first} = 100)", "100", f"{ix['capability']:.0f}"),
        (f"capacity to act (index, {first} = 100)", "100", f"{ix['capacity_to_act']:.0f}"),
        ("autonomy (share of capability at own disposal, 0-1)", f"{a0:.2f}", f"{a1:.2f}"),
    ]
    if facts["areas_held"] is not None:
        h0, h1 = facts["areas_held"]
        rows.append((f"capability areas held (of {facts['n_areas']})", str(h0), str(h1)))
    return rows


# the alliance's counts and means: label, key of its first and last value, their format
_ALLIANCE_COUNTS = (
    ("pairs of states with a bilateral tie (all states)", "n_pairs_bilateral", "{:.0f}"),
    ("bilateral ties (pair and area)", "n_ties_bilateral", "{:.0f}"),
    ("mean bilateral form", "mean_form_bilateral", "{:.2f}"),
    ("pairs cooperating (frameworks included)", "n_pairs_effective", "{:.0f}"),
    ("mean effective form", "mean_form_effective", "{:.2f}"),
)


def _alliance_rows(run: RunFolder, facts: dict[str, object]) -> list[tuple[str, str, str]]:
    """The alliance's ties, forms, shortfalls and threat, first and last year."""
    al = facts["alliance"]
    rows = [
        (label, fmt.format(al[key][0]), fmt.format(al[key][1]))
        for label, key, fmt in _ALLIANCE_COUNTS
    ]
    worst = [f"{pct(al['worst_shortfall'][k], 1)} {facts['worst_area'][k]}".strip() for k in (0, 1)]
    n_areas = len(run.tables.holdings["area"].unique())
    rows += [
        (
            "shortfall (% of requirement)",
            pct(al["shortfall_total"][0], 1),
            pct(al["shortfall_total"][1], 1),
        ),
        ("worst area's shortfall (% of its requirement)", *worst),
        (
            f"areas short (of {n_areas})",
            f"{al['n_shortfall_areas'][0]:.0f}",
            f"{al['n_shortfall_areas'][1]:.0f}",
        ),
        (
            "threat level (2012 = 1, budget-weighted)",
            f"{al['threat'][0]:.2f}",
            f"{al['threat'][1]:.2f}",
        ),
    ]
    return rows


def _effects_html(run: RunFolder, names: dict[str, str]) -> str:
    """What the scenario changes: the run beside its counterfactual, in the last year."""
    from imssim.present import effects

    cf = run.counterfactual
    cfg = run.config
    without = without_text(cfg)
    last = int(run.tables.countries["year"].max())
    diffs = effects.focal_differences(run.tables, cf.tables, cfg.focal, last)
    rows = []
    for d in diffs:
        rows.append(
            (
                d.label,
                d.written(d.counterfactual),
                d.written(d.scenario),
                f"{d.shown_difference:+.{d.decimals}f}" if d.shown else "the same",
            )
        )
    rings = effects.ring_differences(run.tables, cf.tables, cfg.focal, last)
    forms = effects.form_differences(run.tables, cf.tables, cfg.focal, last)
    gave = effects.areas_given_up(run.tables, cfg.focal)
    gave_cf = effects.areas_given_up(cf.tables, cfg.focal)
    focal = state_name(cfg.focal, names)
    other = cf.config.scenario.name

    def listed(items: list[str]) -> str:
        return ", ".join(items) if items else "none"

    return (
        f"<p>Against the same run {_e(without)} ({_e(other)}): the same world, seed, policy "
        "and random draws, so that a difference is the scenario's effect, not noise. "
        f"Values in {last}; a difference that rounds to zero at the precision shown is "
        "given as the same.</p>"
        + _table(
            ("measure", _e(without), "with the scenario", "difference"), rows, numeric=(1, 2, 3)
        )
        + "<p>"
        + f"Partners {_e(focal)} places in another ring in {last} ({_e(without)} &rarr; with "
        + "it): "
        + _e(listed([f"{r.partner} {r.ring_without} -> {r.ring}" for r in rings.itertuples()]))
        + ". Deepest bilateral form that differs: "
        + _e(
            listed(
                [
                    f"{r.partner} {r.bilateral_form_without} -> {r.bilateral_form}"
                    for r in forms.itertuples()
                ]
            )
        )
        + f". Areas {_e(focal)} gave up: "
        + _e(listed([f"{a} ({y})" for a, y in gave]))
        + f"; {_e(without)}: "
        + _e(listed([f"{a} ({y})" for a, y in gave_cf]))
        + ".</p>"
    )


def _frameworks_html(run: RunFolder, names: dict[str, str]) -> str:
    """Frameworks founded during the run, with their lead states and members, and how
    often strategic views are not returned."""
    founded = frameworks_founded(run.tables)
    last = int(run.tables.countries["year"].max())
    views, lone = mutuality(run.tables.pairs, last)
    text = (
        f"<p>Rings are each state's own view: in {last}, {lone} of the {views} strategic "
        "views (a state counting a partner strategic) were not returned by the partner. "
    )
    if founded.empty:
        return text + "No framework was founded during the run.</p>"
    text += (
        f"{len(founded)} framework(s) were founded during the run by lead states, for a "
        "purpose, with the partners that shared the need and consented (docs/ODD.md, "
        "7.9).</p>"
    )
    rows = []
    for r in founded.itertuples():
        members = [m for m in r.founding_members.split(";") if m != r.lead]
        lasted = f"to {r.last_year}" if r.last_year < last else f"in force in {last}"
        rows.append(
            (
                r.framework,
                r.purpose.replace("_", " "),
                r.area,
                r.form,
                names.get(r.lead, r.lead),
                r.founded,
                ", ".join(members),
                lasted,
                len(r.last_members.split(";")),
            )
        )
    return text + _table(
        (
            "framework",
            "purpose",
            "area",
            "form",
            "lead",
            "founded",
            "founding members",
            "lasted",
            "members at the end",
        ),
        rows,
        numeric=(3, 5, 8),
    )


def _single_report(run: RunFolder, out: Path, formats: Sequence[str]) -> str:
    names = country_names(run)
    cfg = run.config
    facts = run_facts(run)
    captions = run_captions(run)
    choices = resolve_choices(run.tables, cfg)
    figures = make_run_figures(run, options=FigureOptions(formats=formats), reuse=True)
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
        "<h2>Frameworks founded and rings not returned</h2>",
        _frameworks_html(run, names),
        "<h2>Figures</h2>",
    ]
    if run.counterfactual is not None:  # the report opens with what the scenario changes
        body[2:2] = ["<h2>What the scenario changes</h2>", _effects_html(run, names)]
    for name, path in figures.items():
        spec = FIGURES[name]
        text = f"{captions[name]} {spec.caption(run.tables, cfg, choices)}".strip()
        body.append(_figure(path, spec.title, text, out.parent))
    body += ["<h2>Provenance</h2>", _provenance_html(run)]
    return _page(title, "\n".join(body))


def _compare_report(
    runs: Sequence[RunFolder], folder: Path, out: Path, formats: Sequence[str]
) -> str:
    captions = compare_captions(runs)
    dpi = runs[0].config.output.dpi  # as the sweep drew them, so they are reused
    options = FigureOptions(formats=formats, dpi=dpi)
    figures = make_compare_figures(runs, folder / "figures", options, reuse=True)
    frame = outcomes(runs)
    years = frame.attrs["years"]
    names = country_names(runs[0])
    labels = group_labels(runs)
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
        spec = FIGURES[name]
        body.append(_figure(path, spec.title, f"{captions[name]} {spec.caption()}", out.parent))
    body.append("<h2>Runs</h2>")
    rows = []
    for run, label in zip(runs, labels, strict=True):
        first, last = run_span(run)
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


def write_report(
    paths: str | Path | Sequence[str | Path],
    out: str | Path | None = None,
    *,
    formats: Sequence[str] | None = None,
) -> Path:
    """Write the HTML report of the runs in `paths` and return its path.

    One run gives the run report, several runs (or a sweep folder) the comparison
    report. The figures are those already in ``<run>/figures`` (or ``<common
    folder>/figures``) when they are current (drawn from the same data and choices, at
    any resolution); a missing or stale one is drawn there, at the run's
    ``output.dpi``, in `formats` (default: PNG, the format embedded in the page, which
    `formats` must include). The default output is ``report.html`` in the run folder or
    the runs' common folder.
    """
    runs = find_runs(paths)
    formats = check_formats(("png",) if formats is None else formats)
    if "png" not in formats:
        raise ImssimError("the report embeds PNG figures: formats must include png")
    target = Path(out) if out is not None else default_output(runs)
    if target.exists() and target.is_dir():
        raise ImssimError(f"report output is a folder, give a file name: {target}")
    if len(runs) == 1:
        text = _single_report(runs[0], target, formats)
    else:
        folder = default_output(runs).parent
        text = _compare_report(runs, folder, target, formats)
    return write_text_atomic(target, text)
