"""``cmgis suitability``: list theme presets, or write a suitability surface and candidate zones."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cmgis._errors import InputError


def register(sub: Any) -> None:
    """Add the ``suitability`` sub-command to the CLI's sub-parsers."""
    p = sub.add_parser(
        "suitability",
        help="multi-criteria suitability surface and candidate zones",
        description=(
            "Weight the criteria of data/spec/suitability.toml (a theme preset or a weights "
            "file), write the 0-100 surface as a GeoTIFF (EPSG:32647) and, optionally, the "
            "candidate zones as a GeoPackage (EPSG:4326)."
        ),
    )
    p.add_argument("--list-presets", action="store_true", help="list theme presets and exit")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--preset", metavar="NAME", help="theme preset id (see --list-presets)")
    which.add_argument(
        "--weights", metavar="FILE", type=Path, help="weights file (.toml or .json): id = weight"
    )
    p.add_argument("--output", metavar="FILE.tif", type=Path, help="surface GeoTIFF to write")
    p.add_argument("--candidates", metavar="FILE.gpkg", type=Path, help="candidate zones to write")
    p.add_argument("--resolution", metavar="M", type=float, help="cell size in metres (default 10)")
    p.add_argument(
        "--top-share", type=float, default=0.10, help="share of scored cells kept (default 0.10)"
    )
    p.add_argument(
        "--min-area-km2", type=float, default=0.05, help="smallest candidate zone (default 0.05)"
    )
    p.add_argument("--spec", type=Path, help="another suitability spec (TOML)")
    p.add_argument("--no-cache", action="store_true", help="rebuild the criteria, ignore the cache")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    from cmgis.suitability import surface as su
    from cmgis.suitability.criteria import load_spec, normalise_stack

    spec = load_spec(args.spec)
    if args.list_presets:
        for preset in spec.presets:
            listed = ", ".join(f"{k}={v:g}" for k, v in preset.weights.items() if v > 0)
            print(f"{preset.id}\t{preset.title_en} / {preset.title_th}\t{listed}")
        return 0
    if args.preset is None and args.weights is None:
        raise InputError("give --preset NAME or --weights FILE (or --list-presets)")
    if args.output is None:
        raise InputError("give --output FILE.tif for the surface")
    if args.output.suffix.lower() not in (".tif", ".tiff"):
        raise InputError(f"--output must be a GeoTIFF (.tif), got {args.output.name}")
    if args.candidates is not None and args.candidates.suffix.lower() != ".gpkg":
        raise InputError(f"--candidates must be a GeoPackage (.gpkg), got {args.candidates.name}")
    params = su.CandidateParams(args.top_share, args.min_area_km2)
    params.check()
    ids = [c.id for c in spec.criteria]
    if args.preset is not None:
        preset = spec.preset(args.preset)
        weights = dict(preset.weights)
        title_en, title_th = preset.title_en, preset.title_th
    else:
        weights = su.read_weights_file(args.weights, ids)
        title_en = title_th = args.weights.stem
    stack = su.stack_for_spec(spec, resolution_m=args.resolution, use_cache=not args.no_cache)
    nstack = normalise_stack(stack, spec.criteria)
    surface = su.weighted_surface(nstack, weights)
    su.write_surface(surface, args.output, description=title_en)
    print(
        f"wrote {args.output} ({stack.grid.width}x{stack.grid.height} cells of "
        f"{stack.grid.resolution_m:g} m, EPSG:32647, 0-100, nodata {su.NODATA:g})"
    )
    print(su.gaps_text(surface, spec))
    if args.candidates is not None:
        from cmgis.data.layers import load_layer

        cands = su.candidate_zones(surface, params, districts=load_layer("zones"))
        layer = su.candidates_layer(
            cands,
            title_en=title_en,
            title_th=title_th,
            parameters=su.candidate_parameters(surface, params),
        )
        su.save_candidates(layer, args.candidates)
        print(f"wrote {args.candidates}: {len(layer)} candidate zones (EPSG:4326)")
        for _, row in layer.head(10).iterrows():
            print(
                f"  {row['rank']:>2}  mean {row['mean_score']:6.2f}  "
                f"{row['area_km2']:7.3f} km²  overlaps: {row['overlap_zones']}"
            )
    return 0
