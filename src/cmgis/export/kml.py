"""KML/KMZ for Google Earth (EPSG:4326): placemark names, escaped descriptions, credits."""

from __future__ import annotations

import datetime as dt
import html
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from cmgis.export.meta import (
    LayerData,
    LayerMeta,
    as_vector,
    credit_lines,
    layer_description,
    layer_title,
)
from cmgis.export.vector import prepare_vector

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


def write_kml(
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
            write_kml(layers, metas, crs, kml, when)
            with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.write(kml, arcname="doc.kml")
        return
    credits = "; ".join(credit_lines(metas[i] for i in layers))
    first = True
    for layer_id, data in layers.items():
        meta = metas[layer_id]
        gdf = prepare_vector(as_vector(data), crs, name=layer_id)
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
                "NAME": kml_safe_text(layer_title(meta)),
                "DESCRIPTION": kml_safe_text(html.escape(layer_description(meta), quote=False)),
                "FOLDER": "YES",
            },
        )
        first = False
