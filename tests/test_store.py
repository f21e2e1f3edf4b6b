"""Tests of cmgis.store: opening, migrations, transactions, threads and geometry round trips."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from cmgis import StoreError
from cmgis.store import (
    Migration,
    SQLiteStore,
    Store,
    default_store_location,
    geometry_from_text,
    geometry_to_text,
    migrate_app_store,
    new_id,
    open_app_store,
    open_store,
)
from cmgis.store.base import split_statements

NOTES_V1 = Migration(
    "notes",
    1,
    "notes table",
    "CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL, geometry TEXT);"
    "CREATE INDEX notes_body ON notes (body)",
)
NOTES_V2 = Migration("notes", 2, "author column", "ALTER TABLE notes ADD COLUMN author TEXT")


@pytest.fixture
def notes_store(store_url: str) -> Iterator[Store]:
    """A store with the ``notes`` table, on each backend (``store_url``, tests/conftest.py)."""
    s = open_store(store_url)
    s.migrate([NOTES_V1, NOTES_V2])
    yield s
    s.close()


def test_open_store_creates_file_with_wal(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "x.sqlite"
    with open_store(path) as s:
        assert isinstance(s, SQLiteStore)
        assert path.exists()
        assert s.url == f"sqlite:///{path.resolve()}"
        assert s.query("PRAGMA journal_mode")[0]["journal_mode"] == "wal"
        assert s.integrity_check() == ["ok"]


def test_open_store_reads_env_and_sqlite_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_path = tmp_path / "env.sqlite"
    monkeypatch.setenv("CMGIS_DB", str(env_path))
    with open_store() as s:
        assert Path(s.url.removeprefix("sqlite:///")) == env_path.resolve()
    url_path = tmp_path / "url.sqlite"
    with open_store(f"sqlite:///{url_path}") as s:
        assert Path(s.url.removeprefix("sqlite:///")) == url_path.resolve()
    assert url_path.exists()


def test_default_location_is_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CMGIS_DB", raising=False)
    location = default_store_location()
    assert location.name == "cmgis.sqlite"
    assert "cmgis" in location.parent.parts[-1]


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(StoreError, match="unknown store URL scheme 'mysql'"):
        open_store("mysql://h/db")


def test_migrations_apply_once_in_order(store_url: str) -> None:
    path = store_url
    with open_store(path) as s:
        applied = s.migrate([NOTES_V2, NOTES_V1])  # order given does not matter
        assert [(m.feature, m.version) for m in applied] == [("notes", 1), ("notes", 2)]
        assert s.schema_version("notes") == 2
        assert s.migrate([NOTES_V1, NOTES_V2]) == []
    with open_store(path) as s:  # a new process/store sees them applied
        assert s.migrate([NOTES_V1, NOTES_V2]) == []
        rows = s.applied_migrations()
        assert [(r.feature, r.version, r.description) for r in rows] == [
            ("notes", 1, "notes table"),
            ("notes", 2, "author column"),
        ]
        assert s.schema_version("other") == 0


def test_migrations_of_two_features_are_independent(notes_store: Store) -> None:
    other = Migration("other", 1, "t", "CREATE TABLE other_t (id TEXT PRIMARY KEY)")
    assert notes_store.migrate([other]) == [other]
    assert notes_store.schema_version("notes") == 2
    assert notes_store.schema_version("other") == 1


def test_migration_gap_is_refused(store_url: str) -> None:
    gap = Migration("notes", 3, "x", "SELECT 1")
    with open_store(store_url) as s, pytest.raises(StoreError, match="without gaps"):
        s.migrate([NOTES_V1, gap])


def test_edited_migration_is_refused(store_url: str) -> None:
    path = store_url
    with open_store(path) as s:
        s.migrate([NOTES_V1])
    edited = Migration("notes", 1, "notes table", NOTES_V1.sql + ";CREATE TABLE x (a TEXT)")
    with open_store(path) as s, pytest.raises(StoreError, match="edited after it was applied"):
        s.migrate([edited])


def test_newer_database_is_refused(store_url: str) -> None:
    path = store_url
    with open_store(path) as s:
        s.migrate([NOTES_V1, NOTES_V2])
    with open_store(path) as s, pytest.raises(StoreError, match="newer than this cmgis"):
        s.migrate([NOTES_V1])


def test_failed_migration_changes_nothing(store_url: str) -> None:
    broken = Migration("notes", 2, "broken", "ALTER TABLE nope ADD COLUMN a TEXT")
    with open_store(store_url) as s:
        s.migrate([NOTES_V1])
        with pytest.raises(StoreError):
            s.migrate([NOTES_V1, broken])
        assert s.schema_version("notes") == 1


def test_transaction_commits_and_rolls_back(notes_store: Store) -> None:
    with notes_store.transaction() as tx:
        tx.execute("INSERT INTO notes (id, body) VALUES (:id, :b)", {"id": "a", "b": "สวัสดี"})
        assert tx.query_one("SELECT body FROM notes WHERE id = 'a'") == {"body": "สวัสดี"}

    def failing_write() -> None:
        with notes_store.transaction() as tx:
            tx.execute("INSERT INTO notes (id, body) VALUES ('b', 'x')")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_write()
    assert [r["id"] for r in notes_store.query("SELECT id FROM notes ORDER BY id")] == ["a"]


def test_constraint_violation_is_a_store_error_and_keeps_data(notes_store: Store) -> None:
    notes_store.execute("INSERT INTO notes (id, body) VALUES ('a', 'first')")
    with pytest.raises(StoreError, match="refused a write"):
        notes_store.execute("INSERT INTO notes (id, body) VALUES ('a', 'second')")
    assert notes_store.query("SELECT body FROM notes") == [{"body": "first"}]


def test_idempotent_insert_with_caller_id(notes_store: Store) -> None:
    sql = "INSERT INTO notes (id, body) VALUES (:id, 'x') ON CONFLICT (id) DO NOTHING"
    first = notes_store.execute(sql, {"id": "same"})
    again = notes_store.execute(sql, {"id": "same"})
    assert (first.rowcount, again.rowcount) == (1, 0)


def test_closed_store_refuses_use(store_url: str) -> None:
    s = open_store(store_url)
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.query("SELECT 1")


def test_threads_write_concurrently_without_loss(notes_store: Store) -> None:
    n_threads, per_thread = 8, 25
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(per_thread):
                notes_store.execute(
                    "INSERT INTO notes (id, body) VALUES (:id, :b)",
                    {"id": f"{k}-{i}", "b": f"กลุ่ม {k} #{i}"},
                )
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    count = notes_store.query_one("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM notes")
    assert count == {"n": n_threads * per_thread, "d": n_threads * per_thread}
    assert notes_store.integrity_check() == ["ok"]


@pytest.mark.parametrize(
    "geom",
    [
        Point(98.98, 18.79),
        LineString([(98.98, 18.79), (98.99, 18.80)]),
        Polygon([(98.98, 18.79), (98.99, 18.79), (98.99, 18.80), (98.98, 18.79)]),
    ],
)
def test_geometry_round_trip_through_the_store(notes_store: Store, geom: shapely.Geometry) -> None:
    notes_store.execute(
        "INSERT INTO notes (id, body, geometry) VALUES (:id, 'g', :g)",
        {"id": new_id(), "g": geometry_to_text(geom)},
    )
    row = notes_store.query_one("SELECT geometry FROM notes")
    assert row is not None
    back = geometry_from_text(row["geometry"])
    assert back is not None
    assert back.equals_exact(geom, tolerance=1e-12)


def test_geometry_none_round_trip() -> None:
    assert geometry_to_text(None) is None
    assert geometry_from_text(None) is None


def test_split_statements_respects_quotes_and_comments() -> None:
    script = "CREATE TABLE a (x TEXT DEFAULT ';'); -- a; comment\nINSERT INTO a VALUES ('b;c');"
    assert list(split_statements(script)) == [
        "CREATE TABLE a (x TEXT DEFAULT ';')",
        "INSERT INTO a VALUES ('b;c')",
    ]


def test_failing_writers_do_not_spoil_a_shared_commit(notes_store: Store) -> None:
    """Blocks that raise are rolled back alone; the others of the same group commit stay."""
    outcomes: dict[str, str] = {}

    def writer(k: int) -> None:
        for i in range(20):
            key = f"{k}-{i}"
            try:
                with notes_store.transaction() as tx:
                    tx.execute("INSERT INTO notes (id, body) VALUES (:id, 'x')", {"id": key})
                    if i % 3 == 0:
                        raise ValueError("refused by the caller")
                outcomes[key] = "ok"
            except ValueError:
                outcomes[key] = "failed"

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = {r["id"] for r in notes_store.query("SELECT id FROM notes")}
    assert stored == {key for key, result in outcomes.items() if result == "ok"}
    assert len(stored) == 6 * 13


def test_nested_transaction_is_refused(notes_store: Store) -> None:
    with notes_store.transaction() as tx:
        tx.execute("INSERT INTO notes (id, body) VALUES ('outer', 'x')")
        with pytest.raises(StoreError, match="inside another"), notes_store.transaction():
            pass
    assert notes_store.query("SELECT id FROM notes") == [{"id": "outer"}]


def test_two_stores_on_one_file_in_one_process(tmp_path: Path) -> None:
    path = tmp_path / "two.sqlite"
    with open_store(path) as a, open_store(path) as b:
        a.migrate([NOTES_V1])
        b.migrate([NOTES_V1])
        a.execute("INSERT INTO notes (id, body) VALUES ('a', 'x')")
        b.execute("INSERT INTO notes (id, body) VALUES ('b', 'x')")
        assert len(a.query("SELECT id FROM notes")) == 2
    with open_store(path) as c:
        assert c.integrity_check() == ["ok"]


def test_short_lived_threads_do_not_leak_connections(notes_store: Store) -> None:
    """Streamlit runs each rerun in a new thread: reads must not keep one file per thread."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.exists():
        pytest.skip("needs /proc to count open files")
    notes_store.query("SELECT 1 AS x")
    before = len(list(fd_dir.iterdir()))
    for _ in range(60):
        t = threading.Thread(target=notes_store.query, args=("SELECT COUNT(*) AS n FROM notes",))
        t.start()
        t.join()
    assert len(list(fd_dir.iterdir())) - before < 10


