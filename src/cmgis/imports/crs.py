"""The CRS of an imported layer: read from the file, or its likely candidates when missing.

A file without a CRS is never guessed silently: `crs_candidates` lists which of
`CANDIDATE_CRS` put its coordinates in the Chiang Mai area, and the user confirms one
(the CLI refuses, naming them, unless ``--crs`` is given). EPSG:32647 (WGS 84 / UTM 47N)
and EPSG:24047 (Indian 1975 / UTM 47N, older Thai survey data) share a grid and differ
by a few hundred metres, so both are candidates for the same numbers; only the user
(or the file's metadata) can tell them apart.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from cmgis import settings
from cmgis.imports.refusals import quote, refuse
from cmgis.projection import bounds_to_lonlat

#: CRSs a Chiang Mai file without one is likely in, most common first.
CANDIDATE_CRS: Final = ("EPSG:4326", "EPSG:32647", "EPSG:24047", "EPSG:3857")


def _overlaps_area(bounds: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = bounds
    a_x0, a_y0, a_x1, a_y1 = settings.AREA_BOUNDS_LONLAT
    if not all(np.isfinite([x0, y0, x1, y1])):
        return False
    return x0 <= a_x1 and a_x0 <= x1 and y0 <= a_y1 and a_y0 <= y1


def _plausible(bounds: tuple[float, float, float, float], crs: str) -> bool:
    x0, y0, x1, y1 = bounds
    if crs == "EPSG:4326":
        return -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90
    return max(abs(x0), abs(x1), abs(y0), abs(y1)) > 1000  # metres, not degrees


def crs_candidates(bounds: tuple[float, float, float, float]) -> tuple[str, ...]:
    """The CRSs of `CANDIDATE_CRS` under which ``bounds`` overlap the Chiang Mai area."""
    out = []
    for crs in CANDIDATE_CRS:
        if not _plausible(bounds, crs):
            continue
        try:
            lonlat = bounds_to_lonlat(bounds, crs)
        except Exception:  # pyproj raises several types for numbers outside a CRS
            continue
        if _overlaps_area(lonlat):
            out.append(crs)
    return tuple(out)


def parse_crs(text: str) -> str:
    """A CRS given by the user (``EPSG:32647``, ``32647``) as ``EPSG:n`` text.

    Raises
    ------
    ImportRefusedError
        ``text`` is not a CRS pyproj knows.
    """
    value = text.strip()
    if value.isdigit():
        value = f"EPSG:{value}"
    try:
        crs = CRS.from_user_input(value)
    except (ProjCRSError, ValueError, TypeError) as err:
        raise refuse("bad_crs", crs=quote(text)) from err
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


def missing_crs_refusal(name: str, bounds: tuple[float, float, float, float]) -> Exception:
    """The refusal for a file without a CRS: naming its candidates, or that none fits."""
    candidates = crs_candidates(bounds)
    if candidates:
        return refuse(
            "crs_missing",
            name=quote(name),
            crs_list=" / ".join(candidates),
            candidates=candidates,
        )
    x0, y0, x1, y1 = bounds
    where = f"x {x0:.6g}–{x1:.6g}, y {y0:.6g}–{y1:.6g}"
    return refuse("crs_none_fits", name=quote(name), where=where)
