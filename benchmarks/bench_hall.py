"""A workshop in a hall: 60 participants join within 30 s, each saves 5 drawings and 10
votes, while the projector view refreshes every 5 s in a real browser.

Run ``python benchmarks/bench_hall.py [--participants 60] [--phones 3] [--join-window-s 30]``.

A Streamlit server runs the app on a throw-away store. ``--phones`` participants are
phone-emulated Chromium sessions (390x844, touch) going through the page: they open the
join link, type a group name, tap "Join" (again, as a person does, when no map comes
within 30 s: the taps are printed), tap the marker tool and the map, fill the form and save
(timed from the tap on "Save" to the "Saved" confirmation), then vote on the board. The
other participants are separate processes calling the same library functions the page
calls (`join_workshop`, `add_contribution`, `cast_vote`), each joining at its own moment
in the join window. A desktop Chromium shows the facilitator's projector view (refresh
every 5 s) and records when its contribution count changes: the lag of a save is the time
from its confirmation until the projector counts it, timed by the projector page itself
(a MutationObserver on the count; a thread polling the page is printed beside it).

The store is checked afterwards: ``lost`` counts saves that were confirmed (or expected)
but are not stored. Side by side: the p95 save of a lone process writing the same way,
and the CPU seconds each actor (server, phones' browsers, projector's browser, library
processes) used while the hall was open (`_cpu.CpuSampler`, from ``/proc``).
The last line::

    phones=<n> saved=<n> lost=<n> p95_save_s=<x> projector_lag_s=<y>
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _cpu import CpuSampler  # benchmarks/_cpu.py

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]  # fmt: skip
#: switches Chromium ignores, which tell the CPU sampler whose browser a process belongs to
PHONE_FLAG, PROJECTOR_FLAG = "--cmgis-actor=phone", "--cmgis-actor=projector"
PIN = "2468"
DRAWINGS, VOTES = 5, 10
TITLES = ("ตลาดวโรรส", "คลองแม่ข่า", "ย่านนิมมานเหมินท์", "สวนดอก", "ประตูท่าแพ")


def _p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# ------------------------------------------------------------------ library participants


def _library_participant(
    db: str, code: str, index: int, offset_s: float, out: str, ready: Any, start: Any
) -> None:
    """One participant in its own process: imports, says it is ``ready``, waits for the
    hall's ``start`` time, joins ``offset_s`` later, saves 5 drawings and votes 10 times."""
    from shapely.geometry import Point

    from cmgis.store import new_id, open_app_store
    from cmgis.workshop import (
        Client,
        add_contribution,
        cast_vote,
        default_zone_index,
        join_workshop,
        list_contributions,
    )

    store = open_app_store(db)
    zones = default_zone_index()
    rng = random.Random(index)
    ready.put(index)
    while start.value == 0:
        time.sleep(0.2)
    time.sleep(max(0.0, start.value + offset_s - time.time()))
    joins, who = 0, None
    while who is None and joins < 5:  # a participant whose join failed taps "Join" again
        joins += 1
        try:
            who = join_workshop(store, code, f"โต๊ะ {index}", client=Client(f"bench-{index}", ""))
        except Exception:  # the store was busy: counted in "join retries"
            time.sleep(1.0)
    if who is None:
        Path(out).write_text(json.dumps({"saves": [], "votes": 0, "joins": joins}))
        return
    saves: list[dict[str, Any]] = []
    for k in range(DRAWINGS):
        cid = new_id()
        point = Point(98.96 + rng.random() * 0.03, 18.78 + rng.random() * 0.02)
        t0 = time.time()
        for _attempt in range(5):  # a retried save with the same id is stored once
            try:
                add_contribution(store, who, category="asset", strategy="drivers",
                                 title=f"{TITLES[k % len(TITLES)]} {index}", geometry=point,
                                 zones=zones, contribution_id=cid)  # fmt: skip
                saves.append({"id": cid, "s": time.time() - t0, "at": time.time()})
                break
            except Exception:
                time.sleep(0.5)
        time.sleep(rng.uniform(0.5, 2.0))  # drawing the next shape takes a moment
    votes = 0
    others = [c.id for c in list_contributions(store, who.workshop_id)]
    rng.shuffle(others)
    for cid in others:
        if votes >= VOTES:
            break
        try:
            cast_vote(store, who, cid)
            votes += 1
        except Exception:
            continue
    Path(out).write_text(json.dumps({"saves": saves, "votes": votes, "joins": joins}))
    store.close()


# ------------------------------------------------------------------------------ browsers


