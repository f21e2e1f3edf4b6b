"""AppTest of the workshop page: joining, the form, voting and moderation with the PIN."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cmgis import workshop as sk
from cmgis.store import Store, open_app_store

PAGE = str(Path(__file__).resolve().parents[2] / "ui" / "pages" / "workshop.py")
XSS = "<script>alert(1)</script>![x](http://example.com/t.png)"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ws.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(path))
    return path


@pytest.fixture
def code(db: Path) -> str:
    with open_app_store(db) as s:
        return sk.create_workshop(s, title="Co-sensing", pin="2468", votes_per_group=2).code


def _page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60).run()


def _join(at: AppTest, code: str, group: str) -> AppTest:
    at.text_input(key="workshop.join.code").input(code)
    at.text_input(key="workshop.join.group").input(group)
    return at.button[0].click().run()


def _markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def _store(db: Path) -> Store:
    return open_app_store(db)


def test_wrong_code_is_a_clear_error_and_joins_nothing(db: Path, code: str) -> None:
    at = _join(_page(), "WRONG1", "กลุ่ม 1")
    assert not at.exception
    assert "no workshop has the join code" in at.error[0].value
    with _store(db) as s:
        assert s.query("SELECT * FROM workshop_groups") == []


def test_repeated_wrong_codes_ask_to_wait(db: Path, code: str) -> None:
    at = _page()
    for k in range(sk.FREE_JOIN_ATTEMPTS):  # different codes: a repeated one counts once
        at = _join(at, f"WRONG{k + 2}", "g")
        assert "no workshop has the join code" in at.error[0].value
    client = at.session_state["workshop.client"]
    with _store(db) as s:  # five more wrong codes from this session: the wait is now 32 s
        for k in range(5):
            s.execute(
                "INSERT INTO workshop_join_failures (client, code_key, at) VALUES (:c, :k, :at)",
                {
                    "c": client,
                    "k": f"k{k}",
                    "at": datetime.now(UTC).isoformat(timespec="microseconds"),
                },
            )
    at = _join(at, code, "g")  # the right code, but too soon after the wrong ones
    assert not at.exception
    assert re.search(r"Too many wrong join codes: wait [23]\d s", at.error[0].value)
    with _store(db) as s:
        assert s.query("SELECT * FROM workshop_groups") == []
    # the facilitator's code box is slowed down the same way (the code is looked up first)
    at.radio(key="workshop.view").set_value("facilitator").run()
    at.text_input(key="workshop.fac.code").input(code)
    at.text_input(key="workshop.fac.pin").input("2468")
    at.button[0].click().run()
    assert re.search(r"Too many wrong join codes: wait [23]\d s", at.error[0].value)
    assert "workshop.facilitator" not in at.session_state


def test_join_then_save_a_drawn_shape_through_the_form(db: Path, code: str) -> None:
    at = _join(_page(), code.lower(), XSS)
    assert not at.exception
    assert "Joined as" in at.success[0].value
    at.radio(key="workshop.view").set_value("map").run()
    assert not at.exception
    # what st_folium hands over after a polygon is drawn (AppTest cannot run the component)
    at.session_state["workshop.pending_shape"] = {
        "type": "Polygon",
        "coordinates": [[[98.98, 18.79], [98.99, 18.79], [98.99, 18.80], [98.98, 18.79]]],
    }
    at.run()
    assert "Describe the polygon" in at.info[0].value
    at.selectbox(key="workshop.form.category").set_value("opportunity")
    at.selectbox(key="workshop.form.strategy").set_value("driving-spaces")
    at.text_input(key="workshop.form.title").input(XSS)
    at.text_area(key="workshop.form.comment").input("ย่านสร้างสรรค์ <b>bold</b>")
    at.button(key="FormSubmitter:workshop.contribution_form-Save shape").click().run()
    assert not at.exception
    assert at.success, "no confirmation after saving"
    with _store(db) as s:
        ws = sk.get_workshop(s, code)
        items = sk.list_contributions(s, ws.id)
    assert len(items) == 1
    assert (items[0].title, items[0].category, items[0].geom_type) == (
        XSS,
        "opportunity",
        "Polygon",
    )
    assert "workshop.pending_shape" not in at.session_state
    # shown escaped: the markdown source carries backslashes, never a live tag or image
    shown = [at.success[0].value, at.subheader[0].value, *(e.label for e in at.expander)]
    assert all("<script>" not in text for text in shown)
    assert "\\<script\\>" in at.success[0].value
    assert any("\\<script\\>" in e.label for e in at.expander)


def test_bad_shape_shows_message_and_keeps_store_intact(db: Path, code: str) -> None:
    at = _join(_page(), code, "g1")
    at.radio(key="workshop.view").set_value("map").run()
    at.session_state["workshop.pending_shape"] = {"type": "Point", "coordinates": [100.5, 13.7]}
    at.run()
    at.text_input(key="workshop.form.title").input("Bangkok")
    at.button(key="FormSubmitter:workshop.contribution_form-Save shape").click().run()
    assert "not inside the Chiang Mai area" in at.error[0].value
    assert at.session_state["workshop.pending_shape"] is not None  # not lost, can retry
    with _store(db) as s:
        assert s.query("SELECT * FROM workshop_contributions") == []


def test_voting_on_the_board_within_budget(db: Path, code: str) -> None:
    with _store(db) as s:
        other = sk.join_workshop(s, code, "other")
        item = sk.add_contribution(
            s, other, category="asset", strategy="drivers", title=XSS,
            zones=None, geometry=None,
        )  # fmt: skip
    at = _join(_page(), code, "voters")
    at.radio(key="workshop.view").set_value("board").run()
    assert not at.exception
    assert "2 of 2 votes left" in _markdown_text(at)
    assert "<script>" not in _markdown_text(at)
    for _ in range(2):
        at.button(key=f"workshop.vote.{item.id}").click().run()
    assert "0 of 2 votes left" in _markdown_text(at)
    at.button(key=f"workshop.vote.{item.id}").click().run()
    assert "used all 2 votes" in at.error[0].value
    at.button(key=f"workshop.unvote.{item.id}").click().run()
    assert "1 of 2 votes left" in _markdown_text(at)
    with _store(db) as s:
        assert sk.get_contribution(s, item.id).votes == 1


def test_moderation_needs_the_pin_and_hides(db: Path, code: str) -> None:
    with _store(db) as s:
        g = sk.join_workshop(s, code, "g")
        item = sk.add_contribution(
            s, g, category="problem", strategy="default", title="spam", geometry=None
        )
    at = _page()
    at.radio(key="workshop.view").set_value("facilitator").run()
    at.text_input(key="workshop.fac.code").input(code)
    at.text_input(key="workshop.fac.pin").input("0000")
    at.button[0].click().run()
    assert "wrong facilitator PIN" in at.error[0].value
    at.text_input(key="workshop.fac.pin").input("2468")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["workshop.facilitator"] == (code, "2468")
    assert any("Participation" in m.value for m in at.markdown)
    at.button(key="workshop.fac.hide_btn").click().run()
    assert not at.exception
    with _store(db) as s:
        assert sk.get_contribution(s, item.id).hidden is True
        actions = [e.action for e in sk.audit_log(s, item.workshop_id)]
    assert "hide" in actions


def test_facilitator_downloads_and_group_edits(db: Path, code: str) -> None:
    at = _join(_page(), code, "g1")
    at.radio(key="workshop.view").set_value("map").run()
    at.text_input(key="workshop.form.title").input("ตลาดต้นลำไย")
    at.button(key="FormSubmitter:workshop.contribution_form-Save note").click().run()
    assert "ตลาดต้นลำไย" in at.success[0].value  # saved before the page is drawn again
    # and said at once, floating over the page (it comes before the run's map code)
    assert [m.value for m in at.toast] == [at.success[0].value]
    at.run()  # the new map's first answer reruns the page at once: "Saved" must stay
    assert any("Saved: ตลาดต้นลำไย" in m.value for m in at.success)
    with _store(db) as s:
        (item,) = sk.list_contributions(s, sk.get_workshop(s, code).id)
    at.selectbox(key=f"workshop.edit.category.{item.id}").set_value("problem")
    at.text_input(key=f"workshop.edit.title.{item.id}").input("ตลาดวโรรส")
    at.button(key=f"workshop.edit.save.{item.id}").click().run()
    assert not at.exception
    with _store(db) as s:
        edited = sk.get_contribution(s, item.id)
    assert (edited.title, edited.category, edited.zone_id) == ("ตลาดวโรรส", "problem", "no_place")
    at.button(key=f"workshop.edit.delete.{item.id}").click().run()
    with _store(db) as s:
        assert sk.get_contribution(s, item.id).deleted_at is not None
    at.session_state["workshop.facilitator"] = (code, "2468")
    at.radio(key="workshop.view").set_value("facilitator").run()
    at.button(key="workshop.fac.prepare").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download GeoPackage", "Download CSV summary"]


def test_page_in_thai(db: Path, code: str) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "th"
    at.run()
    assert not at.exception
    assert at.title[0].value == "เวิร์กช็อป: การทำแผนที่แบบมีส่วนร่วมและกระดานปรึกษาหารือ"
    assert at.text_input(key="workshop.join.code").label == "รหัสเข้าร่วม"


def test_flooding_session_is_told_in_thai_when_to_try_again(db: Path, code: str) -> None:
    """Issue 16.5: the per-session limit is enforced by the store and explained in Thai."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "th"
    at.run()
    at = _join(at, code, "กลุ่ม A")
    client = at.session_state["workshop.client"]
    with _store(db) as s:  # this session already saved its 30 contributions this minute
        ws = sk.get_workshop(s, code)
        other = sk.join_workshop(s, code, "กลุ่ม B", client=sk.Client(client, ""))
        for k in range(sk.MAX_CONTRIBUTIONS_PER_CLIENT_PER_MINUTE):
            sk.add_contribution(s, other, category="asset", strategy="default", title=f"t{k}")
    at.radio(key="workshop.view").set_value("map").run()
    at.session_state["workshop.pending_shape"] = {"type": "Point", "coordinates": [98.985, 18.795]}
    at.run()
    at.text_input(key="workshop.form.title").input("ตลาด")
    save = [b for b in at.button if str(b.key).startswith("FormSubmitter:workshop.contribution")]
    save[0].click().run()
    assert not at.exception
    assert re.search(r"บันทึกถี่เกินไป.*\d+ วินาที", at.error[0].value), at.error[0].value
    assert at.session_state["workshop.pending_shape"]["type"] == "Point"  # the shape waits
    with _store(db) as s:
        assert len(sk.list_contributions(s, ws.id)) == sk.MAX_CONTRIBUTIONS_PER_CLIENT_PER_MINUTE


