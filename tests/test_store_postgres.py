"""The PostGIS backend: geometry columns for QGIS, secrets, the database down and back,
the vote budget enforced by the database, and moving a SQLite store over (``cmgis store``).

Run against the session's throwaway cluster (``pg_cluster``, tests/pg_support.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from shapely.geometry import Point, box

from cmgis import InputError, StoreError, StoreUnavailableError
from cmgis.store import (
    Store,
    geometry_to_text,
    mask_url,
    new_id,
    open_app_store,
    open_store,
)
from cmgis.store.postgres import to_pyformat
from cmgis.workshop import (
    add_comment,
    add_contribution,
    cast_vote,
    create_workshop,
    delete_contribution,
    join_workshop,
    list_contributions,
    merge_duplicates,
)
from tests.pg_support import PASSWORD, PgCluster, free_port
from tests.workshop_support import make_zone_index


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> str:
    return pg_cluster.url(schema=pg_cluster.new_schema())


@pytest.fixture
def pg_store(pg_url: str) -> Store:
    store = open_app_store(pg_url)
    yield store
    store.close()


def _filled(store: Store) -> tuple[str, str]:
    """A workshop with a group, two placed contributions (one deleted) and a comment."""
    ws = create_workshop(store, title="ห้องประชุม A", pin="2468", votes_per_group=2)
    group = join_workshop(store, ws.code, "กลุ่ม 1")
    zones = make_zone_index()
    kept = add_contribution(
        store, group, category="asset", strategy="drivers", title="ลานกิจกรรม",
        geometry=Point(98.965, 18.795), zones=zones,
    )  # fmt: skip
    gone = add_contribution(
        store, group, category="problem", strategy="drivers", title="น้ำท่วม",
        geometry=box(98.961, 18.791, 98.963, 18.793), zones=zones,
    )  # fmt: skip
    cast_vote(store, group, gone.id)
    delete_contribution(store, group, gone.id)  # its vote is given back
    cast_vote(store, group, kept.id)
    add_comment(store, group, kept.id, "เห็นด้วย")
    return ws.code, kept.id


def test_portable_parameters_become_psycopg_ones() -> None:
    sql = "SELECT '%:x' AS a, b::text FROM t WHERE c LIKE :pat AND d = :d_2 -- :no"
    assert to_pyformat(sql) == (
        "SELECT '%%:x' AS a, b::text FROM t WHERE c LIKE %(pat)s AND d = %(d_2)s -- %(no)s"
    )


def test_password_is_masked_in_url_repr_and_errors(pg_cluster: PgCluster, pg_url: str) -> None:
    assert mask_url("postgresql://me:pa%40ss@h:5/db?x=1") == "postgresql://me:***@h:5/db?x=1"
    assert mask_url("host=h password=abc dbname=d") == "host=h password=*** dbname=d"
    with open_store(pg_url) as store:
        assert PASSWORD not in store.url and PASSWORD not in repr(store)
        assert ":***@" in store.url
    wrong = pg_url.replace(PASSWORD, "not-the-pw-123")
    with pytest.raises(StoreError) as refused:
        open_store(wrong)
    assert "password authentication failed" in str(refused.value)
    assert "not-the-pw-123" not in str(refused.value)


def test_unreachable_server_is_a_clear_error_without_password() -> None:
    url = f"postgresql://cmgis:hunter2-secret@127.0.0.1:{free_port()}/cmgis"
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as down:
        open_store(url)
    assert time.monotonic() - started < 10
    assert str(down.value).startswith("the shared database is not reachable; nothing was saved")
    assert "hunter2-secret" not in str(down.value)


def test_geometry_columns_are_real_postgis_with_gist_indexes(pg_store: Store) -> None:
    _filled(pg_store)
    columns = pg_store.query(
        "SELECT f_table_name AS t, f_geometry_column AS c, srid, type FROM geometry_columns "
        "WHERE f_table_schema = current_schema() ORDER BY f_table_name"
    )
    assert [(c["t"], c["c"], c["srid"], c["type"]) for c in columns] == [
        ("projects_records", "geom", 4326, "GEOMETRY"),
        ("user_layers_features", "geom", 4326, "GEOMETRY"),
        ("workshop_contributions", "geom", 4326, "GEOMETRY"),
    ]
    gist = pg_store.query(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
        "AND indexdef LIKE '%USING gist (geom)%' ORDER BY indexname"
    )
    assert [r["indexname"] for r in gist] == [
        "projects_records_geom_gist",
        "user_layers_features_geom_gist",
        "workshop_contributions_geom_gist",
    ]
    kinds = pg_store.query(
        "SELECT ST_GeometryType(geom) AS kind, ST_SRID(geom) AS srid "
        "FROM workshop_contributions ORDER BY kind"
    )
    assert kinds == [
        {"kind": "ST_Point", "srid": 4326},
        {"kind": "ST_Polygon", "srid": 4326},
    ]
    assert pg_store.integrity_check() == ["ok"]


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="needs gdal-bin's ogrinfo")
def test_ogrinfo_sees_contributions_as_a_layer(pg_cluster: PgCluster, pg_store: Store) -> None:
    _filled(pg_store)
    schema = pg_store.query_one("SELECT current_schema() AS s")["s"]  # type: ignore[index]
    conn = (
        f"PG:host=127.0.0.1 port={pg_cluster.port} dbname=cmgis user=cmgis_test "
        f"password={PASSWORD} schemas={schema}"
    )
    info = subprocess.run(
        ["ogrinfo", "-ro", "-so", conn, "workshop_contributions"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert info.returncode == 0, info.stderr
    assert "Feature Count: 2" in info.stdout
    assert "title: String" in info.stdout and "zone_id: String" in info.stdout
    assert "Geometry Column = geom" in info.stdout


def test_database_refuses_votes_over_budget_from_racing_writers(pg_store: Store) -> None:
    ws = create_workshop(pg_store, title="race", pin="2468", votes_per_group=3)
    group = join_workshop(pg_store, ws.code, "g")
    c = add_contribution(pg_store, group, category="asset", strategy="drivers", title="x")
    # the database itself: a 4th vote row is refused even without the Python check
    for _ in range(3):
        pg_store.execute(
            "INSERT INTO workshop_votes (id, workshop_id, contribution_id, group_id, created_at) "
            "VALUES (:id, :w, :c, :g, 'now')",
            {"id": new_id(), "w": ws.id, "c": c.id, "g": group.group_id},
        )
    with pytest.raises(StoreError, match="vote budget"):
        pg_store.execute(
            "INSERT INTO workshop_votes (id, workshop_id, contribution_id, group_id, created_at) "
            "VALUES (:id, :w, :c, :g, 'now')",
            {"id": new_id(), "w": ws.id, "c": c.id, "g": group.group_id},
        )
    # racing app writers (two stores = two pools, like two app processes)
    pg_store.execute("DELETE FROM workshop_votes")
    url = pg_store.query_one("SELECT 1 AS x") and _real_url(pg_store)
    other = open_app_store(url)
    outcomes: list[str] = []

    def voter(store: Store) -> None:
        for _ in range(4):
            try:
                cast_vote(store, group, c.id)
                outcomes.append("voted")
            except InputError:
                outcomes.append("refused")

    threads = [threading.Thread(target=voter, args=(s,)) for s in (pg_store, other) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert outcomes.count("voted") == 3
    assert outcomes.count("refused") == 29
    n = pg_store.query_one("SELECT COUNT(*) AS n FROM workshop_votes")
    assert n == {"n": 3}


def test_crosswise_merges_from_two_instances_leave_no_cycle(pg_store: Store) -> None:
    """Facilitators on two instances merge A into B and B into A at once: one wins."""
    ws = create_workshop(pg_store, title="merge race", pin="2468")
    group = join_workshop(pg_store, ws.code, "g")
    other = open_app_store(_real_url(pg_store))
    outcomes: list[str] = []
    pairs = 12

    def merge(store: Store, keep: str, dup: str, barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            merge_duplicates(store, ws.code, "2468", keep_id=keep, duplicate_id=dup)
            outcomes.append("merged")
        except InputError:
            outcomes.append("refused")

    for i in range(pairs):
        a, b = (
            add_contribution(
                pg_store, group, category="asset", strategy="drivers", title=f"{i}{x}",
                rate_limit_per_minute=1000,
            ).id
            for x in "ab"
        )  # fmt: skip
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=merge, args=(pg_store, a, b, barrier)),
            threading.Thread(target=merge, args=(other, b, a, barrier)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    other.close()
    assert outcomes.count("merged") == pairs and outcomes.count("refused") == pairs
    cycles = pg_store.query_one(
        "SELECT COUNT(*) AS n FROM workshop_contributions a JOIN workshop_contributions b "
        "ON a.merged_into = b.id AND b.merged_into = a.id"
    )
    assert cycles == {"n": 0}


def _real_url(store: Store) -> str:
    """The URL with its password (tests only: the store shows it masked)."""
    return store.url.replace("***", PASSWORD)


def test_database_restart_is_reported_then_writes_resume(
    pg_cluster: PgCluster, pg_store: Store
) -> None:
    code, _ = _filled(pg_store)
    group = join_workshop(pg_store, code, "กลุ่ม 2")
    pg_cluster.stop_server()
    try:
        with (
            pytest.raises(StoreUnavailableError, match="not reachable; nothing was saved"),
            pg_store.transaction() as tx,
        ):
            tx.execute("SELECT 1")
    finally:
        pg_cluster.start_server()
    # the pool replaces its dead connections: the next write works
    cid = new_id()
    saved = add_contribution(
        pg_store, group, category="asset", strategy="drivers", title="หลังรีสตาร์ท",
        contribution_id=cid,
    )  # fmt: skip
    assert saved.id == cid
    # a retried save with the same id is stored once
    add_contribution(
        pg_store, group, category="asset", strategy="drivers", title="หลังรีสตาร์ท",
        contribution_id=cid,
    )  # fmt: skip
    ws_id = group.workshop_id
    assert [c.id for c in list_contributions(pg_store, ws_id)].count(cid) == 1


def test_write_retrying_survives_a_restart(pg_cluster: PgCluster, pg_store: Store) -> None:
    pg_store.execute("CREATE TABLE notes (id TEXT PRIMARY KEY)")
    restarter = threading.Thread(target=pg_cluster.restart)
    restarter.start()
    written = 0
    while restarter.is_alive() or written < 5:
        nid = new_id()
        pg_store.write_retrying(
            lambda tx, nid=nid: tx.execute(
                "INSERT INTO notes (id) VALUES (:id) ON CONFLICT (id) DO NOTHING", {"id": nid}
            )
        )
        written += 1
    restarter.join()
    assert pg_store.query_one("SELECT COUNT(*) AS n FROM notes") == {"n": written}


def test_cli_copies_a_sqlite_store_into_postgis_and_verifies(tmp_path: Path, pg_url: str) -> None:
    sqlite_path = tmp_path / "hall.sqlite"
    with open_app_store(sqlite_path) as lite:
        _code, kept = _filled(lite)
        geometry = lite.query_one(
            "SELECT geometry FROM workshop_contributions WHERE id = :id", {"id": kept}
        )
    cli = [sys.executable, "-m", "cmgis.cli.main", "store"]
    done = subprocess.run(
        [*cli, "copy", "--from", f"sqlite:///{sqlite_path}", "--to", pg_url],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert "workshop_contributions\t2\t2\t" in done.stdout
    assert "DIFFERENT" not in done.stdout and "copied: " in done.stdout
    with open_store(pg_url) as pg:
        row = pg.query_one(
            "SELECT geometry, ST_AsText(geom) AS wkt FROM workshop_contributions WHERE id = :id",
            {"id": kept},
        )
        assert row is not None and row["geometry"] == geometry["geometry"]  # type: ignore[index]
        assert row["wkt"] == "POINT(98.965 18.795)"
        assert pg.query_one("SELECT COUNT(*) AS n FROM workshop_votes") == {"n": 2}
    again = subprocess.run(
        [*cli, "copy", "--from", f"sqlite:///{sqlite_path}", "--to", pg_url],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert again.returncode == 2 and "is not empty" in again.stderr
    check = subprocess.run(
        [*cli, "check", "--from", str(sqlite_path), "--to", pg_url],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr


def test_cli_migrate_creates_the_schema(pg_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cmgis.cli.main", "store", "migrate", "--db", pg_url],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "applied\tworkshop\t1\t" in done.stdout and PASSWORD not in done.stdout
    with open_store(pg_url) as pg:
        assert pg.schema_version("workshop_vote_budget") == 1
        assert geometry_to_text(Point(1, 2)) is not None
