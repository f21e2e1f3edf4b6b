"""Tests of suitability.criteria: grid, raster builders, normalisation, the data-coverage rule."""

import math

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from affine import Affine
from shapely.geometry import LineString, Point, box

from cmgis import InputError
from cmgis.suitability.criteria import (
    Criterion,
    Grid,
    Normalisation,
    Source,
    build_stack,
    density_raster,
    distance_raster,
    elevation_raster,
    intersection_points,
    load_spec,
    normalise,
    normalise_stack,
    parse_spec,
    score,
)

UTM = "EPSG:32647"


def grid_100m(width=5, height=5):
    return Grid(UTM, Affine(100.0, 0.0, 500_000.0, 0.0, -100.0, 2_080_000.0), width, height)


def crit(cid, method, *, kind="linear", low=0.0, high=1000.0, direction="cost", **kw):
    return Criterion(
        id=cid,
        title_en=cid,
        title_th=cid,
        definition_en="",
        definition_th="",
        units="m",
        method=method,
        sources=kw.pop("sources", ()),
        direction=direction,
        normalisation=Normalisation(kind, low, high),
        coverage=kw.pop("coverage", "full"),
        bandwidth_m=kw.pop("bandwidth_m", None),
    )


def test_grid_snaps_outward_to_whole_cells():
    g = Grid.from_bounds((1005.0, 2003.0, 1391.0, 2250.0), 100.0, crs=UTM)
    assert g.bounds_m == (1000.0, 2000.0, 1400.0, 2300.0)
    assert (g.width, g.height) == (4, 3)
    assert g.cell_area_km2 == pytest.approx(0.01)


def test_grid_refuses_bad_resolution():
    with pytest.raises(InputError, match="resolution"):
        Grid.from_bounds((0, 0, 10, 10), 0.0, crs=UTM)


def test_linear_cost_and_benefit_by_hand():
    v = np.array([0, 250, 1000, 2000, np.nan], dtype=np.float32)
    cost = score(v, "linear", "cost", 0.0, 1000.0)
    assert cost[:4].tolist() == [1.0, 0.75, 0.0, 0.0]
    assert math.isnan(cost[4])
    benefit = score(v, "linear", "benefit", 0.0, 1000.0)
    assert benefit[:4].tolist() == [0.0, 0.25, 1.0, 1.0]


def test_sigmoid_is_cos_squared_between_bounds():
    v = np.array([0, 250, 500, 1000], dtype=np.float32)
    s = score(v, "sigmoid", "benefit", 0.0, 1000.0)
    # t = 0.25 -> cos²(0.75·π/2) = 0.1464; t = 0.5 -> cos²(π/4) = 0.5
    assert s == pytest.approx([0.0, 0.14645, 0.5, 1.0], abs=1e-4)


def test_threshold_by_direction():
    v = np.array([0.0, 0.4, 0.5, 1.0], dtype=np.float32)
    assert score(v, "threshold", "benefit", 0.5, 0.5).tolist() == [0, 0, 1, 1]
    assert score(v, "threshold", "cost", 0.5, 0.5).tolist() == [1, 1, 1, 0]


def test_distance_raster_by_hand():
    g = grid_100m()
    # a point in the centre cell (row 2, col 2): centre (500250, 2079750)
    pts = gpd.GeoSeries([Point(500_250, 2_079_750)], crs=UTM)
    d = distance_raster(pts, g, np.ones(g.shape, dtype=bool))
    assert d[2, 2] == 0
    assert d[2, 4] == pytest.approx(200.0)
    assert d[0, 0] == pytest.approx(math.hypot(200, 200))


def test_distance_is_nodata_outside_coverage_and_without_features():
    g = grid_100m()
    cov = np.ones(g.shape, dtype=bool)
    cov[:, 3:] = False
    pts = gpd.GeoSeries([Point(500_050, 2_079_950)], crs=UTM)
    d = distance_raster(pts, g, cov)
    assert np.isnan(d[:, 3:]).all()
    assert np.isfinite(d[:, :3]).all()
    empty = distance_raster(gpd.GeoSeries([], crs=UTM), g, cov)
    assert np.isnan(empty).all()


