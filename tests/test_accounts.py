"""Accounts and roles (issue 17): every write of the library checks the role.

For each write function: a viewer and a participant are refused with a clear error and
the store is unchanged (every table compared before and after); an editor (or the
facilitator / admin the action needs) succeeds and the record names the account. Also:
no plain-text password in the store file, KDF parameters kept, the wrong-password
throttle, sessions that expire, the local editor, and the public read-only mode.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from cmgis import AuthError, InputError, PermissionDeniedError
from cmgis import imports as imp
from cmgis.accounts import (
    SESSION_TTL,
    Actor,
    Role,
    TooManyPasswordsError,
    add_account,
    authorize,
    check_password_of,
    default_actor,
    list_accounts,
    require_role,
    reset_password,
    session_actor,
    set_disabled,
    sign_in,
    sign_out,
)
from cmgis.plan.edits import (
    ProjectDraft,
    add_project,
    add_projects,
    annotate,
    edit_project,
    history,
    report_codes,
    undo_last,
)
from cmgis.plan.spec import Plan, load_plan
from cmgis.store import Store, open_app_store
from cmgis.user_layers import records as ul
from cmgis.workshop import (
    add_comment,
    add_contribution,
    audit_log,
    cast_vote,
    create_workshop,
    delete_participant,
    export_workshop,
    get_workshop,
    hide_comment,
    import_workshop,
    join_workshop,
    list_people,
    merge_duplicates,
    set_hall_options,
    set_hidden,
    set_pinned,
    set_published,
)
from tests.test_user_layers import PARAMS, candidate_fixture
from tests.workshop_support import make_zone_index

PASSWORDS = {
    "admin": "admin-Secret-4711",
    "ed": "editor-Secret-0815",
    "ed2": "editor2-Secret-99",
    "fac": "facil-Secret-1234",
}
ROLES = {"admin": Role.ADMIN, "ed": Role.EDITOR, "ed2": Role.EDITOR, "fac": Role.FACILITATOR}
PIN = "4321"


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    """Two tiny square zones inside the area (EPSG:4326; test fixtures)."""
    return gpd.GeoDataFrame(
        {"zone_id": ["old_town", "suan_dok"]},
        geometry=[box(98.980, 18.780, 98.995, 18.795), box(98.965, 18.785, 98.978, 18.795)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "accounts.sqlite"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    s = open_app_store(db)
    yield s
    s.close()


@pytest.fixture
def actors(store: Store) -> dict[str, Actor]:
    """Signed-in actors of four accounts (the first, ``admin``, needs no admin)."""
    out = {}
    for name in ("admin", "ed", "ed2", "fac"):
        admin = out.get("admin")
        add_account(
            store, name, PASSWORDS[name], role=ROLES[name], display_name=name.upper(), actor=admin
        )
        out[name] = sign_in(store, name, PASSWORDS[name], client=f"setup-{name}").actor
    return out


def _draft(**kw: object) -> ProjectDraft:
    base: dict[str, object] = {
        "title_en": "Walking street data kiosk",
        "strategy": "drivers",
        "geometry": Point(98.987, 18.788),
    }
    base.update(kw)
    return ProjectDraft(**base)  # type: ignore[arg-type]


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the store file (read straight from the file)."""
    con = sqlite3.connect(db)
    try:
        names = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
        ]
        return {n: sorted(map(repr, con.execute(f'SELECT * FROM "{n}"'))) for n in names}  # type: ignore[misc]
    finally:
        con.close()


# --- the write functions: (needed role, setup, call as actor) ------------------------


def _project_setup(store: Store, actors: dict[str, Actor], zones: gpd.GeoDataFrame) -> str:
    return add_project(store, _draft(), zones=zones, actor=actors["ed"]).code


def _layer_setup(store: Store, actors: dict[str, Actor]) -> str:
    return ul.save_candidate_layer(
        store, candidate_fixture(), name="Cands", created_by="", parameters=PARAMS,
        actor=actors["ed"],
    ).slug  # fmt: skip


