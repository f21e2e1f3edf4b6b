"""Who runs a workshop (issue 17): the account that created it, on SQLite and PostGIS.

A facilitator account opens without the PIN only the workshops it created; another
facilitator's workshop, or one made with the PIN only (every workshop made before
owners were kept), needs that workshop's PIN; an admin account opens every workshop. A
refusal changes nothing in the store (every workshop table compared before and after).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point

from cmgis import AuthError, PermissionDeniedError
from cmgis.accounts import Actor, Role, add_account, set_disabled, sign_in
from cmgis.store import Store, app_migrations, new_id, open_app_store, open_store, utc_now
from cmgis.workshop import (
    add_contribution,
    audit_log,
    create_workshop,
    export_workshop,
    get_contribution,
    get_workshop,
    hash_pin,
    import_workshop,
    join_workshop,
    list_workshops,
    set_hidden,
    set_published,
    verify_pin,
    workshops_of,
)
from tests.workshop_support import make_zone_index

PASSWORDS = {
    "boss": "boss-Secret-0815",
    "fa": "fa-Secret-45678",
    "fb": "fb-Secret-45678",
    "ed": "ed-Secret-45678",
}
ROLES = {"boss": Role.ADMIN, "fa": Role.FACILITATOR, "fb": Role.FACILITATOR, "ed": Role.EDITOR}
PIN_A, PIN_B, PIN_OLD = "1357", "2468", "9753"
TABLES = (
    "workshop_workshops", "workshop_groups", "workshop_contributions", "workshop_comments",
    "workshop_votes", "workshop_audit", "workshop_pin_failures", "workshop_join_failures",
    "workshop_people",
)  # fmt: skip


@pytest.fixture
def actors(store: Store) -> dict[str, Actor]:
    """Signed-in actors: an admin, two facilitators (fa, fb) and an editor."""
    out: dict[str, Actor] = {}
    for name, role in ROLES.items():
        add_account(store, name, PASSWORDS[name], role=role, actor=out.get("boss"))
        out[name] = sign_in(store, name, PASSWORDS[name], client=f"setup-{name}").actor
    return out


def snapshot(store: Store) -> dict[str, list[str]]:
    """Every row of every workshop table (portable: the same query on both backends)."""
    return {t: sorted(map(repr, store.query(f"SELECT * FROM {t}"))) for t in TABLES}


def _actors_in_audit(store: Store, code: str) -> list[tuple[str, str]]:
    return [(e.actor, e.action) for e in audit_log(store, get_workshop(store, code).id)]


def test_the_creating_account_is_recorded_and_named_in_the_audit(
    store: Store, actors: dict[str, Actor]
) -> None:
    mine = create_workshop(store, title="Nimman walk", pin=PIN_A, actor=actors["fa"])
    assert mine.owner == "fa" and get_workshop(store, mine.code).owner == "fa"
    assert _actors_in_audit(store, mine.code) == [("facilitator:fa", "create_workshop")]
    pin_only = create_workshop(store, title="Old town", pin=PIN_B)  # no account: PIN only
    assert pin_only.owner is None
    assert _actors_in_audit(store, pin_only.code) == [("facilitator", "create_workshop")]
    visitor = create_workshop(store, title="Visitor", pin=PIN_B, actor=Actor.viewer())
    assert visitor.owner is None  # an actor without an account owns nothing
    set_disabled(store, "fb", actor=actors["boss"])
    before = snapshot(store)
    with pytest.raises(PermissionDeniedError, match="disabled"):  # a stale session
        create_workshop(store, title="Ghost", pin=PIN_B, actor=actors["fb"])
    assert snapshot(store) == before


def test_a_facilitator_opens_only_its_own_workshops_without_the_pin(
    store: Store, actors: dict[str, Actor]
) -> None:
    a = create_workshop(store, title="A's evening", pin=PIN_A, actor=actors["fa"]).code
    b = create_workshop(store, title="B's evening", pin=PIN_B, actor=actors["fb"]).code
    assert verify_pin(store, a, "", actor=actors["fa"]).code == a
    before = snapshot(store)
    with pytest.raises(PermissionDeniedError) as err:
        verify_pin(store, b, "", actor=actors["fa"])
    assert "belongs to another facilitator" in str(err.value)
    assert "its facilitator PIN" in str(err.value)
    assert "ผู้ดำเนินกิจกรรมคนอื่น" in err.value.message("th") and "PIN" in err.value.message("th")
    assert snapshot(store) == before  # nothing written: no audit, no PIN failure
    # A with B's PIN runs B's workshop (a colleague's evening); a wrong PIN is a wrong PIN
    assert verify_pin(store, b, PIN_B, actor=actors["fa"]).code == b
    with pytest.raises(AuthError, match="wrong facilitator PIN"):
        verify_pin(store, b, PIN_A, actor=actors["fa"])
    # the admin opens both; the editor (no facilitator rights) neither, not even its own
    for code in (a, b):
        assert verify_pin(store, code, "", actor=actors["boss"]).code == code
    own = create_workshop(store, title="Editor's", pin=PIN_A, actor=actors["ed"])
    assert own.owner == "ed"
    with pytest.raises(PermissionDeniedError, match="needs the role facilitator"):
        verify_pin(store, own.code, "", actor=actors["ed"])


def test_moderating_another_facilitator_s_workshop_is_refused_and_changes_nothing(
    store: Store, actors: dict[str, Actor]
) -> None:
    b = create_workshop(store, title="B's evening", pin=PIN_B, actor=actors["fb"]).code
    group = join_workshop(store, b, "group 1")
    item = add_contribution(
        store, group, category="asset", strategy="default", title="market",
        geometry=Point(98.965, 18.795), zones=make_zone_index(),
    )  # fmt: skip
    before = snapshot(store)
    for refused in (
        lambda: set_hidden(store, b, "", item.id, hidden=True, actor=actors["fa"]),
        lambda: set_published(store, b, "", published=True, actor=actors["fa"]),
    ):
        with pytest.raises(PermissionDeniedError, match="another facilitator"):
            refused()
        assert snapshot(store) == before
    set_hidden(store, b, "", item.id, hidden=True, actor=actors["fb"])  # the owner
    set_published(store, b, PIN_B, published=True, actor=actors["fa"])  # A with B's PIN
    assert get_contribution(store, item.id).hidden and get_workshop(store, b).published
    actions = _actors_in_audit(store, b)
    assert ("facilitator:fb", "hide") in actions and ("facilitator:fa", "publish") in actions


def test_old_workshops_without_owner_need_the_pin_except_for_the_admin(
    store_url: str, tmp_path: Path
) -> None:
    """A store from before owners (every migration but ``workshop_owner``) with a
    workshop in it, then opened by the app (which adds the column, NULL for it)."""
    with open_store(store_url) as old:
        old.migrate(tuple(m for m in app_migrations() if m.feature != "workshop_owner"))
        row: dict[str, Any] = {
            "id": new_id(), "code": "OLDWS2", "title": "Before owners", "day": "2026-05-01",
            "stage": "co_sensing", "focus": "[]", "votes": 5, "pin": hash_pin(PIN_OLD),
            "at": utc_now(),
        }  # fmt: skip
        with old.transaction() as tx:
            tx.execute(
                "INSERT INTO workshop_workshops (id, code, title, workshop_date, stage, "
                "zones_in_focus, votes_per_group, pin_hash, created_at) VALUES (:id, :code, "
                ":title, :day, :stage, :focus, :votes, :pin, :at)",
                row,
            )
    with open_app_store(store_url) as store:
        add_account(store, "boss", PASSWORDS["boss"], role=Role.ADMIN)
        boss = sign_in(store, "boss", PASSWORDS["boss"]).actor
        add_account(store, "fa", PASSWORDS["fa"], role=Role.FACILITATOR, actor=boss)
        fa = sign_in(store, "fa", PASSWORDS["fa"]).actor
        assert get_workshop(store, "OLDWS2").owner is None
        before = snapshot(store)
        with pytest.raises(PermissionDeniedError, match="made without an account") as err:
            verify_pin(store, "OLDWS2", "", actor=fa)
        assert "สร้างโดยไม่ใช้บัญชี" in err.value.message("th")
        assert snapshot(store) == before
        assert workshops_of(store, fa) == []
        assert verify_pin(store, "OLDWS2", PIN_OLD, actor=fa).code == "OLDWS2"
        assert verify_pin(store, "OLDWS2", "", actor=boss).code == "OLDWS2"
        assert [ws.code for ws in workshops_of(store, boss)] == ["OLDWS2"]


def test_workshops_of_lists_the_account_s_own_and_all_for_the_admin(
    store: Store, actors: dict[str, Actor]
) -> None:
    a1 = create_workshop(store, title="A one", pin=PIN_A, actor=actors["fa"]).code
    b1 = create_workshop(store, title="B one", pin=PIN_B, actor=actors["fb"]).code
    a2 = create_workshop(store, title="A two", pin=PIN_A, actor=actors["fa"]).code
    old = create_workshop(store, title="PIN only", pin=PIN_B).code
    assert [ws.code for ws in workshops_of(store, actors["fa"])] == [a2, a1]  # newest first
    assert [ws.code for ws in workshops_of(store, actors["fb"])] == [b1]
    everything = [ws.code for ws in list_workshops(store)]
    assert [ws.code for ws in workshops_of(store, actors["boss"])] == everything
    assert set(everything) == {a1, a2, b1, old}
    for nobody in (actors["ed"], Actor.viewer(), None, Actor("fa", "FA", Role.FACILITATOR)):
        assert workshops_of(store, nobody) == []  # no facilitator account (or not verified)
    set_disabled(store, "fa", actor=actors["boss"])
    assert workshops_of(store, actors["fa"]) == []  # a disabled account: none at once


def test_an_imported_workshop_belongs_to_the_importing_account_never_to_the_file_s(
    store: Store, actors: dict[str, Actor], tmp_path: Path
) -> None:
    b = create_workshop(store, title="B's evening", pin=PIN_B, actor=actors["fb"]).code
    gpkg, _ = export_workshop(store, b, tmp_path / "b.gpkg")
    zones = make_zone_index()
    mine = import_workshop(store, gpkg, pin=PIN_A, actor=actors["fa"], zones=zones).workshop
    assert mine.owner == "fa" and mine.code != b
    assert _actors_in_audit(store, mine.code) == [
        ("facilitator:fa", "create_workshop"), ("facilitator:fa", "import"),
    ]  # fmt: skip
    assert verify_pin(store, mine.code, "", actor=actors["fa"]).code == mine.code
    nobody = import_workshop(store, gpkg, pin=PIN_A, zones=zones).workshop
    assert nobody.owner is None  # without an account: PIN only, whoever owned the file's
    with pytest.raises(PermissionDeniedError, match="made without an account"):
        verify_pin(store, nobody.code, "", actor=actors["fb"])
    before = snapshot(store)
    with pytest.raises(PermissionDeniedError, match="another facilitator"):  # merge into B's
        import_workshop(store, gpkg, into_code=b, actor=actors["fa"], zones=zones)
    assert snapshot(store) == before
