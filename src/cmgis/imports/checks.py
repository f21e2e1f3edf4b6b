"""Checks of an imported layer after reading: CRS, geometry types, validity, extent, text.

`checked_layer` turns a `RawLayer` into the layer that is stored (EPSG:4326) or refuses
it. Invalid geometry is repaired (`shapely.make_valid`, keeping the layer's own kind of
geometry) and the report says how many features changed and by how much area; a feature
that cannot be repaired refuses the file. Features outside the Chiang Mai area are left
out (and counted); a layer with none inside is refused with the likely cause
(`cmgis.geocheck.extent_kind`: swapped lon/lat, metres read as degrees, elsewhere).
Text is kept as text: markup is stored literally (maps and pages escape it); control
and bidi characters are removed (`cmgis.textclean`).
"""

from __future__ import annotations

from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cmgis import settings
from cmgis.geocheck import extent_kind
from cmgis.imports.crs import missing_crs_refusal
from cmgis.imports.read import MAX_FEATURES, RawLayer
from cmgis.imports.refusals import quote, refuse
from cmgis.projection import to_metric, to_store
from cmgis.textclean import strip_unwanted

#: Most vertices of an imported layer (200,000 footprints of ~10 vertices, with room).
MAX_VERTICES: Final = 5_000_000
_FAMILY: Final = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "LinearRing": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
    "GeometryCollection": "collection",
}
_PART_TYPES: Final = {"point": (0, 4), "line": (1, 5), "polygon": (3, 6)}
Note = tuple[str, dict[str, Any]]


def _where(bounds: tuple[float, float, float, float]) -> str:
    x0, y0, x1, y1 = bounds
    return f"{x0:.6g}–{x1:.6g}, {y0:.6g}–{y1:.6g}"


def _family(frame: gpd.GeoDataFrame, *, name: str) -> str:
    types = frame.geometry.geom_type.map(lambda t: _FAMILY.get(str(t), str(t)))
    counts = types.value_counts()
    if len(counts) > 1 or counts.index[0] == "collection":
        listed = ", ".join(f"{k} {v}" for k, v in counts.items())
        raise refuse("mixed_types", name=quote(name), types=listed)
    return str(counts.index[0])


def _only(geom: Any, family: str) -> Any:
    """The parts of ``geom`` of ``family`` (make_valid may add lines to a polygon)."""
    if geom is None or geom.is_empty:
        return None
    if _FAMILY.get(geom.geom_type) == family:
        return geom
    parts = [p for p in shapely.get_parts(geom) if _FAMILY.get(p.geom_type) == family]
    if not parts:
        return None
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def _repair(
    frame: gpd.GeoDataFrame, family: str, *, name: str
) -> tuple[gpd.GeoDataFrame, list[Note]]:
    geoms = frame.geometry.to_numpy()
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    if not len(invalid):
        return frame, []
    fixed = geoms.copy()
    failed = []
    for i in invalid:
        repaired = _only(shapely.make_valid(geoms[i]), family)
        if repaired is None or repaired.is_empty or not repaired.is_valid:
            failed.append(int(i))
        else:
            fixed[i] = repaired
    if failed:
        raise refuse(
            "invalid_geometry",
            name=quote(name),
            n=len(failed),
            first=failed[0] + 1,
            reason=shapely.is_valid_reason(geoms[failed[0]]),
        )
    out = frame.set_geometry(gpd.GeoSeries(fixed, index=frame.index, crs=frame.crs))
    notes: list[Note] = [("repaired", {"n": len(invalid), "first": int(invalid[0]) + 1})]
    if family == "polygon" and frame.crs is not None:
        before = to_metric(gpd.GeoSeries(geoms[invalid], crs=frame.crs)).area.sum()
        after = to_metric(gpd.GeoSeries(fixed[invalid], crs=frame.crs)).area.sum()
        notes.append(("repaired_area", {"m2": f"{after - before:+,.0f}"}))
    return out, notes