def _workshop_setup(store: Store, owner: Actor | None = None) -> dict[str, str]:
    """A workshop with two contributions and a comment, run by ``owner`` (the account that
    creates it; a facilitator account opens only its own workshops without the PIN)."""
    code = create_workshop(store, title="Co-sensing", pin=PIN, votes_per_group=3, actor=owner).code
    who = join_workshop(store, code, "group 1")
    zones = make_zone_index()
    one = add_contribution(
        store, who, category="asset", strategy="default", title="market",
        geometry=Point(98.965, 18.795), zones=zones,
    )  # fmt: skip
    two = add_contribution(
        store, who, category="asset", strategy="default", title="market again",
        geometry=Point(98.966, 18.795), zones=zones,
    )  # fmt: skip
    comment = add_comment(store, who, one.id, "yes")
    return {
        "code": code, "one": one.id, "two": two.id, "comment": comment.id, "group": who.group_id,
    }  # fmt: skip


def _imports_setup(store: Store, actors: dict[str, Actor], tmp: Path) -> dict[str, Any]:
    """A checked layer file and a checked indicator table, and one of each stored by ``ed``."""
    gpkg = tmp / "agency.gpkg"
    candidate_fixture().to_file(gpkg, layer="cands", driver="GPKG")
    csv = tmp / "indicators.csv"
    csv.write_text("zone_id,clinics\nnimman,3\nold_town,5\n", encoding="utf-8")
    prepared, table = imp.prepare_import(gpkg), imp.prepare_table(csv)
    layer = imp.store_import(
        store, prepared, imported_by="Somchai", title="Agency layer", actor=actors["ed"]
    )
    stored = imp.store_table(store, table, imported_by="Somchai", actor=actors["ed"])
    return {"prepared": prepared, "table": table, "layer": layer.layer_id, "id": stored.id}


Call = Callable[[Actor], object]


def _calls(
    store: Store, actors: dict[str, Actor], zones: gpd.GeoDataFrame, plan: Plan, tmp: Path
) -> dict[str, tuple[Role, Call]]:
    """Every write function of the library that a role guards, ready to call as an actor."""
    code = _project_setup(store, actors, zones)
    report_code = sorted(report_codes(plan))[0]
    slug = _layer_setup(store, actors)
    gpkg = tmp / "import.gpkg"
    candidate_fixture().to_file(gpkg, layer="cands", driver="GPKG")
    ws = _workshop_setup(store, actors["fac"])
    im = _imports_setup(store, actors, tmp)
    return {
        "add_projects": (Role.EDITOR, lambda a: add_projects(
            store, [_draft()], user="", zones=zones, actor=a)),
        "add_project": (Role.EDITOR, lambda a: add_project(store, _draft(), zones=zones, actor=a)),
        "annotate": (Role.EDITOR, lambda a: annotate(
            store, plan, report_code, expected_version=0, status="in_progress", actor=a)),
        "edit_project": (Role.EDITOR, lambda a: edit_project(
            store, plan, code, {"notes": "new"}, expected_version=1, zones=zones, actor=a)),
        "undo_last": (Role.EDITOR, lambda a: undo_last(store, code, expected_version=1, actor=a)),
        "save_user_layer": (Role.EDITOR, lambda a: ul.save_user_layer(
            store, candidate_fixture(), name="Other layer", created_by="", kind="imported",
            parameters={}, provenance=ul.Provenance(inputs=(), credit="", licence="",
                                                    method="test"), actor=a)),
        "save_candidate_layer": (Role.EDITOR, lambda a: ul.save_candidate_layer(
            store, candidate_fixture(), name="More cands", created_by="", parameters=PARAMS,
            actor=a)),
        "import_layer_file": (Role.EDITOR, lambda a: ul.import_layer_file(
            store, gpkg, name="Imported", created_by="", actor=a)),
        "delete_user_layer": (Role.EDITOR, lambda a: ul.delete_user_layer(store, slug, actor=a)),
        "store_import": (Role.EDITOR, lambda a: imp.store_import(
            store, im["prepared"], imported_by="", title="Second agency layer", actor=a)),
        "delete_import": (Role.EDITOR, lambda a: imp.delete_import(store, im["layer"], actor=a)),
        "store_table": (Role.EDITOR, lambda a: imp.store_table(
            store, im["table"], imported_by="", title="More", actor=a)),
        "delete_table": (Role.EDITOR, lambda a: imp.delete_table(store, im["id"], actor=a)),
        "set_hidden": (Role.FACILITATOR, lambda a: set_hidden(
            store, ws["code"], "", ws["one"], hidden=True, actor=a)),
        "set_pinned": (Role.FACILITATOR, lambda a: set_pinned(
            store, ws["code"], "", ws["one"], pinned=True, actor=a)),
        "hide_comment": (Role.FACILITATOR, lambda a: hide_comment(
            store, ws["code"], "", ws["comment"], actor=a)),
        "merge_duplicates": (Role.FACILITATOR, lambda a: merge_duplicates(
            store, ws["code"], "", keep_id=ws["one"], duplicate_id=ws["two"], actor=a)),
        "set_published": (Role.FACILITATOR, lambda a: set_published(
            store, ws["code"], "", published=True, actor=a)),
        "set_hall_options": (Role.FACILITATOR, lambda a: set_hall_options(
            store, ws["code"], "", allow_anonymous=False, ask_details="none", actor=a)),
        "delete_participant": (Role.FACILITATOR, lambda a: delete_participant(
            store, ws["code"], "", ws["group"], actor=a)),
        "add_account": (Role.ADMIN, lambda a: add_account(
            store, "newbie", "newbie-Secret-1", role="editor", actor=a)),
        "set_disabled": (Role.ADMIN, lambda a: set_disabled(store, "ed2", actor=a)),
        "reset_password": (Role.ADMIN, lambda a: reset_password(
            store, "ed2", "another-Secret-2", actor=a)),
    }  # fmt: skip


