"""Tests of cmgis.plan.edits: add, annotate, edit, undo, history, conflicts, all-or-none."""

from __future__ import annotations

import threading
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from cmgis import ConflictError, InputError
from cmgis.geocheck import MAX_LAYER_VERTICES
from cmgis.plan.edits import (
    ProjectDraft,
    add_project,
    add_projects,
    annotate,
    apply_records,
    edit_project,
    get_record,
    history,
    records,
    undo_last,
)
from cmgis.plan.spec import Plan, load_plan
from cmgis.store import Store, open_app_store


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    """Two tiny square zones inside the area (EPSG:4326)."""
    return gpd.GeoDataFrame(
        {"zone_id": ["old_town", "suan_dok"]},
        geometry=[box(98.980, 18.780, 98.995, 18.795), box(98.965, 18.785, 98.978, 18.795)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def _draft(**kw: object) -> ProjectDraft:
    base: dict[str, object] = {
        "title_en": "Walking street data kiosk",
        "title_th": "ตู้ข้อมูลถนนคนเดิน",
        "strategy": "drivers",
        "geometry": Point(98.987, 18.788),
    }
    base.update(kw)
    return ProjectDraft(**base)  # type: ignore[arg-type]


def test_add_keeps_who_and_when_and_history(store: Store, zones: gpd.GeoDataFrame) -> None:
    rec = add_project(store, _draft(), user="Somchai", zones=zones)
    assert rec.code == "A001"
    assert rec.version == 1
    assert rec.created_by == "Somchai"
    assert rec.created_at.endswith("Z") or "+00:00" in rec.created_at
    assert rec.fields["title_th"] == "ตู้ข้อมูลถนนคนเดิน"
    changes = history(store, "A001")
    assert [c.action for c in changes] == ["add"]
    assert changes[0].by_user == "Somchai"
    assert add_project(store, _draft(), user="Somchai", zones=zones).code == "A002"


def test_picked_zones_become_the_geometry(store: Store, zones: gpd.GeoDataFrame) -> None:
    rec = add_project(store, _draft(geometry=None, zone_ids=("suan_dok",)), user="a", zones=zones)
    assert rec.fields["geometry_method"] == "zones-picked"
    assert rec.geometry is not None
    assert rec.geometry.equals(zones.geometry.iloc[1])


def test_edit_then_undo_restores_and_is_recorded(
    store: Store, plan: Plan, zones: gpd.GeoDataFrame
) -> None:
    rec = add_project(store, _draft(), user="a", zones=zones)
    line = LineString([(98.970, 18.790), (98.985, 18.790)])
    rec2 = edit_project(
        store,
        plan,
        rec.code,
        {"status": "in_progress", "geometry": line},
        user="b",
        expected_version=1,
        zones=zones,
    )
    assert rec2.version == 2
    assert rec2.fields["status"] == "in_progress"
    assert rec2.updated_by == "b"
    assert rec2.geometry is not None
    assert rec2.geometry.equals(line)
    rec3 = undo_last(store, rec.code, user="c", expected_version=2)
    assert rec3.version == 3
    assert rec3.fields["status"] == "proposed"
    assert rec3.geometry is not None
    assert rec3.geometry.equals(Point(98.987, 18.788))
    # undo again: the addition itself is undone, the project withdrawn (not erased)
    rec4 = undo_last(store, rec.code, user="c", expected_version=3)
    assert rec4.deleted
    assert [c.action for c in history(store, rec.code)] == ["undo", "undo", "edit", "add"]
    with pytest.raises(InputError, match="nothing to undo"):
        undo_last(store, rec.code, user="c", expected_version=4)


def test_report_items_can_only_be_annotated(
    store: Store, plan: Plan, zones: gpd.GeoDataFrame
) -> None:
    with pytest.raises(InputError, match="cannot be changed, only annotated"):
        edit_project(
            store,
            plan,
            "P05",
            {"title_en": "Something else"},
            user="a",
            expected_version=0,
            zones=zones,
        )
    assert get_record(store, "P05") is None
    rec = annotate(store, plan, "P05", user="a", expected_version=0, status="planned", notes="MoU")
    assert rec.origin == "report"
    assert rec.fields == {"status": "planned", "notes": "MoU"}
    rec = annotate(store, plan, "1.2.1", user="a", expected_version=0, notes="committee met")
    assert rec.fields == {"notes": "committee met"}
    undone = undo_last(store, "P05", user="a", expected_version=1)
    assert undone.fields == {}
    with pytest.raises(InputError, match="not an item of the report"):
        annotate(store, plan, "9.9.9", user="a", expected_version=0, notes="x")


def test_second_writer_gets_a_conflict_and_nothing_is_lost(
    tmp_path: Path, plan: Plan, zones: gpd.GeoDataFrame
) -> None:
    path = tmp_path / "shared.sqlite"
    alice = open_app_store(path)
    bob = open_app_store(path)  # a second process / browser session
    try:
        code = add_project(alice, _draft(), user="alice", zones=zones).code
        # both open version 1
        v_alice = get_record(alice, code)
        v_bob = get_record(bob, code)
        assert v_alice is not None
        assert v_bob is not None
        edit_project(
            alice,
            plan,
            code,
            {"notes": "budget approved"},
            user="alice",
            expected_version=v_alice.version,
            zones=zones,
        )
        with pytest.raises(
            ConflictError, match=r"changed by alice .*version 2\) after you opened version 1"
        ):
            edit_project(
                bob,
                plan,
                code,
                {"status": "dropped"},
                user="bob",
                expected_version=v_bob.version,
                zones=zones,
            )
        now = get_record(bob, code)
        assert now is not None
        assert now.fields["notes"] == "budget approved"
        assert now.fields["status"] == "proposed"
        # bob reloads and applies his change on top: both changes are kept
        edit_project(
            bob,
            plan,
            code,
            {"status": "dropped"},
            user="bob",
            expected_version=now.version,
            zones=zones,
        )
        final = get_record(alice, code)
        assert final is not None
        assert (final.fields["notes"], final.fields["status"]) == ("budget approved", "dropped")
        # the same for annotations of a report item
        annotate(alice, plan, "P06", user="alice", expected_version=0, status="planned")
        with pytest.raises(ConflictError, match="P06"):
            annotate(bob, plan, "P06", user="bob", expected_version=0, notes="x")
    finally:
        alice.close()
        bob.close()


def test_concurrent_writers_in_threads_one_wins(
    store: Store, plan: Plan, zones: gpd.GeoDataFrame
) -> None:
    code = add_project(store, _draft(), user="a", zones=zones).code
    results: list[str] = []
    barrier = threading.Barrier(4)

    def write(i: int) -> None:
        barrier.wait()
        try:
            edit_project(
                store,
                plan,
                code,
                {"notes": f"writer {i}"},
                user=f"u{i}",
                expected_version=1,
                zones=zones,
            )
            results.append("ok")
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["conflict", "conflict", "conflict", "ok"]
    assert len(history(store, code)) == 2


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (_draft(title_en="", title_th=""), "title is missing"),
        (_draft(strategy="disruption"), "unknown strategy 'disruption'"),
        (_draft(status="maybe"), "unknown status"),
        (_draft(geometry=Point(100.5, 13.75)), "outside the area"),
        (_draft(geometry=Point(500000, 2075000)), "look projected"),
        (_draft(zone_ids=("atlantis",), geometry=None), "unknown zone 'atlantis'"),
    ],
)
def test_bad_input_is_refused_and_nothing_partial_is_stored(
    store: Store, zones: gpd.GeoDataFrame, draft: ProjectDraft, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        add_projects(store, [_draft(), draft], user="a", zones=zones)
    assert records(store) == []
    assert history(store) == []


def test_missing_user_is_refused(store: Store, zones: gpd.GeoDataFrame) -> None:
    with pytest.raises(InputError, match="Enter your name"):
        add_project(store, _draft(), user="  ", zones=zones)


def test_apply_records_annotates_report_rows_and_appends_additions(
    store: Store, plan: Plan, zones: gpd.GeoDataFrame
) -> None:
    base = gpd.GeoDataFrame(
        {"code": ["P05"], "origin": ["report"], "status": ["proposed"], "zones_touched": [""]},
        geometry=[None],
        crs="EPSG:4326",
    )
    annotate(store, plan, "P05", user="a", expected_version=0, status="planned", notes="n")
    add_project(store, _draft(), user="a", zones=zones)
    out = apply_records(base, records(store), zones)
    assert list(out["code"]) == ["P05", "A001"]
    assert out.loc[0, "status"] == "planned"
    assert out.loc[0, "version"] == 1
    assert out.loc[1, "zones_touched"] == "old_town"
    assert base.loc[0, "status"] == "proposed"  # input not mutated


def test_c1_controls_and_bidi_isolates_are_dropped_like_everywhere_else(
    store: Store, zones: gpd.GeoDataFrame
) -> None:
    """Project edits use the one typed-text rule (cmgis.textclean), C1 controls included."""
    draft = _draft(title_en="kiosk\x85\x9b[31m\u2066", notes="a\x80b\x9fc\u202ad")
    (added,) = add_projects(store, [draft], user="Som\x9bchai", zones=zones)
    record = get_record(store, added.code)
    assert record is not None
    assert record.fields["title_en"] == "kiosk[31m"
    assert record.fields["notes"] == "abcd"
    assert history(store)[-1].by_user == "Somchai"


def test_imported_or_drawn_geometry_over_the_vertex_limit_is_refused(
    store: Store, zones: gpd.GeoDataFrame
) -> None:
    """The vertex limit of user geometry (cmgis.geocheck) holds for projects, store intact."""
    n = MAX_LAYER_VERTICES + 1
    line = LineString([(98.981 + 0.01 * i / n, 18.781 + 0.01 * (i % 2) / 1000) for i in range(n)])
    with pytest.raises(InputError, match="vertices"):
        add_projects(store, [_draft(), _draft(geometry=line)], user="a", zones=zones)
    assert records(store) == []


def test_control_characters_are_dropped_and_markup_and_thai_kept(
    store: Store, zones: gpd.GeoDataFrame
) -> None:
    draft = _draft(
        title_en="kiosk\x00 <script>alert(1)</script>",
        title_th="ตู้\u202eข้อมูล",
        notes="line one\nline\x07 two",
    )
    (added,) = add_projects(store, [draft], user="Som\x00chai", zones=zones)
    record = get_record(store, added.code)
    assert record is not None
    assert record.fields["title_en"] == "kiosk <script>alert(1)</script>"
    assert record.fields["title_th"] == "ตู้ข้อมูล"
    assert record.fields["notes"] == "line one\nline two"
    assert history(store)[-1].by_user == "Somchai"
