"""Suitability criteria: the common grid, criterion specs, raster builders and normalisation.

Every criterion is a raster on one grid (EPSG:32647, metres; 10 m cells by default; the
extent of the Mueang Chiang Mai tambons). Raw values carry units (metres, features per
km², metres above sea level, 0/1); normalisation maps them to 0–1 (1 = most suitable)
with a curve whose parameters are stated in ``data/spec/suitability.toml``.

Coverage. The OpenStreetMap extract behind the POIs, landmarks, coworking spaces and the
road graph only covers 98.936–99.032 E, 18.750–18.830 N (``data/raw/NOTICE.md``), while
the tambons reach further. Cells outside that box are *nodata* for every criterion built
from those layers: "no POI because there is no data" is never read as "far from POIs".
Inside the box, a distance is only trusted where a feature just outside the box could not
change the normalised score (see `normalise`), and kernel densities are edge-corrected
(divided by the share of the kernel that falls inside the box, nodata below one half).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import rasterio
import rasterio.features
import rasterio.warp
from affine import Affine
from rasterio.enums import Resampling
from scipy import ndimage, signal
from shapely.geometry import box

from cmgis import settings
from cmgis._errors import InputError
from cmgis.data.raw import OSM_EXTRACT_BOUNDS_LONLAT
from cmgis.projection import require_crs, to_metric

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

Method = Literal["distance", "density", "elevation", "inside"]
Direction = Literal["benefit", "cost"]
NormKind = Literal["linear", "sigmoid", "threshold"]
Coverage = Literal["osm_extract", "full"]

METHODS: tuple[Method, ...] = ("distance", "density", "elevation", "inside")
DIRECTIONS: tuple[Direction, ...] = ("benefit", "cost")
NORM_KINDS: tuple[NormKind, ...] = ("linear", "sigmoid", "threshold")
COVERAGES: tuple[Coverage, ...] = ("osm_extract", "full")

#: Bounding box of the OpenStreetMap extract (POIs, landmarks, road graph) as
#: (min_lon, min_lat, max_lon, max_lat); data/raw/NOTICE.md, section 4.
OSM_EXTRACT_BBOX_LONLAT: tuple[float, float, float, float] = OSM_EXTRACT_BOUNDS_LONLAT

#: Most criteria a stack may hold (nodata flags are bits of one uint32 per cell).
MAX_CRITERIA = 32

SPEC_NAME = "suitability.toml"


def spec_path(spec_dir: Path | None = None) -> Path:
    """Path of the suitability spec (``data/spec/suitability.toml``)."""
    return (spec_dir or settings.spec_dir()) / SPEC_NAME


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid in a metric CRS.

    Attributes
    ----------
    crs
        CRS of the grid, e.g. ``"EPSG:32647"`` (metres).
    transform
        Affine transform of the top-left corner (cell size ``resolution_m``).
    width, height
        Number of columns and rows.
    """

    crs: str
    transform: Affine
    width: int
    height: int

    @property
    def resolution_m(self) -> float:
        """Cell size in metres."""
        return float(self.transform.a)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return (self.height, self.width)

    @property
    def cell_area_km2(self) -> float:
        """Area of one cell in km²."""
        return self.resolution_m**2 / 1e6

    @property
    def bounds_m(self) -> tuple[float, float, float, float]:
        """(min_x, min_y, max_x, max_y) in the grid CRS."""
        left, top = self.transform.c, self.transform.f
        return (
            left,
            top - self.height * self.resolution_m,
            left + self.width * self.resolution_m,
            top,
        )

    @classmethod
    def from_bounds(
        cls, bounds_m: tuple[float, float, float, float], resolution_m: float, *, crs: str
    ) -> Grid:
        """Grid covering ``bounds_m``, its corners snapped outward to multiples of the cell."""
        if not (math.isfinite(resolution_m) and resolution_m > 0):
            raise InputError(f"resolution must be a positive number of metres, got {resolution_m}")
        minx, miny, maxx, maxy = bounds_m
        left = math.floor(minx / resolution_m) * resolution_m
        bottom = math.floor(miny / resolution_m) * resolution_m
        right = math.ceil(maxx / resolution_m) * resolution_m
        top = math.ceil(maxy / resolution_m) * resolution_m
        width = round((right - left) / resolution_m)
        height = round((top - bottom) / resolution_m)
        if width * height > 50_000_000:
            raise InputError(
                f"a {resolution_m:g} m grid over this extent has {width * height:,} cells; "
                "the limit is 50 million: choose a coarser resolution"
            )
        return cls(crs, Affine(resolution_m, 0.0, left, 0.0, -resolution_m, top), width, height)


