"""Round trips of cmgis.export: write each format × CRS, read back with GDAL's tools."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import rasterio
import shapely
from affine import Affine
from pyproj.transformer import TransformerGroup

from cmgis import CRSError, InputError, UnknownLayerError, export, sources
from cmgis.export import LayerMeta, RasterSource, export_layers
from cmgis.sources import registry
from tests.gdal_tools import (
    gdal_info,
    gdal_value_at,
    needs_gdal,
    ogr_crs,
    ogr_dataset_info,
    ogr_features,
    ogr_info,
    ogr_layers,
    same_crs,
)

OSM = "© OpenStreetMap contributors, ODbL 1.0"
DEM = "Elevation: Copernicus DEM GLO-90 via Open-Meteo.com, CC BY 4.0"
WHEN = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
CRSS = ["EPSG:4326", "EPSG:32647", "EPSG:24047", "EPSG:3857"]

# Two Old City gates (coordinates of the OSM nodes rounded), a line and a polygon: tiny
# fixtures built here; the Thai names exercise tone marks and vowels above/below.
GATES = gpd.GeoDataFrame(
    {
        "name_th": ["ประตูท่าแพ", "ประตูเชียงใหม่"],
        "name_en": ["Tha Phae Gate", "Chiang Mai Gate"],
        "municipality_coverage": ["whole", "part"],
        "municipality_covered_km2": [1.5, 2.25],
        "gate_no": [1, 2],
    },
    geometry=[shapely.Point(98.9935, 18.7877), shapely.Point(98.9877, 18.7811)],
    crs="EPSG:4326",
)
CANAL = gpd.GeoDataFrame(
    {"name_th": ["คลองแม่ข่า"], "name_en": ["Mae Kha canal"], "length_m": [1234.5]},
    geometry=[shapely.LineString([(98.985, 18.80), (98.990, 18.79), (98.995, 18.77)])],
    crs="EPSG:4326",
)
MOAT = gpd.GeoDataFrame(
    {"name_th": ["คูเมืองเชียงใหม่"], "name_en": ["Old city moat"]},
    geometry=[shapely.box(98.9776, 18.7811, 98.9939, 18.7959)],
    crs="EPSG:4326",
)
LAYERS = {"gates": GATES, "canal": CANAL, "moat": MOAT}
METAS = {
    "gates": LayerMeta("gates", "Old city gates", "Five gates", "OSM", "ODbL 1.0", OSM),
    "canal": LayerMeta("canal", "Mae Kha canal", title_th="คลองแม่ข่า", credit=OSM),
    "moat": LayerMeta("moat", "Old city moat", licence="ODbL 1.0", credit=OSM),
    "dem": LayerMeta("dem", "Elevation", "Height above sea level, metres", credit=DEM),
}


def _expected_xy(lon: float, lat: float, crs: str) -> tuple[float, float]:
    x, y = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    return float(x), float(y)


def _tolerance(crs: str) -> float:
    return 1e-6 if crs == "EPSG:4326" else 0.01  # degrees or metres


def _check_gates(fc: dict[str, object], crs: str) -> None:
    features = fc["features"]
    assert isinstance(features, list)
    assert len(features) == 2
    by_en = {f["properties"]["name_en"]: f for f in features}
    tha_phae = by_en["Tha Phae Gate"]
    assert tha_phae["properties"]["name_th"] == "ประตูท่าแพ"
    x, y = tha_phae["geometry"]["coordinates"][:2]
    ex, ey = _expected_xy(98.9935, 18.7877, crs)
    assert x == pytest.approx(ex, abs=_tolerance(crs))
    assert y == pytest.approx(ey, abs=_tolerance(crs))


def _check_moat(fc: dict[str, object], crs: str) -> None:
    features = fc["features"]
    assert isinstance(features, list)
    assert len(features) == 1
    assert features[0]["properties"]["name_th"] == "คูเมืองเชียงใหม่"
    ring = features[0]["geometry"]["coordinates"]
    ring = ring[0][0] if features[0]["geometry"]["type"] == "MultiPolygon" else ring[0]
    xs = [p[0] for p in ring]
    ex_min, _ = _expected_xy(98.9776, 18.7811, crs)
    ex_max, _ = _expected_xy(98.9939, 18.7811, crs)
    assert min(xs) == pytest.approx(min(ex_min, ex_max), abs=max(_tolerance(crs), 1.0))


@pytest.fixture(scope="module")
def dem_tif(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40 × 30 int16 elevation grid over the city, with a nodata corner."""
    path = tmp_path_factory.mktemp("dem") / "dem.tif"
    values = (np.arange(40 * 30).reshape(30, 40) % 700 + 300).astype("int16")
    values[0, :4] = -32768
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=30,
        width=40,
        count=1,
        dtype="int16",
        crs="EPSG:4326",
        transform=Affine(0.005, 0, 98.90, 0, -0.005, 18.85),
        nodata=-32768,
    ) as dst:
        dst.write(values, 1)
    return path


