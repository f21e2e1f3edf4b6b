"""The projects overlay for folium maps: styled by 3Ds strategy, escaped popups, a legend.

Every text (titles, notes, names typed by officials or imported) goes through
`cmgis.map_text.escape_map_text`: ``html.escape`` alone left backticks and ``${…}`` live
inside folium's JavaScript template literals.

Builds folium objects only (no streamlit): `projects_map` is the Projects page's map
(made by `cmgis.maps.webmap.build_map`), `projects_group` the overlay for other maps.
Input is a projects layer (`cmgis.plan.projects`) in EPSG:4326.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from cmgis.i18n import normalise_lang, pick, t
from cmgis.map_text import escape_map_text
from cmgis.maps import webmap
from cmgis.maps.draw import draw_control
from cmgis.maps.legend import LegendItem, LegendSection, html_swatch, panel_legend_html
from cmgis.maps.webmap import CreditsAttribution
from cmgis.plan.spec import STRATEGY_KEYS


@dataclass(frozen=True)
class StrategyStyle:
    """How one of the 3Ds is drawn (colour-blind safe Okabe–Ito colours)."""

    key: str
    color: str
    dash: str | None


STRATEGY_STYLES: Mapping[str, StrategyStyle] = {
    "default": StrategyStyle("default", "#0072B2", None),
    "driving-spaces": StrategyStyle("driving-spaces", "#E69F00", None),
    "drivers": StrategyStyle("drivers", "#009E73", None),
}
OTHER_STYLE = StrategyStyle("other", "#777777", None)
#: Methods whose geometry is not a surveyed feature: drawn dashed so they read as such.
DASHED_METHODS = ("indicative", "zone-derived", "drawn", "zones-picked")


def strategy_style(key: str) -> StrategyStyle:
    """The style of a 3Ds key (grey for anything else)."""
    return STRATEGY_STYLES.get(key, OTHER_STYLE)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def project_title(row: Mapping[str, Any], lang: str) -> str:
    """The title in ``lang`` (Thai falls back to English with the Thai place name)."""
    title_th = _text(row.get("title_th"))
    if normalise_lang(lang) == "th" and not title_th and _text(row.get("place_th")):
        return f"{_text(row.get('title_en'))} ({_text(row.get('place_th'))})"
    return pick(_text(row.get("title_en")), title_th, lang)


def popup_html(row: Mapping[str, Any], lang: str) -> str:
    """HTML of a project's popup; every value is escaped (user text may hold markup)."""
    e = escape_map_text
    strategy = t("projects.strategy." + _text(row.get("strategy")), lang)
    status = t("projects.status." + _text(row.get("status")), lang)
    parts = [
        f"<b>{e(_text(row.get('code')))}</b> {e(project_title(row, lang))}",
        f"{e(t('projects.strategy', lang))}: {e(strategy)}",
        f"{e(t('projects.status', lang))}: {e(status)}",
    ]
    for key, label in (
        ("activities_en", "projects.activities"),
        ("lead", "projects.lead"),
        ("partners", "projects.partners"),
        ("partners_named_en", "projects.partners_named"),
        ("zones_touched", "projects.zones_touched"),
        ("note_en", "projects.note"),
        ("notes", "projects.notes"),
    ):
        value = _text(row.get(key))
        if value:
            parts.append(f"{e(t(label, lang))}: {e(value)}")
    method = _text(row.get("geometry_method"))
    parts.append(
        f"{e(t('projects.geometry_method', lang))}: {e(t('projects.method.' + method, lang))}"
    )
    parts.append(f"{e(t('projects.source', lang))}: {e(_text(row.get('source')))}")
    return "<br>".join(parts)


