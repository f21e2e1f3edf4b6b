"""Tests of cmgis.webmap: offline assets, map builders, legends and popups."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import folium
import folium.plugins
import pytest

from cmgis import webmap

REPO_ROOT = Path(__file__).resolve().parents[1]
STATIC_DIR = REPO_ROOT / "static"


@pytest.fixture
def local_assets() -> Iterator[None]:
    webmap.use_local_assets()
    yield
    webmap.use_local_assets()


def _asset_urls() -> list[str]:
    urls = []
    for cls in webmap.LOCAL_ASSET_CLASSES:
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
    webmap.use_local_assets()
    assert _asset_urls() == first
    webmap.use_local_assets("vendor/")
    assert all(u.startswith("vendor/") and "//" not in u for u in _asset_urls())
    webmap.use_local_assets()
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
        webmap.use_cdn_assets()
        assert all(u.startswith("https://") for u in _asset_urls())
    finally:
        webmap.use_local_assets()