WRITES = [
    "add_projects", "add_project", "annotate", "edit_project", "undo_last",
    "save_user_layer", "save_candidate_layer", "import_layer_file", "delete_user_layer",
    "store_import", "delete_import", "store_table", "delete_table",
    "set_hidden", "set_pinned", "hide_comment", "merge_duplicates", "set_published",
    "set_hall_options", "delete_participant",
    "add_account", "set_disabled", "reset_password",
]  # fmt: skip


@pytest.mark.parametrize("name", WRITES)
def test_viewer_and_participant_are_refused_and_the_store_is_unchanged(
    name: str,
    store: Store,
    db: Path,
    actors: dict[str, Actor],
    zones: gpd.GeoDataFrame,
    plan: Plan,
    tmp_path: Path,
) -> None:
    _role, call = _calls(store, actors, zones, plan, tmp_path)[name]
    for actor in (Actor.viewer(), Actor.participant("group 1"), None):
        before = snapshot(db)
        with pytest.raises(PermissionDeniedError) as err:
            call(actor)  # type: ignore[arg-type]
        assert "may not" in str(err.value) or "sign in" in str(err.value)
        assert err.value.message("th") != str(err.value)  # a Thai message too
        assert snapshot(db) == before, f"{name} changed the store for {actor}"


@pytest.mark.parametrize("name", WRITES)
def test_the_role_it_needs_succeeds_and_lower_roles_do_not(
    name: str,
    store: Store,
    db: Path,
    actors: dict[str, Actor],
    zones: gpd.GeoDataFrame,
    plan: Plan,
    tmp_path: Path,
) -> None:
    role, call = _calls(store, actors, zones, plan, tmp_path)[name]
    allowed = {Role.EDITOR: "ed", Role.FACILITATOR: "fac", Role.ADMIN: "admin"}[role]
    for other in ("ed", "fac"):
        if other != allowed and not actors[other].can(role):
            before = snapshot(db)
            with pytest.raises(PermissionDeniedError):
                call(actors[other])
            assert snapshot(db) == before
    call(actors[allowed])


def test_editor_history_names_the_account_beside_the_typed_name(
    store: Store, actors: dict[str, Actor], zones: gpd.GeoDataFrame
) -> None:
    rec = add_project(store, _draft(), user="Somchai at the desk", zones=zones, actor=actors["ed"])
    undo_last(store, rec.code, expected_version=1, actor=actors["ed"])
    changes = history(store, rec.code)
    assert [(c.action, c.account, c.verified) for c in changes] == [
        ("undo", "ed", True),
        ("add", "ed", True),
    ]
    assert changes[1].by_user == "Somchai at the desk"
    assert changes[0].by_user == "ED"  # nothing typed: the account's display name


