"""Workshop write load: 40 groups saving 25 contributions each in parallel, through the store.

Run ``python benchmarks/bench_workshop.py [--participants 40] [--per-participant 25]``.
Each participant is a thread with its own group; contributions mix points, lines,
polygons and free notes with Thai titles and comments. Every write goes through
`cmgis.workshop.add_contribution` (validation, zone join, SQLite WAL store with
``synchronous=FULL``). Afterwards the store is checked: every acknowledged id is stored
(``lost``), no id is stored twice and no unacknowledged row appeared (``duplicated``).
A single writer saving the same number of contributions one after another runs in the
same process as the baseline.

Then the deliberation board is rendered (the real `ui.workshop.board_panel` through
Streamlit's AppTest, as a participant sees it) for a workshop of 50 and of 5,000
contributions (``--board-sizes``), with their times side by side; a cell shows at most
`cmgis.workshop.MAX_BOARD_CARDS_PER_CELL` cards, so the big board must stay close to the
small one (issue 16: 600 flooded contributions made a rerun take 24 s instead of 1.2 s).
The last lines are::

    writes=<n> lost=<n> duplicated=<n> p95_ms=<x> single_writer_p95_ms=<y>
    board_s[50]=<a> board_s[5000]=<b> ratio=<b/a>
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import geopandas as gpd
from _timing import median_s  # benchmarks/_timing.py
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from cmgis import CmgisError
from cmgis.store import Store, geometry_to_text, new_id, open_app_store, utc_now
from cmgis.workshop import (
    CATEGORIES,
    NO_PLACE,
    STRATEGIES,
    Participant,
    ZoneIndex,
    add_contribution,
    create_workshop,
    default_zone_index,
    join_workshop,
)

THAI_TITLES = ("ตลาดวโรรส", "คลองแม่ข่า", "ย่านนิมมานเหมินท์", "สวนดอก", "ประตูท่าแพ")
THAI_COMMENT = "พื้นที่ศักยภาพสำหรับนวัตกรรม เชื่อมโยงผู้คนและข้อมูล " * 4


def _zones() -> tuple[ZoneIndex, str]:
    try:
        return default_zone_index(), "zones layer"
    except (CmgisError, ImportError, OSError):
        frame = gpd.GeoDataFrame(
            {"zone_id": ["a", "b"]},
            geometry=[box(98.96, 18.78, 98.98, 18.80), box(98.98, 18.78, 99.00, 18.80)],
            crs="EPSG:4326",
        )
        return ZoneIndex(frame), "two test boxes (zones layer not built)"


def _geometry(k: int, i: int) -> BaseGeometry | None:
    x = 98.95 + (k % 10) * 0.006 + (i % 5) * 0.001
    y = 18.77 + (k // 10) * 0.006 + (i % 7) * 0.0008
    kind = (k + i) % 4
    if kind == 0:
        return Point(x, y)
    if kind == 1:
        return LineString([(x, y), (x + 0.002, y + 0.001), (x + 0.004, y - 0.001)])
    if kind == 2:
        return Polygon([(x, y), (x + 0.002, y), (x + 0.002, y + 0.002), (x, y + 0.002)])
    return None  # a free note


def _write_burst(
    store: Store, who: Participant, k: int, n: int, zones: ZoneIndex, acked: list[str]
) -> list[float]:
    latencies: list[float] = []
    for i in range(n):
        t0 = time.perf_counter()
        c = add_contribution(
            store,
            who,
            category=CATEGORIES[(k + i) % len(CATEGORIES)],
            strategy=STRATEGIES[i % len(STRATEGIES)],
            title=f"{THAI_TITLES[i % len(THAI_TITLES)]} {k}-{i}",
            comment=THAI_COMMENT,
            geometry=_geometry(k, i),
            zones=zones,
        )
        latencies.append((time.perf_counter() - t0) * 1000)
        acked.append(c.id)
    return latencies


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def run(participants: int, per_participant: int, folder: Path) -> dict[str, float]:
    """Run the parallel burst and the single-writer baseline; return the figures."""
    zones, zones_source = _zones()
    print(f"zones: {zones_source}")
    results: dict[str, float] = {}

    # parallel: one thread per participant, all started together
    with open_app_store(folder / "parallel.sqlite") as store:
        code = create_workshop(store, title="bench", pin="123456", votes_per_group=5).code
        groups = [join_workshop(store, code, f"กลุ่ม {k}") for k in range(participants)]
        acked: list[str] = []
        latencies: list[float] = []
        lock = threading.Lock()
        errors: list[BaseException] = []
        start = threading.Barrier(participants)

        def participant(k: int) -> None:
            mine: list[str] = []
            try:
                start.wait()
                lat = _write_burst(store, groups[k], k, per_participant, zones, mine)
            except BaseException as err:
                errors.append(err)
                lat = []
            with lock:
                acked.extend(mine)
                latencies.extend(lat)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=participant, args=(k,)) for k in range(participants)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall_s = time.perf_counter() - t0
        stored = [r["id"] for r in store.query("SELECT id FROM workshop_contributions")]
        integrity = store.integrity_check()
    stored_set = set(stored)
    results["writes"] = len(acked)
    results["lost"] = len(set(acked) - stored_set)
    results["duplicated"] = (len(stored) - len(stored_set)) + len(stored_set - set(acked))
    results["p95_ms"] = _p95(latencies)
    print(
        f"parallel: {participants} threads x {per_participant}: {len(acked)} acknowledged, "
        f"{len(stored)} stored, {len(errors)} errors, wall {wall_s:.2f} s "
        f"({len(acked) / wall_s:.0f} writes/s), median {statistics.median(latencies):.1f} ms, "
        f"p95 {results['p95_ms']:.1f} ms, max {max(latencies):.1f} ms, integrity {integrity}"
    )
    for err in errors[:3]:
        print(f"  error: {err!r}")

    # baseline: one writer, the same number of writes, one after another
    with open_app_store(folder / "single.sqlite") as store:
        code = create_workshop(store, title="bench", pin="123456").code
        single: list[float] = []
        t0 = time.perf_counter()
        for k in range(participants):
            who = join_workshop(store, code, f"กลุ่ม {k}")
            single += _write_burst(store, who, k, per_participant, zones, [])
        wall_single_s = time.perf_counter() - t0
    results["single_writer_p95_ms"] = _p95(single)
    print(
        f"single writer: {len(single)} writes, wall {wall_single_s:.2f} s, median "
        f"{statistics.median(single):.1f} ms, p95 {results['single_writer_p95_ms']:.1f} ms"
    )
    ratio = results["p95_ms"] / results["single_writer_p95_ms"]
    target = "met" if results["p95_ms"] <= 50 else "NOT met"
    print(f"p95 parallel / single writer = {ratio:.2f}x; target p95 <= 50 ms {target}")
    return results


def _fill_board(store: Store, n: int, zones: ZoneIndex) -> str:
    """A workshop with ``n`` contributions from 40 groups (written in one transaction)."""
    ws = create_workshop(store, title="bench board", pin="123456", votes_per_group=5)
    groups = [join_workshop(store, ws.code, f"กลุ่ม {k}") for k in range(40)]
    with store.transaction() as tx:
        for i in range(n):
            k = i % len(groups)
            geom = _geometry(k, i)
            tx.execute(
                "INSERT INTO workshop_contributions (id, workshop_id, group_id, category, "
                "strategy, title, comment, geometry, geom_type, zone_id, created_at, updated_at) "
                "VALUES (:id, :w, :g, :cat, :st, :t, :c, :geom, :gt, :z, :at, :at)",
                {
                    "id": new_id(),
                    "w": ws.id,
                    "g": groups[k].group_id,
                    "cat": CATEGORIES[i % len(CATEGORIES)],
                    "st": STRATEGIES[i % len(STRATEGIES)],
                    "t": f"{THAI_TITLES[i % len(THAI_TITLES)]} {i}",
                    "c": THAI_COMMENT,
                    "geom": geometry_to_text(geom),
                    "gt": None if geom is None else geom.geom_type,
                    "z": NO_PLACE if geom is None else zones.zone_for(geom),
                    "at": utc_now(),
                },
            )
    return ws.code


def _render_board(db: str, code: str) -> None:  # runs inside AppTest
    import streamlit as st

    from cmgis import workshop as sk
    from cmgis.store import open_app_store
    from ui import workshop as w

    store = open_app_store(st.session_state["bench.db"])
    code = st.session_state["bench.code"]
    who = sk.join_workshop(store, code, "กลุ่ม 0")  # as a participant: votes and comments
    w.board_panel(store, sk.get_workshop(store, code), who, "en")


def board_times(sizes: list[int], folder: Path, repeats: int = 3) -> dict[int, float]:
    """Median seconds to render the board of a workshop of each size (AppTest run)."""
    from streamlit.testing.v1 import AppTest

    root = str(Path(__file__).resolve().parents[1])  # the UI package `ui` lives there
    if root not in sys.path:
        sys.path.insert(0, root)
    zones, _ = _zones()
    times: dict[int, float] = {}
    for n in sizes:
        db = folder / f"board{n}.sqlite"
        with open_app_store(db) as store:
            code = _fill_board(store, n, zones)

        def render(_: int, db: Path = db, code: str = code) -> None:
            at = AppTest.from_function(_render_board, args=(str(db), code), default_timeout=600)
            at.session_state["bench.db"] = str(db)
            at.session_state["bench.code"] = code
            at.run()
            if at.exception:
                raise RuntimeError(at.exception[0].message)

        times[n] = median_s(render, repeats)
        print(f"board of {n} contributions: {times[n]:.2f} s per render")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--per-participant", type=int, default=25)
    parser.add_argument("--board-sizes", type=int, nargs="+", default=[50, 5000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cmgis-bench-") as tmp:
        r = run(args.participants, args.per_participant, Path(tmp))
        boards = board_times(args.board_sizes, Path(tmp))
    print(
        f"writes={int(r['writes'])} lost={int(r['lost'])} duplicated={int(r['duplicated'])} "
        f"p95_ms={r['p95_ms']:.1f} single_writer_p95_ms={r['single_writer_p95_ms']:.1f}"
    )
    small, big = boards[min(boards)], boards[max(boards)]
    print(
        " ".join(f"board_s[{n}]={t:.2f}" for n, t in sorted(boards.items()))
        + f" ratio={big / small:.2f}"
    )


if __name__ == "__main__":
    main()
