"""Imports of good files: every format round-trips with Thai intact; encodings; CRSs."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from cmgis import ImportRefusedError
from cmgis.imports import crs_candidates, delete_import, list_imports, prepare_import, store_import
from cmgis.store import open_app_store
from cmgis.user_layers import load_user_layer
from tests import imports_support as sup


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "s.sqlite"))
    s = open_app_store()
    yield s
    s.close()


def _same_names(frame: pd.DataFrame) -> None:
    """Thai and English names as in the tambon layer (FlatGeobuf reorders features)."""
    expected = sup.tambons().set_index("code")
    got = frame.set_index("code").loc[expected.index]
    assert list(got["name_th"]) == list(expected["name_th"])
    assert list(got["name_en"]) == list(expected["name_en"])


def _write(folder: Path, fmt: str) -> Path:
    layer = sup.tambons()
    if fmt == "geojson":
        path = folder / "t.geojson"
        pyogrio.write_dataframe(layer, path, driver="GeoJSON")
    elif fmt == "gpkg":
        path = folder / "t.gpkg"
        pyogrio.write_dataframe(layer.to_crs(32647), path, layer="tambons")
    elif fmt == "fgb":
        path = folder / "t.fgb"
        pyogrio.write_dataframe(layer, path)
    elif fmt == "kml":
        path = folder / "t.kml"
        pyogrio.write_dataframe(layer, path, driver="LIBKML")
    elif fmt == "kmz":
        kml = _write(folder, "kml")
        path = folder / "t.kmz"
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(kml, "doc.kml")
    elif fmt == "csv_wkt":
        path = folder / "t.csv"
        frame = pd.DataFrame(layer.drop(columns="geometry"))
        frame["wkt"] = layer.geometry.to_wkt()
        frame.to_csv(path, index=False, encoding="utf-8")
    elif fmt == "shp_utf8":
        path = sup.shapefile_zip(folder, layer.to_crs(32647), encoding="UTF-8")
    else:
        raise AssertionError(fmt)
    return path


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "fgb", "kml", "kmz", "csv_wkt", "shp_utf8"])
def test_every_format_round_trips_with_thai(store, tmp_path: Path, fmt: str) -> None:
    # a WKT column states no CRS: the user confirms the one the file is in
    prepared = prepare_import(_write(tmp_path, fmt), crs="EPSG:4326" if fmt == "csv_wkt" else None)
    assert prepared.kind == "polygon"
    assert prepared.feature_count == 16
    record = store_import(
        store,
        prepared,
        imported_by="สมชาย",
        title=f"Tambons {fmt}",
        source="Royal Thai Survey Department via HDX",
        licence="CC BY-IGO 3.0",
        date="2023-06",
    )
    assert record.kind == "imported" and record.created_by == "สมชาย"
    assert record.provenance.source == "Royal Thai Survey Department via HDX"
    assert record.provenance.date == "2023-06"
    back = load_user_layer(store, record.slug)
    assert back.crs == "EPSG:4326"
    _same_names(back)
    original = sup.tambons().set_index("code")
    back = back.set_index("code").loc[original.index]
    # the same places: areas agree within 0.1 % (KML/WKT round coordinates a little)
    ratio = back.to_crs(32647).area.to_numpy() / original.to_crs(32647).area.to_numpy()
    assert np.allclose(ratio, 1, atol=1e-3)


def test_csv_points_lonlat_and_cp874(store, tmp_path: Path) -> None:
    pts = sup.points()
    frame = pd.DataFrame(
        {
            "ชื่อ": pts["name_th"],
            "longitude": pts.geometry.x,
            "latitude": pts.geometry.y,
            "name_en": pts["name_en"],
        }
    )
    path = tmp_path / "coworking.csv"
    frame.to_csv(path, index=False, encoding="cp874")
    prepared = prepare_import(path)
    assert prepared.kind == "point" and prepared.encoding == "cp874"
    assert list(prepared.layer["ชื่อ"]) == list(pts["name_th"])
    assert "longitude/latitude" in " ".join(prepared.report("en"))
    assert np.allclose(prepared.layer.geometry.x, pts.geometry.x)


@pytest.mark.parametrize(
    ("keep", "ldid", "how"),
    [
        (("shp", "shx", "dbf", "prj"), 0, "detected from the text itself"),
        (("shp", "shx", "dbf", "prj"), 0x7C, "language byte"),
        (("shp", "shx", "dbf", "prj", "cpg"), 0, "as its .cpg file says"),
    ],
)
def test_tis620_dbf_names_come_out_right(tmp_path: Path, keep, ldid, how) -> None:
    path = sup.shapefile_zip(tmp_path, sup.tambons().to_crs(32647), keep=keep, ldid=ldid)
    # the DBF really holds TIS-620 bytes: the Thai names are not UTF-8 there
    with zipfile.ZipFile(path) as archive:
        dbf = archive.read("layer.dbf")
    assert "ศรีภูมิ".encode("cp874") in dbf and "ศรีภูมิ".encode() not in dbf
    prepared = prepare_import(path)
    _same_names(prepared.layer)
    report = " ".join(prepared.report("en"))
    assert "TIS-620/cp874" in report and how in report
    assert "TIS-620/cp874" in " ".join(prepared.report("th"))


@pytest.mark.parametrize("epsg", [32647, 24047])
def test_crs_detection_on_real_coordinates(store, tmp_path: Path, epsg: int) -> None:
    original = sup.tambons()
    projected = original.to_crs(epsg)
    assert crs_candidates(tuple(projected.total_bounds)) == ("EPSG:32647", "EPSG:24047")
    path = sup.shapefile_zip(tmp_path, projected, keep=("shp", "shx", "dbf", "cpg"))
    with pytest.raises(ImportRefusedError) as err:
        prepare_import(path)
    assert err.value.code == "crs_missing"
    assert err.value.candidates == ("EPSG:32647", "EPSG:24047")
    assert "EPSG:24047" in err.value.message("th")
    prepared = prepare_import(path, crs=f"EPSG:{epsg}")
    # the confirmed CRS brings the tambons back where they are (within a metre)
    moved = prepared.layer.to_crs(32647).centroid.distance(original.to_crs(32647).centroid)
    assert moved.max() < 1.0
    other = 24047 if epsg == 32647 else 32647
    wrong = prepare_import(path, crs=f"EPSG:{other}")
    shift = wrong.layer.to_crs(32647).centroid.distance(original.to_crs(32647).centroid)
    assert shift.min() > 100  # the two datums differ by hundreds of metres: the choice matters


def test_degrees_and_web_mercator_are_told_apart() -> None:
    lonlat = tuple(sup.tambons().total_bounds)
    assert crs_candidates(lonlat) == ("EPSG:4326",)
    mercator = tuple(sup.tambons().to_crs(3857).total_bounds)
    assert crs_candidates(mercator) == ("EPSG:3857",)


def test_geopackage_layer_choice(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    pyogrio.write_dataframe(sup.tambons(), path, layer="tambons")
    pyogrio.write_dataframe(sup.points(), path, layer="offices")
    with pytest.raises(ImportRefusedError) as err:
        prepare_import(path)
    assert err.value.code == "choose_layer" and "'offices'" in str(err.value)
    prepared = prepare_import(path, layer="offices")
    assert prepared.kind == "point" and prepared.layer_name == "offices"


def test_geotiff_becomes_polygons_of_equal_value(tmp_path: Path) -> None:
    path = tmp_path / "landuse.tif"
    data = np.zeros((20, 20), dtype="uint8")
    data[:, 10:] = 2
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=20,
        height=20,
        count=1,
        dtype="uint8",
        crs="EPSG:32647",
        transform=from_origin(497000, 2078000, 100, 100),
    ) as dst:
        dst.write(data, 1)
    prepared = prepare_import(path)
    assert prepared.kind == "polygon"
    assert sorted(prepared.layer["value"]) == [0, 2]
    area_m2 = prepared.layer.to_crs(32647).area
    assert np.allclose(sorted(area_m2), [2_000_000, 2_000_000], rtol=1e-3)


def test_invalid_geometry_repaired_with_a_report(tmp_path: Path) -> None:
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[98.98, 18.78], [99.0, 18.8], [99.0, 18.78], [98.98, 18.8], [98.98, 18.78]]
        ],
    }
    square = shapely.geometry.mapping(shapely.box(98.95, 18.75, 98.96, 18.76))
    path = sup.geojson(tmp_path, sup.feature_collection([bowtie, square]))
    prepared = prepare_import(path)
    assert prepared.layer.geometry.is_valid.all()
    report = " ".join(prepared.report("en"))
    assert "1 feature(s) had invalid geometry" in report and "m²" in report


def test_markup_in_names_is_stored_as_text(store, tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    point = {"type": "Point", "coordinates": [98.985, 18.79]}
    path = sup.geojson(tmp_path, sup.feature_collection([point], [hostile]))
    record = store_import(store, prepare_import(path), imported_by="me", title="Markup")
    assert load_user_layer(store, record.slug)["name"].iloc[0] == hostile


def test_delete_and_list(store, tmp_path: Path) -> None:
    record = store_import(
        store, prepare_import(_write(tmp_path, "geojson")), imported_by="a", title="To delete"
    )
    assert [r.layer_id for r in list_imports(store)] == [record.layer_id]
    delete_import(store, record.layer_id)
    assert list_imports(store) == []
    rows = (
        sqlite3.connect(store.url.removeprefix("sqlite:///"))
        .execute("SELECT count(*) FROM user_layers_features")
        .fetchone()
    )
    assert rows == (0,)


def test_imported_layer_is_in_the_export_registry(store, tmp_path: Path) -> None:
    from cmgis.sources import registry

    record = store_import(
        store,
        prepare_import(_write(tmp_path, "geojson")),
        imported_by="a",
        title="Registry test",
        source="Test agency",
    )
    item = registry.lookup(record.layer_id)
    meta = item.meta()
    assert meta.title == "Registry test"
    assert meta.source == "Test agency" and "imported from the file t.geojson" in meta.method
    layer = item.load()
    assert isinstance(layer, gpd.GeoDataFrame) and len(layer) == 16
