"""The Zones page's map of one district: the district outlined, its landmarks and co-working.

Made by the one map builder (`cmgis.maps.webmap.build_map`), so it stands on the offline
street basemap with the district labels; the view fits the district. No streamlit here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
import shapely

from cmgis.districts.profiles import PlacePoint, ZoneProfile
from cmgis.i18n import t
from cmgis.map_text import escape_map_text
from cmgis.maps.labels import landmark_label
from cmgis.maps.legend import LegendItem, LegendSection, style_swatch
from cmgis.maps.styles import style_for
from cmgis.maps.webmap import Overlay, WebLayer, build_map

#: Padding around the district when the view is fitted (degrees, about 200 m).
PAD_DEG = 0.002


def zone_bounds_of(feature_collection: dict[str, Any], zone_id: str) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of ``zone_id`` in a zones FeatureCollection."""
    for feature in feature_collection.get("features", []):
        if feature.get("properties", {}).get("zone_id") == zone_id and feature.get("geometry"):
            west, south, east, north = shapely.geometry.shape(feature["geometry"]).bounds
            return [[south - PAD_DEG, west - PAD_DEG], [north + PAD_DEG, east + PAD_DEG]]
    return None


def _points_group(
    points: Sequence[PlacePoint], *, style_key: str, title: str, lang: str
) -> folium.FeatureGroup:
    """Points with their (escaped) names on hover, drawn in the layer's own style."""
    group = folium.FeatureGroup(name=escape_map_text(title))
    options = style_for(style_key).marker_options()
    for p in points:
        text = landmark_label({"name": p.name, "kind": p.kind}, lang) if p.kind else p.name
        folium.CircleMarker(
            location=[p.lat, p.lon],
            tooltip=folium.Tooltip(escape_map_text(text)),
            class_name=f"cmgis-zone-{style_key}",
            **options,
        ).add_to(group)
    return group


def district_map(
    profile: ZoneProfile,
    zones: WebLayer,
    *,
    lang: str,
    credits: Sequence[str],
    landmarks_title: str,
    coworking_title: str,
) -> folium.Map:
    """The map of one district for its profile.

    Parameters
    ----------
    profile
        The district's profile (`cmgis.districts.zone_profile`): its landmarks and
        co-working spaces are drawn, with their names on hover.
    zones
        The five districts as a prepared web layer (with ``zone_id``); the profile's
        district is outlined (``selected_zone``) and the view fits it.
    """
    fc = zones.feature_collection or {"type": "FeatureCollection", "features": []}
    overlays = []
    items = []
    for style_key, points, title in (
        ("landmarks", profile.landmarks, landmarks_title),
        ("coworking", profile.coworking, coworking_title),
    ):
        if points:
            overlays.append(
                Overlay(_points_group(points, style_key=style_key, title=title, lang=lang))
            )
            items.append(LegendItem(style_swatch(style_for(style_key)), title))
    if items:
        overlays.append(Overlay(None, LegendSection(t("map.legend.layers", lang), tuple(items))))
    bounds = zone_bounds_of(fc, profile.zone_id)
    return build_map(
        [zones],
        center=(18.79, 98.98) if bounds is None else _middle(bounds),
        zoom=14,
        lang=lang,
        credits=credits,
        overlays=overlays,
        fit_bounds=bounds,
        basemap_note=False,
        selected_zone=profile.zone_id,
    )


def _middle(bounds: list[list[float]]) -> tuple[float, float]:
    return (bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2
