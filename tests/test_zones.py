"""The five districts: built by their methods, contain their anchors, plausible areas."""

from __future__ import annotations

import itertools
import json

import geopandas as gpd
import pytest
import shapely

from cmgis import InputError, settings
from cmgis.data.network import RoadGraph
from cmgis.data.raw import OSM_EXTRACT_BOUNDS_LONLAT
from cmgis.districts.zones import ZONE_IDS, build_zones, load_zone_spec
from tests.thai_support import THAI


@pytest.fixture(scope="module")
def zones(built_layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    return built_layers["zones"].set_index("zone_id")


def test_five_zones_with_names_and_attributes(zones: gpd.GeoDataFrame) -> None:
    assert list(zones.index) == list(ZONE_IDS)
    assert zones.loc["nimman", "name_th"] == "นิมมานเหมินท์"
    assert zones.loc["old_town", "name_th"] == "เมืองเก่า"
    assert zones.loc["mae_kha", "name_th"] == "คลองแม่ข่า"
    for col in ("theme_en", "theme_th", "strategies", "plan_items", "method", "parameters"):
        assert zones[col].str.len().gt(0).all(), col
    assert zones["geometry"].geom_type.isin(["Polygon", "MultiPolygon"]).all()
    for params in zones["parameters"]:
        assert isinstance(json.loads(params), dict)


def test_each_zone_contains_its_anchors(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    anchors = built_layers["zone_anchors"]
    assert set(anchors["zone_id"]) == {"nimman", "suan_dok", "mae_hia"}
    for _, a in anchors.iterrows():
        assert zones.loc[a["zone_id"], "geometry"].contains(a.geometry), a["name"]


def test_suan_dok_contains_the_hospital_and_faculty(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    pois = built_layers["pois"].set_index("name")
    for name in ("โรงพยาบาลมหาราชนครเชียงใหม่", "คณะแพทยศาสตร์"):
        assert zones.loc["suan_dok", "geometry"].contains(pois.loc[name, "geometry"])


def test_old_town_lies_inside_the_moat(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    old = zones.loc["old_town", "geometry"]
    moat = shapely.union_all(built_layers["old_city_moat"].geometry.values)
    outer = shapely.convex_hull(moat)
    assert outer.contains(old)
    # it does not overlap the water (beyond rounding at the corners)
    assert old.intersection(moat).area / old.area < 0.01
    # all five gates are on its edge (within 80 m, in metres)
    old_m = gpd.GeoSeries([old], crs=4326).to_crs(settings.METRIC_CRS).iloc[0]
    gates_m = built_layers["old_city_gates"].to_crs(settings.METRIC_CRS)
    assert gates_m.distance(old_m.exterior).max() < 80


def test_areas_plausible(zones: gpd.GeoDataFrame) -> None:
    a = zones["area_km2"]
    # Old Town: the moat is a square of about 1.6 km a side (1.5-1.6 km inside): 2.2-2.6 km².
    assert 2.2 < a["old_town"] < 2.6
    # An 800 m walking catchment on a street grid covers at most the 2 km² disc of radius
    # 800 m, plus the 50 m edge buffer and the campus closing: 1-3 km².
    assert 1.0 < a["nimman"] < 3.0
    assert 1.0 < a["suan_dok"] < 3.0
    # The canal corridor: 500 m wide along ~13.8 km inside the tambons, clipped to the
    # municipal tambons: well under 0.5 × 13.8 = 6.9 km² … and more than half of it.
    assert 3.5 < a["mae_kha"] < 7.0
    # Mae Hia: the same 800 m catchment, clipped at the OSM extract's 98.936 E edge, which
    # runs through the campus: smaller than the others, comparable in kind (0.5-3 km²).
    assert 0.5 < a["mae_hia"] < 3.0
    # area_km2 is computed in EPSG:32647
    metric = zones.to_crs(settings.METRIC_CRS).area / 1e6
    assert (metric - a).abs().max() < 1e-3


def test_mae_hia_anchored_on_real_campus_features_not_approximate(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    anchors = built_layers["zone_anchors"]
    mae_hia = anchors[anchors["zone_id"] == "mae_hia"].set_index("name")
    # the Science and Technology Park (STeP) of CMU Mae Hia, from the OSM POIs by name
    step = mae_hia.loc["STeP - Science and Technology Park"]
    assert step["source_layer"] == "pois"
    assert step.geometry.x == pytest.approx(98.9370, abs=1e-3)
    assert step.geometry.y == pytest.approx(18.7647, abs=1e-3)
    assert not mae_hia["approximate"].astype(bool).any()
    assert not zones["approximate"].astype(bool).any()
    # the same kind of district as Nimman and Suan Dok: an 800 m walking catchment
    assert zones.loc["mae_hia", "method_id"] == "network_catchment"
    assert json.loads(zones.loc["mae_hia", "parameters"])["catchment_m"] == 800
    assert "hand" not in zones.loc["mae_hia", "method"]
    # clipped to where the data is: the whole district lies in the OSM extract
    assert zones.loc["mae_hia", "geometry"].bounds[0] >= OSM_EXTRACT_BOUNDS_LONLAT[0] - 1e-9


def test_districts_are_pairwise_disjoint_by_the_stated_rule(zones: gpd.GeoDataFrame) -> None:
    metric = zones.to_crs(settings.METRIC_CRS).geometry
    for a, b in itertools.combinations(ZONE_IDS, 2):
        # less than one square metre (reprojection noise where two districts meet)
        assert metric[a].intersection(metric[b]).area < 1.0, (a, b)
    # the rule is named, in the layer and in the spec
    rule = zones["disjoint_rule"].iloc[0]
    assert (zones["disjoint_rule"] == rule).all()
    assert "Old Town (moat interior) is a hard edge" in rule
    assert "nearer along the road network" in rule
    spec = load_zone_spec()
    assert spec["disjoint"]["hard_edge"] == ["old_town"]
    assert spec["disjoint"]["rule_en"] == rule


def test_without_the_rule_nimman_and_suan_dok_overlap(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame], road_graph: RoadGraph
) -> None:
    # Each catchment built alone (no other district to be disjoint from): they overlap,
    # and Suan Dok crosses the moat into the Old Town; the rule removes both.
    spec = load_zone_spec()
    alone = {}
    for zone_id in ("nimman", "suan_dok"):
        one = dict(spec, zone=[z for z in spec["zone"] if z["id"] == zone_id])
        built = build_zones(built_layers, road_graph, spec=one)[0]
        alone[zone_id] = built.to_crs(settings.METRIC_CRS).geometry.iloc[0]
    final = zones.to_crs(settings.METRIC_CRS).geometry
    assert alone["nimman"].intersection(alone["suan_dok"]).area > 0.3e6
    assert alone["suan_dok"].intersection(final["old_town"]).area > 1e4
    # the shared part is split, not given wholly to one side
    shared = alone["nimman"].intersection(alone["suan_dok"])
    assert final["nimman"].intersection(shared).area > 0.05e6
    assert final["suan_dok"].intersection(shared).area > 0.05e6
    # nothing is lost: the split parts cover the shared part outside the Old Town
    rest = shared.difference(final["old_town"])
    covered = final["nimman"].union(final["suan_dok"]).intersection(rest).area
    assert covered == pytest.approx(rest.area, rel=1e-3)


def test_every_profile_says_how_the_boundary_was_made(zones: gpd.GeoDataFrame) -> None:
    for zone_id, row in zones.iterrows():
        assert len(row["boundary_note_en"]) > 80, zone_id
        assert THAI.search(row["boundary_note_th"]), zone_id
        assert row["boundary_confidence"] in {"high", "medium", "low"}, zone_id
    assert zones.loc["old_town", "boundary_confidence"] == "high"
    assert zones.loc["mae_kha", "boundary_confidence"] == "low"


def test_mae_kha_flags_the_share_beyond_the_wholly_municipal_tambons(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    share = zones["not_whole_municipal_share_pct"].astype(float)
    t = built_layers["tambons"].to_crs(settings.METRIC_CRS)
    part = shapely.union_all(t[t["municipality_coverage"] != "whole"].geometry.values)
    kha = zones.to_crs(settings.METRIC_CRS).geometry["mae_kha"]
    assert share["mae_kha"] == pytest.approx(100 * kha.intersection(part).area / kha.area, abs=0.1)
    assert 50 < share["mae_kha"] < 80
    # only the corridor, whose city reach the report does not state, carries the flag
    assert share.drop(index="mae_kha").isna().all()


def test_mae_kha_corridor_stays_in_municipal_tambons(
    zones: gpd.GeoDataFrame, built_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    t = built_layers["tambons"]
    outside = shapely.union_all(t[t["municipality_coverage"] == "none"].geometry.values)
    assert zones.loc["mae_kha", "geometry"].intersection(outside).area < 1e-9


def test_spec_change_changes_zone(
    built_layers: dict[str, gpd.GeoDataFrame], road_graph: RoadGraph
) -> None:
    spec = load_zone_spec()
    for z in spec["zone"]:
        if z["id"] == "mae_kha":
            z["buffer_m"] = 100
    zones, _ = build_zones(built_layers, road_graph, spec=spec)
    z = zones.set_index("zone_id")
    assert z.loc["mae_kha", "area_km2"] < 3.0
    assert json.loads(z.loc["mae_kha", "parameters"])["buffer_m"] == 100


def test_missing_anchor_is_a_clear_error(
    built_layers: dict[str, gpd.GeoDataFrame], road_graph: RoadGraph
) -> None:
    spec = load_zone_spec()
    for z in spec["zone"]:
        if z["id"] == "nimman":
            z["anchors"] = [{"layer": "pois", "name": "No Such Place"}]
    with pytest.raises(InputError, match="No Such Place"):
        build_zones(built_layers, road_graph, spec=spec)
