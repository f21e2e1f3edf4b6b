"""Folium web maps from cmgis layers: simplified layers, legends, popups (offline assets:
`cmgis.maps.assets`).

No streamlit here: the UI caches and renders what these functions build. Geometries come
in and go out in EPSG:4326 (lon/lat degrees); simplification tolerances are in metres and
applied in EPSG:32647 through `cmgis.projection`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import folium
import folium.plugins
import folium.utilities
import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from branca.element import MacroElement
from jinja2 import Template

from cmgis._errors import InputError
from cmgis.i18n import pick, strings, t
from cmgis.map_text import escape_map_text
from cmgis.maps.assets import DEFAULT_ASSET_BASE_URL, use_local_assets
from cmgis.maps.basemap import add_street_basemap, street_basemap, streets_legend_section
from cmgis.maps.classes import (
    NO_DATA_COLOR,
    Classification,
    classify,
    format_number,
)
from cmgis.maps.labels import zone_bounds
from cmgis.maps.legend import (
    LegendControl,
    LegendItem,
    LegendSection,
    box_swatch,
    layer_legend_section,
    legend_html,
)
from cmgis.maps.styles import LayerStyle, style_for
from cmgis.projection import to_metric, to_store

# ---------------------------------------------------------------------------------------
# Zoom-suited detail: simplification tolerance and coordinate precision
# ---------------------------------------------------------------------------------------

#: Latitude of Chiang Mai, for ground resolution (degrees).
REFERENCE_LAT_DEG = 18.79
#: Web-Mercator ground resolution at the equator at zoom 0 (metres per 256-px tile pixel).
_EQUATOR_M_PER_PX_Z0 = 156_543.03392
#: Metres per degree of latitude.
_M_PER_DEG = 111_320.0

#: Detail levels of prepared layers, each the highest zoom it is drawn for.
DETAIL_MAX_ZOOM: dict[int, int] = {0: 12, 1: 14, 2: 18}


def ground_resolution_m(zoom: float, *, lat_deg: float = REFERENCE_LAT_DEG) -> float:
    """Metres on the ground per screen pixel of a Web-Mercator map at ``zoom`` and ``lat_deg``."""
    return _EQUATOR_M_PER_PX_Z0 * math.cos(math.radians(lat_deg)) / math.pow(2.0, zoom)


def detail_for_zoom(zoom: float) -> int:
    """Detail level (0 coarse, 1 medium, 2 fine) that suits a map shown at ``zoom``."""
    for level, max_zoom in DETAIL_MAX_ZOOM.items():
        if zoom <= max_zoom:
            return level
    return max(DETAIL_MAX_ZOOM)


def simplify_tolerance_m(detail: int) -> float:
    """Simplification tolerance (m) for a detail level: one pixel at its highest zoom."""
    return ground_resolution_m(DETAIL_MAX_ZOOM[_check_detail(detail)])


def coordinate_decimals(detail: int) -> int:
    """Decimals of lon/lat kept for a detail level: a grid finer than half a pixel."""
    half_px_m = ground_resolution_m(DETAIL_MAX_ZOOM[_check_detail(detail)]) / 2
    return max(4, min(7, math.ceil(math.log10(_M_PER_DEG / half_px_m))))


def _check_detail(detail: int) -> int:
    if detail not in DETAIL_MAX_ZOOM:
        raise InputError(f"detail level must be one of {sorted(DETAIL_MAX_ZOOM)}, got {detail!r}")
    return detail


def simplify_for_web(gdf: gpd.GeoDataFrame, *, detail: int) -> gpd.GeoDataFrame:
    """Simplified copy of ``gdf`` (EPSG:4326 in and out) with rounded coordinates.

    Lines and polygons are simplified in EPSG:32647 with the tolerance of ``detail``
    (topology preserved per geometry); then every coordinate is rounded to
    `coordinate_decimals`. Empty results are dropped. ``gdf`` is not mutated.
    """
    tolerance_m = simplify_tolerance_m(detail)
    decimals = coordinate_decimals(detail)
    out = gdf.copy()
    if not out.empty and not out.geom_type.isin(["Point", "MultiPoint"]).all():
        metric = to_metric(out, name="web layer")
        metric = metric.set_geometry(metric.geometry.simplify(tolerance_m, preserve_topology=True))
        out = to_store(metric, name="web layer")
    out = out.set_geometry(
        shapely.transform(np.asarray(out.geometry.values), lambda xy: np.round(xy, decimals))
    )
    out = out[~out.geometry.is_empty & out.geometry.notna()]
    return out


# ---------------------------------------------------------------------------------------
# Layers: styles, labels, GeoJSON for the browser
# ---------------------------------------------------------------------------------------

#: Layers shown when nobody chose otherwise. Off: the 4,557 POIs (clustered when on; they
#: crowd the district view), the 34k road edges and the small reference points.
DEFAULT_LAYERS: tuple[str, ...] = (
    "zones",
    "tambons",
    "old_city_moat",
    "old_city_walls",
    "old_city_gates",
    "mae_kha_canal",
    "coworking",
    "landmarks",
    "elevation",
)


def _text(value: object) -> str:
    """A data value as display text ('' for None/NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def feature_label(layer_id: str, row: Mapping[str, Any], lang: str) -> str:
    """Plain-text label of one feature in ``lang`` (not escaped; `escape_map_text` is)."""
    name = pick(_text(row.get("name_en")), _text(row.get("name_th")), lang) or _text(
        row.get("name")
    )
    if layer_id == "zones":
        theme = pick(_text(row.get("theme_en")), _text(row.get("theme_th")), lang)
        label = f"{name}: {theme}" if theme else name
        if _truthy(row.get("approximate")):
            label += f" ({t('map.approximate_geometry', lang)})"
        return label
    if layer_id == "pois":
        category = _text(row.get("category"))
        cat_text = t(f"map.poi_category.{category}", lang) if category else ""
        if cat_text.startswith("map.poi_category."):
            cat_text = category
        return f"{name} ({cat_text})" if name and cat_text else name or cat_text
    if layer_id == "projects":
        title = pick(_text(row.get("title_en")), _text(row.get("title_th")), lang)
        label = f"{_text(row.get('code'))} {title}".strip()
        if _truthy(row.get("approximate")):
            label += f" ({t('map.approximate_geometry', lang)})"
        return label
    if layer_id == "landmarks":
        kind = _text(row.get("kind"))
        kind_text = t(f"map.landmark_kind.{kind}", lang) if kind else ""
        if kind_text.startswith("map.landmark_kind."):
            kind_text = kind
        return f"{name} ({kind_text})" if name and kind_text else name or kind_text
    return name


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value) if value is not None and value == value else False


