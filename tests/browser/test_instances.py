"""Two app instances on one PostGIS database behave as one app (issue 14).

Two ``streamlit run app.py`` processes share one PostgreSQL/PostGIS schema of the session's
throwaway cluster. A group joins and saves a note through instance A in one browser; the
facilitator's live view, open in another browser on instance B, shows the group and the
contribution at its next refresh, without a reload.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from cmgis.store import open_app_store
from cmgis.workshop import create_workshop, list_contributions
from tests.browser.conftest import (
    ARTIFACTS_DIR,
    click_until,
    fill_facilitator_login,
    streamlit_server,
)
from tests.pg_support import PgCluster

PIN = "8642"
TITLE = "ลานกิจกรรมริมคลอง (instance A)"


def _metric(page: Any, label: str) -> Any:
    return page.locator("[data-testid='stMetric']").filter(has_text=label).first


def _open_workshop(page: Any, base_url: str) -> None:
    page.goto(base_url, wait_until="load")
    page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
    page.locator("[data-testid='stSidebarNav'] a", has_text="Workshop").click()
    page.get_by_text("Facilitator: create a workshop").wait_for(timeout=60_000)


def _idle(page: Any) -> None:
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )


def test_contribution_through_one_instance_shows_in_the_other_s_live_view(
    browser: Any, pg_cluster: PgCluster, tmp_path: Path
) -> None:
    db = pg_cluster.url(schema=pg_cluster.new_schema())
    with open_app_store(db) as store:
        ws = create_workshop(store, title="สองห้อง หนึ่งฐานข้อมูล", pin=PIN, votes_per_group=3)
    with ExitStack() as stack:
        url_a = stack.enter_context(streamlit_server(db, _folder(tmp_path, "a")))
        url_b = stack.enter_context(streamlit_server(db, _folder(tmp_path, "b")))
        assert url_a != url_b
        ctx_a = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        ctx_b = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        stack.callback(ctx_a.close)
        stack.callback(ctx_b.close)
        page_a, page_b = ctx_a.new_page(), ctx_b.new_page()

        # B: the facilitator's live view, refreshed every 5 s
        _open_workshop(page_b, url_b)
        page_b.locator("label").filter(has_text="Facilitator").first.click()
        fill_facilitator_login(page_b, ws.code, PIN)
        contributions = _metric(page_b, "Contributions")
        button = page_b.get_by_role("button", name="Open the facilitator view")
        click_until(page_b, button, contributions)
        assert re.search(r"\b0\b", contributions.inner_text())

        # A: a group joins and saves a note
        _open_workshop(page_a, url_a)
        _idle(page_a)
        code_box = page_a.get_by_label("Join code").first
        name_box = page_a.get_by_label("Group name")
        join = page_a.get_by_role("button", name="Join")

        def type_and_join() -> None:  # a rerun may have cleared what was typed
            if code_box.input_value() != ws.code:
                code_box.fill(ws.code)
            if name_box.input_value() != "กลุ่มห้อง A":
                name_box.fill("กลุ่มห้อง A")
            join.click()

        # "Joined as" shows for one run only: the map's first answer reruns the page, and
        # the group is then on the map, with its form's "Save note"
        joined = (
            page_a.get_by_text("Joined as กลุ่มห้อง A.")
            .or_(page_a.get_by_role("button", name="Save note"))
            .first
        )
        click_until(page_a, join, joined, click=type_and_join)
        page_a.locator("label").filter(has_text="Map and contribute").first.click()
        _idle(page_a)
        page_a.get_by_label("Title", exact=True).fill(TITLE)
        page_a.get_by_role("button", name="Save note").click()
        _idle(page_a)
        page_a.get_by_text("Saved:").first.wait_for(timeout=60_000)

        # B shows it at its next refresh: no reload, another process, the same database
        page_b.wait_for_function(
            """() => [...document.querySelectorAll("[data-testid='stMetric']")]
                .some(m => m.innerText.includes("Contributions") && /\\b1\\b/.test(m.innerText))""",
            timeout=60_000,
        )
        assert re.search(r"\b1\b", _metric(page_b, "Groups").inner_text())
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        page_b.screenshot(path=str(ARTIFACTS_DIR / "two-instances-facilitator-b.png"))
    with open_app_store(db) as store:
        saved = list_contributions(store, ws.id)
    assert [c.title for c in saved] == [TITLE]
    assert saved[0].group_name == "กลุ่มห้อง A"


def _folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder
