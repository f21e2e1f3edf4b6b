"""Leaflet.draw's toolbar and guide in the page's language (`cmgis.maps.draw`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import folium
import pytest
from streamlit_folium import _get_map_string

from cmgis.data.layers import load_layer
from cmgis.i18n import LANGS
from cmgis.maps.draw import draw_control, draw_text, draw_text_js
from cmgis.maps.projects import projects_map
from cmgis.maps.workshop import drawing_map
from cmgis.store import open_app_store
from cmgis.workshop import contributions_frame
from tests.test_projects_map import _projects

# every string Leaflet.draw 1.0.4 shows while a person draws or deletes (L.drawLocal)
ACTIONS = ("toolbar.actions.text", "toolbar.finish.text", "toolbar.undo.text")


def test_every_language_has_the_toolbar_actions_and_guides() -> None:
    for lang in LANGS:
        text = draw_text(lang)
        for path in ACTIONS:
            node = text["draw"]
            for part in path.split("."):
                node = node[part]
            assert isinstance(node, str) and node
        for shape in ("marker", "polyline", "polygon"):
            assert text["draw"]["handlers"][shape]["tooltip"]["start"]
        assert text["edit"]["toolbar"]["buttons"]["remove"]
    assert draw_text("th")["draw"]["toolbar"]["finish"]["text"] == "เสร็จ"
    assert draw_text("en")["draw"]["toolbar"]["finish"]["text"] == "Finish"


def test_the_strings_are_set_before_the_control_is_made() -> None:
    fmap = folium.Map()
    draw_control("th", export=False).add_to(fmap)
    for script in (fmap.get_root().render(), _get_map_string(fmap)):
        merged = script.find("merge(L.drawLocal")
        made = script.find("new L.Control.Draw")
        assert 0 <= merged < made
        payload = re.search(r"\}\)\((\{.*?\})\);", script[merged:], re.S)
        assert payload is not None
        assert json.loads(payload.group(1)) == draw_text("th")
    assert "drawnItems" in _get_map_string(fmap)  # streamlit-folium still finds the drawing


def test_no_closing_tag_can_leave_the_script() -> None:
    assert "</" not in draw_text_js("th") and "</" not in draw_text_js("en")


@pytest.mark.parametrize("lang", LANGS)
def test_the_workshop_and_projects_maps_draw_in_the_page_language(
    lang: str, tmp_path: Path
) -> None:
    want = draw_text_js(lang)
    store = open_app_store(tmp_path / "w.sqlite")
    try:
        workshop = drawing_map(contributions_frame(store, "no-such-workshop"), lang=lang)
    finally:
        store.close()
    assert want in workshop.get_root().render()
    projects = projects_map(load_layer("zones"), _projects(), lang=lang, credits=["c"],
                            center=(18.79, 98.975))  # fmt: skip
    assert want in projects.get_root().render()


def test_projects_map_has_no_drawing_tools_for_people_who_may_not_add() -> None:
    kwargs: dict[str, Any] = {"lang": "en", "credits": ["c"], "center": (18.79, 98.975)}
    zones = load_layer("zones")
    assert "L.Control.Draw" in projects_map(zones, _projects(), **kwargs).get_root().render()
    viewer = projects_map(zones, _projects(), drawing=False, **kwargs).get_root().render()
    assert "L.Control.Draw" not in viewer