#: Columns kept in the browser's copy of each layer (everything else is dropped).
_KEEP_COLUMNS: dict[str, tuple[str, ...]] = {"zones": ("zone_id",), "tambons": ("tambon_code",)}


def feature_collection(
    gdf: gpd.GeoDataFrame, *, layer_id: str, lang: str, detail: int
) -> dict[str, Any]:
    """GeoJSON FeatureCollection of a layer for the browser, small and labelled.

    Geometry simplified for ``detail`` (see `simplify_for_web`); properties reduced to
    the layer's key column (``zone_id``, ``tambon_code``) and ``label``: the feature's
    name in ``lang``, HTML-escaped.
    """
    keep = [c for c in _KEEP_COLUMNS.get(layer_id, ()) if c in gdf.columns]
    labels = [escape_map_text(feature_label(layer_id, row, lang)) for row in _records(gdf)]
    web = gpd.GeoDataFrame(
        {**{c: gdf[c].astype(str).to_numpy() for c in keep}, "label": labels},
        geometry=gdf.geometry.to_numpy(),
        crs=gdf.crs,
    )
    if layer_id == "roads" and not web.empty:
        # one merged multi-line instead of 34k short edges: far fewer repeated vertices
        merged = shapely.line_merge(shapely.union_all(web.geometry.to_numpy()))
        web = gpd.GeoDataFrame({"label": [""]}, geometry=[merged], crs=gdf.crs)
    if web.geom_type.eq("MultiPoint").any():
        # one marker per point: Leaflet makes a MultiPoint a layer group, which the
        # marker, tooltip and click handlers of the map do not expect
        web = web.explode(index_parts=False).reset_index(drop=True)
    web = simplify_for_web(web, detail=detail)
    data: dict[str, Any] = json.loads(web.to_json(drop_id=True))
    data.pop("bbox", None)
    return data


