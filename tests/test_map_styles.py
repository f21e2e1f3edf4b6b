"""Tests of cmgis.maps.styles and cmgis.maps.legend: one style and one legend for web and print."""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString, Polygon

from cmgis import InputError
from cmgis.data.layers import load_layer
from cmgis.maps import (
    LAYER_STYLES,
    LegendItem,
    LegendSection,
    build_map,
    print_style_for,
    projects_map,
    style_for,
    webmap,
)
from cmgis.maps.legend import (
    LegendControl,
    legend_html,
    panel_legend_html,
    print_legend_html,
    style_swatch,
)
from cmgis.printing import render as printing


@pytest.mark.parametrize("key", sorted(LAYER_STYLES))
def test_each_layer_prints_in_its_web_colours(key: str) -> None:
    web, paper = style_for(key), print_style_for(key)
    if web.kind == "relief":
        assert paper.colormap == "terrain"
        return
    assert paper.stroke == web.color
    assert paper.dashed == bool(web.dash_array) or web.kind in ("point", "cluster")
    assert printing.style_for(key) == paper  # printing uses the same record


def test_unknown_style_key_is_an_input_error_and_prints_in_a_distinct_colour() -> None:
    with pytest.raises(InputError, match="no map style"):
        style_for("nope")
    assert print_style_for("nope", 0).stroke != print_style_for("nope", 1).stroke


def test_one_row_renderer_escapes_labels_in_map_panel_and_print() -> None:
    item = LegendItem(style_swatch(style_for("zones")), "<b>x</b> ${alert(1)}", "1–2 m")
    section = LegendSection("T <i>", (item,))
    for html in (
        legend_html([section]),
        panel_legend_html(section, css_class="c"),
        print_legend_html([item]),
    ):
        assert "<b>x</b>" not in html and "${alert" not in html
        assert "&lt;b&gt;x&lt;/b&gt;" in html
        assert 'stroke="#6a3d9a"' in html  # the same swatch everywhere


def _projects() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["P05"],
            "title_en": ["Purple bus"],
            "title_th": [""],
            "strategy": ["default"],
            "status": ["proposed"],
            "geometry_method": ["indicative"],
            "source": ["report"],
        },
        geometry=[LineString([(98.95, 18.80), (98.97, 18.79)])],
        crs="EPSG:4326",
    )


def _children(fmap: folium.Map, kind: type) -> list:
    return [c for c in fmap._children.values() if isinstance(c, kind)]


def test_projects_map_sends_simplified_districts() -> None:
    zones = load_layer("zones")
    fmap = projects_map(zones, _projects(), lang="en", credits=["c"], center=(18.79, 98.975))
    (districts,) = [g for g in _children(fmap, folium.GeoJson) if "zone_id" in json.dumps(g.data)]
    fc = districts.data
    sent = gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")
    raw_vertices = sum(len(g.exterior.coords) for g in zones.geometry.explode().geometry)
    sent_vertices = sum(len(g.exterior.coords) for g in sent.geometry.explode().geometry)
    assert len(sent) == len(zones)
    assert sent_vertices <= raw_vertices
    decimals = webmap.coordinate_decimals(2)
    for x, y in sent.geometry.explode().geometry.iloc[0].exterior.coords:
        assert round(x, decimals) == x and round(y, decimals) == y
    page = fmap.get_root().render()
    assert "cmgis-project" in page and "L.Control.Draw" in page  # overlays on the one map
    (legend,) = _children(fmap, LegendControl)
    assert 'stroke="#555555"' in legend.content  # the zones_context swatch


def test_overlay_without_element_only_adds_legend_rows() -> None:
    square = Polygon([(98.95, 18.78), (98.96, 18.78), (98.96, 18.79)])
    layer = webmap.WebLayer(
        "zones",
        "Districts",
        webmap.feature_collection(
            gpd.GeoDataFrame({"zone_id": ["z"]}, geometry=[square], crs="EPSG:4326"),
            layer_id="zones",
            lang="en",
            detail=2,
        ),
    )
    extra = LegendSection("Extra", (LegendItem("", "row <x>"),))
    fmap = build_map(
        [layer],
        center=(18.79, 98.95),
        zoom=13,
        lang="en",
        credits=[],
        overlays=[webmap.Overlay(None, extra)],
        fit_bounds=[[18.78, 98.95], [18.79, 98.96]],
    )
    (legend,) = _children(fmap, LegendControl)
    assert "Extra" in legend.content and "row &lt;x&gt;" in legend.content
    assert legend.content.index("Extra") < legend.content.index("Districts")  # above layers
    assert "fitBounds" in fmap.get_root().render()