# ---- vector round trips ---------------------------------------------------------------


@needs_gdal
@pytest.mark.parametrize("crs", CRSS)
def test_gpkg_round_trip(tmp_path: Path, crs: str) -> None:
    out = export_layers(LAYERS, METAS, fmt="gpkg", crs=crs, output=tmp_path / "x.gpkg")
    assert set(ogr_layers(out)) == {"gates", "canal", "moat", export.SOURCES_TABLE}
    _check_gates(ogr_features(out, "gates"), crs)
    _check_moat(ogr_features(out, "moat"), crs)
    for layer in ("gates", "canal", "moat"):
        assert same_crs(ogr_crs(out, layer), crs)
    info = ogr_info(out, "canal")
    assert "IDENTIFIER=Mae Kha canal / คลองแม่ข่า" in info
    assert f"CREDIT={OSM}" in info
    dataset = ogr_dataset_info(out)
    assert f"CREDITS={OSM}" in dataset
    assert "LICENCE_NOTE=Data from OpenStreetMap is under the Open Database Licence" in dataset
    sources = ogr_features(out, export.SOURCES_TABLE)["features"]
    rows = {f["properties"]["layer_id"]: f["properties"] for f in sources}
    assert rows["gates"]["licence"] == "ODbL 1.0"
    assert rows["canal"]["credit"] == OSM
    assert rows["canal"]["title_th"] == "คลองแม่ข่า"