@dataclass(frozen=True)
class Normalisation:
    """How raw values become 0–1 scores (1 = most suitable).

    Attributes
    ----------
    kind
        ``linear`` (straight line between ``low`` and ``high``), ``sigmoid`` (the fuzzy
        cos² curve between ``low`` and ``high``, as IDRISI's FUZZY module) or ``threshold``
        (1 on the suitable side of ``low``, 0 on the other).
    low, high
        Bounds in the criterion's units; a string ``"pNN"`` means the NN-th percentile of
        the criterion over the cells that have data (resolved by `resolve_bounds`).
    """

    kind: NormKind
    low: float | str
    high: float | str | None = None


@dataclass(frozen=True)
class Source:
    """Features of one layer used by a criterion: ``layer`` where ``column`` is in ``values``."""

    layer: str
    column: str | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    """One criterion of the suitability model (see ``data/spec/suitability.toml``)."""

    id: str
    title_en: str
    title_th: str
    definition_en: str
    definition_th: str
    units: str
    method: Method
    sources: tuple[Source, ...]
    direction: Direction
    normalisation: Normalisation
    coverage: Coverage
    bandwidth_m: float | None = None

    def normalisation_text(self, bounds: tuple[float, float] | None = None) -> str:
        """The normalisation with its parameters, in words (English)."""
        n = self.normalisation
        lo, hi = bounds if bounds is not None else (n.low, n.high)
        good, bad = ("high", "low") if self.direction == "benefit" else ("low", "high")
        if n.kind == "threshold":
            op = "≥" if self.direction == "benefit" else "≤"
            return f"threshold: 1 where value {op} {_fmt(lo)} {self.units}, else 0"
        curve = "linear" if n.kind == "linear" else "fuzzy sigmoid (cos²)"
        return (
            f"{curve} from {_fmt(lo)} to {_fmt(hi)} {self.units} ({self.direction}: "
            f"{good} values score 1, {bad} values 0)"
        )


def _fmt(v: float | str | None) -> str:
    if isinstance(v, float | int):
        return f"{v:,.4g}"
    return str(v)


@dataclass(frozen=True)
class Preset:
    """A theme preset: named weights with the reasoning behind them."""

    id: str
    title_en: str
    title_th: str
    rationale_en: str
    rationale_th: str
    weights: Mapping[str, float]


@dataclass(frozen=True)
class Spec:
    """The suitability spec: grid settings, criteria and theme presets."""

    resolution_m: float
    extent_layer: str
    criteria: tuple[Criterion, ...]
    presets: tuple[Preset, ...]
    source_text: str = field(repr=False, default="")

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion ``criterion_id``; `InputError` if unknown."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        known = ", ".join(c.id for c in self.criteria)
        raise InputError(f"unknown criterion {criterion_id!r}; expected one of: {known}")

    def preset(self, preset_id: str) -> Preset:
        """The preset ``preset_id``; `InputError` if unknown."""
        for p in self.presets:
            if p.id == preset_id:
                return p
        known = ", ".join(p.id for p in self.presets)
        raise InputError(f"unknown preset {preset_id!r}; expected one of: {known}")


# --------------------------------------------------------------------------- spec parsing


def load_spec(path: Path | None = None) -> Spec:
    """Read and check the suitability spec (TOML); `InputError` says what is wrong."""
    path = path or spec_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read the suitability spec {path}: {err.strerror}") from err
    return parse_spec(text, name=str(path))


