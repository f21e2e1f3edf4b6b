"""Saved user layers on the web map: an overlay with popups and a legend entry (folium)."""

from __future__ import annotations

import math
from typing import Any

import folium
import geopandas as gpd

from cmgis.i18n import pick, t
from cmgis.map_text import escape_map_text
from cmgis.maps.legend import LegendItem, LegendSection, style_swatch
from cmgis.maps.styles import LayerStyle, style_for
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


#: Attributes an imported feature's popup lists (the first ones, in the file's order).
POPUP_MAX_ATTRIBUTES = 12
POPUP_MAX_CHARS = 200


def imported_style(record: UserLayer) -> LayerStyle:
    """The style of an imported layer: by its geometry kind (point, line, polygon)."""
    if record.parameters.get("adds_to") == "coworking":  # added to the theme: its style
        return style_for("user_added_coworking")
    kind = str(record.parameters.get("geometry_kind") or "polygon")
    return style_for(f"user_imported_{kind if kind in ('point', 'line') else 'polygon'}")


def imported_popup_html(row: dict[str, Any], record: UserLayer, lang: str) -> str:
    """An imported feature's popup: its attributes as a table, every text escaped."""
    esc = escape_map_text
    cells = []
    for column, value in list(row.items())[:POPUP_MAX_ATTRIBUTES]:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        text = str(value)
        text = text if len(text) <= POPUP_MAX_CHARS else text[: POPUP_MAX_CHARS - 1] + "…"
        cells.append(f"<tr><th>{esc(str(column))}</th><td>{esc(text)}</td></tr>")
    source = record.provenance.source or record.provenance.credit
    return (
        f"<b>{esc(record.name)}</b><table>{''.join(cells)}</table>"
        f"<i>{esc(t('imports.popup_source', lang, source=source))}</i><br>"
        + esc(
            t("user_layers.popup_saved", lang, who=record.created_by, when=record.created_at[:16])
        )
    )


def _label(row: dict[str, Any], record: UserLayer, lang: str) -> str:
    if record.kind == "imported":
        for key in ("name_th" if lang == "th" else "name_en", "name", "name_en", "name_th"):
            if isinstance(row.get(key), str) and row[key].strip():
                return escape_map_text(row[key])
        return escape_map_text(record.name)
    return escape_map_text(
        pick(str(row.get("name_en") or ""), str(row.get("name_th") or ""), lang)
    ) or escape_map_text(record.name)


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
    imported = record.kind == "imported"
    popup = imported_popup_html if imported else popup_html
    data = gpd.GeoDataFrame(
        {
            "label": [_label(r, record, lang) for r in records],
            "popup": [popup(r, record, lang) for r in records],
            # what a click on the feature selects (read back by the Map page)
            "user_layer": [record.slug] * len(records),
            "user_zone": [str(r.get("zone_id") or "") for r in records],
        },
        geometry=web.geometry.to_numpy(),
        crs=web.crs,
    )
    layer_style = imported_style(record) if imported else USER_LAYER_STYLE
    style = layer_style.leaflet_style()
    element = folium.GeoJson(
        data.to_json(drop_id=True),
        name=escape_map_text(record.name),
        style_function=lambda _f: style,
        marker=folium.CircleMarker(**layer_style.marker_options())
        if layer_style.kind == "point"
        else None,
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
    )
    label = record.name
    if imported and record.parameters.get("adds_to") == "coworking":
        label = t("imports.added_coworking", lang, title=record.name, who=record.created_by)
    legend = LegendSection(
        t("user_layers.legend_title", lang),
        (LegendItem(style_swatch(layer_style), label),),
    )
    return Overlay(element, legend)
