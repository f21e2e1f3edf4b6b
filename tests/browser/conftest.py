"""Real-browser test harness: one Streamlit server per session, Debian Chromium via Playwright.

Fixtures
--------
streamlit_url
    Session-wide: ``streamlit run app.py`` from the repo root on a free localhost port,
    waited for until ``/_stcore/health`` answers; killed at the end of the session.
browser
    Session-wide headless Chromium (``/usr/bin/chromium``, never ``playwright install``).
app_page
    A fresh page (`AppPage`) that records failed requests (network errors and HTTP >= 400)
    and blocks and records every request to a host other than localhost, so a test can
    assert the app works with no network; uncaught JavaScript errors (any frame) are in
    ``page_errors``. A screenshot of the page is saved to
    ``test-artifacts/<test name>.png`` when the test ends.

Every test here is marked ``browser``. Without ``/usr/bin/chromium`` they are skipped
(CI installs the Debian package, so there they always run).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
#: Streamlit's frontend, opened at a page URL such as /map, first probes its server
#: endpoints under that path (/map/_stcore/health, /map/_stcore/host-config) and falls back
#: to the root when they 404: those probes are not failures of the app.
_STCORE_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")
SERVER_START_TIMEOUT_S = 60.0
#: times a failed browser test is run again before it counts as failed
BROWSER_RERUNS = 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser as ``browser``; skip them without Chromium.

    A browser test that fails is run once more (pytest-rerunfailures; the summary line
    counts each "rerun"), as Playwright's own runner does on CI: on a loaded 2-core
    machine a click can land while Streamlit replaces the page. A real fault fails twice.
    """
    here = Path(__file__).resolve().parent
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install chromium")
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS, reruns_delay=2))
            if not Path(CHROMIUM).exists():
                item.add_marker(skip)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def streamlit_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:<port>``) of ``streamlit run app.py`` from the repo root."""
    # records written through the app (workshops) go to a throw-away store, not the user's
    db = str(tmp_path_factory.mktemp("browser_server_store") / "cmgis.sqlite")
    with streamlit_server(db, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@contextmanager
def streamlit_server(db: str, folder: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free localhost port with ``CMGIS_DB=db``; yields its URL.

    The server's log is ``folder/server.log``; the server is stopped when the block ends.
    Two of them on one PostGIS database are two app instances (tests/browser/test_instances.py).
    """
    port = _free_port()
    env = dict(os.environ)
    # this checkout first, so a worktree's code is what the server runs
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT / "src"), str(REPO_ROOT), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    env["CMGIS_DB"] = db
    log_path = folder / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"streamlit did not become healthy at {url} "
                    f"(exit code {proc.poll()}); log:\n{log_path.read_text(errors='replace')}"
                )
            time.sleep(0.2)
        yield url
    finally:
        stop_server(proc)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started in its own session: SIGTERM, then SIGKILL after 10 s."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright's sync API."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


#: Streamlit has finished the current run (no "running" indicator)
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def click_until(
    page: Any,
    button: Any,
    shown: Any,
    *,
    attempts: int = 3,
    click: Callable[[], object] | None = None,
    on_fail: Callable[[], object] | None = None,
) -> None:
    """Click ``button`` (or call ``click``) until ``shown`` appears: a click given to a
    page still busy with a run (its elements about to be replaced) can be lost under a
    full run's load, and a person would click again. ``on_fail`` runs before the last
    failure is raised (e.g. a screenshot)."""
    for attempt in range(attempts):
        if attempt and not button.count():
            pass  # the click took (its button is gone): give ``shown`` more time
        else:
            (click or button.click)()
        page.wait_for_selector(IDLE, timeout=60_000)
        try:
            shown.wait_for(timeout=20_000 * (attempt + 1))
            return
        except Exception:
            if attempt == attempts - 1:
                if on_fail is not None:
                    on_fail()
                raise


