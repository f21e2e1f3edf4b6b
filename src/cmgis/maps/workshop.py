"""Folium maps of a workshop: the drawing map for groups and the facilitator's live map.

No streamlit here. Input frames come from `cmgis.workshop.core.contributions_frame` (EPSG:4326).
Every text a participant typed (titles, comments, group names) goes through
`cmgis.map_text.escape_map_text` before it reaches a tooltip, popup, legend or layer name.
"""

from __future__ import annotations

from typing import Any, Final, cast

import folium
import folium.plugins
import geopandas as gpd

from cmgis import settings
from cmgis.i18n import t
from cmgis.map_text import escape_map_text
from cmgis.maps.legend import LegendItem, LegendSection, panel_legend_html, swatch_svg
from cmgis.maps.webmap import Overlay

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


def _base_map(*, tiles: str | None, zoom_start: int) -> folium.Map:
    fmap = folium.Map(
        location=list(CENTER_LATLON),
        zoom_start=zoom_start,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    if tiles:
        folium.TileLayer(tiles, name="OpenStreetMap", control=True).add_to(fmap)
    return fmap


def _fit(fmap: folium.Map, zones: gpd.GeoDataFrame | None, frame: gpd.GeoDataFrame) -> None:
    """Fit the view to the zones and the contributions (lon/lat bounds)."""
    parts = [g for g in (zones, frame) if g is not None and len(g) and g.geometry.notna().any()]
    if not parts:
        return
    bounds = [p.to_crs(settings.STORE_CRS).total_bounds for p in parts]
    min_lon = min(b[0] for b in bounds)
    min_lat = min(b[1] for b in bounds)
    max_lon = max(b[2] for b in bounds)
    max_lat = max(b[3] for b in bounds)
    fmap.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])


def _zones_layer(fmap: folium.Map, zones: gpd.GeoDataFrame | None, lang: str) -> None:
    if zones is None or zones.empty:
        return
    name_col = "name_th" if lang == "th" and "name_th" in zones.columns else "name_en"
    group = folium.FeatureGroup(name=escape_map_text(t("workshop.map.zones", lang)), show=True)
    for _, row in zones.to_crs(settings.STORE_CRS).iterrows():
        label = row.get(name_col) or row.get("zone_id")
        folium.GeoJson(
            row.geometry.__geo_interface__,
            style_function=lambda _f: {
                "color": "#555555",
                "weight": 2,
                "dashArray": "6 4",
                "fillOpacity": 0.03,
            },
            tooltip=folium.Tooltip(escape_map_text(label)),
        ).add_to(group)
    group.add_to(fmap)


def contribution_popup_html(row: Any, lang: str) -> str:
    """HTML of a contribution's popup, every field escaped."""
    parts = [
        f"<b>{escape_map_text(row['title'])}</b>",
        f"{escape_map_text(t('workshop.category.' + str(row['category']), lang))} · "
        f"{escape_map_text(t('workshop.strategy.' + str(row['strategy']), lang))}",
        f"{escape_map_text(t('workshop.group', lang))}: {escape_map_text(row['group_name'])}",
    ]
    if row.get("comment"):
        parts.append(escape_map_text(row["comment"]).replace("\n", "<br>"))
    parts.append(f"{escape_map_text(t('workshop.votes', lang))}: {int(row.get('votes', 0))}")
    return "<br>".join(parts)


