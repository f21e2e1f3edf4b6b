"""AppTest: every page in Thai shows no English beyond proper names, codes and quoted sources.

Each page is opened with ``?lang=th`` and some state (a zone and an indicator chosen, a
published workshop with contributions on the map, a group joined, the facilitator's
view, a project selected). The texts a user reads are collected (markdown, captions,
headers, alerts, widget labels, options and help, metric labels, table column names,
tab and expander labels) and checked for English: a word of three or more Latin letters
or two Latin words in a row, outside the allow-list of proper names and codes below and
outside the report's own Thai text (quoted as printed, English loanwords included).
"""

from __future__ import annotations

import html
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Polygon
from streamlit.testing.v1 import AppTest

from cmgis import workshop as sk
from cmgis.data.catalog import load_catalog
from cmgis.data.layers import load_layer
from cmgis.store import open_app_store

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PIN = "2468"

#: Proper names, codes, product, layer and format names that stay in Latin letters.
ALLOWED = re.compile(
    r"""(?x) (?<![A-Za-z_]) (?:
    Google\s?Earth|CC\sBY-IGO|cos²|
    OpenStreetMap|OSM|ISC|GeoPackage|GeoJSON|GeoTIFF|Shapefile|GPKG|CSV|PDF|PNG|SVG|HTML|
    EPSG|WGS|UTM|UUID|URL|JSON|TOML|SQLite|DEM|SRTM|Copernicus|ESA|NASA|JAXA|USGS|
    WorldCover|WorldPop|GHSL|Overture|Esri|CARTO|Google|Leaflet|folium|Streamlit|
    STeP|STEP|NIA|DEPA|CEA|CMU|RMUTL|Chiangmai&Co|Chiangmai\s?and\s?Co|Chiang\s?Mai\s?and\s?Co|
    cmgis|AHP|QGIS|GDAL|Mbit|km²|km|ha|CC[\s-]BY(?:[\s-]SA)?|ODbL|ODC|OGL|
    Nimman|Smart|Old\s?Town|Creative|City|Innovation|Districts?|Hub|Park|
    Wikidata|Wikipedia|MIT|Apache|License|Licence|BSD|GPL|LGPL|
    Natural\s?Earth|HDX|OCHA|GADM|geoBoundaries|DOPA|RTSD|NSO|Longdo|
    Carto|Saaty|ArcGIS|ESRI|KML|KMZ|RFC|WKT|zip|GIS|PIN|Copernicus|
    COD-AB|cod-ab-tha|GLO-90|Open-Meteo\.com|Indian\s1975|Pseudo-Mercator|
    \d+
    ) (?![A-Za-z_])
    """
)
#: The report's English names (strategies, workshop stages, ISC levels, districts): allowed
#: only beside a Thai gloss, "Thai (Name)" or "Name (Thai)".
REPORT_NAMES = (
    r"Default|Driving\sspaces|Drivers|Co-initiating|Co-sensing|Co-presencing|Co-creating|"
    r"Co-evolving|(?:High\s)?Potential\sInnovative\sCity|New\sComing\sInnovative\sCity|"
    r"Newborn\sInnovative\sCity|Bio-Food"
)
GLOSSED = re.compile(
    rf"(?:{REPORT_NAMES})\s\([\u0e00-\u0e7f][^)]*\)|[\u0e00-\u0e7f][^()\n]*\((?:{REPORT_NAMES})\)"
)
#: English still shown on Thai pages, each with why (none left: the build writes a Thai
#: method text, ``method_th``, and the co-working layer's Thai title has no English).
KNOWN_LEFT: tuple[str, ...] = ()
#: Names of places in the bundled data (OSM names are proper names, kept as mapped).
PLACE_NAMES = sorted(
    {
        str(n)
        for layer in ("landmarks", "coworking", "zone_anchors", "named_places")
        for n in load_layer(layer)["name"].dropna()
        if str(n).strip()
    },
    key=len,
    reverse=True,
)
#: The place names as whole words (a short name must not eat part of a code, e.g. "KT").
PLACE_NAMES_RE = re.compile(
    "|".join(rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])" for n in PLACE_NAMES)
)
LATIN_WORD = re.compile(r"[A-Za-z_][A-Za-z_'’-]*")


def _quoted_sources() -> list[str]:
    """The report's Thai texts (quoted as printed, with its English loanwords)."""
    texts: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key.endswith("_th") and value.strip():
            texts.append(value)

    for spec in ("plan.toml", "isc.toml", "zones.toml"):
        walk(tomllib.loads((ROOT / "data" / "spec" / spec).read_text(encoding="utf-8")))
    return sorted(texts, key=len, reverse=True)  # longest first: no partial removals


