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


def test_parse_scheme_k_ids_and_zones() -> None:
    assert state.parse_scheme("natural_breaks") == "natural_breaks"
    assert state.parse_scheme("jenks") is None
    assert state.parse_scheme(None) is None
    assert state.parse_k("7") == 7
    assert state.parse_k("1") is None  # a choropleth needs two classes or more
    assert state.parse_k("10") is None
    assert state.parse_k("-3") is None
    assert state.parse_k("5.0") is None
    assert state.parse_id("0f3a9c") == "0f3a9c"
    assert state.parse_id("1.1.1") == "1.1.1"
    assert state.parse_id("../etc") is None
    assert state.parse_id("a b") is None
    assert state.parse_id("x" * 65) is None
    assert state.parse_zones("nimman, mae_hia,bogus,nimman") == ["nimman", "mae_hia"]
    assert state.parse_zones("") == []
    assert state.parse_zones(None) is None
