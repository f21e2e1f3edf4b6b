"""The registry of exportable layers (`cmgis.sources`): one instance, no cycle, few lookups."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pytest
import shapely

from cmgis import InputError, UnknownLayerError
from cmgis.export import FORMATS, LayerMeta
from cmgis.sources import Exportable, Registry, registry

POINTS = gpd.GeoDataFrame(geometry=[shapely.Point(98.99, 18.79)], crs="EPSG:4326")


def _item(layer_id: str) -> Exportable:
    return Exportable(layer_id, "vector", lambda: POINTS, lambda: LayerMeta(layer_id, layer_id))


def _imported(module: str, families: tuple[str, ...]) -> list[str]:
    """The ``cmgis.<family>`` modules that importing ``module`` pulls in (fresh process)."""
    code = (
        f"import json, sys, {module}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[:2] in "
        f"{[['cmgis', f] for f in families]!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout))


def test_export_imports_neither_the_registry_nor_a_feature() -> None:
    families = ("sources", "store", "workshop", "suitability", "user_layers", "plan")
    assert _imported("cmgis.export", families) == []


def test_printing_does_not_import_the_registry() -> None:
    # printing takes loaded layers; its styles and legend come from cmgis.maps
    assert _imported("cmgis.printing", ("sources",)) == []


def test_providers_are_loaded_once_on_first_use() -> None:
    calls: list[Registry] = []

    def load(reg: Registry) -> None:
        calls.append(reg)
        reg.register(
            "a_layer", kind="vector", load=lambda: POINTS, meta=lambda: LayerMeta("a", "a")
        )

    reg = Registry(load)
    assert calls == []  # creating the registry loads nothing
    assert list(reg.layers()) == ["a_layer"]
    reg.lookup("a_layer")
    reg.resolve_selection("all", FORMATS["gpkg"])
    assert calls == [reg]


def test_a_listing_is_read_once_per_call_not_once_per_id() -> None:
    listed: list[int] = []

    def listing() -> dict[str, Exportable]:
        listed.append(1)
        return {f"user:l{i}": _item(f"user:l{i}") for i in range(5)}

    reg = Registry()
    reg.add_provider("user", listing=listing)
    chosen = reg.resolve_selection([f"user:l{i}" for i in range(5)], FORMATS["gpkg"])
    assert list(chosen) == [f"user:l{i}" for i in range(5)]
    assert len(listed) == 1
    with pytest.raises(UnknownLayerError, match=r"unknown layer 'user:nope'.*user:l0"):
        reg.lookup("user:nope")


def test_resolved_prefixes_are_never_listed() -> None:
    reg = Registry()
    reg.add_provider("secret", resolve=_item_for_key)
    assert reg.layers() == {}
    assert reg.lookup("secret:abc").layer_id == "secret:abc"
    with pytest.raises(UnknownLayerError, match=r"secret:<key>"):
        reg.lookup("other:abc")
    with pytest.raises(InputError, match="either a listing or a resolver"):
        reg.add_provider("both", resolve=_item_for_key, listing=dict)


def _item_for_key(key: str) -> Exportable:
    return _item(f"secret:{key}")


def test_the_app_registry_lists_the_catalog_and_resolves_prefixes() -> None:
    layers = registry.layers()
    assert "zones" in layers and layers["zone_indicators"].style_like == "zones"
    assert not any(i.startswith(("workshop:", "suitability:")) for i in layers)
    zone_ids = registry.ids("zone")
    assert "zones" in zone_ids and all(i.startswith("zone") for i in zone_ids)
