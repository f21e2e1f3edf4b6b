"""The five innovation districts, built from real features by the methods in ``zones.toml``.

The report draws no boundaries, so every district is a construction: a walking catchment
on the road graph, the area enclosed by the moat, or a canal corridor (`ZONE_METHODS`).
The spec (``data/spec/zones.toml``) holds every parameter and anchor; the method text and
parameters are stored with each zone.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import geopandas as gpd
import shapely
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from cmgis import settings
from cmgis._errors import InputError
from cmgis.data.network import (
    RoadGraph,
    access_lines_m,
    catchment_polygon_m,
    fill_holes,
    network_distances_m,
)
from cmgis.data.raw import OSM_EXTRACT_BOUNDS_LONLAT
from cmgis.projection import to_metric

if TYPE_CHECKING:
    from cmgis.data.build import BuildContext

#: ``boundary_status`` of every built zone (the action plan draws no boundaries).
BOUNDARY_CONSTRUCTED = "constructed by the stated method; the report draws no boundary"

ZONE_IDS: tuple[str, ...] = ("nimman", "old_town", "suan_dok", "mae_kha", "mae_hia")
SPEC_FILE = "zones.toml"


@dataclass(frozen=True)
class Anchor:
    """A named place a zone is built around (EPSG:4326 lon/lat)."""

    zone_id: str
    name: str
    name_th: str
    layer: str
    lon: float
    lat: float
    source: str
    approximate: bool


def load_zone_spec(path: Path | None = None) -> dict[str, Any]:
    """Read the zone spec (``data/spec/zones.toml``)."""
    path = path or settings.spec_dir() / SPEC_FILE
    with path.open("rb") as f:
        spec = tomllib.load(f)
    ids = [z["id"] for z in spec.get("zone", [])]
    if sorted(ids) != sorted(ZONE_IDS):
        raise InputError(f"{path} must define the zones {list(ZONE_IDS)}; found {ids}")
    return spec


def find_anchors(zone: dict[str, Any], layers: dict[str, gpd.GeoDataFrame]) -> list[Anchor]:
    """Look the zone's anchors up by exact name in their layer (pois or landmarks)."""
    out: list[Anchor] = []
    for a in zone.get("anchors", []):
        layer = layers[a["layer"]]
        hits = layer[layer["name"] == a["name"]]
        if hits.empty:
            raise InputError(
                f"zone {zone['id']}: anchor {a['name']!r} not found in layer {a['layer']!r}; "
                "expected an exact name of that layer"
            )
        pt = hits.geometry.iloc[0]
        out.append(
            Anchor(
                zone_id=zone["id"],
                name=a["name"],
                name_th=a.get("name_th", ""),
                layer=a["layer"],
                lon=float(pt.x),
                lat=float(pt.y),
                source=f"layer {a['layer']} (© OpenStreetMap contributors, ODbL 1.0), by name",
                approximate=False,
            )
        )
    return out


def moat_enclosure_m(ring_parts_m: gpd.GeoSeries, *, close_gaps_m: float) -> Polygon:
    """The area enclosed by the moat (EPSG:32647): the largest hole of the closed ring.

    ``ring_parts_m`` are the moat polygons and the wall/bastion polygons (the moat is
    interrupted at the corner bastions); a morphological closing of ``close_gaps_m``
    joins them into one ring.
    """
    ring = shapely.union_all(ring_parts_m.values).buffer(close_gaps_m).buffer(-close_gaps_m)
    holes = [Polygon(h) for p in getattr(ring, "geoms", [ring]) for h in p.interiors]
    if not holes:
        raise InputError(
            f"the moat does not close into a ring with gaps of {close_gaps_m} m; "
            "expected a larger close_gaps_m in zones.toml"
        )
    return max(holes, key=lambda h: h.area)


@dataclass(frozen=True)
class ZoneInputs:
    """What every zone method may use: the base layers, the road graph and shared geometry.

    ``network_dist`` collects each catchment's road distances (by zone id) for the split
    of overlapping catchments (`make_disjoint_m`).
    """

    layers: dict[str, gpd.GeoDataFrame]
    graph: RoadGraph
    walking: dict[str, Any]
    tambons_m: gpd.GeoDataFrame
    extract_m: BaseGeometry
    network_dist: dict[str, Any]


