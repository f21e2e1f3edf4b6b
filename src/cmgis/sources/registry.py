"""The registry of exportable and printable layers: one instance, `registry`.

A layer is found by its id: a fixed id registered with `Registry.register` (the catalog's
layers and the indicator layers, `cmgis.sources.builtin`), or ``prefix:key`` answered by a
provider (`Registry.add_provider`): ``user:<slug>`` (listed: saved user layers),
``workshop:<join code>``, ``suitability:<preset>[@<m>]`` and ``candidates:<preset>[@<m>]``
(not listed, resolved on demand), see `cmgis.sources.providers`. The providers are loaded
the first time the registry is read. A listing provider is asked once per call
(`Registry.layers`, `Registry.lookup`, `Registry.resolve_selection`), never once per
layer id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from cmgis._errors import InputError, UnknownLayerError
from cmgis.export.formats import ExportFormat, LayerKind, check_kind
from cmgis.export.meta import LayerData, LayerMeta

_REGISTERED_ID = re.compile(r"[a-z][a-z0-9_]*(?::[a-z0-9_]+)?")
_PREFIX = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Exportable:
    """An exportable layer: how to load it and its provenance (both called when needed)."""

    layer_id: str
    kind: LayerKind
    load: Callable[[], LayerData] = field(repr=False)
    meta: Callable[[], LayerMeta] = field(repr=False)
    group: str = "base"
    style_like: str | None = None


@dataclass(frozen=True)
class Provider:
    """Layers ``prefix:key`` that come and go.

    Either ``listing()`` returns every layer the provider has (by full id), so they appear
    on the Export page and in ``all`` and an id is found in it; or ``resolve(key)`` returns
    one on demand (raising a `CmgisError` naming what is wrong) and the ids are never
    listed (a workshop's join code is a secret).
    """

    prefix: str
    resolve: Callable[[str], Exportable] | None = None
    listing: Callable[[], Mapping[str, Exportable]] | None = None


def split_ids(selection: str | Sequence[str]) -> list[str]:
    """``"a, b,,c"`` or a list → ``["a", "b", "c"]`` (blanks dropped)."""
    parts = selection.split(",") if isinstance(selection, str) else list(selection)
    return [p.strip() for p in parts if p and p.strip()]


class Registry:
    """Exportable layers by id; see the module docstring."""

    def __init__(self, load_providers: Callable[[Registry], None] | None = None) -> None:
        self._fixed: dict[str, Exportable] = {}
        self._providers: dict[str, Provider] = {}
        self._load_providers = load_providers
        self._loaded = load_providers is None

    def _ensure_loaded(self) -> None:
        if not self._loaded and self._load_providers is not None:
            self._loaded = True
            self._load_providers(self)

    def register(
        self,
        layer_id: str,
        *,
        kind: LayerKind,
        load: Callable[[], LayerData],
        meta: Callable[[], LayerMeta],
        group: str = "base",
        style_like: str | None = None,
        replace: bool = False,
    ) -> Exportable:
        """Make a layer exportable and printable by id from the CLI and the Export page.

        Parameters
        ----------
        layer_id
            Id used on the CLI (``--layers``) and, with ``:`` made ``_``, as the layer/file
            name; lower-case letters, digits, ``_``.
        kind
            ``"vector"`` (``load`` returns a GeoDataFrame with a CRS) or ``"raster"``
            (``load`` returns a `RasterSource`).
        load, meta
            Called at export time (so registering is cheap); ``meta`` returns the layer's
            `LayerMeta` (title, description, source, licence, credit…).
        group
            A label to group layers on the page (``base``, ``indicators``…).
        style_like
            Print this layer in the style of another layer id (e.g. ``zones``).
        replace
            Allow replacing an existing registration (otherwise a duplicate id raises).
        """
        if not _REGISTERED_ID.fullmatch(layer_id):
            raise InputError(
                f"layer id {layer_id!r} must be lower-case letters, digits and _ "
                "(with an optional namespace: user:<slug>)"
            )
        if layer_id in self._fixed and not replace:
            raise InputError(f"layer id {layer_id!r} is already registered for export")
        item = Exportable(layer_id, kind, load, meta, group, style_like)
        self._fixed[layer_id] = item
        return item

    def unregister(self, layer_id: str) -> None:
        """Remove a registration (used by tests and by features that drop a layer)."""
        self._fixed.pop(layer_id, None)

    def add_provider(
        self,
        prefix: str,
        *,
        resolve: Callable[[str], Exportable] | None = None,
        listing: Callable[[], Mapping[str, Exportable]] | None = None,
    ) -> None:
        """Answer ids ``prefix:key`` from ``listing()`` or ``resolve(key)``; see `Provider`."""
        if not _PREFIX.fullmatch(prefix):
            raise InputError(f"prefix {prefix!r} must be lower-case letters, digits and _")
        if (resolve is None) == (listing is None):
            raise InputError(f"provider {prefix!r} needs either a listing or a resolver")
        self._providers[prefix] = Provider(prefix, resolve, listing)

    def layers(self) -> dict[str, Exportable]:
        """Every listed layer by id: fixed ones first, then each listing provider's."""
        self._ensure_loaded()
        out = dict(self._fixed)
        for provider in self._providers.values():
            if provider.listing is not None:
                out.update(provider.listing())
        return out

    def ids(self, prefix: str = "") -> list[str]:
        """Listed layer ids that start with ``prefix``."""
        return [i for i in self.layers() if i.startswith(prefix)]

    def lookup(self, layer_id: str) -> Exportable:
        """The layer ``layer_id``: a fixed one, or ``prefix:key`` found by its provider.

        Raises
        ------
        UnknownLayerError
            For an id that is neither registered nor provided (a provider may raise its
            own `CmgisError`, e.g. `AuthError` for a wrong join code).
        """
        self._ensure_loaded()
        return self._find(layer_id, {})

    def _unknown(
        self, layer_id: str, listings: Mapping[str, Mapping[str, Exportable]] | None = None
    ) -> Exportable:
        """Raise `UnknownLayerError` naming the listed ids and the resolvable prefixes."""
        listed = list(self._fixed)
        for prefix, provider in self._providers.items():
            if provider.listing is not None:
                listed += (listings or {}).get(prefix) or provider.listing()
        prefixes = "".join(f", {p}:<key>" for p, v in self._providers.items() if not v.listing)
        raise UnknownLayerError(
            f"unknown layer {layer_id[:80]!r}; expected one of: {', '.join(listed)}"
            f"{prefixes} or 'all'"
        )

    def resolve_selection(
        self, selection: str | Sequence[str], fmt: ExportFormat | None = None
    ) -> dict[str, Exportable]:
        """Turn ``"all"``, ``"a,b"`` or a list of ids into layers (id → `Exportable`).

        ``all`` means every listed layer ``fmt`` can hold: vectors for vector formats,
        rasters for GeoTIFF (GeoPackage holds vectors only here: GDAL does not read the
        nodata of GeoPackage raster tiles back reliably). With ``fmt`` ``None`` (printing)
        ``all`` is every listed layer and kinds are not checked. Listings are read at most
        once per call.

        Raises
        ------
        UnknownLayerError
            For an id that is not registered.
        InputError
            For an empty selection, or a layer the format cannot hold (a raster as Shapefile).
        """
        self._ensure_loaded()
        ids = split_ids(selection)
        if ids == ["all"]:
            chosen = {
                i: item
                for i, item in self.layers().items()
                if fmt is None or item.kind in fmt.kinds
            }
            if not chosen:
                label = fmt.label if fmt else "a map"
                raise InputError(f"no registered layer can be exported as {label}")
            return chosen
        if not ids:
            raise InputError("no layers chosen; give layer ids separated by commas, or 'all'")
        listings: dict[str, Mapping[str, Exportable]] = {}
        chosen = {}
        for layer_id in dict.fromkeys(ids):
            chosen[layer_id] = self._find(layer_id, listings)
            if fmt is not None:
                check_kind(layer_id, chosen[layer_id].kind, fmt)
        return chosen

    def _find(self, layer_id: str, listings: dict[str, Mapping[str, Exportable]]) -> Exportable:
        """`lookup`, reading each listing provider at most once per ``listings`` (one call)."""
        if layer_id in self._fixed:
            return self._fixed[layer_id]
        prefix, sep, key = layer_id.partition(":")
        provider = self._providers.get(prefix) if sep and key else None
        if provider is None:
            return self._unknown(layer_id)
        if provider.listing is None:
            assert provider.resolve is not None
            return provider.resolve(key)
        if prefix not in listings:
            listings[prefix] = provider.listing()
        return listings[prefix].get(layer_id) or self._unknown(layer_id, listings)


def _load_providers(reg: Registry) -> None:
    """Register the built-in layers and the providers (on first use: they import features)."""
    from cmgis.sources import builtin, providers

    builtin.register_builtin_layers(reg)
    providers.register_providers(reg)


#: The one registry of exportable and printable layers.
registry = Registry(_load_providers)
