"""Export layers for officials: GIS formats, Thai coordinate systems, credits in every file.

The export works on plain data, so every feature can plug in: a mapping of layer id to a
GeoDataFrame (any CRS) or a `RasterSource` (a GeoTIFF on disk), plus a `LayerMeta` per
layer with its title, description and provenance (source, licence, credit, method, date).
`export_layers` writes them in one format and one CRS. On top of it, a small registry of
exportable layers (`register_exportable`) lets the CLI and the Export page resolve layer
ids, including ``all``; the base layers and the elevation raster are registered from the
catalog, and later features (projects, workshop results, suitability rasters, candidate
zones) register theirs.

Formats (`FORMATS`): GeoPackage (several layers, titles and descriptions in
``gpkg_contents``, a ``cmgis_sources`` table and layer metadata with the credits), GeoJSON
(RFC 7946, EPSG:4326 only), zipped ESRI Shapefile (UTF-8 ``.cpg``, ``.prj``, field names cut
to 10 characters with a mapping file), KML/KMZ (EPSG:4326 only, names and descriptions
for Google Earth), CSV (zipped, WKT plus lon/lat of points, UTF-8 with a byte-order mark
so spreadsheet programs read Thai), GeoTIFF (tiled, DEFLATE-compressed, nodata, CRS).
Coordinate systems (`CRS_CHOICES`): EPSG:4326, EPSG:32647, EPSG:24047, EPSG:3857.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import rasterio
from rasterio.warp import Resampling, calculate_default_transform, reproject

from cmgis import settings
from cmgis._errors import CRSError, InputError, UnknownLayerError
from cmgis.data.catalog import LayerEntry
from cmgis.geocheck import check_finite
from cmgis.projection import require_crs
from cmgis.textclean import csv_safe

LayerKind = Literal["vector", "raster"]


# --------------------------------------------------------------------------------------
# Formats and coordinate systems
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Layers and their provenance
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerMeta:
    """Title, description and provenance of one exported layer (from the catalog)."""

    layer_id: str
    title: str
    description: str = ""
    source: str = ""
    licence: str = ""
    credit: str = ""
    method: str = ""
    date: str = ""
    title_th: str = ""


def meta_from_catalog_entry(entry: LayerEntry) -> LayerMeta:
    """The export metadata of a catalog entry (`cmgis.data.catalog.LayerEntry`)."""
    description = entry.description_en
    if entry.approximate:
        description = (description + " Geometry is approximate (see attributes).").strip()
    return LayerMeta(
        layer_id=entry.id,
        title=entry.title_en,
        title_th=entry.title_th,
        description=description,
        source=entry.source,
        licence=entry.licence,
        credit=entry.credit,
        method=entry.method,
        date=entry.date,
    )


@dataclass(frozen=True)
class RasterSource:
    """A raster layer to export: a file GDAL can read (GeoTIFF), with a CRS and nodata."""

    path: Path


LayerData: TypeAlias = gpd.GeoDataFrame | RasterSource


def layer_kind(data: LayerData) -> LayerKind:
    """``"raster"`` for a `RasterSource`, ``"vector"`` for a GeoDataFrame."""
    if isinstance(data, RasterSource):
        return "raster"
    if isinstance(data, gpd.GeoDataFrame):
        return "vector"
    raise InputError(f"cannot export a {type(data).__name__}; expected a GeoDataFrame or raster")


def credit_lines(metas: Iterable[LayerMeta]) -> list[str]:
    """The distinct credit lines of ``metas``, in order of first appearance.

    A layer derived from several sources has its lines joined by `` | `` (as in the
    catalog); they are split here.
    """
    seen: dict[str, None] = {}
    for meta in metas:
        for line in meta.credit.split(" | "):
            if line.strip():
                seen.setdefault(line.strip(), None)
    return list(seen)


@dataclass(frozen=True)
class Exportable:
    """A registered exportable layer: how to load it and its provenance."""

    layer_id: str
    kind: LayerKind
    load: Callable[[], LayerData] = field(repr=False)
    meta: Callable[[], LayerMeta] = field(repr=False)
    group: str = "base"
    style_like: str | None = None


_REGISTRY: dict[str, Exportable] = {}
_BUILTINS_LOADED = False
_REGISTERED_ID = re.compile(r"[a-z][a-z0-9_]*(?::[a-z0-9_]+)?")
#: Called by `exportable_layers` each time, to (un)register layers that come and go
#: (saved user layers, see `cmgis.sources.providers`).
_REFRESHERS: list[Callable[[], None]] = []
#: ``prefix`` → resolver of ``prefix:key`` ids that are not listed but found on demand
#: (a workshop by its join code: listing them would show every join code).
_RESOLVERS: dict[str, Callable[[str], Exportable]] = {}


def add_registry_refresher(refresh: Callable[[], None]) -> None:
    """Call ``refresh`` whenever the registry is read (it registers dynamic layers)."""
    if refresh not in _REFRESHERS:
        _REFRESHERS.append(refresh)


def register_prefix_resolver(prefix: str, resolve: Callable[[str], Exportable]) -> None:
    """Resolve ids ``prefix:key`` with ``resolve(key)``; it raises a `CmgisError` if unknown."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", prefix):
        raise InputError(f"prefix {prefix!r} must be lower-case letters, digits and _")
    _RESOLVERS[prefix] = resolve


