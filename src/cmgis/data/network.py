"""The road graph: network distances, walking catchments and shortest paths (scipy).

Nodes are projected once to EPSG:32647 so that snapping and catchment geometry are in
metres. The graph is undirected (the source has no one-way flags) and covers only the
OSM extract (about 98.93–99.04 E, 18.73–18.85 N).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from cmgis import settings
from cmgis._errors import InputError
from cmgis.data import raw as raw
from cmgis.projection import lonlat_transformer, metric_transformer


@dataclass(frozen=True)
class RoadGraph:
    """An undirected road graph with node coordinates in EPSG:32647 metres."""

    xy_m: npt.NDArray[np.float64]
    edges: npt.NDArray[np.int64]
    length_m: npt.NDArray[np.float64]
    matrix: csr_matrix
    tree: cKDTree

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.xy_m.shape[0])

    def degree(self) -> npt.NDArray[np.int64]:
        """Number of distinct neighbours of every node."""
        pairs = np.unique(np.sort(self.edges, axis=1), axis=0)
        pairs = pairs[pairs[:, 0] != pairs[:, 1]]
        return np.bincount(pairs.ravel(), minlength=self.n_nodes).astype(np.int64)

    def nearest_node(self, x_m: float, y_m: float) -> tuple[int, float]:
        """Index of the node nearest to a point in EPSG:32647, and its distance in metres."""
        dist, idx = self.tree.query([x_m, y_m])
        return int(idx), float(dist)


def graph_from_arrays(raw_graph: raw.RawGraph) -> RoadGraph:
    """Build a `RoadGraph` from the raw arrays (lon/lat are projected to EPSG:32647)."""
    x, y = metric_transformer().transform(raw_graph.lonlat[:, 0], raw_graph.lonlat[:, 1])
    xy = np.column_stack([x, y])
    n = xy.shape[0]
    u, v = raw_graph.edges[:, 0], raw_graph.edges[:, 1]
    w = raw_graph.length_m
    # Parallel edges: csr_matrix sums duplicates, so keep the shortest by building a
    # coo of the minimum per pair first.
    a, b = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((w, b, a))
    a, b, w_sorted = a[order], b[order], w[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    a, b, w_sorted = a[first], b[first], w_sorted[first]
    # A zero length would vanish from a sparse matrix; keep it reachable.
    w_sorted = np.maximum(w_sorted, 1e-3)
    matrix = csr_matrix(
        (np.concatenate([w_sorted, w_sorted]), (np.concatenate([a, b]), np.concatenate([b, a]))),
        shape=(n, n),
    )
    return RoadGraph(
        xy_m=xy, edges=raw_graph.edges, length_m=raw_graph.length_m, matrix=matrix, tree=cKDTree(xy)
    )


@cache
def _cached_graph(raw_dir: Path) -> RoadGraph:
    return graph_from_arrays(raw.graph_from_raw(raw_dir))


def load_road_graph(raw_dir: Path | None = None) -> RoadGraph:
    """The road graph of ``data/raw/network.graph.json`` (cached per directory)."""
    return _cached_graph((raw_dir or settings.raw_dir()).resolve())


def lonlat_to_metric(lon: float, lat: float) -> tuple[float, float]:
    """Project one lon/lat point (EPSG:4326) to EPSG:32647 metres."""
    x, y = metric_transformer().transform(lon, lat)
    return float(x), float(y)


def _snap(graph: RoadGraph, lon: float, lat: float, max_snap_m: float) -> tuple[int, float]:
    x, y = lonlat_to_metric(lon, lat)
    node, dist = graph.nearest_node(x, y)
    if dist > max_snap_m:
        raise InputError(
            f"point ({lon:.5f}, {lat:.5f}) is {dist:.0f} m from the nearest road of the graph; "
            f"expected at most {max_snap_m:.0f} m (the graph covers only the OSM extract)"
        )
    return node, dist


def network_distances_m(
    graph: RoadGraph,
    sources_lonlat: list[tuple[float, float]],
    *,
    limit_m: float = np.inf,
    max_snap_m: float = 300.0,
) -> npt.NDArray[np.float64]:
    """Shortest network distance (m) from the nearest of the sources to every node.

    The snap distance from each source to its node is added, so the catchment is honest
    about the walk to the road. Unreached nodes are ``inf``.
    """
    if not sources_lonlat:
        raise InputError("no source points given; expected at least one (lon, lat)")
    snapped = [_snap(graph, lon, lat, max_snap_m) for lon, lat in sources_lonlat]
    best = np.full(graph.n_nodes, np.inf)
    for node, snap_m in snapped:
        if snap_m >= limit_m:
            continue
        dist = dijkstra(graph.matrix, directed=False, indices=node, limit=limit_m - snap_m)
        best = np.minimum(best, np.asarray(dist) + snap_m)
    return best


def catchment_polygon_m(
    graph: RoadGraph,
    dist_m: npt.NDArray[np.float64],
    *,
    limit_m: float,
    edge_buffer_m: float,
    close_m: float = 0.0,
    access_lines_m: list[LineString] | None = None,
) -> BaseGeometry:
    """The area within ``limit_m`` along the network, in EPSG:32647.

    Edges whose both ends are within the limit are kept whole; an edge with one end
    inside is cut where the limit runs out. ``access_lines_m`` (the straight walk from
    each anchor to its road) are added, so an anchor inside a block without roads lies in
    its own catchment. The kept lines are buffered by ``edge_buffer_m`` (the depth of
    plots along a street), closed by ``close_m`` (fills blocks the reached streets
    nearly surround, such as campuses whose paths are not in the drivable graph) and
    holes are filled.
    """
    u, v = graph.edges[:, 0], graph.edges[:, 1]
    du, dv = dist_m[u], dist_m[v]
    lines: list[LineString] = list(access_lines_m or [])
    whole = (du <= limit_m) & (dv <= limit_m)
    for a, b in zip(u[whole], v[whole], strict=True):
        lines.append(LineString([graph.xy_m[a], graph.xy_m[b]]))
    partial = (du <= limit_m) ^ (dv <= limit_m)
    for a, b, da, db, length in zip(
        u[partial], v[partial], du[partial], dv[partial], graph.length_m[partial], strict=True
    ):
        start, end, d0 = (a, b, da) if da <= limit_m else (b, a, db)
        frac = float(np.clip((limit_m - d0) / max(length, 1e-6), 0.0, 1.0))
        p0, p1 = graph.xy_m[start], graph.xy_m[end]
        lines.append(LineString([p0, p0 + frac * (p1 - p0)]))
    if not lines:
        raise InputError("the catchment is empty: no road within the limit of the anchors")
    area = shapely.union_all([ln.buffer(edge_buffer_m, quad_segs=4) for ln in lines])
    if close_m > 0:
        area = area.buffer(close_m, quad_segs=4).buffer(-close_m, quad_segs=4)
    return fill_holes(area)


def access_lines_m(graph: RoadGraph, sources_lonlat: list[tuple[float, float]]) -> list[LineString]:
    """Straight lines (EPSG:32647) from each source point to its nearest graph node."""
    out = []
    for lon, lat in sources_lonlat:
        x, y = lonlat_to_metric(lon, lat)
        node, _ = graph.nearest_node(x, y)
        out.append(LineString([(x, y), tuple(graph.xy_m[node])]))
    return out


def fill_holes(geom: BaseGeometry) -> BaseGeometry:
    """The geometry with every interior ring removed."""
    if isinstance(geom, Polygon):
        return Polygon(geom.exterior)
    parts = [Polygon(p.exterior) for p in getattr(geom, "geoms", []) if isinstance(p, Polygon)]
    return shapely.union_all(parts)


def shortest_path_lonlat(
    graph: RoadGraph,
    start_lonlat: tuple[float, float],
    end_lonlat: tuple[float, float],
    *,
    max_snap_m: float = 300.0,
) -> tuple[LineString, float]:
    """Shortest network path between two points, as a LineString in EPSG:4326, and its length (m).

    The path runs from the node nearest to ``start_lonlat`` to the node nearest to
    ``end_lonlat``; the snap segments are not included.
    """
    a, _ = _snap(graph, *start_lonlat, max_snap_m)
    b, _ = _snap(graph, *end_lonlat, max_snap_m)
    dist, pred = dijkstra(graph.matrix, directed=False, indices=a, return_predecessors=True)
    if not np.isfinite(dist[b]):
        raise InputError("the two points are not connected by the road graph")
    nodes = [b]
    while nodes[-1] != a:
        nodes.append(int(pred[nodes[-1]]))
    nodes.reverse()
    xy = graph.xy_m[nodes]
    lon, lat = lonlat_transformer().transform(xy[:, 0], xy[:, 1])
    if len(nodes) == 1:
        return LineString([(lon[0], lat[0]), (lon[0], lat[0])]), 0.0
    return LineString(np.column_stack([lon, lat])), float(dist[b])
