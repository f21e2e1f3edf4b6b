"""What a workshop produced: the deliberation board, the contributions table, tallies and
participation per group."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from cmgis import settings
from cmgis.projection import to_metric
from cmgis.store import (
    Store,
)
from cmgis.workshop.contributions import list_contributions
from cmgis.workshop.records import (
    CATEGORIES,
    ELSEWHERE,
    MAX_BOARD_CARDS_PER_CELL,
    MAX_BOARD_COMMENTS_PER_CARD,
    NO_PLACE,
    STRATEGIES,
    Board,
    Contribution,
    Workshop,
)


def build_board(
    store: Store,
    workshop: Workshop,
    *,
    zone_ids: Sequence[str] = (),
    max_per_cell: int = MAX_BOARD_CARDS_PER_CELL,
    items: Sequence[Contribution] | None = None,
) -> Board:
    """The deliberation board of a workshop (hidden, deleted and merged items left out).

    A workshop with steps (`Workshop.steps`, from a template) has one column per step.
    Otherwise ``zone_ids`` lists every zone column (from the zones layer); the workshop's
    zones in focus come first, then the other zones, then any zone found only in the data, then
    `ELSEWHERE` and `NO_PLACE`. ``items``: the contributions as `list_contributions` gives
    them by default, when the caller has read them already (one read per page run).
    """
    if items is None:
        items = list_contributions(store, workshop.id)
    if workshop.steps:  # a workshop with steps (a template): one column per step
        columns: tuple[str, ...] = workshop.steps
    else:
        order = list(dict.fromkeys([*workshop.zones_in_focus, *zone_ids]))
        for c in items:
            if c.zone_id not in order and c.zone_id not in (ELSEWHERE, NO_PLACE):
                order.append(c.zone_id)
        columns = (*order, ELSEWHERE, NO_PLACE)
    cells: dict[tuple[str, str], list[Contribution]] = {}
    for c in items:
        column = (c.step or workshop.steps[0]) if workshop.steps else c.zone_id
        cells.setdefault((c.strategy, column), []).append(c)
    sorted_cells: dict[tuple[str, str], tuple[Contribution, ...]] = {}
    more: dict[tuple[str, str], int] = {}
    more_comments: dict[str, int] = {}
    for key, value in cells.items():
        ranked = sorted(value, key=lambda c: (not c.pinned, -c.votes, c.created_at))
        shown = ranked[:max_per_cell]
        if len(ranked) > len(shown):
            more[key] = len(ranked) - len(shown)
        trimmed = []
        for c in shown:
            if len(c.comments) > MAX_BOARD_COMMENTS_PER_CARD:
                more_comments[c.id] = len(c.comments) - MAX_BOARD_COMMENTS_PER_CARD
                c = replace(c, comments=c.comments[-MAX_BOARD_COMMENTS_PER_CARD:])
            trimmed.append(c)
        sorted_cells[key] = tuple(trimmed)
    return Board(
        strategies=STRATEGIES,
        columns=columns,
        cells=sorted_cells,
        more=more,
        more_comments=more_comments,
    )


#: Columns of `contributions_frame` by default (then ``geometry``).
FRAME_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "group_id",
    "group_name",
    "category",
    "strategy",
    "title",
    "comment",
    "zone_id",
    "geom_type",
    "votes",
    "n_comments",
    "hidden",
    "pinned",
    "created_at",
    "updated_at",
    "approximate",
)


def _contribution_record(c: Contribution) -> dict[str, Any]:
    """Every column `contributions_frame` can give for ``c``, and its geometry."""
    return {
        "id": c.id,
        "group_id": c.group_id,
        "group_name": c.group_name,
        "category": c.category,
        "strategy": c.strategy,
        "title": c.title,
        "comment": c.comment,
        "zone_id": c.zone_id,
        "geom_type": c.geom_type or "",
        "votes": c.votes,
        "n_comments": len(c.comments),
        "hidden": c.hidden,
        "pinned": c.pinned,
        "merged_into": c.merged_into or "",
        "deleted_at": c.deleted_at or "",
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "approximate": True,
        "geometry": c.geometry,
    }


def contributions_frame(
    store: Store,
    workshop_id: str,
    *,
    include_hidden: bool = False,
    include_deleted: bool = False,
    include_merged: bool = False,
    columns: Sequence[str] = FRAME_COLUMNS,
) -> gpd.GeoDataFrame:
    """Contributions as a GeoDataFrame (EPSG:4326); notes have an empty geometry.

    ``columns`` (then ``geometry``) are picked from: id, group_id, group_name, category,
    strategy, title, comment, zone_id, geom_type, votes, n_comments, hidden, pinned,
    merged_into and deleted_at ("" when not), created_at, updated_at, approximate (always
    True: shapes are hand-drawn). The ``include_*`` flags are those of `list_contributions`.
    """
    items = list_contributions(
        store,
        workshop_id,
        include_hidden=include_hidden,
        include_deleted=include_deleted,
        include_merged=include_merged,
    )
    return frame_of(items, columns=columns)


def frame_of(
    items: Sequence[Contribution], *, columns: Sequence[str] = FRAME_COLUMNS
) -> gpd.GeoDataFrame:
    """`contributions_frame` of contributions already read (`list_contributions`)."""
    records = [_contribution_record(c) for c in items]
    frame = pd.DataFrame.from_records(records, columns=[*columns, "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.STORE_CRS)


def tallies_by_zone_category(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Counts of contributions per zone (rows) and category (columns), with a total column."""
    if not len(frame):
        table = pd.DataFrame().reindex(columns=list(CATEGORIES), fill_value=0)
    else:  # counted in plain Python: `pd.crosstab` takes 4 times longer (every refresh)
        pairs = zip(frame["zone_id"], frame["category"], strict=True)
        counts = Counter((z, c) for z, c in pairs if pd.notna(z) and pd.notna(c))  # as crosstab
        zones = sorted({zone for zone, _ in counts})
        table = pd.DataFrame(
            [[counts.get((zone, c), 0) for c in CATEGORIES] for zone in zones],
            index=pd.Index(zones, name="zone_id"),
            columns=pd.Index(list(CATEGORIES), name="category"),
        )
    table["total"] = table.sum(axis=1)
    return table


