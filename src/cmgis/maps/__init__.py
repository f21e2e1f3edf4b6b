"""Web maps of cmgis (folium, no streamlit): one style per layer, one legend, one builder.

- `styles`: the drawing style of every layer (`LAYER_STYLES`, `style_for`), for the web
  map and, through `LayerStyle.print_style`, for the printed map.
- `legend`: legend rows and swatches, rendered in a web map, beside it or on paper.
- `webmap`: offline assets, web simplification, layer GeoJSON, indicator classes and the
  one map builder `build_map`, to which features pass their `Overlay`s.
- `inplace`: the same map split into a stable base and a swappable layer group
  (`build_map_parts`), for the Map page's in-place updates.
- `projects`, `workshop`, `user_layers`, `suitability`: each feature's overlay (and the
  Projects page's map, `projects_map`); `relief`: the shaded-relief image.
- `basemap`: the offline street basemap under every map (roads by class, canal, moat,
  landmarks); `labels`: district, tambon and place names, the selected district;
  `zone_map.district_map`: the Zones page's map of one district.

Map text is escaped with `cmgis.map_text.escape_map_text` everywhere, and rendered map
output is never compiled again as a Jinja template (`literal_render`, installed when
this package is imported).
"""

from cmgis.maps import literal_render as literal_render  # installs on import
from cmgis.maps import webmap
from cmgis.maps.assets import use_local_assets
from cmgis.maps.basemap import StreetBasemap, start_warming, street_basemap
from cmgis.maps.classes import SCHEMES, YLORRD, classify, format_number
from cmgis.maps.inplace import MapParts, build_map_parts
from cmgis.maps.labels import MapLabel, district_labels
from cmgis.maps.legend import (
    LegendItem,
    LegendSection,
    html_swatch,
    legend_html,
    panel_legend_html,
    print_legend_html,
    print_swatch,
    ramp_swatch,
    style_swatch,
    swatch_svg,
)
from cmgis.maps.projects import (
    add_projects_overlay,
    popup_html,
    project_title,
    projects_bounds,
    projects_group,
    projects_legend_html,
    projects_map,
)
from cmgis.maps.relief import hillshade, relief_from_tif, relief_rgba
from cmgis.maps.styles import (
    LAYER_STYLES,
    LayerStyle,
    PrintStyle,
    has_style,
    print_style_for,
    style_for,
)
from cmgis.maps.suitability import (
    DisplayLookup,
    base_map,
    candidates_group,
    display_lookup,
    districts_group,
    png_data_url,
    suitability_legend_html,
    suitability_map,
    surface_layer,
    surface_rgba,
)
from cmgis.maps.tiled import tiled_overlay
from cmgis.maps.user_layers import imported_style, user_layer_overlay
from cmgis.maps.webmap import (
    BASEMAPS,
    DEFAULT_LAYERS,
    ChoroplethSpec,
    CreditsAttribution,
    Overlay,
    WebLayer,
    basemap_text,
    build_map,
    cluster_points,
    detail_for_zoom,
    feature_collection,
    relief_layer,
    shown_basemap,
    simplify_for_web,
)
from cmgis.maps.workshop import (
    CATEGORY_COLORS,
    add_drawing_contributions,
    add_live_contributions,
    contributions_layer,
    contributions_overlay,
    drawing_map,
    drawing_map_base,
    live_map,
    live_map_base,
)
from cmgis.maps.zone_map import district_map

__all__ = [
    "BASEMAPS",
    "CATEGORY_COLORS",
    "DEFAULT_LAYERS",
    "LAYER_STYLES",
    "SCHEMES",
    "YLORRD",
    "ChoroplethSpec",
    "CreditsAttribution",
    "DisplayLookup",
    "LayerStyle",
    "LegendItem",
    "LegendSection",
    "MapLabel",
    "MapParts",
    "Overlay",
    "PrintStyle",
    "StreetBasemap",
    "WebLayer",
    "add_drawing_contributions",
    "add_live_contributions",
    "add_projects_overlay",
    "base_map",
    "basemap_text",
    "build_map",
    "build_map_parts",
    "candidates_group",
    "classify",
    "cluster_points",
    "contributions_layer",
    "contributions_overlay",
    "detail_for_zoom",
    "display_lookup",
    "district_labels",
    "district_map",
    "districts_group",
    "drawing_map",
    "drawing_map_base",
    "feature_collection",
    "format_number",
    "has_style",
    "hillshade",
    "html_swatch",
    "imported_style",
    "legend_html",
    "live_map",
    "live_map_base",
    "panel_legend_html",
    "png_data_url",
    "popup_html",
    "print_legend_html",
    "print_style_for",
    "print_swatch",
    "project_title",
    "projects_bounds",
    "projects_group",
    "projects_legend_html",
    "projects_map",
    "ramp_swatch",
    "relief_from_tif",
    "relief_layer",
    "relief_rgba",
    "shown_basemap",
    "simplify_for_web",
    "start_warming",
    "street_basemap",
    "style_for",
    "style_swatch",
    "suitability_legend_html",
    "suitability_map",
    "surface_layer",
    "surface_rgba",
    "swatch_svg",
    "tiled_overlay",
    "use_local_assets",
    "user_layer_overlay",
    "webmap",
]
