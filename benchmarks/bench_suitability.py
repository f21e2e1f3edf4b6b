"""Benchmark of the suitability model at 10 m over the Mueang Chiang Mai tambons.

Measures, in one run and on the real layers:

- ``rebuild_s``: building every criterion raster from the vector layers (no cache);
- ``recompute_s``: the weighted surface after a weight change (median of 25, presets
  and random weights), the operation a slider move triggers;
- candidate zones and the map overlay (PNG) after a weight change, the rest of a slider move;
- the naive baseline, measured on a random sample of cells and scaled to all cells:
  per-cell shapely distances to the features of every distance criterion plus a per-cell
  Python weighted sum, i.e. what a tool that keeps no precomputed stack redoes on every
  weight change; it also checks that the raster distances agree with shapely's;
- ``peak_mb``: the peak resident memory of the process (``ru_maxrss``), everything included.

Run: ``python benchmarks/bench_suitability.py [--resolution 10] [--sample 1500]``.
The last line is ``cells=<n> recompute_s=<x> naive_recompute_s=<y> rebuild_s=<z> peak_mb=<m>``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import numpy as np
import shapely

from cmgis.data.layers import load_layer
from cmgis.maps.suitability import display_lookup, png_data_url, surface_rgba
from cmgis.suitability.criteria import load_spec, normalise_stack, select_features
from cmgis.suitability.surface import (
    CandidateParams,
    candidate_zones,
    stack_for_spec,
    weighted_surface,
)


def peak_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=float, default=10.0)
    parser.add_argument("--sample", type=int, default=1500, help="cells in the naive sample")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    spec = load_spec()
    base_mb = peak_mb()

    t0 = time.perf_counter()
    stack = stack_for_spec(spec, resolution_m=args.resolution, use_cache=False)
    rebuild_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    nstack = normalise_stack(stack, spec.criteria)
    normalise_s = time.perf_counter() - t0
    n = stack.n_cells
    print(f"grid {stack.grid.width}x{stack.grid.height} at {args.resolution:g} m; {n:,} cells "
          f"inside the tambons; {len(stack.ids)} criteria")  # fmt: skip
    print(f"rebuild from vectors: {rebuild_s:.2f} s; normalisation: {normalise_s:.3f} s")

    # --- recompute after a weight change (the slider path)
    weight_sets = [dict(p.weights) for p in spec.presets]
    weight_sets += [
        {
            cid: float(w)
            for cid, w in zip(stack.ids, rng.uniform(0, 10, len(stack.ids)), strict=True)
        }
        for _ in range(20)
    ]
    times, cand_times, png_times = [], [], []
    lookup = display_lookup(stack)
    for i, w in enumerate(weight_sets):
        t0 = time.perf_counter()
        surface = weighted_surface(nstack, w)
        times.append(time.perf_counter() - t0)
        if i < len(spec.presets):
            t0 = time.perf_counter()
            candidate_zones(surface, CandidateParams(0.10, 0.05))
            cand_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            png_data_url(surface_rgba(surface, lookup))
            png_times.append(time.perf_counter() - t0)
    recompute_s = statistics.median(times)
    print(f"recompute (weighted sum, median of {len(times)}): {recompute_s * 1000:.1f} ms "
          f"(max {max(times) * 1000:.1f} ms)")  # fmt: skip
    print(f"candidate zones (median of {len(cand_times)} presets): "
          f"{statistics.median(cand_times) * 1000:.0f} ms; map overlay PNG: "
          f"{statistics.median(png_times) * 1000:.0f} ms")  # fmt: skip

    # --- naive baseline on a sample of cells, scaled
    layers = {
        name: load_layer(name) for name in ("pois", "landmarks", "coworking", "mae_kha_canal")
    }
    distance_criteria = [c for c in spec.criteria if c.method == "distance"]
    sample = rng.choice(n, size=min(args.sample, n), replace=False)
    flat = stack.cell_index[sample]
    g = stack.grid
    rows, cols = np.divmod(flat, g.width)
    xs = g.transform.c + (cols + 0.5) * g.resolution_m
    ys = g.transform.f - (rows + 0.5) * g.resolution_m
    points = [shapely.Point(x, y) for x, y in zip(xs, ys, strict=True)]
    naive_dist_s = 0.0
    worst_diff_m = 0.0
    for c in distance_criteria:
        feats = list(select_features(layers, c.sources))
        if not feats:
            continue
        t0 = time.perf_counter()
        dists = np.array([min(p.distance(f) for f in feats) for p in points])
        naive_dist_s += time.perf_counter() - t0
        raster = stack.row(c.id)[sample]
        ok = np.isfinite(raster)
        if ok.any():
            worst_diff_m = max(worst_diff_m, float(np.max(np.abs(raster[ok] - dists[ok]))))
    scores = nstack.scores[:, sample].T.tolist()
    w = list(np.linspace(1, 2, len(stack.ids)))
    t0 = time.perf_counter()
    for cell in scores:
        total = 0.0
        for wi, si in zip(w, cell, strict=True):
            total += wi * si
    naive_sum_s = time.perf_counter() - t0
    scale = n / len(sample)
    naive_recompute_s = (naive_dist_s + naive_sum_s) * scale
    print(f"naive per-cell (shapely distances for {len(distance_criteria)} distance criteria + "
          f"Python weighted sum), {len(sample)} cells scaled x{scale:,.0f}: "
          f"{naive_recompute_s:.1f} s")  # fmt: skip
    print(f"raster vs shapely distance on the sample: max difference {worst_diff_m:.2f} m "
          f"(half a cell diagonal is {g.resolution_m * 0.7071:.2f} m)")  # fmt: skip
    print(f"ratio naive/recompute: {naive_recompute_s / recompute_s:,.0f}x faster; "
          f"naive/rebuild: {naive_recompute_s / rebuild_s:,.1f}x faster")  # fmt: skip
    print(f"target recompute <= 0.2 s: {'met' if recompute_s <= 0.2 else 'NOT met'}; "
          f"peak memory <= 1024 MB: {'met' if peak_mb() <= 1024 else 'NOT met'} "
          f"(imports alone: {base_mb:.0f} MB)")  # fmt: skip
    print(f"cells={n} recompute_s={recompute_s:.4f} naive_recompute_s={naive_recompute_s:.1f} "
          f"rebuild_s={rebuild_s:.2f} peak_mb={peak_mb():.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