@needs_gdal
@pytest.mark.parametrize("crs", CRSS)
def test_shapefile_round_trip(tmp_path: Path, crs: str) -> None:
    out = export_layers(
        LAYERS, METAS, fmt="shp", crs=crs, output=tmp_path / "x.zip", exported_at=WHEN
    )
    names = set(zipfile.ZipFile(out).namelist())
    for stem in ("gates", "canal", "moat"):
        assert {f"{stem}.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")} <= names
        assert f"{stem}_fields.csv" in names
    gates = ogr_features(f"/vsizip/{out}/gates.shp", "gates")
    props = gates["features"][0]["properties"]
    # cut to 10 characters, distinct, and the mapping says which is which
    assert {"municipali", "municipa_1", "name_th", "gate_no"} <= set(props)
    mapping = zipfile.ZipFile(out).read("gates_fields.csv").decode("utf-8")
    assert "municipali,municipality_coverage" in mapping
    assert "municipa_1,municipality_covered_km2" in mapping
    for f in gates["features"]:
        f["properties"]["name_en"] = f["properties"]["name_en"]
    _check_gates(gates, crs)
    _check_moat(ogr_features(f"/vsizip/{out}/moat.shp", "moat"), crs)
    assert same_crs(ogr_crs(f"/vsizip/{out}/gates.shp", "gates"), crs)
    assert zipfile.ZipFile(out).read("gates.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
    readme = zipfile.ZipFile(out).read("README.txt").decode("utf-8")
    assert OSM in readme
    assert crs in readme
    assert ("EPSG:1812" in readme) == (crs == "EPSG:24047")


@needs_gdal
@pytest.mark.parametrize("crs", CRSS)
def test_csv_round_trip(tmp_path: Path, crs: str) -> None:
    out = export_layers(LAYERS, METAS, fmt="csv", crs=crs, output=tmp_path / "x.zip")
    options = ("GEOM_POSSIBLE_NAMES=wkt", "KEEP_GEOM_COLUMNS=NO", "AUTODETECT_TYPE=YES")
    gates = ogr_features(f"/vsizip/{out}/gates.csv", "gates", open_options=options)
    _check_gates(gates, crs)
    tha_phae = next(f for f in gates["features"] if f["properties"]["gate_no"] == 1)
    assert tha_phae["properties"]["lon"] == pytest.approx(98.9935, abs=1e-9)
    assert tha_phae["properties"]["lat"] == pytest.approx(18.7877, abs=1e-9)
    _check_moat(ogr_features(f"/vsizip/{out}/moat.csv", "moat", open_options=options), crs)
    raw = zipfile.ZipFile(out).read("gates.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet programs then read Thai
    assert "EPSG" in zipfile.ZipFile(out).read("README.txt").decode("utf-8")


@needs_gdal
def test_geojson_single_and_several(tmp_path: Path) -> None:
    one = export_layers(
        {"gates": GATES}, METAS, fmt="geojson", crs=4326, output=tmp_path / "g.geojson"
    )
    fc = ogr_features(one, "gates")
    _check_gates(fc, "EPSG:4326")
    assert OSM in one.read_text(encoding="utf-8")  # the credit is in the description member
    several = export_layers(
        LAYERS, METAS, fmt="geojson", crs="EPSG:4326", output=tmp_path / "g.zip"
    )
    assert {"gates.geojson", "canal.geojson", "moat.geojson", "README.txt"} <= set(
        zipfile.ZipFile(several).namelist()
    )
    _check_moat(ogr_features(f"/vsizip/{several}/moat.geojson", "moat"), "EPSG:4326")


@needs_gdal
@pytest.mark.parametrize("fmt", ["kml", "kmz"])
def test_kml_round_trip(tmp_path: Path, fmt: str) -> None:
    out = export_layers(LAYERS, METAS, fmt=fmt, crs="EPSG:4326", output=tmp_path / f"x.{fmt}")
    # Google Earth shows the folder names: the layer titles
    titles = {"Old city gates", "Mae Kha canal / คลองแม่ข่า", "Old city moat"}
    assert set(ogr_layers(out)) == titles
    # GDAL 3.6 reading a KMZ directly drops SchemaData attributes; the doc.kml inside has them
    doc = f"/vsizip/{out}/doc.kml" if fmt == "kmz" else out
    fc = ogr_features(doc, "Old city gates")
    _check_gates(fc, "EPSG:4326")
    names = sorted(f["properties"]["Name"] for f in fc["features"])
    assert names == ["ประตูท่าแพ / Tha Phae Gate", "ประตูเชียงใหม่ / Chiang Mai Gate"]
    _check_moat(ogr_features(doc, "Old city moat"), "EPSG:4326")
    raw = zipfile.ZipFile(out).read("doc.kml") if fmt == "kmz" else out.read_bytes()
    root = ElementTree.fromstring(raw)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    folders = root.findall("k:Document/k:Folder/k:name", ns)
    assert {f.text for f in folders} == titles  # what Google Earth lists in Places
    description = root.findtext("k:Document/k:description", namespaces=ns)
    assert description is not None
    assert OSM in description


@pytest.mark.parametrize("fmt", ["geojson", "kml", "kmz"])
def test_lonlat_only_formats_refuse_other_crs(tmp_path: Path, fmt: str) -> None:
    with pytest.raises(CRSError, match="EPSG:4326"):
        export_layers(LAYERS, METAS, fmt=fmt, crs="EPSG:32647", output=tmp_path / f"x.{fmt}")
    assert not list(tmp_path.iterdir())


@needs_gdal
def test_indian_1975_uses_the_7_parameter_shift(tmp_path: Path) -> None:
    """EPSG:24047 is reached through EPSG:1812 (3 m), not EPSG:1304 (5 m)."""
    out = export_layers(
        {"gates": GATES}, METAS, fmt="gpkg", crs="EPSG:24047", output=tmp_path / "i.gpkg"
    )
    x, y = ogr_features(out, "gates")["features"][0]["geometry"]["coordinates"]
    group = TransformerGroup("EPSG:4326", "EPSG:24047", always_xy=True)
    by_op = {t.description: t for t in group.transformers}
    best = next(t for d, t in by_op.items() if "(4)" in d)
    other = next(t for d, t in by_op.items() if "(2)" in d)
    bx, by = best.transform(98.9935, 18.7877)
    ox, oy = other.transform(98.9935, 18.7877)
    assert (x, y) == pytest.approx((bx, by), abs=0.01)
    assert np.hypot(x - ox, y - oy) > 1.0  # the choice matters by metres


# ---- raster ------------------------------------------------------------------------------


@needs_gdal
@pytest.mark.parametrize("crs", CRSS)
def test_geotiff_round_trip(tmp_path: Path, dem_tif: Path, crs: str) -> None:
    out = export_layers(
        {"dem": RasterSource(dem_tif)}, METAS, fmt="tif", crs=crs, output=tmp_path / "d.tif"
    )
    info = gdal_info(out)
    assert same_crs(pyproj.CRS.from_wkt(info["coordinateSystem"]["wkt"]), crs)
    band = info["bands"][0]
    assert band["noDataValue"] == -32768
    assert band["block"] == [256, 256]
    assert band["type"] == "Int16"
    assert info["metadata"]["IMAGE_STRUCTURE"]["COMPRESSION"] == "DEFLATE"
    assert info["metadata"][""]["TIFFTAG_COPYRIGHT"] == DEM
    # a pixel centre well inside the grid keeps its height (bilinear when reprojected)
    lon, lat = 98.90 + 0.005 * 20.5, 18.85 - 0.005 * 15.5
    x, y = _expected_xy(lon, lat, crs)
    expected = float((15 * 40 + 20) % 700 + 300)
    tolerance = 0 if crs == "EPSG:4326" else 25
    assert gdal_value_at(out, x, y) == pytest.approx(expected, abs=tolerance)
    if crs == "EPSG:4326":
        assert info["geoTransform"] == pytest.approx([98.90, 0.005, 0, 18.85, 0, -0.005])


def test_several_rasters_are_zipped(tmp_path: Path, dem_tif: Path) -> None:
    layers = {"dem": RasterSource(dem_tif), "dem2": RasterSource(dem_tif)}
    out = export_layers(layers, METAS, fmt="tif", crs=4326, output=tmp_path / "d.zip")
    assert {"dem.tif", "dem2.tif", "README.txt"} <= set(zipfile.ZipFile(out).namelist())


# ---- errors ----------------------------------------------------------------------------


def test_raster_as_shapefile_is_refused(tmp_path: Path, dem_tif: Path) -> None:
    with pytest.raises(InputError, match=r"raster layer.*GeoTIFF"):
        export_layers(
            {"dem": RasterSource(dem_tif)}, METAS, fmt="shp", crs=4326, output=tmp_path / "x.zip"
        )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"fmt": "dwg"}, InputError, "unknown export format 'dwg'"),
        ({"crs": "EPSG:2000"}, CRSError, "unsupported coordinate system"),
        ({"output": "x.shp"}, InputError, r"should end in \.zip"),
        ({"layers": {}}, InputError, "no layers chosen"),
    ],
)
def test_bad_requests(
    tmp_path: Path, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    args: dict[str, object] = {
        "fmt": "shp",
        "crs": "EPSG:4326",
        "output": "x.zip",
        "layers": LAYERS,
    }
    args.update(kwargs)
    with pytest.raises(error, match=message):
        export_layers(
            args["layers"],  # type: ignore[arg-type]
            METAS,
            fmt=str(args["fmt"]),
            crs=str(args["crs"]),
            output=tmp_path / str(args["output"]),
        )


def test_missing_crs_is_refused(tmp_path: Path) -> None:
    naked = GATES.set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match="no coordinate reference system"):
        export_layers({"gates": naked}, fmt="gpkg", crs=4326, output=tmp_path / "x.gpkg")


