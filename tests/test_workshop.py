"""Tests of cmgis.workshop: workshops, validation, zones, votes, moderation, board, faults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal
from shapely.geometry import LineString, Point, Polygon

from cmgis import AuthError, InputError
from cmgis.store import Store, new_id, open_app_store
from cmgis.workshop import (
    ELSEWHERE,
    FRAME_COLUMNS,
    FREE_JOIN_ATTEMPTS_PER_ADDRESS,
    FREE_PIN_ATTEMPTS,
    MAX_BOARD_CARDS_PER_CELL,
    MAX_COMMENTS_PER_CLIENT_PER_MINUTE,
    MAX_CONTRIBUTIONS_PER_ADDRESS_PER_MINUTE,
    MAX_CONTRIBUTIONS_PER_CLIENT_PER_MINUTE,
    MAX_GROUPS_PER_CLIENT,
    MAX_TITLE_CHARS,
    MAX_VERTICES,
    NO_PLACE,
    Client,
    GroupLimitError,
    Participant,
    RateLimitError,
    TooManyAttemptsError,
    ZoneIndex,
    add_comment,
    add_contribution,
    audit_log,
    build_board,
    cast_vote,
    clean_text,
    contributions_frame,
    create_workshop,
    delete_contribution,
    find_workshop,
    frame_of,
    geometry_from_input,
    get_contribution,
    get_workshop,
    group_votes,
    hide_comment,
    join_workshop,
    list_contributions,
    list_workshops,
    merge_duplicates,
    participation,
    pin_matches,
    retract_vote,
    set_hidden,
    set_pinned,
    tallies_by_zone_category,
    update_contribution,
    verify_pin,
    vote_budget,
    without_hidden,
)
from tests.workshop_support import make_zone_index

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>`${alert(3)}`"
XSS_NAME = "<b>G</b><script>alert(4)</script>"
IN_A = Point(98.965, 18.795)
POLY_A = Polygon([(98.961, 18.791), (98.969, 18.791), (98.969, 18.799), (98.961, 18.791)])


@pytest.fixture
def zones() -> ZoneIndex:
    return make_zone_index()


@pytest.fixture
def ws_code(store: Store) -> str:
    return create_workshop(store, title="Co-sensing ย่านนิมมาน", pin="4321", votes_per_group=3).code


@pytest.fixture
def group(store: Store, ws_code: str) -> Participant:
    return join_workshop(store, ws_code, "กลุ่ม 1")


def _add(store: Store, who: Participant, zones: ZoneIndex, **kw: object) -> str:
    fields: dict[str, object] = {
        "category": "asset",
        "strategy": "default",
        "title": "ตลาด",
        "geometry": IN_A,
    }
    fields.update(kw)
    return add_contribution(store, who, zones=zones, **fields).id  # type: ignore[arg-type]


# ------------------------------------------------------------------------- workshops


def test_create_workshop_gives_code_and_hides_pin(store: Store, ws_code: str) -> None:
    assert len(ws_code) == 6
    assert set(ws_code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    ws = get_workshop(store, ws_code.lower()[:3] + "-" + ws_code.lower()[3:])
    assert ws.title == "Co-sensing ย่านนิมมาน"
    assert ws.stage == "co_sensing"
    assert ws.votes_per_group == 3
    stored = store.query_one("SELECT pin_hash FROM workshop_workshops")
    assert stored is not None
    # never the PIN itself: every field is the scheme, its parameters, a salt or a hash (a
    # random hash may hold "4321" somewhere, 1 in ~1,000 runs, so fields are compared)
    assert "4321" not in stored["pin_hash"].split("$")
    assert len(stored["pin_hash"]) > 40
    assert stored["pin_hash"].startswith("scrypt$")
    assert pin_matches("4321", stored["pin_hash"])
    assert not pin_matches("4322", stored["pin_hash"])
    assert [w.code for w in list_workshops(store)] == [ws_code]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "", "pin": "1234"}, "title is empty"),
        ({"title": "x", "pin": "12"}, "PIN must have 4"),
        ({"title": "x", "pin": "1234", "votes_per_group": 0}, "between 1 and"),
        ({"title": "x", "pin": "1234", "stage": "brainstorm"}, "stage 'brainstorm'"),
        ({"title": "x", "pin": "1234", "workshop_date": "15/08/2019"}, "YYYY-MM-DD"),
    ],
)
def test_create_workshop_refuses_bad_input(
    store: Store, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        create_workshop(store, **kwargs)  # type: ignore[arg-type]
    assert list_workshops(store) == []


def test_wrong_join_code_is_clear_and_changes_nothing(store: Store, ws_code: str) -> None:
    with pytest.raises(AuthError, match="no workshop has the join code"):
        join_workshop(store, "ZZZZZZ", "g")
    assert store.query("SELECT * FROM workshop_groups") == []


def _wrong(i: int) -> str:
    """The i-th wrong code (all different: repeating one wrong code is not counted)."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "Z" + "".join(alphabet[(i // 31**k) % 31] for k in range(5))


