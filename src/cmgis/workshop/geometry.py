"""Geometry intake of the workshop: GeoJSON checks and placing a shape in a zone."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import LineString, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from cmgis._errors import InputError
from cmgis.geocheck import extent_problem
from cmgis.projection import to_metric, to_metric_geometry
from cmgis.workshop.records import ELSEWHERE, MAX_VERTICES, NO_PLACE


def geometry_from_input(value: object) -> BaseGeometry | None:
    """A validated geometry (EPSG:4326) from a GeoJSON Feature/geometry dict or shapely.

    ``None`` (a free note) stays ``None``. Accepts Point, LineString and Polygon (what the
    map's drawing tools make). Raises `InputError` saying what was wrong: another type,
    too many vertices (`MAX_VERTICES`), an invalid or empty shape, coordinates that are not
    lon/lat, or a shape not wholly inside the Chiang Mai area
    (`cmgis.settings.AREA_BOUNDS_LONLAT`).
    """
    if value is None:
        return None
    if isinstance(value, BaseGeometry):
        geom = value
    elif isinstance(value, Mapping):
        gj: Mapping[str, Any] = value
        if gj.get("type") == "Feature":
            gj = gj.get("geometry") or {}
        if not isinstance(gj, Mapping) or "type" not in gj:
            raise InputError("the shape is not GeoJSON; expected a Point, LineString or Polygon")
        try:
            geom = shape(dict(gj))
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as err:
            raise InputError(f"the shape cannot be read as GeoJSON ({err})") from err
        except shapely.errors.ShapelyError as err:
            raise InputError(f"the shape cannot be read as GeoJSON ({err})") from err
    else:
        raise InputError(f"a shape must be GeoJSON or a geometry, got {type(value).__name__}")
    if geom.geom_type not in ("Point", "LineString", "Polygon"):
        raise InputError(f"a {geom.geom_type} cannot be saved; draw a point, a line or a polygon")
    if geom.is_empty:
        raise InputError("the shape is empty; draw it again")
    if shapely.has_z(geom):
        geom = shapely.force_2d(geom)
    n_vertices = int(shapely.get_num_coordinates(geom))
    if n_vertices > MAX_VERTICES:
        raise InputError(
            f"the shape has {n_vertices} vertices; at most {MAX_VERTICES} are allowed — "
            "draw it with fewer points"
        )
    coords = shapely.get_coordinates(geom)
    if not bool((abs(coords) < 1e9).all()) or coords.size == 0:
        raise InputError("the shape has coordinates that are not numbers")
    if isinstance(geom, LineString) and len({tuple(c) for c in coords}) < 2:
        raise InputError("a line needs at least two different points")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise InputError(
            f"the shape is not valid ({reason}); draw it again without crossing its own edges"
        )
    if isinstance(geom, Polygon) and geom.area == 0:
        raise InputError("the polygon has no area; draw at least three corners")
    problem = extent_problem(geom.bounds)
    if problem:
        raise InputError(f"the shape is not inside the Chiang Mai area: {problem}; draw it there")
    return geom


class ZoneIndex:
    """Places geometries in zones: the zone with the largest overlap (metres), else elsewhere.

    Parameters
    ----------
    zones
        Polygons in EPSG:4326 with a ``zone_id`` column (`cmgis.data.layers.load_layer("zones")`).
    """

    def __init__(self, zones: gpd.GeoDataFrame) -> None:
        if zones.crs is None:
            raise InputError("the zones layer has no CRS; expected EPSG:4326")
        if "zone_id" not in zones.columns:
            raise InputError("the zones layer has no zone_id column")
        self.zone_ids: tuple[str, ...] = tuple(str(z) for z in zones["zone_id"])
        metric = to_metric(zones)
        self._metric = list(zip(self.zone_ids, metric.geometry, strict=True))
        self._tree = shapely.STRtree([g for _, g in self._metric])

    def zone_for(self, geom: BaseGeometry | None) -> str:
        """Zone id of ``geom`` (EPSG:4326), `ELSEWHERE` in none, `NO_PLACE` for ``None``."""
        if geom is None:
            return NO_PLACE
        g = to_metric_geometry(geom)
        best, best_overlap = ELSEWHERE, 0.0
        for idx in self._tree.query(g, predicate="intersects"):
            zone_id, zone = self._metric[int(idx)]
            if isinstance(g, Point):
                return zone_id
            part = g.intersection(zone)
            overlap = part.area if isinstance(g, Polygon) else part.length
            if overlap > best_overlap:
                best, best_overlap = zone_id, overlap
        return best


@cache
def default_zone_index() -> ZoneIndex:
    """`ZoneIndex` of the built zones layer (``cmgis.data.layers.load_layer("zones")``)."""
    from cmgis.data.layers import load_layer  # imported here: only the default index needs it

    return ZoneIndex(load_layer("zones"))
