"""Tests of cmgis.data.definitions and cmgis.data.provenance: one declaration per layer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cmgis import UnknownLayerError
from cmgis.data._validate import LAYER_SCHEMAS
from cmgis.data.catalog import load_catalog
from cmgis.data.definitions import LAYER_DEFS, LAYER_DEFS_IN_BUILD_ORDER, THEMES, layer_def
from cmgis.data.provenance import Provenance


def test_every_catalog_layer_is_declared_once_with_its_facts() -> None:
    catalog = load_catalog()
    assert sorted(catalog.ids()) == sorted(LAYER_DEFS)
    assert len(LAYER_DEFS) == len(LAYER_DEFS_IN_BUILD_ORDER)
    for entry in catalog.layers:
        defn = layer_def(entry.id)
        assert (entry.title_en, entry.title_th, entry.theme, entry.kind) == (
            defn.title_en,
            defn.title_th,
            defn.theme,
            defn.kind,
        )
        assert entry.licence == defn.provenance.licence
        assert entry.credit == defn.provenance.credit
        assert defn.theme in THEMES
        assert "{" not in entry.method  # every template field was filled by the build


def test_schemas_come_from_the_definitions() -> None:
    for defn in LAYER_DEFS.values():
        if defn.kind == "vector":
            assert LAYER_SCHEMAS[defn.id] == (defn.columns, defn.geometry_types)
            assert defn.builder.count(":") == 1
    assert layer_def("zones").style_key == "zones"


def test_unknown_layer_names_the_known_ids() -> None:
    with pytest.raises(UnknownLayerError, match=r"expected one of: .*zones"):
        layer_def("nope")


def test_the_schema_check_does_not_import_the_plan_feature() -> None:
    code = (
        "import sys, cmgis.data._validate; "
        "print(sorted(m for m in sys.modules if m.startswith('cmgis.plan')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_one_provenance_record_for_catalog_and_user_layers() -> None:
    entry = load_catalog().entry("zones")
    prov = entry.provenance
    assert isinstance(prov, Provenance)
    assert prov.credit_lines() == entry.credit_lines()
    assert len(prov.credit_lines()) == 2
    stored = Provenance(inputs=("pois",), credit="c", licence="l", method="m", software="s")
    assert stored.stored_fields() == {
        "inputs": ["pois"],
        "credit": "c",
        "licence": "l",
        "method": "m",
        "software": "s",
    }
    assert Provenance.from_stored(stored.stored_fields()) == stored
    assert stored.text() == "derived from layers pois by m (s)"
