"""GeoJSON (RFC 7946, EPSG:4326): one file per layer, zipped with a README when several."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pyogrio

from cmgis.export.meta import LayerData, LayerMeta, as_vector, layer_description, zip_with_readme
from cmgis.export.vector import prepare_vector


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
                p for p in (meta.title, "-", layer_description(meta)) if p
            ).strip(" -"),
        },
    )


def write_geojson(
    layers: Mapping[str, LayerData],
    metas: Mapping[str, LayerMeta],
    crs: str,
    path: Path,
    when: dt.datetime,
) -> None:
    frames = {i: prepare_vector(as_vector(d), crs, name=i) for i, d in layers.items()}
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
        zip_with_readme(path, files, metas, layers, crs, "GeoJSON (RFC 7946)", when)
