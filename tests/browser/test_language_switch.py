"""Switching the language with the sidebar radio keeps every page working (issue 12).

Streamlit 1.67 keeps a keyed select widget's value as the option's *label*; when the
labels change with the language the old label came back as the value (e.g.
``UnknownLayerError: unknown layer 'Zones (5 districts)'``). Each page is opened in
English, its choice widgets are set away from their defaults, the language is switched
to Thai and back: no exception may show, and the choices must survive.
"""

from __future__ import annotations

from typing import Any

import pytest

PAGES = ("home", "map", "zones", "projects", "workshop", "suitability", "export", "about")


def _switch(app_page: Any, label: str) -> None:
    app_page.page.locator("[data-testid='stSidebar'] label").filter(has_text=label).first.click()
    app_page.page.wait_for_timeout(500)
    app_page.wait_idle()


def _no_exception(app_page: Any, where: str) -> None:
    page = app_page.page
    page.wait_for_timeout(300)
    shown = page.locator("[data-testid='stException']")
    assert shown.count() == 0, f"{where}: {shown.first.inner_text()[:400]}"
    errors = page.locator("[data-testid='stAlertContentError']")
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()[:400]}"


def _set_choices(app_page: Any) -> int:
    """Pick the second option of every radio on the page; returns how many were set."""
    page = app_page.page
    groups = page.locator("[data-testid='stMain'] [data-testid='stRadio']")
    count = groups.count()
    for i in range(count):
        options = groups.nth(i).locator("[data-testid='stRadioOption']")
        if options.count() > 1 and groups.nth(i).locator("input:disabled").count() == 0:
            options.nth(1).click()
            app_page.wait_idle()
    return count


@pytest.mark.parametrize("page_id", PAGES)
def test_language_switch_keeps_page_working(app_page: Any, page_id: str) -> None:
    app_page.open(f"{page_id}?lang=en")
    app_page.wait_idle()
    app_page.page.wait_for_timeout(1000)
    _set_choices(app_page)
    _no_exception(app_page, f"{page_id} en")
    _switch(app_page, "ไทย")
    _no_exception(app_page, f"{page_id} th")
    _switch(app_page, "English")
    _no_exception(app_page, f"{page_id} back to en")
    _switch(app_page, "ไทย")
    _no_exception(app_page, f"{page_id} th again")
    assert "lang=th" in app_page.page.url


def test_map_choices_survive_language_switch(app_page: Any) -> None:
    page = app_page.page
    app_page.open("map?lang=en")
    app_page.wait_idle()
    page.locator("label").filter(has_text="Tambons (16)").first.click()
    app_page.wait_idle()
    page.wait_for_url("**page=map**", timeout=10_000)
    _switch(app_page, "ไทย")
    _no_exception(app_page, "map th")
    # the Tambons choice is still the chosen one, now with its Thai label
    checked = page.locator("[data-testid='stMain'] [data-testid='stRadio'] input:checked")
    assert checked.count() >= 1
    _switch(app_page, "English")
    _no_exception(app_page, "map en")
    chosen = page.locator("[data-testid='stRadioOption']").filter(has_text="Tambons (16)")
    assert chosen.locator("input").first.is_checked()
