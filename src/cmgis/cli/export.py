"""Sub-commands ``cmgis export`` (layers in GIS formats) and ``cmgis print`` (PDF/PNG maps)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cmgis import InputError, export, printing, sources


def register(sub: Any) -> None:
    """Add ``export`` and ``print`` to ``sub`` (an argparse sub-parsers action)."""
    p = sub.add_parser(
        "export",
        help="export layers as GeoPackage, GeoJSON, Shapefile, KML/KMZ, CSV or GeoTIFF",
        description="Export layers with their credits. Formats: "
        + ", ".join(f"{f.key} ({f.label})" for f in export.FORMATS.values())
        + ". Coordinate systems: "
        + ", ".join(f"{c.code} ({c.name_en})" for c in export.CRS_CHOICES.values())
        + ".",
    )
    p.add_argument("--layers", required=True, help="layer ids separated by commas, or 'all'")
    p.add_argument("--format", required=True, dest="fmt", metavar="FMT", help="output format")
    p.add_argument("--crs", default="EPSG:4326", help="EPSG:4326 (default), 32647, 24047, 3857")
    p.add_argument("--output", required=True, type=Path, help="file to write")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("print", help="print a map with legend, scale bar and credits (PDF/PNG)")
    p.add_argument("--layers", default="", help="layer ids separated by commas")
    p.add_argument(
        "--indicator",
        default="",
        help="an indicator drawn as classes: zones:<id> or tambons:<id> (see cmgis indicators)",
    )
    p.add_argument(
        "--scheme",
        default="quantiles",
        help="classes of --indicator: quantiles, natural_breaks or equal_interval",
    )
    p.add_argument("--classes", default=5, type=int, help="number of classes of --indicator, 2-7")
    p.add_argument("--title", required=True, help="map title (Thai or English)")
    p.add_argument("--lang", default="en", help="th or en (labels, layer names, date)")
    p.add_argument("--paper", default="A4", help="A4 or A3")
    p.add_argument("--orientation", default="landscape", help="portrait or landscape")
    p.add_argument("--era", default="ce", help="ce (Gregorian) or be (Buddhist Era) date")
    p.add_argument("--output", required=True, type=Path, help="FILE.pdf or FILE.png")
    p.set_defaults(func=cmd_print)


def cmd_export(args: argparse.Namespace) -> int:
    """Write the chosen layers to ``--output``."""
    path = sources.export_selection(args.layers, fmt=args.fmt, crs=args.crs, output=args.output)
    print(path)
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    """Print the chosen layers to ``--output``."""
    options = printing.check_options(
        title=args.title,
        lang=args.lang,
        paper=args.paper,
        orientation=args.orientation,
        era=args.era,
    )
    if not args.indicator:
        path = sources.print_selection(args.layers, options, args.output)
        print(path)
        return 0
    kind, _, indicator_id = args.indicator.partition(":")
    if kind not in ("zones", "tambons") or not indicator_id:
        raise InputError(f"--indicator {args.indicator!r} should be zones:<id> or tambons:<id>")
    layers = [i for i in args.layers.split(",") if i.strip()]
    path = sources.print_view(
        layers,
        options,
        args.output,
        indicator=(kind, indicator_id),
        scheme=args.scheme,
        k=args.classes,
    )
    print(path)
    return 0