def lookup_exportable(layer_id: str) -> Exportable:
    """The registered or resolvable (``prefix:key``) layer ``layer_id``.

    Raises
    ------
    UnknownLayerError
        For an id that is neither registered nor resolvable.
    """
    registry = exportable_layers()
    if layer_id in registry:
        return registry[layer_id]
    prefix, sep, key = layer_id.partition(":")
    if sep and prefix in _RESOLVERS and key:
        return _RESOLVERS[prefix](key)
    prefixes = "".join(f", {p}:<key>" for p in _RESOLVERS)
    raise UnknownLayerError(
        f"unknown layer {layer_id[:80]!r}; expected one of: {', '.join(registry)}{prefixes} "
        "or 'all'"
    )


def registered_ids(*, prefix: str = "") -> list[str]:
    """Ids registered so far that start with ``prefix`` (no refresh: used by refreshers)."""
    return [i for i in _REGISTRY if i.startswith(prefix)]


def file_layer_name(layer_id: str) -> str:
    """The layer/file name of an id in exported files (``user:zones_a`` → ``user_zones_a``)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", layer_id)


def register_exportable(
    layer_id: str,
    *,
    kind: LayerKind,
    load: Callable[[], LayerData],
    meta: Callable[[], LayerMeta],
    group: str = "base",
    style_like: str | None = None,
    replace: bool = False,
) -> Exportable:
    """Make a layer exportable by id from the CLI and the Export page.

    Parameters
    ----------
    layer_id
        Id used on the CLI (``--layers``) and as the layer/file name; letters, digits, ``_``.
    kind
        ``"vector"`` (``load`` returns a GeoDataFrame with a CRS) or ``"raster"`` (``load``
        returns a `RasterSource`).
    load
        Called at export time, so registering is cheap.
    meta
        Returns the layer's `LayerMeta` (title, description, source, licence, credit…).
    group
        A label to group layers on the page (``base``, ``projects``, ``workshop``…).
    style_like
        Print this layer in the style of another layer id (e.g. ``zones``).
    replace
        Allow replacing an existing registration (otherwise a duplicate id raises).
    """
    if not _REGISTERED_ID.fullmatch(layer_id):
        raise InputError(
            f"layer id {layer_id!r} must be lower-case letters, digits and _ "
            "(with an optional namespace: user:<slug>)"
        )
    if layer_id in _REGISTRY and not replace:
        raise InputError(f"layer id {layer_id!r} is already registered for export")
    item = Exportable(layer_id, kind, load, meta, group, style_like)
    _REGISTRY[layer_id] = item
    return item


def unregister_exportable(layer_id: str) -> None:
    """Remove a registration (used by tests and by features that drop a layer)."""
    _REGISTRY.pop(layer_id, None)


def exportable_layers() -> dict[str, Exportable]:
    """Every registered exportable layer, by id (base layers first)."""
    _ensure_builtins()
    for refresh in _REFRESHERS:
        refresh()
    return dict(_REGISTRY)


def _ensure_builtins() -> None:
    global _BUILTINS_LOADED
    if _BUILTINS_LOADED:
        return
    from cmgis.sources import builtin as _export_builtin

    _export_builtin.register_builtin_layers()
    _BUILTINS_LOADED = True
    from cmgis.sources import providers as export_sources

    export_sources.register_dynamic_sources()


def resolve_selection(selection: str | Sequence[str], fmt: ExportFormat) -> list[str]:
    """Turn ``"all"``, ``"a,b"`` or a list of ids into registered ids ``fmt`` can hold.

    ``all`` means every registered layer the format can hold: vectors for vector formats,
    rasters for GeoTIFF. (GeoPackage holds vectors only here: GDAL does not read the nodata
    of GeoPackage raster tiles back reliably, so rasters go to GeoTIFF.)

    Raises
    ------
    UnknownLayerError
        For an id that is not registered.
    InputError
        For an empty selection, or a layer the format cannot hold (a raster as Shapefile).
    """
    registry = exportable_layers()
    ids = split_ids(selection)
    if ids == ["all"]:
        chosen = [i for i, item in registry.items() if item.kind in fmt.kinds]
        if not chosen:
            raise InputError(f"no registered layer can be exported as {fmt.label}")
        return chosen
    if not ids:
        raise InputError("no layers chosen; give layer ids separated by commas, or 'all'")
    for layer_id in ids:
        item = registry.get(layer_id) or lookup_exportable(layer_id)
        _check_kind(layer_id, item.kind, fmt)
    return list(dict.fromkeys(ids))


def split_ids(selection: str | Sequence[str]) -> list[str]:
    """``"a, b,,c"`` or a list → ``["a", "b", "c"]`` (blanks dropped)."""
    parts = selection.split(",") if isinstance(selection, str) else list(selection)
    return [p.strip() for p in parts if p and p.strip()]


def _check_kind(layer_id: str, kind: LayerKind, fmt: ExportFormat) -> None:
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


# --------------------------------------------------------------------------------------
# The export itself
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    """What `export_bytes` returns: a file to download."""

    file_name: str
    mime: str
    data: bytes


def export_selection(
    selection: str | Sequence[str], *, fmt: str, crs: str | int, output: Path | str
) -> Path:
    """Export registered layers by id (or ``all``) to ``output``; returns the path written.

    See `resolve_selection` and `export_layers` for the rules and errors.
    """
    export_format = check_format(fmt)
    target = check_crs(crs)
    _check_lonlat(export_format, target)
    ids = resolve_selection(selection, export_format)
    items = {file_layer_name(i): lookup_exportable(i) for i in ids}
    if len(items) < len(ids):
        raise InputError("two of the chosen layers would get the same name in the file")
    layers = {name: item.load() for name, item in items.items()}
    metas = {name: item.meta() for name, item in items.items()}
    return export_layers(layers, metas, fmt=export_format.key, crs=target, output=output)


def export_bytes(
    selection: str | Sequence[str], *, fmt: str, crs: str | int, name: str = "cmgis"
) -> ExportResult:
    """Like `export_selection`, but return the file's bytes with a name and MIME type."""
    export_format = check_format(fmt)
    with tempfile.TemporaryDirectory(prefix="cmgis-export-") as tmp:
        path = export_selection(
            selection,
            fmt=export_format.key,
            crs=crs,
            output=Path(tmp) / f"{name}{export_format.extension}",
        )
        return ExportResult(path.name, export_format.mime, path.read_bytes())


