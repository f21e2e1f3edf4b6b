"""Readers of imported files: every format to one `RawLayer` (a GeoDataFrame as in the file).

Vector formats go through pyogrio (GDAL); a zip (Shapefile, KMZ, or another format zipped)
is unpacked by `cmgis.imports.archive` into a temporary folder first; CSV is read with
pandas (lon/lat or WKT columns, UTF-8 or Thai cp874); a GeoTIFF becomes polygons of
equal cell value (rasterio). The CRS is the file's own; it stays ``None`` when the file
has none (`cmgis.imports.checks` then names the candidates).
"""

from __future__ import annotations

import contextlib
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from cmgis._errors import CmgisError
from cmgis.imports.archive import unpack_archive
from cmgis.imports.encoding import EncodingGuess, dbf_encoding, text_encoding
from cmgis.imports.formats import EXTENSIONS, FORMAT_LABELS, file_format
from cmgis.imports.refusals import quote, refuse

#: Most bytes an imported file may have.
MAX_FILE_BYTES: Final = 50 * 1024 * 1024
#: Most features an imported layer may have.
MAX_FEATURES: Final = 200_000
#: Most cells of an imported raster (a 2,000 × 2,000 GeoTIFF).
MAX_RASTER_CELLS: Final = 4_000_000
#: Classes a continuous (floating point) raster is cut into (quantiles).
RASTER_CLASSES: Final = 5
LON_NAMES: Final = ("lon", "lng", "long", "longitude", "x", "easting")
LAT_NAMES: Final = ("lat", "latitude", "y", "northing")
WKT_NAMES: Final = ("wkt", "geometry", "geom", "the_geom", "shape")
#: Column names that state lon/lat degrees (x/y, easting/northing do not).
_DEGREE_NAMES: Final = frozenset({"lon", "lng", "long", "longitude", "lat", "latitude"})


@dataclass
class RawLayer:
    """A layer as read from a file, before checks (any CRS, or none)."""

    frame: gpd.GeoDataFrame
    format: str
    layer: str | None = None
    encoding: EncodingGuess | None = None
    crs_from: str = "file"
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _choose(name: str, layers: list[str], layer: str | None) -> str:
    listed = ", ".join(quote(n) for n in layers)
    if layer is not None:
        if layer not in layers:
            raise refuse("no_such_layer", name=quote(name), layer=quote(layer), layers=listed)
        return layer
    if len(layers) > 1:
        raise refuse(
            "choose_layer",
            name=quote(name),
            n=len(layers),
            layers=listed,
            candidates=tuple(layers),
        )
    return layers[0]


def _feature_count(path: Path, layer: str | None, *, name: str) -> None:
    try:
        info = pyogrio.read_info(path, layer=layer)
    except Exception:  # counted when read instead
        return
    count = int(info.get("features") or 0)
    if count > MAX_FEATURES:
        raise refuse("too_many_features", name=quote(name), n=count, limit=MAX_FEATURES)