def test_failed_export_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "x.gpkg"
    out.write_bytes(b"previous export")
    naked = GATES.set_crs(None, allow_override=True)
    with pytest.raises(CRSError):
        export_layers({"gates": naked}, fmt="gpkg", crs=4326, output=out)
    assert out.read_bytes() == b"previous export"


def test_shapefile_field_names_are_unique_and_short() -> None:
    names = export.shapefile_field_names(
        ["name_th", "population_2020", "population_2021", "Population_2022", "ชื่อภาษาไทยยาว"]
    )
    assert names["name_th"] == "name_th"
    assert names["population_2020"] == "population"
    assert names["population_2021"] == "populati_1"
    assert names["Population_2022"] == "Populati_2"
    assert all(len(v.encode("utf-8")) <= 10 for v in names.values())
    assert len({v.lower() for v in names.values()}) == len(names)


def test_check_crs_accepts_plain_codes() -> None:
    assert export.check_crs("32647") == "EPSG:32647"
    assert export.check_crs(" epsg:24047 ") == "EPSG:24047"
    assert export.check_crs(3857) == "EPSG:3857"


# ---- registry ----------------------------------------------------------------------------


@pytest.fixture
def registered(dem_tif: Path) -> object:
    """Register two tiny layers (and remove them afterwards)."""
    registry.register(
        "test_gates", kind="vector", load=lambda: GATES, meta=lambda: METAS["gates"], group="test"
    )
    registry.register(
        "test_dem", kind="raster", load=lambda: RasterSource(dem_tif), meta=lambda: METAS["dem"]
    )
    yield
    registry.unregister("test_gates")
    registry.unregister("test_dem")


