"""User-geometry checks on every import path, and exports that refuse non-finite coordinates.

Issue 16 item 4: GeoPackages with lon/lat swapped, points in Bangkok and UTM numbers
labelled EPSG:4326 were accepted; a file with two layers silently kept the first; the
UTM-labelled layer exported as `Infinity` coordinates or a pyogrio traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon, box

from cmgis import CRSError, InputError, geocheck
from cmgis.store import open_app_store
from cmgis.user_layers import records as ul

# Nimman, Chiang Mai (lon, lat) and the same place in UTM 47N metres
NIMMAN = (98.967, 18.797)
NIMMAN_UTM = (497_500.0, 2_078_500.0)
BANGKOK = (100.5018, 13.7563)


def points(xy: tuple[float, float], crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    x, y = xy
    return gpd.GeoDataFrame(
        {"name_en": ["a", "b"]}, geometry=[Point(x, y), Point(x + 0.001, y + 0.001)], crs=crs
    )


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "s.sqlite"))
    s = open_app_store()
    yield s
    s.close()


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmgis.cli.main", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (points((NIMMAN[1], NIMMAN[0])), "swapped"),
        (points(BANGKOK), "elsewhere"),
        (points(NIMMAN_UTM), "metres that fit UTM 47N"),
        (points((4_000_000.0, 9_000_000.0)), "look projected \\(not degrees"),
    ],
    ids=["swapped", "bangkok", "utm-as-degrees", "big-numbers"],
)
def test_wrong_places_are_refused_with_a_diagnosis(frame, message) -> None:
    with pytest.raises(InputError, match=message):
        geocheck.check_user_layer(frame, what="the file")


def test_good_layer_passes_and_is_returned_in_lonlat() -> None:
    utm = points(NIMMAN_UTM, crs="EPSG:32647")
    out = geocheck.check_user_layer(utm, what="the file")
    assert out.crs == "EPSG:4326"
    assert abs(out.geometry.iloc[0].x - 98.976) < 0.02
    assert utm.crs == "EPSG:32647"  # input not mutated


def test_no_crs_invalid_and_too_many_vertices() -> None:
    with pytest.raises(CRSError, match="no coordinate reference system"):
        geocheck.check_user_layer(points(NIMMAN, crs=None), what="the file")
    square = gpd.GeoDataFrame(geometry=[box(98.96, 18.79, 98.97, 18.80)], crs="EPSG:4326")
    assert len(geocheck.check_user_layer(square, what="x")) == 1
    bad = gpd.GeoDataFrame(
        geometry=[Polygon([(98.96, 18.79), (98.97, 18.80), (98.97, 18.79), (98.96, 18.80)])],
        crs="EPSG:4326",
    )
    with pytest.raises(InputError, match="invalid geometry"):
        geocheck.check_user_layer(bad, what="x")
    with pytest.raises(InputError, match="vertices"):
        geocheck.check_user_layer(points(NIMMAN), what="x", max_vertices=1)


@pytest.mark.parametrize(
    ("xy", "message"),
    [((NIMMAN[1], NIMMAN[0]), "swapped"), (BANGKOK, "elsewhere"), (NIMMAN_UTM, "UTM 47N")],
)
def test_user_layer_import_refuses_wrong_places(store, tmp_path: Path, xy, message) -> None:
    path = tmp_path / "wrong.gpkg"
    points(xy).to_file(path, layer="pts")
    with pytest.raises(InputError, match=message):
        ul.import_layer_file(store, path, name="Wrong", created_by="x")
    assert ul.list_user_layers(store) == []


def test_several_layers_need_a_choice(store, tmp_path: Path) -> None:
    path = tmp_path / "two_layers.gpkg"
    points(NIMMAN).to_file(path, layer="first")
    points((98.99, 18.78)).to_file(path, layer="second")
    with pytest.raises(InputError, match=r"2 layers \('first', 'second'\).*--layer"):
        ul.import_layer_file(store, path, name="Two", created_by="x")
    with pytest.raises(InputError, match="no layer 'third'"):
        ul.import_layer_file(store, path, name="Two", created_by="x", layer="third")
    saved = ul.import_layer_file(store, path, name="Two", created_by="x", layer="second")
    loaded = ul.load_user_layer(store, saved.slug)
    assert abs(loaded.geometry.iloc[0].x - 98.99) < 1e-9


def test_cli_import_refuses_and_exports_refuse_non_finite(tmp_path: Path) -> None:
    env = {"CMGIS_DB": str(tmp_path / "s.sqlite")}
    utm_as_degrees = tmp_path / "utm.gpkg"
    points(NIMMAN_UTM).to_file(utm_as_degrees, layer="pts")
    out = run("user-layers", "import", str(utm_as_degrees), "--name", "Utm", env=env)
    assert out.returncode == 2, out.stdout
    assert out.stderr.startswith("cmgis: error:") and "UTM 47N" in out.stderr
    assert "Traceback" not in out.stderr

    two = tmp_path / "two.gpkg"
    points(NIMMAN).to_file(two, layer="a")
    points(NIMMAN).to_file(two, layer="b")
    out = run("user-layers", "import", str(two), "--name", "Two", env=env)
    assert out.returncode == 2 and "--layer" in out.stderr
    out = run("user-layers", "import", str(two), "--name", "Two", "--layer", "b", env=env)
    assert out.returncode == 0, out.stderr

    # a layer saved before these checks (the store keeps what it was given)
    with open_app_store(env["CMGIS_DB"]) as s:
        ul.save_user_layer(
            s,
            points(NIMMAN_UTM),
            name="Old utm",
            created_by="x",
            kind="imported",
            parameters={},
            provenance=ul.Provenance(inputs=(), credit="", licence="", method="test"),
        )
    for fmt, suffix, crs in (
        ("gpkg", "gpkg", "EPSG:32647"),
        ("shp", "zip", "EPSG:32647"),
        ("kml", "kml", "EPSG:4326"),
    ):
        target = tmp_path / f"out.{suffix}"
        out = run(
            "export", "--layers", "user:old_utm", "--format", fmt, "--crs", crs,
            "--output", str(target), env=env,
        )  # fmt: skip
        assert out.returncode == 2, (fmt, out.stdout)
        assert "Traceback" not in out.stderr, out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("cmgis: error:"), out.stderr
        assert "not finite" in out.stderr or "refused" in out.stderr
        assert not target.exists()
