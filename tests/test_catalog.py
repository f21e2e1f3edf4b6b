"""The catalog: every entry complete, credits as NOTICE.md asks, data gaps listed."""

from __future__ import annotations

import pytest

from cmgis import UnknownLayerError
from cmgis.data.catalog import CREDIT_ADMIN, CREDIT_ELEVATION, CREDIT_OSM, THEMES, load_catalog
from tests.thai_support import THAI, same_numbers_and_units


def test_every_entry_complete() -> None:
    catalog = load_catalog()
    assert len(catalog.layers) >= 13
    for e in catalog.layers:
        for field in (
            "id",
            "title_en",
            "title_th",
            "source",
            "licence",
            "credit",
            "method",
            "date",
        ):
            assert getattr(e, field), f"{e.id}: {field} empty"
        assert e.theme in THEMES
        assert e.feature_count > 0
        assert isinstance(e.approximate, bool)


def test_credits_are_the_three_notice_lines() -> None:
    assert set(load_catalog().credits()) == {CREDIT_OSM, CREDIT_ADMIN, CREDIT_ELEVATION}
    assert load_catalog().credits(["tambons"]) == [CREDIT_ADMIN]


def test_no_data_entries_listed() -> None:
    ids = {e.id for e in load_catalog().no_data}
    assert {
        "internet_speed_mbps",
        "electricity_reliability",
        "bus_routes",
        "population_by_zone",
    } <= ids
    assert all(e.status == "no data" for e in load_catalog().no_data)


def test_no_data_entries_have_thai_with_the_same_numbers() -> None:
    for e in load_catalog().no_data:
        for field in ("why", "wanted_by", "import_hint"):
            en, th = getattr(e, field), getattr(e, f"{field}_th")
            assert THAI.search(th), f"{e.id}: {field}_th"
            assert same_numbers_and_units(en, th), f"{e.id}: {field}_th"
            assert getattr(e, f"{field}_in")("th") == th
            assert getattr(e, f"{field}_in")("en") == en


def test_unknown_entry() -> None:
    with pytest.raises(UnknownLayerError, match="unknown layer 'x'"):
        load_catalog().entry("x")