def _records(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    return list(gdf[cols].to_dict("records"))


def cluster_points(gdf: gpd.GeoDataFrame, *, layer_id: str, lang: str) -> list[list[Any]]:
    """Rows ``[lat, lon, label]`` (label HTML-escaped, lat/lon 6 decimals) for clustering."""
    pts = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    labels = [escape_map_text(feature_label(layer_id, row, lang)) for row in _records(pts)]
    ys, xs = np.round(pts.geometry.y.to_numpy(), 6), np.round(pts.geometry.x.to_numpy(), 6)
    return [[float(y), float(x), lab] for y, x, lab in zip(ys, xs, labels, strict=True)]


# ---------------------------------------------------------------------------------------
# Legend and credits
# ---------------------------------------------------------------------------------------


def choropleth_legend_section(
    classification: Classification, *, title: str, unit: str, lang: str, no_data_count: int
) -> LegendSection:
    """Legend rows for an indicator's classes (with units) and its "no data" swatch."""
    items: list[LegendItem] = []
    for (lo, hi), color in zip(classification.ranges(), classification.colors, strict=True):
        label = f"{format_number(lo)} – {format_number(hi)}"
        items.append(LegendItem(box_swatch(color), f"{label} {unit}".strip()))
    if no_data_count or not items:
        items.append(LegendItem(box_swatch(NO_DATA_COLOR), t("map.no_data", lang)))
    scheme = t(f"map.scheme.{classification.scheme}", lang)
    return LegendSection(f"{title} ({scheme})", tuple(items))


class CreditsAttribution(MacroElement):
    """Adds credit lines (escaped) to a folium map's attribution control.

    Every cmgis map uses it, with or without tiles. The CSS keeps the credits small: with
    folium's bootstrap CSS they would be 16 px and wrap over the bottom of the map.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>
        .leaflet-control-attribution{font-size:10px;line-height:1.3;max-width:70%}
        .leaflet-control-scale-line{font-size:11px}
        </style>{% endmacro %}
        {% macro script(this, kwargs) %}
        {% for line in this.lines %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ line|tojson }});
        {% endfor %}
        {% endmacro %}
        """
    )

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CmgisAttribution"
        self.lines = [escape_map_text(line) for line in lines]


class MetricScale(MacroElement):
    """A metric-only scale bar (Leaflet's default shows miles as well)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CmgisMetricScale"


class MeasureLabels(MacroElement):
    """The measure control's texts in ``lang`` (leaflet-measure bundles no Thai).

    leaflet-measure writes its English texts into the control and its popups as they
    open; an observer on the map's container puts each ``map.measure.*`` text in ``lang``
    (longest first, so "Area measurement" is not read as "Area"), inside the control and
    its result popups only (names and comments on the map are never touched).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var pairs = {{ this.pairs|tojson }};
          var mine = ".leaflet-control-measure, .leaflet-measure-resultpopup";
          function fix(node) {
            var el = node.nodeType === 1 ? node : node.parentElement;
            if (!el) { return; }
            if (!el.closest(mine)) {  // only the control and its popups, never map data
              if (node.nodeType === 1) { node.querySelectorAll(mine).forEach(fix); }
              return;
            }
            if (node.nodeType === 3) {
              var text = node.nodeValue, out = text;
              pairs.forEach(function (p) { out = out.split(p[0]).join(p[1]); });
              if (out !== text) { node.nodeValue = out; }
              return;
            }
            if (node.nodeType !== 1) { return; }
            ["title", "placeholder"].forEach(function (a) {
              var v = node.getAttribute(a);
              if (v) { pairs.forEach(function (p) { v = v.split(p[0]).join(p[1]); });
                       node.setAttribute(a, v); }
            });
            node.childNodes.forEach(fix);
          }
          var root = {{ this._parent.get_name() }}.getContainer();
          fix(root);
          new MutationObserver(function (changes) {
            changes.forEach(function (c) {
              if (c.type === "characterData") { fix(c.target); }
              c.addedNodes.forEach(fix);
            });
          }).observe(root, {childList: true, subtree: true, characterData: true});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CmgisMeasureLabels"
        keys = [k for k in strings() if k.startswith("map.measure.")]
        pairs = [(t(k, "en"), t(k, lang)) for k in keys if t(k, "en") != t(k, lang)]
        self.pairs = sorted(pairs, key=lambda p: len(p[0]), reverse=True)