@contextlib.contextmanager
def quiet_gdal() -> Iterator[None]:
    """GDAL's warnings about a user's file (odd ids, unclosed rings) are not errors here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def read_vector(
    path: Path, *, name: str, fmt: str, layer: str | None, encoding: EncodingGuess | None = None
) -> RawLayer:
    """A layer of a GDAL vector file (GeoJSON, GeoPackage, KML, FlatGeobuf, Shapefile)."""
    with quiet_gdal():
        return _read_vector(path, name=name, fmt=fmt, layer=layer, encoding=encoding)


def _read_vector(
    path: Path, *, name: str, fmt: str, layer: str | None, encoding: EncodingGuess | None
) -> RawLayer:
    try:
        layers = [str(n) for n, _ in pyogrio.list_layers(path)]
    except Exception as err:  # GDAL raises several types for a damaged file
        raise refuse(
            "unreadable", name=quote(name), fmt=FORMAT_LABELS.get(fmt, fmt), detail=str(err)[:80]
        ) from err
    if not layers:
        raise refuse("no_features", name=quote(name))
    chosen = _choose(name, layers, layer)
    _feature_count(path, chosen, name=name)
    try:
        frame = pyogrio.read_dataframe(
            path, layer=chosen, encoding=encoding.encoding if encoding else None
        )
    except CmgisError:
        raise
    except Exception as err:
        raise refuse(
            "unreadable", name=quote(name), fmt=FORMAT_LABELS.get(fmt, fmt), detail=str(err)[:80]
        ) from err
    if not isinstance(frame, gpd.GeoDataFrame):
        raise refuse("no_features", name=quote(name))
    return RawLayer(frame, fmt, chosen if len(layers) > 1 else None, encoding)


# ------------------------------------------------------------------------------ zip


def _datasets(files: list[Path], root: Path, *, name: str) -> dict[str, tuple[Path, str]]:
    """Importable datasets among unpacked ``files``: label → (path, format key)."""
    found: dict[str, tuple[Path, str]] = {}
    by_lower = {str(p).lower(): p for p in files}
    for path in files:
        suffix = path.suffix.lower()
        label = str(path.relative_to(root))
        if suffix == ".shp":
            for needed in (".shx", ".dbf"):
                if str(path.with_suffix(needed)).lower() not in by_lower:
                    raise refuse(
                        "shp_incomplete", name=quote(name), shp=quote(label), missing=needed
                    )
            found[label] = (path, "shp")
        elif suffix in EXTENSIONS and EXTENSIONS[suffix] not in ("zip", "kmz"):
            found[label] = (path, EXTENSIONS[suffix])
    return found


def read_zip(path: Path, *, name: str, layer: str | None, kmz: bool = False) -> RawLayer:
    """A dataset inside a zip (a Shapefile with .shx/.dbf/.prj/.cpg, a KMZ's KML, …)."""
    with tempfile.TemporaryDirectory(prefix="cmgis-import-") as tmp:
        root = Path(tmp)
        files = unpack_archive(path, root, name=name)
        datasets = _datasets(files, root.resolve(), name=name)
        if not datasets:
            raise refuse("zip_no_data", name=quote(name))
        chosen = _choose(name, sorted(datasets), layer)
        inner, fmt = datasets[chosen]
        if fmt == "shp":
            dbf = next(p for p in files if str(p).lower() == str(inner.with_suffix(".dbf")).lower())
            enc = dbf_encoding(dbf, name=name)
            raw = read_vector(inner, name=name, fmt="zip", layer=None, encoding=enc)
            raw.format = "Shapefile"
        else:
            raw = read_file(inner, name=inner.name, layer=None)
        raw.format = "KMZ" if kmz else f"{raw.format} (zip)" if fmt != "shp" else raw.format
        raw.layer = chosen if len(datasets) > 1 else raw.layer
        raw.frame = raw.frame.copy()  # detached from the temporary folder
        return raw


# ------------------------------------------------------------------------------ csv


def _pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {c.strip().lower(): c for c in columns}
    return next((lowered[n] for n in names if n in lowered), None)


def _coordinates(frame: pd.DataFrame, column: str, *, name: str) -> np.ndarray[Any, Any]:
    values = pd.to_numeric(frame[column].str.strip().str.replace(",", ""), errors="coerce")
    bad = values.isna() & frame[column].notna() & (frame[column].str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise refuse(
            "csv_bad_value",
            name=quote(name),
            row=row + 2,
            column=quote(column),
            value=quote(frame[column].iloc[row]),
        )
    return values.to_numpy(dtype=float)


def read_csv(path: Path, *, name: str) -> RawLayer:
    """Points from lon/lat (or x/y) columns, or shapes from a WKT column; text kept as text."""
    data = path.read_bytes()
    enc = text_encoding(data, name=name)
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding=enc.encoding,
            sep=None,
            engine="python",
        )
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError, csv_error()) as err:
        raise refuse("unreadable", name=quote(name), fmt="CSV", detail=str(err)[:80]) from err
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    wkt = _pick(columns, WKT_NAMES)
    lon, lat = _pick(columns, LON_NAMES), _pick(columns, LAT_NAMES)
    if lon and lat:
        xs = _coordinates(frame, lon, name=name)
        ys = _coordinates(frame, lat, name=name)
        geoms: np.ndarray[Any, Any] = np.asarray(shapely.points(xs, ys), dtype=object)
        geoms[np.isnan(xs) | np.isnan(ys)] = None
        stated = lon.strip().lower() in _DEGREE_NAMES and lat.strip().lower() in _DEGREE_NAMES
        attrs = frame.drop(columns=[lon, lat])
    elif wkt:
        texts = frame[wkt].fillna("").to_numpy(dtype=object)
        try:
            geoms = shapely.from_wkt([t or None for t in texts], on_invalid="raise")
        except shapely.errors.GEOSException as err:
            row = next(
                i
                for i, t in enumerate(texts)
                if t and shapely.from_wkt(t, on_invalid="ignore") is None
            )
            raise refuse(
                "csv_bad_value",
                name=quote(name),
                row=row + 2,
                column=quote(wkt),
                value=quote(texts[row]),
            ) from err
        stated = False
        attrs = frame.drop(columns=[wkt])
    else:
        raise refuse("csv_no_geometry", name=quote(name))
    gdf = gpd.GeoDataFrame(attrs, geometry=list(geoms), crs="EPSG:4326" if stated else None)
    raw = RawLayer(gdf, "CSV", encoding=enc)
    raw.crs_from = "csv_columns" if stated else "file"
    return raw


