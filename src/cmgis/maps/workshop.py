"""Folium maps of a workshop: the drawing map for groups and the facilitator's live map.

No streamlit here. Input frames come from `cmgis.workshop.contributions_frame` (EPSG:4326).
Every text a participant typed (titles, comments, group names) goes through
`cmgis.map_text.escape_map_text` before it reaches a tooltip, popup, legend or layer name.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Final

import folium
import folium.plugins
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from cmgis import settings
from cmgis.i18n import t
from cmgis.map_text import escape_map_text
from cmgis.maps.contribution_layer import ContributionLayer
from cmgis.maps.draw import draw_control
from cmgis.maps.inplace import MapParts, build_map_parts
from cmgis.maps.legend import LegendItem, LegendSection, swatch_svg
from cmgis.maps.webmap import Overlay, WebLayer, feature_collection

#: Colour of each contribution category on every workshop map.
CATEGORY_COLORS: Final[dict[str, str]] = {
    "asset": "#1b9e77",
    "problem": "#d95f02",
    "opportunity": "#7570b3",
    "project": "#e7298a",
    "connection": "#1f78b4",
}
#: Centre of the maps: the middle of the Chiang Mai area (lat, lon).
CENTER_LATLON: Final = (
    (settings.AREA_BOUNDS_LONLAT[1] + settings.AREA_BOUNDS_LONLAT[3]) / 2,
    (settings.AREA_BOUNDS_LONLAT[0] + settings.AREA_BOUNDS_LONLAT[2]) / 2,
)
OSM_TILES: Final = "OpenStreetMap"
#: The heat map is drawn only from this many points on: below it a few blurred dots would
#: say nothing, and one point must stay a visible marker.
MIN_HEAT_POINTS: Final = 5
#: Map controls big enough for a finger (30 px buttons drawn 1.5 times: 45 px), inside the
#: map's own page; zoom keeps the icons' sprite positions right.
#: While a shape is being drawn, the shapes already on the map let taps and clicks through
#: to the map (`DRAWING_JS` marks the map): a point goes where it is tapped, not onto the
#: centre of a contribution under the finger, and no popup opens instead of the point.
TOUCH_CSS: Final = """<style>
.leaflet-touch .leaflet-draw-section, .leaflet-touch .leaflet-control-zoom { zoom: 1.5; }
.cmgis-drawing path.leaflet-interactive { pointer-events: none; }
</style>"""
#: Marks the map (class ``cmgis-drawing``) from Leaflet.draw's start of a shape to its end,
#: and gives each drawn shape a property ``drawn`` of its own (before streamlit-folium,
#: whose handler comes later, reads it): the page tells a new shape from one it has seen
#: even when a point is tapped onto the very spot of an earlier one, and streamlit-folium
#: (which sends only answers that differ from the last) sends it.
DRAWING_JS: Final = """
(function (map) {
  var box = map.getContainer();
  map.on("draw:drawstart", function () { box.classList.add("cmgis-drawing"); });
  map.on("draw:drawstop", function () { box.classList.remove("cmgis-drawing"); });
  map.on("draw:created", function (e) {
    var feature = e.layer.feature = e.layer.feature || {type: "Feature", properties: {}};
    feature.properties = feature.properties || {};
    feature.properties.drawn = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  });
})({{ this._parent.get_name() }});
"""
#: Run with the drawing map's layer group: takes the drawn shapes off the map once per
#: ``token`` (the page's count of saves), so a saved shape makes way for the contribution
#: while the map stays (a shape drawn meanwhile stays while the token does).
CLEAR_DRAWN_JS: Final = """
(function (token) {
  if (window.cmgisClearedFor === token) { return; }
  window.cmgisClearedFor = token;
  if (window.drawnItems && window.drawnItems.clearLayers) { window.drawnItems.clearLayers(); }
})({{ this.token|tojson }});
"""
#: Script run with the map (streamlit-folium runs the map's children's scripts only):
#: on a phone or tablet the legend starts folded and sits in the bottom right corner, so it
#: does not cover the map controls down the left side;
#: Leaflet.draw 1.0.4 misreads the mouse events a browser makes from a tap (with Leaflet
#: 1.9 the second tap of a line or polygon ended the shape): a tap on the map adds the
#: vertex itself, a tap on the last (line) or first (polygon) vertex finishes the shape.
TOUCH_JS: Final = """
setTimeout(function () {
  if (window.innerWidth < 1000) {
    document.querySelectorAll("details.cmgis-legend").forEach(function (d) {
      d.open = false;  // and in the bottom right corner: the left column of tools is long
      var control = d.closest(".cmgis-legend-control"), map = d.closest(".leaflet-container");
      var corner = map && map.querySelector(".leaflet-bottom.leaflet-right");
      if (control && corner) { corner.insertBefore(control, corner.firstChild); }
    });
  }
}, 0);
if (L.Draw && L.Draw.Polyline && !L.Draw.Polyline.prototype._cmgisTouch) {
  var addHooks = L.Draw.Polyline.prototype.addHooks;
  var removeHooks = L.Draw.Polyline.prototype.removeHooks;
  L.Draw.Polyline.prototype._cmgisTouch = true;
  L.Draw.Polyline.prototype._onTouch = function () {};  // taps are handled below
  L.Draw.Polyline.prototype.addHooks = function () {
    addHooks.call(this);
    var handler = this, map = this._map, box = map.getContainer(), start = null;
    this._cmgisStart = function (e) {
      start = e.touches.length === 1 ? [e.touches[0].clientX, e.touches[0].clientY] : null;
    };
    this._cmgisEnd = function (e) {
      var t = e.changedTouches[0];
      if (!start || !handler._markers || e.target.closest(".leaflet-control")) { return; }
      if (Math.abs(t.clientX - start[0]) + Math.abs(t.clientY - start[1]) > 10) { return; }
      e.preventDefault();  // a tap: no mouse events for Leaflet.draw to misread
      var latlng = map.mouseEventToLatLng(t), markers = handler._markers;
      var end = markers.length && (handler.type === L.Draw.Polygon.TYPE ? markers[0]
        : markers[markers.length - 1]);
      var near = end && map.latLngToContainerPoint(end.getLatLng())
        .distanceTo(map.mouseEventToContainerPoint(t)) < 20;
      if (near && markers.length >= (handler.type === L.Draw.Polygon.TYPE ? 3 : 2)) {
        handler._finishShape();
      } else if (!near) {
        handler.addVertex(latlng);
      }
    };
    box.addEventListener("touchstart", this._cmgisStart, true);
    box.addEventListener("touchend", this._cmgisEnd, true);
  };
  L.Draw.Polyline.prototype.removeHooks = function () {
    var box = this._map && this._map.getContainer();
    if (box && this._cmgisEnd) {
      box.removeEventListener("touchstart", this._cmgisStart, true);
      box.removeEventListener("touchend", this._cmgisEnd, true);
    }
    removeHooks.call(this);
  };
}
"""


class _TouchScript(MacroElement):
    """`TOUCH_JS` and `DRAWING_JS` as a child of the map, so streamlit-folium runs them."""

    _template = Template(
        "{% macro script(this, kwargs) %}" + TOUCH_JS + DRAWING_JS + "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CmgisTouch"


class _ClearDrawn(MacroElement):
    """`CLEAR_DRAWN_JS` as a child of the drawing map's layer group."""

    _template = Template("{% macro script(this, kwargs) %}" + CLEAR_DRAWN_JS + "{% endmacro %}")

    def __init__(self, token: int) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CmgisClearDrawn"
        self.token = int(token)


