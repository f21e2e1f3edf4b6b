"""Markdown escaping of user text (`ui.display.escape_markdown`), alone and on the pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cmgis.store import open_app_store
from cmgis.user_layers import records as ul
from tests.test_user_layers import PARAMS, candidate_fixture
from ui.display import escape_markdown

APP = str(Path(__file__).resolve().parents[2] / "app.py")
#: An imported attribute that would fetch an outside image and make live links (issue 16).
MARKDOWN_PAYLOAD = "![t](http://198.51.100.7/t.png) https://evil.example/login"


def test_escape_markdown_keeps_text_literal() -> None:
    text = "**bold** [link](http://x) ![img](http://x/i.png) <b>$x$</b>\nline"
    escaped = escape_markdown(text)
    assert "\\*\\*bold\\*\\*" in escaped
    assert "\\!\\[img\\]" in escaped
    assert "\\<b\\>" in escaped
    assert escaped.endswith("  \nline")
    assert escape_markdown("ย่านนิมมาน") == "ย่านนิมมาน"
    assert "http\\:\u2060//" in escape_markdown("http://example.com")  # not autolinked
    assert "www\u2060" in escape_markdown("www.evil.example")
    assert escape_markdown(None) == ""
    assert escape_markdown(ValueError("bad [x](y)")) == "bad \\[x\\]\\(y\\)"


def test_every_markdown_character_is_escaped() -> None:
    escaped = escape_markdown(MARKDOWN_PAYLOAD)
    assert "](" not in escaped and "![" not in escaped
    assert "https://" not in escaped  # a word joiner after ':' keeps it from being a link


@pytest.fixture
def payload_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(db))
    layer = candidate_fixture()
    layer.loc[0, "name_en"] = MARKDOWN_PAYLOAD
    with open_app_store(db) as store:
        record = ul.save_candidate_layer(
            store, layer, name="Imported [x](http://evil.example)", created_by="me",
            parameters=PARAMS,
        )  # fmt: skip
    return record


def test_clicked_candidate_heading_is_escaped_on_the_map_page(payload_layer) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "map"
    at.session_state["map_candidate"] = (payload_layer.slug, "candidate_01")
    at.run()
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert escape_markdown(MARKDOWN_PAYLOAD) in headings
    assert MARKDOWN_PAYLOAD not in headings
    captions = " ".join(c.value for c in at.caption)
    assert escape_markdown("Imported [x](http://evil.example)") in captions


def test_map_page_workshop_overlay_keeps_payloads_out_of_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shapely.geometry import Point

    from cmgis import workshop as sk
    from tests.test_map_text import PAYLOADS
    from tests.workshop_support import make_zone_index

    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(db))
    with open_app_store(db) as store:
        ws = sk.create_workshop(store, title="Workshop " + PAYLOADS[0], pin="8642")
        for i, payload in enumerate(PAYLOADS):
            group = sk.join_workshop(store, ws.code, f"g{i} {payload}"[:60])
            sk.add_contribution(
                store, group, category="asset", strategy="default", title=payload,
                comment=payload, geometry=Point(98.961 + i / 1000, 18.795),
                zones=make_zone_index(),
            )  # fmt: skip
        sk.set_published(store, ws.code, "8642", published=True)  # the Map page lists it
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "map"
    at.run()
    at.selectbox(key="_w_map_workshop").set_value(ws.id).run()
    assert not at.exception
    page = next(str(e.proto.json_args) for e in at.main if type(e).__name__ == "UnknownElement")
    assert page.count("bindTooltip") >= len(PAYLOADS)
    for marker in ("${window", "</script><script>window", "<img src=x", "`); window"):
        assert marker not in page
