"""Workshop maps in a real Chromium hold against the script payloads of every map text.

A published workshop whose title, group names, contribution titles and comments carry
each payload of `tests.test_map_text.PAYLOADS` (backtick, ``${``, backslash,
``</script>``, quotes, ``<img onerror>``, ``javascript:``) is shown on the Map page's
workshop overlay and on the facilitator's live map: nothing runs, no dialog opens, the map
draws, and a popup shows the text as typed.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import fill_facilitator_login
from tests.test_map_text import PAYLOADS

pytestmark = pytest.mark.own_server

PIN = "8642"


def _server_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store the session's Streamlit server uses (``conftest.streamlit_url``)."""
    found = sorted(tmp_path_factory.getbasetemp().glob("browser_server_store*/cmgis.sqlite"))
    assert found, "the Streamlit server's store was not found"
    return found[0]


_SEED = """
import json, sys
from shapely.geometry import Point
from cmgis import workshop as sk
from cmgis.store import open_app_store
from tests.test_map_text import PAYLOADS
with open_app_store(sys.argv[1]) as store:
    ws = sk.create_workshop(store, title="Payloads " + PAYLOADS[0], pin=sys.argv[2])
    zones = sk.default_zone_index()
    for i, payload in enumerate(PAYLOADS):
        group = sk.join_workshop(store, ws.code, f"g{i} {payload}"[:60])
        sk.add_contribution(
            store, group, category="asset", strategy="default", title=payload,
            comment=payload, geometry=Point(98.955 + i / 500, 18.79), zones=zones,
        )
    sk.set_published(store, ws.code, sys.argv[2], published=True)
print(json.dumps({"code": ws.code, "title": ws.title}))
"""


def _seed(db: Path) -> dict[str, str]:
    """Seed the server's store from a separate process, as another app instance would."""
    out = subprocess.run(
        [sys.executable, "-c", _SEED, str(db), PIN],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    seeded: dict[str, str] = json.loads(out.stdout)
    with sqlite3.connect(db) as conn:  # it is in the file the server reads
        titles = [r[0] for r in conn.execute("SELECT title FROM workshop_workshops")]
    assert seeded["title"] in titles
    return seeded


def _assert_inert(app_page: Any, dialogs: list[str]) -> None:
    page = app_page.page
    for frame in page.frames:
        assert frame.evaluate("() => window.__pwned === undefined"), frame.url
    assert dialogs == []
    assert app_page.external_requests == []


def _popup_texts(frame: Any, count: int) -> list[str]:
    """Open the popups of the first ``count`` workshop markers and read them."""
    texts = []
    # the seeded contributions are "asset" points: circle markers in the asset colour
    markers = frame.locator("path.leaflet-interactive[stroke='#1b9e77']")
    markers.first.wait_for(timeout=30_000)
    for i in range(min(count, markers.count())):
        markers.nth(i).dispatch_event("click")
        popup = frame.locator(".leaflet-popup-content").last  # the newest one
        popup.wait_for(timeout=10_000)
        texts.append(popup.inner_text())
    return texts


def test_workshop_overlay_and_live_map_show_payloads_as_text(
    app_page: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = app_page.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    app_page.open("map?lang=en")  # starts the server, which creates its store
    app_page.map_frame().locator(".leaflet-container").wait_for(timeout=30_000)
    ws = _seed(_server_store(tmp_path_factory))

    # the Map page's workshop overlay
    app_page.open("map?lang=en")
    app_page.map_frame().locator(".leaflet-container").wait_for(timeout=30_000)
    app_page.wait_idle()
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Workshop contributions")
    picker.locator("input").click()
    page.keyboard.type("Payloads")  # the select filters its options by what is typed
    page.keyboard.press("Enter")
    app_page.wait_idle()
    frame = app_page.map_frame()
    shown = " ".join(_popup_texts(frame, len(PAYLOADS)))
    assert any(p in shown for p in PAYLOADS), shown
    app_page.screenshot("overlay")
    _assert_inert(app_page, dialogs)

    # the facilitator's live map
    app_page.open("workshop?lang=en")
    app_page.wait_idle()
    page.locator("label").filter(has_text="Facilitator").first.click()
    fill_facilitator_login(page, ws["code"], PIN)
    facilitating = page.locator("[data-testid='stMetric']").first
    app_page.click_until(page.get_by_role("button", name="Open the facilitator view"), facilitating)
    live = app_page.map_frame()
    texts = _popup_texts(live, len(PAYLOADS))
    assert any(p in t for t in texts for p in PAYLOADS), texts
    app_page.screenshot("live")
    _assert_inert(app_page, dialogs)