def _bounds(zones: gpd.GeoDataFrame | None, frame: gpd.GeoDataFrame) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of the zones and the contributions, or ``None``."""
    parts = [g for g in (zones, frame) if g is not None and len(g) and g.geometry.notna().any()]
    if not parts:
        return None
    bounds = [p.to_crs(settings.STORE_CRS).total_bounds for p in parts]
    min_lon = min(b[0] for b in bounds)
    min_lat = min(b[1] for b in bounds)
    max_lon = max(b[2] for b in bounds)
    max_lat = max(b[3] for b in bounds)
    return [[min_lat, min_lon], [max_lat, max_lon]]


def _zones_layers(zones: gpd.GeoDataFrame | None, lang: str) -> list[WebLayer]:
    """The zones as a web layer (simplified like every web layer), dashed grey outlines."""
    if zones is None or zones.empty:
        return []
    fc = feature_collection(zones.to_crs(settings.STORE_CRS), layer_id="zones", lang=lang, detail=2)
    return [WebLayer("zones", t("workshop.map.zones", lang), fc, style_key="workshop_zones")]


def _workshop_base(
    zones: gpd.GeoDataFrame | None,
    *,
    lang: str,
    tiles: str | None,
    zoom_start: int,
    tools: Sequence[Any] = (),
) -> MapParts:
    """A workshop map's stable base (basemap, zones, ``tools`` first among the controls,
    touch controls; fitted to the zones) and its layer group holding the category legend,
    to which contributions are added. The zones are in the base: the group is what every
    refresh sends to every phone and the projector."""
    legend = Overlay(None, category_legend_section(lang, title=t("workshop.map.layer", lang)))
    parts = build_map_parts(
        _zones_layers(zones, lang),
        center=CENTER_LATLON,
        zoom=zoom_start,
        lang=lang,
        credits=[],
        basemap="osm" if tiles else "relief",
        overlays=[legend],
        tools=tools,
        layers_in_base=True,  # the zones stay; the group sent each refresh is small
    )
    bounds = _bounds(zones, zones.iloc[:0]) if zones is not None and len(zones) else None
    if bounds:
        parts.base.fit_bounds(bounds)
    _for_touch(parts.base)
    return parts


def _add_contributions(
    fmap: folium.Map | folium.FeatureGroup,
    frame: gpd.GeoDataFrame,
    lang: str,
    highlight_ids: Collection[str] = (),
) -> None:
    """The contributions with a shape as one compact layer on ``fmap`` (`ContributionLayer`).

    One layer of data, not an element per contribution: a hall's few hundred drawings stay
    one small script that every refresh makes quickly. Titles, groups and comments are
    escaped and travel as data, shown by the tooltip and popup.
    """
    if not len(frame) or not (frame.geometry.notna() & ~frame.geometry.is_empty).any():
        return
    ContributionLayer(frame, colors=CATEGORY_COLORS, lang=lang, highlight_ids=highlight_ids).add_to(
        fmap
    )


def contributions_layer(
    frame: gpd.GeoDataFrame, *, lang: str = "en", name: str | None = None
) -> folium.FeatureGroup:
    """A workshop's contributions as one layer for any folium map (e.g. the Map page).

    Styled by category (`CATEGORY_COLORS`), with escaped tooltips and popups; ``frame``
    comes from `cmgis.workshop.contributions_frame` (EPSG:4326).
    """
    group = folium.FeatureGroup(name=escape_map_text(name or t("workshop.map.layer", lang)))
    _add_contributions(group, frame, lang)
    return group


def category_legend_section(lang: str, *, title: str = "") -> LegendSection:
    """Legend rows of the contribution categories (`CATEGORY_COLORS`)."""
    items = tuple(
        LegendItem(
            swatch_svg("point", stroke=color, fill=color, fill_opacity=0.8),
            t(f"workshop.category.{cat}", lang),
        )
        for cat, color in CATEGORY_COLORS.items()
    )
    return LegendSection(title, items)


def contributions_overlay(frame: gpd.GeoDataFrame, *, lang: str) -> Overlay:
    """A workshop's contributions as an overlay of the map builder, with its legend."""
    title = t("workshop.map.layer", lang)
    return Overlay(
        contributions_layer(frame, lang=lang, name=title),
        category_legend_section(lang, title=title),
    )