def test_the_new_join_code_stays_shown_to_its_maker(db: Path) -> None:
    """After "Create workshop" the code stays on the page through later reruns (a rerun
    used to take it away before the facilitator could read it out)."""
    at = _page()
    at.text_input(key="workshop.create.title").input("ห้องประชุมเทศบาล")
    at.text_input(key="workshop.create.pin").input("2468")
    create = [b for b in at.button if str(b.key).startswith("FormSubmitter:workshop.create")]
    create[0].click().run()
    assert not at.exception
    with _store(db) as s:
        (made,) = sk.list_workshops(s)
    assert made.code in at.success[0].value
    at.run()  # any later rerun of the page
    assert made.code in at.success[0].value
    assert f"`{made.code}`" in _markdown_text(at)


def test_a_point_drawn_onto_an_earlier_point_still_opens_the_form() -> None:
    """A tap on a contribution sets streamlit-folium's ``last_active_drawing`` to that
    feature; the shape drawn with the same tap is read from ``all_drawings``."""
    from ui.workshop import new_drawing

    old = {"type": "Point", "coordinates": [98.97, 18.79]}
    drawn = {"type": "Point", "coordinates": [98.9701, 18.7899]}
    seen = [repr(old)]
    tapped = {"type": "Feature", "properties": {"id": "c" * 32}, "geometry": old}
    feature = {"type": "Feature", "properties": {}, "geometry": drawn}
    result = {"last_active_drawing": tapped, "all_drawings": [feature]}
    assert new_drawing(result, seen) == feature
    assert new_drawing(result, [*seen, repr(drawn)]) is None  # already turned into a form
    assert new_drawing({"last_active_drawing": tapped, "all_drawings": []}, []) is None
    assert new_drawing(None, []) is None