QUOTED = _quoted_sources()


def english_in(text: str) -> list[str]:
    """Runs of English in ``text`` (after the allow-list and the quoted sources)."""
    if text.strip() == "English" or any(text.startswith(k) for k in KNOWN_LEFT):
        return []  # a language's own name (language choices), or a known gap
    text = re.sub(r"\\([^\w\s])", r"\1", text)  # markdown escapes (ui.display.escape_markdown)
    for quoted in QUOTED:
        text = text.replace(quoted, " ")
    text = PLACE_NAMES_RE.sub(" ", text)
    text = GLOSSED.sub(" ", text)
    text = re.sub(r"<[^>]*>", " ", text)  # HTML tags
    text = re.sub(r":material/[a-z_]+:", " ", text)  # icon names
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"https?://\S+|www\.\S+|\S+@\S+", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)  # code (ids, file names, commands)
    text = ALLOWED.sub(" ", text)
    found = []
    words = list(LATIN_WORD.finditer(text))
    for i, m in enumerate(words):
        gap = text[m.end() : words[i + 1].start()] if i + 1 < len(words) else "x"
        pair = i + 1 < len(words) and re.fullmatch(r"[\s,.:;/()-]*", gap) is not None
        if len(m.group()) >= 3 or pair:
            found.append(m.group())
    return found


def test_english_in_finds_runs_and_allows_names() -> None:
    assert english_in("ชั้นข้อมูล Measure") == ["Measure"]
    assert english_in("ข้อมูล a b") == ["a"]
    assert english_in("ข้อมูลจาก OpenStreetMap (ODbL) ใน GeoPackage, EPSG:32647") == []
    assert english_in("พื้นที่ 3.2 km²") == []
    assert english_in("group_name") == ["group_name"]
    assert english_in("ยุทธศาสตร์ที่ 2 ยกระดับย่าน (Driving spaces)") == []
    assert english_in("Co-sensing (รับรู้ร่วมกัน)") == []
    assert english_in("**Driving spaces**") == ["Driving", "spaces"]  # no gloss


def _texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(where, text) of everything a user reads on the page, sidebar included."""
    for node in at._tree:
        kind = type(node).__name__
        if kind in ("UnknownElement", "Code", "Json", "Exception"):
            continue  # maps are checked on their own; code and JSON are data
        if getattr(node, "key", None) == "_w_lang":
            continue  # the language switch names both languages on purpose
        proto = getattr(node, "proto", None)
        for field in ("label", "help", "placeholder", "body"):
            value = getattr(proto, field, None)
            if isinstance(value, str) and value:
                if kind == "Html":  # what a reader sees: no style sheet, no tags
                    value = re.sub(r"<style>.*?</style>|<[^>]+>", " ", value, flags=re.S)
                yield f"{kind}.{field}", value
        if kind in ("Markdown", "Caption", "Title", "Header", "Subheader", "Divider", "Info",
                    "Warning", "Error", "Success", "Toast"):  # fmt: skip
            yield kind, str(node.value)
        elif kind == "Metric":
            yield "Metric", str(node.label)
        elif kind in ("Selectbox", "Radio", "Multiselect", "SelectSlider"):
            for option in node.options:
                yield f"{kind}.option", str(option)
        elif kind in ("Dataframe", "Table"):
            frame = node.value
            for column in frame.columns:
                yield "Dataframe.column", str(column)
            if frame.index.name:
                yield "Dataframe.index", str(frame.index.name)
            if frame.index.dtype == object:
                for value in frame.index:
                    yield "Dataframe.row", str(value)


def _map_html(at: AppTest) -> str:
    """The map HTML handed to streamlit-folium (AppTest does not run the component)."""
    return str(_map_element(at).proto.json_args)


def _map_texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(where, text) of what the map shows: feature labels (tooltips), popups, the legend.

    The Map page sends its layers and legend as streamlit-folium's ``feature_group`` and
    its base (credits, controls) as ``script``; both are read here.
    """
    args = json.loads(str(_map_element(at).proto.json_args))
    code = " ".join(str(args.get(k) or "") for k in ("script", "feature_group"))
    decoder = json.JSONDecoder()
    fields = {'"label": ': "map.label", '"popup": ': "map.popup", "div.innerHTML = ": "map.legend"}
    for field, where in fields.items():
        start = 0
        while (i := code.find(field, start)) >= 0:
            start = i + len(field)
            if code[start] != '"':
                continue
            value, _end = decoder.raw_decode(code, start)
            text = html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", value, flags=re.S))
            yield where, text