def test_wrong_join_codes_are_slowed_down_per_client(store: Store, ws_code: str) -> None:
    t0 = datetime.now(UTC)
    a = Client("a", "10.0.0.1")
    for i in range(5):  # FREE_JOIN_ATTEMPTS different wrong codes
        with pytest.raises(AuthError, match="no workshop has the join code"):
            join_workshop(store, _wrong(i), "g", client=a, now=t0 + timedelta(seconds=i))
    last = t0 + timedelta(seconds=4)
    # the 6th try within 1 s of the last wrong one is refused, even with the right code
    with pytest.raises(TooManyAttemptsError, match="too many wrong join codes; wait 1 s") as e:
        join_workshop(store, ws_code, "g", client=a, now=last + timedelta(seconds=0.5))
    assert e.value.wait_s == 1
    assert store.query("SELECT * FROM workshop_groups") == []
    # another client is not held up
    assert join_workshop(store, ws_code, "h", client=Client("b", "10.0.0.2"), now=last)
    with pytest.raises(AuthError, match="no workshop has the join code"):
        join_workshop(store, _wrong(5), "g", client=a, now=last + timedelta(seconds=2))
    with pytest.raises(TooManyAttemptsError, match="wait 2 s"):  # the wait doubles
        join_workshop(store, ws_code, "g", client=a, now=last + timedelta(seconds=2.5))
    later = last + timedelta(seconds=10)
    assert join_workshop(store, ws_code, "g", client=a, now=later).group_name == "g"
    # a right code clears nothing: a guesser who knows one code cannot reset the count
    with pytest.raises(AuthError, match="no workshop has the join code"):
        find_workshop(store, _wrong(6), client=a, now=later)
    with pytest.raises(TooManyAttemptsError, match="wait 4 s"):
        find_workshop(store, ws_code, client=a, now=later + timedelta(seconds=0.1))
    # failures older than the window no longer count
    assert join_workshop(store, ws_code, "g", client=a, now=later + timedelta(hours=1))


def test_the_same_wrong_code_again_is_not_counted(store: Store, ws_code: str) -> None:
    t0 = datetime.now(UTC)
    for _ in range(20):  # a participant pressing "Join" again with the same typo
        with pytest.raises(AuthError, match="no workshop has the join code"):
            join_workshop(store, "ZZZZZZ", "g", client="a", now=t0)
    assert join_workshop(store, ws_code, "g", client="a", now=t0).code == ws_code


def test_find_workshop_shares_the_join_code_count(store: Store, ws_code: str) -> None:
    t0 = datetime.now(UTC)
    for i in range(5):
        with pytest.raises(AuthError, match="no workshop has the join code"):
            find_workshop(store, _wrong(i), client="a", now=t0)
    with pytest.raises(TooManyAttemptsError, match="wait 1 s"):
        join_workshop(store, ws_code, "g", client="a", now=t0)
    assert find_workshop(store, ws_code, client="a", now=t0 + timedelta(seconds=2)).code == ws_code


def test_many_sessions_of_one_address_are_slowed_down(store: Store, ws_code: str) -> None:
    t0 = datetime.now(UTC)
    for i in range(20):  # FREE_JOIN_ATTEMPTS_PER_ADDRESS, one guess per fresh session
        with pytest.raises(AuthError, match="no workshop has the join code"):
            find_workshop(store, _wrong(i), client=Client(f"s{i}", "203.0.113.9"), now=t0)
    with pytest.raises(TooManyAttemptsError, match="wait 1 s"):
        find_workshop(store, _wrong(99), client=Client("fresh", "203.0.113.9"), now=t0)
    assert find_workshop(store, ws_code, client=Client("x", "198.51.100.1"), now=t0)


