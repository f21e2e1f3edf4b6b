"""The cmgis command: each command's output and its error path (run as a real process)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmgis.cli.main", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_layers_table_and_json() -> None:
    out = run("layers")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["id", "title", "features", "licence"]
    assert set(lines[1]) <= {"-", " "}
    rows = {line.split()[0]: line for line in lines[2:]}
    assert {"zones", "tambons", "roads", "elevation"} <= set(rows)
    assert "Tambons of Mueang Chiang Mai" in rows["tambons"]
    assert " 16 " in rows["tambons"] and "CC BY-IGO 3.0" in rows["tambons"]
    assert "\t" not in out.stdout
    data = json.loads(run("layers", "--json").stdout)
    tambons = next(e for e in data["layers"] if e["id"] == "tambons")
    assert tambons["feature_count"] == 16 and tambons["title_th"].startswith("ตำบล")
    assert {"source", "credit", "method", "date", "approximate"} <= set(tambons)  # full record
    assert any(e["id"] == "bus_routes" for e in data["no_data"])


def test_zones_table() -> None:
    out = run("zones")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["zone", "name", "name"]
    assert [line.split()[0] for line in lines[2:]] == [
        "nimman", "old_town", "suan_dok", "mae_kha", "mae_hia",
    ]  # fmt: skip
    assert "constructed" in lines[-1] and "0.86" in lines[-1]  # Mae Hia: a walking catchment


def test_help_has_no_restructuredtext_markup() -> None:
    for args in (("--help",), ("projects", "--help"), ("layers", "--help")):
        out = run(*args)
        assert out.returncode == 0
        assert "``" not in out.stdout and ":func:" not in out.stdout


def test_zones_json() -> None:
    data = json.loads(run("zones", "--json").stdout)
    assert [z["zone_id"] for z in data] == ["nimman", "old_town", "suan_dok", "mae_kha", "mae_hia"]
    # Mae Hia is anchored on real CMU Mae Hia features (STeP), not a hand-placed point
    assert data[4]["approximate"] is False
    assert "STeP - Science and Technology Park" in data[4]["parameters"]["anchors"]
    assert data[0]["parameters"]["catchment_m"] == 800


def test_indicators_csv_and_json() -> None:
    out = run("indicators", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 5 and "coworking_count" in rows[0]
    assert rows[0]["name_en"] == "Nimman" and rows[0]["name_th"] == "นิมมานเหมินท์"
    assert rows[1]["landmarks_within_800m"].isdigit()  # counts are integers
    assert rows[1]["coworking_count"].isdigit()
    data = json.loads(run("indicators", "--format", "json").stdout)
    assert data[0]["zone_id"] == "nimman"
    assert 0 <= data[0]["scores_0_100"]["overall"] <= 100
    # co-working is a lower bound, said in JSON, in the definitions and on stderr for CSV
    assert data[0]["lower_bounds"] == ["coworking_count"]
    assert "lower bound" in out.stderr and "coworking_count" in out.stderr
    # Mae Kha is below the coverage threshold: not ranked on OSM-based indicators, and why
    mae_kha = next(r for r in data if r["zone_id"] == "mae_kha")
    assert mae_kha["not_ranked"]["office_density_per_km2"] == "low_coverage"
    assert mae_kha["scores_0_100"]["office_density_per_km2"] is None
    defs = json.loads(run("indicators", "--definitions", "--format", "json").stdout)
    assert len(defs) >= 8
    assert next(d for d in defs if d["id"] == "coworking_count")["lower_bound"] is True


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("indicators", "--format", "xml"), None, "invalid choice: 'xml'"),
        (("nope",), None, "invalid choice: 'nope'"),
        (("layers",), {"CMGIS_DATA_DIR": "/nonexistent"}, "run `cmgis build-layers` first"),
    ],
)
def test_errors_are_one_line_without_traceback(
    args: tuple[str, ...], env: dict[str, str] | None, message: str
) -> None:
    out = run(*args, env=env)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("cmgis: error:")


def test_isc_command() -> None:
    data = json.loads(run("isc", "--json").stdout)
    assert data[0] == {
        "id": "overall",
        "title_en": "Overall (average)",
        "title_th": "ภาพรวม (ค่าเฉลี่ย)",
        "score_pct": 67.13,
        "level": "Potential Innovative City",
        "note": 'The overall score is the report\'s "average" (67.13 %). It is not the mean '
        "of the four dimension scores (68.38 %); the report does not say how it was averaged.",
    }
    assert all("note" not in d for d in data[1:])
    table = run("isc").stdout
    assert "67.13" in table
    assert table.strip().splitlines()[-1].startswith("Note: The overall score is the report's")
    assert "68.38 %" in table


def test_build_layers_command_into_a_temp_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "raw", data_dir / "raw")
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "spec", data_dir / "spec")
    out = run("build-layers", env={"CMGIS_DATA_DIR": str(data_dir)})
    assert out.returncode == 0, out.stderr
    assert "built 14 layers" in out.stdout
    assert (data_dir / "layers" / "cmgis.gpkg").exists()
    listed = run("layers", "--json", env={"CMGIS_DATA_DIR": str(data_dir)})
    assert len(json.loads(listed.stdout)["layers"]) == 14
