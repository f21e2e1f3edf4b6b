"""Printed maps: Thai and English titles extractable from the PDF, PNG output, options."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cmgis import InputError
from cmgis.export import LayerMeta
from cmgis.maps import LAYER_STYLES
from cmgis.printing import render as printing
from cmgis.printing.render import PrintOptions, format_date, print_map
from tests.test_export import CANAL, GATES, METAS, MOAT, OSM

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)
THAI_TITLE = "แผนที่ย่านนวัตกรรม ผู้ใหญ่ น้ำ ปู่ ฟ้า ฎีกา"
LAYERS = {"moat": MOAT, "canal": CANAL, "gates": GATES}
DATE = dt.date(2026, 11, 24)


def pdftotext(pdf: Path) -> str:
    """Text of the PDF in content order (``-raw``), as poppler extracts it."""
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def recompose_sara_am(text: str) -> str:
    """Undo HarfBuzz's split of SARA AM (ำ) into NIKHAHIT (+ tone mark) + SARA AA.

    The drawn glyphs are NIKHAHIT, an optional tone mark, SARA AA; the text layer gives
    them back in that order, which is the compatibility form of ำ with the tone moved.
    """
    return re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\u0e33", text)


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)", out.stdout, flags=re.M)
    assert match
    return int(match.group(1))


@pytest.fixture(scope="module")
def thai_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("print") / "th.pdf"
    options = PrintOptions(THAI_TITLE, lang="th", era="be", date=DATE)
    metas = {**METAS, "moat": LayerMeta("moat", "Old city moat", title_th="คูเมือง", credit=OSM)}
    return print_map(LAYERS, metas, options, out)


@needs_poppler
def test_thai_title_is_extractable(thai_pdf: Path) -> None:
    text = recompose_sara_am(pdftotext(thai_pdf))
    assert THAI_TITLE in text
    assert "24 พฤศจิกายน พ.ศ. 2569" in text  # Buddhist Era date
    assert "คูเมือง" in text  # Thai layer title in the legend
    assert "คำอธิบายสัญลักษณ์" in text  # "Legend": SARA AM and SARA AA both right
    assert OSM in text
    assert pdf_pages(thai_pdf) == 1


@needs_poppler
def test_pdf_renders_to_png(thai_pdf: Path, tmp_path: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-singlefile", str(thai_pdf), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    png = (tmp_path / "p.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width > height  # A4 landscape
    assert width == pytest.approx(297 / 25.4 * 40, abs=2)


def test_thai_font_is_found(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """No .notdef boxes: WeasyPrint warns for every character no font has."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    options = PrintOptions("ทดสอบ ก่ ข้ ค๊ ง๋ ญู ฐุ", lang="th", date=DATE)
    print_map({"gates": GATES}, METAS, options, tmp_path / "x.pdf")
    assert not [r for r in caplog.records if ".notdef" in r.getMessage()]


@needs_poppler
def test_png_output_portrait_a3_english(tmp_path: Path) -> None:
    options = PrintOptions(
        "Old city <b>&amp; canal</b>", lang="en", paper="A3", orientation="portrait", date=DATE
    )
    out = print_map(LAYERS, METAS, options, tmp_path / "map.png", png_dpi=30)
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert (width, height) == pytest.approx((297 / 25.4 * 30, 420 / 25.4 * 30), abs=2)
    # the title is text, never markup
    html = printing.page_html(LAYERS, METAS, options)
    assert "Old city &lt;b&gt;&amp;amp; canal&lt;/b&gt;" in html
    assert "<b>" not in html


def test_print_refuses_bad_requests(tmp_path: Path) -> None:
    options = PrintOptions("x", date=DATE)
    with pytest.raises(InputError, match="no layers chosen"):
        print_map({}, METAS, options, tmp_path / "x.pdf")
    with pytest.raises(InputError, match=r"\.pdf or \.png"):
        print_map(LAYERS, METAS, options, tmp_path / "x.svg")
    with pytest.raises(InputError, match="no features"):
        print_map({"gates": GATES.iloc[0:0]}, METAS, options, tmp_path / "x.pdf")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "  "}, "needs a title"),
        ({"paper": "Letter"}, "paper size"),
        ({"orientation": "square"}, "orientation"),
        ({"era": "ah"}, "era"),
        ({"lang": "fr"}, "language"),
        ({"title": "x" * 201}, "at most 200"),
    ],
)
def test_check_options(kwargs: dict[str, str], message: str) -> None:
    args = {"title": "Map", **kwargs}
    with pytest.raises(InputError, match=message):
        printing.check_options(**args)


def test_check_options_normalises() -> None:
    options = printing.check_options(
        title=" แผนที่ ", lang="TH", paper="a3", orientation="Portrait", era="BE"
    )
    assert options == PrintOptions("แผนที่", "th", "A3", "portrait", "be")


def test_check_options_drops_bidi_overrides_and_controls_from_the_title() -> None:
    """The title follows the one rule of typed text (cmgis.textclean): an RLO would flip it."""
    options = printing.check_options(title="\u202eแผนที่\u2066 Nimman\x85\x9b\u2069\n")
    assert options.title == "แผนที่ Nimman"
    with pytest.raises(InputError, match="needs a title"):
        printing.check_options(title="\u202e\u2066\x85")


def test_format_date() -> None:
    assert format_date(DATE, lang="en", era="ce") == "24 November 2026"
    assert format_date(DATE, lang="en", era="be") == "24 November BE 2569"
    assert format_date(DATE, lang="th", era="be") == "24 พฤศจิกายน พ.ศ. 2569"
    assert format_date(dt.date(2027, 1, 1), lang="th", era="ce") == "1 มกราคม ค.ศ. 2027"


def test_scale_and_extent() -> None:
    assert printing.nice_scale_length_m(10_000) == 2000
    assert printing.nice_scale_length_m(3_000) == 500
    assert printing.nice_scale_length_m(45_000) == 10_000
    minx, miny, maxx, maxy = printing.map_extent((0, 0, 1000, 4000), 200, 100)
    assert (maxx - minx) / (maxy - miny) == pytest.approx(2.0)
    assert maxy - miny >= 4000


def test_style_overrides_reach_the_legend() -> None:
    style = printing.PrintStyle(stroke="#123456", fill="#654321")
    html = printing.page_html(
        {"gates": GATES}, METAS, PrintOptions("x", date=DATE), {"gates": style}
    )
    assert 'fill="#654321" stroke="#123456"' in html
    # without an override the on-screen style of a known layer is used
    assert printing.style_for("zones").stroke == LAYER_STYLES["zones"].color