@pytest.mark.usefixtures("registered")
def test_registry_resolves_and_refuses() -> None:
    shp = export.check_format("shapefile")
    tif = export.check_format("GeoTIFF")
    assert list(registry.resolve_selection("test_gates", shp)) == ["test_gates"]
    assert "test_dem" not in registry.resolve_selection("all", shp)
    assert "test_gates" in registry.resolve_selection("all", shp)
    assert "test_dem" in registry.resolve_selection("all", tif)
    with pytest.raises(UnknownLayerError, match="unknown layer 'nope'"):
        registry.resolve_selection("test_gates,nope", shp)
    with pytest.raises(InputError, match="raster layer"):
        registry.resolve_selection(["test_dem"], shp)
    with pytest.raises(InputError, match="no layers chosen"):
        registry.resolve_selection(" , ", shp)
    with pytest.raises(InputError, match="already registered"):
        registry.register(
            "test_gates", kind="vector", load=lambda: GATES, meta=lambda: METAS["gates"]
        )


@needs_gdal
@pytest.mark.usefixtures("registered")
def test_export_bytes_of_registered_layer() -> None:
    result = sources.export_bytes("test_gates", fmt="kmz", crs="EPSG:4326", name="gates")
    assert result.file_name == "gates.kmz"
    assert result.data[:2] == b"PK"


@needs_gdal
def test_shapefile_splits_mixed_geometry(tmp_path: Path) -> None:
    """A Shapefile holds one geometry type: a mixed layer becomes one file per type."""
    mixed = gpd.GeoDataFrame(
        {"name_th": ["ประตูท่าแพ", "คูเมือง"]},
        geometry=[shapely.Point(98.9935, 18.7877), shapely.box(98.9776, 18.7811, 98.9939, 18.7959)],
        crs="EPSG:4326",
    )
    out = export_layers({"mixed": mixed}, fmt="shp", crs=4326, output=tmp_path / "m.zip")
    names = set(zipfile.ZipFile(out).namelist())
    assert {"mixed_points.shp", "mixed_polygons.shp"} <= names
    points = ogr_features(f"/vsizip/{out}/mixed_points.shp", "mixed_points")["features"]
    assert [f["properties"]["name_th"] for f in points] == ["ประตูท่าแพ"]
    assert "mixed: polygons written to mixed_polygons.shp" in zipfile.ZipFile(out).read(
        "README.txt"
    ).decode("utf-8")


@needs_gdal
def test_shapefile_points_and_multipoints_together(tmp_path: Path) -> None:
    """Points and MultiPoints share one multipoint file (the projects layer has both)."""
    mixed = gpd.GeoDataFrame(
        {"name": ["one", "two"]},
        geometry=[
            shapely.Point(98.9935, 18.7877),
            shapely.MultiPoint([(98.96, 18.79), (98.97, 18.80)]),
        ],
        crs="EPSG:4326",
    )
    out = export_layers({"pts": mixed}, fmt="shp", crs=32647, output=tmp_path / "p.zip")
    features = ogr_features(f"/vsizip/{out}/pts.shp", "pts")["features"]
    assert [f["properties"]["name"] for f in features] == ["one", "two"]
    assert [len(f["geometry"]["coordinates"]) for f in features] == [1, 2]


