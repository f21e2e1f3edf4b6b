"""File names that say what is inside: layers (or the indicator), CRS and date.

``cmgis_zones_EPSG24047_2026-11-29.gpkg`` for an export, ``cmgis_map_population_density_
2026-11-29.pdf`` for a printed indicator map, ``cmgis_map_zones_tambons_2026-11-29.pdf``
for a printed map of layers. Only ASCII letters, digits, ``_`` and ``-`` are used, so the
names are safe on every system and in e-mail attachments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

#: At most this many layer ids are spelt out; the rest are counted (``..._and_3_more``).
MAX_NAMED_LAYERS = 3
_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def _part(text: str) -> str:
    """``text`` as a file-name part: unsafe runs become ``_`` (``user:a b`` → ``user_a_b``)."""
    return _UNSAFE.sub("_", text).strip("_")


def _layers_part(layer_ids: Sequence[str] | str) -> str:
    if isinstance(layer_ids, str):
        layer_ids = [layer_ids]
    ids = [p for p in (_part(i) for i in layer_ids) if p]
    if not ids:
        return "map"
    if ids == ["all"]:
        return "all_layers"
    named = "_".join(ids[:MAX_NAMED_LAYERS])
    rest = len(ids) - MAX_NAMED_LAYERS
    return f"{named}_and_{rest}_more" if rest > 0 else named


def export_file_stem(
    layer_ids: Sequence[str] | str, *, crs: str | int, date: dt.date | None = None
) -> str:
    """The name (without suffix) of an export: ``cmgis_<layers>_<CRS>_<date>``.

    ``crs`` as ``"EPSG:24047"`` or ``24047`` gives ``EPSG24047``.
    """
    crs_text = f"EPSG{crs}" if isinstance(crs, int) else _part(str(crs)).replace("_", "")
    day = (date or dt.date.today()).isoformat()
    return f"cmgis_{_layers_part(layer_ids)}_{crs_text}_{day}"


def print_file_name(
    layer_ids: Sequence[str] | str,
    *,
    suffix: str,
    indicator: str = "",
    date: dt.date | None = None,
) -> str:
    """The name of a printed map: ``cmgis_map_<indicator or layers>_<date>.<suffix>``."""
    what = _part(indicator) if indicator else _layers_part(layer_ids)
    day = (date or dt.date.today()).isoformat()
    middle = "" if what == "map" else f"{what}_"
    return f"cmgis_map_{middle}{day}.{suffix.lstrip('.').lower()}"
