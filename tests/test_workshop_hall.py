"""The workshop in a hall: join links and QR codes (decoded), ``cmgis app --lan``, consent
and anonymity (PDPA), anonymised exports, deletion on request, templates."""

from __future__ import annotations

import io
import ipaddress
import json
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from shapely.geometry import Point

from cmgis import AuthError, CmgisError, InputError
from cmgis.cli.core import app_command
from cmgis.cli.lan import lan_address, print_join_banner
from cmgis.cli.main import build_parser
from cmgis.store import Store, open_app_store
from cmgis.workshop import (
    CO_SENSING,
    add_comment,
    add_contribution,
    audit_log,
    build_board,
    cast_vote,
    create_from_template,
    create_workshop,
    delete_participant,
    export_workshop,
    get_workshop,
    join_url,
    join_workshop,
    list_contributions,
    list_people,
    qr_png,
    qr_svg,
    qr_text,
    record_consent,
    set_hall_options,
    template_of,
)
from tests.workshop_support import make_zone_index

PIN = "2468"
CONSENT_EN = "We keep your name to send you the report; ask us to delete it at any time."
CONSENT_TH = "เราเก็บชื่อของท่านเพื่อส่งรายงาน ท่านขอให้ลบได้ทุกเมื่อ"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_app_store(tmp_path / "hall.sqlite")
    yield s
    s.close()


def _decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


# ------------------------------------------------------------------------ links and QR


def test_join_url_fills_the_code_and_keeps_only_the_host() -> None:
    assert join_url("http://192.168.1.20:8501/x?y=1#z", "k7m-4qx") == (
        "http://192.168.1.20:8501/workshop?code=K7M4QX"
    )
    assert join_url("http://10.0.0.5:8502") == "http://10.0.0.5:8502/workshop"
    with pytest.raises(InputError):
        join_url("192.168.1.20:8501", "K7M4QX")


def test_qr_png_and_svg_decode_to_the_join_url() -> None:
    url = join_url("http://192.168.1.20:8501", "K7M4QX")
    assert _decode(Image.open(io.BytesIO(qr_png(url)))) == [url]
    svg = qr_svg(url)
    assert svg.lstrip().startswith("<?xml") and "<path" in svg


def _text_to_image(text: str, module_px: int = 8) -> Image.Image:
    """Draw terminal QR text as a terminal shows it: blocks light, spaces dark."""
    lines = text.splitlines()
    width = len(lines[0])
    image = Image.new("L", (width * module_px, len(lines) * 2 * module_px), 0)
    draw = ImageDraw.Draw(image)
    halves = {"█": (True, True), "▀": (True, False), "▄": (False, True), " ": (False, False)}
    for row, line in enumerate(lines):
        assert len(line) == width
        for col, char in enumerate(line):
            top, bottom = halves[char]
            for half, light in ((0, top), (1, bottom)):
                if light:
                    y = (row * 2 + half) * module_px
                    x = col * module_px
                    draw.rectangle([x, y, x + module_px - 1, y + module_px - 1], fill=255)
    return image


def test_terminal_qr_code_decodes_to_the_join_url() -> None:
    url = join_url("http://192.168.1.20:8501", "K7M4QX")
    assert _decode(_text_to_image(qr_text(url))) == [url]


def test_lan_banner_prints_the_link_and_a_qr_code_that_decodes_to_it() -> None:
    out = io.StringIO()
    link = print_join_banner("http://192.168.1.20:8501", out, "abc234")
    printed = out.getvalue().splitlines()
    assert printed[0] == f"cmgis: participants join at {link}"
    qr = "\n".join(line for line in printed if line and set(line) <= set("█▀▄ "))
    assert _decode(_text_to_image(qr)) == [link]
    assert link == "http://192.168.1.20:8501/workshop?code=ABC234"


def test_lan_address_is_a_real_non_loopback_ipv4_address() -> None:
    try:
        address = lan_address()
    except CmgisError:  # a machine without any network: said so, clearly
        with pytest.raises(CmgisError, match="no network address"):
            lan_address()
        return
    ip = ipaddress.ip_address(address)
    assert ip.version == 4 and not ip.is_loopback


