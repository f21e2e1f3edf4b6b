"""``cmgis suitability`` as a real process, and the stack built from the real layers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from shapely.geometry import Point

from cmgis.cli.main import main
from cmgis.suitability.criteria import load_spec, normalise_stack
from cmgis.suitability.surface import cache_dir, stack_for_spec

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CMGIS_CACHE_DIR": str(cache)}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "cmgis.cli.main", "suitability", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_list_presets(tmp_path):
    out = run("--list-presets", cache=tmp_path)
    assert out.returncode == 0, out.stderr
    ids = [line.split("\t")[0] for line in out.stdout.splitlines()]
    assert ids == [
        "medical_wellness", "digital_it", "bio_food", "social_innovation", "heritage_creative",
    ]  # fmt: skip
    assert "การแพทย์และสุขภาวะ" in out.stdout


def test_preset_writes_surface_and_candidates(tmp_path):
    tif, gpkg = tmp_path / "s.tif", tmp_path / "c.gpkg"
    out = run(
        "--preset", "social_innovation", "--output", str(tif), "--candidates", str(gpkg),
        "--resolution", "200", cache=tmp_path / "cache",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "98.936–99.032 E" in out.stdout  # the data-coverage caveat is printed
    with rasterio.open(tif) as src:
        assert src.crs.to_epsg() == 32647
        assert src.res == (200.0, 200.0)
        band = src.read(1, masked=True)
        assert 0 <= band.min() <= band.max() <= 100
        assert band.mask.any()  # outside the tambons and outside the OSM extract
    cands = gpd.read_file(gpkg, layer="candidate_zones")
    assert cands.crs.to_epsg() == 4326
    assert len(cands) >= 1
    assert cands.geometry.is_valid.all()
    assert cands["mean_score"].is_monotonic_decreasing
    assert {"overlap_mae_kha_km2", "overlap_nimman_km2"} <= set(cands.columns)


def test_weights_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CMGIS_CACHE_DIR", str(tmp_path))
    w = tmp_path / "w.toml"
    w.write_text("elevation_m = 1\ninside_city_tambon = 1\n", encoding="utf-8")
    tif = tmp_path / "s.tif"
    assert (
        main(["suitability", "--weights", str(w), "--output", str(tif), "--resolution", "200"]) == 0
    )
    assert "Every weighted criterion has data over the whole extent" in capsys.readouterr().out
    assert tif.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "nope", "--output", "x.tif"], "unknown preset 'nope'"),
        (["--output", "x.tif"], "give --preset NAME or --weights FILE"),
        (["--preset", "bio_food"], "give --output FILE.tif"),
        (["--preset", "bio_food", "--output", "x.png"], "must be a GeoTIFF"),
        (["--preset", "bio_food", "--output", "x.tif", "--top-share", "2"], "top share"),
        (["--preset", "bio_food", "--output", "x.tif", "--resolution", "1"], "between 5 and 1000"),
    ],
)
def test_errors_are_one_line_exit_2(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.setenv("CMGIS_CACHE_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["suitability", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cmgis: error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.tif").exists()


def test_real_stack_respects_the_osm_extract_and_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("CMGIS_CACHE_DIR", str(tmp_path))
    spec = load_spec()
    stack = stack_for_spec(spec, resolution_m=250)
    assert len(list(cache_dir().glob("stack-*.npz"))) == 1
    again = stack_for_spec(spec, resolution_m=250)
    assert np.array_equal(again.raw, stack.raw, equal_nan=True)
    # a cell in Mae Hia (south-west, outside the OSM extract): no POI data, but the canal
    # distance, elevation and city-tambon criteria are there
    x, y = (
        gpd.GeoSeries([Point(98.93, 18.745)], crs="EPSG:4326")
        .to_crs(stack.grid.crs)
        .iloc[0]
        .coords[0]
    )
    g = stack.grid
    flat = int((g.transform.f - y) // g.resolution_m) * g.width + int(
        (x - g.transform.c) // g.resolution_m
    )
    pos = int(np.searchsorted(stack.cell_index, flat))
    assert stack.cell_index[pos] == flat
    assert np.isnan(stack.row("dist_health_m")[pos])
    assert np.isnan(stack.row("density_office_per_km2")[pos])
    assert stack.row("dist_mae_kha_m")[pos] > 0
    assert stack.row("inside_city_tambon")[pos] == 0.0  # Mae Hia is outside the municipality
    ns = normalise_stack(stack, spec.criteria)
    assert ns.coverage_share("elevation_m") == 1.0
    assert ns.coverage_share("density_office_per_km2") < 0.6
