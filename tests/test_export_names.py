"""File names of exports and printed maps say what is inside."""

from __future__ import annotations

import datetime as dt

from cmgis.export import export_file_stem, print_file_name

DAY = dt.date(2026, 11, 29)


def test_export_name_has_layers_crs_and_date() -> None:
    assert export_file_stem(["zones"], crs="EPSG:24047", date=DAY) == (
        "cmgis_zones_EPSG24047_2026-11-29"
    )
    assert export_file_stem("all", crs=4326, date=DAY) == "cmgis_all_layers_EPSG4326_2026-11-29"


def test_export_name_of_many_and_odd_ids_is_short_and_safe() -> None:
    ids = ["zones", "user:ที่ดิน 1", "workshop:AB12CD", "suitability:medical@10", "roads"]
    stem = export_file_stem(ids, crs="EPSG:32647", date=DAY)
    assert stem == "cmgis_zones_user_1_workshop_AB12CD_and_2_more_EPSG32647_2026-11-29"
    assert all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in stem)


def test_print_name_says_the_indicator_or_the_layers() -> None:
    assert print_file_name(["zones"], suffix="pdf", indicator="population_density", date=DAY) == (
        "cmgis_map_population_density_2026-11-29.pdf"
    )
    assert print_file_name(["zones", "tambons"], suffix=".PNG", date=DAY) == (
        "cmgis_map_zones_tambons_2026-11-29.png"
    )
    assert print_file_name([], suffix="pdf", date=DAY) == "cmgis_map_2026-11-29.pdf"
