"""Text on a map is never run as a Jinja template on the server (`cmgis.maps.literal_render`).

branca compiles each element's rendered output again as a template; before the fix a
workshop title such as ``{{ 987654321 + 111111111 }}`` showed as ``1098765432`` and
``{{ lipsum.__globals__.os.… }}`` reached Python's ``os`` module.
"""

from __future__ import annotations

import copy
import os

import folium
import pytest

from cmgis.map_text import escape_map_text
from cmgis.maps import drawing_map, live_map
from cmgis.store import Store
from cmgis.workshop import add_contribution, contributions_frame, create_workshop, join_workshop

SUM = "{{ 987654321 + 111111111 }}"
#: sets an environment variable named after the function (no quotes: they are escaped)
GADGET = "{{ lipsum.__globals__.os.environ.setdefault(lipsum.__name__, lipsum.__name__) }}"
BROKEN = "{{ & {% if"
LOOP = "{% for x in range(3) %}XYZ{% endfor %}"


@pytest.fixture(autouse=True)
def _no_marker_env() -> None:
    os.environ.pop("generate_lorem_ipsum", None)


def _rendered(fmap: folium.Map) -> str:
    html: str = fmap.get_root().render()
    return html


def test_jinja_in_popups_and_data_stays_text() -> None:
    fmap = folium.Map()
    for text in (SUM, GADGET, BROKEN, LOOP):
        safe = escape_map_text(text)
        folium.Marker([18.79, 98.98], popup=folium.Popup(safe), tooltip=safe).add_to(fmap)
    raw = {"type": "Feature", "properties": {"note": SUM + GADGET},
           "geometry": {"type": "Point", "coordinates": [98.98, 18.79]}}  # fmt: skip
    folium.GeoJson(raw).add_to(fmap)
    for page in (_rendered(fmap), _rendered(copy.deepcopy(fmap))):  # a kept base is copied
        assert "1098765432" not in page
        assert "XYZXYZ" not in page
        assert "987654321 + 111111111" in page
        assert "lipsum.__globals__.os.environ.setdefault" in page
    assert "generate_lorem_ipsum" not in os.environ


def test_a_workshop_title_with_jinja_is_shown_as_typed(store: Store) -> None:
    ws = create_workshop(store, title="hall", pin="2468")
    who = join_workshop(store, ws.code, SUM)
    for title in (SUM, GADGET, BROKEN):
        add_contribution(
            store, who, category="asset", strategy="drivers", title=title, comment=LOOP,
            geometry={"type": "Point", "coordinates": [98.9932, 18.7905]},
        )  # fmt: skip
    frame = contributions_frame(store, ws.id)
    parts = live_map(frame)
    parts.layers.add_to(parts.base)
    for page in (_rendered(drawing_map(frame)), _rendered(parts.base)):
        assert "1098765432" not in page and "XYZXYZ" not in page
        assert "987654321 + 111111111" in page
    assert "generate_lorem_ipsum" not in os.environ
