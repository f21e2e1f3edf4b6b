"""Printing: PDF and PNG maps with shaped Thai text, legend, scale bar, north arrow, credits.

`print_map` takes loaded layers (`cmgis.export.LayerData` and `LayerMeta`) from the caller;
the CLI and the Export page resolve layer ids through `cmgis.sources`
(`cmgis.sources.print_selection`). Print styles come from the one style record per
layer in `cmgis.maps.styles` (`style_for` = `cmgis.maps.print_style_for`).
"""

from cmgis.maps.styles import PrintStyle
from cmgis.printing.render import (
    PAPER_MM,
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
    "PrintOptions",
    "PrintStyle",
    "check_options",
    "format_date",
    "map_extent",
    "nice_scale_length_m",
    "page_html",
    "pdf_to_png",
    "print_map",
    "style_for",
]
