"""Layers to export (`LayerData`), their provenance (`LayerMeta`), credits and the README."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import geopandas as gpd

from cmgis._errors import InputError
from cmgis.data.catalog import LayerEntry
from cmgis.export.formats import CRS_CHOICES, INDIAN_1975_TRANSFORMATION, LayerKind


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


def file_layer_name(layer_id: str) -> str:
    """The layer/file name of an id in exported files (``user:zones_a`` → ``user_zones_a``)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", layer_id)


def as_vector(data: LayerData) -> gpd.GeoDataFrame:
    """``data`` as a GeoDataFrame (the caller has checked its kind)."""
    assert isinstance(data, gpd.GeoDataFrame)
    return data


def as_raster(data: LayerData) -> RasterSource:
    """``data`` as a `RasterSource` (the caller has checked its kind)."""
    assert isinstance(data, RasterSource)
    return data


ODBL_NOTE = (
    "Data from OpenStreetMap is under the Open Database Licence (ODbL 1.0): a database "
    "you publish from it must be offered under the ODbL too; maps and images only need "
    "the credit line."
)


def layer_title(meta: LayerMeta) -> str:
    """``English / Thai`` title of a layer as written in files."""
    return f"{meta.title} / {meta.title_th}" if meta.title_th else meta.title


def layer_description(meta: LayerMeta) -> str:
    """Description of a layer with its credit and licence, as written in files."""
    parts = [meta.description, f"Credit: {meta.credit}" if meta.credit else ""]
    parts += [f"Licence: {meta.licence}" if meta.licence else ""]
    return " ".join(p for p in parts if p)


def metadata_items(meta: LayerMeta, when: dt.datetime) -> dict[str, str]:
    """GDAL metadata items of a layer (GeoPackage layer metadata, GeoTIFF tags)."""
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
        lines.append(f"* {meta.layer_id}: {layer_title(meta)}{count}")
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


def zip_with_readme(
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