def test_not_a_database_is_a_clear_error_and_left_alone(tmp_path: Path) -> None:
    bad = tmp_path / "notes.sqlite"
    content = b"these are my notes, not a database " * 20
    bad.write_bytes(content)
    with pytest.raises(StoreError, match="file is not a database"):
        open_store(bad)
    assert bad.read_bytes() == content
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store(tmp_path)  # a folder


# ---- issue 16 item 6: a bad CMGIS_DB is a clear StoreError; a read-only store reads


@pytest.mark.parametrize("kind", ["garbage", "devnull", "folder"])
def test_what_is_not_a_store_is_a_clear_error(tmp_path: Path, kind: str) -> None:
    if kind == "garbage":
        target = tmp_path / "garbage.sqlite"
        target.write_bytes(b"not a database\x00" * 64)
        message = "file is not a database"
    elif kind == "devnull":
        target, message = Path("/dev/null"), "not a regular file"
    else:
        target, message = tmp_path, "is a folder"
    with pytest.raises(StoreError, match=message):
        open_store(target)
    if kind == "garbage":
        assert target.read_bytes() == b"not a database\x00" * 64  # left as it was


def _filled_store(path: Path) -> str:
    from cmgis import workshop as sk

    with open_app_store(path) as store:
        code = sk.create_workshop(store, title="Read me", pin="1357").code
    return code


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_read_only_store_lists_and_reads_without_writing(tmp_path: Path) -> None:
    from cmgis import workshop as sk
    from cmgis.user_layers import records as ul

    db = tmp_path / "s.sqlite"
    code = _filled_store(db)
    before = _snapshot(tmp_path)
    with open_store(f"sqlite:///{db}?mode=ro") as store:
        migrate_app_store(store)  # nothing to migrate: no write
        assert [w.code for w in sk.list_workshops(store)] == [code]
        assert sk.get_workshop(store, code).title == "Read me"
        assert ul.list_user_layers(store) == []
        with pytest.raises(StoreError, match="read-only"):
            sk.create_workshop(store, title="x", pin="1357")
    after = _snapshot(tmp_path)
    assert after["s.sqlite"] == before["s.sqlite"]  # not one byte written
    assert after.get("s.sqlite-wal", b"") == before.get("s.sqlite-wal", b"")


