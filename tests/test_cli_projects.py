"""Tests of ``cmgis projects``: listing, filters, JSON, errors on one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmgis.cli.main import main


@pytest.fixture(autouse=True)
def _own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMGIS_DB", str(tmp_path / "cli.sqlite"))


def test_projects_json_by_zone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["projects", "--json", "--zone", "mae_kha"]) == 0
    rows = json.loads(capsys.readouterr().out)
    codes = {r["code"] for r in rows}
    assert "P06" in codes
    assert all("mae_kha" in r["zones_touched"].split(",") for r in rows)


def test_projects_table_by_strategy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["projects", "--strategy", "driving-spaces"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:6] == ["code", "printed", "kind", "strategy", "status", "zones"]
    assert all(" driving-spaces " in line for line in out[1:])
    assert any(line.startswith("2.2.1  2.11") for line in out)


def test_unknown_zone_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["projects", "--zone", "atlantis"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert "unknown zone 'atlantis'" in err


def test_unknown_strategy_is_refused_by_the_parser() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["projects", "--strategy", "disruption"])
    assert exc.value.code == 2