def parse_spec(text: str, *, name: str = "suitability spec") -> Spec:
    """Parse the TOML text of a suitability spec."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{name} is not valid TOML: {err}") from err
    grid = data.get("grid", {})
    resolution_m = _number(grid.get("resolution_m", 10.0), f"{name}: grid.resolution_m")
    extent_layer = str(grid.get("extent_layer", "tambons"))
    raw_criteria = data.get("criteria", [])
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise InputError(f"{name}: expected one or more [[criteria]] tables")
    criteria = tuple(_parse_criterion(c, name) for c in raw_criteria)
    ids = [c.id for c in criteria]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"{name}: criterion ids must be unique; repeated: {', '.join(dupes)}")
    if len(criteria) > MAX_CRITERIA:
        raise InputError(f"{name}: at most {MAX_CRITERIA} criteria, got {len(criteria)}")
    presets = tuple(
        _parse_preset(pid, p, name, set(ids)) for pid, p in data.get("presets", {}).items()
    )
    return Spec(resolution_m, extent_layer, criteria, presets, text)


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _bound(value: object, what: str) -> float | str:
    if isinstance(value, str):
        digits = value[1:].replace(".", "", 1)
        if value.startswith("p") and digits.isdigit() and 0 <= float(value[1:]) <= 100:
            return value
        raise InputError(f"{what} must be a number or a percentile like 'p95', got {value!r}")
    return _number(value, what)


def _parse_normalisation(c: Mapping[str, object], where: str) -> Normalisation:
    """The ``normalisation`` table of criterion ``c``: kind, low and high bounds."""
    norm = c.get("normalisation")
    if not isinstance(norm, Mapping):
        raise InputError(f"{where}: a normalisation table is required")
    kind = norm.get("kind")
    if kind not in NORM_KINDS:
        raise InputError(f"{where}: normalisation.kind must be one of {NORM_KINDS}, got {kind!r}")
    low = _bound(norm.get("low"), f"{where}: normalisation.low")
    high = None if kind == "threshold" else _bound(norm.get("high"), f"{where}: normalisation.high")
    if isinstance(low, float) and isinstance(high, float) and not low < high:
        raise InputError(f"{where}: normalisation needs low < high, got {low} and {high}")
    return Normalisation(kind, low, high)


def _parse_sources(c: Mapping[str, object], where: str) -> tuple[Source, ...]:
    """The ``sources`` of criterion ``c``: layers, optionally filtered on column values."""
    sources_raw = c.get("sources", [])
    if not isinstance(sources_raw, list):
        raise InputError(f"{where}: sources must be a list of tables")
    sources = []
    for s in sources_raw:
        if not isinstance(s, Mapping) or "layer" not in s:
            raise InputError(f"{where}: each source needs a layer")
        values = s.get("values", [])
        if not isinstance(values, list):
            raise InputError(f"{where}: source values must be a list")
        column = s.get("column")
        sources.append(
            Source(
                str(s["layer"]), None if column is None else str(column), tuple(map(str, values))
            )
        )
    return tuple(sources)


def _parse_criterion(c: Mapping[str, object], name: str) -> Criterion:
    cid = str(c.get("id", ""))
    where = f"{name}: criterion {cid or '?'}"
    if not cid.isidentifier():
        raise InputError(f"{where}: id must be a plain identifier like dist_transit_m")
    method = c.get("method")
    direction = c.get("direction")
    coverage = c.get("coverage", "full")
    if method not in METHODS:
        raise InputError(f"{where}: method must be one of {METHODS}, got {method!r}")
    if direction not in DIRECTIONS:
        raise InputError(f"{where}: direction must be one of {DIRECTIONS}, got {direction!r}")
    if coverage not in COVERAGES:
        raise InputError(f"{where}: coverage must be one of {COVERAGES}, got {coverage!r}")
    normalisation = _parse_normalisation(c, where)
    sources = _parse_sources(c, where)
    if method in ("distance", "density", "inside") and not sources:
        raise InputError(f"{where}: method {method} needs at least one source layer")
    bandwidth = c.get("bandwidth_m")
    bandwidth_m = None if bandwidth is None else _number(bandwidth, f"{where}: bandwidth_m")
    if method == "density" and (bandwidth_m is None or bandwidth_m <= 0):
        raise InputError(f"{where}: a density needs a positive bandwidth_m")
    return Criterion(
        id=cid,
        title_en=str(c.get("title_en", cid)),
        title_th=str(c.get("title_th", c.get("title_en", cid))),
        definition_en=str(c.get("definition_en", "")),
        definition_th=str(c.get("definition_th", c.get("definition_en", ""))),
        units=str(c.get("units", "")),
        method=method,
        sources=sources,
        direction=direction,
        normalisation=normalisation,
        coverage=coverage,
        bandwidth_m=bandwidth_m,
    )


def _parse_preset(pid: str, p: Mapping[str, object], name: str, ids: set[str]) -> Preset:
    weights = p.get("weights", {})
    if not isinstance(weights, Mapping):
        raise InputError(f"{name}: preset {pid}: weights must be a table")
    checked = check_weights(weights, ids, what=f"{name}: preset {pid}")
    return Preset(
        id=pid,
        title_en=str(p.get("title_en", pid)),
        title_th=str(p.get("title_th", p.get("title_en", pid))),
        rationale_en=str(p.get("rationale_en", "")),
        rationale_th=str(p.get("rationale_th", p.get("rationale_en", ""))),
        weights=checked,
    )


def check_weights(weights: Mapping[str, object], ids: set[str], *, what: str) -> dict[str, float]:
    """Check weights: known criterion ids, finite numbers ≥ 0, at least one above 0."""
    unknown = sorted(set(weights) - ids)
    if unknown:
        raise InputError(
            f"{what}: unknown criteria {', '.join(unknown)}; expected some of: "
            + ", ".join(sorted(ids))
        )
    out: dict[str, float] = {}
    for key, value in weights.items():
        w = _number(value, f"{what}: weight of {key}")
        if w < 0:
            raise InputError(f"{what}: weight of {key} must be 0 or more, got {w:g}")
        out[key] = w
    if not any(w > 0 for w in out.values()):
        raise InputError(f"{what}: at least one weight must be above 0")
    return out


# --------------------------------------------------------------------------- raster builders


def grid_for_extent(extent: gpd.GeoDataFrame, resolution_m: float) -> Grid:
    """Grid in EPSG:32647 covering ``extent`` (any CRS) at ``resolution_m``."""
    require_crs(extent, name="extent layer")
    metric = to_metric(extent, name="extent layer")
    return Grid.from_bounds(tuple(metric.total_bounds), resolution_m, crs=settings.METRIC_CRS)


def rasterize_mask(geoms: gpd.GeoSeries, grid: Grid, *, all_touched: bool = False) -> BoolArray:
    """Cells covered by ``geoms`` (any CRS; reprojected to the grid's)."""
    require_crs(gpd.GeoDataFrame(geometry=geoms), name="features")
    geoms = geoms.to_crs(grid.crs)
    geoms = geoms[~(geoms.is_empty | geoms.isna())]
    if len(geoms) == 0:
        return np.zeros(grid.shape, dtype=bool)
    burned = rasterio.features.rasterize(
        ((g, 1) for g in geoms),
        out_shape=grid.shape,
        transform=grid.transform,
        fill=0,
        dtype="uint8",
        all_touched=all_touched,
    )
    mask: BoolArray = burned.astype(bool)
    return mask


def coverage_mask(coverage: Coverage, grid: Grid) -> BoolArray:
    """Cells where the layers of ``coverage`` have data."""
    if coverage == "full":
        return np.ones(grid.shape, dtype=bool)
    bbox = gpd.GeoSeries([box(*OSM_EXTRACT_BBOX_LONLAT)], crs=settings.STORE_CRS)
    return rasterize_mask(bbox, grid)


def edge_distance_m(coverage: BoolArray, grid: Grid) -> FloatArray:
    """For cells inside ``coverage``, the distance (m) to the nearest cell outside it.

    ``inf`` everywhere when coverage is the whole grid (nothing lies outside).
    """
    if coverage.all():
        return np.full(grid.shape, np.inf, dtype=np.float32)
    dist: FloatArray = ndimage.distance_transform_edt(coverage, sampling=grid.resolution_m).astype(
        np.float32
    )
    return dist


def distance_raster(features: gpd.GeoSeries, grid: Grid, coverage: BoolArray) -> FloatArray:
    """Straight-line distance (m) from each cell centre to the nearest feature cell.

    Features are burnt with ``all_touched`` (lines and points hit the cells they touch);
    the error is at most half a cell diagonal. Features outside the grid are not seen,
    so the grid must contain them (it does: it holds the OSM extract and the canal).
    NaN outside ``coverage``, and everywhere if there is no feature.
    """
    feat = rasterize_mask(features, grid, all_touched=True)
    if not feat.any():
        return np.full(grid.shape, np.nan, dtype=np.float32)
    dist: FloatArray = ndimage.distance_transform_edt(~feat, sampling=grid.resolution_m).astype(
        np.float32
    )
    dist[~coverage] = np.nan
    return dist


def gaussian_kernel(sigma_cells: float) -> FloatArray:
    """A 2-D Gaussian kernel (sums to 1) truncated at 4 sigma."""
    radius = max(1, math.ceil(4 * sigma_cells))
    r = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-(r**2) / (2 * sigma_cells**2))
    k = np.outer(g, g)
    kernel: FloatArray = (k / k.sum()).astype(np.float32)
    return kernel