def test_nothing_to_migrate_takes_no_write_lock(tmp_path: Path) -> None:
    from cmgis import workshop as sk

    db = tmp_path / "s.sqlite"
    _filled_store(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's writer holds the write lock
    try:
        with SQLiteStore(db, busy_timeout_ms=200) as other:
            migrate_app_store(other)  # would wait and fail if it took the lock
            assert len(sk.list_workshops(other)) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_a_file_without_write_permission_opens_read_only(tmp_path: Path) -> None:
    from cmgis import workshop as sk

    db = tmp_path / "s.sqlite"
    code = _filled_store(db)
    db.chmod(0o444)
    try:
        with open_store(db) as store:
            assert [w.code for w in sk.list_workshops(store)] == [code]
    finally:
        db.chmod(0o644)


def test_split_statements_keeps_function_and_trigger_bodies_whole() -> None:
    pg = "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN x; y; END $$ LANGUAGE plpgsql; SELECT 1"
    assert list(split_statements(pg)) == [
        "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN x; y; END $$ LANGUAGE plpgsql",
        "SELECT 1",
    ]
    lite = "CREATE TRIGGER t BEFORE INSERT ON a BEGIN SELECT 1; SELECT 2; END; SELECT 3;"
    assert list(split_statements(lite)) == [
        "CREATE TRIGGER t BEFORE INSERT ON a BEGIN SELECT 1; SELECT 2; END",
        "SELECT 3",
    ]


def test_a_second_store_on_the_file_keeps_other_processes_from_deleting_the_wal(
    tmp_path: Path,
) -> None:
    """The open finding of the browser tests: a store opened and closed in a process that
    already has the file open must not drop that process's SQLite locks (a plain
    open()/close() of the file does), else another process's last close takes the file
    for unused and deletes the WAL under the first store."""
    db = tmp_path / "shared.sqlite"
    with open_store(db) as server:
        server.migrate([NOTES_V1])
        server.execute("INSERT INTO notes (id, body) VALUES ('s', 'server')")
        with open_store(db) as again:  # e.g. a page opening the app store once more
            again.query("SELECT 1 AS x")
        wal = Path(f"{db}-wal")
        inode = wal.stat().st_ino
        writer = (
            "import sys\nfrom cmgis.store import open_store\n"
            "with open_store(sys.argv[1]) as s:\n"
            "    s.execute(\"INSERT INTO notes (id, body) VALUES ('t', 'test')\")\n"
        )
        subprocess.run([sys.executable, "-c", writer, str(db)], check=True, timeout=120)
        assert wal.exists() and wal.stat().st_ino == inode  # the other process left it alone
        assert {r["id"] for r in server.query("SELECT id FROM notes")} == {"s", "t"}
