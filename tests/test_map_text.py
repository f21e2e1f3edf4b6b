"""The one escaping rule for text on folium maps (`cmgis.map_text`), in rendered maps too."""

from __future__ import annotations

import html
import math
import re

import folium
import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from cmgis.map_text import escape_map_text

#: The payload set of issue 16: backtick, ``${``, backslash, ``</script>``, quotes,
#: an ``<img onerror>`` and a ``javascript:`` link.
PAYLOADS = (
    "Bike lanes ${window.top.__pwned=21,alert(21)}",
    "tick `); window.top.__pwned=22; alert(22); (` end",
    "back \\` ${window.top.__pwned=23} \\",
    "</script><script>window.top.__pwned=24</script>",
    'q " \' "><img src=x onerror="window.top.__pwned=25">',
    '<a href="javascript:window.top.__pwned=26">javascript:alert(26)</a>',
)
_TEMPLATE_LITERAL = re.compile(r"`(?:[^`\\]|\\.)*`", re.DOTALL)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_text_is_inert_in_html_and_template_literals(payload: str) -> None:
    escaped = escape_map_text(payload)
    for dangerous in ("<", ">", "`", "$", "\\", '"', "'"):
        assert dangerous not in escaped
    assert html.unescape(escaped) == payload  # the browser shows the original text


def test_plain_text_none_and_nan() -> None:
    assert escape_map_text("ตลาดวโรรส Nimman 12") == "ตลาดวโรรส Nimman 12"
    assert escape_map_text(None) == ""
    assert escape_map_text(math.nan) == ""
    assert escape_map_text(3) == "3"


def _template_literals(page: str) -> list[str]:
    return _TEMPLATE_LITERAL.findall(page)


def test_projects_overlay_keeps_payloads_out_of_script() -> None:
    from cmgis.maps.projects import add_projects_overlay

    rows = [
        {"code": f"A{i:03d}", "title_en": p, "title_th": "", "strategy": "drivers",
         "status": "proposed", "notes": p, "lead": p, "partners": p, "activities_en": p,
         "geometry_method": "drawn", "source": p, "geometry": Point(98.96 + i / 100, 18.79)}
        for i, p in enumerate(PAYLOADS)
    ]  # fmt: skip
    projects = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    fmap = folium.Map(tiles=None)
    add_projects_overlay(fmap, projects, lang="en", name=PAYLOADS[1])
    page = fmap.get_root().render()
    for literal in _template_literals(page):
        assert "${" not in literal
        assert "<script" not in literal and "<img" not in literal
    assert "window.top.__pwned" in page  # the text is there, escaped
    for marker in ("${window", "</script><script>window", "<img src=x", 'href="javascript:'):
        assert marker not in page
    assert escape_map_text(PAYLOADS[0]) in page


def test_suitability_and_user_layer_maps_escape_names() -> None:
    from cmgis.maps.suitability import candidates_group, districts_group

    cands = gpd.GeoDataFrame(
        {"rank": [1], "mean_score": [70.0], "area_km2": [0.1], "overlap_zones": [PAYLOADS[2]],
         "name_en": [PAYLOADS[0]]},
        geometry=[box(98.95, 18.78, 98.96, 18.79)], crs="EPSG:4326",
    )  # fmt: skip
    fmap = folium.Map(tiles=None)
    candidates_group(cands, name=PAYLOADS[3], label=PAYLOADS[1]).add_to(fmap)
    districts_group(cands, name=PAYLOADS[4], lang="en").add_to(fmap)
    folium.LayerControl().add_to(fmap)
    page = fmap.get_root().render()
    for literal in _template_literals(page):
        assert "${" not in literal
    for marker in ("${window", "</script><script>window", "<img src=x", "`); window"):
        assert marker not in page