def export_layers(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta] | None = None,
    *,
    fmt: str,
    crs: str | int,
    output: Path | str,
    exported_at: dt.datetime | None = None,
) -> Path:
    """Write ``layers`` in one format and coordinate system to ``output``.

    Parameters
    ----------
    layers
        Layer id → GeoDataFrame (any CRS; it is reprojected) or `RasterSource`.
    metas
        Layer id → `LayerMeta`; a layer without one gets a bare title and no credit.
    fmt
        A key of `FORMATS` (or an alias such as ``shapefile``).
    crs
        One of `CRS_CHOICES`, e.g. ``EPSG:32647``.
    output
        The file to write; its suffix must be the format's (``.gpkg``, ``.zip``…), except
        GeoJSON and GeoTIFF of several layers, which are zipped (``.zip``).
    exported_at
        The time written in the README and metadata (default: now, UTC).

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    InputError
        Empty selection, wrong suffix, a layer the format cannot hold, a layer without CRS.
    CRSError
        An unsupported CRS, or another CRS than EPSG:4326 for GeoJSON or KML.
    """
    export_format = check_format(fmt)
    target = check_crs(crs)
    _check_lonlat(export_format, target)
    if not layers:
        raise InputError("no layers chosen; choose at least one layer to export")
    metas = dict(metas or {})
    for layer_id, data in layers.items():
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", layer_id):
            raise InputError(f"layer id {layer_id!r} must be letters, digits and _")
        _check_kind(layer_id, layer_kind(data), export_format)
        given = metas.get(layer_id) or LayerMeta(layer_id=layer_id, title=layer_id)
        metas[layer_id] = replace(given, layer_id=layer_id)
    output = Path(output)
    expected = _expected_suffix(export_format, len(layers))
    if output.suffix.lower() != expected:
        raise InputError(
            f"output {output.name!r} should end in {expected} for {export_format.label}"
            + (
                " of several layers"
                if expected == ".zip" and export_format.extension != ".zip"
                else ""
            )
        )
    when = exported_at or dt.datetime.now(dt.UTC)
    writer = _WRITERS[export_format.key]
    with staged_output(output) as staged:
        writer(layers, metas, target, staged, when)
    return output