def _idle(page: Any) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           timeout=120_000)  # fmt: skip


def _tap(page: Any, locator: Any) -> None:
    # centred: at the top edge Streamlit's header would take the tap
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")
    box = locator.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _join_by_tap(page: Any, index: int) -> int:
    """Tap "Join" until the map's marker tool shows, as a person taps again when nothing
    happens (at most 3 taps, each given 30 s); returns the taps. A screenshot of each
    page where a tap brought no map is kept for whoever reads the run."""
    button = page.get_by_role("button", name="เข้าร่วม")
    tool = page.frame_locator("iframe[title*='streamlit_folium']").first.locator(
        ".leaflet-draw-draw-marker"
    )
    for taps in range(1, 4):
        _tap(page, button)
        _idle(page)
        try:
            tool.wait_for(timeout=30_000)
            return taps
        except Exception:
            shot = Path(tempfile.gettempdir()) / f"bench-hall-phone{index}-join{taps}.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"phone {index}: no map after join tap {taps}; screenshot {shot}", flush=True)
            if not button.count():  # joined, but the map did not come: the app's fault
                break
    return taps


def _phone(url: str, code: str, index: int, start_at: float, result: dict[str, Any]) -> None:
    """One phone: join by the link, save 5 points through the page, vote 10 times."""
    from playwright.sync_api import sync_playwright

    saves: list[dict[str, Any]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, PHONE_FLAG])
        context = browser.new_context(viewport={"width": 390, "height": 844},
                                      device_scale_factor=3, is_mobile=True, has_touch=True,
                                      locale="th-TH")  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.set_default_navigation_timeout(120_000)
        time.sleep(max(0.0, start_at - time.time()))
        page.goto(f"{url}/workshop?code={code}&lang=th")
        page.wait_for_selector("[data-testid='stApp']", timeout=120_000)
        _idle(page)
        page.get_by_label("ชื่อกลุ่ม").fill(f"โทรศัพท์ {index}")
        result["join_taps"] = _join_by_tap(page, index)
        for k in range(DRAWINGS):
            frame = page.frame_locator("iframe[title*='streamlit_folium']").first
            tool = frame.locator(".leaflet-draw-draw-marker")
            try:
                tool.wait_for(timeout=120_000)
            except Exception:  # keep what the phone showed, for whoever reads the run
                shot = Path(tempfile.gettempdir()) / f"bench-hall-phone{index}-tool{k}.png"
                page.screenshot(path=str(shot), full_page=True)
                print(f"phone {index}: no marker tool for point {k}; screenshot {shot}",
                      flush=True)  # fmt: skip
                raise
            page.wait_for_timeout(800)
            for _ in range(5):
                _tap(page, tool)
                page.wait_for_timeout(400)
                if frame.locator(".leaflet-draw-toolbar-button-enabled").count():
                    break
            form = page.get_by_text("อธิบายจุดที่คุณวาด")
            for attempt in range(6):  # a tap on someone's marker opens its popup instead
                area = frame.locator(".leaflet-container").bounding_box()
                page.touchscreen.tap(area["x"] + area["width"] * 0.55 + 20 * attempt,
                                     area["y"] + 50 + 30 * attempt + 8 * k)  # fmt: skip
                try:
                    form.wait_for(timeout=20_000)
                    break
                except Exception:
                    for _ in range(3):
                        _tap(page, tool)
                        page.wait_for_timeout(400)
                        if frame.locator(".leaflet-draw-toolbar-button-enabled").count():
                            break
            try:
                form.wait_for(timeout=60_000)
            except Exception:  # keep what the phone showed, for whoever reads the run
                shot = Path(tempfile.gettempdir()) / f"bench-hall-phone{index}-point{k}.png"
                page.screenshot(path=str(shot), full_page=True)
                print(f"phone {index}: no form for point {k}; screenshot {shot}", flush=True)
                raise
            _idle(page)
            title = f"โทรศัพท์ {index} จุด {k}"
            page.get_by_label("หัวข้อ").first.fill(title)
            t0 = time.time()
            _tap(page, page.get_by_role("button", name="บันทึกรูปที่วาด"))
            page.get_by_text(f"บันทึกแล้ว: {title}").first.wait_for(timeout=120_000)
            saves.append({"title": title, "s": time.time() - t0, "at": time.time()})
            _idle(page)
        _tap(page, page.locator("label").filter(has_text="กระดาน").first)
        _idle(page)
        votes = 0
        for _ in range(VOTES):
            button = page.get_by_role("button", name="+1 ●")
            if not button.count():
                break
            try:  # the board may redraw (fewer buttons) between counting and tapping
                button.nth(random.randrange(button.count())).wait_for(timeout=10_000)
                _tap(page, button.nth(random.randrange(button.count())))
            except Exception:
                continue
            _idle(page)
            votes += 1
        browser.close()
    result.update({"saves": saves, "votes": votes})