def _for_touch(fmap: folium.Map) -> None:
    """Finger-sized controls (`TOUCH_CSS`), touch drawing and a folded legend (`TOUCH_JS`)."""
    fmap.get_root().header.add_child(folium.Element(TOUCH_CSS))  # type: ignore[attr-defined]
    _TouchScript().add_to(fmap)


def _draw_tools(lang: str) -> folium.plugins.Draw:
    """Leaflet.draw's tools for a group: marker, line, polygon, rectangle; delete."""
    return draw_control(
        lang,
        export=False,
        position="topleft",
        draw_options={
            "polyline": {"shapeOptions": {"color": "#1f78b4"}},
            "polygon": {"allowIntersection": False, "showArea": False},
            "rectangle": {},
            "marker": {},
            "circle": False,
            "circlemarker": False,
        },
        edit_options={"edit": False, "remove": True},
    )


def drawing_map_base(
    *,
    zones: gpd.GeoDataFrame | None = None,
    lang: str = "en",
    tiles: str | None = None,
    zoom_start: int = 14,
) -> MapParts:
    """The map on which a group draws, without the contributions: a stable base
    (basemap, zones, the Leaflet.draw tools, touch controls) and a layer group with the
    category legend, to which `add_drawing_contributions` adds the saved contributions.

    The page keeps the base and swaps only the group on each run, so the browser keeps
    the map: a tool that is on, a half-drawn line and the view survive the contributions
    other groups save meanwhile (a new map would reset them under the finger). The view
    fits the zones.
    """
    return _workshop_base(
        zones, lang=lang, tiles=tiles, zoom_start=zoom_start, tools=[_draw_tools(lang)]
    )