# ---------------------------------------------------------------------------------------
# The map
# ---------------------------------------------------------------------------------------

Basemap = Literal["relief", "osm", "carto"]
BASEMAPS: tuple[Basemap, ...] = ("relief", "osm", "carto")
_TILES: dict[str, tuple[str, str]] = {
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Map tiles © OpenStreetMap contributors",
    ),
    "carto": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
        "Map tiles © CARTO, data © OpenStreetMap contributors",
    ),
}
MAX_ZOOM = 18
MIN_ZOOM = 10
_LEAN_MAP_ASSETS = frozenset({"leaflet", "leaflet_icon_path", "leaflet_css"})


@dataclass(frozen=True)
class ChoroplethSpec:
    """An indicator drawn as classes over the zones or the tambons.

    ``feature_collection`` holds the areas (with their key column), ``values`` the
    indicator value of each feature in the same order (NaN = no data).
    """

    layer_id: str  # "zones" or "tambons"
    title: str
    unit: str
    feature_collection: dict[str, Any]
    values: tuple[float, ...]
    scheme: str = "quantiles"
    k: int = 5


@dataclass(frozen=True)
class WebLayer:
    """A prepared layer: a GeoJSON FeatureCollection, cluster rows, or a relief image.

    A relief is kept as a ready PNG data URL (``relief_url``, already stretched to Web
    Mercator, see `relief_layer`) so rebuilding the map does not re-encode the image.
    ``style_key`` names its style in `cmgis.maps.styles.LAYER_STYLES` (default: the
    layer id), e.g. ``zones_context`` for the districts drawn quietly under projects.
    """

    layer_id: str
    title: str
    feature_collection: dict[str, Any] | None = None
    cluster_rows: tuple[tuple[float, float, str], ...] | None = None
    relief_url: str | None = None
    relief_bounds: tuple[tuple[float, float], tuple[float, float]] | None = None
    style_key: str = ""

    @property
    def style(self) -> LayerStyle:
        """The layer's drawing style (`InputError` if it has none)."""
        return style_for(self.style_key or self.layer_id)


def relief_layer(
    rgba: npt.NDArray[np.uint8],
    bounds: tuple[tuple[float, float], tuple[float, float]],
    *,
    title: str,
    layer_id: str = "elevation",
) -> WebLayer:
    """A relief image (EPSG:4326 rows, ``((south, west), (north, east))``) as a web layer.

    The rows are resampled to Web-Mercator spacing and encoded as a PNG data URL once.
    """
    (south, _west), (north, _east) = bounds
    projected = folium.utilities.mercator_transform(rgba, (south, north), origin="upper")
    url = folium.utilities.image_to_url(projected, origin="upper")
    return WebLayer(layer_id, title, relief_url=str(url), relief_bounds=bounds)


@dataclass(frozen=True)
class Overlay:
    """A ready folium element made by a feature's map module, with its legend rows.

    For instance a workshop's contributions (`cmgis.maps.workshop.contributions_layer`),
    the projects (`cmgis.maps.projects.projects_overlay`), a saved user layer
    (`cmgis.maps.user_layers.user_layer_overlay`) or a drawing toolbar. Each escapes its
    own text. Overlays are drawn above the prepared layers, in the order given; an overlay
    without an element only adds its legend rows.
    """

    element: Any
    legend: LegendSection | None = None


