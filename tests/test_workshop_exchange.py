"""Round trips of workshop exports: GeoPackage (read back by us and by ogrinfo) and CSV."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, Polygon

from cmgis import AuthError, InputError
from cmgis.store import Store, open_app_store
from cmgis.workshop import (
    Participant,
    add_comment,
    add_contribution,
    cast_vote,
    create_workshop,
    delete_contribution,
    get_workshop,
    join_workshop,
    list_contributions,
    set_pinned,
)
from cmgis.workshop.exchange import export_workshop, import_workshop
from tests.workshop_support import make_zone_index

XSS = '<img src=x onerror=alert(1)>"ตลาด"'


@pytest.fixture
def filled(store: Store) -> tuple[str, Participant, dict[str, str]]:
    zones = make_zone_index()
    code = create_workshop(store, title="ประชุม Co-sensing", pin="1357", votes_per_group=4).code
    g = join_workshop(store, code, "กลุ่มเทศบาล")
    ids = {}
    for name, geom in (
        ("point", Point(98.965, 18.795)),
        ("line", LineString([(98.96, 18.79), (98.985, 18.785)])),
        ("polygon", Polygon([(98.981, 18.781), (98.989, 18.781), (98.989, 18.789)])),
        ("note", None),
    ):
        ids[name] = add_contribution(
            store, g, category="asset", strategy="drivers", title=f"{XSS} {name}",
            comment="=HYPERLINK(\"http://x\")", geometry=geom, zones=zones,
        ).id  # fmt: skip
    cast_vote(store, g, ids["point"])
    add_comment(store, g, ids["line"], "ความเห็น <b>x</b>")
    set_pinned(store, code, "1357", ids["polygon"], pinned=True)
    gone = add_contribution(store, g, category="problem", strategy="default", title="gone")
    delete_contribution(store, g, gone.id)
    ids["deleted"] = gone.id
    return code, g, ids


def test_export_layers_read_back_and_by_ogrinfo(
    store: Store, filled: tuple[str, Participant, dict[str, str]], tmp_path: Path
) -> None:
    code, _, ids = filled
    gpkg, summary = export_workshop(store, code, tmp_path / "out.gpkg")
    layers = {str(n): g for n, g in pyogrio.list_layers(gpkg)}
    assert set(layers) >= {
        "contributions_point", "contributions_line", "contributions_polygon", "notes",
        "comments", "votes", "groups", "audit", "workshop_metadata",
    }  # fmt: skip
    points = gpd.read_file(gpkg, layer="contributions_point")
    assert points.crs == "EPSG:4326"
    assert points.loc[0, "title"] == f"{XSS} point"  # stored literally, Thai intact
    assert points.loc[0, "votes"] == 1
    assert points.loc[0, "approximate"] == 1
    meta = pyogrio.read_dataframe(gpkg, layer="workshop_metadata", read_geometry=False)
    values = dict(zip(meta["key"], meta["value"], strict=True))
    assert values["title"] == "ประชุม Co-sensing"
    assert values["crs"] == "EPSG:4326"
    pin_hash = store.query_one("SELECT pin_hash FROM workshop_workshops")
    assert pin_hash is not None
    content = gpkg.read_bytes()
    assert b"scrypt$" not in content  # neither the PIN hash nor its salt leave the store
    assert pin_hash["pin_hash"].split("$")[4].encode() not in content
    if shutil.which("ogrinfo"):
        out = subprocess.run(
            ["ogrinfo", "-ro", "-al", "-q", str(gpkg), "contributions_polygon"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert f"{XSS} polygon" in out.stdout
        assert "POLYGON" in out.stdout
    rows = list(csv.DictReader(summary.open(encoding="utf-8-sig")))
    assert len(rows) == 4  # the deleted one is not in the summary
    assert {r["zone_id"] for r in rows} == {"zone_a", "zone_b", "no_place"}
    assert all(r["comment"].startswith("'=") for r in rows)  # no formula runs in a spreadsheet
    assert {r["title"] for r in rows} >= {f"{XSS} note"}
    assert ids["deleted"] not in {r["id"] for r in rows}


def test_import_as_new_workshop_then_again_adds_nothing(
    store: Store, filled: tuple[str, Participant, dict[str, str]], tmp_path: Path
) -> None:
    code, _, ids = filled
    gpkg, _ = export_workshop(store, code, tmp_path / "out.gpkg")
    with open_app_store(tmp_path / "other.sqlite") as other:
        result = import_workshop(other, gpkg, pin="2468", zones=make_zone_index())
        assert result.created_workshop
        assert (result.contributions, result.comments, result.votes) == (5, 1, 1)
        new = result.workshop
        assert new.title == "ประชุม Co-sensing"
        assert new.code != code
        items = {c.id: c for c in list_contributions(other, new.id, include_deleted=True)}
        assert set(items) == set(ids.values())  # stable ids kept
        assert items[ids["polygon"]].pinned
        assert items[ids["point"]].votes == 1
        assert items[ids["deleted"]].deleted_at is not None
        assert [c.body for c in items[ids["line"]].comments] == ["ความเห็น <b>x</b>"]
        again = import_workshop(other, gpkg, into_code=new.code, into_pin="2468",
                                zones=make_zone_index())  # fmt: skip
        assert (again.contributions, again.skipped_existing) == (0, 5)
        assert len(list_contributions(other, new.id, include_deleted=True)) == 5
        assert other.integrity_check() == ["ok"]


def test_merge_into_a_workshop_of_the_same_store(
    store: Store, filled: tuple[str, Participant, dict[str, str]], tmp_path: Path
) -> None:
    code, _, _ = filled
    # names kept (the facilitator's choice), so the same group name merges into one group
    gpkg, _ = export_workshop(store, code, tmp_path / "out.gpkg", anonymise=False)
    target = create_workshop(store, title="second", pin="9999")
    g = join_workshop(store, target.code, "กลุ่มเทศบาล")
    add_contribution(store, g, category="project", strategy="default", title="own")
    with pytest.raises(AuthError, match="wrong facilitator PIN"):
        import_workshop(store, gpkg, into_code=target.code, into_pin="0000")
    result = import_workshop(
        store, gpkg, into_code=target.code, into_pin="9999", zones=make_zone_index()
    )
    assert result.groups == 0  # same group name: same group
    merged = list_contributions(store, target.id, include_deleted=True)
    assert len(merged) == 6
    assert len({c.id for c in merged}) == 6  # ids taken in the source workshop were renewed
    first = list_contributions(store, get_workshop(store, code).id, include_deleted=True)
    assert len(first) == 5  # the source workshop is untouched


def test_bad_files_are_refused_and_change_nothing(
    store: Store, filled: tuple[str, Participant, dict[str, str]], tmp_path: Path
) -> None:
    code, _, _ = filled
    not_gpkg = tmp_path / "x.gpkg"
    not_gpkg.write_text("hello")
    with pytest.raises(InputError, match="not a GeoPackage"):
        import_workshop(store, not_gpkg, pin="1234")
    plain = tmp_path / "plain.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(98.9, 18.8)], crs=4326).to_file(plain)
    with pytest.raises(InputError, match="not a cmgis workshop export"):
        import_workshop(store, plain, pin="1234")
    gpkg, _ = export_workshop(store, code, tmp_path / "out.gpkg")
    tampered = gpd.read_file(gpkg, layer="contributions_point")
    tampered.loc[0, "geometry"] = Point(100.5, 13.75)  # Bangkok
    tampered.loc[0, "category"] = "<script>"
    pyogrio.write_dataframe(tampered, gpkg, layer="contributions_point")
    before = store.query("SELECT COUNT(*) AS n FROM workshop_contributions")
    with pytest.raises(InputError, match=r"not imported.*Chiang Mai area") as err:
        import_workshop(store, gpkg, pin="1234", zones=make_zone_index())
    assert "unknown category" in str(err.value)
    assert store.query("SELECT COUNT(*) AS n FROM workshop_contributions") == before
    assert len(store.query("SELECT * FROM workshop_workshops")) == 1  # no half workshop


def test_export_refuses_wrong_suffix(
    store: Store, filled: tuple[str, Participant, dict[str, str]], tmp_path: Path
) -> None:
    with pytest.raises(InputError, match=r"must be a \.gpkg"):
        export_workshop(store, filled[0], tmp_path / "out.shp")


def test_damaged_text_in_a_file_is_a_clear_error(
    store: Store, filled: tuple[str, Participant, dict[str, str]], tmp_path: Path
) -> None:
    import sqlite3

    gpkg, _ = export_workshop(store, filled[0], tmp_path / "out.gpkg")
    with sqlite3.connect(gpkg) as db:  # bytes that are not UTF-8, as a damaged file has
        db.execute("UPDATE groups SET name = CAST(X'84FF41' AS TEXT)")
    before = store.query("SELECT COUNT(*) AS n FROM workshop_contributions")
    with pytest.raises(InputError, match="not UTF-8"):
        import_workshop(store, gpkg, pin="1234", zones=make_zone_index())
    assert store.query("SELECT COUNT(*) AS n FROM workshop_contributions") == before


# ---- issue 16 item 4: an import is all-or-nothing; budgets, dates and flags checked


def _counts(store: Store) -> tuple[int, ...]:
    return tuple(
        len(store.query(f"SELECT id FROM {t}"))
        for t in ("workshop_workshops", "workshop_contributions", "workshop_audit")
    )


def _tamper(gpkg: Path, layer: str, change) -> None:  # type: ignore[no-untyped-def]
    frame = pyogrio.read_dataframe(gpkg, layer=layer, read_geometry=layer != "votes")
    pyogrio.write_dataframe(change(frame), gpkg, layer=layer)


def _duplicate_first_row(frame):  # type: ignore[no-untyped-def]
    import pandas as pd

    return pd.concat([frame, frame.iloc[[0]]], ignore_index=True)


def _many_votes(frame):  # type: ignore[no-untyped-def]
    import uuid

    import pandas as pd

    extra = pd.concat([frame.iloc[[0]]] * 10, ignore_index=True)
    extra["id"] = [uuid.uuid4().hex for _ in range(10)]
    return pd.concat([frame, extra], ignore_index=True)


def _future(frame):  # type: ignore[no-untyped-def]
    frame["created_at"] = "2099-01-01T00:00:00+00:00"
    return frame


def _flag_value(value: object):  # type: ignore[no-untyped-def]
    def change(frame):  # type: ignore[no-untyped-def]
        frame["hidden"] = frame["hidden"].astype(object)
        frame.loc[0, "hidden"] = value
        frame["hidden"] = frame["hidden"].astype(float if isinstance(value, float) else str)
        return frame

    return change


def _utm_labelled_degrees(frame):  # type: ignore[no-untyped-def]
    frame["geometry"] = [Point(497_500.0 + i, 2_078_500.0) for i in range(len(frame))]
    return frame


@pytest.mark.parametrize(
    ("layer", "change", "message"),
    [
        ("contributions_point", _duplicate_first_row, "contribution id .* more than once"),
        ("votes", _many_votes, "has 11 votes; the workshop allows 4 per group"),
        ("contributions_line", _future, "created_at '2099-01-01.*in the future"),
        ("contributions_point", _flag_value(float("inf")), "hidden is 'inf'; expected 0 or 1"),
        ("contributions_point", _flag_value(float("nan")), "hidden is 'nan'; expected 0 or 1"),
        ("contributions_point", _flag_value("2"), "hidden is '2'; expected 0 or 1"),
        ("contributions_point", _utm_labelled_degrees, "UTM 47N"),
    ],
    ids=["duplicate-id", "votes-over-budget", "year-2099", "inf", "nan", "two", "utm"],
)
def test_wrong_records_refuse_the_whole_file(
    store: Store,
    filled: tuple[str, Participant, dict[str, str]],
    tmp_path: Path,
    layer: str,
    change,  # type: ignore[no-untyped-def]
    message: str,
) -> None:
    gpkg, _ = export_workshop(store, filled[0], tmp_path / "out.gpkg")
    _tamper(gpkg, layer, change)
    with open_app_store(tmp_path / "other.sqlite") as other:
        create_workshop(other, title="existing", pin="1111")
        before = _counts(other)
        with pytest.raises(InputError, match=message) as err:
            import_workshop(other, gpkg, pin="2468", zones=make_zone_index())
        assert "Traceback" not in str(err.value)
        assert _counts(other) == before  # no empty workshop, no audit row
    before = _counts(store)
    target = get_workshop(store, filled[0])
    with pytest.raises(InputError, match=message):
        import_workshop(store, gpkg, into_code=target.code, into_pin="1357",
                        zones=make_zone_index())  # fmt: skip
    assert _counts(store) == before


def test_failure_inside_the_transaction_leaves_no_workshop(
    store: Store, filled: tuple[str, Participant, dict[str, str]], tmp_path: Path
) -> None:
    """A record that clashes in the store (not in the file) rolls the new workshop back."""
    gpkg, _ = export_workshop(store, filled[0], tmp_path / "out.gpkg")
    with open_app_store(tmp_path / "other.sqlite") as other:
        import_workshop(other, gpkg, pin="2468", zones=make_zone_index())
        before = _counts(other)
        other.execute("CREATE TRIGGER no_votes BEFORE INSERT ON workshop_votes "
                      "BEGIN SELECT RAISE(ABORT, 'refused'); END")  # fmt: skip
        with pytest.raises(Exception, match="refused"):
            import_workshop(other, gpkg, pin="2468", zones=make_zone_index())
        assert _counts(other) == before


@pytest.mark.parametrize("suffix", ["kml", "kmz"])
def test_cdata_end_in_typed_text_keeps_kml_readable(
    store: Store,
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    """A comment or title with ``]]>`` must not end LIBKML's CDATA early (issue 16 item 6)."""
    from cmgis import sources

    monkeypatch.setenv("CMGIS_DB", store_url)
    code = create_workshop(store, title="KML ]]> title", pin="1357").code
    g = join_workshop(store, code, "grp")
    c = add_contribution(
        store, g, category="asset", strategy="drivers", title="a ]]> b",
        comment="x ]]><b>y</b> ]]]]>>", geometry=Point(98.965, 18.795), zones=make_zone_index(),
    )  # fmt: skip
    add_comment(store, g, c.id, "c ]]> d")
    out = sources.export_selection(
        f"workshop:{code}", fmt=suffix, crs="EPSG:4326", output=tmp_path / f"o.{suffix}"
    )
    read = pyogrio.read_dataframe(out)
    assert len(read) == 1
    if shutil.which("ogrinfo"):
        info = subprocess.run(
            ["ogrinfo", "-ro", "-al", "-q", str(out)], capture_output=True, text=True
        )
        assert info.returncode == 0, info.stderr
        assert "a ]]\u2060> b" in info.stdout