class MethodText(NamedTuple):
    """How a zone was drawn, in English (``method``) and Thai (``method_th``)."""

    en: str
    th: str


#: What a zone method returns: the geometry (EPSG:32647), its parameters, the method text.
MethodResult = tuple[BaseGeometry, dict[str, Any], MethodText]
ZoneMethod = Callable[[dict[str, Any], list[Anchor], ZoneInputs], MethodResult]


def _network_catchment(zone: dict[str, Any], anchors: list[Anchor], z: ZoneInputs) -> MethodResult:
    """Walking catchment on the road graph from the zone's anchors."""
    walking = z.walking
    limit_m = float(zone.get("catchment_m", walking.get("catchment_m", 800)))
    edge_buffer_m = float(zone.get("edge_buffer_m", walking.get("edge_buffer_m", 50)))
    max_snap_m = float(walking.get("max_snap_m", 300))
    close_m = float(zone.get("close_m", walking.get("close_m", 0)))
    points_lonlat = [(a.lon, a.lat) for a in anchors]
    dist = network_distances_m(z.graph, points_lonlat, limit_m=limit_m, max_snap_m=max_snap_m)
    geom = catchment_polygon_m(
        z.graph,
        dist,
        limit_m=limit_m,
        edge_buffer_m=edge_buffer_m,
        close_m=close_m,
        access_lines_m=access_lines_m(z.graph, points_lonlat),
    ).intersection(z.extract_m)
    z.network_dist[zone["id"]] = dist
    params = {
        "catchment_m": limit_m,
        "edge_buffer_m": edge_buffer_m,
        "close_m": close_m,
        "max_snap_m": max_snap_m,
        "clipped_to_osm_extract": True,
        "anchors": [a.name for a in anchors],
    }
    text = MethodText(
        f"Walking catchment: every road reachable within {limit_m:.0f} m along the OSM "
        f"road graph from {len(anchors)} anchor(s) ({'; '.join(a.name for a in anchors)}), "
        "counting the straight walk from each anchor to its nearest road; edges cut "
        f"where the distance runs out, buffered {edge_buffer_m:.0f} m either side, "
        f"closed by {close_m:.0f} m (blocks without drivable roads, e.g. campuses), "
        "holes filled, clipped to the OSM extract (where the data is).",
        f"พื้นที่เดินถึง: ถนนทุกเส้นที่เดินถึงได้ภายใน {limit_m:.0f} ม. ตามโครงข่ายถนนของ OSM "
        f"จากจุดยึด {len(anchors)} จุด ({'; '.join(a.name_th or a.name for a in anchors)}) "
        "นับรวมระยะเดินตรงจากแต่ละจุดยึดถึงถนนที่ใกล้ที่สุด ตัดเส้นถนนตรงที่ระยะหมด "
        f"ขยายออกข้างละ {edge_buffer_m:.0f} ม. ปิดช่องว่าง {close_m:.0f} ม. "
        "(บล็อกที่ไม่มีถนนให้รถวิ่ง เช่น วิทยาเขต) เติมช่องว่างภายใน "
        "และตัดให้อยู่ในขอบเขตข้อมูล OSM (ส่วนที่มีข้อมูล)",
    )
    return geom, params, text


def _moat_enclosure(zone: dict[str, Any], anchors: list[Anchor], z: ZoneInputs) -> MethodResult:
    """The area enclosed by the old city moat."""
    close_m = float(zone["close_gaps_m"])
    parts = gpd.GeoSeries(
        [
            *to_metric(z.layers["old_city_moat"]).geometry,
            *to_metric(z.layers["old_city_walls"]).geometry,
        ],
        crs=settings.METRIC_CRS,
    )
    geom = moat_enclosure_m(parts, close_gaps_m=close_m)
    text = MethodText(
        "Area enclosed by the moat: the 19 OSM moat polygons and the wall/bastion "
        f"polygons joined into one ring by closing gaps up to {close_m:.0f} m (road "
        "crossings, the corner bastions where the water stops); the zone is the "
        "interior bounded by the ring's inner edge (corners rounded by the closing).",
        "พื้นที่ภายในคูเมือง: รูปคูเมือง 19 รูปจาก OSM และรูปกำแพงกับป้อม "
        f"เชื่อมเป็นวงเดียวโดยปิดช่องว่างไม่เกิน {close_m:.0f} ม. (ถนนที่ตัดผ่าน "
        "และป้อมมุมเมืองที่น้ำขาดช่วง) ย่านคือพื้นที่ด้านในที่ล้อมด้วยขอบในของวงนี้ "
        "(มุมโค้งมนจากการปิดช่องว่าง)",
    )
    return geom, {"close_gaps_m": close_m}, text