@contextlib.contextmanager
def staged_output(output: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``output``; move it onto ``output`` if all went well.

    An older file at ``output`` stays intact when writing fails.

    Raises
    ------
    InputError
        If ``output`` is a folder, or its folder cannot be created or written.
    """
    if output.is_dir():
        raise InputError(f"output {output} is a folder; give a file name")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.TemporaryDirectory(prefix="cmgis-out-", dir=output.parent)
    except OSError as err:
        raise InputError(f"cannot write to {output.parent}: {err.strerror or err}") from err
    with tmp as tmp_dir:
        staged = Path(tmp_dir) / output.name
        yield staged
        try:
            staged.replace(output)
        except OSError as err:
            raise InputError(f"cannot write {output}: {err.strerror or err}") from err


def _check_lonlat(export_format: ExportFormat, crs: str) -> None:
    if export_format.lonlat_only and crs != "EPSG:4326":
        raise CRSError(
            f"{export_format.label} files are always in EPSG:4326 (WGS 84 lon/lat) by their "
            f"specification; {crs} is not allowed. Use --crs EPSG:4326, or GeoPackage/"
            "Shapefile/CSV for a projected coordinate system"
        )


def _expected_suffix(export_format: ExportFormat, count: int) -> str:
    if export_format.key in ("geojson", "tif") and count > 1:
        return ".zip"
    return export_format.extension


Writer = Callable[[Mapping[str, LayerData], Mapping[str, LayerMeta], str, Path, dt.datetime], None]


def _vector(data: LayerData) -> gpd.GeoDataFrame:
    assert isinstance(data, gpd.GeoDataFrame)
    return data


def _raster(data: LayerData) -> RasterSource:
    assert isinstance(data, RasterSource)
    return data


def prepare_vector(gdf: gpd.GeoDataFrame, crs: str, *, name: str = "layer") -> gpd.GeoDataFrame:
    """Return ``gdf`` in ``crs`` with plain columns (lists/dicts as JSON text), index dropped.

    The input is not mutated. Raises `InputError` when a coordinate is not finite in
    ``crs`` (nothing valid could be written).
    """
    require_crs(gdf, name=name)
    check_finite(gdf, what=f"the layer {name!r}")
    out = gdf.to_crs(crs) if not gdf.crs.equals(pyproj.CRS(crs)) else gdf.copy()
    check_finite(out, what=f"the layer {name!r}")
    out = out.reset_index(drop=True)
    geom_name = out.geometry.name
    for column in out.columns:
        if column == geom_name:
            continue
        series = out[column]
        if series.dtype == object:
            if series.map(lambda v: isinstance(v, (list, dict, tuple))).any():
                out[column] = series.map(
                    lambda v: (
                        json.dumps(v, ensure_ascii=False)
                        if isinstance(v, (list, dict, tuple))
                        else v
                    )
                )
        elif pd.api.types.is_datetime64_any_dtype(series.dtype):
            out[column] = series.map(lambda v: v.isoformat() if pd.notna(v) else None)
    return out


# ---- GeoPackage ------------------------------------------------------------------------

SOURCES_TABLE = "cmgis_sources"
ODBL_NOTE = (
    "Data from OpenStreetMap is under the Open Database Licence (ODbL 1.0): a database "
    "you publish from it must be offered under the ODbL too; maps and images only need "
    "the credit line."
)


def _sources_frame(metas: Iterable[LayerMeta]) -> pd.DataFrame:
    rows = [
        {
            "layer_id": m.layer_id,
            "title": m.title,
            "title_th": m.title_th,
            "description": m.description,
            "source": m.source,
            "licence": m.licence,
            "credit": m.credit,
            "method": m.method,
            "date": m.date,
        }
        for m in metas
    ]
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else None)


def _write_gpkg(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    crs: str,
    path: Path,
    when: dt.datetime,
) -> None:
    # GeoPackage 1.2 so that older QGIS/ArcGIS and GDAL open it without a warning.
    dataset_options = {"VERSION": "1.2"}
    first = True
    for layer_id, data in layers.items():
        meta = metas[layer_id]
        gdf = prepare_vector(_vector(data), crs, name=layer_id)
        pyogrio.write_dataframe(
            gdf,
            path,
            layer=layer_id,
            driver="GPKG",
            append=not first,
            dataset_options=dataset_options if first else None,
            layer_options={
                "IDENTIFIER": _gpkg_title(meta),
                "DESCRIPTION": _gpkg_description(meta),
                "SPATIAL_INDEX": "YES",
            },
            layer_metadata=_meta_items(meta, when),
        )
        first = False
    sources = _sources_frame(metas[i] for i in layers)
    sources["exported_at_utc"] = when.isoformat(timespec="seconds")
    credits = credit_lines(metas[i] for i in layers)
    dataset_metadata = {
        "EXPORT": "cmgis: Chiang Mai innovation districts",
        "CREDITS": " | ".join(credits),
        "EXPORTED_AT_UTC": when.isoformat(timespec="seconds"),
        "SOURCES_TABLE": SOURCES_TABLE,
    }
    if any("ODbL" in m.licence or "ODbL" in m.credit for m in metas.values()):
        dataset_metadata["LICENCE_NOTE"] = ODBL_NOTE
    pyogrio.write_dataframe(
        sources,
        path,
        layer=SOURCES_TABLE,
        driver="GPKG",
        append=not first,
        dataset_metadata=dataset_metadata,
        dataset_options=dataset_options if first else None,
        layer_options={
            "IDENTIFIER": "Sources, licences and credits",
            "DESCRIPTION": "Where each layer in this file comes from, its licence and the "
            "credit line to show with it.",
        },
    )


def _gpkg_title(meta: LayerMeta) -> str:
    return f"{meta.title} / {meta.title_th}" if meta.title_th else meta.title


def _gpkg_description(meta: LayerMeta) -> str:
    parts = [meta.description, f"Credit: {meta.credit}" if meta.credit else ""]
    parts += [f"Licence: {meta.licence}" if meta.licence else ""]
    return " ".join(p for p in parts if p)


def _meta_items(meta: LayerMeta, when: dt.datetime) -> dict[str, str]:
    items = {
        "TITLE": meta.title,
        "TITLE_TH": meta.title_th,
        "DESCRIPTION": meta.description,
        "SOURCE": meta.source,
        "LICENCE": meta.licence,
        "CREDIT": meta.credit,
        "METHOD": meta.method,
        "DATE": meta.date,
        "EXPORTED_AT_UTC": when.isoformat(timespec="seconds"),
        "EXPORTED_BY": "cmgis",
    }
    return {k: v for k, v in items.items() if v}


def _default_nodata(dtype: np.dtype[Any]) -> float:
    """A nodata value for a raster that has none: NaN, or the type's extreme integer."""
    if np.issubdtype(dtype, np.floating):
        return float("nan")
    info = np.iinfo(dtype)
    return float(info.max if info.min == 0 else info.min)


def read_raster_in(
    source: RasterSource, crs: str
) -> tuple[np.ndarray[Any, Any], rasterio.Affine, dict[str, Any]]:
    """Band 1 of ``source`` in ``crs``: (array, transform, {dtype, nodata, units}).

    Nodata stays nodata; other cells are resampled bilinearly when the CRS changes.
    """
    with rasterio.open(source.path) as src:
        if src.crs is None:
            raise CRSError(f"raster {source.path.name} has no CRS; expected one, e.g. EPSG:4326")
        dtype = src.dtypes[0]
        nodata = src.nodata if src.nodata is not None else _default_nodata(np.dtype(dtype))
        if src.crs == pyproj.CRS(crs).to_wkt() or pyproj.CRS(src.crs.to_wkt()).equals(
            pyproj.CRS(crs)
        ):
            array = src.read(1)
            transform = src.transform
        else:
            with warnings.catch_warnings():
                # rasterio 1.4 multiplies Affine objects with `*`, which affine 3.x flags
                warnings.simplefilter("ignore", PendingDeprecationWarning)
                transform, width, height = calculate_default_transform(
                    src.crs, crs, src.width, src.height, *src.bounds
                )
            array = np.full((height, width), nodata, dtype=dtype)
            reproject(
                source=rasterio.band(src, 1),
                destination=array,
                src_transform=src.transform,
                src_crs=src.crs,
                src_nodata=src.nodata,
                dst_transform=transform,
                dst_crs=crs,
                dst_nodata=nodata,
                resampling=Resampling.bilinear,
            )
        profile = {"dtype": dtype, "nodata": nodata, "units": src.units[0] or ""}
    return array, transform, profile


# ---- GeoTIFF ---------------------------------------------------------------------------


def write_geotiff(source: RasterSource, meta: LayerMeta, crs: str, path: Path) -> None:
    """Write ``source`` as a tiled, DEFLATE-compressed GeoTIFF in ``crs`` with nodata set.

    Credits go into the TIFF copyright and description tags and GDAL metadata.
    """
    array, transform, profile = read_raster_in(source, crs)
    dtype = np.dtype(profile["dtype"])
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=array.shape[0],
        width=array.shape[1],
        count=1,
        dtype=profile["dtype"],
        crs=crs,
        transform=transform,
        nodata=profile["nodata"],
        tiled=True,
        blockxsize=256,
        blockysize=256,
        compress="deflate",
        predictor=3 if np.issubdtype(dtype, np.floating) else 2,
    ) as dst:
        dst.write(array, 1)
        dst.update_tags(
            TIFFTAG_COPYRIGHT=meta.credit,
            TIFFTAG_IMAGEDESCRIPTION=f"{meta.title}: {meta.description}".strip(": "),
            TIFFTAG_SOFTWARE="cmgis",
            **_meta_items(meta, dt.datetime.now(dt.UTC)),
        )
        if profile["units"]:
            dst.set_band_unit(1, profile["units"])


