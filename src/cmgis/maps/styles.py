"""One drawing style per layer, for the web map and the printed map alike.

`LAYER_STYLES` holds the style of every layer, keyed by its style key (a layer's id
unless its definition names another key). The web map uses `LayerStyle.leaflet_style`;
printing (`cmgis.printing`) uses `LayerStyle.print_style`, so a layer looks the same on
screen and on paper. The legend swatch of a style is drawn by `cmgis.maps.legend`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from cmgis._errors import InputError

GeometryKind = Literal["polygon", "line", "point", "cluster", "relief", "mixed"]

#: A CSS pixel is 0.75 pt.
PX_TO_PT = 0.75


@dataclass(frozen=True)
class PrintStyle:
    """A style in the printed map's terms (matplotlib; colours as CSS hex, sizes in pt).

    Made from a layer's `LayerStyle` by `LayerStyle.print_style`; also given directly as
    a print override (``style_overrides`` of `cmgis.printing.render.print_map`).
    """

    stroke: str = "#333333"
    fill: str | None = None
    fill_opacity: float = 0.3
    width_pt: float = 1.0
    marker_size_pt: float = 4.0
    colormap: str = "terrain"
    colormap_range: tuple[float, float] = (0.25, 1.0)  # skip terrain's sea blues
    dashed: bool = False


@dataclass(frozen=True)
class LayerStyle:
    """How a layer is drawn: its geometry kind and Leaflet path options (CSS pixels)."""

    kind: GeometryKind
    color: str
    fill_color: str | None = None
    fill_opacity: float = 0.0
    weight: float = 1.5
    dash_array: str | None = None
    radius_px: float = 5.0

    def leaflet_style(self) -> dict[str, Any]:
        """Leaflet path options (``color``, ``weight``, ``fillColor`` …) of this style."""
        style: dict[str, Any] = {"color": self.color, "weight": self.weight, "opacity": 0.9}
        if self.kind in ("polygon", "point", "mixed"):
            style["fillColor"] = self.fill_color or self.color
            style["fillOpacity"] = self.fill_opacity
        else:
            style["fill"] = False
        if self.dash_array:
            style["dashArray"] = self.dash_array
        return style

    def marker_options(self) -> dict[str, Any]:
        """Leaflet circle-marker options of a point layer."""
        return {
            "radius": self.radius_px,
            "color": self.color,
            "weight": self.weight,
            "fillColor": self.fill_color or self.color,
            "fillOpacity": self.fill_opacity,
        }

    def print_style(self) -> PrintStyle:
        """The same style for the printed map (clustered layers print as small dots)."""
        if self.kind == "relief":
            return PrintStyle(colormap="terrain")
        if self.kind in ("point", "cluster"):
            size_pt = self.radius_px * 2 * PX_TO_PT if self.kind == "point" else 1.6
            return PrintStyle(
                stroke=self.color,
                fill=self.fill_color or self.color,
                fill_opacity=1.0,
                marker_size_pt=size_pt,
                width_pt=self.weight * PX_TO_PT,
            )
        return PrintStyle(
            stroke=self.color,
            fill=self.fill_color if self.kind == "polygon" else None,
            fill_opacity=self.fill_opacity,
            width_pt=self.weight * PX_TO_PT,
            dashed=bool(self.dash_array),
        )


#: Drawing style of each layer, keyed by style key (a catalog layer id, or the key of a
#: layer drawn another way, such as ``zones_context``).
LAYER_STYLES: dict[str, LayerStyle] = {
    "zones": LayerStyle("polygon", "#6a3d9a", "#cab2d6", 0.25, weight=3),
    "zone_anchors": LayerStyle("point", "#3f007d", "#6a3d9a", 0.9, radius_px=4),
    "tambons": LayerStyle("polygon", "#525252", None, 0.0, weight=1.2, dash_array="4 3"),
    "named_places": LayerStyle("point", "#525252", "#bdbdbd", 0.9, radius_px=3),
    "old_city_moat": LayerStyle("polygon", "#2171b5", "#6baed6", 0.8, weight=1),
    "old_city_walls": LayerStyle("polygon", "#7f2704", "#a63603", 0.8, weight=1),
    "old_city_gates": LayerStyle("point", "#ffffff", "#7f2704", 1.0, radius_px=6, weight=2),
    "mae_kha_canal": LayerStyle("line", "#08519c", weight=3.5),
    "pois": LayerStyle("cluster", "#006d2c", "#41ab5d", 0.8, radius_px=4),
    "coworking": LayerStyle("point", "#a63603", "#fd8d3c", 1.0, radius_px=7, weight=2),
    "landmarks": LayerStyle("point", "#252525", "#ffffff", 1.0, radius_px=6, weight=2),
    "roads": LayerStyle("line", "#969696", weight=0.8),
    "elevation": LayerStyle("relief", "#a9c8a0"),
    # the action plan's place-bound projects: areas, lines and points (Projects feature)
    "projects": LayerStyle("mixed", "#b15928", "#ffff99", 0.35, weight=2, dash_array="6 4"),
    # saved candidate zones (cmgis.user_layers.records): red outlines, as on the Suitability page
    "user_candidates": LayerStyle("polygon", "#d7191c", "#fdae61", 0.18, weight=2.5),
    # imported agency layers (cmgis.imports), one style per geometry kind
    "user_imported_polygon": LayerStyle("polygon", "#01665e", "#5ab4ac", 0.35, weight=1.2),
    "user_imported_line": LayerStyle("line", "#01665e", weight=2.5),
    "user_imported_point": LayerStyle("point", "#01665e", "#5ab4ac", 0.9, weight=1.5),
    # co-working spaces added by users: the theme's orange, a dark outline (not OSM's)
    "user_added_coworking": LayerStyle("point", "#01665e", "#fd8d3c", 1.0, radius_px=7, weight=2.5),
    # the districts as quiet context under other features (Projects page)
    "zones_context": LayerStyle("polygon", "#555555", "#555555", 0.03, weight=1),
    # the districts as dashed outlines under a workshop's contributions (Workshop page)
    "workshop_zones": LayerStyle("polygon", "#555555", "#555555", 0.03, weight=2, dash_array="6 4"),
}

#: Print colours of layers without a style of their own (e.g. an uploaded layer).
_FALLBACK_COLOURS = ("#e65100", "#00838f", "#6a1b9a", "#2e7d32", "#ad1457", "#283593")


def has_style(style_key: str) -> bool:
    """Whether ``style_key`` has a drawing style (i.e. the maps can draw the layer)."""
    return style_key in LAYER_STYLES


def style_for(style_key: str) -> LayerStyle:
    """The style of ``style_key``; `InputError` if there is none."""
    style = LAYER_STYLES.get(style_key)
    if style is None:
        raise InputError(f"no map style for layer {style_key!r}")
    return style


def print_style_for(style_key: str, index: int = 0) -> PrintStyle:
    """The printed style of ``style_key`` (as on screen); others get a distinct colour.

    ``index`` (the layer's position on the page) picks the colour of a layer without a
    style, so two such layers differ.
    """
    style = LAYER_STYLES.get(style_key)
    if style is not None:
        return style.print_style()
    colour = _FALLBACK_COLOURS[index % len(_FALLBACK_COLOURS)]
    return PrintStyle(stroke=colour, fill=colour, fill_opacity=0.25, width_pt=1.2)
