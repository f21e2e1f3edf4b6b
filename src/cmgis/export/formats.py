"""Export formats and coordinate systems, and the checks of a request against them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from cmgis._errors import CRSError, InputError

LayerKind = Literal["vector", "raster"]


@dataclass(frozen=True)
class ExportFormat:
    """One output format.

    Attributes
    ----------
    key
        The name used on the CLI and the page (``gpkg``, ``shp``…).
    label
        A human name (the same in Thai and English: these are product names).
    extension
        The suffix of the file written (``.zip`` when the format is zipped).
    kinds
        Which layer kinds it holds.
    lonlat_only
        True if the format's specification allows only EPSG:4326 (GeoJSON, KML).
    mime
        The MIME type of the file, for downloads.
    """

    key: str
    label: str
    extension: str
    kinds: tuple[LayerKind, ...]
    lonlat_only: bool
    mime: str


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat(
            "gpkg", "GeoPackage", ".gpkg", ("vector",), False, "application/geopackage+sqlite3"
        ),
        ExportFormat(
            "geojson", "GeoJSON (RFC 7946)", ".geojson", ("vector",), True, "application/geo+json"
        ),
        ExportFormat("shp", "ESRI Shapefile (zip)", ".zip", ("vector",), False, "application/zip"),
        ExportFormat(
            "kml",
            "KML (Google Earth)",
            ".kml",
            ("vector",),
            True,
            "application/vnd.google-earth.kml+xml",
        ),
        ExportFormat(
            "kmz",
            "KMZ (Google Earth)",
            ".kmz",
            ("vector",),
            True,
            "application/vnd.google-earth.kmz",
        ),
        ExportFormat("csv", "CSV + WKT (zip)", ".zip", ("vector",), False, "application/zip"),
        ExportFormat("tif", "GeoTIFF", ".tif", ("raster",), False, "image/tiff"),
    )
}
_FORMAT_ALIASES = {"shapefile": "shp", "geotiff": "tif", "tiff": "tif", "json": "geojson"}


@dataclass(frozen=True)
class CRSChoice:
    """A coordinate system officials can export to."""

    code: str
    name_en: str
    name_th: str
    note_en: str


CRS_CHOICES: dict[str, CRSChoice] = {
    c.code: c
    for c in (
        CRSChoice(
            "EPSG:4326",
            "WGS 84 (longitude/latitude, degrees)",
            "WGS 84 (ลองจิจูด/ละติจูด องศา)",
            "GPS, Google Earth, web maps.",
        ),
        CRSChoice(
            "EPSG:32647",
            "WGS 84 / UTM zone 47N (metres)",
            "WGS 84 / UTM โซน 47N (เมตร)",
            "Metric grid for Chiang Mai; current Thai maps on WGS 84.",
        ),
        CRSChoice(
            "EPSG:24047",
            "Indian 1975 / UTM zone 47N (metres)",
            "Indian 1975 / UTM โซน 47N (เมตร)",
            "Older Thai government data on the Indian 1975 datum.",
        ),
        CRSChoice(
            "EPSG:3857",
            "WGS 84 / Pseudo-Mercator (web map metres)",
            "WGS 84 / Pseudo-Mercator (เมตรของแผนที่เว็บ)",
            "Web map tiles; distances and areas are not true.",
        ),
    )
}

#: The datum shift pyproj picks from WGS 84 to Indian 1975 in Thailand: EPSG:1812
#: "Indian 1975 to WGS 84 (4)", a 7-parameter Helmert, accuracy 3 m, for Thailand onshore
#: (the other candidate, EPSG:1304, is 3-parameter with 5 m accuracy). A test checks it.
INDIAN_1975_TRANSFORMATION = "EPSG:1812 (Indian 1975 to WGS 84 (4), 7-parameter, about 3 m)"


def check_format(fmt: str) -> ExportFormat:
    """Return the `ExportFormat` for ``fmt`` (case-insensitive, aliases allowed).

    Raises
    ------
    InputError
        If the format is unknown; the message lists the known ones.
    """
    key = (fmt or "").strip().lower().lstrip(".")
    key = _FORMAT_ALIASES.get(key, key)
    if key not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    return FORMATS[key]


def check_crs(crs: str | int) -> str:
    """Return ``crs`` as ``EPSG:N`` if it is one of `CRS_CHOICES`.

    Accepts ``EPSG:32647``, ``epsg:32647`` or ``32647``.

    Raises
    ------
    CRSError
        If it is not one of the offered coordinate systems.
    """
    text = str(crs).strip().upper()
    match = re.fullmatch(r"(?:EPSG:)?(\d+)", text)
    code = f"EPSG:{match.group(1)}" if match else text
    if code not in CRS_CHOICES:
        raise CRSError(
            f"unsupported coordinate system {crs!r}; expected one of: {', '.join(CRS_CHOICES)}"
        )
    return code


def check_kind(layer_id: str, kind: LayerKind, fmt: ExportFormat) -> None:
    if kind not in fmt.kinds:
        if kind == "raster":
            raise InputError(
                f"{layer_id!r} is a raster layer and {fmt.label} holds vector layers only; "
                "export it as GeoTIFF (--format tif)"
            )
        raise InputError(
            f"{layer_id!r} is a vector layer and {fmt.label} holds rasters only; "
            "export it as GeoPackage, GeoJSON, Shapefile, KML/KMZ or CSV"
        )


def check_lonlat(export_format: ExportFormat, crs: str) -> None:
    if export_format.lonlat_only and crs != "EPSG:4326":
        raise CRSError(
            f"{export_format.label} files are always in EPSG:4326 (WGS 84 lon/lat) by their "
            f"specification; {crs} is not allowed. Use --crs EPSG:4326, or GeoPackage/"
            "Shapefile/CSV for a projected coordinate system"
        )


def expected_suffix(export_format: ExportFormat, count: int) -> str:
    if export_format.key in ("geojson", "tif") and count > 1:
        return ".zip"
    return export_format.extension
