"""GeoTIFF: rasters reprojected, tiled, DEFLATE-compressed, with nodata and credit tags."""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import rasterio
from rasterio.warp import Resampling, calculate_default_transform, reproject

from cmgis._errors import CRSError
from cmgis.export.meta import (
    LayerData,
    LayerMeta,
    RasterSource,
    as_raster,
    metadata_items,
    zip_with_readme,
)


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
            **metadata_items(meta, dt.datetime.now(dt.UTC)),
        )
        if profile["units"]:
            dst.set_band_unit(1, profile["units"])


def write_tif(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    crs: str,
    path: Path,
    when: dt.datetime,
) -> None:
    if len(layers) == 1:
        ((layer_id, data),) = layers.items()
        write_geotiff(as_raster(data), metas[layer_id], crs, path)
        return
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for layer_id, data in layers.items():
            tif = Path(tmp) / f"{layer_id}.tif"
            write_geotiff(as_raster(data), metas[layer_id], crs, tif)
            files.append(tif)
        zip_with_readme(path, files, metas, layers, crs, "GeoTIFF", when)