def test_app_lan_binds_to_the_address() -> None:
    cmd = app_command(8501, "192.168.1.20")
    assert cmd[cmd.index("--server.address") + 1] == "192.168.1.20"
    local = app_command(8501)
    assert local[local.index("--server.address") + 1] == "127.0.0.1"
    args = build_parser().parse_args(["app", "--lan", "--code", "K7M4QX"])
    assert args.lan and args.code == "K7M4QX"


# --------------------------------------------------------------------- consent, anonymity


def test_anonymous_groups_join_without_a_name(store: Store) -> None:
    ws = create_workshop(store, title="hall", pin=PIN)
    with pytest.raises(InputError):
        join_workshop(store, ws.code, "")
    set_hall_options(store, ws.code, PIN, allow_anonymous=True, ask_details="none")
    first = join_workshop(store, ws.code, "", client="a")
    second = join_workshop(store, ws.code, "  ", client="b")
    assert (first.group_name, second.group_name) == ("#1", "#2")
    named = join_workshop(store, ws.code, "กลุ่ม 3", client="c")
    assert named.group_name == "กลุ่ม 3"


def test_asking_for_names_needs_a_consent_text_in_both_languages(store: Store) -> None:
    ws = create_workshop(store, title="hall", pin=PIN)
    with pytest.raises(InputError, match="consent text"):
        set_hall_options(store, ws.code, PIN, allow_anonymous=False, ask_details="name",
                         consent_en=CONSENT_EN)  # fmt: skip
    with pytest.raises(AuthError):
        set_hall_options(store, ws.code, "0000", allow_anonymous=False, ask_details="none")


def test_refusing_consent_keeps_nothing_personal_and_still_takes_part(store: Store) -> None:
    ws = create_workshop(store, title="hall", pin=PIN)
    set_hall_options(store, ws.code, PIN, allow_anonymous=False, ask_details="name_contact",
                     consent_en=CONSENT_EN, consent_th=CONSENT_TH)  # fmt: skip
    assert get_workshop(store, ws.code).consent_th == CONSENT_TH
    who = join_workshop(store, ws.code, "โต๊ะ 4")
    assert record_consent(store, who, consent=False, person_name="สมชาย ใจดี") is None
    assert list_people(store, ws.code, PIN) == []
    saved = add_contribution(store, who, category="asset", strategy="drivers",
                             title="ตลาดวโรรส", geometry=Point(98.99, 18.79),
                             zones=make_zone_index())  # fmt: skip
    assert [c.id for c in list_contributions(store, ws.id)] == [saved.id]
    actions = [e.action for e in audit_log(store, ws.id)]
    assert "consent_refused" in actions
    assert "สมชาย" not in json.dumps([e.detail for e in audit_log(store, ws.id)])


def test_given_consent_keeps_name_contact_and_the_text_consented_to(store: Store) -> None:
    ws = create_workshop(store, title="hall", pin=PIN, ask_details="name_contact",
                         consent_en=CONSENT_EN, consent_th=CONSENT_TH)  # fmt: skip
    who = join_workshop(store, ws.code, "โต๊ะ 4")
    record_consent(store, who, consent=True, person_name="สมชาย ใจดี", contact="081 234 5678")
    (person,) = list_people(store, ws.code, PIN)
    assert (person.person_name, person.contact, person.group_name) == (
        "สมชาย ใจดี", "081 234 5678", "โต๊ะ 4",
    )  # fmt: skip
    assert json.loads(person.consent_text) == {"en": CONSENT_EN, "th": CONSENT_TH}


def _workshop_with_names(store: Store) -> tuple[str, str]:
    ws = create_workshop(store, title="hall", pin=PIN, ask_details="name_contact",
                         consent_en=CONSENT_EN, consent_th=CONSENT_TH)  # fmt: skip
    who = join_workshop(store, ws.code, "Somchai Jaidee")
    other = join_workshop(store, ws.code, "กลุ่มมหาวิทยาลัย")
    record_consent(store, who, consent=True, person_name="สมชาย ใจดี", contact="somchai@x.th")
    zones = make_zone_index()
    point = add_contribution(store, who, category="asset", strategy="drivers", title="ตลาด",
                             geometry=Point(98.99, 18.79), zones=zones)  # fmt: skip
    note = add_contribution(store, other, category="problem", strategy="default", title="ฝุ่น")
    add_comment(store, other, point.id, "เห็นด้วย")
    add_comment(store, who, note.id, "จริง")
    cast_vote(store, other, point.id)
    cast_vote(store, who, note.id)
    return ws.code, who.group_id