def _write_tif(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    crs: str,
    path: Path,
    when: dt.datetime,
) -> None:
    if len(layers) == 1:
        ((layer_id, data),) = layers.items()
        write_geotiff(_raster(data), metas[layer_id], crs, path)
        return
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for layer_id, data in layers.items():
            tif = Path(tmp) / f"{layer_id}.tif"
            write_geotiff(_raster(data), metas[layer_id], crs, tif)
            files.append(tif)
        _zip_with_readme(path, files, metas, layers, crs, "GeoTIFF", when)


# ---- GeoJSON ---------------------------------------------------------------------------


def _write_geojson_file(gdf: gpd.GeoDataFrame, meta: LayerMeta, path: Path) -> None:
    pyogrio.write_dataframe(
        gdf,
        path,
        driver="GeoJSON",
        layer=meta.layer_id,
        layer_options={
            "RFC7946": "YES",
            "WRITE_NAME": "YES",
            "DESCRIPTION": " ".join(
                p for p in (meta.title, "-", _gpkg_description(meta)) if p
            ).strip(" -"),
        },
    )


def _write_geojson(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    crs: str,
    path: Path,
    when: dt.datetime,
) -> None:
    frames = {i: prepare_vector(_vector(d), crs, name=i) for i, d in layers.items()}
    if len(frames) == 1:
        ((layer_id, gdf),) = frames.items()
        _write_geojson_file(gdf, metas[layer_id], path)
        return
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for layer_id, gdf in frames.items():
            file = Path(tmp) / f"{layer_id}.geojson"
            _write_geojson_file(gdf, metas[layer_id], file)
            files.append(file)
        _zip_with_readme(path, files, metas, layers, crs, "GeoJSON (RFC 7946)", when)