def _feature_collection(geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON of ``geom`` with a MultiPoint split into Points.

    Leaflet 1.9.3 makes a MultiPoint a nested layer group, and binding a tooltip to it
    fails (``getElement is not a function``) and stops the rest of the map script.
    """
    parts = list(geom.geoms) if geom.geom_type == "MultiPoint" else [geom]  # type: ignore[attr-defined]
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": mapping(p)} for p in parts],
    }


def projects_group(
    projects: gpd.GeoDataFrame, *, lang: str = "en", name: str | None = None
) -> folium.FeatureGroup:
    """One folium layer with every project that has a geometry.

    Lines and polygons are drawn in the strategy's colour (dashed when the geometry is
    approximate: zone-derived, indicative, drawn); points as circle markers. Each feature
    carries the CSS class ``cmgis-project cmgis-project-<strategy>`` (used by tests).
    """
    group = folium.FeatureGroup(name=escape_map_text(name or t("projects.layer", lang)), show=True)
    for row in projects.to_dict("records"):
        geom = row.get("geometry")
        if geom is None or geom.is_empty:
            continue
        _project_layer(row, geom, lang).add_to(group)
    return group


def _project_layer(row: Mapping[str, Any], geom: BaseGeometry, lang: str) -> folium.GeoJson:
    """One project as a styled GeoJSON layer with its tooltip and escaped popup."""
    style = strategy_style(_text(row.get("strategy")))
    dashed = _text(row.get("geometry_method")) in DASHED_METHODS
    css = f"cmgis-project cmgis-project-{style.key}"
    tooltip = folium.Tooltip(
        escape_map_text(f"{_text(row.get('code'))} {project_title(row, lang)}")
    )

    def _style(_: Any, c: str = style.color, d: bool = dashed, k: str = css) -> dict[str, Any]:
        return {
            "color": c,
            "weight": 4,
            "opacity": 0.9,
            "fillColor": c,
            "fillOpacity": 0.12,
            "dashArray": "8 6" if d else None,
            "className": k,
        }

    layer = folium.GeoJson(
        _feature_collection(geom),
        style_function=_style,
        marker=folium.CircleMarker(
            radius=6, color=style.color, fill=True, fill_opacity=0.8, className=css
        ),
        tooltip=tooltip,
    )
    # a plain Popup with escaped HTML (GeoJsonPopup would not escape)
    folium.Popup(popup_html(row, lang), max_width=360).add_to(layer)
    return layer


def add_projects_overlay(
    fmap: folium.Map | folium.FeatureGroup,
    projects: gpd.GeoDataFrame,
    *,
    lang: str = "en",
    name: str | None = None,
) -> folium.FeatureGroup:
    """Add `projects_group` to ``fmap`` (e.g. a map made elsewhere); returns the layer."""
    group = projects_group(projects, lang=lang, name=name)
    group.add_to(fmap)
    return group


def projects_legend_section(
    lang: str, *, keys: tuple[str, ...] = STRATEGY_KEYS, title: str = ""
) -> LegendSection:
    """Legend rows of the 3Ds colours, in the report's order, and of the dashed line."""
    items = [
        LegendItem(
            html_swatch("area", stroke=STRATEGY_STYLES[k].color, fill=STRATEGY_STYLES[k].color),
            t(f"projects.strategy.{k}", lang),
        )
        for k in keys
    ]
    items.append(
        LegendItem(
            html_swatch("line", stroke="#555555", dashed=True),
            t("projects.legend.dashed", lang),
        )
    )
    return LegendSection(title, tuple(items))


def projects_legend_html(lang: str, *, keys: tuple[str, ...] = STRATEGY_KEYS) -> str:
    """The legend beside the Projects page's map (`projects_legend_section`, escaped)."""
    return panel_legend_html(
        projects_legend_section(lang, keys=keys), css_class="cmgis-projects-legend"
    )


def projects_map(
    zones: gpd.GeoDataFrame,
    projects: gpd.GeoDataFrame,
    *,
    lang: str,
    credits: Sequence[str],
    center: tuple[float, float],
    zoom: int = 13,
    detail: int = 2,
    drawing: bool = True,
) -> folium.Map:
    """The Projects page's map, made by the one map builder (`webmap.build_map`).

    ``drawing=False`` leaves the drawing toolbar out (for people who may not add
    projects: a shape they drew could not be saved).

    The districts (simplified for ``detail`` like every web layer, see
    `webmap.feature_collection`) are drawn quietly (style ``zones_context``) under the
    projects overlay and a drawing toolbar (marker, line, polygon) whose last shape the
    page reads back; the view fits the projects that have a geometry.
    """
    districts = webmap.WebLayer(
        "zones",
        t("projects.zone", lang),
        feature_collection=webmap.feature_collection(
            zones, layer_id="zones", lang=lang, detail=detail
        ),
        style_key="zones_context",
    )
    overlays = [webmap.Overlay(projects_group(projects, lang=lang))]
    if drawing:
        draw = draw_control(
            lang,
            export=False,
            draw_options={"circle": False, "circlemarker": False, "rectangle": False},
        )
        overlays.append(webmap.Overlay(draw))
    return webmap.build_map(
        [districts],
        center=center,
        zoom=zoom,
        lang=lang,
        credits=credits,
        overlays=overlays,
        fit_bounds=projects_bounds(projects),
        basemap_note=False,
    )


def add_credits(fmap: folium.Map, credits: list[str]) -> None:
    """Show the data credits (from the catalog) in the map's attribution control, escaped."""
    CreditsAttribution(credits).add_to(fmap)


def projects_bounds(
    projects: gpd.GeoDataFrame, *, pad_deg: float = 0.003
) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of the projects that have a geometry (EPSG:4326).

    ``None`` when no project has a geometry, so the caller keeps its default view.
    """
    geoms = projects.geometry.dropna()
    geoms = geoms[~geoms.is_empty]
    if geoms.empty:
        return None
    west, south, east, north = (float(v) for v in geoms.total_bounds)
    return [[south - pad_deg, west - pad_deg], [north + pad_deg, east + pad_deg]]