def test_an_attacker_does_not_stop_the_hall_joining(store: Store, ws_code: str) -> None:
    """Issue 16.2: one attacker's wrong codes used to make every try wait up to 300 s."""
    t0 = datetime.now(UTC)
    attacker = Client("attacker", "203.0.113.66")
    looked_at = refused = 0
    honest_ok = 0
    for i in range(600):  # one try every 3 s for 30 min, each a different code
        now = t0 + timedelta(seconds=3 * i)
        try:
            find_workshop(store, _wrong(i), client=attacker, now=now)
        except TooManyAttemptsError:
            refused += 1
        except AuthError:
            looked_at += 1
        if i % 20 == 0:  # 30 honest participants, each from their own phone
            honest = Client(f"phone{i}", f"198.51.100.{i // 20}")
            assert join_workshop(store, ws_code, f"กลุ่ม {i}", client=honest, now=now)
            honest_ok += 1
    assert honest_ok == 30
    # the attacker got the free tries plus the backed-off ones: a few dozen, not 600
    assert looked_at <= 30, looked_at
    assert refused >= 570


def test_guessing_from_many_addresses_never_blocks_a_right_code(store: Store, ws_code: str) -> None:
    """A store-wide flood of wrong codes only takes away the free tries; right codes pass."""
    t0 = datetime.now(UTC)
    for i in range(200):  # a botnet: every guess from a fresh session and address
        with pytest.raises(AuthError):
            find_workshop(store, _wrong(i), client=Client(f"b{i}", f"192.0.2.{i}"), now=t0)
    for k in range(30):  # the hall keeps joining at once
        who = Client(f"phone{k}", "198.51.100.7")
        assert join_workshop(store, ws_code, f"g{k % 9}", client=who, now=t0).code == ws_code
    # under attack every client waits after its first wrong code
    typo = Client("typo", "198.51.100.8")
    with pytest.raises(AuthError, match="no workshop has the join code"):
        find_workshop(store, _wrong(999), client=typo, now=t0)
    with pytest.raises(TooManyAttemptsError, match="wait 1 s"):
        find_workshop(store, ws_code, client=typo, now=t0)
    assert find_workshop(store, ws_code, client=typo, now=t0 + timedelta(seconds=1.1))


_GUESSER = textwrap.dedent(
    """
    import sys, time
    from cmgis import AuthError
    from cmgis.workshop import (
        Client,
        TooManyAttemptsError,
        find_workshop,
        verify_pin,
    )
    from cmgis.store import open_app_store

    db, code, kind, first, n, start = sys.argv[1:7]
    store = open_app_store(db)
    time.sleep(max(0.0, float(start) - time.time()))  # all processes start together
    for i in range(int(first), int(first) + int(n)):
        try:
            if kind == "pin":
                verify_pin(store, code, f"{i:04d}9")
            else:
                find_workshop(store, "Z" + f"{i:05d}".translate(str.maketrans("0123456789",
                              "ABCDEFGHJK")), client=Client(f"p{i}", "203.0.113.5"))
        except TooManyAttemptsError:
            print("refused", flush=True)
        except AuthError as err:
            wrong = "wrong facilitator PIN" in str(err) or "no workshop" in str(err)
            print("checked" if wrong else "refused", flush=True)
        else:
            print("right", flush=True)
    """
)


