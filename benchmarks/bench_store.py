"""Shared-store load and faults: 200 writer processes on PostGIS, 40 x 25 on SQLite, a restart.

Run ``python benchmarks/bench_store.py [--writers 200] [--seconds 30]`` (needs the Debian
packages postgresql-15 postgresql-15-postgis-3; a throwaway cluster is started in a temp
folder, as the tests do, and removed at the end).

1. **PostGIS load.** ``--writers`` real processes (forked after the imports, each with its
   own connection pool, as separate app processes have) add contributions through
   `cmgis.workshop.add_contribution` for ``--seconds``, with a caller-made id each. Ten
   workshops of five groups, four writers per group, so writers race; every fifth
   operation casts a dot vote (budget 5 per group) — the database refuses votes over
   budget, however the writers interleave.
2. **SQLite.** 40 processes x 25 contributions on one SQLite file (WAL, group commit).
3. **Restart.** ``--restart-writers`` processes write for ``--restart-seconds`` while
   ``pg_ctl restart -m fast`` runs in the middle. A writer that gets
   `StoreUnavailableError` reports it and tries the same id again until it is saved; the
   outage is the longest time from a refused write to the next saved one.

Afterwards every acknowledged id is looked up: ``lost`` counts acknowledged ids missing,
``duplicated`` contributions stored twice (same writer and sequence number, so a retry
that made a second row would count), ``votes_over_budget`` the dots above a group's budget.
The last line::

    backend_writes=<n> lost=<n> duplicated=<n> p95_ms=<x> sqlite_p95_ms=<y> votes_over_budget=<n>
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests/pg_support.py starts the throwaway cluster

from shapely.geometry import Point  # noqa: E402

from cmgis import CmgisError, StoreError, StoreUnavailableError  # noqa: E402
from cmgis.store import PostgresStore, Store, new_id, open_app_store  # noqa: E402
from cmgis.workshop import (  # noqa: E402
    Participant,
    add_contribution,
    cast_vote,
    contributions,
    create_workshop,
    join_workshop,
)
from tests.pg_support import PgCluster  # noqa: E402
from tests.workshop_support import make_zone_index  # noqa: E402

WORKSHOPS, GROUPS, BUDGET = 10, 5, 5


def _setup(store: Store, workshops: int, groups: int) -> list[Participant]:
    """Workshops and their groups; returns the groups (writers share them)."""
    out = []
    for w in range(workshops):
        ws = create_workshop(store, title=f"ห้อง {w + 1}", pin="2468", votes_per_group=BUDGET)
        out += [join_workshop(store, ws.code, f"กลุ่ม {g + 1}") for g in range(groups)]
    return out


def _writer(args: tuple[Any, ...]) -> dict[str, Any]:
    """One writer process: add contributions (and votes) until its time is up."""
    url, who, k, start_at, seconds, max_writes, vote_every, report_refusals = args
    if report_refusals:  # the writer itself sees each refusal and retries the same id
        contributions.SAVE_RETRY_S = 0.0
    # one connection per writer process (migrated already by the parent)
    store = PostgresStore(url, pool_max=1) if url.startswith("postgresql") else open_app_store(url)
    zones = make_zone_index()
    acked: list[str] = []
    latencies: list[float] = []
    refusals: list[tuple[float, float]] = []  # (first refused, next saved) in wall time
    votes = {"cast": 0, "refused": 0}
    busy = 0
    mine: list[str] = []
    time.sleep(max(0.0, start_at - time.time()))
    end = time.time() + seconds
    i = 0
    while (time.time() < end) and (max_writes is None or i < max_writes):
        cid = new_id()
        client = replace(who, client=f"bench-{k}-{i}", address="")  # one "session" per write
        refused_at = None
        started = time.perf_counter()
        while True:
            try:
                add_contribution(
                    store, client, category="asset", strategy="drivers",
                    title=f"w{k}#{i}", comment="ทดสอบโหลด", zones=zones,
                    geometry=Point(98.961 + (i % 50) * 1e-4, 18.791 + (k % 50) * 1e-4),
                    contribution_id=cid, rate_limit_per_minute=1_000_000,
                )  # fmt: skip
                break
            except StoreUnavailableError:
                refused_at = refused_at or time.time()
                time.sleep(0.2)
            except StoreError as err:  # SQLite: another process held the lock too long
                if "busy or locked" not in str(err):
                    raise
                busy += 1
        latencies.append((time.perf_counter() - started) * 1000)
        if refused_at is not None:
            refusals.append((refused_at, time.time()))
        acked.append(cid)
        mine.append(cid)
        if vote_every and i % vote_every == 0:
            try:
                cast_vote(store, who, mine[len(mine) // 2])
                votes["cast"] += 1
            except CmgisError:
                votes["refused"] += 1
        i += 1
    store.close()
    return {
        "acked": acked,
        "latencies": latencies,
        "refusals": refusals,
        "votes": votes,
        "busy": busy,
    }


def _run(
    url: str,
    groups: list[Participant],
    writers: int,
    seconds: float,
    max_writes: int | None,
    *,
    report_refusals: bool = False,
) -> list[dict[str, Any]]:
    ctx = multiprocessing.get_context("fork")  # imports once; each child its own pool
    start_at = time.time() + 3 + writers * 0.01
    jobs = [
        (url, groups[k % len(groups)], k, start_at, seconds, max_writes, 5, report_refusals)
        for k in range(writers)
    ]
    with ctx.Pool(writers) as pool:
        return pool.map(_writer, jobs)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else float("nan")


def _check(url: str, results: list[dict[str, Any]]) -> dict[str, int]:
    """lost / duplicated / votes over budget, read back from the store."""
    acked = [cid for r in results for cid in r["acked"]]
    with open_app_store(url) as store:
        stored = {r["id"] for r in store.query("SELECT id FROM workshop_contributions")}
        dup = store.query_one(
            "SELECT COUNT(*) AS n FROM (SELECT title FROM workshop_contributions "
            "GROUP BY workshop_id, title HAVING COUNT(*) > 1) d"
        )
        over = store.query(
            "SELECT v.group_id, COUNT(*) AS n, MAX(w.votes_per_group) AS budget "
            "FROM workshop_votes v JOIN workshop_contributions c ON c.id = v.contribution_id "
            "JOIN workshop_workshops w ON w.id = v.workshop_id "
            "WHERE c.deleted_at IS NULL GROUP BY v.group_id"
        )
    return {
        "writes": len(acked),
        "lost": sum(1 for cid in acked if cid not in stored),
        "duplicated": int(dup["n"]) if dup else 0,
        "votes_over_budget": sum(max(0, int(r["n"]) - int(r["budget"])) for r in over),
    }


def _restart_run(cluster: PgCluster, writers: int, seconds: float) -> dict[str, Any]:
    url = cluster.url(schema=cluster.new_schema())
    with open_app_store(url) as store:
        groups = _setup(store, 2, 5)
    took: dict[str, float] = {}

    def restart_midway() -> None:
        time.sleep(3 + writers * 0.01 + seconds / 2)
        began = time.time()
        took["restart_s"] = cluster.restart()
        took["at"] = began

    restarter = threading.Thread(target=restart_midway)
    restarter.start()
    results = _run(url, groups, writers, seconds, None, report_refusals=True)
    restarter.join()
    check = _check(url, results)
    refusals = [r for res in results for r in res["refusals"]]
    outage = max((b - a for a, b in refusals), default=0.0)
    span = (min(a for a, _ in refusals), max(b for _, b in refusals)) if refusals else (0.0, 0.0)
    return {
        **check,
        "writers_refused": sum(1 for res in results if res["refusals"]),
        "longest_refusal_s": outage,
        "refusal_window_s": span[1] - span[0],
        "pg_ctl_restart_s": took.get("restart_s", float("nan")),
        "slowest_write_s": max(x for r in results for x in r["latencies"]) / 1000,
    }


def main() -> int:
    """Run the three parts and print the figures; exit 1 if anything was lost."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--writers", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--sqlite-writers", type=int, default=40)
    ap.add_argument("--sqlite-per-writer", type=int, default=25)
    ap.add_argument("--restart-writers", type=int, default=40)
    ap.add_argument("--restart-seconds", type=float, default=20.0)
    args = ap.parse_args()

    cluster = PgCluster().start()
    try:
        url = cluster.url(schema=cluster.new_schema())
        with open_app_store(url) as store:
            groups = _setup(store, WORKSHOPS, GROUPS)
        print(f"PostGIS: {args.writers} writer processes for {args.seconds:.0f} s ...", flush=True)
        t0 = time.perf_counter()
        pg_results = _run(url, groups, args.writers, args.seconds, None)
        pg_wall = time.perf_counter() - t0
        pg = _check(url, pg_results)
        pg_lat = [x for r in pg_results for x in r["latencies"]]
        pg_votes = {k: sum(r["votes"][k] for r in pg_results) for k in ("cast", "refused")}

        print(
            f"SQLite: {args.sqlite_writers} x {args.sqlite_per_writer} contributions ...",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="cmgis-bench-") as folder:
            lite_url = str(Path(folder) / "bench.sqlite")
            with open_app_store(lite_url) as store:
                lite_groups = _setup(store, 2, 5)
            lite_results = _run(
                lite_url, lite_groups, args.sqlite_writers, 3600, args.sqlite_per_writer
            )
            lite = _check(lite_url, lite_results)
        lite_lat = [x for r in lite_results for x in r["latencies"]]

        print(
            f"Restart: {args.restart_writers} writers for {args.restart_seconds:.0f} s, "
            "pg_ctl restart -m fast in the middle ...",
            flush=True,
        )
        restart = _restart_run(cluster, args.restart_writers, args.restart_seconds)
    finally:
        cluster.stop()

    p95, lite_p95 = _p95(pg_lat), _p95(lite_lat)
    print()
    print(f"{'':28}{'PostGIS':>14}{'SQLite':>14}")
    print(f"{'writer processes':28}{args.writers:>14}{args.sqlite_writers:>14}")
    print(f"{'acknowledged writes':28}{pg['writes']:>14}{lite['writes']:>14}")
    print(f"{'writes per second':28}{pg['writes'] / args.seconds:>14.0f}{'':>14}")
    print(f"{'wall time of the run, s':28}{pg_wall:>14.0f}{'':>14}")
    print(f"{'median ms':28}{statistics.median(pg_lat):>14.1f}{statistics.median(lite_lat):>14.1f}")
    print(f"{'p95 ms':28}{p95:>14.1f}{lite_p95:>14.1f}")
    pg_busy, lite_busy = (sum(r["busy"] for r in res) for res in (pg_results, lite_results))
    print(f"{'busy (retried, same id)':28}{pg_busy:>14}{lite_busy:>14}")
    pg_ld, lite_ld = f"{pg['lost']} / {pg['duplicated']}", f"{lite['lost']} / {lite['duplicated']}"
    print(f"{'lost / duplicated':28}{pg_ld:>14}{lite_ld:>14}")
    print(f"p95 ratio PostGIS/SQLite: {p95 / lite_p95:.2f}")
    print(f"votes cast {pg_votes['cast']}, refused over budget {pg_votes['refused']}, "
          f"over budget in the database {pg['votes_over_budget']}")  # fmt: skip
    print(
        f"restart: {restart['writes']} acknowledged, lost={restart['lost']} "
        f"duplicated={restart['duplicated']}; {restart['writers_refused']} of "
        f"{args.restart_writers} writers were refused; writes refused for at most "
        f"{restart['longest_refusal_s']:.1f} s (window {restart['refusal_window_s']:.1f} s; "
        f"slowest acknowledged write {restart['slowest_write_s']:.1f} s; "
        f"pg_ctl restart took {restart['pg_ctl_restart_s']:.1f} s)"
    )
    lost = pg["lost"] + lite["lost"] + restart["lost"]
    print(
        f"backend_writes={pg['writes']} lost={pg['lost']} duplicated={pg['duplicated']} "
        f"p95_ms={p95:.1f} sqlite_p95_ms={lite_p95:.1f} "
        f"votes_over_budget={pg['votes_over_budget']}"
    )
    return 1 if lost or restart["duplicated"] or pg["votes_over_budget"] else 0


if __name__ == "__main__":
    sys.exit(main())
