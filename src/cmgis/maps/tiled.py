"""Big imported layers on the web map: vector tiles drawn by protomaps-leaflet, with popups.

The layer's PMTiles file (`cmgis.imports.tiles`) is read by the vendored
protomaps-leaflet plugin (``static/vendor/protomaps-leaflet-5.1.0``) a few tiles at a
time, so the map HTML stays small whatever the layer's size. A click asks the plugin for
the features under the pointer and opens a popup listing their attributes; the popup is
built from DOM text nodes, so markup in the data is shown literally, never run.
"""

from __future__ import annotations

import json
from typing import Any, Final

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from cmgis.i18n import t
from cmgis.map_text import escape_map_text
from cmgis.maps.assets import DEFAULT_ASSET_BASE_URL
from cmgis.maps.legend import LegendItem, LegendSection, style_swatch
from cmgis.maps.styles import LayerStyle
from cmgis.maps.webmap import Overlay
from cmgis.user_layers.records import UserLayer

#: The vendored plugin, relative to the asset base URL (``static/vendor``).
PROTOMAPS_JS: Final = "protomaps-leaflet-5.1.0/protomaps-leaflet.js"


class TiledLayer(JSCSSMixin, MacroElement):
    """A protomaps-leaflet layer of one PMTiles file with click popups (folium element)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var cfg = {{ this.config_json }};
            var symbolizer;
            if (cfg.kind === "point") {
                symbolizer = new protomapsL.CircleSymbolizer({radius: cfg.radius,
                    fill: cfg.fill, stroke: cfg.color, width: cfg.weight});
            } else if (cfg.kind === "line") {
                symbolizer = new protomapsL.LineSymbolizer({color: cfg.color,
                    width: cfg.weight});
            } else {
                symbolizer = new protomapsL.PolygonSymbolizer({fill: cfg.fill,
                    opacity: cfg.fillOpacity, stroke: cfg.color, width: cfg.weight});
            }
            var layer = protomapsL.leafletLayer({url: cfg.url, maxDataZoom: cfg.maxZoom,
                attribution: cfg.attribution,
                paintRules: [{dataLayer: cfg.tileLayer, symbolizer: symbolizer}]});
            layer.addTo(map);
            window.cmgisTiledLayers = window.cmgisTiledLayers || [];
            window.cmgisTiledLayers.push(layer);
            map.on("click", function (e) {
                var found = layer.queryTileFeaturesDebug(e.latlng.lng, e.latlng.lat, 8);
                var picked = [];
                found.forEach(function (list) {
                    list.forEach(function (f) {
                        if (f.layerName === cfg.tileLayer) { picked.push(f.feature.props); }
                    });
                });
                if (!picked.length) { return; }
                var box = document.createElement("div");
                box.className = "cmgis-tiled-popup";
                var title = document.createElement("b");
                title.textContent = cfg.title;
                box.appendChild(title);
                var table = document.createElement("table");
                Object.keys(picked[0]).slice(0, cfg.maxAttributes).forEach(function (k) {
                    var row = table.insertRow();
                    var th = document.createElement("th");
                    th.textContent = k;
                    row.appendChild(th);
                    row.insertCell().textContent = String(picked[0][k]);
                });
                box.appendChild(table);
                var source = document.createElement("i");
                source.textContent = cfg.source;
                box.appendChild(source);
                L.popup().setLatLng(e.latlng).setContent(box).openOn(map);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, config: dict[str, Any], *, asset_base_url: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TiledLayer"
        self.config_json = json.dumps(config, ensure_ascii=True)
        self.default_js = [("protomaps_leaflet", f"{asset_base_url.rstrip('/')}/{PROTOMAPS_JS}")]


def tiled_overlay(
    record: UserLayer,
    url: str,
    style: LayerStyle,
    *,
    lang: str,
    max_zoom: int,
    tile_layer: str,
    asset_base_url: str = DEFAULT_ASSET_BASE_URL,
) -> Overlay:
    """An imported layer drawn from its PMTiles file at ``url``, with popups and a legend row.

    The title and source are put into the page as JSON strings and shown with
    ``textContent`` (literally); the legend row is escaped like every other.
    """
    prov = record.provenance
    config = {
        "url": url,
        "kind": style.kind,
        "color": style.color,
        "fill": style.fill_color or style.color,
        "fillOpacity": style.fill_opacity,
        "weight": style.weight,
        "radius": style.radius_px,
        "maxZoom": max_zoom,
        "tileLayer": tile_layer,
        "title": record.name,
        "source": t("imports.popup_source", lang, source=prov.source or prov.credit),
        "attribution": escape_map_text(prov.source or prov.credit),
        "maxAttributes": 12,
    }
    legend = LegendSection(
        t("user_layers.legend_title", lang),
        (LegendItem(style_swatch(style), record.name),),
    )
    return Overlay(TiledLayer(config, asset_base_url=asset_base_url), legend)
