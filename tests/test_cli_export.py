"""``cmgis export`` and ``cmgis print`` on the bundled data, and their error paths."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cmgis import export
from cmgis.cli.main import main
from cmgis.data.catalog import load_catalog
from tests.gdal_tools import needs_gdal, ogr_crs, ogr_features, ogr_layers, same_crs


@needs_gdal
def test_export_everything_as_geopackage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The full-data test: every vector layer of the catalog in one GeoPackage, UTM 47N."""
    out = tmp_path / "all.gpkg"
    assert (
        main(
            [
                "export",
                "--layers",
                "all",
                "--format",
                "gpkg",
                "--crs",
                "EPSG:32647",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == str(out)
    catalog = load_catalog()
    vectors = {e.id: e for e in catalog.layers if e.kind == "vector"}
    layers = set(ogr_layers(out))
    assert set(vectors) | {"zone_indicators", "tambon_indicators", export.SOURCES_TABLE} == layers
    assert same_crs(ogr_crs(out, "zones"), "EPSG:32647")
    zones = ogr_features(out, "zone_indicators")["features"]
    assert len(zones) == vectors["zones"].feature_count
    assert {"zone_id", "name_th", "poi_diversity_index"} <= set(zones[0]["properties"])
    sources = {
        f["properties"]["layer_id"]: f["properties"]
        for f in ogr_features(out, export.SOURCES_TABLE)["features"]
    }
    for layer_id, entry in vectors.items():
        assert sources[layer_id]["credit"] == entry.credit
        assert sources[layer_id]["licence"] == entry.licence
    tambons = ogr_features(out, "tambons")["features"]
    assert len(tambons) == vectors["tambons"].feature_count
    assert any(f["properties"]["name_th"] == "ศรีภูมิ" for f in tambons)


@needs_gdal
def test_export_shapefile_of_zones_in_indian_1975(tmp_path: Path) -> None:
    out = tmp_path / "zones.zip"
    assert (
        main(
            [
                "export",
                "--layers",
                "zones,old_city_gates",
                "--format",
                "shp",
                "--crs",
                "24047",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    names = zipfile.ZipFile(out).namelist()
    assert {"zones.shp", "zones.prj", "zones.cpg", "zones_fields.csv", "README.txt"} <= set(names)
    readme = zipfile.ZipFile(out).read("README.txt").decode("utf-8")
    assert "EPSG:1812" in readme
    assert "© OpenStreetMap contributors, ODbL 1.0" in readme
    assert same_crs(ogr_crs(f"/vsizip/{out}/zones.shp", "zones"), "EPSG:24047")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layers", "nope", "--format", "gpkg"], "unknown layer 'nope'"),
        (["--layers", "zones", "--format", "dwg"], "unknown export format 'dwg'"),
        (
            ["--layers", "zones", "--format", "gpkg", "--crs", "EPSG:9999"],
            "unsupported coordinate system",
        ),
        (["--layers", "elevation", "--format", "shp"], "'elevation' is a raster layer"),
        (["--layers", " ,", "--format", "gpkg"], "no layers chosen"),
        (["--layers", "zones", "--format", "geojson", "--crs", "32647"], "EPSG:4326"),
    ],
)
def test_export_errors_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "x.gpkg"
    assert main(["export", *args, "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("cmgis: error: ")
    assert message in err
    assert not out.exists()


def test_print_errors_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        (["--layers", "nope", "--title", "x"], "unknown layer 'nope'"),
        (["--layers", "zones", "--title", "x", "--paper", "A5"], "paper size"),
        (["--layers", "all", "--title", "x"], "list the layer ids"),
    ]
    for args, message in cases:
        assert main(["print", *args, "--output", str(tmp_path / "m.pdf")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert message in err
    assert not (tmp_path / "m.pdf").exists()


def test_print_real_layers_to_pdf(tmp_path: Path) -> None:
    out = tmp_path / "zones.pdf"
    code = main(
        [
            "print",
            "--layers", "tambons,zones,mae_kha_canal,elevation",
            "--title", "ย่านนวัตกรรมเชียงใหม่",
            "--lang", "th",
            "--era", "be",
            "--output", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    assert out.read_bytes()[:5] == b"%PDF-"


def test_print_an_indicator_as_classes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "density.pdf"
    code = main(
        [
            "print",
            "--indicator", "tambons:intersection_density_per_km2",
            "--scheme", "natural_breaks",
            "--classes", "3",
            "--title", "Intersections",
            "--output", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    capsys.readouterr()
    bad = ["print", "--indicator", "wards:x", "--title", "x", "--output", str(out)]
    assert main(bad) == 2
    assert "zones:<id> or tambons:<id>" in capsys.readouterr().err
