"""A web map in two parts, for pages that change its layers in place (the Map page).

`build_map_parts` makes the same map as `cmgis.maps.webmap.build_map`, split in two:

- ``base``: what stays while a reader works: the view it opens at, the basemap (tiles or
  the offline relief), credits, scale, fullscreen and measure controls, the legend's CSS,
  and every script any layer may need (Leaflet, marker clustering, jQuery for popups);
- ``layers``: one `folium.FeatureGroup` with everything a layer toggle, an indicator or a
  workshop choice changes: the vector layers, the indicator classes, overlays and the
  legend (a `LegendControl` riding on the group, so it comes and goes with it).

A page hands ``base`` to streamlit-folium as the map and ``layers`` as its
``feature_group_to_add``: as long as the base's script is the same, the browser keeps its
map frame and swaps the group (no new frame, no reloaded scripts, no new Leaflet map).
Geometry is EPSG:4326 as everywhere in `cmgis.maps`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import folium
import folium.plugins

from cmgis._errors import InputError
from cmgis.i18n import t
from cmgis.maps.legend import LegendControl, LegendStyle, legend_html
from cmgis.maps.webmap import (
    BASEMAPS,
    DEFAULT_ASSET_BASE_URL,
    ChoroplethSpec,
    MeasureLabels,
    Overlay,
    WebLayer,
    shown_basemap,
)

# the one map builder's steps, shared so both builders draw alike
from cmgis.maps.webmap import _add_controls as add_controls
from cmgis.maps.webmap import _add_layers as add_layers
from cmgis.maps.webmap import _new_map as new_map

#: Assets (by folium's names) the base loads so that any layer group can be drawn later:
#: jQuery fills `folium.Popup`s (workshop contributions, projects), marker clustering
#: draws the points of interest.
GROUP_ASSETS: tuple[str, ...] = ("jquery",)
_CLUSTER_CLASS = folium.plugins.FastMarkerCluster


@dataclass(frozen=True)
class MapParts:
    """A map whose ``layers`` group can be swapped while its ``base`` stays."""

    base: folium.Map
    layers: folium.FeatureGroup


def build_map_parts(
    layers: Sequence[WebLayer],
    *,
    center: tuple[float, float],
    zoom: int,
    lang: str,
    credits: Sequence[str],
    basemap: str = "relief",
    choropleth: ChoroplethSpec | None = None,
    overlays: Sequence[Overlay] = (),
    asset_base_url: str = DEFAULT_ASSET_BASE_URL,
) -> MapParts:
    """The Map page's map as a stable base and a group of changing layers.

    Parameters are those of `cmgis.maps.webmap.build_map`. The relief (layer kind
    ``relief``) is part of the base: it is the offline basemap. The legend (with the
    basemap note) is part of the group.
    """
    if basemap not in BASEMAPS:
        raise InputError(f"unknown basemap {basemap!r}; expected one of {BASEMAPS}")
    base = new_map(center=center, zoom=zoom, basemap=basemap, asset_base_url=asset_base_url)
    group = folium.FeatureGroup(name="cmgis-layers", control=False)
    sections = add_layers(group, layers, choropleth=choropleth, lang=lang, relief_to=base)
    for overlay in overlays:
        if overlay.element is not None:
            overlay.element.add_to(group)
        if overlay.legend is not None:
            sections.insert(len(sections) - (1 if layers else 0), overlay.legend)
    shown = shown_basemap(basemap, [lyr.layer_id for lyr in layers])
    note = f"{t('map.basemap_label', lang)}: {t(f'map.basemap.{shown}', lang)}"
    summary = t("map.legend.title", lang)
    LegendControl(legend_html(sections, note=note, summary=summary)).add_to(group)
    LegendStyle().add_to(base)
    add_controls(base, credits=credits, lang=lang)
    if lang != "en":
        MeasureLabels(lang).add_to(base)
    _load_group_assets(base)
    return MapParts(base, group)


def _load_group_assets(base: folium.Map) -> None:
    """Let the base load the scripts and styles a later layer group may need.

    streamlit-folium loads a map's scripts once, when its frame is made; a group swapped
    in later can bring none of its own.
    """
    wanted = [a for a in folium.Map.default_js if a[0] in GROUP_ASSETS]
    js = [*base.default_js, *wanted, *_CLUSTER_CLASS.default_js]
    css = [*base.default_css, *_CLUSTER_CLASS.default_css]
    base.default_js = list(dict.fromkeys(js))
    base.default_css = list(dict.fromkeys(css))