def _canal_corridor(zone: dict[str, Any], anchors: list[Anchor], z: ZoneInputs) -> MethodResult:
    """A corridor either side of the Mae Kha canal, clipped to the municipal tambons."""
    buffer_m = float(zone["buffer_m"])
    coverage = list(zone["clip_to_coverage"])
    tambons_m = z.tambons_m
    city_m = shapely.union_all(
        tambons_m[tambons_m["municipality_coverage"].isin(coverage)].geometry.values
    )
    canal_m = shapely.union_all(to_metric(z.layers["mae_kha_canal"]).geometry.values)
    geom = canal_m.buffer(buffer_m, cap_style="flat").intersection(city_m)
    coverage_th = {"whole": "ทั้งตำบล", "part": "บางส่วน", "none": "ไม่ครอบคลุม"}
    text = MethodText(
        f"Corridor {buffer_m:.0f} m either side of the Mae Kha canal line (OSM), "
        "clipped to the tambons the city municipality covers "
        f"({' or '.join(coverage)}); not the municipal boundary, which is not in "
        "the data.",
        f"แนวกว้างข้างละ {buffer_m:.0f} ม. จากแนวคลองแม่ข่า (OSM) "
        "ตัดให้อยู่ในตำบลที่เทศบาลนครเชียงใหม่ครอบคลุม "
        f"({' หรือ '.join(coverage_th.get(c, c) for c in coverage)}) "
        "ไม่ใช่เขตเทศบาล ซึ่งไม่มีในข้อมูล",
    )
    return geom, {"buffer_m": buffer_m, "clip_to_coverage": coverage}, text


#: The zone methods by the ``method`` name in zones.toml. A new method is a function
#: ``(zone spec, anchors, ZoneInputs) -> (geometry in metres, parameters, MethodText)``
#: added here.
ZONE_METHODS: dict[str, ZoneMethod] = {
    "network_catchment": _network_catchment,
    "moat_enclosure": _moat_enclosure,
    "canal_corridor": _canal_corridor,
}
#: Methods whose result keeps its holes (a corridor is a band, not an area).
_KEEP_HOLES = frozenset({"canal_corridor"})


def _zone_inputs(
    layers: dict[str, gpd.GeoDataFrame], graph: RoadGraph, spec: dict[str, Any]
) -> ZoneInputs:
    extract = gpd.GeoSeries([box(*OSM_EXTRACT_BOUNDS_LONLAT)], crs=settings.STORE_CRS)
    return ZoneInputs(
        layers=layers,
        graph=graph,
        walking=spec.get("walking", {}),
        tambons_m=to_metric(layers["tambons"], name="tambons"),
        extract_m=to_metric(extract).iloc[0],
        network_dist={},
    )


def _zone_row(
    zone: dict[str, Any], method: str, geom: BaseGeometry, params: dict[str, Any],
    text: MethodText,
    anchors: list[Anchor],
) -> dict[str, Any]:  # fmt: skip
    return {
        "zone_id": zone["id"],
        "name_en": zone["name_en"],
        "name_th": zone["name_th"],
        "theme_en": zone["theme_en"],
        "theme_th": zone["theme_th"],
        "programme": zone.get("programme", ""),
        "programme_th": zone.get("programme_th", zone.get("programme", "")),
        "strategies": ",".join(zone["strategies"]),
        "plan_items": ",".join(zone["plan_items"]),
        "description_en": zone["description_en"],
        "description_th": zone["description_th"],
        "area_km2": round(geom.area / 1e6, 4),
        "method": text.en,
        "method_th": text.th,
        "method_id": method,
        "parameters": json.dumps(params, ensure_ascii=False, sort_keys=True),
        "approximate": any(a.approximate for a in anchors),
        "boundary_status": BOUNDARY_CONSTRUCTED,
    }


