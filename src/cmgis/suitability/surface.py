"""Multi-criteria suitability: weighted surfaces, candidate zones, GeoTIFF/GeoPackage output.

The criteria stack (`cmgis.suitability.criteria`) is built once per resolution and cached on disk; a
change of weights is then one weighted sum over float32 rows (`weighted_surface`), and
candidate zones are the contiguous areas in the top share of the surface
(`candidate_zones`), vectorised, ranked by mean score and compared with the five named
districts. Surfaces are 0–100 on the EPSG:32647 grid; candidate layers are exchanged in
EPSG:4326.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import rasterio
import rasterio.features
from affine import Affine
from scipy import ndimage
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from cmgis import settings
from cmgis._errors import InputError
from cmgis.projection import require_crs
from cmgis.suitability.criteria import (
    CriteriaStack,
    Criterion,
    FloatArray,
    Grid,
    NormalisedStack,
    Spec,
    build_stack,
    check_weights,
)

#: Nodata value of the surface GeoTIFF (float32).
NODATA = -9999.0

#: Bump when the cached stack format or the raster builders change.
CACHE_VERSION = 1

#: Name of the layer candidate zones are saved as in a GeoPackage.
CANDIDATE_LAYER = "candidate_zones"


# --------------------------------------------------------------------------- surface


@dataclass(frozen=True)
class Surface:
    """A 0–100 suitability surface on the cells of the extent.

    Attributes
    ----------
    nstack
        The normalised criteria it was computed from.
    values
        Per cell (see ``nstack.stack.cell_index``), float32 0–100, NaN where a weighted
        criterion has no data.
    weights
        Weights used, by criterion id, summing to 1 (criteria left out have 0).
    """

    nstack: NormalisedStack
    values: FloatArray
    weights: Mapping[str, float]

    @property
    def grid(self) -> Grid:
        """The grid (EPSG:32647)."""
        return self.nstack.stack.grid

    def to_grid(self) -> FloatArray:
        """The surface as a 2-D array on the grid (NaN = no data or outside the extent)."""
        return self.nstack.stack.to_grid(self.values)

    @property
    def scored_share(self) -> float:
        """Share (0–1) of the extent's cells that have a score."""
        return float(np.count_nonzero(np.isfinite(self.values)) / max(1, self.values.size))

    def data_gaps(self) -> list[tuple[str, float]]:
        """Weighted criteria lacking data on part of the extent: (id, share without data)."""
        gaps = []
        for cid, w in self.weights.items():
            if w > 0:
                missing = 1.0 - self.nstack.coverage_share(cid)
                if missing > 0:
                    gaps.append((cid, missing))
        return sorted(gaps, key=lambda g: -g[1])


def weight_vector(ids: Sequence[str], weights: Mapping[str, float]) -> npt.NDArray[np.float32]:
    """Weights in stack order, checked and scaled to sum to 1."""
    checked = check_weights(weights, set(ids), what="weights")
    w = np.array([checked.get(i, 0.0) for i in ids], dtype=np.float64)
    scaled: npt.NDArray[np.float32] = (w / w.sum()).astype(np.float32)
    return scaled


def weighted_surface(nstack: NormalisedStack, weights: Mapping[str, float]) -> Surface:
    """Weighted linear combination of the normalised criteria, scaled to 0–100.

    A cell gets a score only where every criterion with a weight above 0 has data; the
    others are NaN (never filled in as 0, which would read as "unsuitable").
    """
    w = weight_vector(nstack.ids, weights)
    values = w @ nstack.scores  # one sgemv over float32 rows: the whole recompute
    values *= np.float32(100.0)
    used = 0
    for i, wi in enumerate(w):
        if wi > 0:
            used |= 1 << i
    if used:
        values[(nstack.nodata_bits & np.uint32(used)) != 0] = np.nan
    np.clip(values, 0.0, 100.0, out=values)
    return Surface(nstack, values, dict(zip(nstack.ids, (float(x) for x in w), strict=True)))


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class CandidateParams:
    """How candidate zones are cut from a surface.

    Attributes
    ----------
    top_share
        Share (0–1, exclusive of 0) of the scored cells kept: those at or above the
        (1 − top_share) quantile.
    min_area_km2
        Contiguous areas (4-connected cells) smaller than this are dropped.
    """

    top_share: float = 0.10
    min_area_km2: float = 0.05

    def check(self) -> None:
        """Raise `InputError` for a share outside (0, 1] or a negative area."""
        if not (math.isfinite(self.top_share) and 0 < self.top_share <= 1):
            raise InputError(f"top share must be above 0 and at most 1, got {self.top_share}")
        if not (math.isfinite(self.min_area_km2) and self.min_area_km2 >= 0):
            raise InputError(f"minimum area must be 0 km² or more, got {self.min_area_km2}")