def test_existing_rows_keep_their_typed_names_marked_unverified(
    tmp_path: Path, zones: gpd.GeoDataFrame
) -> None:
    """A store from before accounts: projects v1 only, a typed name; then migrated."""
    from cmgis.plan.edits import MIGRATIONS
    from cmgis.store import open_store

    path = tmp_path / "old.sqlite"
    with open_store(path) as old:
        old.migrate(MIGRATIONS[:1])
        old.execute(
            "INSERT INTO projects_history (id, code, version, action, state_after, by_user, at) "
            "VALUES ('h1', 'A001', 1, 'add', '{}', 'typed name', '2026-01-01T00:00:00+00:00')"
        )
    with open_app_store(path) as store:
        (change,) = history(store, "A001")
        assert (change.by_user, change.account, change.verified) == ("typed name", None, False)


def test_local_editor_only_while_no_accounts(store: Store, zones: gpd.GeoDataFrame) -> None:
    assert default_actor(store) == Actor.local_editor()
    rec = add_project(store, _draft(), user="Nok", zones=zones)  # actor None: local editor
    (change,) = history(store, rec.code)
    assert (change.by_user, change.account, change.verified) == ("Nok", None, False)
    add_account(store, "admin", PASSWORDS["admin"], role="admin")
    assert default_actor(store) == Actor.viewer()
    for actor in (None, Actor.local_editor("Nok")):
        with pytest.raises(PermissionDeniedError, match="sign in"):
            add_project(store, _draft(), user="Nok", zones=zones, actor=actor)


def test_editor_deletes_own_layers_admin_deletes_others(
    store: Store, actors: dict[str, Actor]
) -> None:
    slug = _layer_setup(store, actors)
    assert ul.get_user_layer(store, slug).owner == "ed"
    with pytest.raises(PermissionDeniedError, match="saved by ed"):
        ul.delete_user_layer(store, slug, actor=actors["ed2"])
    with pytest.raises(PermissionDeniedError):  # replacing is deleting too
        ul.save_candidate_layer(
            store, candidate_fixture(), name="Cands", created_by="", parameters=PARAMS,
            replace=True, actor=actors["ed2"],
        )  # fmt: skip
    ul.delete_user_layer(store, slug, actor=actors["admin"])
    assert ul.list_user_layers(store) == []


def test_imports_name_the_account_and_only_its_owner_or_the_admin_deletes(
    store: Store, actors: dict[str, Actor], tmp_path: Path
) -> None:
    im = _imports_setup(store, actors, tmp_path)
    layer = ul.get_user_layer(store, im["layer"])
    assert (layer.owner, layer.created_by, layer.kind) == ("ed", "Somchai", imp.KIND)
    table = next(r for r in imp.list_tables(store) if r.id == im["id"])
    assert (table.owner, table.created_by) == ("ed", "Somchai")
    for delete in (
        lambda a: imp.delete_import(store, im["layer"], actor=a),
        lambda a: imp.delete_table(store, im["id"], actor=a),
    ):
        with pytest.raises(PermissionDeniedError, match="admin"):
            delete(actors["ed2"])  # another editor: not theirs
        delete(actors["admin"])
    assert imp.list_imports(store) == [] and imp.list_tables(store) == []


def test_imports_without_accounts_are_the_local_editor_s(tmp_path: Path) -> None:
    with open_app_store(tmp_path / "laptop.sqlite") as laptop:
        im = _imports_setup(laptop, {"ed": None}, tmp_path)  # type: ignore[dict-item]
        assert ul.get_user_layer(laptop, im["layer"]).owner is None
        imp.delete_table(laptop, im["id"])
        imp.delete_import(laptop, im["layer"])
        assert imp.list_imports(laptop) == [] and imp.list_tables(laptop) == []


def test_facilitator_account_needs_no_pin_and_is_audited(
    store: Store, actors: dict[str, Actor]
) -> None:
    ws = _workshop_setup(store, actors["fac"])
    set_hidden(store, ws["code"], "", ws["one"], hidden=True, actor=actors["fac"])
    set_pinned(store, ws["code"], PIN, ws["two"], pinned=True)  # the PIN works as before
    workshop = get_workshop(store, ws["code"])
    actions = [(e.actor, e.action) for e in audit_log(store, workshop.id)]
    assert ("facilitator:fac", "hide") in actions
    assert ("facilitator", "pin") in actions
    with pytest.raises(AuthError):  # a wrong PIN without an account: as before
        set_pinned(store, ws["code"], "9999", ws["two"], pinned=False)


