"""Names on the map: districts, tambons, named places, landmarks; the selected district.

Labels are plain records (`MapLabel`: position in EPSG:4326, text, kind, the zoom they
appear from), built from the data in the page language and escaped with
`cmgis.map_text.escape_map_text` when they are turned into browser data
(`label_records`). `DistrictLabels` puts the five districts' names on any folium map and
outlines the selected district (`SelectedDistrict`); the print uses `district_labels`.

No streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from cmgis.i18n import pick, t
from cmgis.map_text import escape_map_text
from cmgis.projection import to_metric, to_store

#: Zoom from which each kind of label shows (districts always).
LABEL_MIN_ZOOM: dict[str, int] = {"district": 0, "tambon": 13, "place": 15}
#: Named places with at least this weight (the source's importance) show from zoom 14.
PLACE_MAJOR_WEIGHT = 50


@dataclass(frozen=True)
class MapLabel:
    """A text on the map at ``(lat, lon)`` (EPSG:4326); ``text`` is plain (not escaped)."""

    lat: float
    lon: float
    text: str
    kind: str  # "district", "tambon" or "place"
    min_zoom: int = 0
    key: str = ""  # the feature's id (zone_id for districts)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def label_point(geom: Any) -> tuple[float, float] | None:
    """``(lat, lon)`` where an area's label goes: inside it, near its visual centre.

    The centroid when it lies inside the shape, otherwise a point on the surface
    (shapely's `point_on_surface`). Points are their own position. Computed in the
    coordinates given (EPSG:4326 in, out).
    """
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "Point":
        return float(geom.y), float(geom.x)
    if geom.geom_type == "MultiPolygon":  # the largest part carries the label
        geom = max(geom.geoms, key=lambda g: g.area)
    centre = geom.centroid
    point = centre if geom.contains(centre) else geom.point_on_surface()
    return float(point.y), float(point.x)


def district_labels(zones: gpd.GeoDataFrame | None, lang: str) -> list[MapLabel]:
    """The five districts' names in ``lang``, each inside its district (EPSG:4326)."""
    if zones is None or zones.empty:
        return []
    zones = zones.to_crs(4326)
    out = []
    for _, row in zones.iterrows():
        where = label_point(row.geometry)
        name = pick(_text(row.get("name_en")), _text(row.get("name_th")), lang)
        if where is not None and name:
            key = _text(row.get("zone_id"))
            out.append(MapLabel(where[0], where[1], name, "district", 0, key))
    return out


def place_labels(
    *, tambons: gpd.GeoDataFrame | None, named_places: gpd.GeoDataFrame | None, lang: str
) -> list[MapLabel]:
    """Tambon names (in ``lang``) and named places (their one, Thai, name) for the basemap.

    Tambons show from zoom 13, named places from 15 (the weightiest from 14).
    """
    out: list[MapLabel] = []
    if tambons is not None and not tambons.empty:
        for _, row in tambons.to_crs(4326).iterrows():
            where = label_point(row.geometry)
            name = pick(_text(row.get("name_en")), _text(row.get("name_th")), lang)
            if where is not None and name:
                code = _text(row.get("tambon_code"))
                out.append(
                    MapLabel(where[0], where[1], name, "tambon", LABEL_MIN_ZOOM["tambon"], code)
                )
    if named_places is not None and not named_places.empty:
        for _, row in named_places.to_crs(4326).iterrows():
            where = label_point(row.geometry)
            name = _text(row.get("name"))
            if where is None or not name:
                continue
            weight = row.get("weight")
            major = weight is not None and float(weight) >= PLACE_MAJOR_WEIGHT
            zoom = LABEL_MIN_ZOOM["place"] - (1 if major else 0)
            out.append(MapLabel(where[0], where[1], name, "place", zoom))
    return out


def landmark_label(row: Mapping[str, Any], lang: str) -> str:
    """A landmark's hover text: its name and its kind in ``lang`` (plain text)."""
    name = _text(row.get("name"))
    kind = _text(row.get("kind"))
    kind_text = t(f"map.landmark_kind.{kind}", lang) if kind else ""
    if kind_text.startswith("map.landmark_kind."):
        kind_text = kind
    return f"{name} ({kind_text})" if name and kind_text else name or kind_text


def label_records(
    labels: tuple[MapLabel, ...] | list[MapLabel], *, selected: str = ""
) -> list[dict[str, Any]]:
    """Labels as browser data: position (5 decimals), escaped HTML text, kind, zoom."""
    return [
        {
            "lat": round(lab.lat, 5),
            "lon": round(lab.lon, 5),
            "html": escape_map_text(lab.text),
            "kind": lab.kind
            + (" cmgis-label-selected" if selected and lab.key == selected else ""),
            "minZoom": lab.min_zoom,
        }
        for lab in labels
    ]


def zone_outline(zones: gpd.GeoDataFrame | None, zone_id: str) -> dict[str, Any] | None:
    """The GeoJSON geometry of one district, simplified (2 m) and rounded, or ``None``."""
    if zones is None or zones.empty or not zone_id or "zone_id" not in zones.columns:
        return None
    match = zones[zones["zone_id"].astype(str) == zone_id]
    if match.empty or match.geometry.iloc[0] is None:
        return None
    metric = to_metric(match.iloc[[0]], name="selected district")
    metric = metric.set_geometry(metric.geometry.simplify(2.0, preserve_topology=True))
    geom = to_store(metric, name="selected district").geometry.iloc[0]
    geom = shapely.transform(geom, lambda xy: np.round(xy, 5))
    return dict(shapely.geometry.mapping(geom))


def zone_bounds(outline: Mapping[str, Any]) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of a GeoJSON geometry (EPSG:4326)."""
    west, south, east, north = shapely.geometry.shape(dict(outline)).bounds
    return [[south, west], [north, east]]


class DistrictLabels(MacroElement):
    """The districts' names on a folium map (``div.cmgis-label-district``), always shown.

    With ``selected_outline`` (`zone_outline`) the selected district gets a bold outline
    with a white halo (SVG paths of class ``cmgis-selected-zone``) above the data layers;
    it does not take clicks, so the district under it stays clickable.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var lp = map.getPane("cmgisLabels") || map.createPane("cmgisLabels");
          lp.style.zIndex = 620; lp.style.pointerEvents = "none";
          var sp = map.getPane("cmgisSelected") || map.createPane("cmgisSelected");
          sp.style.zIndex = 450; sp.style.pointerEvents = "none";
          {{ this.labels|tojson }}.forEach(function (x) {
            L.marker([x.lat, x.lon], {pane: "cmgisLabels", interactive: false, keyboard: false,
              icon: L.divIcon({className: "cmgis-label cmgis-label-" + x.kind,
              html: "<span>" + x.html + "</span>", iconSize: null})}).addTo(map);
          });
          var outline = {{ this.outline|tojson }};
          if (outline) {
            L.geoJSON(outline, {pane: "cmgisSelected", interactive: false, style: {
              color: "#ffffff", weight: 8, opacity: 0.9, fill: false,
              className: "cmgis-selected-zone cmgis-selected-halo"}}).addTo(map);
            L.geoJSON(outline, {pane: "cmgisSelected", interactive: false, style: {
              color: "#e6550d", weight: 4, opacity: 1, fill: false,
              className: "cmgis-selected-zone"}}).addTo(map);
          }
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        labels: list[MapLabel],
        *,
        selected: str = "",
        selected_outline: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CmgisDistrictLabels"
        self.labels = label_records(labels, selected=selected)
        self.outline = selected_outline