def _add_boundary_notes(
    rows: list[dict[str, Any]], geoms_m: list[BaseGeometry], spec: dict[str, Any],
    tambons_m: gpd.GeoDataFrame,
) -> None:  # fmt: skip
    """Areas after the disjoint step, the disjoint rule and the spec's boundary notes."""
    partly_m = shapely.union_all(
        tambons_m[tambons_m["municipality_coverage"] != "whole"].geometry.values
    )
    rule = _disjoint_rule(spec.get("disjoint", {}))
    notes = {z["id"]: z for z in spec["zone"]}
    for row, geom in zip(rows, geoms_m, strict=True):
        row["area_km2"] = round(geom.area / 1e6, 4)
        z = notes[row["zone_id"]]
        # Only where the spec asks (the Mae Kha corridor, whose city reach the report does
        # not state); a catchment in the city centre also lies in partly-municipal tambons.
        row["not_whole_municipal_share_pct"] = (
            round(100.0 * geom.intersection(partly_m).area / geom.area, 1)
            if z.get("flag_not_whole_municipal") and geom.area
            else float("nan")
        )
        row["disjoint_rule"] = rule
        row["boundary_note_en"] = z.get("boundary_note_en", "")
        row["boundary_note_th"] = z.get("boundary_note_th", "")
        row["boundary_confidence"] = z.get("boundary_confidence", "")


def _anchors_frame(anchors: list[Anchor]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        [
            {
                "zone_id": a.zone_id,
                "name": a.name,
                "name_th": a.name_th,
                "source_layer": a.layer,
                "source": a.source,
                "approximate": a.approximate,
            }
            for a in anchors
        ],
        geometry=[Point(a.lon, a.lat) for a in anchors],
        crs=settings.STORE_CRS,
    )


