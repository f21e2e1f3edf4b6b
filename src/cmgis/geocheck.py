"""User-geometry checks: CRS, extent in the Chiang Mai area (with a diagnosis), validity, size.

Every geometry that comes from outside (an imported file, a drawing) goes through
`check_user_layer` (a whole layer), `check_user_shape` (one shape: projects, drawings) or
`extent_problem` (one shape's bounds), so every
import path refuses the same wrong data with the same explanation: coordinates with lon
and lat swapped, projected metres (UTM 47N) labelled as degrees, or a place that is
simply elsewhere (e.g. Bangkok). The area is `cmgis.settings.AREA_BOUNDS_LONLAT`.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from cmgis import settings
from cmgis._errors import CRSError, InputError
from cmgis.projection import lonlat_transformer

#: Vertices one imported layer may hold in total (a saved candidate layer has a few
#: thousand; a file with millions is not a user layer).
MAX_LAYER_VERTICES: Final = 500_000
#: Vertices one user shape may have (a drawn or imported project place; a detailed park
#: outline has a few thousand).
MAX_SHAPE_VERTICES: Final = 20_000


def _inside(bounds: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = bounds
    a_x0, a_y0, a_x1, a_y1 = settings.AREA_BOUNDS_LONLAT
    return a_x0 <= x0 and a_y0 <= y0 and x1 <= a_x1 and y1 <= a_y1


def extent_kind(bounds: tuple[float, float, float, float]) -> str:
    """Classify lon/lat ``bounds``: ``"inside"`` the area, or why not.

    One of ``"inside"``, ``"not_finite"``, ``"swapped"`` (lat, lon instead of lon, lat),
    ``"metres_utm"`` (UTM 47N metres labelled as degrees), ``"projected"`` (other numbers
    that are not degrees) or ``"elsewhere"``. `extent_problem` words the same diagnosis.
    """
    x0, y0, x1, y1 = (float(v) for v in bounds)
    if not all(np.isfinite([x0, y0, x1, y1])):
        return "not_finite"
    if _inside((x0, y0, x1, y1)):
        return "inside"
    if _inside((y0, x0, y1, x1)):
        return "swapped"
    if max(abs(x0), abs(x1)) > 180 or max(abs(y0), abs(y1)) > 90:
        to_lonlat = lonlat_transformer()
        lx0, ly0 = to_lonlat.transform(x0, y0)
        lx1, ly1 = to_lonlat.transform(x1, y1)
        return "metres_utm" if _inside((lx0, ly0, lx1, ly1)) else "projected"
    return "elsewhere"


def extent_problem(bounds: tuple[float, float, float, float]) -> str | None:
    """Why lon/lat ``bounds`` (min_x, min_y, max_x, max_y) are not in the area; ``None`` if inside.

    The message names the likely cause: lon and lat swapped, projected metres
    (EPSG:32647, UTM 47N) labelled as degrees, or a place outside Chiang Mai.
    """
    kind = extent_kind(bounds)
    if kind == "inside":
        return None
    if kind == "not_finite":
        return "the coordinates are not finite numbers (NaN or infinity)"
    x0, y0, x1, y1 = (float(v) for v in bounds)
    a_x0, a_y0, a_x1, a_y1 = settings.AREA_BOUNDS_LONLAT
    expected = f"expected lon/lat degrees within {a_x0}–{a_x1} E, {a_y0}–{a_y1} N (Chiang Mai)"
    where = f"{x0:.4f}–{x1:.4f} E, {y0:.4f}–{y1:.4f} N"
    if kind == "swapped":
        return (
            f"the coordinates ({where}) look like latitude and longitude swapped "
            f"(lat, lon instead of lon, lat); {expected}"
        )
    if kind == "metres_utm":
        return (
            f"the coordinates ({x0:.0f}–{x1:.0f}, {y0:.0f}–{y1:.0f}) look projected: "
            f"metres that fit UTM 47N ({settings.METRIC_CRS}) labelled as degrees; "
            f"give the file its real CRS ({settings.METRIC_CRS}) or reproject it; {expected}"
        )
    if kind == "projected":
        return (
            f"the coordinates ({x0:.0f}–{x1:.0f}, {y0:.0f}–{y1:.0f}) look projected "
            f"(not degrees; a wrong CRS label?); {expected}"
        )
    return f"the data lies elsewhere ({where}), not in the Chiang Mai area; {expected}"


def check_user_shape(
    geom: BaseGeometry, *, max_vertices: int = MAX_SHAPE_VERTICES, hint: str = ""
) -> BaseGeometry:
    """Check one user shape in EPSG:4326 lon/lat (a drawing, an imported feature); return it.

    Parameters
    ----------
    geom
        The shape, lon/lat degrees.
    max_vertices
        Most vertices allowed.
    hint
        Appended to the "not valid" message, e.g. "redraw it without self-crossings".

    Raises
    ------
    InputError
        An empty shape, too many vertices, an invalid shape, or one outside the Chiang Mai
        area or not finite (with the likely cause, `extent_problem`).
    """
    if geom.is_empty:
        raise InputError(
            "the geometry is empty; draw a point, line or polygon, or pick zones",
            key="errors.geometry.empty",
        )
    n_vertices = int(shapely.get_num_coordinates(geom))
    if n_vertices > max_vertices:
        raise InputError(
            f"the geometry has {n_vertices} vertices; at most {max_vertices} are allowed "
            "(simplify it first)",
            key="errors.geometry.vertices",
            n=n_vertices,
            max_vertices=max_vertices,
        )
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise InputError(
            "the geometry has coordinates that are not finite numbers (NaN or infinity)",
            key="errors.geometry.not_finite",
        )
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise InputError(
            f"the geometry is not valid ({reason}){'; ' + hint if hint else ''}",
            key="errors.geometry.invalid",
            reason=reason,
        )
    problem = extent_problem(geom.bounds)
    if problem:
        raise InputError(
            f"the geometry lies outside the area cmgis covers: {problem}",
            key="errors.geometry.outside",
            problem=problem,
        )
    return geom


def check_user_layer(
    gdf: gpd.GeoDataFrame, *, what: str, max_vertices: int = MAX_LAYER_VERTICES
) -> gpd.GeoDataFrame:
    """Check an imported layer and return it in EPSG:4326 (the input is not mutated).

    Parameters
    ----------
    gdf
        The layer as read, in its own CRS.
    what
        How to name it in messages, e.g. ``"'zones.gpkg' layer 'candidates'"``.
    max_vertices
        Most vertices allowed in the whole layer.

    Raises
    ------
    CRSError
        The layer has no CRS.
    InputError
        Non-finite coordinates, too many vertices, invalid geometry, or an extent outside
        the Chiang Mai area (with the likely cause, see `extent_problem`).
    """
    if gdf.crs is None:
        raise CRSError(
            f"{what} has no coordinate reference system; expected EPSG:4326 lon/lat",
            key="errors.layer.no_crs",
            what=what,
        )
    geoms = gdf.geometry.to_numpy()
    present = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    if not present.any():
        raise InputError(
            f"{what} has no geometry; expected shapes in the Chiang Mai area",
            key="errors.layer.no_geometry",
            what=what,
        )
    n_vertices = int(shapely.get_num_coordinates(geoms[present]).sum())
    if n_vertices > max_vertices:
        raise InputError(
            f"{what} has {n_vertices} vertices; at most {max_vertices} are allowed",
            key="errors.layer.vertices",
            what=what,
            n=n_vertices,
            max_vertices=max_vertices,
        )
    if not np.isfinite(shapely.get_coordinates(geoms[present])).all():
        raise InputError(f"{what} has coordinates that are not finite numbers (NaN or infinity)")
    invalid = [int(i) for i in np.flatnonzero(present) if not shapely.is_valid(geoms[i])]
    if invalid:
        reason = shapely.is_valid_reason(geoms[invalid[0]])
        raise InputError(
            f"{what}: feature(s) {invalid[:5]} have invalid geometry ({reason}); repair them first",
            key="errors.layer.invalid",
            what=what,
            features=", ".join(map(str, invalid[:5])),
        )
    try:
        lonlat = gdf.to_crs(settings.STORE_CRS)
    except Exception as err:  # pyproj raises several types for an unusable CRS
        raise CRSError(f"{what} cannot be converted to EPSG:4326 ({err})") from err
    kept = lonlat.geometry.to_numpy()[present]
    if not np.isfinite(shapely.get_coordinates(kept)).all():
        raise InputError(
            f"{what} gives non-finite coordinates in EPSG:4326; its CRS label "
            f"({gdf.crs.to_string()}) does not fit its numbers"
        )
    problem = extent_problem(tuple(shapely.total_bounds(kept)))
    if problem:
        raise InputError(
            f"{what} was refused: {problem}", key="errors.layer.outside", what=what, problem=problem
        )
    return lonlat


def check_finite(gdf: gpd.GeoDataFrame, *, what: str) -> None:
    """Refuse a layer whose coordinates are not finite, or not degrees in a lon/lat CRS.

    Such coordinates (e.g. projected metres saved as degrees) cannot be written: GDAL
    writes ``Infinity`` or fails. Raises `InputError` naming ``what``.
    """
    coords = shapely.get_coordinates(gdf.geometry.to_numpy())
    if not coords.size:
        return
    finite = bool(np.isfinite(coords).all())
    degrees = (
        gdf.crs is None
        or not gdf.crs.is_geographic
        or bool((np.abs(coords[:, 0]) <= 180).all() and (np.abs(coords[:, 1]) <= 90).all())
    )
    if not (finite and degrees):
        raise InputError(
            f"{what} has coordinates that are not finite numbers or not degrees "
            f"({gdf.crs.to_string() if gdf.crs else 'no CRS'}); its stored coordinates are "
            "wrong (e.g. projected metres saved as degrees): delete it and import it again "
            "with its real CRS"
        )
