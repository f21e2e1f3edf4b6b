"""Tests of cmgis.plan.imports: CSV and GeoJSON files of projects, good and broken."""

from __future__ import annotations

import io
import json
import math
import zipfile

import pytest
from shapely.geometry import Point

from cmgis import CRSError, InputError
from cmgis.plan.imports import drafts_from_csv, drafts_from_file, drafts_from_geojson

GOOD_CSV = (
    "title_en,title_th,strategy,status,zones,wkt,lon,lat\n"
    "Kiosk,ตู้ข้อมูล,drivers,proposed,,,98.987,18.788\n"
    "Canal sensors,,driving-spaces,planned,old_town;suan_dok,,,\n"
    "Bus stop,,default,,,POINT (98.97 18.79),,\n"
).encode()


def test_csv_rows_become_drafts() -> None:
    drafts = drafts_from_csv(GOOD_CSV)
    assert [d.title_en for d in drafts] == ["Kiosk", "Canal sensors", "Bus stop"]
    assert drafts[0].geometry == Point(98.987, 18.788)
    assert drafts[0].title_th == "ตู้ข้อมูล"
    assert drafts[1].zone_ids == ("old_town", "suan_dok")
    assert drafts[1].geometry is None
    assert drafts[2].status == "proposed"
    assert drafts[2].geometry == Point(98.97, 18.79)


def test_geojson_features_become_drafts() -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"title_en": "<b>x</b>", "strategy": "drivers"},
                "geometry": {"type": "Point", "coordinates": [98.98, 18.79]},
            },
            {
                "type": "Feature",
                "properties": {"title_th": "ไม่มีที่", "strategy": "default"},
                "geometry": None,
            },
        ],
    }
    drafts = drafts_from_file("p.geojson", json.dumps(doc).encode())
    assert drafts[0].geometry == Point(98.98, 18.79)
    assert drafts[0].title_en == "<b>x</b>"  # kept as text; escaped wherever it is shown
    assert drafts[1].geometry is None
    assert drafts[1].geometry_method == "none"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,kind\nx,y\n", "needs a header row"),
        (b"title_en,strategy\n", "no rows"),
        (b"title_en,strategy\n,drivers\n", "line 2: missing title_en or title_th"),
        (b"title_en,strategy\nx,\n", "line 2: missing strategy"),
        (b"title_en,strategy,wkt\nx,drivers,POLYGON ((1 2\n", "line 2: wkt is not valid WKT"),
        (b"title_en,strategy,lon,lat\nx,drivers,abc,18\n", "lon and lat must both be numbers"),
        (b"title_en,strategy\nx,drivers,extra\n", "more values than header"),
        (b"title_en,strategy\nx,drivers\ny,disruption\n", "line 3: unknown strategy 'disruption'"),
        (b"title_en,strategy,status\nx,drivers,maybe\n", "line 2: unknown status 'maybe'"),
        (b"title_en,strategy,lon,lat\nx,drivers,100.5,13.75\n", "line 2: .*outside the area"),
        ("title_en,strategy\nกา,drivers\n".encode("cp874"), "not UTF-8"),
    ],
)
def test_broken_csv_is_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        drafts_from_csv(data)


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("p.csv", "title_en,strategy\nx,drivers\n")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"type": "Feature"}', "expected a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "no features"),
        (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
            b'{"title_en":"x","strategy":"drivers"},"geometry":{"type":"Point"}}]}',
            "feature 1: geometry could not be read",
        ),
        (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
            b'{"title_en":"x","strategy":"drivers"},"geometry":{"type":"Point",'
            b'"coordinates":[500000, 2075000]}}]}',
            "feature 1: .*look projected",
        ),
        (_zip_bytes(), "zip archive"),
    ],
)
def test_broken_geojson_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        drafts_from_geojson(data)


def test_projected_geojson_crs_is_refused() -> None:
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32647"}},
        "features": [],
    }
    with pytest.raises(CRSError, match="EPSG::32647"):
        drafts_from_geojson(json.dumps(doc).encode())


def test_unknown_extension_and_huge_file_refused() -> None:
    with pytest.raises(InputError, match=r"expected a \.csv or \.geojson"):
        drafts_from_file("p.xlsx", b"x")
    with pytest.raises(InputError, match="too large"):
        drafts_from_csv(b"x" * 5_000_001)


@pytest.mark.parametrize(
    "crs",
    [{"type": "name", "properties": ["EPSG:32647"]}, {"type": "name", "properties": "x"}, 7],
)
def test_malformed_crs_member_is_a_clear_crs_error(crs: object) -> None:
    doc = {"type": "FeatureCollection", "crs": crs, "features": []}
    with pytest.raises(CRSError, match="unknown CRS"):
        drafts_from_geojson(json.dumps(doc).encode())


def test_deeply_nested_json_is_refused_not_a_crash() -> None:
    # 200 kB, well under the size limit, but deeper than Python's JSON parser can recurse
    with pytest.raises(InputError, match="nested too deeply"):
        drafts_from_geojson(b"[" * 100_000 + b"]" * 100_000)


def test_heights_are_dropped_so_the_projects_layer_stays_2d() -> None:
    feature = {
        "type": "Feature",
        "properties": {"title_en": "x", "strategy": "drivers"},
        "geometry": {"type": "Point", "coordinates": [98.99, 18.79, 310.0]},
    }
    doc = {"type": "FeatureCollection", "features": [feature]}
    (draft,) = drafts_from_geojson(json.dumps(doc).encode())
    assert draft.geometry is not None and not draft.geometry.has_z
    (row,) = drafts_from_csv(b"title_en,strategy,wkt\nx,drivers,POINT Z (98.99 18.79 310)\n")
    assert row.geometry == Point(98.99, 18.79)


def test_project_with_too_many_vertices_is_refused_naming_the_feature() -> None:
    """The shared user-geometry check (cmgis.geocheck) limits the vertices of one project."""
    from cmgis.geocheck import MAX_SHAPE_VERTICES

    n = MAX_SHAPE_VERTICES + 10
    # a valid circle-like ring around the old city, one vertex more than allowed per step
    ring = [
        [
            round(98.985 + 0.01 * math.cos(2 * math.pi * k / n), 7),
            round(18.79 + 0.01 * math.sin(2 * math.pi * k / n), 7),
        ]
        for k in range(n)
    ]
    ring.append(ring[0])
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"title_en": "Huge outline", "strategy": "default"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    data = json.dumps(doc).encode()
    with pytest.raises(InputError, match=rf"feature 1: .*vertices; at most {MAX_SHAPE_VERTICES}"):
        drafts_from_geojson(data)
