"""Real browser (issue 17): sign in, edit a project, sign out and the edit controls are gone;
the ``--public`` app shows no edit control, and an edit replayed to it writes nothing.

Two servers of their own, both started with ``cmgis app`` (so its address and
``--public`` handling is what runs) on one store seeded with an editor account before
they start: the normal app and the public one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cmgis.accounts import add_account
from cmgis.plan.edits import history
from cmgis.store import open_app_store
from tests.browser.conftest import (
    ARTIFACTS_DIR,
    CHROMIUM_ARGS,  # noqa: F401  (same browser flags as the shared fixture)
    REPO_ROOT,
    _free_port,
    _healthy,
    stop_server,
)

PASSWORD = "editor-Secret-0815"
SIDEBAR = "[data-testid='stSidebar']"


@dataclass
class Servers:
    app: str
    public: str
    db: Path
    #: a third app on a store without accounts (the local editor): the replay's control
    local: str
    local_db: Path
    #: the normal app's log (quoted when a page does not show what a test waits for)
    app_log: Path


def _start(db: Path, log: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = dict(os.environ, CMGIS_DB=str(db), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.pop("CMGIS_PUBLIC", None)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)])
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cmgis.cli.main", "app", "--port", str(port), *extra],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while not _healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_server(proc)
            raise RuntimeError(f"cmgis app did not start: {log.read_text(errors='replace')}")
        time.sleep(0.3)
    return proc, url


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    tmp = tmp_path_factory.mktemp("accounts_servers")
    db = tmp / "cmgis.sqlite"
    with open_app_store(db) as store:
        add_account(store, "nok", PASSWORD, role="editor", display_name="Nok Kaew")
    local_db = tmp / "local.sqlite"
    started: list[subprocess.Popen[bytes]] = []
    try:
        app, app_url = _start(db, tmp / "app.log")
        started.append(app)
        public, public_url = _start(db, tmp / "public.log", "--public")
        started.append(public)
        local, local_url = _start(local_db, tmp / "local.log")
        started.append(local)
        yield Servers(app_url, public_url, db, local_url, local_db, tmp / "app.log")
    finally:
        for proc in started:
            stop_server(proc)


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    try:
        yield pg
    finally:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS_DIR / f"{request.node.name}.png"), full_page=True)
        context.close()


def _idle(pg: Any) -> None:
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                         timeout=60_000)  # fmt: skip


def _sign_in(pg: Any, url: str) -> None:
    pg.goto(f"{url}/sign-in")
    _idle(pg)
    pg.get_by_role("textbox", name="Username").fill("nok")
    pg.get_by_role("textbox", name="Password").fill(PASSWORD)
    pg.get_by_role("button", name="Sign in").click()
    pg.locator(SIDEBAR).get_by_text("Signed in: Nok Kaew (nok, editor)").wait_for(timeout=60_000)


def _open_projects(pg: Any) -> None:
    """The Projects page by the sidebar's navigation (the browser session is kept)."""
    pg.locator("[data-testid='stSidebarNav']").get_by_text("Projects", exact=True).click()
    pg.get_by_role("heading", name=re.compile("projects", re.I)).first.wait_for(timeout=60_000)
    _idle(pg)


def _shown(pg: Any, locator: Any, what: str, log: Path | None = None) -> None:
    """Wait until ``locator`` is visible; if it never is, fail with what the page shows
    instead (and the end of the server's ``log``), so a CI failure says why."""
    try:
        locator.wait_for(timeout=60_000)
    except Exception as err:  # playwright's TimeoutError
        body = pg.locator("body").inner_text(timeout=5_000)
        tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
        raise AssertionError(
            f"{what} not shown at {pg.url}\n--- the page:\n{body[:3000]}\n--- server log:\n{tail}"
        ) from err


def _edit_form(pg: Any) -> Any:
    """The visible project form with the officials' notes (the edit form of the open tab)."""
    return pg.locator("[data-testid='stForm']:visible").filter(
        has=pg.get_by_label("Officials' notes")
    )


def _save_note(pg: Any, note: str) -> None:
    form = _edit_form(pg).first
    form.wait_for(timeout=60_000)
    form.get_by_label("Officials' notes").fill(note)
    form.get_by_role("button", name="Save").click()
    pg.get_by_text(re.compile(r"^Saved ")).wait_for(timeout=60_000)


def test_sign_in_edit_a_project_sign_out(page: Any, servers: Servers) -> None:
    _sign_in(page, servers.app)
    _open_projects(page)
    # the project chooser and its edit form (an editor is signed in)
    code = page.get_by_test_id("stSelectbox").filter(has_text="Project").first
    _shown(page, code, "the Projects page's project chooser", servers.app_log)
    _shown(page, _edit_form(page).first, "the project's edit form", servers.app_log)
    _save_note(page, "checked on site by Nok")
    with open_app_store(servers.db) as store:
        latest = history(store)[0]
    assert (latest.account, latest.verified, latest.by_user) == ("nok", True, "Nok Kaew")
    assert latest.after["fields"]["notes"] == "checked on site by Nok"
    page.locator(SIDEBAR).get_by_role("button", name="Sign out").click()
    page.locator(SIDEBAR).get_by_text("Not signed in: viewing only").wait_for(timeout=60_000)
    _idle(page)
    assert _edit_form(page).count() == 0
    assert page.get_by_role("button", name="Save").count() == 0
    assert page.get_by_role("button", name="Add", exact=True).count() == 0
    assert page.get_by_text("needs an editor account").first.is_visible()