def test_density_integrates_to_the_number_of_points():
    g = Grid(UTM, Affine(10.0, 0, 500_000.0, 0, -10.0, 2_080_000.0), 200, 200)
    pts = gpd.GeoSeries([Point(501_000, 2_079_000), Point(500_900, 2_079_100)], crs=UTM)
    dens = density_raster(pts, g, np.ones(g.shape, dtype=bool), bandwidth_m=100.0)
    assert np.nansum(dens) * g.cell_area_km2 == pytest.approx(2.0, rel=1e-3)
    assert dens[100, 100] > dens[10, 10]


def test_density_is_edge_corrected_and_nodata_outside():
    g = Grid(UTM, Affine(10.0, 0, 500_000.0, 0, -10.0, 2_080_000.0), 100, 100)
    cov = np.zeros(g.shape, dtype=bool)
    cov[:, :50] = True
    # evenly spread points: one per cell inside coverage -> true density 1e4 per km²
    xs, ys = np.meshgrid(np.arange(50) * 10 + 500_005, 2_080_000 - (np.arange(100) * 10 + 5))
    pts = gpd.GeoSeries(gpd.points_from_xy(xs.ravel(), ys.ravel()), crs=UTM)
    dens = density_raster(pts, g, cov, bandwidth_m=50.0)
    assert np.isnan(dens[:, 50:]).all()
    # next to the coverage edge the corrected density still reads 1e4, not ~half of it
    assert dens[50, 49] == pytest.approx(1e4, rel=0.02)
    assert dens[50, 20] == pytest.approx(1e4, rel=0.02)


def test_distance_near_the_data_edge_is_kept_only_when_the_score_is_certain():
    c = crit("dist_x_m", "distance", coverage="osm_extract", low=0.0, high=1000.0)
    raw = np.array([200, 800, 1500, 900], dtype=np.float32)
    edge = np.array([500, 300, 1200, 5000], dtype=np.float32)
    s, _ = normalise(c, raw, edge)
    assert s[0] == pytest.approx(0.8)  # nearest feature closer than the edge: exact
    assert math.isnan(s[1])  # a feature beyond the edge could be 300..800 m away
    assert s[2] == 0.0  # whatever lies beyond, it is over 1000 m: score 0 either way
    assert s[3] == pytest.approx(0.1)


def test_percentile_bounds_are_resolved_from_the_data():
    c = crit("density_x", "density", direction="benefit", low=0.0, high="p50", bandwidth_m=1)
    raw = np.array([0, 1, 2, 3, 4, np.nan], dtype=np.float32)
    s, bounds = normalise(c, raw, np.full(6, np.inf, dtype=np.float32))
    assert bounds == (0.0, 2.0)
    assert s[:5].tolist() == [0.0, 0.5, 1.0, 1.0, 1.0]


def test_elevation_is_resampled_from_a_lonlat_geotiff(tmp_path):
    tif = tmp_path / "dem.tif"
    data = np.full((20, 20), 310, dtype=np.int16)
    data[:, 10:] = 1000
    with rasterio.open(
        tif, "w", driver="GTiff", width=20, height=20, count=1, dtype="int16",
        crs="EPSG:4326", transform=Affine(0.01, 0, 98.9, 0, -0.01, 18.9), nodata=-32768,
    ) as dst:  # fmt: skip
        dst.write(data, 1)
    extent = gpd.GeoDataFrame(geometry=[box(98.91, 18.75, 99.09, 18.85)], crs="EPSG:4326")
    from cmgis.suitability.criteria import grid_for_extent

    g = grid_for_extent(extent, 200.0)
    elev = elevation_raster(tif, g)
    assert np.nanmin(elev) == pytest.approx(310, abs=0.5)
    assert np.nanmax(elev) == pytest.approx(1000, abs=0.5)
    assert elev[:, 0].mean() < elev[:, -1].mean()  # west (low) to east (high)


def test_intersections_are_nodes_of_degree_three_or_more():
    roads = gpd.GeoDataFrame(
        {"u": [1, 1, 1, 2], "v": [2, 3, 4, 5]},
        geometry=[
            LineString([(0, 0), (1, 0)]),
            LineString([(0, 0), (0, 1)]),
            LineString([(0, 0), (-1, 0)]),
            LineString([(1, 0), (2, 0)]),
        ],
        crs=UTM,
    )
    pts = intersection_points(roads)
    assert len(pts) == 1
    assert (pts.iloc[0].x, pts.iloc[0].y) == (0.0, 0.0)


