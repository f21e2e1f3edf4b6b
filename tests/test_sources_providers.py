"""User, workshop and suitability layers through `cmgis export` (providers of `cmgis.sources`)."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pyproj
import pytest
from shapely.geometry import LineString, Point, Polygon

from cmgis import AuthError, UnknownLayerError, export
from cmgis import sources as cmgis_sources
from cmgis.cli.main import main
from cmgis.sources import providers as export_sources
from cmgis.sources import registry as layer_registry
from cmgis.store import open_app_store
from cmgis.user_layers import records as ul
from cmgis.workshop import (
    add_contribution,
    create_workshop,
    join_workshop,
    set_hidden,
)
from tests.gdal_tools import (
    gdal_info,
    needs_gdal,
    ogr_crs,
    ogr_features,
    ogr_layers,
    same_crs,
)
from tests.test_user_layers import PARAMS, candidate_fixture
from tests.workshop_support import make_zone_index


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "s.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(path))
    store = open_app_store(path)
    yield store
    store.close()


@pytest.fixture
def saved(db):
    return ul.save_candidate_layer(
        db, candidate_fixture(), name="Medical candidates", created_by="ทีม A", parameters=PARAMS
    )


def test_user_layers_are_registered_and_dropped(db, saved):
    registry = layer_registry.layers()
    assert registry["user:medical_candidates"].group == "user"
    assert registry["user:medical_candidates"].style_like == "user_candidates"
    meta = registry["user:medical_candidates"].meta()
    assert meta.title == "Medical candidates"
    assert "OpenStreetMap" in meta.credit and "derived from layers" in meta.source
    ul.delete_user_layer(db, saved.slug)
    assert "user:medical_candidates" not in layer_registry.layers()


@needs_gdal
@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:32647", "EPSG:24047"])
def test_user_layer_gpkg_round_trip(db, saved, tmp_path, crs):
    out = cmgis_sources.export_selection("user:medical_candidates", fmt="gpkg", crs=crs,
                                  output=tmp_path / "u.gpkg")  # fmt: skip
    assert "user_medical_candidates" in ogr_layers(out)
    assert same_crs(ogr_crs(out, "user_medical_candidates"), crs)
    features = ogr_features(out, "user_medical_candidates")["features"]
    assert [f["properties"]["name_th"] for f in features] == ["พื้นที่ศักยภาพ 1", "พื้นที่ศักยภาพ 2"]
    sources = ogr_features(out, export.SOURCES_TABLE)["features"]
    credit = sources[0]["properties"]["credit"]
    assert "OpenStreetMap" in credit  # the credits of the inputs travel with the layer


@needs_gdal
def test_cli_export_user_layer_as_shapefile(db, saved, tmp_path, capsys):
    out = tmp_path / "u.zip"
    code = main(["export", "--layers", "user:medical_candidates", "--format", "shp",
                 "--crs", "EPSG:32647", "--output", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        readme = z.read(next(n for n in names if n.lower().startswith("readme"))).decode()
    assert "OpenStreetMap" in readme
    shp = next(n for n in names if n.endswith(".shp"))
    features = ogr_features(f"/vsizip/{out}/{shp}", Path(shp).stem)["features"]
    assert len(features) == 2
    assert features[0]["properties"]["name_th"] == "พื้นที่ศักยภาพ 1"


def test_cli_unknown_user_layer(db, saved, tmp_path, capsys):
    code = main(["export", "--layers", "user:nope", "--format", "gpkg",
                 "--output", str(tmp_path / "x.gpkg")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown layer 'user:nope'" in err and "user:medical_candidates" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.gpkg").exists()


@pytest.fixture
def workshop(db):
    ws = create_workshop(db, title="เวิร์กช็อป <b>นิมมาน</b>", pin="1357")
    g = join_workshop(db, ws.code, "กลุ่ม A")
    zones = make_zone_index()
    for name, geom in (
        ("point", Point(98.965, 18.795)),
        ("line", LineString([(98.961, 18.791), (98.969, 18.799)])),
        ("polygon", Polygon([(98.981, 18.781), (98.989, 18.781), (98.989, 18.789)])),
        ("note", None),
    ):
        c = add_contribution(db, g, category="asset", strategy="drivers",
                             title=f"ร้าน {name}", geometry=geom, zones=zones)  # fmt: skip
    hidden = add_contribution(db, g, category="problem", strategy="default", title="hidden",
                              geometry=Point(98.97, 18.79), zones=zones)  # fmt: skip
    set_hidden(db, ws.code, "1357", hidden.id, hidden=True)
    assert c.geometry is None  # the note
    return ws


@needs_gdal
def test_workshop_by_join_code_in_every_vector_format(db, workshop, tmp_path):
    layer_id = f"workshop:{workshop.code}"
    assert layer_id not in layer_registry.layers()  # never listed: codes stay private
    out = cmgis_sources.export_selection(layer_id, fmt="gpkg", crs="EPSG:32647",
                                  output=tmp_path / "w.gpkg")  # fmt: skip
    name = f"workshop_{workshop.code.lower()}"
    features = ogr_features(out, name)["features"]
    assert sorted(f["properties"]["title"] for f in features) == [
        "ร้าน line", "ร้าน point", "ร้าน polygon",
    ]  # fmt: skip
    assert same_crs(ogr_crs(out, name), "EPSG:32647")
    kml = cmgis_sources.export_selection(layer_id.lower(), fmt="kml", crs="EPSG:4326",
                                  output=tmp_path / "w.kml")  # fmt: skip
    kml_ns = "{http://www.opengis.net/kml/2.2}"
    root = ElementTree.fromstring(kml.read_bytes())
    names = {e.text for e in root.iter(f"{kml_ns}name")}
    assert "ร้าน point" in names
    # Google Earth renders descriptions as HTML: the typed title is escaped in them
    descriptions = [e.text or "" for e in root.iter(f"{kml_ns}description")]
    assert any("&lt;b&gt;นิมมาน" in d for d in descriptions)
    assert not any("<b>" in d for d in descriptions)


def test_workshop_wrong_code(db, workshop, tmp_path):
    with pytest.raises(AuthError, match="no workshop has the join code"):
        cmgis_sources.export_selection("workshop:NOPE12", fmt="gpkg", crs="EPSG:4326",
                                output=tmp_path / "w.gpkg")  # fmt: skip
    with pytest.raises(UnknownLayerError, match="workshop:<key>"):
        cmgis_sources.export_selection("nothing", fmt="gpkg", crs=4326, output=tmp_path / "w.gpkg")
    assert export_sources.WORKSHOP_PREFIX == "workshop"


def test_cli_user_layers_list_import_delete(db, saved, tmp_path, capsys):
    assert main(["user-layers", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split("\t")[:4] == ["user:medical_candidates", "Medical candidates",
                                      "candidates", "2"]  # fmt: skip
    gpkg = tmp_path / "c.gpkg"
    candidate_fixture().to_file(gpkg, layer="candidate_zones", driver="GPKG")
    assert main(["user-layers", "import", str(gpkg), "--name", "From file"]) == 0
    assert capsys.readouterr().out.strip() == "user:from_file"
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"<html>not a GeoPackage</html>")
    assert main(["user-layers", "import", str(broken), "--name", "Broken"]) == 2
    assert "could not be read as a GeoPackage" in capsys.readouterr().err
    assert main(["user-layers", "delete", "user:from_file"]) == 0
    assert main(["user-layers", "delete", "user:from_file"]) == 2
    assert "unknown user layer 'user:from_file'" in capsys.readouterr().err
    assert [r.slug for r in ul.list_user_layers(db)] == ["medical_candidates"]


def test_cli_export_suitability_surface_and_candidates(db, tmp_path, monkeypatch, capsys):
    """Issue 6: a suitability surface and its candidates in another CRS (coarse 200 m grid)."""
    monkeypatch.setenv("CMGIS_CACHE_DIR", str(tmp_path / "cache"))
    tif = tmp_path / "s.tif"
    args = ["export", "--layers", "suitability:social_innovation@200", "--format", "tif",
            "--crs", "EPSG:24047", "--output", str(tif)]  # fmt: skip
    assert main(args) == 0, capsys.readouterr().err
    info = gdal_info(tif)
    assert same_crs(pyproj.CRS.from_wkt(info["coordinateSystem"]["wkt"]), "EPSG:24047")
    band = info["bands"][0]
    assert band["noDataValue"] is not None
    assert 0 <= band["computedMin"] <= band["computedMax"] <= 100
    gpkg = tmp_path / "c.gpkg"
    assert main(["export", "--layers", "candidates:social_innovation@200", "--format", "gpkg",
                 "--crs", "EPSG:32647", "--output", str(gpkg)]) == 0  # fmt: skip
    layer = "candidates_social_innovation_200"
    assert same_crs(ogr_crs(gpkg, layer), "EPSG:32647")
    features = ogr_features(gpkg, layer)["features"]
    assert features and features[0]["properties"]["zone_id"] == "candidate_01"
    assert main(["export", "--layers", "suitability:nope", "--format", "tif",
                 "--output", str(tmp_path / "x.tif")]) == 2  # fmt: skip
    assert "unknown preset 'nope'" in capsys.readouterr().err


@needs_gdal
def test_print_a_saved_layer_beside_the_districts(db, saved, tmp_path):
    from cmgis.printing import render as printing

    options = printing.check_options(title="ย่านและพื้นที่ศักยภาพ", lang="th", paper="A4",
                                     orientation="landscape", era="be")  # fmt: skip
    pdf = cmgis_sources.print_selection(
        "zones,user:medical_candidates", options, tmp_path / "m.pdf"
    )
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "Medical candidates" in text  # its legend row
    assert "OpenStreetMap" in text  # the credits of its inputs
    assert printing.style_for("user_candidates").stroke == "#d7191c"  # red, as on the map