def _map_element(at: AppTest) -> Any:
    return next(e for e in at.main if type(e).__name__ == "UnknownElement")


def _problems(at: AppTest, *, with_map: bool = False) -> list[str]:
    assert not at.exception, at.exception
    out = []
    texts = list(_texts(at))
    if with_map:
        texts += list(_map_texts(at))
    for where, text in texts:
        if found := english_in(text):
            out.append(f"{where}: {found} in {text[:160]!r}")
    return sorted(set(out))


@pytest.fixture
def workshop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> sk.Workshop:
    """A published workshop with one group's polygon (voted on) and a comment."""
    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(db))
    with open_app_store(db) as s:
        ws = sk.create_workshop(
            s, title="ย่านสร้างสรรค์", pin=PIN, votes_per_group=3,
            zones_in_focus=["nimman", "suan_dok"],
        )  # fmt: skip
        sk.set_published(s, ws.code, PIN, published=True)
        group = sk.join_workshop(s, ws.code, "กลุ่มหนึ่ง")
        shape = Polygon([(98.965, 18.795), (98.968, 18.795), (98.968, 18.798)])
        item = sk.add_contribution(
            s, group, category="opportunity", strategy="default", title="ลานกิจกรรม",
            geometry=shape.__geo_interface__,
        )  # fmt: skip
        sk.cast_vote(s, group, item.id)
        sk.add_comment(s, group, item.id, "เห็นด้วย")
        return sk.get_workshop(s, ws.code)


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = "th"
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


#: Each case: the page and the state it opens with (the URL's shareable state).
PAGES: dict[str, tuple[str, dict[str, str]]] = {
    "home": ("home", {}),
    "map": ("map", {"zone": "nimman", "indicator": "zones:hospitals_count"}),
    # every layer on, an indicator over the tambons, other classes: every label and legend
    "map-all-layers": (
        "map",
        {
            "zone": "old_town",
            "indicator": "tambons:office_density_per_km2",
            "scheme": "natural_breaks",
            "k": "4",
            "layers": ",".join(e.id for e in load_catalog().layers),
        },
    ),
    "zones": ("zones", {"zone": "nimman", "compare": "nimman,suan_dok,mae_hia"}),
    "zones-old-town": ("zones", {"zone": "old_town"}),
    "zones-mae-kha": ("zones", {"zone": "mae_kha"}),
    "projects": ("projects", {"project": "P06"}),
    "suitability": ("suitability", {}),
    "export": ("export", {}),
    "about": ("about", {}),
}


@pytest.mark.parametrize("case", list(PAGES))
def test_page_has_no_english_in_thai(case: str, workshop: sk.Workshop) -> None:
    page, params = PAGES[case]
    params = dict(params)
    if page == "map":
        params["workshop"] = workshop.id
    at = _open(page=page, **params)
    if page == "zones":  # the boundary's method record (inside an expander)
        assert any("ขั้นตอนสร้างข้อมูล" in str(c.value) for c in at.caption)
    assert _problems(at, with_map=page == "map") == []
    if page == "map":  # the map itself: credits and the measure control in Thai
        html = _map_html(at)
        assert "Administrative boundaries" not in html
        assert "OpenStreetMap contributors" not in html
        assert "var pairs = [[" in html  # cmgis.maps.webmap.MeasureLabels
        assert {"map.label", "map.legend"} <= {w for w, _ in _map_texts(at)}  # the labels were read


def test_workshop_views_have_no_english_in_thai(workshop: sk.Workshop) -> None:
    at = _open(page="workshop")
    problems = _problems(at)
    at.text_input(key="workshop.join.code").input(workshop.code)
    at.text_input(key="workshop.join.group").input("กลุ่มสอง")
    join = next(b for b in at.button if str(b.key).startswith("FormSubmitter:workshop.join"))
    join.click().run()
    assert at.success, "the group did not join"
    problems += _problems(at)
    for view in ("map", "board"):
        at.radio(key="workshop.view").set_value(view).run()
        problems += _problems(at)
    at.session_state["workshop.facilitator"] = (workshop.code, PIN)
    at.radio(key="workshop.view").set_value("facilitator").run()
    problems += _problems(at)
    assert sorted(set(problems)) == []