def test_csv_lon_lat_only_for_points_in_a_mixed_layer() -> None:
    mixed = gpd.GeoDataFrame(
        {"name": ["gate", "two", "moat"]},
        geometry=[
            shapely.Point(98.9935, 18.7877),
            shapely.MultiPoint([(98.96, 18.79), (98.97, 18.80)]),
            shapely.box(98.9776, 18.7811, 98.9939, 18.7959),
        ],
        crs="EPSG:4326",
    )
    frame = export.vector_to_csv_frame(mixed, "EPSG:32647")
    assert frame.loc[0, "lon"] == pytest.approx(98.9935)
    assert frame[["lon", "lat", "x_m", "y_m"]].iloc[1:].isna().all().all()
    assert frame.loc[2, "wkt"].startswith("POLYGON")


def test_raster_without_nodata_gets_one(tmp_path: Path) -> None:
    source = tmp_path / "bytes.tif"
    with rasterio.open(
        source,
        "w",
        driver="GTiff",
        height=4,
        width=4,
        count=1,
        dtype="uint8",
        crs="EPSG:4326",
        transform=Affine(0.01, 0, 98.9, 0, -0.01, 18.8),
    ) as dst:
        dst.write(np.arange(16, dtype="uint8").reshape(4, 4), 1)
    out = export_layers(
        {"score": RasterSource(source)}, fmt="tif", crs="EPSG:32647", output=tmp_path / "s.tif"
    )
    with rasterio.open(out) as result:
        assert result.nodata == 255
        assert result.dtypes[0] == "uint8"


def test_output_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "out.gpkg"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        export_layers({"gates": GATES}, fmt="gpkg", crs=4326, output=folder)


@needs_gdal
@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "shp", "kmz", "csv"])
def test_projects_layer_with_mixed_geometries_exports_in_every_format(
    tmp_path: Path, fmt: str
) -> None:
    """The projects layer mixes points, multipoints, lines, polygons and rows without a place."""
    from cmgis.plan.projects import load_projects_layer

    projects = load_projects_layer()
    suffix = {"shp": "zip", "csv": "zip"}.get(fmt, fmt)
    out = export_layers({"projects": projects}, fmt=fmt, crs=4326, output=tmp_path / f"p.{suffix}")
    assert out.stat().st_size > 0


def test_csv_text_cannot_run_as_a_spreadsheet_formula() -> None:
    typed = gpd.GeoDataFrame(
        {"title": ['=HYPERLINK("http://x","y")', "@SUM(A1)", "ทดสอบ -1", "+1"], "n": [1, -2, 3, 4]},
        geometry=[shapely.Point(98.99, 18.79)] * 4,
        crs="EPSG:4326",
    )
    frame = export.vector_to_csv_frame(typed, "EPSG:4326")
    quoted = ['\'=HYPERLINK("http://x","y")', "'@SUM(A1)", "ทดสอบ -1", "'+1"]
    assert list(frame["title"]) == quoted
    assert list(frame["n"]) == [1, -2, 3, 4]


def test_csv_export_uses_the_one_formula_guard() -> None:
    """Fullwidth and lookalike signs are caught in exports as in every CSV (`csv_safe`)."""
    from cmgis.textclean import csv_safe

    typed = ['\uff1dHYPERLINK("http://x")', " \u2212 1", "\uff20SUM(A1)", "plain"]
    gdf = gpd.GeoDataFrame(
        {"title": typed}, geometry=[shapely.Point(98.99, 18.79)] * 4, crs="EPSG:4326"
    )
    frame = export.vector_to_csv_frame(gdf, "EPSG:4326")
    assert list(frame["title"]) == [csv_safe(v) for v in typed]
    assert [v.startswith("'") for v in frame["title"]] == [True, True, True, False]
