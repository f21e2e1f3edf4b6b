"""Saved user layers on the web map: an overlay with popups and a legend entry (folium)."""

from __future__ import annotations

import math
from typing import Any

import folium
import geopandas as gpd

from cmgis.i18n import pick, t
from cmgis.map_text import escape_map_text
from cmgis.maps.legend import LegendItem, LegendSection, style_swatch
from cmgis.maps.styles import style_for
from cmgis.maps.webmap import Overlay, simplify_for_web
from cmgis.user_layers.records import UserLayer

#: Candidate zones in red outlines (as on the Suitability page) over a light fill.
USER_LAYER_STYLE = style_for("user_candidates")


def _number(value: Any, digits: int) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if not math.isfinite(number) else f"{number:.{digits}f}"


def popup_html(row: dict[str, Any], record: UserLayer, lang: str) -> str:
    """The popup of one feature: every piece of text escaped, lines joined by ``<br>``."""
    esc = escape_map_text
    name = pick(str(row.get("name_en") or ""), str(row.get("name_th") or ""), lang)
    lines = [f"<b>{esc(name or str(row.get('zone_id') or ''))}</b>", esc(record.name)]
    score = _number(row.get("mean_score"), 1)
    if score:
        lines.append(esc(t("user_layers.popup_score", lang, score=score)))
    area = _number(row.get("area_km2"), 3)
    if area:
        lines.append(esc(t("user_layers.popup_area", lang, area=area)))
    if row.get("overlap_zones"):
        lines.append(esc(t("user_layers.popup_overlap", lang, zones=str(row["overlap_zones"]))))
    if record.kind == "candidates":
        lines.append(f"<i>{esc(t('user_layers.popup_model', lang))}</i>")
    lines.append(
        esc(t("user_layers.popup_saved", lang, who=record.created_by, when=record.created_at[:16]))
    )
    return "<br>".join(lines)


def user_layer_overlay(
    layer: gpd.GeoDataFrame, record: UserLayer, *, lang: str, detail: int = 2
) -> Overlay:
    """A saved layer (EPSG:4326) as a map overlay: tooltip and popup per feature, legend row.

    Geometry is simplified for ``detail`` as the base layers are (`simplify_for_web`).
    Each feature carries ``user_layer`` (the layer's slug) and ``user_zone`` (its
    ``zone_id``), so a click on it can select it.
    """
    web = simplify_for_web(layer, detail=detail)
    records = web.drop(columns=web.geometry.name).to_dict("records")
    label = [
        escape_map_text(pick(str(r.get("name_en") or ""), str(r.get("name_th") or ""), lang))
        or escape_map_text(record.name)
        for r in records
    ]
    data = gpd.GeoDataFrame(
        {
            "label": label,
            "popup": [popup_html(r, record, lang) for r in records],
            # what a click on the feature selects (read back by the Map page)
            "user_layer": [record.slug] * len(records),
            "user_zone": [str(r.get("zone_id") or "") for r in records],
        },
        geometry=web.geometry.to_numpy(),
        crs=web.crs,
    )
    style = USER_LAYER_STYLE.leaflet_style()
    element = folium.GeoJson(
        data.to_json(drop_id=True),
        name=escape_map_text(record.name),
        style_function=lambda _f: style,
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
    )
    legend = LegendSection(
        t("user_layers.legend_title", lang),
        (LegendItem(style_swatch(USER_LAYER_STYLE), record.name),),
    )
    return Overlay(element, legend)