def point_counts(points: gpd.GeoSeries, grid: Grid) -> FloatArray:
    """Number of points in each cell (points outside the grid are dropped)."""
    require_crs(gpd.GeoDataFrame(geometry=points), name="points")
    pts = points.to_crs(grid.crs)
    pts = pts[~(pts.is_empty | pts.isna())]
    counts = np.zeros(grid.shape, dtype=np.float32)
    if len(pts) == 0:
        return counts
    left, top, res = grid.transform.c, grid.transform.f, grid.resolution_m
    cols = np.floor((pts.x.to_numpy() - left) / res).astype(np.int64)
    rows = np.floor((top - pts.y.to_numpy()) / res).astype(np.int64)
    ok = (rows >= 0) & (rows < grid.height) & (cols >= 0) & (cols < grid.width)
    np.add.at(counts, (rows[ok], cols[ok]), 1.0)
    return counts


def density_raster(
    points: gpd.GeoSeries, grid: Grid, coverage: BoolArray, bandwidth_m: float
) -> FloatArray:
    """Gaussian kernel density of ``points`` in features per km² (sigma = ``bandwidth_m``).

    Computed by FFT convolution. Edge-corrected: divided by the share of the kernel that
    lies inside ``coverage``; NaN where that share is below one half or outside coverage.
    """
    sigma_cells = bandwidth_m / grid.resolution_m
    kernel = gaussian_kernel(sigma_cells)
    counts = point_counts(points, grid)
    counts[~coverage] = 0.0
    smooth = signal.fftconvolve(counts, kernel, mode="same").astype(np.float32)
    if coverage.all():
        share = np.ones(grid.shape, dtype=np.float32)
    else:
        share = signal.fftconvolve(coverage.astype(np.float32), kernel, mode="same")
        share = share.astype(np.float32)
    ok = coverage & (share >= 0.5)
    out = np.full(grid.shape, np.nan, dtype=np.float32)
    # FFT round-off leaves tiny negative values far from any point: clip at 0.
    out[ok] = np.maximum(smooth[ok] / share[ok], 0.0) / np.float32(grid.cell_area_km2)
    return out