def test_facilitator_account_runs_the_hall_tools_and_merges_imports_without_pin(
    store: Store, db: Path, actors: dict[str, Actor], tmp_path: Path
) -> None:
    ws = _workshop_setup(store, actors["fac"])
    with pytest.raises(PermissionDeniedError):  # the people list is the facilitator's
        list_people(store, ws["code"], "", actor=actors["ed"])
    assert list_people(store, ws["code"], "", actor=actors["fac"]) == []
    gpkg, _ = export_workshop(store, ws["code"], tmp_path / "out.gpkg")
    other = create_workshop(store, title="Second evening", pin=PIN, actor=actors["fac"]).code
    before = snapshot(db)
    for refused in (Actor.viewer(), actors["ed"], None):
        with pytest.raises(PermissionDeniedError):
            import_workshop(store, gpkg, into_code=other, actor=refused, zones=make_zone_index())
        assert snapshot(db) == before
    result = import_workshop(
        store, gpkg, into_code=other, actor=actors["fac"], zones=make_zone_index()
    )
    assert result.contributions == 2
    set_hall_options(
        store, other, "", allow_anonymous=False, ask_details="none", actor=actors["fac"]
    )
    target = get_workshop(store, other)
    actions = [(e.actor, e.action) for e in audit_log(store, target.id)]
    assert ("facilitator:fac", "import") in actions
    assert ("facilitator:fac", "hall_options") in actions


def test_no_plain_text_password_in_the_store_and_kdf_parameters_kept(
    store: Store, db: Path, actors: dict[str, Actor]
) -> None:
    reset_password(store, "ed2", "Brand-new-Secret-7", actor=actors["admin"])
    store.close()
    blob = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    for secret in [*PASSWORDS.values(), "Brand-new-Secret-7"]:
        assert secret.encode() not in blob
        assert secret.encode("utf-16-le") not in blob
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT username, kdf, kdf_n, kdf_r, kdf_p, length(salt), length(password_hash) "
        "FROM accounts_users ORDER BY username"
    ).fetchall()
    con.close()
    assert rows and all(r[1:] == ("scrypt", 2**14, 8, 1, 32, 64) for r in rows)
    salts = sqlite3.connect(db).execute("SELECT salt FROM accounts_users").fetchall()
    assert len(set(salts)) == len(salts)


def test_old_parameters_still_check(store: Store, actors: dict[str, Actor]) -> None:
    """Parameters are read from the row: a row hashed with other ones still signs in."""
    from cmgis.kdf import ScryptParams, derive

    params = ScryptParams(n=2**12, r=8, p=1)
    salt = b"0123456789abcdef"
    store.execute(
        "UPDATE accounts_users SET kdf_n = :n, salt = :s, password_hash = :h "
        "WHERE username = 'ed2'",
        {"n": params.n, "s": salt.hex(), "h": derive("old-Secret-123", salt, params).hex()},
    )
    assert check_password_of(store, "ed2", "old-Secret-123").username == "ed2"


def test_wrong_passwords_are_slowed_per_account_and_per_client(
    store: Store, actors: dict[str, Actor]
) -> None:
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    for i in range(5):  # five free wrong tries, each from another browser
        with pytest.raises(AuthError, match="wrong username or password"):
            sign_in(store, "ed", f"guess-nr-{i}", client=f"b{i}", now=now)
    # the sixth must wait, even with the right password and from a fresh browser
    with pytest.raises(TooManyPasswordsError) as err:
        sign_in(store, "ed", PASSWORDS["ed"], client="fresh", now=now)
    assert err.value.wait_s == 1
    # other accounts are not slowed for other clients
    assert sign_in(store, "ed2", PASSWORDS["ed2"], client="fresh", now=now).actor.username
    later = now + timedelta(seconds=2)
    assert sign_in(store, "ed", PASSWORDS["ed"], client="fresh", now=later).actor.verified
    # per client: one browser guessing many accounts is slowed too
    for name in ("a1", "a2", "a3", "a4", "a5"):
        with pytest.raises(AuthError):
            sign_in(store, name, "x" * 12, client="guesser", now=later)
    with pytest.raises(TooManyPasswordsError):
        sign_in(store, "fac", PASSWORDS["fac"], client="guesser", now=later)
    # the waits double
    with pytest.raises(AuthError):
        sign_in(store, "ed", "wrong-again-1", client="fresh", now=later)
    with pytest.raises(TooManyPasswordsError) as err:
        sign_in(store, "ed", PASSWORDS["ed"], client="fresh", now=later)
    assert err.value.wait_s == 2


