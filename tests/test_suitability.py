"""Tests of cmgis.suitability.surface: weighted surface, candidate zones, GeoTIFF and GeoPackage."""

import json
import math

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from affine import Affine
from shapely.geometry import box

from cmgis import InputError
from cmgis.suitability.criteria import (
    CriteriaStack,
    Criterion,
    Grid,
    Normalisation,
    normalise_stack,
)
from cmgis.suitability.surface import (
    NODATA,
    CandidateParams,
    candidate_parameters,
    candidate_zones,
    candidates_layer,
    load_stack,
    read_weights_file,
    save_candidates,
    save_stack,
    top_share_threshold,
    weighted_surface,
    write_surface,
)

UTM = "EPSG:32647"
LEFT, TOP = 500_000.0, 2_080_000.0


def crit(cid, direction="benefit"):
    return Criterion(
        id=cid, title_en=cid, title_th=cid, definition_en="", definition_th="", units="",
        method="inside", sources=(), direction=direction,
        normalisation=Normalisation("linear", 0.0, 1.0), coverage="full",
    )  # fmt: skip


def tiny_stack(rows_2d, ids, res=100.0):
    """A stack over every cell of a small grid, from 2-D arrays of raw values."""
    h, w = np.asarray(rows_2d[0]).shape
    grid = Grid(UTM, Affine(res, 0, LEFT, 0, -res, TOP), w, h)
    raw = np.stack([np.asarray(r, dtype=np.float32).ravel() for r in rows_2d])
    n = h * w
    return CriteriaStack(
        grid, tuple(ids), np.arange(n, dtype=np.int64), raw, np.full(n, np.inf, np.float32)
    )


PATTERN = [
    [1.0, 1.0, 0, 0, 0, 0],
    [1.0, 1.0, 0, 0, 0.9, 0],
    [0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0.8, 0.8, 0],
    [0, 0, 0, 0.8, 0.8, 0],
    [0, 0, 0, 0, 0, 0],
]


def test_weighted_sum_by_hand():
    stack = tiny_stack([[[1, 0.5, 0, 1]], [[0, 0.5, 1, 1]]], ["a", "b"])
    ns = normalise_stack(stack, [crit("a"), crit("b")])
    s = weighted_surface(ns, {"a": 3, "b": 1})
    assert s.values.tolist() == pytest.approx([75, 50, 25, 100])
    assert s.weights == pytest.approx({"a": 0.75, "b": 0.25})
    # a cost direction flips the scores of b: 1 - b
    ns2 = normalise_stack(stack, [crit("a"), crit("b", "cost")])
    assert weighted_surface(ns2, {"a": 1, "b": 1}).values.tolist() == pytest.approx(
        [100, 50, 0, 50]
    )


def test_nodata_of_a_weighted_criterion_leaves_the_cell_unscored():
    stack = tiny_stack([[[1, 0.5, 0, 1]], [[0, np.nan, 1, 1]]], ["a", "b"])
    ns = normalise_stack(stack, [crit("a"), crit("b")])
    both = weighted_surface(ns, {"a": 1, "b": 1})
    assert math.isnan(both.values[1])
    assert both.scored_share == 0.75
    assert both.data_gaps() == [("b", 0.25)]
    only_a = weighted_surface(ns, {"a": 1, "b": 0})  # b has no say: cell 1 is scored
    assert only_a.values.tolist() == pytest.approx([100, 50, 0, 100])
    assert only_a.data_gaps() == []


@pytest.mark.parametrize("weights", [{"a": -1}, {"a": 0}, {"zzz": 1}, {"a": float("nan")}])
def test_bad_weights_are_refused(weights):
    ns = normalise_stack(tiny_stack([[[1, 0]]], ["a"]), [crit("a")])
    with pytest.raises(InputError):
        weighted_surface(ns, weights)


def test_top_share_threshold_by_hand():
    v = np.array([10, 20, 30, 40, np.nan, 50, 60, 70, 80, 90, 100], dtype=np.float32)
    assert top_share_threshold(v, 0.2) == 90  # best 2 of 10 scored cells
    assert top_share_threshold(v, 0.25) == 80  # ceil(2.5) = 3 cells
    assert top_share_threshold(v, 1.0) == 10
    with pytest.raises(InputError, match="no cell has data"):
        top_share_threshold(np.full(3, np.nan, dtype=np.float32), 0.1)