def elevation_raster(elevation_tif: Path, grid: Grid) -> FloatArray:
    """Elevation (m) resampled bilinearly from a GeoTIFF (any CRS) onto ``grid``."""
    out = np.full(grid.shape, np.nan, dtype=np.float32)
    try:
        with rasterio.open(elevation_tif) as src:
            if src.crs is None:
                raise InputError(f"{elevation_tif} has no CRS; expected e.g. EPSG:4326")
            rasterio.warp.reproject(
                source=rasterio.band(src, 1),
                destination=out,
                dst_transform=grid.transform,
                dst_crs=grid.crs,
                dst_nodata=np.nan,
                resampling=Resampling.bilinear,
            )
    except rasterio.errors.RasterioIOError as err:
        raise InputError(f"cannot read the elevation raster {elevation_tif}: {err}") from err
    return out


def select_features(
    layers: Mapping[str, gpd.GeoDataFrame], sources: Sequence[Source]
) -> gpd.GeoSeries:
    """Geometries of every source (EPSG:32647), each filtered on its column values."""
    parts: list[gpd.GeoSeries] = []
    for s in sources:
        if s.layer not in layers:
            raise InputError(f"layer {s.layer!r} is needed but was not given")
        gdf = layers[s.layer]
        require_crs(gdf, name=f"layer {s.layer}")
        if s.column is not None:
            if s.column not in gdf.columns:
                raise InputError(f"layer {s.layer!r} has no column {s.column!r}")
            gdf = gdf[gdf[s.column].astype(str).isin(s.values)]
        parts.append(to_metric(gdf.geometry, name=f"layer {s.layer}"))
    if not parts:
        return gpd.GeoSeries([], crs=settings.METRIC_CRS)
    return gpd.GeoSeries(pd.concat(parts, ignore_index=True), crs=settings.METRIC_CRS)