def _add_contributions(
    fmap: folium.Map | folium.FeatureGroup, frame: gpd.GeoDataFrame, lang: str
) -> None:
    for _, row in frame.iterrows():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        color = CATEGORY_COLORS.get(str(row["category"]), "#333333")
        tooltip = folium.Tooltip(escape_map_text(row["title"]))
        popup = folium.Popup(contribution_popup_html(row, lang), max_width=320)
        if geom.geom_type == "Point":
            folium.CircleMarker(
                location=[geom.y, geom.x],
                radius=8,
                color=color,
                weight=2,
                fill=True,
                fill_color=color,
                fill_opacity=0.8,
                tooltip=tooltip,
                popup=popup,
            ).add_to(fmap)
        else:
            shape = folium.GeoJson(
                geom.__geo_interface__,
                style_function=lambda _f, c=color: {
                    "color": c,
                    "weight": 4,
                    "fillColor": c,
                    "fillOpacity": 0.25,
                },
                tooltip=tooltip,
            )
            popup.add_to(shape)  # binds the popup to the whole GeoJSON layer
            shape.add_to(fmap)


def contributions_layer(
    frame: gpd.GeoDataFrame, *, lang: str = "en", name: str | None = None
) -> folium.FeatureGroup:
    """A workshop's contributions as one layer for any folium map (e.g. the Map page).

    Styled by category (`CATEGORY_COLORS`), with escaped tooltips and popups; ``frame``
    comes from `cmgis.workshop.core.contributions_frame` (EPSG:4326).
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


def _legend(fmap: folium.Map, lang: str) -> None:
    rows = panel_legend_html(category_legend_section(lang), css_class="cmgis-workshop-legend")
    legend = (
        '<div style="position:absolute;bottom:24px;left:10px;'
        "z-index:1000;background:white;padding:6px 8px;border-radius:4px;font-size:13px;"
        f'box-shadow:0 1px 4px rgba(0,0,0,.3)">{rows}</div>'
    )
    root = cast(folium.Figure, fmap.get_root())
    root.html.add_child(folium.Element(legend))


def drawing_map(
    frame: gpd.GeoDataFrame,
    *,
    zones: gpd.GeoDataFrame | None = None,
    lang: str = "en",
    tiles: str | None = None,
    zoom_start: int = 14,
) -> folium.Map:
    """Map on which a group draws: Leaflet.draw tools (marker, line, polygon, rectangle),
    the zones, and the contributions saved so far (coloured by category).

    Parameters
    ----------
    frame
        Contributions to show (`cmgis.workshop.core.contributions_frame`), EPSG:4326.
    zones
        Zone polygons (EPSG:4326) drawn as dashed outlines, or ``None``.
    tiles
        A basemap (e.g. `OSM_TILES`) when the network is reachable; ``None`` offline.
    """
    fmap = _base_map(tiles=tiles, zoom_start=zoom_start)
    _zones_layer(fmap, zones, lang)
    _add_contributions(fmap, frame, lang)
    folium.plugins.Draw(  # type: ignore[no-untyped-call]
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
    ).add_to(fmap)
    _legend(fmap, lang)
    _fit(fmap, zones, frame)
    return fmap


def live_map(
    frame: gpd.GeoDataFrame,
    *,
    zones: gpd.GeoDataFrame | None = None,
    lang: str = "en",
    tiles: str | None = None,
    zoom_start: int = 13,
) -> folium.Map:
    """The facilitator's map: contributions by category, a heat map of points, zones."""
    fmap = _base_map(tiles=tiles, zoom_start=zoom_start)
    _zones_layer(fmap, zones, lang)
    for category, color in CATEGORY_COLORS.items():
        subset = frame[frame["category"] == category] if len(frame) else frame
        label = t("workshop.category." + category, lang)
        group = folium.FeatureGroup(
            name=f'<span style="color:{color}">■</span> {escape_map_text(label)} ({len(subset)})'
        )
        _add_contributions(group, subset, lang)
        group.add_to(fmap)
    points = frame[frame["geom_type"] == "Point"] if len(frame) else frame
    heat = [[float(g.y), float(g.x)] for g in points.geometry]
    if heat:
        folium.plugins.HeatMap(  # type: ignore[no-untyped-call]
            heat, name=escape_map_text(t("workshop.map.heat", lang)), radius=25, min_opacity=0.3
        ).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    _legend(fmap, lang)
    _fit(fmap, zones, frame)
    return fmap
