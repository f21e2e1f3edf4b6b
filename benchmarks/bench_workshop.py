"""Workshop write load: 40 groups saving 25 contributions each in parallel, through the store.

Run ``python benchmarks/bench_workshop.py [--participants 40] [--per-participant 25]``.
Each participant is a thread with its own group; contributions mix points, lines,
polygons and free notes with Thai titles and comments. Every write goes through
`cmgis.sketches.add_contribution` (validation, zone join, SQLite WAL store with
``synchronous=FULL``). Afterwards the store is checked: every acknowledged id is stored
(``lost``), no id is stored twice and no unacknowledged row appeared (``duplicated``).
A single writer saving the same number of contributions one after another runs in the
same process as the baseline. The last line is::

    writes=<n> lost=<n> duplicated=<n> p95_ms=<x> single_writer_p95_ms=<y>
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, Point, Polygon, box

from cmgis._errors import CmgisError
from cmgis.sketches import (
    CATEGORIES,
    STRATEGIES,
    Participant,
    ZoneIndex,
    add_contribution,
    create_workshop,
    default_zone_index,
    join_workshop,
)
from cmgis.store import Store, open_store

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


def _geometry(k: int, i: int) -> object:
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
    with open_store(folder / "parallel.sqlite") as store:
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
    with open_store(folder / "single.sqlite") as store:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--per-participant", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cmgis-bench-") as tmp:
        r = run(args.participants, args.per_participant, Path(tmp))
    print(
        f"writes={int(r['writes'])} lost={int(r['lost'])} duplicated={int(r['duplicated'])} "
        f"p95_ms={r['p95_ms']:.1f} single_writer_p95_ms={r['single_writer_p95_ms']:.1f}"
    )


if __name__ == "__main__":
    main()