def test_sessions_expire_end_at_sign_out_and_when_disabled(
    store: Store, actors: dict[str, Actor]
) -> None:
    now = datetime.now(UTC)
    session = sign_in(store, "ed", PASSWORDS["ed"], now=now)
    assert session_actor(store, session.token, now=now) == actors["ed"]
    assert session_actor(store, session.token, now=now + SESSION_TTL + timedelta(seconds=1)) is None
    assert session_actor(store, "made-up-token") is None
    sign_out(store, session.token)
    assert session_actor(store, session.token) is None
    other = sign_in(store, "ed2", PASSWORDS["ed2"])
    set_disabled(store, "ed2", actor=actors["admin"])
    assert session_actor(store, other.token) is None
    with pytest.raises(PermissionDeniedError, match="disabled"):  # an actor kept in memory
        authorize(store, actors["ed2"], Role.EDITOR)
    with pytest.raises(AuthError):
        sign_in(store, "ed2", PASSWORDS["ed2"])
    assert [a.disabled for a in list_accounts(store)] == [False, False, True, False]


def test_a_changed_role_counts_at_once(store: Store, actors: dict[str, Actor]) -> None:
    store.execute("UPDATE accounts_users SET role = 'viewer' WHERE username = 'ed'")
    with pytest.raises(PermissionDeniedError):
        authorize(store, actors["ed"], Role.EDITOR)


def test_public_mode_refuses_every_write_even_for_the_admin(
    store: Store,
    db: Path,
    actors: dict[str, Actor],
    zones: gpd.GeoDataFrame,
    plan: Plan,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _calls(store, actors, zones, plan, tmp_path)
    ws_code = create_workshop(store, title="Open day", pin=PIN).code
    group = join_workshop(store, ws_code, "group 1")
    item = add_contribution(
        store, group, category="asset", strategy="default", title="market",
        geometry=Point(98.965, 18.795), zones=make_zone_index(),
    )  # fmt: skip
    monkeypatch.setenv("CMGIS_PUBLIC", "1")
    before = snapshot(db)
    for name, (_role, call) in calls.items():
        with pytest.raises(PermissionDeniedError, match="read-only"):
            call(actors["admin"])
        assert snapshot(db) == before, name
    participant_writes: list[Call] = [
        lambda _a: join_workshop(store, ws_code, "group 9"),
        lambda _a: add_contribution(
            store, group, category="asset", strategy="default", title="again",
            geometry=Point(98.965, 18.795), zones=make_zone_index(),
        ),
        lambda _a: add_comment(store, group, item.id, "yes"),
        lambda _a: cast_vote(store, group, item.id),
        lambda _a: create_workshop(store, title="Another", pin=PIN),
    ]  # fmt: skip
    for write in participant_writes:
        with pytest.raises(PermissionDeniedError, match="read-only"):
            write(Actor.participant())
    with pytest.raises(PermissionDeniedError, match="read-only"):
        sign_in(store, "admin", PASSWORDS["admin"])
    assert default_actor(store) == Actor.viewer()
    assert snapshot(db) == before


def test_require_role_is_pure_and_bilingual() -> None:
    assert require_role(Actor.local_editor(), Role.EDITOR).is_local_editor
    with pytest.raises(PermissionDeniedError) as err:
        require_role(Actor.viewer(), Role.EDITOR, action="add projects")
    assert "may not add projects" in str(err.value)
    assert "ผู้แก้ไข" in err.value.message("th")
    assert not Actor("f", "F", Role.FACILITATOR, True).can(Role.EDITOR)
    assert Actor("a", "A", Role.ADMIN, True).can(Role.FACILITATOR)


def test_bad_account_input(store: Store) -> None:
    with pytest.raises(InputError, match="password must have"):
        add_account(store, "short", "abc", role="editor")
    with pytest.raises(InputError, match="username"):
        add_account(store, "Bad Name!", "long-enough-pw", role="editor")
    with pytest.raises(InputError, match="unknown role"):
        add_account(store, "okname", "long-enough-pw", role="boss")
    add_account(store, "okname", "long-enough-pw", role="admin")
    with pytest.raises(InputError, match="exists"):
        add_account(
            store,
            "okname",
            "long-enough-pw",
            role="admin",
            actor=check_password_of(store, "okname", "long-enough-pw"),
        )