def _replay(browser: Any, url: str, frames: list[Any], check: Any) -> None:
    """Open ``url``/projects, send ``frames`` on its websocket as the browser would, and
    call ``check(page)`` first."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    sockets: list[Any] = []

    def route(ws: Any) -> None:
        sockets.append(ws.connect_to_server())  # pass everything through, keep the server end

    pg.route_web_socket(re.compile(r".*/_stcore/stream"), route)
    try:
        pg.goto(f"{url}/projects")
        _idle(pg)
        check(pg)
        assert sockets
        for frame in frames:
            sockets[-1].send(frame)
        pg.wait_for_timeout(3000)
        _idle(pg)
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        name = "replayed_" + re.sub(r"\W+", "_", url)
        pg.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)
    finally:
        context.close()


def test_public_app_has_no_edit_control_and_a_replayed_edit_writes_nothing(
    page: Any, browser: Any, servers: Servers
) -> None:
    # 1. what the browser sends when the local editor saves a note, recorded
    sent: list[Any] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(f"{servers.local}/projects")
    _idle(page)
    form = _edit_form(page).first
    form.get_by_role("textbox", name="Your name").fill("Nok")
    before_save = len(sent)
    _save_note(page, "note to replay")
    save_frames = sent[before_save:]
    assert save_frames, "no websocket message recorded for the save"

    def notes(db: Path) -> list[str]:
        with open_app_store(db) as store:
            return [str(c.after["fields"].get("notes")) for c in history(store)]

    assert notes(servers.local_db) == ["note to replay"]
    # the control: the same frames from another browser session on that app write again,
    # so what is replayed below is a real edit request
    _replay(browser, servers.local, save_frames, lambda pg: None)
    assert notes(servers.local_db) == ["note to replay", "note to replay"]

    # 2. the public app: no sign-in, no edit control
    def public_page(pub: Any) -> None:
        assert pub.locator(SIDEBAR).get_by_text("Public read-only app").is_visible()
        assert pub.locator("[data-testid='stSidebarNav']").get_by_text("Sign in").count() == 0
        assert pub.locator("[data-testid='stSidebarNav']").get_by_text("Workshop").count() == 0
        assert _edit_form(pub).count() == 0
        assert pub.get_by_role("button", name="Save").count() == 0
        assert pub.get_by_role("button", name="Import").count() == 0
        assert pub.get_by_text("public read-only app").first.is_visible()
        # the map has the projects but no drawing tools (a drawn shape could not be saved)
        frame = pub.frame_locator("iframe[title*='streamlit_folium']").first
        frame.locator(".leaflet-container").wait_for(timeout=60_000)
        assert frame.locator(".leaflet-draw-draw-marker").count() == 0

    # 3. the recorded save, sent to the public app as a crafted request: nothing written
    before = notes(servers.db)
    _replay(browser, servers.public, save_frames, public_page)
    assert notes(servers.db) == before


def _session_cookie(page: Any) -> dict[str, Any] | None:
    found = [c for c in page.context.cookies() if c["name"].startswith("cmgis_session_")]
    return found[0] if found else None


def test_sign_in_survives_a_reload_and_a_new_tab_until_sign_out(
    page: Any, servers: Servers
) -> None:
    _sign_in(page, servers.app)
    deadline = time.monotonic() + 10
    while (cookie := _session_cookie(page)) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert cookie is not None, page.locator(SIDEBAR).inner_html()
    port = servers.app.rsplit(":", 1)[1]
    assert cookie["name"] == f"cmgis_session_{port}"  # one cookie per app (port)
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert cookie["expires"] > time.time() + 7 * 3600  # as long as the session (8 h)
    page.reload()
    _idle(page)
    signed_in = page.locator(SIDEBAR).get_by_text("Signed in: Nok Kaew (nok, editor)")
    signed_in.wait_for(timeout=60_000)
    _open_projects(page)
    _edit_form(page).first.wait_for(timeout=60_000)  # the edit controls are back too
    tab = page.context.new_page()  # a new tab of the same browser
    tab.goto(f"{servers.app}/projects")
    tab.locator(SIDEBAR).get_by_text("Signed in: Nok Kaew (nok, editor)").wait_for(timeout=60_000)
    tab.close()
    old = dict(cookie)
    page.locator(SIDEBAR).get_by_role("button", name="Sign out").click()
    page.locator(SIDEBAR).get_by_text("Not signed in: viewing only").wait_for(timeout=60_000)
    _idle(page)
    deadline = time.monotonic() + 10
    while _session_cookie(page) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _session_cookie(page) is None, "the cookie outlived the sign-out"
    # the old token put back by hand (a copied cookie) signs nobody in: the store ended it
    page.context.add_cookies([{k: old[k] for k in ("name", "value", "domain", "path")}])
    page.reload()
    _idle(page)
    page.locator(SIDEBAR).get_by_text("Not signed in: viewing only").wait_for(timeout=60_000)
    assert page.locator(SIDEBAR).get_by_role("button", name="Sign out").count() == 0
    assert _edit_form(page).count() == 0