def _clean_text(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    geometry = out.geometry.name
    names: dict[str, str] = {}
    for column in out.columns:
        if column == geometry:
            continue
        clean = strip_unwanted(str(column), multiline=False).strip() or "column"
        while clean in names.values() or clean == "geometry":
            clean += "_"
        names[str(column)] = clean
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: strip_unwanted(v) if isinstance(v, str) else v)
    out = out.rename(columns=names)
    if geometry != "geometry":
        out = out.rename_geometry("geometry")
    return out


def _extent(stored: gpd.GeoDataFrame, *, name: str) -> tuple[gpd.GeoDataFrame, list[Note]]:
    a_x0, a_y0, a_x1, a_y1 = settings.AREA_BOUNDS_LONLAT
    b = stored.geometry.bounds
    coords = shapely.get_coordinates(stored.geometry.to_numpy())
    if not np.isfinite(coords).all():
        raise refuse("not_finite", name=quote(name))
    inside = (b.minx <= a_x1) & (b.maxx >= a_x0) & (b.miny <= a_y1) & (b.maxy >= a_y0)
    if not inside.any():
        total = tuple(float(v) for v in stored.total_bounds)
        kind = extent_kind(total)  # type: ignore[arg-type]
        code = {
            "swapped": "outside_swapped",
            "metres_utm": "outside_metres",
            "projected": "outside_projected",
            "not_finite": "not_finite",
        }.get(kind, "outside_elsewhere")
        raise refuse(code, name=quote(name), where=_where(total))  # type: ignore[arg-type]
    dropped = int((~inside).sum())
    if not dropped:
        return stored, []
    return stored[inside.to_numpy()].copy(), [("outside_dropped", {"n": dropped})]


def checked_layer(
    raw: RawLayer, *, name: str, crs: str | None = None
) -> tuple[gpd.GeoDataFrame, str, str, list[Note]]:
    """The layer of ``raw`` checked and in EPSG:4326, its kind, its CRS and report notes.

    Parameters
    ----------
    raw
        The layer as read.
    name
        The file name shown in messages.
    crs
        The CRS the user confirmed (``EPSG:n``); it replaces the file's own.

    Returns
    -------
    (layer, kind, crs_text, notes)
        ``kind`` is ``"point"``, ``"line"`` or ``"polygon"``.

    Raises
    ------
    ImportRefusedError
        No features, too many features or vertices, no CRS (naming the candidates), mixed
        geometry types, invalid geometry that cannot be repaired, outside the area.
    """
    frame = raw.frame
    notes: list[Note] = list(raw.notes)
    present = frame.geometry.notna() & ~frame.geometry.is_empty
    if not present.any():
        raise refuse("no_features", name=quote(name))
    if not present.all():
        notes.append(("no_geometry_dropped", {"n": int((~present).sum())}))
        frame = frame[present.to_numpy()]
    if len(frame) > MAX_FEATURES:
        raise refuse("too_many_features", name=quote(name), n=len(frame), limit=MAX_FEATURES)
    n_vertices = int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum())
    if n_vertices > MAX_VERTICES:
        raise refuse("too_many_vertices", name=quote(name), n=n_vertices, limit=MAX_VERTICES)
    if not np.isfinite(shapely.get_coordinates(frame.geometry.to_numpy())).all():
        raise refuse("not_finite", name=quote(name))
    if crs is not None:
        frame = frame.set_crs(crs, allow_override=True)
        crs_text, how = crs, "confirmed"
    elif frame.crs is None:
        raise missing_crs_refusal(name, tuple(float(v) for v in frame.total_bounds))  # type: ignore[arg-type]
    else:
        epsg = frame.crs.to_epsg()
        crs_text = f"EPSG:{epsg}" if epsg else str(frame.crs.name)
        how = raw.crs_from
    notes.insert(0, ("crs_" + how, {"crs": crs_text}))
    kind = _family(frame, name=name)
    frame, repaired = _repair(frame, kind, name=name)
    notes.extend(repaired)
    stored = to_store(frame, name=name)
    stored, dropped = _extent(stored, name=name)
    notes.extend(dropped)
    stored = _clean_text(stored)
    stored = stored.reset_index(drop=True)
    return stored, kind, crs_text, notes


def attribute_columns(frame: pd.DataFrame) -> list[str]:
    """The attribute columns of an imported layer (all but the geometry)."""
    return [str(c) for c in frame.columns if c != "geometry"]