def add_drawing_contributions(
    group: folium.FeatureGroup,
    frame: gpd.GeoDataFrame,
    *,
    lang: str = "en",
    clear_drawn: int | None = None,
) -> None:
    """The saved contributions (coloured by category, popups escaped) added to the layer
    group of `drawing_map_base`; while a shape is drawn they let taps through.

    ``clear_drawn``: a number that changes with each save (e.g. the page's count of
    saves); the browser takes the drawn shapes off the map once per number, and keeps the
    map itself (`CLEAR_DRAWN_JS`).
    """
    _add_contributions(group, frame, lang)
    if clear_drawn is not None:
        _ClearDrawn(clear_drawn).add_to(group)


def drawing_map(
    frame: gpd.GeoDataFrame,
    *,
    zones: gpd.GeoDataFrame | None = None,
    lang: str = "en",
    tiles: str | None = None,
    zoom_start: int = 14,
) -> folium.Map:
    """The drawing map of ``frame`` as one map (`drawing_map_base` with its group added):
    Leaflet.draw tools, the zones and the contributions saved so far.

    Parameters
    ----------
    frame
        Contributions to show (`cmgis.workshop.contributions_frame`), EPSG:4326.
    zones
        Zone polygons (EPSG:4326) drawn as dashed outlines, or ``None``.
    tiles
        A basemap (e.g. `OSM_TILES`) when the network is reachable; ``None`` offline.
    """
    parts = drawing_map_base(zones=zones, lang=lang, tiles=tiles, zoom_start=zoom_start)
    add_drawing_contributions(parts.layers, frame, lang=lang)
    parts.layers.add_to(parts.base)
    return parts.base


def live_map_base(
    *,
    zones: gpd.GeoDataFrame | None = None,
    lang: str = "en",
    tiles: str | None = None,
    zoom_start: int = 13,
) -> MapParts:
    """The facilitator's map without its contributions: a stable base (basemap, controls,
    the heat-map plugin) and a layer group with the zones and the category legend.

    The live view keeps this and adds the contributions of each refresh to a copy of the
    group (`add_live_contributions`): the browser keeps the map (no reload, no flicker)
    and swaps only the group. The view fits the zones.
    """
    parts = _workshop_base(zones, lang=lang, tiles=tiles, zoom_start=zoom_start)
    # the heat map arrives with the fifth point: its script must already be loaded
    heat_js = folium.plugins.HeatMap.default_js
    parts.base.default_js = [*parts.base.default_js, *heat_js]
    return parts


def add_live_contributions(
    group: folium.FeatureGroup,
    frame: gpd.GeoDataFrame,
    *,
    lang: str = "en",
    highlight_ids: Collection[str] = (),
) -> None:
    """The contributions of the live map, added to its layer group (`live_map_base`).

    The heat map (from `MIN_HEAT_POINTS` points on) lies under the markers, so a single
    point stays visible; the ``highlight_ids`` (the newest) are drawn larger with a thick
    outline in their category's colour. There is no layer control to cover the map: the
    legend names the categories.
    """
    points = frame[frame["geom_type"] == "Point"] if len(frame) else frame
    heat = [[float(g.y), float(g.x)] for g in points.geometry]
    if len(heat) >= MIN_HEAT_POINTS:
        folium.plugins.HeatMap(  # type: ignore[no-untyped-call]
            heat, name=escape_map_text(t("workshop.map.heat", lang)), radius=25, min_opacity=0.3
        ).add_to(group)
    _add_contributions(group, frame, lang, highlight_ids)


def live_map(
    frame: gpd.GeoDataFrame,
    *,
    zones: gpd.GeoDataFrame | None = None,
    lang: str = "en",
    tiles: str | None = None,
    zoom_start: int = 13,
    highlight_ids: Collection[str] = (),
) -> MapParts:
    """The facilitator's map of ``frame`` in two parts (`live_map_base` with
    `add_live_contributions`): contributions by category, a heat map of points, zones."""
    parts = live_map_base(zones=zones, lang=lang, tiles=tiles, zoom_start=zoom_start)
    add_live_contributions(parts.layers, frame, lang=lang, highlight_ids=highlight_ids)
    return parts
