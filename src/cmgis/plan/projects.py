"""The place-bound projects layer: the plan's proposals placed on the map, with provenance.

Each proposal in ``data/spec/plan.toml`` (``[[place_projects]]``) names how it is placed;
this module turns that into a geometry and records how it was made in
``geometry_method``:

- ``zone-derived``: the district polygon of layer ``zones`` (itself built by a stated
  method; see `cmgis.districts.zones`);
- ``indicative``: the CMU purple bus extension, a shortest path on the road graph from
  the CMU landmark to the Suan Dok anchors. The report gives no route; this line only
  shows that the two are connected by road and how far;
- ``landmark-point``: one landmark point (Smart CMU: the report draws no campus boundary);
- ``poi-points``: named points of layer ``pois`` (OSM) standing for the places the
  report names (air purifiers: the Faculties of Medicine and Engineering);
- ``baseline-points``: today's coworking points, the baseline for "co-working spaces
  spread out";
- ``none``: the report gives no place (light rail, design centre …): no geometry.

``zones_touched`` is computed by a spatial join with layer ``zones`` (a zone counts when
the geometries share more than a boundary). Everything is EPSG:4326; lengths are
measured in EPSG:32647.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from cmgis import settings
from cmgis._errors import DataMissingError, InputError
from cmgis.data import network as network
from cmgis.data.catalog import LayerEntry, vector_entry
from cmgis.data.definitions import PROJECT_COLUMNS, PROJECT_GEOMETRY_TYPES, layer_def
from cmgis.data.layers import load_layer
from cmgis.data.network import RoadGraph
from cmgis.plan.spec import PlaceProject, Plan, load_plan
from cmgis.projection import require_crs, to_metric, to_store

if TYPE_CHECKING:
    from cmgis.data.build import BuildContext

LAYER_ID = "projects"

#: The landmark that stands for CMU (name as in landmarks.json, OSM).
CMU_LANDMARK_NAME = "มหาวิทยาลัยเชียงใหม่"
#: The Suan Dok anchors: Maharaj Nakorn Chiang Mai Hospital and the Faculty of Medicine
#: (POI names as in pois.json, OSM). The route visits them in this order.
SUAN_DOK_ANCHOR_NAMES: tuple[str, ...] = ("โรงพยาบาลมหาราชนครเชียงใหม่", "คณะแพทยศาสตร์")

GEOMETRY_METHODS: tuple[str, ...] = (
    "zone-derived",
    "indicative",
    "landmark-point",
    "poi-points",
    "baseline-points",
    "drawn",
    "zones-picked",
    "imported",
    "none",
)

#: Geometry types and columns (in order, plus ``geometry``) of the projects layer: its
#: definition's schema (`cmgis.data.definitions`).
GEOMETRY_TYPES: tuple[str, ...] = PROJECT_GEOMETRY_TYPES
COLUMNS: tuple[str, ...] = PROJECT_COLUMNS

#: A router: lon/lat waypoints in, a LineString (EPSG:4326) along the road graph out.
Router = Callable[[Sequence[tuple[float, float]]], LineString]


@dataclass(frozen=True)
class PlaceInputs:
    """The layers the projects are placed from (all EPSG:4326)."""

    zones: gpd.GeoDataFrame
    landmarks: gpd.GeoDataFrame
    pois: gpd.GeoDataFrame
    coworking: gpd.GeoDataFrame


def place_inputs_from_layers() -> PlaceInputs:
    """Load the layers `build_projects_layer` needs from the built layer store."""
    return PlaceInputs(
        zones=load_layer("zones"),
        landmarks=load_layer("landmarks"),
        pois=load_layer("pois"),
        coworking=load_layer("coworking"),
    )


def road_router(graph: RoadGraph | None = None) -> Router:
    """A `Router` along shortest paths of the road graph (`cmgis.data.network`).

    The line visits the waypoints in order; each leg is the shortest network path
    between the road nodes nearest to its two ends.
    """
    road_graph = graph if graph is not None else network.load_road_graph()

    def route(waypoints: Sequence[tuple[float, float]]) -> LineString:
        if len(waypoints) < 2:
            raise InputError("a route needs at least two waypoints (lon, lat)")
        coords: list[tuple[float, float]] = []
        for start, end in itertools.pairwise(waypoints):
            leg, _length_m = network.shortest_path_lonlat(road_graph, start, end)
            leg_coords = [(float(x), float(y)) for x, y, *_ in leg.coords]
            coords.extend(leg_coords[1:] if coords and leg_coords[0] == coords[-1] else leg_coords)
        return LineString(coords)

    return route


def place_inputs_from_built(built: Mapping[str, gpd.GeoDataFrame]) -> PlaceInputs:
    """`PlaceInputs` from the layers `cmgis.data.build` has just built (before they are written)."""
    return PlaceInputs(
        zones=built["zones"],
        landmarks=built["landmarks"],
        pois=built["pois"],
        coworking=built["coworking"],
    )


def _named_point(gdf: gpd.GeoDataFrame, column: str, name: str, layer: str) -> Point:
    hits = gdf[gdf[column] == name]
    if hits.empty:
        raise DataMissingError(f"no feature named {name!r} in layer {layer!r}; rebuild the layers")
    geom = hits.geometry.iloc[0]
    if not isinstance(geom, Point):
        raise DataMissingError(f"{name!r} in layer {layer!r} is not a point")
    return geom


def _zone_geometry(zones: gpd.GeoDataFrame, zone_id: str) -> BaseGeometry:
    hits = zones[zones["zone_id"] == zone_id]
    if hits.empty:
        raise DataMissingError(f"zone {zone_id!r} is not in layer 'zones'; rebuild the layers")
    geom: BaseGeometry = hits.geometry.iloc[0]
    return geom


def purple_bus_waypoints(inputs: PlaceInputs) -> list[tuple[float, float]]:
    """Lon/lat waypoints of the indicative purple-bus line: CMU, then the Suan Dok anchors."""
    points = [_named_point(inputs.landmarks, "name", CMU_LANDMARK_NAME, "landmarks")]
    points += [_named_point(inputs.pois, "name", n, "pois") for n in SUAN_DOK_ANCHOR_NAMES]
    return [(p.x, p.y) for p in points]


def place_geometry(
    project: PlaceProject, inputs: PlaceInputs, router: Router | None
) -> tuple[BaseGeometry | None, str]:
    """The geometry of one place-bound project and how it was made.

    Returns
    -------
    tuple
        The geometry (EPSG:4326, or ``None`` when the report gives no place) and the
        ``geometry_method`` flag.
    """
    kind, arg = project.place_kind, project.place_arg
    if kind == "zone":
        return _zone_geometry(inputs.zones, arg), "zone-derived"
    if kind == "landmark":
        return _named_point(inputs.landmarks, "name", arg, "landmarks"), "landmark-point"
    if kind == "poi":
        points = [_named_point(inputs.pois, "name", n, "pois") for n in arg.split("|")]
        return (points[0] if len(points) == 1 else MultiPoint(points)), "poi-points"
    if kind == "coworking":
        pts = [g for g in inputs.coworking.geometry if isinstance(g, Point)]
        if not pts:
            return None, "none"
        return MultiPoint(pts), "baseline-points"
    if kind == "route":
        if router is None:
            router = road_router()
        return router(purple_bus_waypoints(inputs)), "indicative"
    return None, "none"


def zones_touched(
    geoms: gpd.GeoSeries | gpd.GeoDataFrame, zones: gpd.GeoDataFrame
) -> list[list[str]]:
    """For each geometry, the ids of the zones it shares more than a boundary with.

    Both inputs must have the same CRS (EPSG:4326). A missing geometry touches nothing.
    """
    series = geoms.geometry if isinstance(geoms, gpd.GeoDataFrame) else geoms
    require_crs(zones, name="zones")
    if series.crs != zones.crs:
        raise InputError(f"CRS mismatch: projects {series.crs} vs zones {zones.crs}")
    joined = gpd.sjoin(
        gpd.GeoDataFrame(geometry=series.reset_index(drop=True)),
        zones[["zone_id", "geometry"]],
        predicate="intersects",
        how="inner",
    )
    zone_geoms = dict(zip(zones["zone_id"], zones.geometry, strict=True))
    out: list[list[str]] = [[] for _ in range(len(series))]
    values = series.reset_index(drop=True)
    for idx, zone_id in zip(joined.index, joined["zone_id"], strict=True):
        geom = values.iloc[idx]
        if geom.touches(zone_geoms[zone_id]):  # shares only a boundary
            continue
        out[idx].append(str(zone_id))
    order = {z: i for i, z in enumerate(zones["zone_id"])}
    return [sorted(set(z), key=order.__getitem__) for z in out]


def _text(value: object) -> str:
    """``value`` as text; missing values (None, NaN) as ``""``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _length_m(geom: BaseGeometry | None) -> float | None:
    if geom is None or geom.geom_type not in ("LineString", "MultiLineString"):
        return None
    metric = to_metric(gpd.GeoSeries([geom], crs=settings.STORE_CRS).to_frame("geometry"))
    return round(float(metric.geometry.length.iloc[0]), 1)