def build_map(
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
    fit_bounds: Sequence[Sequence[float]] | None = None,
    basemap_note: bool = True,
    selected_zone: str = "",
    streets: bool = True,
) -> folium.Map:
    """The one cmgis web map: layers, overlays, legend, credits, scale, fullscreen, measure.

    Parameters
    ----------
    layers
        Prepared layers in draw order (bottom first); each is drawn as its style
        (`WebLayer.style`) says. Zones carry ``zone_id`` so a click names the zone.
    center
        ``(lat, lon)`` of the initial view (EPSG:4326 degrees).
    zoom
        Initial zoom level.
    lang
        ``"th"`` or ``"en"`` for every label, the legend and the basemap note.
    credits
        Credit lines of the data (from the catalog); always put in the attribution.
    basemap
        ``"relief"`` (no tiles: works offline; the relief layer, if given, is the
        background), ``"osm"`` or ``"carto"`` (online tiles, shown only when reachable).
    choropleth
        An indicator to draw as classes, or ``None``.
    overlays
        Ready folium elements drawn on top (each with its legend section, if any).
    fit_bounds
        ``[[south, west], [north, east]]`` to fit the view to instead of ``zoom``.
    basemap_note
        Whether the legend says which basemap is shown (the Map page, where the relief
        is a layer one can tick); maps without a layer panel leave it out.
    selected_zone
        A district's ``zone_id`` to outline (and keep clear of the legend), or ``""``.
    streets
        Draw the offline street basemap and the district labels (`cmgis.maps.basemap`).
    """
    if basemap not in BASEMAPS:
        raise InputError(f"unknown basemap {basemap!r}; expected one of {BASEMAPS}")
    m = _new_map(center=center, zoom=zoom, basemap=basemap, asset_base_url=asset_base_url)
    _add_content(m, m, layers, lang=lang, basemap=basemap, choropleth=choropleth,
                 overlays=overlays, selected_zone=selected_zone, streets=streets,
                 basemap_note=basemap_note)  # fmt: skip
    _add_controls(m, credits=credits, lang=lang)
    if fit_bounds:
        m.fit_bounds([list(corner) for corner in fit_bounds])
    if lang != "en":
        MeasureLabels(lang).add_to(m)
    if _has_popup(m):
        # folium.Popup fills its content through jQuery's $ (e.g. workshop contributions)
        m.default_js = [*m.default_js, *(a for a in folium.Map.default_js if a[0] == "jquery")]
    return m


def _add_content(
    base: folium.Map,
    target: folium.Map | folium.FeatureGroup,
    layers: Sequence[WebLayer],
    *,
    lang: str,
    basemap: str,
    choropleth: ChoroplethSpec | None,
    overlays: Sequence[Overlay],
    selected_zone: str,
    streets: bool,
    basemap_note: bool = True,
    layers_to_base: bool = False,
) -> None:
    """What `build_map` and the in-place map (`cmgis.maps.inplace`) draw alike.

    The street basemap (with the district labels and the selected district) and a relief
    go to ``base``; the other layers, the overlays and the legend to ``target`` (the map
    itself, or the swappable layer group of an in-place map). With ``layers_to_base`` the
    layers go to ``base`` too (they never change under it) and only the overlays and the
    legend to ``target``.
    """
    street_map = street_basemap(lang) if streets else None
    if street_map is not None:
        with_marks = "landmarks" not in [lyr.layer_id for lyr in layers]
        add_street_basemap(base, street_map, selected_zone=selected_zone, with_landmarks=with_marks)
    sections = _add_layers(
        base if layers_to_base else target, layers, choropleth=choropleth, lang=lang,
        relief_to=base,
    )  # fmt: skip
    for overlay in overlays:
        if overlay.element is not None:
            overlay.element.add_to(target)
        if overlay.legend is not None:
            sections.insert(len(sections) - (1 if layers else 0), overlay.legend)
    shown = shown_basemap(basemap, [lyr.layer_id for lyr in layers])
    note = f"{t('map.basemap_label', lang)}: {basemap_text(shown, lang, streets=streets)}"
    note = note if basemap_note else ""
    if street_map is not None:
        sections.append(streets_legend_section(lang))
    keep_clear = street_map.outlines.get(selected_zone) if street_map and selected_zone else None
    LegendControl(
        legend_html(sections, note=note, summary=t("map.legend.title", lang)),
        keep_clear=zone_bounds(keep_clear) if keep_clear else None,
    ).add_to(target)


