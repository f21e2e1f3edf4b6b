"""The build: running it twice gives identical files; a failed build keeps the old layers."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from cmgis import DataMissingError, settings
from cmgis.data.build import build_layers


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_build_twice_identical_and_equal_to_committed(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    build_layers(out_dir=a)
    build_layers(out_dir=b)
    assert _hashes(a) == _hashes(b)
    # the committed data/layers/ is exactly what the build gives
    assert _hashes(a) == _hashes(settings.layers_dir())


def test_failed_build_leaves_previous_layers(tmp_path: Path) -> None:
    out = tmp_path / "layers"
    build_layers(out_dir=out)
    before = _hashes(out)
    broken_raw = tmp_path / "raw"
    shutil.copytree(settings.raw_dir(), broken_raw)
    (broken_raw / "pois.json").unlink()
    with pytest.raises(DataMissingError, match=r"pois\.json"):
        build_layers(raw_dir=broken_raw, out_dir=out)
    assert _hashes(out) == before