def build_projects_layer(
    plan: Plan | None = None,
    inputs: PlaceInputs | None = None,
    *,
    router: Router | None = None,
) -> gpd.GeoDataFrame:
    """The projects layer: one row per place-bound proposal of the plan (EPSG:4326).

    Parameters
    ----------
    plan
        The plan; defaults to `cmgis.plan.spec.load_plan`.
    inputs
        Zones, landmarks, POIs and coworking points; default: the built layer store.
    router
        Makes the indicative purple-bus line; default: shortest paths on the road graph.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns `COLUMNS` plus ``geometry`` (``None`` where the report gives no place).
    """
    plan = plan or load_plan()
    inputs = inputs or place_inputs_from_layers()
    rows = []
    geoms: list[BaseGeometry | None] = []
    for pp in plan.place_projects:
        geom, method = place_geometry(pp, inputs, router)
        geoms.append(geom)
        rows.append(
            {
                "code": pp.code,
                "origin": "report",
                "title_en": pp.title_en,
                "title_th": pp.title_th,
                "place_th": pp.place_th,
                "strategy": pp.strategy,
                "related": ",".join(pp.related),
                "status": pp.status,
                "lead": "; ".join(plan.stakeholder_names(pp.lead)),
                "partners": "; ".join(plan.stakeholder_names(pp.partners)),
                "partners_named_en": pp.partners_named_en,
                "activities_en": "; ".join(pp.activities),
                "note_en": pp.note_en,
                "geometry_method": method,
                # zone polygons are approximate by construction, the route is indicative,
                # and a single point stands for a whole campus or faculty
                "approximate": method
                in ("zone-derived", "indicative", "landmark-point", "poi-points"),
                "length_m": _length_m(geom),
                "source": f"Action plan report (Thai), {pp.source}",
            }
        )
    gdf = gpd.GeoDataFrame(
        pd.DataFrame(rows), geometry=gpd.GeoSeries(geoms, crs=settings.STORE_CRS)
    )
    touched = zones_touched(gdf.geometry, to_store(inputs.zones, name="zones"))
    gdf["zones_touched"] = [",".join(z) for z in touched]
    return gdf[[*COLUMNS, "geometry"]]


