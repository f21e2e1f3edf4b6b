"""Saved user layers in the store: save, list, load, delete, provenance, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from cmgis import InputError, StoreError, UnknownLayerError
from cmgis.store import open_app_store
from cmgis.user_layers import records as ul


def candidate_fixture() -> gpd.GeoDataFrame:
    """Two candidate zones shaped like `cmgis.suitability.surface.candidates_layer` output."""
    return gpd.GeoDataFrame(
        {
            "zone_id": ["candidate_01", "candidate_02"],
            "name_en": ["Candidate zone 1", "Candidate zone 2"],
            "name_th": ["พื้นที่ศักยภาพ 1", "พื้นที่ศักยภาพ 2"],
            "rank": [1, 2],
            "mean_score": [81.5, 77.25],
            "area_km2": [0.12, 0.08],
            "approximate": [True, True],
        },
        geometry=[box(98.97, 18.79, 98.975, 18.795), box(98.98, 18.80, 98.983, 18.803)],
        crs="EPSG:4326",
    )


PARAMS = {
    "weights": {"dist_health_m": 5.0, "elevation_m": 1.0, "dist_coworking_m": 0.0},
    "preset": "medical_wellness",
    "top_share": 0.1,
    "min_area_km2": 0.05,
    "resolution_m": 200.0,
}


@pytest.fixture
def store(store_url, monkeypatch):
    monkeypatch.setenv("CMGIS_DB", store_url)
    s = open_app_store()
    yield s
    s.close()


def test_round_trip(store):
    layer = candidate_fixture()
    saved = ul.save_candidate_layer(
        store, layer.to_crs(32647), name="Medical candidates 2026", created_by="ทีม A",
        parameters=PARAMS,
    )  # fmt: skip
    assert saved.layer_id == "user:medical_candidates_2026"
    assert saved.kind == "candidates" and saved.feature_count == 2
    assert saved.created_by == "ทีม A"
    assert saved.parameters["preset"] == "medical_wellness"
    # provenance: the layers the weighted criteria read (not dist_coworking_m: weight 0)
    assert "pois" in saved.provenance.inputs and "elevation" in saved.provenance.inputs
    assert "coworking" not in saved.provenance.inputs
    assert "OpenStreetMap" in saved.provenance.credit
    assert "derived from layers" in saved.provenance.text()
    assert [r.slug for r in ul.list_user_layers(store)] == ["medical_candidates_2026"]
    back = ul.load_user_layer(store, "user:medical_candidates_2026")
    assert back.crs.to_epsg() == 4326
    assert list(back.columns[:-1]) == list(layer.columns[:-1])
    assert back["name_th"].tolist() == layer["name_th"].tolist()
    assert back["mean_score"].tolist() == [81.5, 77.25]
    assert back["approximate"].tolist() == [True, True]
    for a, b in zip(back.geometry, layer.geometry, strict=True):
        assert a.symmetric_difference(b).area < 1e-12  # reprojected there and back
    ul.delete_user_layer(store, "medical_candidates_2026")
    assert ul.list_user_layers(store) == []
    assert store.query("SELECT * FROM user_layers_features") == []


def test_same_name_refused_then_replaced(store):
    ul.save_candidate_layer(store, candidate_fixture(), name="Zones A", created_by="x",
                            parameters=PARAMS)  # fmt: skip
    with pytest.raises(InputError, match="already has the id user:zones_a"):
        ul.save_candidate_layer(store, candidate_fixture().head(1), name="zones  a",
                                created_by="y", parameters=PARAMS)  # fmt: skip
    assert ul.get_user_layer(store, "zones_a").feature_count == 2  # nothing lost
    again = ul.save_candidate_layer(store, candidate_fixture().head(1), name="Zones A",
                                    created_by="y", parameters=PARAMS, replace=True)  # fmt: skip
    assert again.feature_count == 1 and len(ul.list_user_layers(store)) == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("<script>alert(1)</script>", "contains < >"),
        ("", "is empty"),
        ("x" * 81, "at most 80"),
        ("a\x07b", "control characters"),
    ],
)
def test_bad_names_refused(store, name, message):
    with pytest.raises(InputError, match=message):
        ul.save_candidate_layer(store, candidate_fixture(), name=name, created_by="x",
                                parameters=PARAMS)  # fmt: skip
    assert ul.list_user_layers(store) == []


def test_thai_name_gets_an_id(store):
    saved = ul.save_candidate_layer(store, candidate_fixture(), name="พื้นที่ศักยภาพ สุขภาพ",
                                    created_by="x", parameters=PARAMS)  # fmt: skip
    assert saved.slug.startswith("layer_") and saved.name == "พื้นที่ศักยภาพ สุขภาพ"


def test_bad_layers_refused(store):
    no_crs = candidate_fixture().set_crs(None, allow_override=True)
    with pytest.raises(InputError, match="no coordinate reference system"):
        ul.save_candidate_layer(store, no_crs, name="a", created_by="x", parameters=PARAMS)
    bowtie = Polygon([(98.9, 18.7), (99.0, 18.8), (99.0, 18.7), (98.9, 18.8)])
    broken = gpd.GeoDataFrame({"zone_id": ["c"]}, geometry=[bowtie], crs=4326)
    with pytest.raises(InputError, match="invalid geometry"):
        ul.save_candidate_layer(store, broken, name="b", created_by="x", parameters=PARAMS)
    with pytest.raises(InputError, match="no features"):
        ul.save_candidate_layer(store, broken.head(0), name="c", created_by="x",
                                parameters=PARAMS)  # fmt: skip
    assert ul.list_user_layers(store) == []


def test_unknown_ids(store):
    with pytest.raises(UnknownLayerError, match="none saved yet"):
        ul.load_user_layer(store, "user:nothing_here")
    with pytest.raises(UnknownLayerError, match="ids are user:"):
        ul.get_user_layer(store, "user:<b>x</b>")


def test_import_file_and_damaged_file(store, tmp_path: Path):
    good = tmp_path / "old.gpkg"
    layer = candidate_fixture()
    layer["parameters"] = json.dumps({"weights": {"elevation_m": 1}})
    layer.to_file(good, layer="candidate_zones", driver="GPKG")
    saved = ul.import_layer_file(store, good, name="Older zones", created_by="x")
    assert saved.kind == "candidates" and saved.parameters["weights"] == {"elevation_m": 1}
    damaged = tmp_path / "damaged.gpkg"
    damaged.write_bytes(good.read_bytes()[:3000])
    with pytest.raises(InputError, match="could not be read as a GeoPackage"):
        ul.import_layer_file(store, damaged, name="Broken", created_by="x")
    assert [r.slug for r in ul.list_user_layers(store)] == ["older_zones"]


def test_damaged_record_is_named_and_others_stay_readable(store):
    for name in ("Good", "Bad"):
        ul.save_candidate_layer(store, candidate_fixture(), name=name, created_by="x",
                                parameters=PARAMS)  # fmt: skip
    bad = ul.get_user_layer(store, "bad")
    damage = "UPDATE user_layers_features SET geometry = '{not json' WHERE layer_id = :i"
    if store.dialect == "postgresql":  # PostGIS's geometry column refuses the damage itself
        with pytest.raises(StoreError, match="refused a write"):
            store.execute(damage, {"i": bad.id})
        assert len(ul.load_user_layer(store, "bad")) == 2
        return
    store.execute(damage, {"i": bad.id})
    with pytest.raises(StoreError, match="the saved layer user:bad is damaged"):
        ul.load_user_layer(store, "bad")
    assert len(ul.load_user_layer(store, "good")) == 2
    assert {r.slug for r in ul.list_user_layers(store)} == {"good", "bad"}


@pytest.mark.parametrize("name", ["\u202egpkg.exe", "a\u2066b"])
def test_bidi_overrides_in_a_layer_name_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="control characters"):
        ul.clean_name(name)
    assert ul.clean_name("ย่านใหม่ 2569") == "ย่านใหม่ 2569"