def _all_text(gpkg: Path) -> str:
    text = []
    for name, _ in pyogrio.list_layers(gpkg):
        frame = pyogrio.read_dataframe(gpkg, layer=name, read_geometry=False)
        text.append(frame.to_csv())
    return "\n".join(text)


def test_anonymised_export_has_no_names_and_records_the_choice(
    store: Store, tmp_path: Path
) -> None:
    code, _ = _workshop_with_names(store)
    gpkg, summary = export_workshop(store, code, tmp_path / "anon.gpkg")
    everything = _all_text(gpkg) + summary.read_text(encoding="utf-8-sig")
    for personal in ("Somchai", "สมชาย", "somchai@x.th", "กลุ่มมหาวิทยาลัย"):
        assert personal not in everything
    assert "group 1" in everything and "ตลาด" in everything
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert "people" not in layers
    meta = pyogrio.read_dataframe(gpkg, layer="workshop_metadata", read_geometry=False)
    assert dict(zip(meta["key"], meta["value"], strict=True))["anonymised"] == "yes"

    named, _ = export_workshop(store, code, tmp_path / "named.gpkg", anonymise=False)
    assert "somchai@x.th" in _all_text(named) and "Somchai Jaidee" in _all_text(named)
    meta = pyogrio.read_dataframe(named, layer="workshop_metadata", read_geometry=False)
    assert dict(zip(meta["key"], meta["value"], strict=True))["anonymised"] == "no"


def test_deleting_a_participant_on_request_leaves_an_audit_row(store: Store) -> None:
    code, group_id = _workshop_with_names(store)
    ws = get_workshop(store, code)
    with pytest.raises(AuthError):
        delete_participant(store, code, "0000", group_id)
    done = delete_participant(store, code, PIN, group_id)
    assert (done.contributions, done.people) == (1, 1)
    assert done.comments == 2 and done.votes == 2  # theirs and others' on their point
    left = list_contributions(store, ws.id, include_hidden=True, include_deleted=True)
    assert [c.title for c in left] == ["ฝุ่น"] and left[0].comments == ()
    assert list_people(store, code, PIN) == []
    rows = store.query("SELECT * FROM workshop_groups WHERE id = :g", {"g": group_id})
    assert "Somchai" not in rows[0]["name"]
    audit = audit_log(store, ws.id)
    (entry,) = [e for e in audit if e.action == "delete_participant"]
    assert entry.target_id == group_id and entry.actor == "facilitator"
    assert entry.detail == {"comments": 2, "contributions": 1, "people": 1, "votes": 2}
    assert "Somchai" not in json.dumps([e.detail for e in audit], ensure_ascii=False)
    assert store.integrity_check() == ["ok"]


# ------------------------------------------------------------------------------ templates


def test_co_sensing_template_puts_goals_means_constraints_on_the_board(store: Store) -> None:
    ws = create_from_template(store, "co_sensing", title="co-sensing again", pin=PIN)
    assert ws.steps == ("goals", "means", "constraints") == CO_SENSING.steps
    who = join_workshop(store, ws.code, "โต๊ะ 1")
    zones = make_zone_index()
    add_contribution(store, who, category="opportunity", strategy="drivers", title="goal",
                     step="goals", zones=zones)  # fmt: skip
    add_contribution(store, who, category="problem", strategy="drivers", title="limit",
                     step="constraints", geometry=Point(98.99, 18.79), zones=zones)  # fmt: skip
    add_contribution(store, who, category="asset", strategy="drivers", title="no step")
    with pytest.raises(InputError, match="step"):
        add_contribution(store, who, category="asset", strategy="drivers", title="x",
                         step="dreams")  # fmt: skip
    board = build_board(store, ws)
    assert board.columns == ("goals", "means", "constraints")
    assert [c.title for c in board.cell("drivers", "goals")] == ["goal", "no step"]
    assert [c.title for c in board.cell("drivers", "constraints")] == ["limit"]

    again = create_from_template(store, template_of(ws), title="third session", pin=PIN)
    assert (again.steps, again.votes_per_group, again.categories) == (
        ws.steps, ws.votes_per_group, ws.categories,
    )  # fmt: skip
    assert again.code != ws.code