@dataclass
class AppPage:
    """A Playwright page on the app with the request log a test asserts on."""

    page: Any
    base_url: str
    name: str
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def open(self, path: str = "", *, wait_until: str = "load") -> None:
        """Go to ``base_url/path`` (e.g. ``"map?lang=th"``) and wait for Streamlit to start."""
        self.page.goto(f"{self.base_url}/{path.lstrip('/')}", wait_until=wait_until)
        self.page.wait_for_selector("[data-testid='stApp']", timeout=30_000)

    def wait_idle(self, timeout_ms: int = 30_000) -> None:
        """Wait until Streamlit has finished the current run (no "running" indicator)."""
        self.page.wait_for_selector(IDLE, timeout=timeout_ms)

    def tap(self, locator: Any) -> None:
        """A touch tap (not a mouse click) on the middle of ``locator``, scrolled to the
        middle of the screen first: at the top edge Streamlit's header would take it."""
        locator.evaluate("e => e.scrollIntoView({block: 'center'})")
        box = locator.bounding_box()
        assert box is not None, "nothing to tap"
        self.page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    def click_until(
        self, button: Any, shown: Any, *, attempts: int = 3, touch: bool = False
    ) -> None:
        """`click_until` on this page: tap ``button`` when ``touch``; a screenshot when
        ``shown`` never comes."""
        click_until(
            self.page, button, shown, attempts=attempts,
            click=(lambda: self.tap(button)) if touch else None,
            on_fail=lambda: self.screenshot("click-until"),
        )  # fmt: skip

    def choose(self, label: str, option: str, *, deadline_s: float = 90.0) -> None:
        """Pick ``option`` in the selectbox labelled ``label``, as a person would: open the
        list with its arrow button (only when it is closed: a second press would close it)
        and click the option. Retries until ``deadline_s`` while a busy page re-renders."""
        box = self.page.get_by_label(label, exact=True)
        arrow = (
            self.page.locator("[data-testid='stSelectbox']")
            .filter(has=box)
            .get_by_role("button", name="Open")
        )
        wanted = self.page.get_by_role("option", name=option, exact=True)
        end = time.monotonic() + deadline_s
        while True:
            try:
                if box.get_attribute("aria-expanded", timeout=10_000) != "true":
                    arrow.scroll_into_view_if_needed(timeout=10_000)
                    arrow.click(timeout=10_000)
                wanted.wait_for(timeout=5_000)
                wanted.click(timeout=5_000)
                if box.input_value(timeout=5_000) == option:
                    return
            except Exception:
                if time.monotonic() > end:
                    self.screenshot(f"choose-{label[:20]}")
                    raise
            if time.monotonic() > end:
                raise AssertionError(f"{label!r} shows {box.input_value()!r}, not {option!r}")
            self.page.wait_for_timeout(500)

    def place_vertices(self, points: list[tuple[float, float]], *, touch: bool = False) -> None:
        """Put one Leaflet.draw vertex at each page point (a line or polygon tool is on).

        A click given while the browser is busy can be lost (Leaflet.draw also ignores a
        press within 50 ms of the last vertex): each vertex is checked and the click is
        given again if it did not take, as a person would."""
        frame = self.map_frame()
        vertices = frame.locator(".leaflet-marker-icon.leaflet-editing-icon")
        for x, y in points:
            before = vertices.count()
            for attempt in range(3):
                if touch:
                    self.page.touchscreen.tap(x, y)
                else:  # Leaflet.draw follows the pointer with a marker: move there first
                    self.page.mouse.move(x, y, steps=8)
                    self.page.wait_for_timeout(100)
                    self.page.mouse.down()
                    self.page.mouse.up()
                end = time.monotonic() + 3.0
                while vertices.count() == before and time.monotonic() < end:
                    self.page.wait_for_timeout(100)
                if vertices.count() > before:
                    break
                if attempt == 2:
                    self.screenshot("place-vertices")
                    raise AssertionError(f"no vertex at {(x, y)} after 3 clicks")
            self.page.wait_for_timeout(150)

    def map_frame(self) -> Any:
        """The streamlit-folium iframe holding the Leaflet map (a FrameLocator)."""
        return self.page.frame_locator("iframe[title*='streamlit_folium']").first

    def screenshot(self, suffix: str = "") -> Path:
        """Save a full-page screenshot in ``test-artifacts/`` and return its path."""
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        path = ARTIFACTS_DIR / f"{self.name}{('-' + suffix) if suffix else ''}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def fill_facilitator_login(page: Any, code: str, pin: str) -> None:
    """Type ``code`` and ``pin`` into the facilitator's login, just after the page was
    switched to the Facilitator or Projector view.

    Waits for the login form, then until the join view's own "Join code" box is gone (it
    lingers while the run replaces it: "Join code" would name two boxes), and types
    again what a rerun cleared (a field typed just before a rerun may come back empty).
    """
    page.get_by_role("button", name="Open the facilitator view").wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    code_box = page.get_by_label("Join code")
    for _ in range(120):
        if code_box.count() == 1:
            break
        page.wait_for_timeout(500)
    assert code_box.count() == 1, f"{code_box.count()} 'Join code' boxes after 60 s"
    pin_box = page.get_by_label("Facilitator PIN", exact=True)
    for _attempt in range(5):
        if code_box.input_value() != code:
            code_box.fill(code)
            code_box.press("Tab")  # commit the text before the next field
        if pin_box.input_value() != pin:
            pin_box.fill(pin)
            pin_box.press("Tab")
        page.wait_for_selector(IDLE, timeout=60_000)
        if code_box.input_value() == code and pin_box.input_value() == pin:
            return
    raise AssertionError("the facilitator's join code and PIN did not stay typed")


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return (parsed.hostname or "") in LOCAL_HOSTS


@contextmanager
def open_app_page(
    browser: Any, base_url: str, name: str, **context_options: Any
) -> Iterator[AppPage]:
    """A fresh browser context and page on the app (see `app_page`); ``context_options``
    go to ``browser.new_context`` (e.g. a phone: ``viewport``, ``is_mobile``, ``has_touch``).
    """
    options = {"viewport": {"width": 1400, "height": 1000}, "locale": "en-US", **context_options}
    context = browser.new_context(**options)
    page = context.new_page()
    app = AppPage(page=page, base_url=base_url, name=name)

    def on_route(route: Any) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            app.external_requests.append(url)
            route.abort()

    def on_failed(req: Any) -> None:
        if _is_local(req.url) and not _STCORE_PROBE.match(urlparse(req.url).path):
            app.failed_requests.append(f"{req.url} ({req.failure})")

    def on_response(resp: Any) -> None:
        if (
            resp.status >= 400
            and _is_local(resp.url)
            and not _STCORE_PROBE.match(urlparse(resp.url).path)
        ):
            app.failed_requests.append(f"{resp.url} (HTTP {resp.status})")

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            app.console_errors.append(msg.text)

    context.route("**/*", on_route)
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda err: app.page_errors.append(str(err)))
    try:
        yield app
    finally:
        try:
            app.screenshot()
        finally:
            context.close()


@pytest.fixture
def app_page(browser: Any, streamlit_url: str, request: pytest.FixtureRequest) -> Iterator[AppPage]:
    """A fresh browser page on the app; outside hosts are blocked and recorded."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    with open_app_page(browser, streamlit_url, name) as app:
        yield app