def _mapped_by_group(frame: gpd.GeoDataFrame) -> dict[str, dict[str, float]]:
    """Per group id: contributions, notes, points, lines, polygons, length_m of the lines
    and area_m2 of the polygons (measured in EPSG:32647), in one pass over ``frame``."""
    if not len(frame):
        return {}
    metric = to_metric(frame)
    kind = metric["geom_type"].to_numpy()
    is_line, is_polygon = kind == "LineString", kind == "Polygon"
    table = pd.DataFrame(
        {
            "group_id": metric["group_id"].to_numpy(),
            "contributions": 1,
            "notes": kind == "",
            "points": kind == "Point",
            "lines": is_line,
            "polygons": is_polygon,
            "length_m": np.where(is_line, metric.length.fillna(0.0).to_numpy(), 0.0),
            "area_m2": np.where(is_polygon, metric.area.fillna(0.0).to_numpy(), 0.0),
        }
    )
    sums = table.groupby("group_id").sum(numeric_only=True)
    return {
        str(k): {str(name): float(value) for name, value in row.items()}
        for k, row in sums.to_dict(orient="index").items()
    }


def participation(
    store: Store, workshop_id: str, *, items: Sequence[Contribution] | None = None
) -> pd.DataFrame:
    """Per group: contributions, comments, votes used, and how much it mapped.

    Columns: group_name, contributions, notes, points, lines, polygons, mapped_length_km
    (lines, measured in EPSG:32647), mapped_area_km2 (polygons), comments, votes_used.
    Every group that joined is listed, also those that contributed nothing. ``items``: the
    contributions with the hidden ones (``list_contributions(include_hidden=True)``), when
    the caller has read them already.
    """
    groups = store.query(
        "SELECT id, name FROM workshop_groups WHERE workshop_id = :w ORDER BY created_at",
        {"w": workshop_id},
    )
    if items is None:
        items = list_contributions(store, workshop_id, include_hidden=True)
    frame = frame_of(items)
    comments = {
        r["group_id"]: int(r["n"])
        for r in store.query(
            "SELECT group_id, COUNT(*) AS n FROM workshop_comments WHERE workshop_id = :w "
            "AND deleted_at IS NULL GROUP BY group_id",
            {"w": workshop_id},
        )
    }
    votes = {
        r["group_id"]: int(r["n"])
        for r in store.query(
            "SELECT v.group_id, COUNT(*) AS n FROM workshop_votes v JOIN workshop_contributions c "
            "ON c.id = v.contribution_id WHERE v.workshop_id = :w AND c.deleted_at IS NULL "
            "GROUP BY v.group_id",
            {"w": workshop_id},
        )
    }
    per_group = _mapped_by_group(frame)
    rows = []
    for g in groups:
        mine = per_group.get(g["id"], {})
        rows.append(
            {
                "group_name": g["name"],
                "contributions": int(mine.get("contributions", 0)),
                "notes": int(mine.get("notes", 0)),
                "points": int(mine.get("points", 0)),
                "lines": int(mine.get("lines", 0)),
                "polygons": int(mine.get("polygons", 0)),
                "mapped_length_km": round(float(mine.get("length_m", 0.0)) / 1000, 3),
                "mapped_area_km2": round(float(mine.get("area_m2", 0.0)) / 1e6, 4),
                "comments": comments.get(g["id"], 0),
                "votes_used": votes.get(g["id"], 0),
            }
        )
    return pd.DataFrame.from_records(
        rows,
        columns=[
            "group_name",
            "contributions",
            "notes",
            "points",
            "lines",
            "polygons",
            "mapped_length_km",
            "mapped_area_km2",
            "comments",
            "votes_used",
        ],
    )
