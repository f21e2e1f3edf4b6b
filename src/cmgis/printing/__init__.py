"""Printing: PDF and PNG maps with shaped Thai text, legend, scale bar, north arrow, credits.

`print_map` takes loaded layers (`cmgis.export.LayerData` and `LayerMeta`) from the caller;
the CLI and the Export page resolve layer ids through `cmgis.sources`
(`cmgis.sources.print_selection`). Print styles (`LayerStyle`, `style_for`) follow the web
map's styles; they are being merged into `cmgis.maps`.
"""

from cmgis.printing.render import (
    PAPER_MM,
    LayerStyle,
    PrintOptions,
    check_options,
    format_date,
    map_extent,
    nice_scale_length_m,
    page_html,
    pdf_to_png,
    print_map,
    style_for,
)

__all__ = [
    "PAPER_MM",
    "LayerStyle",
    "PrintOptions",
    "check_options",
    "format_date",
    "map_extent",
    "nice_scale_length_m",
    "page_html",
    "pdf_to_png",
    "print_map",
    "style_for",
]
