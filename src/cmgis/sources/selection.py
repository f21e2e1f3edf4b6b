"""Export and print layers chosen by id: resolve through the registry, then write.

The CLI (``cmgis export``, ``cmgis print``) and the Export page use these; the writers
(`cmgis.export`) and the printer (`cmgis.printing`) only ever see loaded layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cmgis._errors import InputError
from cmgis.export.formats import check_crs, check_format, check_lonlat
from cmgis.export.meta import LayerData, LayerMeta, file_layer_name
from cmgis.export.write import ExportResult, export_layers, layers_to_bytes
from cmgis.sources.registry import registry, split_ids

if TYPE_CHECKING:
    from cmgis.printing.render import PrintOptions


def load_for_export(
    selection: str | Sequence[str], fmt: str
) -> tuple[dict[str, LayerData], dict[str, LayerMeta]]:
    """The layers and metadata of ``selection`` for ``fmt``, by their name in the file.

    Raises
    ------
    UnknownLayerError, InputError
        As `Registry.resolve_selection`; also when two ids get the same name in a file.
    """
    items = registry.resolve_selection(selection, check_format(fmt))
    named = {file_layer_name(i): item for i, item in items.items()}
    if len(named) < len(items):
        raise InputError("two of the chosen layers would get the same name in the file")
    return (
        {name: item.load() for name, item in named.items()},
        {name: item.meta() for name, item in named.items()},
    )


def export_selection(
    selection: str | Sequence[str], *, fmt: str, crs: str | int, output: Path | str
) -> Path:
    """Export layers by id (or ``all``) to ``output``; returns the path written.

    See `Registry.resolve_selection` and `cmgis.export.export_layers` for rules and errors.
    """
    export_format = check_format(fmt)
    target = check_crs(crs)
    check_lonlat(export_format, target)  # before loading anything
    layers, metas = load_for_export(selection, export_format.key)
    return export_layers(layers, metas, fmt=export_format.key, crs=target, output=output)


def export_bytes(
    selection: str | Sequence[str], *, fmt: str, crs: str | int, name: str = "cmgis"
) -> ExportResult:
    """Like `export_selection`, but return the file's bytes with a name and MIME type."""
    export_format = check_format(fmt)
    target = check_crs(crs)
    check_lonlat(export_format, target)
    layers, metas = load_for_export(selection, export_format.key)
    return layers_to_bytes(layers, metas, fmt=export_format.key, crs=target, name=name)


def print_selection(
    selection: str | Sequence[str], options: PrintOptions, output: Path | str
) -> Path:
    """Print layers by id (not ``all``) to ``output`` (.pdf or .png); returns the path.

    A derived layer (zones with indicators) prints in the style of the layer it derives
    from (`Exportable.style_like`).
    """
    from cmgis.printing.render import print_map, style_for

    if split_ids(selection) == ["all"]:
        raise InputError("printing 'all' layers makes an unreadable map; list the layer ids")
    if not split_ids(selection):
        raise InputError("no layers chosen; give layer ids separated by commas")
    items = registry.resolve_selection(selection)
    layers = {i: item.load() for i, item in items.items()}
    metas = {i: item.meta() for i, item in items.items()}
    styles = {i: style_for(item.style_like) for i, item in items.items() if item.style_like}
    return print_map(layers, metas, options, output, style_overrides=styles)


def print_view(
    selection: Sequence[str],
    options: PrintOptions,
    output: Path | str,
    *,
    indicator: tuple[str, str] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
) -> Path:
    """Print a map view: layers by id and an indicator as classes (the Map page's choice).

    Parameters
    ----------
    selection
        Layer ids to draw (may be empty when ``indicator`` is given).
    indicator
        ``(area kind, indicator id)``, e.g. ``("zones", "population_density_per_km2")``,
        drawn as ``k`` classes by ``scheme`` with the classes in the legend; the credits
        of the area layer are printed.
    """
    from cmgis.maps.styles import PrintStyle
    from cmgis.printing.extras import indicator_choropleth
    from cmgis.printing.render import print_map, style_for

    ids = [i for i in split_ids(list(selection)) if i != "all"] if selection else []
    if not ids and indicator is None:
        raise InputError("no layers chosen; give layer ids separated by commas")
    items = registry.resolve_selection(ids) if ids else {}
    layers = {i: item.load() for i, item in items.items()}
    metas = {i: item.meta() for i, item in items.items()}
    styles = {i: style_for(item.style_like) for i, item in items.items() if item.style_like}
    choropleth = None
    if indicator is not None:
        kind, indicator_id = indicator
        choropleth = indicator_choropleth(kind, indicator_id, lang=options.lang, scheme=scheme, k=k)
        if kind not in metas:
            metas[kind] = registry.resolve_selection([kind])[kind].meta()
        for area_id in ("zones", "tambons"):  # outlines only: the classes show through
            if area_id in layers:
                base = styles.get(area_id) or style_for(area_id)
                styles[area_id] = PrintStyle(stroke=base.stroke, fill=None, width_pt=base.width_pt)
    return print_map(layers, metas, options, output, style_overrides=styles, choropleth=choropleth)
