"""``cmgis workshop``: create, list, export, import, and the error path (real processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmgis.cli", "workshop", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env={**os.environ, "CMGIS_DB": str(db)},
        timeout=120,
    )


def test_create_list_export_import(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite"
    created = run("create", "--title", "เวิร์กช็อป\tCo-sensing", "--pin", "-", "--votes", "3",
                  db=db, stdin="2468\n")  # fmt: skip
    assert created.returncode == 0, created.stderr
    code = created.stdout.strip()
    assert len(code) == 6
    listed = run("list", db=db)
    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()
    assert header.split("\t")[:2] == ["code", "title"]
    assert row.split("\t")[:2] == [code, "เวิร์กช็อป Co-sensing"]  # a tab in a title stays one cell
    gpkg = tmp_path / "out.gpkg"
    exported = run("export", code.lower(), "--output", str(gpkg), db=db)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.split() == [str(gpkg), str(gpkg.with_suffix(".csv"))]
    other = tmp_path / "other.sqlite"
    imported = run("import", str(gpkg), db=other)
    assert imported.returncode == 0, imported.stderr
    new_code, pin_line = imported.stdout.splitlines()
    assert new_code != code
    assert pin_line.startswith("facilitator PIN: ")
    merged = run("import", str(gpkg), "--into", new_code, "--into-pin", pin_line.split()[-1],
                 db=other)  # fmt: skip
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.strip() == new_code


def test_errors_are_one_line_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite"
    short = run("create", "--title", "x", "--pin", "12", db=db)
    assert short.returncode == 2
    assert short.stderr.strip() == "cmgis: error: the facilitator PIN must have 4 to 64 characters"
    missing = run("export", "NOCODE", "--output", str(tmp_path / "x.gpkg"), db=db)
    assert missing.returncode == 2
    assert "no workshop has the join code" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    bad = run("import", str(tmp_path / "nope.gpkg"), db=db)
    assert bad.returncode == 2
    assert "does not exist" in bad.stderr
    pg = subprocess.run(
        [sys.executable, "-m", "cmgis.cli", "workshop", "--db", "postgresql://h/db", "list"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert pg.returncode == 2
    assert "not available yet" in pg.stderr
