"""Officials' project files (CSV or GeoJSON) read into drafts, with clear errors.

Both formats carry the fields of `cmgis.plan.edits.ProjectDraft`:
``title_en``, ``title_th``, ``strategy`` (default, driving-spaces, drivers), ``status``,
``notes``, ``lead``, ``partners``, ``activities_en`` and ``zones`` (zone ids separated by
``;``). A CSV row is placed by ``wkt`` (EPSG:4326), by ``lon`` + ``lat``, by ``zones``, or
not at all; a GeoJSON feature by its geometry (EPSG:4326 lon/lat, RFC 7946).

Parsing only reads: nothing is stored here. `cmgis.plan.edits.add_projects` validates
every draft and stores all or none.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

import shapely
from shapely.errors import GEOSException, ShapelyError
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from cmgis._errors import CRSError, InputError
from cmgis.plan.edits import (
    ADDED_FIELDS,
    ProjectDraft,
    check_geometry,
    check_status,
    check_strategy,
)

MAX_FILE_BYTES = 5_000_000
MAX_ITEMS = 1000
#: Text fields of an import row: the added-project fields that are plain text.
TEXT_FIELDS: tuple[str, ...] = tuple(
    f for f in ADDED_FIELDS if f not in ("zone_ids", "geometry_method", "source")
)
_LONLAT_CRS = ("EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326")


def _check_size(data: bytes, what: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            f"the {what} file is too large ({len(data) / 1e6:.1f} MB; at most "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB)"
        )
    if data[:4] == b"PK\x03\x04":
        raise InputError(f"this is a zip archive, not a {what} file; unzip it and upload the file")


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            f"the {what} file is not UTF-8 text (byte {err.start}); save it as UTF-8 and retry"
        ) from err


def _zones(value: object) -> tuple[str, ...]:
    text = "" if value is None else str(value)
    return tuple(
        z.strip() for z in text.replace("|", ";").replace(",", ";").split(";") if z.strip()
    )


def _draft(props: Mapping[str, Any], geom: BaseGeometry | None, method: str) -> ProjectDraft:
    values = {k: "" if props.get(k) is None else str(props.get(k)) for k in TEXT_FIELDS}
    missing = [k for k in ("strategy",) if not values[k].strip()]
    if not values["title_en"].strip() and not values["title_th"].strip():
        missing.insert(0, "title_en or title_th")
    if missing:
        raise InputError(f"missing {', '.join(missing)}")
    if geom is not None and geom.has_z:
        geom = shapely.force_2d(geom)  # heights are not project data; layers are 2D
    # checked here too, so that the message names the line or feature
    check_geometry(geom)
    return ProjectDraft(
        title_en=values["title_en"],
        title_th=values["title_th"],
        strategy=check_strategy(values["strategy"]),
        status=check_status(values["status"] or "proposed"),
        notes=values["notes"],
        lead=values["lead"],
        partners=values["partners"],
        activities_en=values["activities_en"],
        zone_ids=_zones(props.get("zones")),
        geometry=geom,
        geometry_method=method if geom is not None else "none",
        source="imported",
    )


def _raise_problems(problems: list[str], what: str) -> None:
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise InputError(f"the {what} file was not imported, nothing was stored: {shown}{more}")


def drafts_from_csv(data: bytes) -> list[ProjectDraft]:
    """Read a CSV of projects (UTF-8, header row) into drafts.

    Raises
    ------
    InputError
        For a file that is not a readable CSV, has no usable header, or has bad rows; the
        message lists the rows and what was wrong.
    """
    _check_size(data, "CSV")
    text = _decode(data, "CSV")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows = list(reader)
    except csv.Error as err:
        raise InputError(f"the CSV file could not be read: {err}") from err
    if not header or "strategy" not in header or not {"title_en", "title_th"} & set(header):
        raise InputError(
            "the CSV file needs a header row with at least: title_en (or title_th), strategy; "
            "optional: status, notes, lead, partners, activities_en, zones, wkt, lon, lat"
        )
    if len(rows) > MAX_ITEMS:
        raise InputError(f"the CSV file has {len(rows)} rows; at most {MAX_ITEMS}")
    if not rows:
        raise InputError("the CSV file has a header but no rows")
    drafts = []
    problems = []
    for n, raw in enumerate(rows, start=2):  # line 1 is the header
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if None in raw:
            problems.append(f"line {n}: more values than header columns")
            continue
        try:
            geom: BaseGeometry | None = None
            method = "imported"
            if row.get("wkt"):
                try:
                    geom = shapely.from_wkt(row["wkt"])
                except (GEOSException, ShapelyError) as err:
                    raise InputError(f"wkt is not valid WKT ({err})") from err
            elif row.get("lon") or row.get("lat"):
                try:
                    geom = Point(float(row["lon"]), float(row["lat"]))
                except (KeyError, ValueError) as err:
                    raise InputError(
                        "lon and lat must both be numbers (degrees, EPSG:4326)"
                    ) from err
            drafts.append(_draft(row, geom, method))
        except InputError as err:
            problems.append(f"line {n}: {err}")
    _raise_problems(problems, "CSV")
    return drafts


def drafts_from_geojson(data: bytes) -> list[ProjectDraft]:
    """Read a GeoJSON FeatureCollection (EPSG:4326) of projects into drafts.

    Raises
    ------
    InputError
        For broken JSON, a document that is not a FeatureCollection, bad features.
    CRSError
        For a ``crs`` member naming anything other than lon/lat WGS 84.
    """
    _check_size(data, "GeoJSON")
    try:
        doc = json.loads(_decode(data, "GeoJSON"))
    except json.JSONDecodeError as err:
        raise InputError(
            f"the GeoJSON file is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})"
        ) from err
    except RecursionError as err:
        raise InputError(
            "the GeoJSON file is nested too deeply to be a FeatureCollection of projects"
        ) from err
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise InputError("expected a GeoJSON FeatureCollection with one feature per project")
    crs = doc.get("crs")
    if crs is not None:
        props = crs.get("properties") if isinstance(crs, dict) else None
        name = str(props.get("name", "")) if isinstance(props, dict) else ""
        if name not in _LONLAT_CRS:
            raise CRSError(
                f"the GeoJSON file is in {name or 'an unknown CRS'}; expected lon/lat WGS 84 "
                "(EPSG:4326, as RFC 7946 requires). Reproject it and retry."
            )
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise InputError("the FeatureCollection has no features")
    if len(features) > MAX_ITEMS:
        raise InputError(f"the GeoJSON file has {len(features)} features; at most {MAX_ITEMS}")
    drafts = []
    problems = []
    for n, feat in enumerate(features, start=1):
        try:
            if not isinstance(feat, dict) or feat.get("type") != "Feature":
                raise InputError("not a GeoJSON Feature")
            props = feat.get("properties") or {}
            if not isinstance(props, dict):
                raise InputError("properties must be an object")
            geom = None
            if feat.get("geometry") is not None:
                try:
                    geom = shape(feat["geometry"])
                except (
                    GEOSException,
                    ShapelyError,
                    KeyError,
                    TypeError,
                    ValueError,
                    IndexError,
                    AttributeError,
                ) as err:
                    raise InputError(f"geometry could not be read ({err})") from err
            drafts.append(_draft(props, geom, "imported"))
        except InputError as err:
            problems.append(f"feature {n}: {err}")
    _raise_problems(problems, "GeoJSON")
    return drafts


def drafts_from_file(name: str, data: bytes) -> list[ProjectDraft]:
    """Read ``data`` as CSV or GeoJSON, chosen by the file name's extension."""
    lower = name.lower()
    if lower.endswith(".csv"):
        return drafts_from_csv(data)
    if lower.endswith((".geojson", ".json")):
        return drafts_from_geojson(data)
    raise InputError(f"{name!r}: expected a .csv or .geojson file")


def geometry_from_drawing(feature: Mapping[str, Any] | None) -> BaseGeometry | None:
    """The geometry of a GeoJSON Feature drawn on the map (EPSG:4326), or ``None``.

    Raises
    ------
    InputError
        If the drawing is not a readable GeoJSON geometry.
    """
    if not feature:
        return None
    geometry = feature.get("geometry") if feature.get("type") == "Feature" else feature
    if not geometry:
        return None
    try:
        return shape(dict(geometry))
    except (GEOSException, ShapelyError, KeyError, TypeError, ValueError, AttributeError) as err:
        raise InputError(f"the drawn shape could not be read ({err}); draw it again") from err