def test_a_point_on_the_spot_of_a_saved_one_is_new() -> None:
    """The map stays after a save, so its last answer still holds the saved shape: it is
    not new again. A point tapped later onto the very same spot has a ``drawn`` key of
    its own (the map gives each shape one), so it is new."""
    from ui.workshop import drawing_key, new_drawing

    spot = {"type": "Point", "coordinates": [98.97, 18.79]}
    saved = {"type": "Feature", "properties": {"drawn": "lq2x1abc"}, "geometry": spot}
    again = {"type": "Feature", "properties": {"drawn": "lq2x9xyz"}, "geometry": spot}
    seen = [drawing_key(saved)]
    assert new_drawing({"last_active_drawing": saved, "all_drawings": [saved]}, seen) is None
    assert new_drawing({"last_active_drawing": again, "all_drawings": [again]}, seen) == again
    assert drawing_key(saved) != drawing_key(again)


def _map_args(at: AppTest) -> dict[str, object]:
    """The arguments the drawing map's component gets (what the browser is handed)."""
    import json

    element = next(e for e in at.main if type(e).__name__ == "UnknownElement")
    args: dict[str, object] = json.loads(element.proto.json_args)
    return args


def test_the_drawing_map_stays_while_other_groups_save(db: Path, code: str) -> None:
    """A new contribution of another group changes only the map's layer group: the map's
    own code (tools, zones, view) stays the same, so the browser keeps the map and a tool
    that is on or a half-drawn line survives the rerun (a new map reset them)."""
    at = _join(_page(), code, "g1")
    at.radio(key="workshop.view").set_value("map").run()
    before = _map_args(at)
    with _store(db) as s:
        other = sk.join_workshop(s, code, "g2")
        sk.add_contribution(
            s, other, category="asset", strategy="drivers", title="กาดหลวง",
            geometry={"type": "Point", "coordinates": [98.9932, 18.7905]},
        )  # fmt: skip
    at.text_input(key="workshop.form.title").input("typing meanwhile").run()
    after = _map_args(at)
    assert not at.exception
    assert after["script"] == before["script"] and after["html"] == before["html"]

    def text(code: object) -> str:  # JSON's \uXXXX escapes decoded
        return re.sub(r"\\+u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), str(code))

    assert "กาดหลวง" not in text(before["feature_group"])
    assert "กาดหลวง" in text(after["feature_group"])
    assert "drawnItems" in str(after["script"])  # the drawing tools are in the kept part