# ---- Shapefile -------------------------------------------------------------------------


def shapefile_field_names(columns: Iterable[str]) -> dict[str, str]:
    """Map column names to unique DBF field names of at most 10 bytes.

    A name that fits is kept; a longer one is cut, and a cut that collides with another
    field gets ``_1``, ``_2``… (comparison ignores case, as DBF readers do).
    """
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for column in columns:
        name = _cut_bytes(column, 10)
        n = 1
        while name.lower() in used:
            suffix = f"_{n}"
            name = _cut_bytes(column, 10 - len(suffix)) + suffix
            n += 1
        used.add(name.lower())
        mapping[column] = name
    return mapping


def _fields_over_254_bytes(gdf: gpd.GeoDataFrame) -> list[str]:
    fields = []
    for column in gdf.columns:
        if column == gdf.geometry.name or gdf[column].dtype.kind not in "OT":
            continue
        lengths = gdf[column].map(lambda v: len(v.encode("utf-8")) if isinstance(v, str) else 0)
        if len(lengths) and lengths.max() > 254:
            fields.append(str(column))
    return fields


def _cut_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")


_GEOM_FAMILY = {
    "Point": "points",
    "MultiPoint": "points",
    "LineString": "lines",
    "MultiLineString": "lines",
    "Polygon": "polygons",
    "MultiPolygon": "polygons",
}


