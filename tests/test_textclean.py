"""One cleaning rule for typed text, and the CSV formula guard (issue 16 item 6)."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from cmgis import InputError, textclean
from cmgis.export import vector_to_csv_frame
from cmgis.printing import render as printing
from cmgis.store import open_app_store
from cmgis.workshop import (
    add_contribution,
    clean_text,
    create_workshop,
    join_workshop,
)
from cmgis.workshop.exchange import write_csv_summary

RLO = "\u202e"
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", RLO, "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("char", BIDI)
def test_print_title_strips_bidi_like_workshop_text(char: str) -> None:
    typed = f"Report {char}exe.live"
    options = printing.check_options(title=typed)
    assert options.title == "Report exe.live"
    assert clean_text(typed, what="x", max_chars=100) == options.title
    assert textclean.clean_typed_text(typed, what="x", max_chars=100) == options.title


def test_clean_typed_text_rules() -> None:
    clean = textclean.clean_typed_text
    assert clean("a\x00b\x1b[31m\x85c", what="x", max_chars=50) == "ab[31mc"
    assert clean("line 1\nline\t2", what="x", max_chars=50) == "line 1\nline\t2"
    assert clean("line 1\nline\t2", what="x", max_chars=50, multiline=False) == "line 1 line 2"
    assert clean("e\u0301", what="x", max_chars=5) == "\u00e9"  # NFC
    assert clean("ถนน\u200bนิมมาน", what="x", max_chars=50) == "ถนน\u200bนิมมาน"  # Thai word break
    assert clean("a\ud800b", what="x", max_chars=5) == "ab"
    with pytest.raises(InputError, match="empty"):
        clean("\u200b \u202e", what="the title", max_chars=5)
    with pytest.raises(InputError, match="at most 3"):
        clean("abcd", what="x", max_chars=3)
    with pytest.raises(InputError, match="the map needs a title"):
        printing.check_options(title=f"{RLO}\u200b")


@pytest.mark.parametrize(
    "value",
    ["=1+1", "\uff1dHYPERLINK(\"http://x\")", "\uff0b1", "\uff0d1", "\uff20SUM(A1)",
     " =1", "\u3000\uff1d1", "\u22121", "\t=1", "\r=1"],
)  # fmt: skip
def test_csv_guard_catches_formulas_and_lookalikes(value: str) -> None:
    assert textclean.csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Nimman", "ถนน", "", "1.5", 3, None, "a=b"])
def test_csv_guard_leaves_plain_values(value: object) -> None:
    assert textclean.csv_safe(value) == value


def test_every_csv_writer_uses_the_guard(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"name": ['\uff1dHYPERLINK("http://x")']}, geometry=[Point(98.97, 18.79)], crs=4326
    )
    assert vector_to_csv_frame(frame, "EPSG:4326")["name"].iloc[0].startswith("'")
    with open_app_store(tmp_path / "s.sqlite") as store:
        w = create_workshop(store, title="CSV", pin="1357")
        g = join_workshop(store, w.code, "\uff1dgroup")
        add_contribution(store, g, category="asset", strategy="drivers",
                         title="\uff0bcmd", comment="\uff20x")  # fmt: skip
        # group names as given (an anonymised export has pseudonyms instead)
        out = write_csv_summary(store, w, tmp_path / "s.csv", anonymise=False)
    row = next(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert row["title"] == "'\uff0bcmd"
    assert row["comment"] == "'\uff20x"
    assert row["group_name"] == "'\uff1dgroup"