def test_candidate_zones_by_hand():
    ns = normalise_stack(tiny_stack([PATTERN], ["a"]), [crit("a")])
    surface = weighted_surface(ns, {"a": 1})
    # 9 of 36 cells are above 0: top 25 % = the 4 cells of 100, the 1 of 90, the 4 of 80
    cands = candidate_zones(surface, CandidateParams(top_share=0.25, min_area_km2=0.02))
    assert cands.crs == UTM
    assert cands["rank"].tolist() == [1, 2]
    assert cands["mean_score"].tolist() == [100.0, 80.0]
    assert cands["area_km2"].tolist() == [0.04, 0.04]
    assert cands["cells"].tolist() == [4, 4]
    first = cands.geometry.iloc[0]
    assert first.equals(box(LEFT, TOP - 200, LEFT + 200, TOP))
    second = cands.geometry.iloc[1]
    assert second.equals(box(LEFT + 300, TOP - 500, LEFT + 500, TOP - 300))
    assert all(cands.geometry.is_valid)
    assert (cands.geometry.area / 1e6).round(6).tolist() == cands["area_km2"].tolist()
    # without a minimum area the single cell of 90 is a zone of its own, ranked second
    all3 = candidate_zones(surface, CandidateParams(top_share=0.25, min_area_km2=0.0))
    assert all3["mean_score"].tolist() == [100.0, 90.0, 80.0]
    assert all3["area_km2"].tolist() == [0.04, 0.01, 0.04]
    # a smaller share keeps only the best block
    best = candidate_zones(surface, CandidateParams(top_share=4 / 36, min_area_km2=0.0))
    assert best["cells"].tolist() == [4]


def test_diagonal_neighbours_are_separate_zones():
    pattern = [[1, 0], [0, 1]]
    ns = normalise_stack(tiny_stack([pattern], ["a"]), [crit("a")])
    cands = candidate_zones(weighted_surface(ns, {"a": 1}), CandidateParams(0.5, 0.0))
    assert len(cands) == 2


def test_candidate_overlap_with_districts():
    ns = normalise_stack(tiny_stack([PATTERN], ["a"]), [crit("a")])
    districts = gpd.GeoDataFrame(
        {"zone_id": ["nimman", "old_town"]},
        geometry=[
            box(LEFT, TOP - 200, LEFT + 100, TOP),
            box(LEFT + 2000, TOP - 100, LEFT + 2100, TOP),
        ],
        crs=UTM,
    ).to_crs("EPSG:4326")
    cands = candidate_zones(
        weighted_surface(ns, {"a": 1}), CandidateParams(0.25, 0.02), districts=districts
    )
    assert cands["overlap_nimman_km2"].tolist() == pytest.approx([0.02, 0.0], abs=1e-4)
    assert cands["overlap_old_town_km2"].tolist() == [0.0, 0.0]
    assert cands["overlap_zones"].iloc[0].startswith("nimman 0.020")
    assert cands["overlap_zones"].iloc[1] == "none"


@pytest.mark.parametrize(("share", "area"), [(0, 0.1), (1.5, 0.1), (0.1, -1), (float("nan"), 0)])
def test_bad_candidate_parameters_are_refused(share, area):
    ns = normalise_stack(tiny_stack([PATTERN], ["a"]), [crit("a")])
    with pytest.raises(InputError):
        candidate_zones(weighted_surface(ns, {"a": 1}), CandidateParams(share, area))


def test_geotiff_has_crs_transform_nodata_and_range(tmp_path):
    raw = np.array(PATTERN, dtype=np.float32)
    raw[5, 5] = np.nan
    ns = normalise_stack(tiny_stack([raw], ["a"]), [crit("a")])
    surface = weighted_surface(ns, {"a": 1})
    path = write_surface(surface, tmp_path / "s.tif")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 32647
        assert src.transform == surface.grid.transform
        assert src.nodata == NODATA
        assert src.dtypes == ("float32",)
        band = src.read(1, masked=True)
        assert band.mask[5, 5]
        assert band.mask.sum() == 1
        assert band.min() == 0.0
        assert band.max() == 100.0
        assert json.loads(src.tags()["weights"]) == {"a": 1.0}
    with pytest.raises(InputError, match="GeoTIFF"):
        write_surface(surface, tmp_path / "s.png")


def test_candidate_parameters_record_weights_share_area_and_cell_size():
    surface = weighted_surface(normalise_stack(tiny_stack([PATTERN], ["a"], res=50.0),
                                               [crit("a")]), {"a": 2})  # fmt: skip
    params = CandidateParams(0.25, 0.1)
    assert candidate_parameters(surface, params) == {
        "weights": {"a": 1.0},
        "top_share": 0.25,
        "min_area_km2": 0.1,
        "resolution_m": 50.0,
    }
    assert candidate_parameters(surface, params, preset="p")["preset"] == "p"