def _new_map(
    *, center: tuple[float, float], zoom: int, basemap: str, asset_base_url: str
) -> folium.Map:
    """An empty map with local assets, Leaflet only, and the basemap's tiles (if any)."""
    use_local_assets(asset_base_url)
    m = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        control_scale=False,  # `MetricScale` below: kilometres only, no miles
        prefer_canvas=False,  # SVG: few shapes, and each zone stays a clickable DOM path
        maxZoom=MAX_ZOOM,
        minZoom=MIN_ZOOM,
    )
    # this map uses no icon fonts, awesome-markers, jQuery or Bootstrap: load Leaflet only
    # (the plugins bring their own files), which paints the map sooner
    m.default_js = [a for a in folium.Map.default_js if a[0] in _LEAN_MAP_ASSETS]
    m.default_css = [a for a in folium.Map.default_css if a[0] in _LEAN_MAP_ASSETS]
    MetricScale().add_to(m)
    folium.map.CustomPane(RELIEF_PANE, z_index=150, pointer_events=False).add_to(m)
    if basemap in _TILES:
        url, attr = _TILES[basemap]
        folium.TileLayer(url, attr=escape_map_text(attr), max_zoom=MAX_ZOOM, name=basemap).add_to(m)
    return m


def _add_layers(
    m: folium.Map | folium.FeatureGroup,
    layers: Sequence[WebLayer],
    *,
    choropleth: ChoroplethSpec | None,
    lang: str,
    relief_to: folium.Map | None = None,
) -> list[LegendSection]:
    """Draw the layers (relief first, then the indicator classes, then the rest).

    A relief goes to ``relief_to`` when given (the stable base of an in-place map), the
    rest to ``m``. Returns the legend sections: the indicator's classes (if any) and the
    layers.
    """
    visible: list[tuple[str, str]] = []
    ordered = sorted(layers, key=lambda lyr: lyr.style.kind != "relief")
    classification = None
    for layer in ordered:
        is_relief = layer.style.kind == "relief"
        if choropleth is not None and classification is None and not is_relief:
            classification = _add_choropleth(m, choropleth, lang=lang)
        target = relief_to if is_relief and relief_to is not None else m
        _add_layer(target, layer, lang=lang, dim_zones=choropleth is not None)
        visible.append((layer.style_key or layer.layer_id, layer.title))
    if choropleth is not None and classification is None:
        classification = _add_choropleth(m, choropleth, lang=lang)
    sections = []
    if choropleth is not None and classification is not None:
        no_data = sum(1 for c in classification.classes if c is None)
        sections.append(
            choropleth_legend_section(
                classification,
                title=choropleth.title,
                unit=choropleth.unit,
                lang=lang,
                no_data_count=no_data,
            )
        )
    if visible:
        sections.append(layer_legend_section(visible, lang=lang))
    return sections


def _add_controls(m: folium.Map, *, credits: Sequence[str], lang: str) -> None:
    """Credits, fullscreen button and measuring tool."""
    CreditsAttribution(list(credits)).add_to(m)
    folium.plugins.Fullscreen(  # type: ignore[no-untyped-call]
        title=t("map.fullscreen", lang), title_cancel=t("map.fullscreen_exit", lang)
    ).add_to(m)
    folium.plugins.MeasureControl(  # type: ignore[no-untyped-call]
        position="topleft",
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="sqmeters",
        secondary_area_unit="hectares",
    ).add_to(m)


def _has_popup(element: Any) -> bool:
    """Whether ``element`` or any element under it is a `folium.Popup`."""
    return isinstance(element, folium.Popup) or any(
        _has_popup(child) for child in element._children.values()
    )


def shown_basemap(basemap: str, layer_ids: Sequence[str]) -> str:
    """The basemap the map really shows: ``"none"`` for the relief without its layer.

    The offline relief is drawn from the ``elevation`` layer; unticking that layer leaves
    a plain background, and the caption and legend say so.
    """
    if basemap == "relief" and "elevation" not in layer_ids:
        return "none"
    return basemap


#: The relief's map pane (under the street basemap, see `cmgis.maps.basemap.PANES`).
RELIEF_PANE = "cmgisRelief"


def basemap_text(shown: str, lang: str, *, streets: bool = True) -> str:
    """What the map stands on, in ``lang``: ``shown`` (`shown_basemap`) and the streets."""
    return t(f"basemap.shown.{shown}" if streets else f"map.basemap.{shown}", lang)