def csv_error() -> type[Exception]:
    """The csv module's error class (pandas' python engine raises it for bad quoting)."""
    import csv

    return csv.Error


# ---------------------------------------------------------------------------- raster


def read_raster(path: Path, *, name: str) -> RawLayer:
    """A GeoTIFF as polygons of equal value (band 1): integer values as they are,
    floating point values cut into `RASTER_CLASSES` quantile classes (with their range).
    """
    import rasterio
    import rasterio.features

    try:
        with rasterio.open(path) as src:
            cells = src.width * src.height
            if cells > MAX_RASTER_CELLS:
                raise refuse(
                    "raster_too_big", name=quote(name), cells=cells, limit=MAX_RASTER_CELLS
                )
            if src.crs is None:
                raise refuse("raster_no_crs", name=quote(name))
            band = src.read(1, masked=True)
            transform, crs = src.transform, src.crs.to_string()
    except CmgisError:
        raise
    except Exception as err:  # rasterio raises several types for a damaged file
        raise refuse("unreadable", name=quote(name), fmt="GeoTIFF", detail=str(err)[:80]) from err
    values = band.filled(np.nan).astype("float64")
    valid = ~np.isnan(values)
    if not valid.any():
        raise refuse("no_features", name=quote(name))
    notes: list[tuple[str, dict[str, Any]]] = []
    if np.issubdtype(band.dtype, np.integer):
        classes = np.where(valid, values, -1).astype("int64")
        table: dict[int, dict[str, Any]] = {
            int(v): {"value": int(v)} for v in np.unique(classes[valid])
        }
        notes.append(("raster_values", {"n": len(table)}))
    else:
        edges = np.unique(np.nanquantile(values[valid], np.linspace(0, 1, RASTER_CLASSES + 1)))
        classes = np.where(
            valid, np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2), -1
        ).astype("int64")
        table = {
            k: {"class": k + 1, "value_min": float(edges[k]), "value_max": float(edges[k + 1])}
            for k in range(len(edges) - 1)
        }
        notes.append(("raster_classes", {"n": len(table)}))
    shapes = rasterio.features.shapes(classes.astype("int32"), mask=valid, transform=transform)
    rows, geoms = [], []
    for geom, value in shapes:
        rows.append(table[int(value)])
        geoms.append(shapely.geometry.shape(geom))
    gdf = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=crs)
    return RawLayer(gdf, "GeoTIFF", notes=notes)


# ----------------------------------------------------------------------------- entry


def read_file(path: Path, *, name: str, layer: str | None = None) -> RawLayer:
    """Read the file ``path`` (named ``name`` by its owner) as it is: any format above.

    Raises
    ------
    ImportRefusedError
        Too big, empty, wrong extension, unreadable, no features, a bad archive, several
        layers and none chosen, an unknown encoding.
    """
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise refuse(
            "too_big", name=quote(name), mb=f"{size / 2**20:.1f}", limit=MAX_FILE_BYTES // 2**20
        )
    fmt = file_format(path, name=name)
    if fmt in ("zip", "kmz"):
        return read_zip(path, name=name, layer=layer, kmz=fmt == "kmz")
    if fmt == "csv":
        return read_csv(path, name=name)
    if fmt == "tif":
        return read_raster(path, name=name)
    raw = read_vector(path, name=name, fmt=fmt, layer=layer)
    raw.format = FORMAT_LABELS[fmt]
    return raw
