"""A web map in two parts, for pages that change its layers in place (the Map page).

`build_map_parts` makes the same map as `cmgis.maps.webmap.build_map`, split in two:

- ``base``: what stays while a reader works: the view it opens at, the basemap (tiles or
  the offline relief), credits, scale, fullscreen and measure controls, the legend's CSS,
  and the scripts its layer group needs beyond Leaflet (marker clustering for the points
  of interest, jQuery for popups), named in the base's script so that a group needing
  other scripts makes a new base (the frame is made again, once) instead of failing;
- ``layers``: one `folium.FeatureGroup` with everything a layer toggle, an indicator or a
  workshop choice changes: the vector layers, the indicator classes, overlays and the
  legend (a `LegendControl` riding on the group, so it comes and goes with it).

A page hands ``base`` to streamlit-folium as the map and ``layers`` as its
``feature_group_to_add``: as long as the base's script is the same, the browser keeps its
map frame and swaps the group (no new frame, no reloaded scripts, no new Leaflet map).
Geometry is EPSG:4326 as everywhere in `cmgis.maps`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import folium.plugins
from branca.element import MacroElement
from jinja2 import Template

from cmgis._errors import InputError
from cmgis.maps.assets import DEFAULT_ASSET_BASE_URL
from cmgis.maps.legend import LegendStyle
from cmgis.maps.webmap import (
    BASEMAPS,
    ChoroplethSpec,
    MeasureLabels,
    Overlay,
    WebLayer,
)

# the one map builder's steps, shared so both builders draw alike
from cmgis.maps.webmap import _add_content as add_content
from cmgis.maps.webmap import _add_controls as add_controls
from cmgis.maps.webmap import _has_popup as has_popup
from cmgis.maps.webmap import _new_map as new_map

_CLUSTER_CLASSES = (folium.plugins.FastMarkerCluster, folium.plugins.MarkerCluster)


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
    selected_zone: str = "",
    streets: bool = True,
    tools: Sequence[Any] = (),
    layers_in_base: bool = False,
) -> MapParts:
    """The Map page's map as a stable base and a group of changing layers.

    Parameters are those of `cmgis.maps.webmap.build_map`, and ``tools``: map controls
    (e.g. a drawing toolbar) put on the base before the map's own controls, so they come
    first in their corner; ``layers_in_base`` puts the ``layers`` on the base too, for maps
    whose layers never change and whose group holds only what does (the workshop maps: the
    zones stay, the contributions change). The relief (layer kind ``relief``) and the
    street basemap with the district labels and the selected district are part of the base:
    they are what the reader orients by. The legend (with the basemap note) is part of the group.
    """
    if basemap not in BASEMAPS:
        raise InputError(f"unknown basemap {basemap!r}; expected one of {BASEMAPS}")
    base = new_map(center=center, zoom=zoom, basemap=basemap, asset_base_url=asset_base_url)
    group = folium.FeatureGroup(name="cmgis-layers", control=False)
    add_content(base, group, layers, lang=lang, basemap=basemap, choropleth=choropleth,
                overlays=overlays, selected_zone=selected_zone, streets=streets,
                layers_to_base=layers_in_base)  # fmt: skip
    LegendStyle().add_to(base)
    for tool in tools:
        tool.add_to(base)
    add_controls(base, credits=credits, lang=lang)
    if lang != "en":
        MeasureLabels(lang).add_to(base)
    _load_group_assets(base, group)
    return MapParts(base, group)


def _load_group_assets(base: folium.Map, group: folium.FeatureGroup) -> None:
    """Let the base load the scripts and styles its layer group needs beyond Leaflet.

    streamlit-folium loads a map's scripts once, when its frame is made; a group swapped
    in later brings none of its own. So the base loads what this group's elements need
    (jQuery for `folium.Popup`, marker clustering, the vector-tile plugin of big imported
    layers, ...) and names it in its script (`AssetNote`): a later group that needs more
    makes a different base, and streamlit-folium a new frame. A map that needs none of
    them (the default layers) loads Leaflet and its plugins only.
    """
    js, css = list(base.default_js), list(base.default_css)
    have = {name for name, _ in js} | {name for name, _ in css}
    names: list[str] = []
    if has_popup(group):
        js += [a for a in folium.Map.default_js if a[0] == "jquery"]
    for element in _elements(group):
        if isinstance(element, _CLUSTER_CLASSES):  # their files are on the class
            js += folium.plugins.MarkerCluster.default_js
            css += folium.plugins.MarkerCluster.default_css
        js += list(getattr(element, "default_js", []))
        css += list(getattr(element, "default_css", []))
    for name, _ in [*js, *css]:
        if name not in have and name not in names:
            names.append(name)
    base.default_js = list(dict.fromkeys(js))
    base.default_css = list(dict.fromkeys(css))
    AssetNote(sorted(names)).add_to(base)


def _elements(element: Any) -> Iterator[Any]:
    yield element
    for child in element._children.values():
        yield from _elements(child)


class AssetNote(MacroElement):
    """A comment in the base's script naming the scripts loaded for its layer group."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        /* cmgis layer-group scripts: {{ this.names|join(" ") or "none" }} */
        {% endmacro %}
        """
    )

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CmgisAssetNote"
        self.names = [str(n) for n in names]