def build_zones(
    layers: dict[str, gpd.GeoDataFrame],
    graph: RoadGraph,
    *,
    spec: dict[str, Any] | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Build the zones and their anchors, each zone by its method in `ZONE_METHODS`.

    Parameters
    ----------
    layers
        Built base layers by id (EPSG:4326): needs ``pois``, ``landmarks``, ``tambons``,
        ``old_city_moat`` and ``mae_kha_canal``.
    graph
        The road graph (for walking catchments).
    spec
        The zone spec; read from ``data/spec/zones.toml`` if omitted.

    Returns
    -------
    zones, anchors
        Both in EPSG:4326; ``zones`` has one row per zone in `ZONE_IDS` order.
    """
    spec = spec or load_zone_spec()
    inputs = _zone_inputs(layers, graph, spec)
    rows: list[dict[str, Any]] = []
    geoms_m: list[BaseGeometry] = []
    all_anchors: list[Anchor] = []
    for zone in sorted(spec["zone"], key=lambda z: ZONE_IDS.index(z["id"])):
        anchors = find_anchors(zone, layers)
        all_anchors.extend(anchors)
        method = zone["method"]
        if method not in ZONE_METHODS:
            raise InputError(
                f"zone {zone['id']}: unknown method {method!r}; expected one of "
                f"{', '.join(ZONE_METHODS)}"
            )
        geom, params, text = ZONE_METHODS[method](zone, anchors, inputs)
        if method not in _KEEP_HOLES:
            geom = fill_holes(shapely.make_valid(geom))
        geoms_m.append(geom)
        rows.append(_zone_row(zone, method, geom, params, text, anchors))
    geoms_m = make_disjoint_m(
        [r["zone_id"] for r in rows], geoms_m, graph, inputs.network_dist, spec.get("disjoint", {})
    )
    _add_boundary_notes(rows, geoms_m, spec, inputs.tambons_m)
    zones = gpd.GeoDataFrame(rows, geometry=geoms_m, crs=settings.METRIC_CRS).to_crs(
        settings.STORE_CRS
    )
    # Where two districts meet, reprojection can leave a sub-millimetre self-intersection.
    zones = zones.set_geometry(
        [_polygonal(shapely.make_valid(g), 1e-10) for g in zones.geometry.values],
        crs=zones.crs,
    )
    return zones, _anchors_frame(all_anchors)


def _zones_and_anchors(ctx: BuildContext) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    built: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] = ctx.memo(
        "zones", lambda: build_zones(ctx.built, ctx.graph)
    )
    return built


def build_zones_layer(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``zones`` for the build (`cmgis.data.definitions`)."""
    return _zones_and_anchors(ctx)[0]


def build_zone_anchors_layer(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``zone_anchors`` for the build (`cmgis.data.definitions`)."""
    return _zones_and_anchors(ctx)[1]


def _disjoint_rule(disjoint: dict[str, Any]) -> str:
    """The stated rule that makes the zones disjoint (from ``[disjoint]`` in zones.toml)."""
    return str(disjoint.get("rule_en", "")).strip()


def _split_by_network(
    overlap: BaseGeometry,
    graph: RoadGraph,
    dist_a: Any,
    dist_b: Any,
) -> tuple[BaseGeometry, BaseGeometry]:
    """Split ``overlap`` between two catchments: each point goes to the catchment whose
    anchors are nearer along the road network from the road node nearest to the point
    (Voronoi cells of the reached nodes; ties go to the first)."""
    import numpy as np

    reached = np.isfinite(dist_a) | np.isfinite(dist_b)
    idx = np.flatnonzero(reached)
    if idx.size == 0:
        return overlap, shapely.Polygon()
    pts = np.asarray(shapely.points(graph.xy_m[idx]))
    near = shapely.intersects(overlap.buffer(500), pts)
    idx, pts = idx[near], pts[near]
    if idx.size == 0:
        return overlap, shapely.Polygon()
    if idx.size == 1:
        a_wins = bool(dist_a[idx[0]] <= dist_b[idx[0]])
        return (overlap, shapely.Polygon()) if a_wins else (shapely.Polygon(), overlap)
    cells = np.asarray(
        shapely.get_parts(
            shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=overlap.buffer(1000))
        )
    )
    # voronoi_polygons does not keep the input order: match each cell to its point.
    owner = np.zeros(len(cells), dtype=bool)
    tree = shapely.STRtree(pts)
    for i, cell in enumerate(cells):
        hit = tree.query(cell, predicate="contains")
        j = int(hit[0]) if hit.size else int(tree.nearest(cell.centroid))
        owner[i] = dist_a[idx[j]] <= dist_b[idx[j]]
    part_a = shapely.union_all(cells[owner]).intersection(overlap)
    part_b = overlap.difference(part_a)
    return part_a, part_b


def make_disjoint_m(
    zone_ids: list[str],
    geoms_m: list[BaseGeometry],
    graph: RoadGraph,
    network_dist: dict[str, Any],
    disjoint: dict[str, Any],
) -> list[BaseGeometry]:
    """The zone polygons (EPSG:32647) made pairwise disjoint by the rule in zones.toml.

    1. ``hard_edge`` zones (the Old Town: the moat interior) keep their whole polygon and
       are subtracted from every other zone.
    2. Where two walking catchments overlap, each point goes to the catchment whose
       anchors are nearer along the road network (`_split_by_network`).
    3. Any other overlap goes to the zone listed first in ``precedence``.
    """
    hard = [h for h in disjoint.get("hard_edge", []) if h in zone_ids]
    precedence = list(disjoint.get("precedence", zone_ids))
    out = dict(zip(zone_ids, geoms_m, strict=True))
    for h in hard:
        for z in zone_ids:
            if z != h:
                out[z] = out[z].difference(out[h])
    catch = [z for z in zone_ids if z in network_dist and z not in hard]
    for i, a in enumerate(catch):
        for b in catch[i + 1 :]:
            overlap = out[a].intersection(out[b])
            if overlap.area < 1.0:
                continue
            part_a, part_b = _split_by_network(overlap, graph, network_dist[a], network_dist[b])
            out[a] = out[a].difference(part_b)
            out[b] = out[b].difference(part_a)
    order = [z for z in precedence if z in out] + [z for z in zone_ids if z not in precedence]
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            if out[a].intersection(out[b]).area > 0:
                out[b] = out[b].difference(out[a])
    return [_polygonal(shapely.make_valid(out[z])) for z in zone_ids]


def _polygonal(geom: BaseGeometry, min_area: float = 1.0) -> BaseGeometry:
    """Only the polygon parts of ``geom`` of at least ``min_area`` (a difference can leave
    lines, points and sub-square-metre slivers where two districts meet)."""
    polys = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and p.area >= min_area]
    return shapely.union_all(polys) if polys else geom


def load_zones(*, path: Path | None = None) -> gpd.GeoDataFrame:
    """The built zones layer (EPSG:4326), indexed 0..4 in `ZONE_IDS` order."""
    from cmgis.data.layers import load_layer

    return load_layer("zones", path=path)