def intersection_points(roads: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Road intersections: graph nodes where three or more edges meet (from ``u``/``v``).

    The node position is taken from the edge end that carries it (``u`` = first vertex,
    ``v`` = last vertex of the edge's LineString).
    """
    require_crs(roads, name="roads")
    if len(roads) == 0:
        return gpd.GeoSeries([], crs=roads.crs)
    degree = pd.concat([roads["u"], roads["v"]]).value_counts()
    junctions = set(degree[degree >= 3].index)
    coords = roads.geometry.get_coordinates(index_parts=False)
    first = coords.groupby(level=0).head(1)
    last = coords.groupby(level=0).tail(1)
    u = pd.DataFrame(
        {"node": roads["u"].to_numpy(), "x": first["x"].to_numpy(), "y": first["y"].to_numpy()}
    )
    v = pd.DataFrame(
        {"node": roads["v"].to_numpy(), "x": last["x"].to_numpy(), "y": last["y"].to_numpy()}
    )
    nodes = pd.concat([u, v]).drop_duplicates("node")
    nodes = nodes[nodes["node"].isin(junctions)]
    return gpd.GeoSeries(gpd.points_from_xy(nodes["x"], nodes["y"]), crs=roads.crs)


# --------------------------------------------------------------------------- the stack


@dataclass(frozen=True)
class CriteriaStack:
    """Raw criteria on the cells of the extent, ready to be normalised and weighted.

    Attributes
    ----------
    grid
        The grid (EPSG:32647).
    ids
        Criterion ids, in the order of the rows of ``raw``.
    cell_index
        Flat indices (row-major) of the grid cells inside the extent; only those are kept.
    raw
        Raw values, shape (criteria, cells), float32, NaN = no data.
    edge_m
        Distance (m) from each cell inside the OSM extract to the extract's edge (0
        outside it, where the OSM-based rows are NaN anyway).
    """

    grid: Grid
    ids: tuple[str, ...]
    cell_index: IntArray
    raw: FloatArray
    edge_m: FloatArray

    @property
    def n_cells(self) -> int:
        """Number of cells inside the extent."""
        return int(self.cell_index.size)

    def row(self, criterion_id: str) -> FloatArray:
        """Raw values of one criterion (cells inside the extent)."""
        row: FloatArray = self.raw[self.ids.index(criterion_id)]
        return row

    def to_grid(self, values: npt.NDArray[np.floating], fill: float = np.nan) -> FloatArray:
        """Scatter per-cell ``values`` back onto the 2-D grid, ``fill`` elsewhere."""
        out = np.full(self.grid.height * self.grid.width, fill, dtype=np.float32)
        out[self.cell_index] = values
        return out.reshape(self.grid.shape)


def build_raw_raster(
    criterion: Criterion,
    grid: Grid,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    elevation_tif: Path | None,
    coverages: Mapping[Coverage, BoolArray],
) -> FloatArray:
    """The raw raster of one criterion on ``grid`` (NaN = no data)."""
    cov = coverages[criterion.coverage]
    if criterion.method == "elevation":
        if elevation_tif is None:
            raise InputError(f"criterion {criterion.id} needs the elevation GeoTIFF")
        out = elevation_raster(elevation_tif, grid)
        out[~cov] = np.nan
        return out
    if criterion.method == "inside":
        feats = select_features(layers, criterion.sources)
        return rasterize_mask(feats, grid).astype(np.float32)
    if criterion.method == "density" and any(s.layer == "roads" for s in criterion.sources):
        pts = intersection_points(layers["roads"])
    else:
        pts = select_features(layers, criterion.sources)
    if criterion.method == "distance":
        return distance_raster(pts, grid, cov)
    assert criterion.bandwidth_m is not None  # checked by the spec parser
    return density_raster(pts, grid, cov, criterion.bandwidth_m)


def build_stack(
    criteria: Sequence[Criterion],
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    extent: gpd.GeoDataFrame,
    resolution_m: float,
    elevation_tif: Path | None = None,
) -> CriteriaStack:
    """Build every criterion's raw raster on the grid of ``extent``.

    Parameters
    ----------
    criteria
        The criteria, e.g. ``load_spec().criteria``.
    layers
        Layers by id (any CRS, typically EPSG:4326 from `cmgis.data.layers.load_layer`).
    extent
        Polygons whose cells are kept (the Mueang tambons); any CRS.
    resolution_m
        Cell size in metres.
    elevation_tif
        The elevation GeoTIFF, for criteria with method ``elevation``.
    """
    grid = grid_for_extent(extent, resolution_m)
    domain = rasterize_mask(extent.geometry, grid)
    cell_index = np.flatnonzero(domain.ravel()).astype(np.int64)
    coverages: dict[Coverage, BoolArray] = {
        "full": coverage_mask("full", grid),
        "osm_extract": coverage_mask("osm_extract", grid),
    }
    edge = edge_distance_m(coverages["osm_extract"], grid).ravel()[cell_index]
    raw = np.empty((len(criteria), cell_index.size), dtype=np.float32)
    for i, crit in enumerate(criteria):
        r = build_raw_raster(crit, grid, layers, elevation_tif=elevation_tif, coverages=coverages)
        raw[i] = r.ravel()[cell_index]
    return CriteriaStack(grid, tuple(c.id for c in criteria), cell_index, raw, edge)


# --------------------------------------------------------------------------- normalisation


def resolve_bounds(criterion: Criterion, values: FloatArray) -> tuple[float, float]:
    """Numeric (low, high) of a criterion's normalisation; percentiles taken over ``values``.

    For a threshold, ``high`` equals ``low``.
    """
    n = criterion.normalisation
    finite = values[np.isfinite(values)]

    def one(b: float | str | None) -> float:
        if b is None:
            return float("nan")
        if isinstance(b, str):
            if finite.size == 0:
                return float("nan")
            return float(np.percentile(finite, float(b[1:])))
        return float(b)

    low = one(n.low)
    high = low if n.kind == "threshold" else one(n.high)
    return low, high


def score(
    values: npt.NDArray[np.floating], kind: NormKind, direction: Direction, low: float, high: float
) -> FloatArray:
    """Normalised 0–1 scores of raw ``values`` (NaN stays NaN).

    ``linear``: 0 at ``low``, 1 at ``high`` (benefit), reversed for cost, clipped.
    ``sigmoid``: cos²((1 − t)·π/2) with t the linear position, a smooth S from 0 to 1.
    ``threshold``: 1 where value ≥ ``low`` (benefit) or ≤ ``low`` (cost), else 0.
    """
    v = np.asarray(values, dtype=np.float32)
    if kind == "threshold":
        hit = v >= low if direction == "benefit" else v <= low
        out = hit.astype(np.float32)
        out[np.isnan(v)] = np.nan
        return out
    span = high - low
    if not span > 0:  # percentile bounds can collapse on a constant criterion
        t = np.where(v >= high, np.float32(1.0), np.float32(0.0)).astype(np.float32)
        t[np.isnan(v)] = np.nan
    else:
        t = np.clip((v - np.float32(low)) / np.float32(span), 0.0, 1.0).astype(np.float32)
    if kind == "sigmoid":
        t = (np.cos((1.0 - t) * (np.pi / 2)) ** 2).astype(np.float32)
    if direction == "cost":
        t = (1.0 - t).astype(np.float32)
    return t


def normalise(
    criterion: Criterion, raw: FloatArray, edge_m: FloatArray
) -> tuple[FloatArray, tuple[float, float]]:
    """Normalised scores of one criterion and the numeric bounds used.

    For a distance on the OSM extract, the true distance of a cell whose nearest feature
    is farther than the extract's edge lies between the edge distance and the measured
    one (a feature may sit just outside the box). The score is kept only where both ends
    give the same score (e.g. both beyond the cost bound), else the cell is NaN.
    """
    low, high = resolve_bounds(criterion, raw)
    kind, direction = criterion.normalisation.kind, criterion.direction
    s = score(raw, kind, direction, low, high)
    if criterion.method == "distance" and criterion.coverage == "osm_extract":
        unsure = raw > edge_m
        if unsure.any():
            s_edge = score(edge_m[unsure], kind, direction, low, high)
            s[unsure] = np.where(np.abs(s_edge - s[unsure]) < 1e-6, s[unsure], np.nan)
    return s, (low, high)


@dataclass(frozen=True)
class NormalisedStack:
    """Normalised criteria, ready for a weighted sum.

    Attributes
    ----------
    stack
        The raw stack they come from.
    scores
        Shape (criteria, cells) float32, 0–1, with 0 where there is no data.
    nodata_bits
        Per cell, bit ``i`` set when criterion ``i`` has no data there.
    bounds
        Numeric (low, high) used for each criterion.
    """

    stack: CriteriaStack
    scores: FloatArray
    nodata_bits: npt.NDArray[np.uint32]
    bounds: tuple[tuple[float, float], ...]

    @property
    def ids(self) -> tuple[str, ...]:
        """Criterion ids in row order."""
        return self.stack.ids

    def coverage_share(self, criterion_id: str) -> float:
        """Share (0–1) of the extent's cells where the criterion has data."""
        bit = np.uint32(1 << self.ids.index(criterion_id))
        return float(np.count_nonzero((self.nodata_bits & bit) == 0) / max(1, self.stack.n_cells))


def normalise_stack(stack: CriteriaStack, criteria: Sequence[Criterion]) -> NormalisedStack:
    """Normalise every row of ``stack`` with its criterion's curve (float32, NaN → 0 + bit)."""
    by_id = {c.id: c for c in criteria}
    missing = [i for i in stack.ids if i not in by_id]
    if missing:
        raise InputError(f"no criterion definition for {', '.join(missing)}")
    scores = np.empty_like(stack.raw)
    bits = np.zeros(stack.n_cells, dtype=np.uint32)
    bounds = []
    for i, cid in enumerate(stack.ids):
        s, b = normalise(by_id[cid], stack.raw[i], stack.edge_m)
        bad = np.isnan(s)
        s[bad] = 0.0
        scores[i] = s
        bits[bad] |= np.uint32(1 << i)
        bounds.append(b)
    return NormalisedStack(stack, scores, bits, tuple(bounds))
