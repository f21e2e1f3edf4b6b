"""Tests of cmgis.maps.projects: the folium overlay, escaped popups, legend, bounds, credits."""

from __future__ import annotations

import folium
import geopandas as gpd
from shapely.geometry import LineString, Point

from cmgis.maps.projects import (
    add_credits,
    add_projects_overlay,
    popup_html,
    projects_bounds,
    projects_legend_html,
)


def _projects() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["A001", "P05", "P08"],
            "title_en": ["<script>alert(1)</script>", "Purple bus", "Light rail"],
            "title_th": ["", "", ""],
            "strategy": ["drivers", "default", "default"],
            "status": ["proposed", "proposed", "proposed"],
            "geometry_method": ["drawn", "indicative", "none"],
            "activities_en": ["a & b", "", ""],
            "partners": ["CMU Faculty of Medicine", "", ""],
            "source": ["added by <b>x</b>", "report", "report"],
        },
        geometry=[Point(98.98, 18.79), LineString([(98.95, 18.80), (98.97, 18.79)]), None],
        crs="EPSG:4326",
    )


def test_popup_escapes_user_text_and_lists_fields() -> None:
    row = _projects().iloc[0].to_dict()
    text = popup_html(row, "en")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "a &amp; b" in text
    assert "CMU Faculty of Medicine" in text
    assert "added by &lt;b&gt;x&lt;/b&gt;" in text
    assert "Drivers (3)" in text
    assert "ยุทธศาสตร์ที่ 3" in popup_html(row, "th")


def test_overlay_draws_only_placed_projects_with_strategy_classes() -> None:
    fmap = folium.Map(location=(18.79, 98.97), zoom_start=13, tiles=None)
    group = add_projects_overlay(fmap, _projects(), lang="en")
    assert len(group._children) == 2  # the light rail has no place and is not drawn
    html = fmap.get_root().render()
    assert "cmgis-project cmgis-project-drivers" in html
    assert "cmgis-project cmgis-project-default" in html
    assert "<script>alert(1)</script>" not in html


def test_legend_bounds_and_credits() -> None:
    legend = projects_legend_html("en")
    assert legend.count("<div><span") == 4  # the 3Ds + the dashed line
    bounds = projects_bounds(_projects(), pad_deg=0.0)
    assert bounds == [[18.79, 98.95], [18.80, 98.98]]
    assert projects_bounds(_projects().iloc[[2]]) is None
    fmap = folium.Map(tiles=None)
    add_credits(fmap, ["© OpenStreetMap contributors, ODbL 1.0", "<x>"])
    html = fmap.get_root().render()
    assert "addAttribution" in html
    # escaped (then JSON-encoded by the template: & becomes \u0026), never raw
    assert "\\u0026lt;x\\u0026gt;" in html
    assert "<x>" not in html
    # credits small (10 px), not 16 px from folium's bootstrap, so they fit on the map
    assert ".leaflet-control-attribution{font-size:10px" in html