def _guess_in_processes(db: str, code: str, kind: str, processes: int = 8) -> list[str]:
    """``processes`` real processes guessing together, 6 tries each; their outcomes."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    start = time.time() + 8  # time for every interpreter to import cmgis
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _GUESSER, str(db), code, kind, str(6 * k), "6", str(start)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for k in range(processes)
    ]
    results: list[str] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0
        results += out.split()
    assert len(results) == 6 * processes
    return results


def test_parallel_join_guesses_from_processes_share_the_budget(
    store: Store, ws_code: str, store_url: str
) -> None:
    results = _guess_in_processes(store_url, ws_code, "join")
    # the address's free tries plus at most a few backed-off ones within the run
    assert results.count("checked") <= FREE_JOIN_ATTEMPTS_PER_ADDRESS + 3, results
    assert results.count("refused") >= 48 - FREE_JOIN_ATTEMPTS_PER_ADDRESS - 3


def test_rejoin_with_same_name_is_same_group(store: Store, ws_code: str) -> None:
    a = join_workshop(store, ws_code, "  Group   One ")
    b = join_workshop(store, ws_code, "group one")
    assert a.group_id == b.group_id
    assert a.group_name == "Group One"


def test_forged_participant_cannot_write(
    store: Store, ws_code: str, group: Participant, zones: ZoneIndex
) -> None:
    other = create_workshop(store, title="other", pin="9999")
    forged = Participant(group.workshop_id, other.code, group.group_id, group.group_name)
    with pytest.raises(AuthError, match="join again"):
        _add(store, forged, zones)
    assert list_contributions(store, group.workshop_id) == []


# ------------------------------------------------------------------------ validation


def test_thai_text_is_kept_and_controls_removed() -> None:
    text = clean_text("  น้ำท่วม\u0000ถนน\u202e ห้วยแก้ว\n ", what="t", max_chars=50)
    assert text == "น้ำท่วมถนน ห้วยแก้ว"


def test_text_of_only_invisible_characters_is_empty() -> None:
    with pytest.raises(InputError, match="group name is empty"):
        clean_text("\u200b\u200b\ufeff \u2060", what="group name", max_chars=50)
    # zero-width spaces inside Thai text (used as word breaks) are kept
    assert clean_text("น้ำ\u200bท่วม", what="t", max_chars=50) == "น้ำ\u200bท่วม"


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (Point(100.5, 13.75), "not inside the Chiang Mai area"),
        (
            Polygon([(98.96, 18.79), (98.97, 18.80), (98.97, 18.79), (98.96, 18.80)]),
            "not valid",
        ),
        (LineString([(98.96, 18.79)] * 2), "two different points"),
        (
            LineString([(98.9 + i * 1e-5, 18.8) for i in range(MAX_VERTICES + 1)]),
            "vertices",
        ),
        ({"type": "MultiPoint", "coordinates": [[98.96, 18.79]]}, "MultiPoint cannot be saved"),
        ({"type": "Point", "coordinates": "x"}, "cannot be read"),
        ({"foo": 1}, "not GeoJSON"),
        ("POINT (1 2)", "must be GeoJSON"),
    ],
)
def test_bad_shapes_get_a_clear_message_and_nothing_is_saved(
    store: Store, group: Participant, zones: ZoneIndex, geometry: object, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        _add(store, group, zones, geometry=geometry)
    assert list_contributions(store, group.workshop_id) == []


def test_geojson_feature_from_the_draw_tool_is_accepted() -> None:
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [98.965, 18.795]},
    }
    assert geometry_from_input(feature) == IN_A


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "x" * (MAX_TITLE_CHARS + 1), f"at most {MAX_TITLE_CHARS}"),
        ("title", "   ", "title is empty"),
        ("category", "rumour", "category 'rumour'"),
        ("strategy", "4D", "strategy '4D'"),
    ],
)
def test_bad_fields_are_refused(
    store: Store, group: Participant, zones: ZoneIndex, field: str, value: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        _add(store, group, zones, **{field: value})


def test_rate_limit_per_group(store: Store, group: Participant, zones: ZoneIndex) -> None:
    for _ in range(3):
        add_contribution(
            store,
            group,
            category="asset",
            strategy="default",
            title="t",
            zones=zones,
            rate_limit_per_minute=3,
        )
    with pytest.raises(RateLimitError, match="at most 3 per minute"):
        add_contribution(
            store,
            group,
            category="asset",
            strategy="default",
            title="t",
            zones=zones,
            rate_limit_per_minute=3,
        )
    other = join_workshop(store, group.code, "another group")  # limit is per group
    add_contribution(
        store,
        other,
        category="asset",
        strategy="default",
        title="t",
        zones=zones,
        rate_limit_per_minute=3,
    )


def test_many_groups_of_one_client_cannot_flood(
    store: Store, ws_code: str, zones: ZoneIndex
) -> None:
    """Issue 16.5: one client with 20 groups saved 600 contributions in 0.5 s."""
    me = Client("flooder", "203.0.113.20")
    groups = [
        join_workshop(store, ws_code, f"g{i}", client=me) for i in range(MAX_GROUPS_PER_CLIENT)
    ]
    with pytest.raises(GroupLimitError, match="at most 10"):
        join_workshop(store, ws_code, "one more", client=me)
    assert join_workshop(store, ws_code, "g3", client=me).group_id == groups[3].group_id
    saved = refused = 0
    waits: list[int] = []
    for k in range(600):
        try:
            _add(store, groups[k % len(groups)], zones, title=f"spam {k}")
            saved += 1
        except RateLimitError as err:
            refused += 1
            waits.append(err.wait_s)
    assert saved == MAX_CONTRIBUTIONS_PER_CLIENT_PER_MINUTE
    assert refused == 600 - saved
    assert all(1 <= w <= 60 for w in waits)
    # another participant in the same hall still saves
    other = join_workshop(store, ws_code, "honest", client=Client("other", "203.0.113.20"))
    _add(store, other, zones)


def test_fresh_sessions_of_one_address_are_limited_too(
    store: Store, ws_code: str, zones: ZoneIndex
) -> None:
    saved = 0
    messages: set[str] = set()
    for k in range(MAX_CONTRIBUTIONS_PER_ADDRESS_PER_MINUTE + 20):
        who = join_workshop(store, ws_code, f"g{k % 50}", client=Client(f"s{k}", "192.0.2.1"))
        try:
            _add(store, who, zones)
            saved += 1
        except RateLimitError as err:
            messages.add(str(err).split(" wrote")[0])
    assert messages == {"this network address"}
    assert saved == MAX_CONTRIBUTIONS_PER_ADDRESS_PER_MINUTE


def test_comments_are_limited(store: Store, ws_code: str, zones: ZoneIndex) -> None:
    """Issue 16.5: comments had no limit (1,000 in 0.7 s)."""
    me = Client("c", "203.0.113.21")
    a, b = (join_workshop(store, ws_code, n, client=me) for n in ("a", "b"))
    cid = _add(store, a, zones)
    saved = 0
    waits: list[int] = []
    for k in range(200):
        try:
            add_comment(store, (a, b)[k % 2], cid, f"ข้อความ {k}")
            saved += 1
        except RateLimitError as err:
            waits.append(err.wait_s)
    assert min(waits) >= 1
    assert saved == MAX_COMMENTS_PER_CLIENT_PER_MINUTE


def test_board_is_bounded_for_a_big_workshop(store: Store, ws_code: str, zones: ZoneIndex) -> None:
    ws = get_workshop(store, ws_code)
    g = join_workshop(store, ws_code, "g")
    with store.transaction() as tx:  # 300 contributions in one cell, written directly
        for k in range(300):
            tx.execute(
                "INSERT INTO workshop_contributions (id, workshop_id, group_id, category, "
                "strategy, title, comment, zone_id, created_at, updated_at) VALUES "
                "(:id, :w, :g, 'asset', 'default', :t, '', 'a', :at, :at)",
                {"id": new_id(), "w": ws.id, "g": g.group_id, "t": f"t{k}",
                 "at": f"2026-01-01T00:{k // 60:02d}:{k % 60:02d}+00:00"},
            )  # fmt: skip
    board = build_board(store, ws)
    assert len(board.cell("default", "a")) == MAX_BOARD_CARDS_PER_CELL
    assert board.left_out("default", "a") == 300 - MAX_BOARD_CARDS_PER_CELL


# ------------------------------------------------------------------------------ zones


def test_spatial_join_to_zones(store: Store, group: Participant, zones: ZoneIndex) -> None:
    point = _add(store, group, zones, geometry=IN_A)
    poly = _add(store, group, zones, geometry=POLY_A)
    line_mostly_b = LineString([(98.969, 18.785), (98.990, 18.785)])  # 1 km out, 1 km in B
    line = _add(store, group, zones, geometry=line_mostly_b, category="connection")
    outside = _add(store, group, zones, geometry=Point(99.05, 18.70))
    note = _add(store, group, zones, geometry=None, title="ข้อสังเกต")
    zone_of = {c.id: c.zone_id for c in list_contributions(store, group.workshop_id)}
    assert zone_of == {
        point: "zone_a",
        poly: "zone_a",
        line: "zone_b",
        outside: ELSEWHERE,
        note: NO_PLACE,
    }


# ----------------------------------------------------------------- edits and deletes


def test_edit_and_soft_delete_own_only_and_audited(
    store: Store, group: Participant, zones: ZoneIndex
) -> None:
    cid = _add(store, group, zones)
    other = join_workshop(store, group.code, "กลุ่ม 2")
    with pytest.raises(AuthError, match="own contributions"):
        update_contribution(store, other, cid, title="hijack")
    with pytest.raises(AuthError):
        delete_contribution(store, other, cid)
    edited = update_contribution(
        store, group, cid, title="ตลาดวโรรส", geometry=Point(98.985, 18.785), zones=zones
    )
    assert (edited.title, edited.zone_id) == ("ตลาดวโรรส", "zone_b")
    delete_contribution(store, group, cid)
    assert list_contributions(store, group.workshop_id) == []
    kept = get_contribution(store, cid)
    assert kept.deleted_at is not None
    assert kept.title == "ตลาดวโรรส"
    actions = [(e.action, e.target_id) for e in audit_log(store, group.workshop_id)]
    assert ("edit", cid) in actions
    assert ("delete", cid) in actions
    edit_entry = next(e for e in audit_log(store, group.workshop_id) if e.action == "edit")
    assert edit_entry.detail["title"] == "ตลาด"


def test_idempotent_retry_with_same_id(store: Store, group: Participant, zones: ZoneIndex) -> None:
    cid = new_id()
    first = _add(store, group, zones, contribution_id=cid)
    again = _add(store, group, zones, contribution_id=cid)
    assert first == again == cid
    assert len(list_contributions(store, group.workshop_id)) == 1


# ---------------------------------------------------------------------------- votes


def test_dot_votes_within_budget(store: Store, group: Participant, zones: ZoneIndex) -> None:
    a, b = _add(store, group, zones), _add(store, group, zones, title="b")
    assert cast_vote(store, group, a).left == 2
    assert cast_vote(store, group, a).left == 1
    assert cast_vote(store, group, b).left == 0
    with pytest.raises(InputError, match="used all 3 votes"):
        cast_vote(store, group, b)
    assert group_votes(store, group) == {a: 2, b: 1}
    assert retract_vote(store, group, a).left == 1
    assert get_contribution(store, a).votes == 1
    with pytest.raises(InputError, match="no vote"):
        retract_vote(store, join_workshop(store, group.code, "g2"), a)


def test_votes_are_not_overspent_by_parallel_clicks(
    store: Store, group: Participant, zones: ZoneIndex
) -> None:
    cid = _add(store, group, zones)
    results: list[str] = []

    def click() -> None:
        try:
            cast_vote(store, group, cid)
            results.append("ok")
        except InputError:
            results.append("refused")

    threads = [threading.Thread(target=click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok"] * 3 + ["refused"] * 5
    assert vote_budget(store, group).used == 3


# ----------------------------------------------------------------------- moderation


def test_parallel_pin_guesses_get_no_more_checks_than_the_budget(
    store: Store, ws_code: str, store_url: str
) -> None:
    """Issue 16.2: 96 parallel sessions got 59 PIN checks in a minute (8 one at a time)."""
    results = _guess_in_processes(store_url, ws_code, "pin")
    # FREE_PIN_ATTEMPTS free, then 1, 2, 4 ... s apart: a run of a few seconds allows ~5
    assert results.count("checked") <= FREE_PIN_ATTEMPTS + 4, results
    assert results.count("right") == 0


def test_parallel_pin_guesses_from_threads_get_no_more_checks(store: Store, ws_code: str) -> None:
    results: list[str] = []

    def guess(i: int) -> None:
        try:
            verify_pin(store, ws_code, f"{i:04d}9")
        except AuthError as err:
            results.append("checked" if "wrong facilitator PIN" in str(err) else "refused")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(32)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results.count("checked") <= FREE_PIN_ATTEMPTS + 2, results
    assert len(results) == 32


def test_wrong_pin_changes_nothing_and_is_slowed_down(
    store: Store, ws_code: str, group: Participant, zones: ZoneIndex
) -> None:
    cid = _add(store, group, zones)
    for _ in range(3):
        with pytest.raises(AuthError, match="wrong facilitator PIN"):
            set_hidden(store, ws_code, "0000", cid, hidden=True)
    # 3 failures: the next attempt may only come 1 s after the last, even with the right PIN
    with pytest.raises(AuthError, match="too many wrong PINs; wait 1 s"):
        set_hidden(store, ws_code, "4321", cid, hidden=True)
    soon = datetime.now(UTC) + timedelta(seconds=2)
    with pytest.raises(AuthError, match="wrong facilitator PIN"):
        verify_pin(store, ws_code, "0000", now=soon)
    with pytest.raises(AuthError, match="wait 2 s"):  # the wait doubles
        verify_pin(store, ws_code, "4321", now=soon)
    assert get_contribution(store, cid).hidden is False
    later = datetime.now(UTC) + timedelta(seconds=5)
    assert verify_pin(store, ws_code, "4321", now=later).code == ws_code
    set_hidden(store, ws_code, "4321", cid, hidden=True)  # failures were cleared
    assert get_contribution(store, cid).hidden is True


def test_hide_pin_merge(store: Store, ws_code: str, group: Participant, zones: ZoneIndex) -> None:
    keep, dup, other = (_add(store, group, zones, title=t) for t in ("ตลาด", "ตลาด ซ้ำ", "x"))
    g2 = join_workshop(store, ws_code, "กลุ่ม 2")
    cast_vote(store, g2, dup)
    add_comment(store, g2, dup, "same as the market")
    set_pinned(store, ws_code, "4321", other, pinned=True)
    merged = merge_duplicates(store, ws_code, "4321", keep_id=keep, duplicate_id=dup)
    assert merged.votes == 1
    assert [c.body for c in merged.comments] == ["same as the market"]
    assert get_contribution(store, dup).merged_into == keep
    set_hidden(store, ws_code, "4321", other, hidden=True)
    ws = get_workshop(store, ws_code)
    board = build_board(store, ws, zone_ids=["zone_a", "zone_b"])
    assert [c.id for c in board.cell("default", "zone_a")] == [keep]
    with pytest.raises(InputError, match="not on the board"):
        cast_vote(store, g2, other)
    set_hidden(store, ws_code, "4321", other, hidden=False)
    board = build_board(store, ws, zone_ids=["zone_a", "zone_b"])
    assert [c.id for c in board.cell("default", "zone_a")] == [other, keep]  # pinned first
    merge_entry = next(e for e in audit_log(store, ws.id) if e.action == "merge")
    assert merge_entry.detail["into"] == keep
    assert len(merge_entry.detail["votes"]) == 1


def test_board_columns_and_live_tallies(
    store: Store, ws_code: str, group: Participant, zones: ZoneIndex
) -> None:
    ws = create_workshop(store, title="t", pin="1111", zones_in_focus=["zone_b"])
    g = join_workshop(store, ws.code, XSS_NAME)
    _add(store, g, zones, category="problem", strategy="drivers", title=XSS, comment=XSS)
    _add(store, g, zones, geometry=POLY_A, category="opportunity")
    _add(store, g, zones, geometry=None)
    board = build_board(store, ws, zone_ids=["zone_a", "zone_b"])
    assert board.columns == ("zone_b", "zone_a", ELSEWHERE, NO_PLACE)
    assert board.cell("drivers", "zone_a")[0].title == XSS  # stored literally
    frame = contributions_frame(store, ws.id)
    assert frame.crs == "EPSG:4326"
    assert len(frame) == 3
    tallies = tallies_by_zone_category(frame)
    assert tallies.loc["zone_a", "problem"] == 1
    assert tallies.loc["zone_a", "total"] == 2
    part = participation(store, ws.id).set_index("group_name")
    assert part.loc[XSS_NAME, "contributions"] == 3
    assert part.loc[XSS_NAME, "polygons"] == 1
    assert part.loc[XSS_NAME, "notes"] == 1
    assert 0.3 < part.loc[XSS_NAME, "mapped_area_km2"] < 0.4  # ~0.84 km × 0.89 km / 2


def test_contributions_frame_columns_and_deleted_ones(
    store: Store, ws_code: str, group: Participant, zones: ZoneIndex
) -> None:
    ws = get_workshop(store, ws_code)
    keep = _add(store, group, zones)
    gone = _add(store, group, zones, geometry=None)
    delete_contribution(store, group, gone)
    frame = contributions_frame(store, ws.id)
    assert list(frame.columns) == [*FRAME_COLUMNS, "geometry"]
    assert list(frame["id"]) == [keep]
    assert bool(frame["approximate"].iloc[0]) is True
    full = contributions_frame(
        store, ws.id, include_deleted=True, columns=("id", "merged_into", "deleted_at")
    )
    assert list(full.columns) == ["id", "merged_into", "deleted_at", "geometry"]
    rows = full.set_index("id")
    assert rows.loc[keep, "deleted_at"] == "" and rows.loc[keep, "merged_into"] == ""
    assert rows.loc[gone, "deleted_at"] != "" and rows.loc[gone, "geometry"] is None
    empty = contributions_frame(store, create_workshop(store, title="e", pin="1111").id)
    assert len(empty) == 0 and list(empty.columns) == [*FRAME_COLUMNS, "geometry"]


# --------------------------------------------------------------------- faults, load

_WRITER = textwrap.dedent(
    """
    import sys
    import geopandas as gpd
    from shapely.geometry import Point, box
    from cmgis.workshop import ZoneIndex, add_contribution, join_workshop
    from cmgis.store import open_app_store

    store = open_app_store(sys.argv[1])
    zones = ZoneIndex(gpd.GeoDataFrame({"zone_id": ["a"]},
                      geometry=[box(98.96, 18.79, 98.97, 18.80)], crs="EPSG:4326"))
    who = join_workshop(store, sys.argv[2], "writer")
    print("ready", flush=True)
    i = 0
    while True:
        c = add_contribution(store, who, category="asset", strategy="drivers",
                             title=f"จุดที่ {i}", comment="ทดสอบ " * 50,
                             geometry=Point(98.96 + (i % 100) * 1e-4, 18.79),
                             zones=zones, rate_limit_per_minute=10**9)
        print(c.id, flush=True)  # acknowledged: the commit has returned
        i += 1
    """
)


def test_sigkill_mid_burst_loses_no_acknowledged_write(tmp_path: Path) -> None:
    db = tmp_path / "kill.sqlite"
    with open_app_store(db) as s:
        code = create_workshop(s, title="kill test", pin="1234").code
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db), code],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    acknowledged = [proc.stdout.readline().strip() for _ in range(40)]
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of the burst
    proc.wait(timeout=10)
    acknowledged += [line.strip() for line in proc.stdout if len(line.strip()) == 32]
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    with open_app_store(db) as s:
        assert s.integrity_check() == ["ok"]
        stored = {r["id"] for r in s.query("SELECT id FROM workshop_contributions")}
        rows = s.query_one(
            "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM workshop_contributions"
        )
    assert set(acknowledged) <= stored
    assert rows is not None
    assert rows["n"] == rows["d"] >= 40


def test_one_read_gives_what_each_table_reads_for_itself(
    store: Store, ws_code: str, zones: ZoneIndex
) -> None:
    """The projector reads the contributions once (hidden ones too) for its map, board
    and participation table: each gives what it would give reading them itself."""
    one, two = join_workshop(store, ws_code, "กลุ่ม 1"), join_workshop(store, ws_code, "กลุ่ม 2")
    kept, hidden = _add(store, one, zones, title="kept"), _add(store, two, zones, title="hidden")
    _add(store, two, zones, title="line", geometry=LineString([(98.961, 18.791), (98.969, 18.799)]))
    add_comment(store, two, kept, "shown")
    secret = add_comment(store, one, kept, "hidden comment")
    add_comment(store, one, hidden, "on a hidden item")
    cast_vote(store, two, kept)
    set_hidden(store, ws_code, "4321", hidden, hidden=True)
    hide_comment(store, ws_code, "4321", secret.id)
    ws = get_workshop(store, ws_code)

    with_hidden = list_contributions(store, ws.id, include_hidden=True)
    shown = without_hidden(with_hidden)
    assert shown == list_contributions(store, ws.id)
    assert [c.title for c in shown] == ["kept", "line"]
    assert [m.body for m in shown[0].comments] == ["shown"]  # the hidden comment left out
    assert_frame_equal(frame_of(shown), contributions_frame(store, ws.id))
    assert build_board(store, ws, zone_ids=["zone_a"], items=shown) == build_board(
        store, ws, zone_ids=["zone_a"]
    )
    assert_frame_equal(participation(store, ws.id, items=with_hidden), participation(store, ws.id))