def _write_shp(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    crs: str,
    path: Path,
    when: dt.datetime,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files: list[Path] = []
        notes: list[str] = []
        for layer_id, data in layers.items():
            gdf = prepare_vector(_vector(data), crs, name=layer_id)
            attrs = [c for c in gdf.columns if c != gdf.geometry.name]
            mapping = shapefile_field_names(attrs)
            gdf = gdf.rename(columns=mapping)
            for column in gdf.columns:
                if gdf[column].dtype == bool:
                    gdf[column] = gdf[column].astype("int8")
            families = gdf.geometry.geom_type.map(_GEOM_FAMILY).fillna("other")
            groups = sorted(set(families) - {"other"}) or ["points"]
            # rows without geometry go with the first type rather than being lost
            families = families.where(families != "other", groups[0])
            for family in groups:
                part = gdf[families == family] if len(groups) > 1 else gdf
                stem = layer_id if len(groups) == 1 else f"{layer_id}_{family}"
                shp = Path(tmp) / f"{stem}.shp"
                long_text = _fields_over_254_bytes(part)
                if long_text:
                    notes.append(
                        f"{stem}: text longer than 254 bytes was cut in field(s) "
                        f"{', '.join(long_text)} (a DBF limit); GeoPackage keeps it whole"
                    )
                with warnings.catch_warnings():
                    # the truncation is reported in the README instead
                    warnings.filterwarnings("ignore", message=".*truncated to 254 characters")
                    pyogrio.write_dataframe(
                        part,
                        shp,
                        driver="ESRI Shapefile",
                        layer=stem,
                        encoding="UTF-8",
                        # a point shapefile cannot hold MultiPoints: promote the whole
                        # part to multi-points when any is one (as for lines/polygons)
                        promote_to_multi=(
                            family != "points" or bool((part.geom_type == "MultiPoint").any())
                        ),
                    )
                files += sorted(Path(tmp).glob(f"{stem}.*"))
                if len(groups) > 1:
                    notes.append(f"{layer_id}: {family} written to {stem}.shp")
            map_file = Path(tmp) / f"{layer_id}_fields.csv"
            pd.DataFrame({"field": list(mapping.values()), "original_name": list(mapping)}).to_csv(
                map_file, index=False, encoding="utf-8"
            )
            files.append(map_file)
            if any(k != v for k, v in mapping.items()):
                notes.append(f"{layer_id}: field names cut to 10 characters, see {map_file.name}")
        _zip_with_readme(path, files, metas, layers, crs, "ESRI Shapefile", when, notes)


# ---- KML / KMZ -------------------------------------------------------------------------

_NAME_COLUMNS = ("name_en", "name_th", "name", "title", "zone_id", "poi_id", "landmark_id")


def _placemark_names(gdf: gpd.GeoDataFrame, title: str) -> pd.Series:
    """Placemark names: "Thai / English" when both exist, else the first name-like field."""
    names = pd.Series(title, index=gdf.index, dtype=object)
    for column in reversed(_NAME_COLUMNS):
        if column in gdf.columns:
            values = gdf[column]
            present = values.notna() & (values.astype(str) != "")
            names = names.where(~present, values.astype(str))
    if "name_en" in gdf.columns and "name_th" in gdf.columns:
        en, th = gdf["name_en"], gdf["name_th"]
        both = en.notna() & th.notna() & (en.astype(str) != "") & (th.astype(str) != "")
        names = names.where(~both, th.astype(str) + " / " + en.astype(str))
    return names


#: Put between "]]" and ">" so typed text cannot end LIBKML's CDATA sections early.
WORD_JOINER = "\u2060"


def kml_safe_text(value: object) -> object:
    """``value`` with every ``]]>`` split by an invisible word joiner (U+2060).

    LIBKML writes text in ``<![CDATA[…]]>`` without splitting a ``]]>`` inside it, which
    ends the section early and makes the file unreadable (GDAL, Google Earth).
    """
    if isinstance(value, str) and "]]>" in value:
        return value.replace("]]>", f"]]{WORD_JOINER}>")
    return value


def _write_kml(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    crs: str,
    path: Path,
    when: dt.datetime,
) -> None:
    if path.suffix.lower() == ".kmz":
        # LIBKML cannot append layers to a KMZ: write the KML, then zip it as doc.kml.
        with tempfile.TemporaryDirectory() as tmp:
            kml = Path(tmp) / "doc.kml"
            _write_kml(layers, metas, crs, kml, when)
            with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.write(kml, arcname="doc.kml")
        return
    credits = "; ".join(credit_lines(metas[i] for i in layers))
    first = True
    for layer_id, data in layers.items():
        meta = metas[layer_id]
        gdf = prepare_vector(_vector(data), crs, name=layer_id)
        # LIBKML takes placemark names and descriptions from these two columns.
        gdf.insert(0, "Name", _placemark_names(gdf, meta.title))
        # descriptions are shown as HTML in Google Earth's balloons: escape the text
        gdf.insert(1, "Description", html.escape(meta.credit or meta.title, quote=False))
        for column in gdf.columns:
            if column != gdf.geometry.name and pd.api.types.is_string_dtype(gdf[column]):
                gdf[column] = gdf[column].map(kml_safe_text)
        pyogrio.write_dataframe(
            gdf,
            path,
            driver="LIBKML",
            layer=layer_id,
            append=not first,
            dataset_options=(
                {
                    "NAME": "cmgis export",
                    "DESCRIPTION": kml_safe_text(
                        html.escape(
                            f"Exported {when:%Y-%m-%d} by cmgis. Credits: {credits}", quote=False
                        )
                    ),
                }
                if first
                else None
            ),
            layer_options={
                "NAME": kml_safe_text(_gpkg_title(meta)),
                "DESCRIPTION": kml_safe_text(html.escape(_gpkg_description(meta), quote=False)),
                "FOLDER": "YES",
            },
        )
        first = False


# ---- CSV -------------------------------------------------------------------------------


def vector_to_csv_frame(gdf: gpd.GeoDataFrame, crs: str) -> pd.DataFrame:
    """Attributes plus ``wkt`` in ``crs``, and for points ``lon``/``lat``.

    ``lon``/``lat`` are WGS 84 degrees taken from the data before reprojection; in a
    projected CRS points also get ``x_m`` and ``y_m`` (their coordinates in ``crs``).
    Text starting with ``=``, ``+``, ``-`` or ``@`` (user-typed titles may) is prefixed
    with ``'`` so that a spreadsheet shows it instead of running it as a formula.
    """
    projected = prepare_vector(gdf, crs)
    geom = projected.geometry
    frame = pd.DataFrame(projected.drop(columns=geom.name))
    for column in frame.columns:
        if pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(
            frame[column]
        ):
            frame[column] = frame[column].map(csv_safe)
    frame["wkt"] = geom.to_wkt(rounding_precision=-1)
    is_point = (geom.geom_type == "Point").to_numpy()
    if is_point.any():
        # only point rows have x/y (geopandas refuses .x on other geometry types)
        lonlat = gdf.geometry.to_crs(settings.STORE_CRS).to_numpy()
        projected_xy = geom.to_numpy()

        def coord(geoms: np.ndarray, axis: str) -> np.ndarray:
            out = np.full(len(geoms), np.nan)
            out[is_point] = [getattr(g, axis) for g in geoms[is_point]]
            return out

        frame["lon"] = coord(lonlat, "x")
        frame["lat"] = coord(lonlat, "y")
        if crs != "EPSG:4326":
            frame["x_m"] = coord(projected_xy, "x")
            frame["y_m"] = coord(projected_xy, "y")
    return frame


def _write_csv(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    crs: str,
    path: Path,
    when: dt.datetime,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for layer_id, data in layers.items():
            gdf = _vector(data)
            require_crs(gdf, name=layer_id)
            file = Path(tmp) / f"{layer_id}.csv"
            # A byte-order mark so Excel reads the Thai text as UTF-8.
            vector_to_csv_frame(gdf, crs).to_csv(file, index=False, encoding="utf-8-sig")
            files.append(file)
        notes = [
            "Geometry is in the column 'wkt' (OGC Well-Known Text) in the coordinate system "
            "below; points also have 'lon'/'lat' (WGS 84 degrees)"
            + ("." if crs == "EPSG:4326" else " and 'x_m'/'y_m' (metres in that system).")
        ]
        _zip_with_readme(path, files, metas, layers, crs, "CSV", when, notes)


# ---- README and zip --------------------------------------------------------------------


def readme_text(
    metas: Iterable[LayerMeta],
    layers: Mapping[str, LayerData],
    crs: str,
    format_label: str,
    when: dt.datetime,
    notes: Sequence[str] = (),
) -> str:
    """The README written beside exported files: CRS, layers, sources, licences, credits."""
    metas = list(metas)
    choice = CRS_CHOICES[crs]
    lines = [
        "cmgis export — Chiang Mai innovation districts",
        "=" * 46,
        "",
        f"Format: {format_label}",
        f"Exported: {when.isoformat(timespec='seconds')}",
        f"Coordinate system: {crs} — {choice.name_en} ({choice.note_en})",
    ]
    if crs == "EPSG:24047":
        lines.append(
            "Datum shift from WGS 84 (the stored data) to Indian 1975: "
            f"{INDIAN_1975_TRANSFORMATION}, chosen by PROJ for Thailand onshore. "
            "When converting back, use the same transformation."
        )
    lines += ["", "Credits (show these with any map or data made from these files):"]
    lines += [f"  - {c}" for c in credit_lines(metas)] or ["  - (none given)"]
    lines += ["", "Layers:"]
    for meta in metas:
        data = layers.get(meta.layer_id)
        count = f", {len(data)} feature(s)" if isinstance(data, gpd.GeoDataFrame) else ""
        lines.append(f"* {meta.layer_id}: {_gpkg_title(meta)}{count}")
        for label, value in (
            ("Description", meta.description),
            ("Source", meta.source),
            ("Licence", meta.licence),
            ("Credit", meta.credit),
            ("Method", meta.method),
            ("Date", meta.date),
        ):
            if value:
                lines.append(f"    {label}: {value}")
    if any("ODbL" in m.licence or "ODbL" in m.credit for m in metas):
        lines += ["", ODBL_NOTE]
    if notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _zip_with_readme(
    path: Path,
    files: Sequence[Path],
    metas: Mapping[str, LayerMeta],
    layers: Mapping[str, LayerData],
    crs: str,
    format_label: str,
    when: dt.datetime,
    notes: Sequence[str] = (),
) -> None:
    readme = readme_text((metas[i] for i in layers), layers, crs, format_label, when, notes)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme.encode("utf-8"))
        for file in files:
            archive.write(file, arcname=file.name)


_WRITERS: dict[str, Writer] = {
    "gpkg": _write_gpkg,
    "geojson": _write_geojson,
    "shp": _write_shp,
    "kml": _write_kml,
    "kmz": _write_kml,
    "csv": _write_csv,
    "tif": _write_tif,
}