def filter_projects(
    projects: gpd.GeoDataFrame,
    *,
    strategy: str | None = None,
    status: str | None = None,
    zone_id: str | None = None,
) -> gpd.GeoDataFrame:
    """Rows of a projects layer matching every filter given (``None`` = any)."""
    mask = pd.Series(True, index=projects.index)
    if strategy:
        mask &= projects["strategy"] == strategy
    if status:
        mask &= projects["status"] == status
    if zone_id:
        mask &= projects["zones_touched"].fillna("").str.split(",").map(lambda z: zone_id in z)
    return projects[mask]


def projects_in_zone(projects: gpd.GeoDataFrame, zone_id: str) -> gpd.GeoDataFrame:
    """The projects touching zone ``zone_id`` (for a zone's profile)."""
    return filter_projects(projects, zone_id=zone_id)


def filing_text(project: PlaceProject) -> str:
    """Where the report files a place-bound proposal, e.g. ``"G1.3.4; co-sensing: driving-spaces"``.

    ``G…`` codes are rows of the report's goals-and-means table (`cmgis.plan.spec.Goal`); the
    co-sensing part names the 3Ds under whose workshop-1 results the report lists it.
    """
    parts = list(project.means)
    if project.cosensing:
        parts.append("co-sensing: " + ", ".join(project.cosensing))
    return "; ".join(parts)


def _plan_project_rows(
    plan: Plan, projects: gpd.GeoDataFrame, annotations: Mapping[str, Mapping[str, str]]
) -> list[dict[str, str]]:
    """Listing rows of the plan's projects; zones are those their place-bound projects touch."""
    place_zones: dict[str, list[str]] = {}
    via: dict[str, list[str]] = {}
    for code, related, zones in zip(
        projects["code"],
        projects["related"].fillna(""),
        projects["zones_touched"].fillna(""),
        strict=True,
    ):
        for rel in filter(None, str(related).split(",")):
            via.setdefault(rel, []).append(str(code))
            place_zones.setdefault(rel, []).extend(filter(None, str(zones).split(",")))
    rows: list[dict[str, str]] = []
    for p in plan.projects:
        zones = list(dict.fromkeys(place_zones.get(p.code, [])))
        rows.append(
            {
                "code": p.code,
                "printed_label": p.printed_label,
                "kind": "plan",
                "strategy": p.strategy,
                "title_en": p.title_en,
                "title_th": p.title_th,
                "status": annotations.get(p.code, {}).get("status") or "proposed",
                "notes": annotations.get(p.code, {}).get("notes", ""),
                "zones_touched": ",".join(zones),
                "via": ",".join(via.get(p.code, [])),
                "geometry_method": "",
                "activities_en": "; ".join(a.title_en for a in p.activities),
                "activities_th": "; ".join(a.title_th for a in p.activities),
                "filed_under": p.substrategy,
                "source": f"Action plan report (Thai), {p.source}",
            }
        )
    return rows


