"""Printed indicator maps: classes in the legend, district labels, the street basemap."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from cmgis import InputError, sources
from cmgis.districts import load_indicators
from cmgis.maps import classify, format_number
from cmgis.printing import PrintOptions
from cmgis.printing.extras import district_labels_html, indicator_choropleth
from tests.test_printing import pdftotext, recompose_sara_am

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils is not installed"
)
INDICATOR = ("tambons", "intersection_density_per_km2")
DISTRICTS_TH = ("นิมมานเหมินท์", "เมืองเก่า", "สวนดอก", "คลองแม่ข่า", "แม่เหียะ")
DATE = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def choropleth_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("print_view") / "map.pdf"
    options = PrintOptions("ความหนาแน่นของทางแยก", lang="th", era="be", date=DATE)
    return sources.print_view(
        ["zones", "mae_kha_canal"], options, out, indicator=INDICATOR, scheme="quantiles", k=4
    )


@needs_poppler
def test_choropleth_print_has_thai_districts_and_its_classes(choropleth_pdf: Path) -> None:
    text = recompose_sara_am(pdftotext(choropleth_pdf))
    for name in DISTRICTS_TH:
        assert name in text
    # every class of the indicator, as classified on the web map, with its Thai unit
    values = load_indicators("tambons")[INDICATOR[1]].astype(float).tolist()
    classes = classify(values, scheme="quantiles", k=4)
    for low, high in classes.ranges():
        assert f"{format_number(low)} – {format_number(high)} ต่อ ตร.กม." in text
    assert "ทางแยกต่อ ตร.กม." in text and "ควอนไทล์" in text  # title and classification
    assert "ถนนสายหลัก" in text  # the street basemap's legend
    assert "Administrative boundaries" in text  # the tambons' credit, though not a layer


@needs_poppler
def test_choropleth_print_renders_the_classes_in_colour(
    choropleth_pdf: Path, tmp_path: Path
) -> None:
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(choropleth_pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    colours = {c for _, c in image.getcolors(maxcolors=1_000_000) or []}
    # YlOrRd's darkest class (#e31a1c for 4 classes) blended at 75 % on white is on the page
    assert any(r > 200 and g < 90 and b < 90 for r, g, b in colours)


def test_district_labels_only_inside_the_map(tmp_path: Path) -> None:
    # an extent around the old town (EPSG:32647 metres) holds its label, not Mae Hia's
    html = district_labels_html((497000, 2076500, 500500, 2079500), 100, 80, lang="en")
    assert "Old Town" in html and "Mae Hia" not in html


def test_indicator_choropleth_values_follow_the_areas() -> None:
    spec = indicator_choropleth(*INDICATOR, lang="en", k=3)
    assert len(spec.values) == len(spec.areas) == 16
    assert spec.unit == "per km²" and spec.k == 3


def test_print_view_needs_layers_or_an_indicator(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        sources.print_view([], PrintOptions("x"), tmp_path / "m.pdf")
