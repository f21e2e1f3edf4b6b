"""Zone profiles: what the layers and indicators say about one innovation district.

A profile gathers, for one zone: its description, how its boundary was made and whether
it is approximate, its area, the tambons it touches (with the share of the zone in each),
every indicator with its definition, value and rank among the five zones, the data gaps
("no data", never zero), the points of interest and landmarks inside, and the plan items
(3Ds) tied to it. Overlays are done in EPSG:32647; inputs are EPSG:4326 GeoDataFrames.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from cmgis._errors import InputError
from cmgis.data.catalog import NoDataEntry
from cmgis.districts.indicators import (
    IndicatorDef,
    indicator_definitions,
    rankable,
    unranked_reason,
)
from cmgis.projection import require_same_crs, to_metric


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of a zone: definition, value (``None`` = no data) and rank (1 = best)."""

    definition: IndicatorDef
    value: float | None
    rank: int | None
    ranked_among: int
    #: Why there is no rank: "" (ranked), "no_data", "descriptive" or "low_coverage"
    #: (OSM coverage below `RANK_MIN_COVERAGE_PCT`).
    unranked_reason: str = ""


@dataclass(frozen=True)
class TambonShare:
    """A tambon a zone touches and the share of the zone's area inside it (%)."""

    tambon_code: str
    name_en: str
    name_th: str
    share_of_zone_pct: float


@dataclass(frozen=True)
class PlacePoint:
    """A named point inside a zone (landmark, co-working space, gate)."""

    name: str
    kind: str
    lat: float
    lon: float


@dataclass(frozen=True)
class ZoneProfile:
    """Everything the Zones page shows about one zone."""

    zone_id: str
    name_en: str
    name_th: str
    theme_en: str
    theme_th: str
    description_en: str
    description_th: str
    programme: str
    method: str
    parameters: dict[str, Any]
    approximate: bool
    boundary_status: str
    area_km2: float
    strategies: tuple[str, ...]
    plan_items: tuple[str, ...]
    tambons: tuple[TambonShare, ...]
    indicators: tuple[IndicatorRow, ...]
    no_data: tuple[NoDataEntry, ...]
    poi_counts: dict[str, int]
    landmarks: tuple[PlacePoint, ...]
    coworking: tuple[PlacePoint, ...]
    #: How the boundary was made and how sure it is, in plain words (zones.toml).
    boundary_note_en: str = ""
    boundary_note_th: str = ""
    #: "high", "medium" or "low" (zones.toml ``boundary_confidence``).
    boundary_confidence: str = ""
    #: How the boundary was drawn in Thai (the build's ``method_th``; ``method`` is English).
    method_th: str = ""
    #: The zone's programme in Thai (zones.toml ``programme_th``; ``programme`` is English).
    programme_th: str = ""
    #: The rule that makes the districts disjoint (the same for every zone).
    disjoint_rule: str = ""
    #: Share of the zone in tambons the city municipality covers only partly or not at
    #: all (so possibly beyond the city), %.
    not_whole_municipal_share_pct: float | None = None
    #: Share of the zone covered by the OSM extract, % (below `RANK_MIN_COVERAGE_PCT` no
    #: OSM-based indicator is ranked).
    osm_coverage_pct: float | None = None


def _split(value: object) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(p.strip() for p in str(value).split(",") if p.strip())


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value) if value is not None and value == value else False


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def indicator_ranks(table: pd.DataFrame) -> pd.DataFrame:
    """Rank (1 = best) of each row per scored indicator; NaN where no data or descriptive.

    "Best" follows each definition's ``direction`` (+1 more is better, -1 less is better);
    descriptive indicators (direction 0) get no rank, nor does a row whose OSM coverage is
    below `RANK_MIN_COVERAGE_PCT` on an OSM-based indicator (`cmgis.districts.indicators.rankable`).
    """
    out = pd.DataFrame(index=table.index)
    ok = rankable(table)
    for d in indicator_definitions():
        if d.id not in table or d.direction == 0:
            continue
        col = table[d.id].astype(float).where(ok[d.id])
        out[d.id] = col.rank(ascending=d.direction < 0, method="min")
    return out


def indicator_rows(zone_id: str, table: pd.DataFrame) -> list[IndicatorRow]:
    """Every defined indicator for ``zone_id`` with its value and rank among the table's rows."""
    if zone_id not in table.index:
        raise InputError(
            f"unknown zone {zone_id!r}; expected one of: {', '.join(map(str, table.index))}"
        )
    ranks = indicator_ranks(table)
    rows = []
    for d in indicator_definitions():
        value = _number(table.at[zone_id, d.id]) if d.id in table else None
        rank_value = _number(ranks.at[zone_id, d.id]) if d.id in ranks else None
        ranked = int(ranks[d.id].notna().sum()) if d.id in ranks else 0
        rank = int(rank_value) if rank_value is not None and value is not None else None
        if rank is not None:
            reason = ""
        elif d.direction == 0:
            reason = "descriptive"
        else:
            reason = unranked_reason(table, zone_id, d.id) or "no_data"
        rows.append(
            IndicatorRow(
                definition=d,
                value=value,
                rank=rank,
                ranked_among=ranked,
                unranked_reason=reason,
            )
        )
    return rows


