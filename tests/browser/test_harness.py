"""The browser harness itself: the app starts, and the request log sees what it should."""

from __future__ import annotations

from typing import Any


def test_app_starts_and_loads_only_local_resources(app_page: Any) -> None:
    app_page.open()
    app_page.wait_idle()
    assert app_page.page.locator("[data-testid='stApp']").is_visible()
    assert app_page.failed_requests == []
    assert app_page.external_requests == []
