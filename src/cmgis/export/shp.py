"""Zipped ESRI Shapefile: UTF-8 ``.cpg``, ``.prj``, field names cut to 10 bytes (mapping file)."""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from cmgis.export.meta import LayerData, LayerMeta, as_vector, zip_with_readme
from cmgis.export.vector import prepare_vector


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


def write_shp(
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
            gdf = prepare_vector(as_vector(data), crs, name=layer_id)
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
        zip_with_readme(path, files, metas, layers, crs, "ESRI Shapefile", when, notes)