def _projector(
    url: str,
    code: str,
    stop: threading.Event,
    seen: list[tuple[float, int]],
    polled: list[tuple[float, int]],
    runs: list[float],
    busy: list[tuple[float, float]],
    on_map: list[tuple[float, int]],
) -> None:
    """The facilitator's projector view; records (time, contributions shown) as the page
    saw it (``seen``, filled at the end) and as a thread polling it every 0.25 s saw it,
    when each of its runs started (``runs``, the page's clock) and when its main thread
    was busy (``busy``: start, seconds of each long task), and (time, contributions on its
    map) as the page saw them (``on_map``, looked at every 0.1 s)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, PROJECTOR_FLAG]
        )
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        page.set_default_timeout(120_000)
        page.set_default_navigation_timeout(120_000)
        page.goto(f"{url}/workshop")
        page.wait_for_selector("[data-testid='stApp']", timeout=120_000)
        _idle(page)
        page.locator("label").filter(has_text="Projector").first.click()
        page.get_by_role("button", name="Open the facilitator view").wait_for(timeout=120_000)
        _idle(page)
        page.get_by_label("Join code").fill(code)
        page.get_by_label("Facilitator PIN", exact=True).fill(PIN)
        page.get_by_role("button", name="Open the facilitator view").click()
        metric = page.locator("[data-testid='stMetricValue']").nth(1)
        metric.wait_for(timeout=120_000)
        page.evaluate(_OBSERVE_COUNT)
        while not stop.is_set():
            try:
                count = int(re.sub(r"\D", "", metric.inner_text(timeout=2_000)) or 0)
                if not polled or polled[-1][1] != count:
                    polled.append((time.time(), count))
            except Exception:
                pass
            time.sleep(0.25)
        seen.extend((at_ms / 1000, count) for at_ms, count in page.evaluate("window.cmgisSeen"))
        runs.extend(at_ms / 1000 for at_ms in page.evaluate("window.cmgisRuns"))
        busy.extend((at / 1000, ms / 1000) for at, ms in page.evaluate("window.cmgisLong"))
        on_map.extend((at / 1000, n) for at, n in page.evaluate("window.cmgisMapSeen"))
        browser.close()


#: In the projector's page: the browser's own clock at each change of the contribution
#: count in the page (a MutationObserver), free of the polling thread's delays in this
#: busy benchmark process.
_OBSERVE_COUNT = """() => {
  window.cmgisSeen = [];
  var last = null;
  function look() {
    var m = document.querySelectorAll("[data-testid='stMetricValue']")[1];
    var n = m ? parseInt(m.innerText.replace(/\\D/g, "") || "0", 10) : null;
    if (n !== null && n !== last) { last = n; window.cmgisSeen.push([Date.now(), n]); }
  }
  look();
  new MutationObserver(look).observe(document.body,
    {subtree: true, childList: true, characterData: true});
  window.cmgisMapSeen = [];  // the contributions on the live map, looked at every 0.1 s
  var onMap = null;
  setInterval(function () {
    var frame = document.querySelector("iframe[title*='streamlit_folium']");
    var w = frame && frame.contentWindow, n = 0;
    if (!w || !w.map || !w.feature_group) { return; }
    w.feature_group.forEach(function (group) {  // the groups on the map (old ones stay listed)
      if (!w.map.hasLayer(group)) { return; }
      group.eachLayer(function (layer) { if (layer.getLayers) { n += layer.getLayers().length; } });
    });
    if (n !== onMap) { onMap = n; window.cmgisMapSeen.push([Date.now(), n]); }
  }, 100);
  window.cmgisLong = [];  // the page's main thread busy for 50 ms or more (its map's too)
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      window.cmgisLong.push([performance.timeOrigin + e.startTime, e.duration]);
    });
  }).observe({entryTypes: ["longtask"]});
  window.cmgisRuns = [];  // when the server says a run of the page started
  var app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(function () {
    if (app.getAttribute("data-test-script-state") === "running") {
      window.cmgisRuns.push(Date.now());
    }
  }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""


# ---------------------------------------------------------------------------------- main


def _server(db: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CMGIS_DB": db, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         "--server.address=127.0.0.1", f"--server.port={port}",
         "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the app did not start")


def _lone_p95(db: str) -> float:
    """p95 save of one process alone (the same calls, nobody else writing)."""
    from shapely.geometry import Point

    from cmgis.store import open_app_store
    from cmgis.workshop import add_contribution, create_workshop, default_zone_index, join_workshop

    store = open_app_store(db)
    code = create_workshop(store, title="lone", pin=PIN).code
    who = join_workshop(store, code, "lone")
    zones = default_zone_index()
    times = []
    for k in range(20):
        t0 = time.time()
        add_contribution(store, who, category="asset", strategy="drivers", title=f"lone {k}",
                         geometry=Point(98.97, 18.79), zones=zones)  # fmt: skip
        times.append(time.time() - t0)
    store.close()
    return _p95(times)


def _lags(ats: list[float], shown: list[tuple[float, int]]) -> list[float]:
    """Seconds from each confirmed save (``ats``, sorted) until the projector's count
    first reached its rank: the k-th save is shown once the count is at least k."""
    lags = []
    for k, at in enumerate(ats, start=1):
        when = next((t for t, count in shown if count >= k and t >= at - 0.25), None)
        if when is not None:
            lags.append(max(0.0, when - at))
    return lags


def _actor(cmdlines: list[str]) -> str:
    """Whose work a process of this benchmark does (`CpuSampler`): its command line and
    its ancestors'. The benchmark's own process drives the browsers (Playwright)."""
    if not cmdlines:
        return "benchmark process"
    every = " ".join(cmdlines)
    if PHONE_FLAG in every:
        return "phones' browsers"
    if PROJECTOR_FLAG in every:
        return "projector's browser"
    if "streamlit" in cmdlines[-1]:
        return "server"
    if "multiprocessing" in cmdlines[-1]:
        return "library participants"
    if "playwright" in cmdlines[-1]:
        return "Playwright drivers"
    return "other"


def _print_projector_timings(
    ats: list[float],
    seen: list[tuple[float, int]],
    runs: list[float],
    long: list[tuple[float, float]],
) -> None:
    """Where a save's lag went: the gaps between the projector's updates and runs, how long
    a run took to show the count, and how busy the projector's page was (while saving)."""
    busy = [t for t, _ in seen if ats and ats[0] <= t <= ats[-1] + 6]
    gaps = [b - a for a, b in itertools.pairwise(busy)]
    if gaps:  # the refresh is every 5 s: longer gaps are runs that came late
        print(f"projector updates while saving: {len(busy)}, gaps (s) median "
              f"{statistics.median(gaps):.2f} max {max(gaps):.2f}")  # fmt: skip
    starts = [r for r in runs if ats and ats[0] <= r <= ats[-1] + 6]
    shown_after = [next((t - r for t, _ in seen if r <= t < r + 5), None) for r in starts]
    waits = [w for w in shown_after if w is not None]
    if len(starts) > 1 and waits:  # late starts, or slow runs once started?
        run_gaps = [b - a for a, b in itertools.pairwise(starts)]
        print(f"projector runs while saving: {len(starts)}, gaps between starts (s) median "
              f"{statistics.median(run_gaps):.2f} max {max(run_gaps):.2f}; start to count "
              f"shown (s) median {statistics.median(waits):.2f} max {max(waits):.2f}")  # fmt: skip
    tasks = [s for at, s in long if ats and ats[0] <= at <= ats[-1] + 6]
    if ats:  # the projector's browser too busy to show the count at once?
        print(f"projector page's long tasks while saving: {len(tasks)}, {sum(tasks):.1f} s of "
              f"{ats[-1] + 6 - ats[0]:.0f} s, longest {max(tasks, default=0):.2f} s")  # fmt: skip


def main() -> int:
    """Run the hall and print the figures.

    Long because it starts, runs and checks every actor of the hall in one place.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--phones", type=int, default=3)
    parser.add_argument("--join-window-s", type=float, default=30.0)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from cmgis.store import open_app_store
    from cmgis.workshop import contributions_frame, create_workshop

    tmp = Path(tempfile.mkdtemp(prefix="cmgis-bench-hall-"))
    db = str(tmp / "hall.sqlite")
    store = open_app_store(db)
    workshop = create_workshop(store, title="Hall benchmark", pin=PIN, votes_per_group=VOTES)
    lone = _lone_p95(str(tmp / "lone.sqlite"))
    rng = random.Random(0)
    offsets = [rng.uniform(0, args.join_window_s) for _ in range(args.participants)]
    n_lib = args.participants - args.phones
    ctx = mp.get_context("spawn")
    ready, start_value = ctx.Queue(), ctx.Value("d", 0.0)
    workers = [
        ctx.Process(target=_library_participant,
                    args=(db, workshop.code, i, offsets[i], str(tmp / f"w{i}.json"), ready,
                          start_value))
        for i in range(n_lib)
    ]  # fmt: skip
    for w in workers:  # a few at a time: 2 cores import cmgis in each
        w.start()
        time.sleep(0.3)
    for _ in workers:
        ready.get(timeout=600)  # every process imported cmgis and opened the store
    proc, url = _server(db)
    stop = threading.Event()
    seen: list[tuple[float, int]] = []
    polled: list[tuple[float, int]] = []
    runs: list[float] = []
    long: list[tuple[float, float]] = []
    on_map: list[tuple[float, int]] = []
    projector = threading.Thread(
        target=_projector, args=(url, workshop.code, stop, seen, polled, runs, long, on_map)
    )
    projector.start()
    while not polled and projector.is_alive():  # the projector shows its first count
        time.sleep(0.5)
    start = time.time() + 2
    start_value.value = start
    cpu = CpuSampler(_actor).start()
    phone_results: list[dict[str, Any]] = [{} for _ in range(args.phones)]
    phones = [
        threading.Thread(target=_phone, args=(url, workshop.code, i, start + offsets[n_lib + i],
                                              phone_results[i]))
        for i in range(args.phones)
    ]  # fmt: skip
    for t in phones:
        t.start()
    time.sleep(max(0.0, start - time.time()))
    cpu.mark_start()  # the hall opens: joins, saves, votes and the projector's refreshes
    for w in workers:
        w.join()
    for t in phones:
        t.join()
    cpu.mark_end()
    hall_s = time.time() - start
    cpu.stop()
    time.sleep(12)  # two refreshes of the projector after the last save
    stop.set()
    projector.join()
    proc.terminate()
    proc.wait(timeout=20)

    lib = [json.loads((tmp / f"w{i}.json").read_text()) for i in range(n_lib)
           if (tmp / f"w{i}.json").exists()]  # fmt: skip
    stored = contributions_frame(store, workshop.id)
    stored_ids, stored_titles = set(stored["id"]), set(stored["title"])
    confirmed = [s for r in lib for s in r["saves"]] + [s for r in phone_results
                                                        for s in r.get("saves", [])]  # fmt: skip
    expected = args.participants * DRAWINGS
    lost = expected - sum(
        1 for s in confirmed if s.get("id") in stored_ids or s.get("title") in stored_titles
    )
    votes = int(stored["votes"].sum()) if len(stored) else 0
    phone_saves = [s["s"] for r in phone_results for s in r.get("saves", [])]
    ats = sorted(s["at"] for s in confirmed)
    lags, polled_lags, map_lags = _lags(ats, seen), _lags(ats, polled), _lags(ats, on_map)
    print(f"participants={args.participants} library_processes={n_lib} phones={args.phones}")
    retries = sum(r.get("joins", 1) - 1 for r in lib)
    taps = [r.get("join_taps", 0) for r in phone_results]
    print(f"votes stored={votes} of {args.participants * VOTES}; projector samples={len(seen)};"
          f" join retries (store busy)={retries}; phones' taps on Join={taps}")  # fmt: skip
    print(f"p95 save (s): phones through the page {_p95(phone_saves):.2f}"
          f" | library in the hall {_p95([s['s'] for r in lib for s in r['saves']]):.3f}"
          f" | lone process {lone:.3f}")  # fmt: skip
    print(
        f"projector lag (s): median {statistics.median(lags) if lags else float('nan'):.2f}"
        f" max {max(lags) if lags else float('nan'):.2f} ({len(lags)} of {len(ats)} seen)"
        f" | as a thread polling every 0.25 s saw it: p95 {_p95(polled_lags):.2f}"
    )
    print(f"projector lag until its map shows it (s): median "
          f"{statistics.median(map_lags) if map_lags else float('nan'):.2f} p95 "
          f"{_p95(map_lags):.2f} max {max(map_lags, default=float('nan')):.2f} "
          f"({len(map_lags)} of {len(ats)} seen)")  # fmt: skip
    _print_projector_timings(ats, seen, runs, long)
    print(cpu.summary(hall_s))
    print(
        f"phones={args.phones} saved={len(stored)} lost={lost} "
        f"p95_save_s={_p95(phone_saves):.2f} projector_lag_s={_p95(lags):.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