def test_candidate_layer_saved_as_valid_epsg4326_geopackage(tmp_path):
    ns = normalise_stack(tiny_stack([PATTERN], ["a"]), [crit("a")])
    cands = candidate_zones(weighted_surface(ns, {"a": 1}), CandidateParams(0.25, 0.0))
    layer = candidates_layer(
        cands, title_en="Test <b>", title_th="ทดสอบ", parameters={"weights": {"a": 1.0}}
    )
    path = save_candidates(layer, tmp_path / "c.gpkg")
    back = gpd.read_file(path, layer="candidate_zones")
    assert back.crs.to_epsg() == 4326
    assert back.geometry.is_valid.all()
    assert back["zone_id"].tolist() == ["candidate_01", "candidate_02", "candidate_03"]
    assert back["name_th"].iloc[0] == "พื้นที่ศักยภาพ 1"
    assert back["theme_en"].iloc[0] == "Test <b>"  # stored as given; escaped where shown
    assert json.loads(back["parameters"].iloc[0]) == {"weights": {"a": 1.0}}
    assert back["approximate"].all()
    # area survives the round trip to lon/lat and back
    assert (back.to_crs(UTM).area / 1e6).round(4).tolist() == back["area_km2"].tolist()
    with pytest.raises(InputError, match="GeoPackage"):
        save_candidates(layer, tmp_path / "c.shp")


def test_stack_cache_round_trip(tmp_path):
    stack = tiny_stack([PATTERN, np.array(PATTERN) * 2], ["a", "b"])
    back = load_stack(save_stack(stack, tmp_path / "s.npz"))
    assert back.grid == stack.grid
    assert back.ids == stack.ids
    assert np.array_equal(back.raw, stack.raw)
    assert np.array_equal(back.cell_index, stack.cell_index)


def test_weights_toml_round_trip(tmp_path):
    from cmgis.suitability.surface import weights_toml

    text = weights_toml({"a": 2.5, "b": 0.0}, title="two\nlines")
    assert text.splitlines()[0] == "# two lines"
    path = tmp_path / "w.toml"
    path.write_text(text, encoding="utf-8")
    assert read_weights_file(path, ["a", "b"]) == {"a": 2.5, "b": 0.0}


def test_weights_files(tmp_path):
    ids = ["a", "b"]
    t = tmp_path / "w.toml"
    t.write_text("[weights]\na = 2\nb = 0.5\n", encoding="utf-8")
    assert read_weights_file(t, ids) == {"a": 2.0, "b": 0.5}
    j = tmp_path / "w.json"
    j.write_text('{"a": 1}', encoding="utf-8")
    assert read_weights_file(j, ids) == {"a": 1.0}
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": "heavy"}', encoding="utf-8")
    with pytest.raises(InputError, match="weight of a must be a finite number"):
        read_weights_file(bad, ids)
    with pytest.raises(InputError, match=r"\.toml or \.json"):
        read_weights_file(tmp_path / "w.csv", ids)
    broken = tmp_path / "broken.toml"
    broken.write_text("a = = 1", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        read_weights_file(broken, ids)


def test_candidate_indicators_like_the_districts():
    from cmgis.suitability.surface import candidate_indicators

    # a 500 m square in the old town (inside the OSM extract), built by hand
    square = gpd.GeoSeries([box(0, 0, 500, 500)], crs=UTM)
    centre = gpd.GeoSeries.from_xy([98.9875], [18.7883], crs="EPSG:4326").to_crs(UTM).iloc[0]
    geom = square.translate(centre.x - 250, centre.y - 250).iloc[0]
    layer = gpd.GeoDataFrame({"zone_id": ["candidate_01"]}, geometry=[geom], crs=UTM)
    table = candidate_indicators(layer.to_crs("EPSG:4326"))
    assert list(table.index) == [
        "candidate_01", "nimman", "old_town", "suan_dok", "mae_kha", "mae_hia",
    ]  # fmt: skip
    assert table.loc["candidate_01", "area_km2"] == pytest.approx(0.25, rel=1e-3)
    assert table.loc["candidate_01", "osm_coverage_pct"] == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ย่านใหม่", "ย่านใหม่.gpkg"),  # tone marks kept, not turned into _
        ("../../etc/passwd", "etc_passwd.gpkg"),
        ("\u202egpkg.exe", "gpkg_exe.gpkg"),
        ("  ", "candidate_zones.gpkg"),
    ],
)
def test_safe_layer_filename_keeps_thai_and_drops_paths(name: str, expected: str) -> None:
    from cmgis.suitability.surface import safe_layer_filename

    assert safe_layer_filename(name) == expected