def _add_layer(
    m: folium.Map | folium.FeatureGroup, layer: WebLayer, *, lang: str, dim_zones: bool
) -> None:
    style = layer.style
    if style.kind == "relief":
        if layer.relief_url is not None and layer.relief_bounds is not None:
            folium.raster_layers.ImageOverlay(
                layer.relief_url,
                bounds=[list(layer.relief_bounds[0]), list(layer.relief_bounds[1])],
                pixelated=False,
                interactive=False,
                name=escape_map_text(layer.title),
                pane=RELIEF_PANE,
            ).add_to(m)
        return
    if style.kind == "cluster":
        _add_cluster(m, layer, style)
        return
    fc = layer.feature_collection or {"type": "FeatureCollection", "features": []}
    options = style.leaflet_style()
    if layer.layer_id == "zones" and dim_zones:
        options = {**options, "fillOpacity": 0.0}
    has_labels = any(f.get("properties", {}).get("label") for f in fc.get("features", []))
    tooltip = (
        folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True) if has_labels else None
    )
    kwargs: dict[str, Any] = {}
    if style.kind in ("point", "mixed"):
        kwargs["marker"] = folium.CircleMarker(**style.marker_options())
        if has_labels:  # a click keeps the name on screen (labels are escaped already)
            kwargs["popup"] = folium.GeoJsonPopup(fields=["label"], labels=False)
    folium.GeoJson(
        fc,
        name=escape_map_text(layer.title),
        style_function=_constant(options),
        highlight_function=_constant({"weight": style.weight + 2})
        if style.kind == "polygon" and layer.layer_id == "zones"
        else None,
        tooltip=tooltip,
        smooth_factor=1.0,
        **kwargs,
    ).add_to(m)


def _add_cluster(m: folium.Map | folium.FeatureGroup, layer: WebLayer, style: LayerStyle) -> None:
    """Many points as a client-side marker cluster (labels are escaped already)."""
    callback = (
        "function (row) {"
        "var m = L.circleMarker(new L.LatLng(row[0], row[1]), "
        f"{json.dumps(style.marker_options())});"
        "if (row[2]) { m.bindTooltip(row[2]); }"
        "return m; }"
    )
    folium.plugins.FastMarkerCluster(  # type: ignore[no-untyped-call]
        list(layer.cluster_rows or ()),
        callback=callback,
        name=escape_map_text(layer.title),
        icon_create_function=_CLUSTER_ICON_JS % (style.color, style.fill_color or style.color),
        options={
            "maxClusterRadius": 50,
            "disableClusteringAtZoom": 17,
            "showCoverageOnHover": False,
        },
    ).add_to(m)


#: Small, quiet cluster badges (the plugin's default ones shout over the districts).
_CLUSTER_ICON_JS = """function (cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 20 : n < 100 ? 24 : 30;
    return L.divIcon({
        html: '<div style="width:' + size + 'px;height:' + size + 'px;line-height:' + size +
            'px;border-radius:50%%;border:1.5px solid %s;background:%s;opacity:.85;' +
            'color:#fff;font:600 10px sans-serif;text-align:center">' + n + '</div>',
        className: 'cmgis-cluster', iconSize: L.point(size, size)
    });
}"""


def _constant(value: dict[str, Any]) -> Any:
    def fn(_feature: Any) -> dict[str, Any]:
        return value

    return fn


def _add_choropleth(
    m: folium.Map | folium.FeatureGroup, spec: ChoroplethSpec, *, lang: str
) -> Classification:
    classification = classify(list(spec.values), scheme=spec.scheme, k=spec.k)
    features = []
    for i, feature in enumerate(spec.feature_collection.get("features", [])):
        value = spec.values[i] if i < len(spec.values) else math.nan
        shown = (
            f"{format_number(value)} {spec.unit}".strip()
            if math.isfinite(value)
            else t("map.no_data", lang)
        )
        props = dict(feature.get("properties", {}))
        props["fill"] = (
            classification.color_of(i) if i < len(classification.classes) else NO_DATA_COLOR
        )
        props["label"] = f"{props.get('label', '')}: {escape_map_text(shown)}"
        features.append({**feature, "properties": props})
    fc = {"type": "FeatureCollection", "features": features}
    folium.GeoJson(
        fc,
        name=escape_map_text(spec.title),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.65,
            "color": "#4d4d4d",
            "weight": 1,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True),
    ).add_to(m)
    return classification
