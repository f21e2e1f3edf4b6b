"""The URL-state parsers of ui.state: every value from the URL is checked, never trusted."""

from __future__ import annotations

from ui import state


def test_parse_lang() -> None:
    assert state.parse_lang("th") == "th"
    assert state.parse_lang("TH-th") == "th"
    assert state.parse_lang("en") == "en"
    assert state.parse_lang(None) == "en"
    assert state.parse_lang("<script>") == "en"


def test_parse_zone_and_layers() -> None:
    assert state.parse_zone("mae_hia") == "mae_hia"
    assert state.parse_zone("mae hia") is None
    assert state.parse_layers(None) is None
    assert state.parse_layers("") == ()
    assert state.parse_layers("zones, roads,../etc,zones2") == ("zones", "roads")
    assert state.format_layers(["zones", "roads"]) == "zones,roads"


def test_parse_indicator() -> None:
    assert state.parse_indicator("zones:hospitals_count") == ("zones", "hospitals_count")
    assert state.parse_indicator("tambons:internet_speed_mbps") == (
        "tambons",
        "internet_speed_mbps",
    )  # a data gap: drawn as "no data"
    assert state.parse_indicator("provinces:hospitals_count") is None
    assert state.parse_indicator("zones:made_up") is None
    assert state.parse_indicator("hospitals_count") is None
    assert state.format_indicator(("zones", "hospitals_count")) == "zones:hospitals_count"
    assert state.format_indicator(None) == ""


def test_parse_view_round_trip_and_bounds() -> None:
    view = state.parse_view("18.79,98.99,14")
    assert view == (18.79, 98.99, 14)
    assert state.parse_view(state.format_view(view)) == view
    assert state.parse_view("18.79,98.99,30") == (18.79, 98.99, 18)  # zoom clamped
    assert state.parse_view("13.75,100.5,12") is None  # Bangkok: outside the app's area
    assert state.parse_view("nan,98.99,14") is None
    assert state.parse_view("18.79,98.99") is None
    assert state.parse_view("a,b,c") is None
