"""Built layers: valid, EPSG:4326, inside the Chiang Mai extent, expected counts, Thai intact."""

from __future__ import annotations

import geopandas as gpd
import pytest

from cmgis import UnknownLayerError, settings
from cmgis.data.catalog import load_catalog
from cmgis.data.layers import MUNICIPALITY_COVERAGE, load_layer

# A little more than the Mueang tambons and the road graph (98.86-99.05 E, 18.70-18.88 N).
EXTENT = (98.85, 18.69, 99.06, 18.89)


def test_every_catalog_vector_layer_is_built(built_layers: dict[str, gpd.GeoDataFrame]) -> None:
    vector_ids = {e.id for e in load_catalog().layers if e.kind == "vector"}
    assert vector_ids == set(built_layers)


@pytest.mark.parametrize(
    "layer_id",
    [
        "tambons",
        "old_city_moat",
        "old_city_walls",
        "old_city_gates",
        "mae_kha_canal",
        "pois",
        "coworking",
        "landmarks",
        "named_places",
        "roads",
        "zones",
        "zone_anchors",
    ],
)
def test_layer_valid_in_4326_and_inside_extent(
    built_layers: dict[str, gpd.GeoDataFrame], layer_id: str
) -> None:
    gdf = built_layers[layer_id]
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert len(gdf) > 0
    assert gdf.geometry.is_valid.all()
    assert not gdf.geometry.is_empty.any()
    minx, miny, maxx, maxy = gdf.total_bounds
    assert minx >= EXTENT[0] and maxx <= EXTENT[2]
    assert miny >= EXTENT[1] and maxy <= EXTENT[3]


def test_expected_counts(built_layers: dict[str, gpd.GeoDataFrame]) -> None:
    assert len(built_layers["tambons"]) == 16
    assert len(built_layers["old_city_gates"]) == 5
    assert len(built_layers["old_city_moat"]) == 19
    assert len(built_layers["old_city_walls"]) == 14
    assert len(built_layers["mae_kha_canal"]) == 1
    assert len(built_layers["pois"]) == 4557
    assert len(built_layers["landmarks"]) == 46
    assert len(built_layers["roads"]) == 34452
    assert len(built_layers["zones"]) == 5


def test_tambons_thai_names_codes_and_coverage(built_layers: dict[str, gpd.GeoDataFrame]) -> None:
    t = built_layers["tambons"].set_index("name_en")
    assert t.loc["Si Phum", "name_th"] == "ศรีภูมิ"
    assert t.loc["Mae Hia", "name_th"] == "แม่เหียะ"
    assert t.loc["Mae Hia", "tambon_code"] == "TH500109"
    counts = t["municipality_coverage"].value_counts().to_dict()
    assert counts == {"part": 8, "whole": 6, "none": 2}
    assert set(t.index[t["municipality_coverage"] == "none"]) == {"Mae Hia", "San Phisuea"}
    assert dict(t["municipality_coverage"]) == MUNICIPALITY_COVERAGE
    # Areas computed in metres: the 16 tambons cover about 180 km² (Mueang Chiang Mai
    # district is about 152-167 km² by official counts, the COD-AB polygons slightly more).
    assert 150 < t["area_km2"].sum() < 200


def test_gates_have_names(built_layers: dict[str, gpd.GeoDataFrame]) -> None:
    names = " ".join(built_layers["old_city_gates"]["name_en"])
    for gate in ("Thapae", "Chiang Mai", "Suan Dok", "Saen Pung", "Chang Phueak"):
        assert gate in names


def test_canal_length_matches_notice(built_layers: dict[str, gpd.GeoDataFrame]) -> None:
    # NOTICE.md: "about 14.19 km long"
    assert built_layers["mae_kha_canal"]["length_m"].iloc[0] == pytest.approx(14190, abs=50)
    assert built_layers["mae_kha_canal"]["name_th"].iloc[0] == "คลองแม่ข่า"


def test_pois_hospitals_split_from_clinics(built_layers: dict[str, gpd.GeoDataFrame]) -> None:
    pois = built_layers["pois"]
    assert "hospital" not in set(pois["osm_category"]) - {"hospital"}  # source kept
    hospitals = pois[pois["category"] == "hospital"]["name"]
    clinics = pois[pois["category"] == "clinic_or_practice"]["name"]
    assert "โรงพยาบาลมหาราชนครเชียงใหม่" in set(hospitals)
    assert not hospitals.str.contains("Pet|Clinic|คลินิก", case=False).any()
    assert clinics.str.contains("Pet Clinic").any()
    assert (pois["osm_category"] == "hospital").sum() == len(hospitals) + len(clinics) == 142
    assert "tourism_leisure" in set(pois["category"])
    assert "attraction" not in set(pois["category"])


def test_coworking_layer_deduplicated(built_layers: dict[str, gpd.GeoDataFrame]) -> None:
    names = list(built_layers["coworking"]["name"].str.lower())
    assert len(names) == 3  # "The Social Club" appears twice in the source, 0.4 m apart
    assert all("coworking" in n for n in names)


def test_landmark_corrections(built_layers: dict[str, gpd.GeoDataFrame]) -> None:
    lm = built_layers["landmarks"].set_index("name")
    assert lm.loc["วัดหมื่นสาร", "kind"] == "temple"
    assert lm.loc["วัดหมื่นสาร", "kind_source"] == "monument"
    assert lm.loc["Greens Music", "note"].startswith("corrected")
    assert set(lm["kind"]) >= {"uni", "hospital", "market", "bus", "rail"}


def test_roads_length_in_metres(built_layers: dict[str, gpd.GeoDataFrame]) -> None:
    roads = built_layers["roads"]
    # NOTICE.md: "about 1,141 km in all"
    assert roads["length_m"].sum() / 1000 == pytest.approx(1141, abs=1)
    # the source length agrees with the geometry measured in UTM 47N
    measured = roads.to_crs(settings.METRIC_CRS).length
    assert (measured - roads["length_m"]).abs().median() < 1.0


def test_unknown_layer_error_names_the_known_ones() -> None:
    with pytest.raises(UnknownLayerError, match=r"expected one of: .*tambons"):
        load_layer("nope")
