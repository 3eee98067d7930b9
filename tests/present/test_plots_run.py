"""The per-run figures: files written, and what each chart shows matches the tables."""

from __future__ import annotations

import math
import shutil

import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection, QuadMesh
from matplotlib.text import Annotation

from imssim.errors import ImssimError
from imssim.model.tables import Tables
from imssim.present.choices import resolve_choices
from imssim.present.plots import registry
from imssim.present.plots.figures import depth, indices, network, ring_moves, rings, shortfalls
from imssim.present.plots.registry import RUN_FIGURES
from imssim.present.plots.style import RING_ORDER
from imssim.present.plots.writer import INDEX_FILE, FigureOptions, make_run_figures
from imssim.present.summary import ring_members, ring_transitions
from imssim.runs.folders import RunFolder
from imssim.world import load_world
from imssim.world.world import REGIONS


@pytest.fixture(scope="module")
def run(run_folder) -> RunFolder:
    return RunFolder(run_folder)


@pytest.fixture(scope="module")
def written(run_folder, tmp_path_factory):
    """All figures of a copy of the run, written to the default place (PNG and SVG)."""
    copy = tmp_path_factory.mktemp("plotted") / run_folder.name
    shutil.copytree(run_folder, copy)
    return copy, make_run_figures(RunFolder(copy), options=FigureOptions(formats=("png", "svg")))


def _ring_of(radius: float) -> str:
    return min(RING_ORDER, key=lambda ring: abs(rings.RING_RADII[ring] - radius))


@pytest.mark.slow
def test_every_figure_is_written_as_png_and_svg_in_order(written):
    copy, paths = written
    assert list(paths) == list(RUN_FIGURES)
    for name, png in paths.items():
        assert png == copy / "figures" / f"{name}.png"
        image = mpimg.imread(png)
        height, width = image.shape[:2]
        assert image.shape[2] in (3, 4)
        # 120 dpi: every figure is at least about 5 x 4 inches, and cut to its drawing
        assert width >= 600 and height >= 450, (name, image.shape)
        assert image.std() > 0.05  # not blank
        assert (image[0, :, :3] == 1).all() and (image[:, -1, :3] == 1).all()  # white margin
        svg = png.with_suffix(".svg").read_text()
        assert "<svg" in svg and svg.rstrip().endswith("</svg>")
    assert sorted(p.name for p in (copy / "figures").iterdir()) == sorted(
        [INDEX_FILE, *(f"{n}.{fmt}" for n in RUN_FIGURES for fmt in ("png", "svg"))]
    )


@pytest.mark.slow
def test_same_run_gives_byte_identical_svg(run, written, tmp_path):
    # the three figures with the most to go wrong: rotated labels, a layout optimiser,
    # a mesh with secondary axes (the others are plain lines, bars and one mesh)
    copy, _ = written
    which = ("network", "rings", "depth_matrix")
    network.network_layout.cache_clear()  # lay the network out afresh
    again = make_run_figures(run, tmp_path, FigureOptions(which=which, formats=("svg",)))
    assert list(again) == ["rings", "depth_matrix", "network"]
    for name in which:
        first = (copy / "figures" / f"{name}.svg").read_bytes()
        second = (tmp_path / f"{name}.svg").read_bytes()
        assert first == second, name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [INDEX_FILE, *(f"{n}.svg" for n in which)]
    )


def test_ring_diagram_places_each_partner_on_its_ring(run):
    tables, config = run.tables, run.config
    fig, data = rings.ring_diagram(tables, config)
    assert sorted(data["year"].unique()) == [2012, 2020, 2035]
    panels = [ax for ax in fig.axes if ax.get_title().isdigit()]
    assert [int(ax.get_title()) for ax in panels] == [2012, 2020, 2035]
    for ax in panels:
        year = int(ax.get_title())
        expected = ring_members(tables.pairs, config.focal, year)
        # the frame
        view = data[data["year"] == year]
        assert {r: sorted(view.loc[view["ring"] == r, "partner"]) for r in RING_ORDER} == expected
        # the drawing: each label points at its marker; its distance from the centre
        # tells the ring
        drawn = {r: [] for r in RING_ORDER}
        for label in ax.texts:
            if isinstance(label, Annotation):
                # (a trailing * marks a partner that sees the focal state otherwise)
                drawn[_ring_of(math.hypot(*label.xy))].append(label.get_text().rstrip("*"))
        assert {r: sorted(v) for r, v in drawn.items()} == expected
        radii = np.concatenate(
            [np.hypot(*c.get_offsets().T) for c in ax.collections if isinstance(c, PathCollection)]
        )
        for ring in RING_ORDER:
            on_ring = np.isclose(radii, rings.RING_RADII[ring]).sum()
            assert on_ring == len(expected[ring])
    # a partner keeps its angle in every panel, and no two partners share one
    angles = data[["partner", "angle"]].drop_duplicates()
    assert angles["partner"].is_unique and angles["angle"].is_unique