def tambons_touching(
    zone: gpd.GeoDataFrame, tambons: gpd.GeoDataFrame, *, min_share_pct: float = 0.5
) -> list[TambonShare]:
    """Tambons overlapping the (single-row) ``zone``, largest share first.

    Parameters
    ----------
    zone
        One zone polygon, EPSG:4326.
    tambons
        The tambons layer (``tambon_code``, ``name_en``, ``name_th``), EPSG:4326.
    min_share_pct
        Slivers below this share of the zone's area (edge noise) are left out.
    """
    require_same_crs(zone, tambons)
    zone_m = to_metric(zone, name="zone").geometry.union_all()
    if zone_m.is_empty or zone_m.area == 0:
        return []
    tam_m = to_metric(tambons, name="tambons")
    shares = tam_m.geometry.intersection(zone_m).area / zone_m.area * 100
    out = [
        TambonShare(
            tambon_code=str(row["tambon_code"]),
            name_en=_text(row.get("name_en")),
            name_th=_text(row.get("name_th")),
            share_of_zone_pct=round(float(share), 1),
        )
        for (_, row), share in zip(tam_m.iterrows(), shares, strict=True)
        if share >= min_share_pct
    ]
    return sorted(out, key=lambda s: -s.share_of_zone_pct)


def points_inside(zone: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows of ``points`` inside the (single-row) ``zone`` polygon (both EPSG:4326)."""
    require_same_crs(zone, points)
    shape = zone.geometry.union_all()
    return points[points.geometry.within(shape)]


def _places(gdf: gpd.GeoDataFrame, kind_col: str | None, default_kind: str) -> list[PlacePoint]:
    out = []
    for _, row in gdf.iterrows():
        name = _text(row.get("name")) or _text(row.get("name_en")) or _text(row.get("name_th"))
        if not name:
            continue
        kind = _text(row.get(kind_col)) if kind_col else default_kind
        out.append(PlacePoint(name, kind or default_kind, row.geometry.y, row.geometry.x))
    return sorted(out, key=lambda p: (p.kind, p.name))


def zone_profile(
    zone_id: str,
    *,
    zones: gpd.GeoDataFrame,
    tambons: gpd.GeoDataFrame,
    indicators: pd.DataFrame,
    pois: gpd.GeoDataFrame,
    landmarks: gpd.GeoDataFrame,
    coworking: gpd.GeoDataFrame,
    no_data: Sequence[NoDataEntry] = (),
) -> ZoneProfile:
    """The profile of one zone from the built layers and the zone indicator table."""
    match = zones[zones["zone_id"] == zone_id]
    if match.empty:
        raise InputError(
            f"unknown zone {zone_id!r}; expected one of: {', '.join(zones['zone_id'])}"
        )
    row = match.iloc[0]
    try:
        parameters = json.loads(_text(row.get("parameters")) or "{}")
    except json.JSONDecodeError:
        parameters = {"raw": _text(row.get("parameters"))}
    inside_pois = points_inside(match, pois)
    poi_counts = {str(k): int(v) for k, v in inside_pois["category"].value_counts().items()}
    return ZoneProfile(
        zone_id=zone_id,
        name_en=_text(row.get("name_en")),
        name_th=_text(row.get("name_th")),
        theme_en=_text(row.get("theme_en")),
        theme_th=_text(row.get("theme_th")),
        description_en=_text(row.get("description_en")),
        description_th=_text(row.get("description_th")),
        programme=_text(row.get("programme")),
        method=_text(row.get("method")),
        method_th=_text(row.get("method_th")),
        programme_th=_text(row.get("programme_th")),
        parameters=parameters if isinstance(parameters, dict) else {"value": parameters},
        approximate=_bool(row.get("approximate")),
        boundary_status=_text(row.get("boundary_status")),
        area_km2=float(row.get("area_km2", math.nan)),
        strategies=_split(row.get("strategies")),
        plan_items=_split(row.get("plan_items")),
        tambons=tuple(tambons_touching(match, tambons)),
        indicators=tuple(indicator_rows(zone_id, indicators)),
        no_data=tuple(no_data),
        poi_counts=poi_counts,
        landmarks=tuple(_places(points_inside(match, landmarks), "kind", "landmark")),
        coworking=tuple(_places(points_inside(match, coworking), None, "coworking")),
        boundary_note_en=_text(row.get("boundary_note_en")),
        boundary_note_th=_text(row.get("boundary_note_th")),
        boundary_confidence=_text(row.get("boundary_confidence")),
        disjoint_rule=_text(row.get("disjoint_rule")),
        not_whole_municipal_share_pct=_number(row.get("not_whole_municipal_share_pct")),
        osm_coverage_pct=(
            _number(indicators.at[zone_id, "osm_coverage_pct"])
            if "osm_coverage_pct" in indicators and zone_id in indicators.index
            else None
        ),
    )
