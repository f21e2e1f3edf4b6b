"""Tests of cmgis.maps.webmap: offline assets, map builders, legends and popups."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pytest
import shapely.affinity
from shapely.geometry import LineString, MultiPoint, Point, Polygon

from cmgis import InputError
from cmgis.map_text import escape_map_text
from cmgis.maps import assets, classes
from cmgis.maps import webmap as webmap

REPO_ROOT = Path(__file__).resolve().parents[1]
STATIC_DIR = REPO_ROOT / "static"


@pytest.fixture
def local_assets() -> Iterator[None]:
    assets.use_local_assets()
    yield
    assets.use_local_assets()


def _asset_urls() -> list[str]:
    urls = []
    for cls in assets.LOCAL_ASSET_CLASSES:
        urls += [url for _, url in cls.default_js] + [url for _, url in cls.default_css]
    return urls


def test_use_local_assets_points_every_class_at_existing_files(local_assets: None) -> None:
    urls = _asset_urls()
    assert urls
    for url in urls:
        assert url.startswith("/app/static/vendor/"), url
        local = STATIC_DIR / url.removeprefix("/app/static/")
        assert local.is_file(), f"{url} is not vendored at {local}"


def test_use_local_assets_is_idempotent_and_rebases(local_assets: None) -> None:
    first = _asset_urls()
    assets.use_local_assets()
    assert _asset_urls() == first
    assets.use_local_assets("vendor/")
    assert all(u.startswith("vendor/") and "//" not in u for u in _asset_urls())
    assets.use_local_assets()
    assert _asset_urls() == first


def test_rendered_map_html_loads_nothing_from_outside(local_assets: None) -> None:
    m = folium.Map(location=[18.79, 98.98], zoom_start=13, tiles=None)
    folium.plugins.MarkerCluster().add_to(m)
    folium.plugins.Draw().add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    folium.plugins.MeasureControl().add_to(m)
    folium.plugins.MousePosition().add_to(m)
    folium.plugins.HeatMap([[18.79, 98.98]]).add_to(m)
    html = m.get_root().render()
    loaded = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert loaded
    assert [u for u in loaded if not u.startswith("/app/static/vendor/")] == []
    assert "/app/static/vendor/leaflet-1.9.3/leaflet.js" in html
    # the icon-path fix follows Leaflet itself
    assert html.index("leaflet-1.9.3/leaflet.js") < html.index("cmgis/leaflet-icon-path.js")


def test_vendored_css_references_resolve() -> None:
    missing = []
    for css in (STATIC_DIR / "vendor").rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(errors="replace")):
            if ref.startswith("data:"):
                continue
            target = (css.parent / ref.split("?")[0].split("#")[0]).resolve()
            if not target.exists():
                missing.append(f"{css.name} -> {ref}")
    assert not missing


def test_cdn_assets_can_be_restored() -> None:
    try:
        assets.use_cdn_assets()
        assert all(u.startswith("https://") for u in _asset_urls())
    finally:
        assets.use_local_assets()


# --- builders -----------------------------------------------------------------------


def _wiggly_polygon(n: int = 400) -> Polygon:
    """A lon/lat polygon of ``n`` vertices around Chiang Mai with metre-scale wiggles."""
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = 0.01 + 0.00002 * np.sin(angles * 57)
    return Polygon(np.c_[98.98 + r * np.cos(angles), 18.79 + r * np.sin(angles)])


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    poly = _wiggly_polygon()
    return gpd.GeoDataFrame(
        {
            "zone_id": ["a", "b"],
            "name_en": ["Alpha <b>", "Beta"],
            "name_th": ["อัลฟา", ""],
            "theme_en": ["IT", "Health"],
            "theme_th": ["ไอที", "สุขภาพ"],
            "approximate": [True, False],
        },
        geometry=[poly, shapely.affinity.translate(poly, 0.03, 0)],
        crs="EPSG:4326",
    )


def test_detail_levels_follow_zoom_and_ground_resolution() -> None:
    assert webmap.detail_for_zoom(11) == 0
    assert webmap.detail_for_zoom(13) == 1
    assert webmap.detail_for_zoom(16) == 2
    # one pixel at zoom 12 near Chiang Mai is about 36 m
    assert webmap.ground_resolution_m(12) == pytest.approx(36.2, abs=0.5)
    tolerances = [webmap.simplify_tolerance_m(d) for d in (0, 1, 2)]
    assert tolerances == sorted(tolerances, reverse=True)
    assert [webmap.coordinate_decimals(d) for d in (0, 1, 2)] == [4, 5, 6]
    with pytest.raises(InputError):
        webmap.simplify_tolerance_m(7)


def test_simplify_for_web_reduces_vertices_within_tolerance(zones: gpd.GeoDataFrame) -> None:
    out = webmap.simplify_for_web(zones, detail=0)
    assert out.crs == zones.crs
    n_in = sum(len(g.exterior.coords) for g in zones.geometry)
    n_out = sum(len(g.exterior.coords) for g in out.geometry)
    assert n_out < n_in / 4
    # the simplified outline stays within the tolerance (+ rounding) of the original
    metric_in = zones.to_crs(32647).geometry
    metric_out = out.to_crs(32647).geometry
    for a, b in zip(metric_in, metric_out, strict=True):
        assert a.hausdorff_distance(b) <= webmap.simplify_tolerance_m(0) + 12
    # coordinates rounded to the level's decimals
    x, y = out.geometry.iloc[0].exterior.coords[3]
    assert round(x, 4) == x and round(y, 4) == y
    assert zones.geometry.iloc[0].equals(_wiggly_polygon())  # input not mutated


def test_feature_collection_labels_are_escaped_and_in_language(zones: gpd.GeoDataFrame) -> None:
    fc = webmap.feature_collection(zones, layer_id="zones", lang="en", detail=1)
    props = [f["properties"] for f in fc["features"]]
    assert props[0]["zone_id"] == "a"
    assert props[0]["label"] == "Alpha &lt;b&gt;: IT (approximate boundary)"
    assert set(props[0]) == {"zone_id", "label"}
    th = webmap.feature_collection(zones, layer_id="zones", lang="th", detail=1)
    assert th["features"][0]["properties"]["label"].startswith("อัลฟา: ไอที")
    # a missing Thai name falls back to English
    assert th["features"][1]["properties"]["label"].startswith("Beta")


def test_cluster_points_rows() -> None:
    pts = gpd.GeoDataFrame(
        {"name": ["Café <x>", ""], "category": ["restaurant", "temple"]},
        geometry=[Point(98.9812345678, 18.79), Point(98.99, 18.8)],
        crs="EPSG:4326",
    )
    rows = webmap.cluster_points(pts, layer_id="pois", lang="th")
    assert rows[0] == [18.79, 98.981235, "Café &lt;x&gt; (ร้านอาหาร)"]
    assert rows[1][2] == "วัด"


@pytest.mark.parametrize("scheme", classes.SCHEMES)
def test_classify_keeps_no_data_out_of_every_class(scheme: str) -> None:
    values = [1.0, 2.0, float("nan"), 10.0, 4.0, None]
    c = classes.classify(values, scheme=scheme, k=3)
    assert c.classes[2] is None and c.classes[5] is None
    assert c.color_of(2) == classes.NO_DATA_COLOR
    assert c.k == 3 and len(c.colors) == 3
    assert c.minimum == 1.0 and c.upper_bounds[-1] == 10.0
    assert c.classes[0] == 0 and c.classes[3] == 2
    # classes grow with the value
    ordered = [c.classes[i] for i in (0, 1, 4, 3)]
    assert ordered == sorted(ordered)


def test_classify_schemes_differ_and_k_adapts() -> None:
    values = [0.0, 1.0, 2.0, 3.0, 100.0]
    eq = classes.classify(values, scheme="equal_interval", k=2)
    qu = classes.classify(values, scheme="quantiles", k=2)
    assert eq.upper_bounds[0] == pytest.approx(50.0)
    assert qu.upper_bounds[0] == pytest.approx(2.0)
    few = classes.classify([5.0, 5.0, 7.0], k=5)
    assert few.k == 2
    with pytest.raises(InputError):
        classes.classify(values, scheme="jenks-ish")
    with pytest.raises(InputError):
        classes.classify(values, k=9)
    empty = classes.classify([None, float("nan")])
    assert empty.classes == (None, None) and empty.ranges() == []
    section = webmap.choropleth_legend_section(
        empty, title="Speed", unit="", lang="th", no_data_count=2
    )
    assert [i.label for i in section.items] == ["ไม่มีข้อมูล"]


def test_legend_html_escapes_and_lists_classes() -> None:
    c = classes.classify([1.0, 5.0, None], scheme="equal_interval", k=2)
    section = webmap.choropleth_legend_section(
        c, title="Offices <per> km²", unit="per km²", lang="en", no_data_count=1
    )
    html = webmap.legend_html([section], note="Basemap: <none>")
    assert "Offices &lt;per&gt; km²" in html and "<per>" not in html
    assert "Basemap: &lt;none&gt;" in html
    assert "1 – 3 per km²" in html and "3 – 5 per km²" in html
    assert "no data" in html
    assert classes.format_number(1234.4) == "1,234"
    assert classes.format_number(0.5) == "0.5"


def test_build_map_has_credits_legend_controls_and_no_outside_assets(
    zones: gpd.GeoDataFrame,
) -> None:
    fc = webmap.feature_collection(zones, layer_id="zones", lang="en", detail=1)
    canal = gpd.GeoDataFrame(
        {"name_en": ["Canal"], "name_th": ["คลอง"]},
        geometry=[LineString([(98.98, 18.78), (98.99, 18.8)])],
        crs="EPSG:4326",
    )
    layers = [
        webmap.WebLayer("zones", "Zones", feature_collection=fc),
        webmap.WebLayer(
            "mae_kha_canal",
            "Canal",
            feature_collection=webmap.feature_collection(
                canal, layer_id="mae_kha_canal", lang="en", detail=1
            ),
        ),
        webmap.WebLayer("pois", "POIs", cluster_rows=((18.79, 98.98, "A"),)),
        webmap.relief_layer(
            np.zeros((4, 4, 4), dtype=np.uint8), ((18.7, 98.9), (18.9, 99.1)), title="Relief"
        ),
    ]
    spec = webmap.ChoroplethSpec(
        "zones", "Offices per km²", "per km²", fc, (3.0, float("nan")), "quantiles", 2
    )
    m = webmap.build_map(
        layers,
        center=(18.79, 98.98),
        zoom=13,
        lang="en",
        credits=["© OpenStreetMap contributors, ODbL 1.0", "Elevation <b>x</b>"],
        choropleth=spec,
    )
    html = m.get_root().render()
    assert "addAttribution" in html
    assert "OpenStreetMap contributors, ODbL 1.0" in html
    # credit text is HTML-escaped, then JSON-encoded into the script (& -> \u0026)
    assert "Elevation <b>x" not in html
    assert "Elevation \\u0026lt;b\\u0026gt;x" in html
    assert "cmgis-legend" in html and "no data" in html
    assert "streets and relief from the bundled data (offline)" in html
    assert "L.control.scale({metric: true, imperial: false})" in html  # no miles
    assert "L.control.scale()" not in html
    assert "new L.Control.Measure(" in html
    assert "L.control.fullscreen" in html
    assert '"maxZoom": 18' in html
    assert "tile.openstreetmap.org" not in html
    loaded = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert [u for u in loaded if not u.startswith("/app/static/vendor/")] == []
    # the relief is drawn first (bottom), below the indicator classes and the zones
    assert html.index("L.imageOverlay") < html.index("L.geoJson(")
    online = (
        webmap.build_map(
            layers[:1], center=(18.79, 98.98), zoom=13, lang="th", credits=[], basemap="osm"
        )
        .get_root()
        .render()
    )
    assert "tile.openstreetmap.org" in online
    assert json.dumps("OpenStreetMap (ออนไลน์)")[1:-1] in online  # legend note, JSON-encoded
    with pytest.raises(InputError):
        webmap.build_map(layers, center=(0, 0), zoom=3, lang="en", credits=[], basemap="x")


def test_project_labels_carry_code_title_and_approximate_flag() -> None:
    row = {"code": "P06", "title_en": "Mae Kha <canal>", "title_th": "", "approximate": True}
    assert webmap.feature_label("projects", row, "th") == ("P06 Mae Kha <canal> (ขอบเขตโดยประมาณ)")
    assert escape_map_text(webmap.feature_label("projects", row, "en")).startswith(
        "P06 Mae Kha &lt;canal&gt;"
    )


def test_multipoints_become_one_feature_per_point() -> None:
    gdf = gpd.GeoDataFrame(
        {"code": ["P07"], "title_en": ["Co-working spread out"], "approximate": [False]},
        geometry=[MultiPoint([(98.97, 18.79), (98.99, 18.80)])],
        crs="EPSG:4326",
    )
    fc = webmap.feature_collection(gdf, layer_id="projects", lang="en", detail=1)
    assert [f["geometry"]["type"] for f in fc["features"]] == ["Point", "Point"]
    assert {f["properties"]["label"] for f in fc["features"]} == {"P07 Co-working spread out"}


def test_map_with_popups_loads_jquery_and_lean_map_does_not() -> None:
    """folium.Popup fills its content with jQuery's ``$`` (the workshop overlay has popups)."""
    layers = [webmap.WebLayer("pois", "POIs", cluster_rows=((18.79, 98.98, "A"),))]
    kwargs = {"center": (18.79, 98.98), "zoom": 13, "lang": "en", "credits": []}
    lean = webmap.build_map(layers, **kwargs).get_root().render()  # type: ignore[arg-type]
    assert "jquery" not in lean.lower()
    group = folium.FeatureGroup(name="Workshop")
    folium.CircleMarker([18.79, 98.98], popup=folium.Popup("Market")).add_to(group)
    overlay = webmap.Overlay(group, None)
    html = webmap.build_map(layers, overlays=[overlay], **kwargs).get_root().render()  # type: ignore[arg-type]
    assert re.search(r"<script src=\"[^\"]*jquery[^\"]*\.js\"", html)
    assert html.index("jquery") < html.index("L.popup(")


@pytest.mark.parametrize(
    ("basemap", "layer_ids", "shown"),
    [
        ("relief", ["elevation", "zones"], "relief"),
        ("relief", ["zones"], "none"),
        ("osm", ["zones"], "osm"),
    ],
)
def test_shown_basemap_follows_the_elevation_layer(
    basemap: str, layer_ids: list[str], shown: str
) -> None:
    assert webmap.shown_basemap(basemap, layer_ids) == shown