def test_ring_diagram_for_another_state_and_one_year(run):
    _, data = rings.ring_diagram(run.tables, run.config, years=[2016], focal="DEU")
    assert data["year"].unique().tolist() == [2016]
    view = data.groupby("ring")["partner"].apply(sorted).to_dict()
    expected = ring_members(run.tables.pairs, "DEU", 2016)
    assert {r: view.get(r, []) for r in RING_ORDER} == expected
    assert "DEU" not in data["partner"].tolist()


def test_ring_diagram_marks_the_partners_that_see_the_focal_state_otherwise(run):
    """The rings are the focal state's own view: a partner placing it in another ring is
    marked (* after its code), exactly where the pairs table says the views differ."""
    fig, data = rings.ring_diagram(run.tables, run.config, years=[2016, 2035], focal="CZE")
    p = run.tables.pairs
    view = p[(p["country"] == "CZE") & p["year"].isin([2016, 2035])].set_index(["year", "partner"])
    for row in data.itertuples(index=False):
        other = str(view.loc[(row.year, row.partner), "partner_ring"])
        assert row.returned == (other == row.ring), (row.year, row.partner)
    assert not data["returned"].all()  # Czechia's views are not all returned
    labels = {t.get_text() for ax in fig.axes for t in ax.texts}
    for row in data[~data["returned"]].itertuples(index=False):
        assert f"{row.partner}*" in labels


def test_ring_timeline_marks_every_move(run):
    tables, config = run.tables, run.config
    fig, data = ring_moves.ring_timeline(tables, config)
    moves = ring_transitions(tables.pairs, config.focal)
    assert set(data.loc[data["moved"], ["year", "partner"]].itertuples(index=False)) == set(
        moves[["year", "partner"]].itertuples(index=False)
    )
    # one row per partner that ever moved, named on the axis
    partners = list(dict.fromkeys(data["partner"]))
    assert sorted(partners) == sorted(moves["partner"].unique())
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert [label[-4:-1] for label in labels] == partners
    # the ring each year is the table's (no ring when the pair has no row or "none")
    view = tables.pairs[tables.pairs["country"] == config.focal]
    keys = zip(view["year"], view["partner"], strict=True)
    rings = dict(zip(keys, view["ring"].astype(str), strict=True))
    for row in data.itertuples(index=False):
        assert row.ring == rings.get((row.year, row.partner), "none")


def test_ring_timeline_without_moves_says_so(run):
    t = run.tables
    first = Tables(
        countries=t.countries[t.countries["year"] == 2012],
        pairs=t.pairs[t.pairs["year"] == 2012],
        events=t.events.iloc[:0],
        alliance=t.alliance[t.alliance["year"] == 2012],
        holdings=t.holdings[t.holdings["year"] == 2012],
        frameworks=t.frameworks[t.frameworks["year"] == 2012],
    )
    fig, data = ring_moves.ring_timeline(first, run.config)
    assert data.empty
    assert any("No partner changed ring" in x.get_text() for x in fig.axes[0].texts)


def test_indices_start_at_100_and_follow_the_budget(run):
    tables, config = run.tables, run.config
    fig, data = indices.index_chart(tables, config)
    assert list(dict.fromkeys(data["country"])) == [config.focal, "DEU", "FRA", "GBR", "BEL"]
    first = data[data["year"] == data["year"].min()]
    for column in ("budget_index", "capability_index", "capacity_to_act_index"):
        assert np.allclose(first[column], 100.0)
    c = tables.countries
    for code in ("NLD", "DEU"):
        own = c[c["country"] == code].sort_values("year")
        mine = data[data["country"] == code].sort_values("year")
        budget = own["budget"].to_numpy()
        assert np.allclose(mine["budget_index"], budget / budget[0] * 100.0)
        assert np.allclose(mine["autonomy"], own["autonomy"])
    # the budget panel draws these numbers: one line per state plus the 100 line
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "Netherlands (NLD)"]
    assert len(lines) == 1
    assert np.allclose(lines[0].get_ydata(), data.loc[data["country"] == "NLD", "budget_index"])