def test_stack_on_tiny_layers_with_known_answers():
    # extent: 1 km square, 100 m cells -> 100 cells
    ext = gpd.GeoDataFrame(
        {"municipality_coverage": ["whole", "none"]},
        geometry=[
            box(500_000, 2_079_000, 500_500, 2_080_000),
            box(500_500, 2_079_000, 501_000, 2_080_000),
        ],
        crs=UTM,
    )
    canal = gpd.GeoDataFrame(
        geometry=[LineString([(500_050, 2_079_000), (500_050, 2_080_000)])], crs=UTM
    )
    criteria = [
        crit(
            "inside", "inside", kind="threshold", direction="benefit", low=0.5,
            sources=(Source("tambons", "municipality_coverage", ("whole", "part")),),
        ),
        crit("dist_canal_m", "distance", sources=(Source("mae_kha_canal"),)),
    ]  # fmt: skip
    stack = build_stack(
        criteria, {"tambons": ext, "mae_kha_canal": canal}, extent=ext, resolution_m=100
    )
    assert stack.n_cells == 100
    inside = stack.to_grid(stack.row("inside"))
    assert inside[:, :5].sum() == 50
    assert inside[:, 5:].sum() == 0
    dist = stack.to_grid(stack.row("dist_canal_m"))
    assert dist[3, :].tolist() == [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]
    ns = normalise_stack(stack, criteria)
    assert ns.nodata_bits.max() == 0
    assert ns.coverage_share("inside") == 1.0


def test_osm_based_criteria_are_nodata_outside_the_extract():
    # extent straddles the east edge of the OSM extract (99.032 E)
    ext = gpd.GeoDataFrame(geometry=[box(99.02, 18.79, 99.045, 18.80)], crs="EPSG:4326")
    pois = gpd.GeoDataFrame(
        {"category": ["hospital"]}, geometry=[Point(99.025, 18.795)], crs="EPSG:4326"
    )
    c = crit(
        "dist_health_m", "distance", coverage="osm_extract",
        sources=(Source("pois", "category", ("hospital",)),),
    )  # fmt: skip
    stack = build_stack([c], {"pois": pois}, extent=ext, resolution_m=50)
    d = stack.to_grid(stack.row("dist_health_m"))
    left, _, _right, _ = stack.grid.bounds_m
    x_edge = gpd.GeoSeries([Point(99.032, 18.795)], crs="EPSG:4326").to_crs(UTM).iloc[0].x
    col_edge = int((x_edge - left) // 50)
    assert np.isnan(d[:, col_edge + 1 :]).all()
    domain = np.isfinite(stack.to_grid(np.ones(stack.n_cells)))
    assert np.isfinite(d[:, : col_edge - 1][domain[:, : col_edge - 1]]).all()
    ns = normalise_stack(stack, [c])
    assert 0.2 < ns.coverage_share("dist_health_m") < 0.8


def test_bundled_spec_is_complete():
    spec = load_spec()
    assert {p.id for p in spec.presets} == {
        "medical_wellness", "digital_it", "bio_food", "social_innovation", "heritage_creative",
    }  # fmt: skip
    for c in spec.criteria:
        assert c.title_en
        assert c.title_th
        assert c.definition_en
        assert c.definition_th
        assert c.units
    for p in spec.presets:
        assert set(p.weights) <= {c.id for c in spec.criteria}


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('method = "magic"', "method must be one of"),
        ('direction = "up"', "direction must be one of"),
        ('normalisation = { kind = "linear", low = 5, high = 1 }', "low < high"),
        ('normalisation = { kind = "linear", low = 0, high = "q9" }', "percentile"),
    ],
)
def test_spec_errors_say_what_is_wrong(snippet, message):
    base = {
        "method": 'method = "distance"',
        "direction": 'direction = "cost"',
        "normalisation": 'normalisation = { kind = "linear", low = 0, high = 10 }',
    }
    key = snippet.split(" ", 1)[0]
    base[key] = snippet
    text = '[[criteria]]\nid = "x"\nsources = [{ layer = "pois" }]\n' + "\n".join(base.values())
    with pytest.raises(InputError, match=message):
        parse_spec(text)


def test_spec_refuses_unknown_criteria_in_presets():
    text = (
        '[[criteria]]\nid = "x"\nmethod = "distance"\ndirection = "cost"\n'
        'sources = [{ layer = "pois" }]\nnormalisation = { kind = "linear", low = 0, high = 1 }\n'
        "[presets.p]\nweights = { y = 1 }\n"
    )
    with pytest.raises(InputError, match="unknown criteria y"):
        parse_spec(text)
