"""GeoPackage: several layers, titles and descriptions, a sources table, credits in metadata."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pyogrio

from cmgis.export.meta import (
    ODBL_NOTE,
    LayerData,
    LayerMeta,
    as_vector,
    credit_lines,
    layer_description,
    layer_title,
    metadata_items,
)
from cmgis.export.vector import prepare_vector

SOURCES_TABLE = "cmgis_sources"


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


def write_gpkg(
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
        gdf = prepare_vector(as_vector(data), crs, name=layer_id)
        pyogrio.write_dataframe(
            gdf,
            path,
            layer=layer_id,
            driver="GPKG",
            append=not first,
            dataset_options=dataset_options if first else None,
            layer_options={
                "IDENTIFIER": layer_title(meta),
                "DESCRIPTION": layer_description(meta),
                "SPATIAL_INDEX": "YES",
            },
            layer_metadata=metadata_items(meta, when),
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