def test_depth_matrix_is_max_form_pivoted_from_pairs(run):
    tables, config = run.tables, run.config
    fig, matrix = depth.depth_matrix(tables, config, year=2020)
    view = tables.pairs[tables.pairs["year"] == 2020]
    states = matrix.index.tolist()
    assert states == matrix.columns.tolist()
    assert sorted(states) == sorted(tables.countries["country"].unique())
    # grouped by region in the world's order, then by code
    region = tables.countries.drop_duplicates("country").set_index("country")["region"]
    keys = [(REGIONS.index(region[s]), s) for s in states]
    assert keys == sorted(keys)
    expected = (
        view.pivot(index="country", columns="partner", values="max_form")
        .reindex(index=states, columns=states)
        .fillna(0)
        .to_numpy(dtype=float, copy=True)
    )
    np.fill_diagonal(expected, np.nan)
    np.testing.assert_array_equal(matrix.to_numpy(), expected)
    mesh = next(c for c in fig.axes[0].collections if isinstance(c, QuadMesh))
    drawn = np.ma.filled(np.ma.asarray(mesh.get_array(), dtype=float), np.nan)
    np.testing.assert_array_equal(drawn.reshape(expected.shape), expected)


def test_network_draws_one_edge_per_cooperating_pair(run):
    tables, config = run.tables, run.config
    fig, edges = network.cooperation_network(tables, config, year=2020)
    view = tables.pairs[(tables.pairs["year"] == 2020) & (tables.pairs["max_form"] > 0)]
    pairs = {frozenset(p) for p in zip(view["country"], view["partner"], strict=True)}
    assert {frozenset(p) for p in zip(edges["country"], edges["partner"], strict=True)} == pairs
    segments = [
        seg
        for c in fig.axes[0].collections
        if isinstance(c, LineCollection)
        for seg in c.get_segments()
    ]
    assert len(segments) == len(pairs)
    assert (edges["max_form"] > 0).all()
    # every state is a node, labelled with its code
    codes = {t.get_text() for t in fig.axes[0].texts}
    assert set(tables.countries["country"]) <= codes
    # the title says what the states are, counted from the world
    world = load_world(config.world.data_dir)
    members = int((world.nato | world.eu).sum())
    title = fig.axes[0].get_title()
    assert (
        f"among {world.n_states} states ({members} NATO and EU members of 2012, "
        f"{world.n_states - members} partners)"
    ) in title


def test_shortfalls_equal_the_alliance_table(run):
    tables, config = run.tables, run.config
    fig, data = shortfalls.shortfall_heatmap(tables, config)
    alliance = tables.alliance.set_index("year")
    areas = list(dict.fromkeys(data["area"]))
    assert len(areas) == sum(c.startswith("surplus_") for c in alliance.columns)
    for column in ("shortfall", "surplus"):
        wide = data.pivot(index="year", columns="area", values=column)[areas]
        expected = alliance[[f"{column}_{a}" for a in areas]]
        np.testing.assert_allclose(wide.to_numpy(), expected.to_numpy())
    mesh = next(c for c in fig.axes[0].collections if isinstance(c, QuadMesh))
    balance = data.pivot(index="area", columns="year", values="balance").loc[areas]
    drawn = np.asarray(mesh.get_array()).reshape(balance.shape)
    np.testing.assert_allclose(drawn, balance.to_numpy())
    low, high = mesh.norm.vmin, mesh.norm.vmax
    assert low == -high  # zero sits in the middle of the diverging map
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == list(dict.fromkeys(data["label"]))


@pytest.mark.parametrize(
    ("kwargs", "bad"),
    [
        ({"which": ["rings", "pie_chart"]}, "pie_chart"),
        ({"focal": "XYZ"}, "XYZ"),
        ({"others": ["DEU", "QQQ"]}, "QQQ"),
        ({"years": [2012, 1999]}, "1999"),
        ({"network_year": 2040}, "2040"),
    ],
)
def test_bad_choices_stop_before_anything_is_drawn(run, tmp_path, kwargs, bad):
    with pytest.raises(ImssimError, match=bad) as err:
        make_run_figures(run, tmp_path / "out", FigureOptions(**kwargs))
    assert "\n" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_figure_functions_check_their_input(run):
    with pytest.raises(ImssimError, match="2050"):
        depth.depth_matrix(run.tables, run.config, year=2050)
    with pytest.raises(ImssimError, match="ABC"):
        ring_moves.ring_timeline(run.tables, run.config, focal="ABC")


def test_captions_name_what_is_drawn(run):
    choices = resolve_choices(run.tables, run.config)
    text = registry.caption("rings", run.tables, run.config, choices)
    assert "2012, 2020, 2035" in text and "NLD" in text
    assert "2035" in registry.caption("network", run.tables, run.config, choices)
    other = resolve_choices(run.tables, run.config, network_year=2016, others=["POL"])
    assert "2016" in registry.caption("depth_matrix", run.tables, run.config, other)
    assert "and POL," in registry.caption("indices", run.tables, run.config, other)
    with pytest.raises(ImssimError, match="bogus"):
        registry.caption("bogus", run.tables, run.config, choices)