def top_share_threshold(values: FloatArray, top_share: float) -> float:
    """The score at or above which the best ``top_share`` of the scored cells lie."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise InputError(
            "no cell has data for every weighted criterion: give weight to criteria that "
            "cover the area (e.g. elevation, Mae Kha canal, city tambons)"
        )
    k = max(1, math.ceil(top_share * finite.size))
    return float(np.partition(finite, finite.size - k)[finite.size - k])


def _ranked_polygons(
    labels: npt.NDArray[np.int32], keep: list[int], grid: Grid
) -> dict[int, BaseGeometry]:
    """The polygon of each kept label by its rank (1 = first of ``keep``), in the grid CRS.

    Only the window that holds the kept areas is vectorised (shapes() scans every cell).
    """
    n = int(labels.max())
    rank_of = np.zeros(n + 1, dtype=np.int32)
    for r, lab in enumerate(keep, start=1):
        rank_of[lab] = r
    boxes = ndimage.find_objects(labels)
    r0 = min(boxes[lab - 1][0].start for lab in keep)
    r1 = max(boxes[lab - 1][0].stop for lab in keep)
    c0 = min(boxes[lab - 1][1].start for lab in keep)
    c1 = max(boxes[lab - 1][1].stop for lab in keep)
    ranked = rank_of[labels[r0:r1, c0:c1]]
    window_transform = grid.transform * Affine.translation(c0, r0)
    polys: dict[int, list[BaseGeometry]] = {}
    for geom, value in rasterio.features.shapes(
        ranked, mask=ranked > 0, transform=window_transform, connectivity=4
    ):
        polys.setdefault(int(value), []).append(shape(geom))
    return {r: parts[0] if len(parts) == 1 else unary_union(parts) for r, parts in polys.items()}


def candidate_zones(
    surface: Surface,
    params: CandidateParams | None = None,
    *,
    districts: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Contiguous areas in the top share of ``surface``, vectorised and ranked by mean score.

    Parameters
    ----------
    surface
        The suitability surface.
    params
        Top share and minimum area.
    districts
        The named districts (layer ``zones``, any CRS, column ``zone_id``); if given, each
        candidate gets ``overlap_<zone_id>_km2`` columns and ``overlap_zones``.

    Returns
    -------
    GeoDataFrame
        In EPSG:32647, one row per candidate: ``rank`` (1 = best), ``mean_score``,
        ``max_score`` (0–100), ``area_km2``, ``cells``, and the overlaps.
    """
    params = params or CandidateParams()
    params.check()
    grid = surface.grid
    threshold = top_share_threshold(surface.values, params.top_share)
    selected = np.isfinite(surface.values) & (surface.values >= threshold)
    stack = surface.nstack.stack
    sel_cells = stack.cell_index[selected]  # the top share: a small part of the grid
    mask2d = np.zeros(grid.height * grid.width, dtype=bool)
    mask2d[sel_cells] = True
    labels, n = ndimage.label(mask2d.reshape(grid.shape))  # 4-connected, as shapes() below
    columns = ["rank", "mean_score", "max_score", "area_km2", "cells", "geometry"]
    if n == 0:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=grid.crs)
    sel_labels = labels.ravel()[sel_cells]
    vals = surface.values[selected].astype(np.float64)
    cells = np.bincount(sel_labels, minlength=n + 1)
    sums = np.bincount(sel_labels, weights=vals, minlength=n + 1)
    maxes = np.zeros(n + 1)
    np.maximum.at(maxes, sel_labels, vals)
    min_cells = params.min_area_km2 / grid.cell_area_km2
    keep = [int(lab) for lab in np.flatnonzero(cells[1:] >= min_cells - 1e-9) + 1]
    if not keep:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=grid.crs)
    keep.sort(key=lambda lab: (-sums[lab] / cells[lab], -cells[lab]))
    polys = _ranked_polygons(labels, keep, grid)
    rows = []
    for r, lab in enumerate(keep, start=1):
        geom = polys[r]
        rows.append(
            {
                "rank": r,
                "mean_score": round(float(sums[lab] / cells[lab]), 2),
                "max_score": round(float(maxes[lab]), 2),
                "area_km2": round(float(cells[lab]) * grid.cell_area_km2, 4),
                "cells": int(cells[lab]),
                "geometry": geom,
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=grid.crs)
    if districts is not None:
        gdf = add_district_overlaps(gdf, districts)
    return gdf


def add_district_overlaps(
    candidates: gpd.GeoDataFrame, districts: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Add ``overlap_<zone_id>_km2`` per district and a summary ``overlap_zones`` text."""
    require_crs(districts, name="districts")
    if "zone_id" not in districts.columns:
        raise InputError("the districts layer needs a zone_id column")
    d = districts.to_crs(candidates.crs)
    out = candidates.copy()
    summary: list[list[str]] = [[] for _ in range(len(out))]
    for zone_id, zgeom in zip(d["zone_id"], d.geometry, strict=True):
        km2 = out.geometry.intersection(zgeom).area.to_numpy() / 1e6
        out[f"overlap_{zone_id}_km2"] = np.round(km2, 4)
        for k, a in enumerate(km2):
            if a > 0:
                summary[k].append(f"{zone_id} {a:.3f} km²")
    out["overlap_zones"] = ["; ".join(s) if s else "none" for s in summary]
    return out


def candidate_parameters(
    surface: Surface, params: CandidateParams, **extra: object
) -> dict[str, object]:
    """The ``parameters`` recorded with candidate zones (see `candidates_layer`).

    The surface's weights and cell size (m), the share and minimum area of ``params``,
    and any ``extra`` items (e.g. ``preset="medical_wellness"``).
    """
    return {
        **extra,
        "weights": dict(surface.weights),
        "top_share": params.top_share,
        "min_area_km2": params.min_area_km2,
        "resolution_m": surface.grid.resolution_m,
    }


def candidates_layer(
    candidates: gpd.GeoDataFrame,
    *,
    title_en: str,
    title_th: str,
    parameters: Mapping[str, object],
) -> gpd.GeoDataFrame:
    """Candidate zones as a layer shaped like ``zones`` (EPSG:4326), ready to save.

    Adds ``zone_id`` (``candidate_01`` …), ``name_en``/``name_th``, ``theme_en``/``theme_th``,
    ``method``, ``parameters`` (JSON of weights, share, minimum area, resolution) and
    ``approximate`` = True (a model result, not a surveyed boundary).
    """
    require_crs(candidates, name="candidate zones")
    out = candidates.copy()
    out.insert(0, "zone_id", [f"candidate_{int(r):02d}" for r in out["rank"]])
    out.insert(1, "name_en", [f"Candidate zone {int(r)}" for r in out["rank"]])
    out.insert(2, "name_th", [f"พื้นที่ศักยภาพ {int(r)}" for r in out["rank"]])
    out.insert(3, "theme_en", title_en)
    out.insert(4, "theme_th", title_th)
    out["method"] = (
        "multi-criteria suitability (weighted linear combination of normalised criteria), "
        "contiguous cells in the top share, vectorised from the EPSG:32647 grid"
    )
    out["parameters"] = json.dumps(dict(parameters), ensure_ascii=False, sort_keys=True)
    out["approximate"] = True
    return out.to_crs(settings.STORE_CRS)


def save_candidates(
    layer: gpd.GeoDataFrame, path: Path, *, layer_name: str = CANDIDATE_LAYER
) -> Path:
    """Write a candidate layer to a GeoPackage in EPSG:4326 (overwrites that layer)."""
    require_crs(layer, name="candidate zones")
    if path.suffix.lower() != ".gpkg":
        raise InputError(f"candidate zones are saved as a GeoPackage (.gpkg), got {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    layer.to_crs(settings.STORE_CRS).to_file(
        path, layer=layer_name, driver="GPKG", engine="pyogrio"
    )
    return path


# --------------------------------------------------------------------------- GeoTIFF


def write_surface(surface: Surface, path: Path, *, description: str = "") -> Path:
    """Write the surface as a float32 GeoTIFF (EPSG:32647, nodata −9999, values 0–100)."""
    if path.suffix.lower() not in (".tif", ".tiff"):
        raise InputError(f"the surface is written as a GeoTIFF (.tif), got {path.name}")
    grid = surface.grid
    data = surface.to_grid()
    data = np.where(np.isfinite(data), data, np.float32(NODATA)).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": "float32",
        "crs": grid.crs,
        "transform": grid.transform,
        "nodata": NODATA,
        "compress": "deflate",
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.set_band_description(1, "suitability 0-100")
        dst.update_tags(
            weights=json.dumps(dict(surface.weights), sort_keys=True),
            units="score 0-100 (100 = most suitable)",
            description=description,
            data_gaps=json.dumps(surface.data_gaps()),
        )
    return path


# --------------------------------------------------------------------------- inputs + cache


def cache_dir() -> Path:
    """Where built criteria stacks are cached: ``suitability/`` in `settings.cache_dir`."""
    return settings.cache_dir() / "suitability"


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stack_key(spec: Spec, resolution_m: float, input_files: Sequence[Path]) -> str:
    """Cache key of a stack: builder version, criteria definitions, resolution, input bytes."""
    h = hashlib.sha256()
    h.update(f"v{CACHE_VERSION} res={resolution_m!r} extent={spec.extent_layer}".encode())
    for c in spec.criteria:
        h.update(repr((c.id, c.method, c.sources, c.coverage, c.bandwidth_m)).encode())
    for p in input_files:
        h.update(_file_digest(p).encode() if p.exists() else b"missing")
    return h.hexdigest()[:24]


def save_stack(stack: CriteriaStack, path: Path) -> Path:
    """Write a stack to ``path`` (.npz, uncompressed for fast loading)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    g = stack.grid
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez(
        tmp,
        raw=stack.raw,
        edge_m=stack.edge_m,
        cell_index=stack.cell_index,
        ids=np.array(stack.ids),
        grid=np.array([g.transform.a, g.transform.c, g.transform.f, g.width, g.height]),
        crs=np.array(g.crs),
    )
    tmp.replace(path)
    return path


def load_stack(path: Path) -> CriteriaStack:
    """Read a stack written by `save_stack`."""
    with np.load(path) as z:
        res, left, top, width, height = z["grid"].tolist()
        grid = Grid(str(z["crs"]), Affine(res, 0.0, left, 0.0, -res, top), int(width), int(height))
        return CriteriaStack(
            grid,
            tuple(str(i) for i in z["ids"]),
            z["cell_index"].astype(np.int64),
            z["raw"].astype(np.float32),
            z["edge_m"].astype(np.float32),
        )


def criteria_layers(criteria: Sequence[Criterion]) -> list[str]:
    """Layer ids the criteria read."""
    return sorted({s.layer for c in criteria for s in c.sources})


def stack_for_spec(
    spec: Spec,
    *,
    resolution_m: float | None = None,
    use_cache: bool = True,
    layers_dir: Path | None = None,
) -> CriteriaStack:
    """The raw criteria stack of ``spec`` built from the project's layers (cached on disk).

    Layers come from `cmgis.data.layers.load_layer`, elevation from ``settings.elevation_tif()``.
    """
    from cmgis.data.layers import load_layer

    res = float(resolution_m if resolution_m is not None else spec.resolution_m)
    if not (math.isfinite(res) and 5 <= res <= 1000):
        raise InputError(f"resolution must be between 5 and 1000 m, got {res:g}")
    gpkg = settings.layers_gpkg(layers_dir)
    tif = settings.elevation_tif(layers_dir)
    key = stack_key(spec, res, [gpkg, tif])
    path = cache_dir() / f"stack-{key}.npz"
    if use_cache and path.exists():
        return load_stack(path)
    names = [*criteria_layers(spec.criteria), spec.extent_layer]
    layers = {name: load_layer(name) for name in dict.fromkeys(names)}
    stack = build_stack(
        spec.criteria,
        layers,
        extent=layers[spec.extent_layer],
        resolution_m=res,
        elevation_tif=tif,
    )
    if use_cache:
        save_stack(stack, path)
    return stack


def read_weights_file(path: Path, ids: Sequence[str]) -> dict[str, float]:
    """Weights from a TOML or JSON file: ``{criterion_id = weight, ...}``.

    A TOML file may also put them under a ``[weights]`` table.
    """
    if path.suffix.lower() not in (".toml", ".json"):
        raise InputError(f"weights file must be .toml or .json, got {path.name}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read weights file {path}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise InputError(f"weights file {path} is not UTF-8 text") from err
    data: object
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"weights file {path} is not valid JSON: {err}") from err
    else:
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise InputError(f"weights file {path} is not valid TOML: {err}") from err
    if isinstance(data, dict) and isinstance(data.get("weights"), dict):
        data = data["weights"]
    if not isinstance(data, dict):
        raise InputError(f"weights file {path} must map criterion ids to numbers")
    return check_weights(data, set(ids), what=f"weights file {path.name}")


def gaps_text(surface: Surface, spec: Spec) -> str:
    """One sentence saying which weighted criteria have no data where (English)."""
    gaps = surface.data_gaps()
    if not gaps:
        return "Every weighted criterion has data over the whole extent."
    parts = [f"{spec.criterion(cid).title_en} ({share:.0%} of the extent)" for cid, share in gaps]
    return (
        f"Scored on {surface.scored_share:.0%} of the extent. No data for: "
        + ", ".join(parts)
        + ". POIs, landmarks, coworking spaces and roads come from an OpenStreetMap extract "
        "that covers only 98.936–99.032 E, 18.750–18.830 N; cells outside it are left "
        "unscored, not treated as far from features."
    )


def surface_table(nstack: NormalisedStack, spec: Spec) -> pd.DataFrame:
    """One row per criterion: title, units, direction, normalisation with numbers, coverage."""
    rows = []
    for cid, bounds in zip(nstack.ids, nstack.bounds, strict=True):
        c = spec.criterion(cid)
        rows.append(
            {
                "id": cid,
                "title_en": c.title_en,
                "title_th": c.title_th,
                "units": c.units,
                "direction": c.direction,
                "normalisation": c.normalisation_text(bounds),
                "data_share": round(nstack.coverage_share(cid), 3),
                "definition_en": c.definition_en,
                "definition_th": c.definition_th,
            }
        )
    return pd.DataFrame(rows)


def safe_layer_filename(name: str) -> str:
    """A file name (``.gpkg``) made from a user-typed layer name: letters, digits, ``_-``.

    Letters keep their combining marks (Thai tone marks and vowels above and below are
    marks, not letters); anything else (separators, dots, slashes, bidi controls) is ``_``.
    """
    text = unicodedata.normalize("NFC", name.strip())
    cleaned = "".join(
        ch if unicodedata.category(ch)[0] in "LNM" or ch in "-_" else "_" for ch in text
    )[:60]
    cleaned = cleaned.strip("_") or "candidate_zones"
    return f"{cleaned}.gpkg"


def candidate_indicators(layer: gpd.GeoDataFrame) -> pd.DataFrame:
    """The district indicators (`districts.indicators`) of a candidate layer, with the districts'.

    Returns a table indexed by ``zone_id``: the candidate zones first, then the five named
    districts, so candidates can be compared with them (NaN = no data, e.g. outside the
    OSM extract).
    """
    from cmgis.data.layers import load_layer
    from cmgis.data.network import load_road_graph
    from cmgis.districts.indicators import compute_indicators, load_indicators

    require_crs(layer, name="candidate zones")
    if "zone_id" not in layer.columns:
        raise InputError("the candidate layer needs a zone_id column")
    needed = ("pois", "coworking", "landmarks", "roads", "mae_kha_canal")
    layers = {name: load_layer(name) for name in needed}
    table = compute_indicators(layer, layers, load_road_graph(), key="zone_id")
    districts = load_indicators("zones")
    return pd.concat([table, districts[[c for c in table.columns if c in districts.columns]]])


def weights_toml(weights: Mapping[str, float], *, title: str = "") -> str:
    """Weights as a TOML ``[weights]`` table, readable by `read_weights_file` and the CLI."""
    lines = []
    if title:
        lines.append("# " + " ".join(title.splitlines()))
    lines.append("[weights]")
    lines += [f"{cid} = {float(w):g}" for cid, w in weights.items() if cid.isidentifier()]
    return "\n".join(lines) + "\n"