def _place_project_rows(plan: Plan, projects: gpd.GeoDataFrame) -> list[dict[str, str]]:
    """Listing rows of the projects layer (the report's place-bound and officials' added)."""
    rows: list[dict[str, str]] = []
    filings = {pp.code: filing_text(pp) for pp in plan.place_projects}
    for rec in projects.drop(columns="geometry").to_dict("records"):
        rows.append(
            {
                "code": str(rec["code"]),
                "printed_label": "",
                "kind": "place" if rec["origin"] == "report" else "added",
                "strategy": str(rec["strategy"]),
                "title_en": str(rec["title_en"]),
                "title_th": _text(rec["title_th"]),
                "status": str(rec["status"]),
                "notes": _text(rec.get("notes")),
                "zones_touched": _text(rec["zones_touched"]),
                "via": "",
                "geometry_method": str(rec["geometry_method"]),
                "activities_en": _text(rec["activities_en"]),
                "activities_th": "",
                "filed_under": filings.get(str(rec["code"]), "")
                if rec["origin"] == "report"
                else "",
                "source": str(rec["source"]),
            }
        )
    return rows


def listing_rows(
    plan: Plan,
    projects: gpd.GeoDataFrame,
    *,
    strategy: str | None = None,
    zone_id: str | None = None,
    annotations: Mapping[str, Mapping[str, str]] | None = None,
) -> list[dict[str, str]]:
    """Plan projects and place-bound projects as rows for listings (CLI, tables).

    A plan project's ``zones_touched`` is the union of the zones its place-bound projects
    touch (``via`` names them); a plan project with none touches no zone.

    Parameters
    ----------
    plan
        The plan (`cmgis.plan.spec.load_plan`).
    projects
        The projects layer (`build_projects_layer`), possibly with officials' additions.
    strategy
        Keep only this 3Ds key.
    zone_id
        Keep only rows touching this zone.
    annotations
        Officials' annotations of plan projects by code (``status``, ``notes``).
    """
    annotations = annotations or {}
    if strategy is not None:
        plan.strategy(strategy)  # raises a clear error for an unknown key
    rows = [
        *_plan_project_rows(plan, projects, annotations),
        *_place_project_rows(plan, projects),
    ]
    if strategy:
        rows = [r for r in rows if r["strategy"] == strategy]
    if zone_id:
        rows = [r for r in rows if zone_id in r["zones_touched"].split(",")]
    return rows


def check_zone_id(zone_id: str, zones: gpd.GeoDataFrame) -> str:
    """Return ``zone_id`` if it is a zone of layer ``zones``; else raise `InputError`."""
    known = [str(z) for z in zones["zone_id"]]
    if zone_id not in known:
        raise InputError(f"unknown zone {zone_id!r}; expected one of {', '.join(known)}")
    return zone_id


def save_projects_layer(gdf: gpd.GeoDataFrame, path: Path | None = None) -> Path:
    """Write the projects layer into the layers GeoPackage (layer ``projects``, EPSG:4326)."""
    path = path or settings.layers_gpkg()
    require_crs(gdf, name="projects")
    out = to_store(gdf, name="projects")
    out.to_file(path, layer=LAYER_ID, driver="GPKG", engine="pyogrio")
    return path


def load_projects_layer(path: Path | None = None) -> gpd.GeoDataFrame:
    """The projects layer from the layers GeoPackage; built on the fly if it is not there."""
    import pyogrio

    path = path or settings.layers_gpkg()
    if path.exists() and LAYER_ID in {str(n) for n, _ in pyogrio.list_layers(path)}:
        gdf = gpd.read_file(path, layer=LAYER_ID, engine="pyogrio")
        gdf["approximate"] = gdf["approximate"].astype(bool)
        return gdf
    return build_projects_layer()


def build_projects_for_catalog(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Layer ``projects`` for the build (`cmgis.data.definitions`): placed on the built layers."""
    return build_projects_layer(
        inputs=place_inputs_from_built(ctx.built), router=road_router(ctx.graph)
    )


def projects_catalog_entry(gdf: gpd.GeoDataFrame) -> LayerEntry:
    """The catalog entry of the projects layer, as the build writes it (from its definition)."""
    return vector_entry(layer_def(LAYER_ID), gdf)
