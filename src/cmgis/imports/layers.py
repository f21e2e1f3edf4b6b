"""Imported layers: check a file (`prepare_import`), store it (`store_import`), delete it.

An imported layer is a saved user layer of kind ``"imported"`` (`cmgis.user_layers`):
it lives in the store with its title, source, licence, date and who imported it, and
so it appears wherever saved layers do — the Map page's layer panel (legend, popups),
the Export page and prints (`cmgis.sources`, ``user:<slug>``), the About page and
``cmgis layers``. This package adds what files from outside need: formats, archive
safety, encodings, CRS detection, repairs and a report in Thai and English.

`store_import` is the ONE write entry point: every import (page, CLI) goes through it,
with the name of who imports and the acting account: it needs the editor role
(`cmgis.accounts.authorize`; ``actor=None`` is the local editor while the store has no
accounts). `delete_import` needs the editor who imported the layer, or an admin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd

from cmgis._errors import CmgisError, InputError
from cmgis.accounts.records import authorize
from cmgis.accounts.roles import Actor, Role
from cmgis.data.provenance import Provenance
from cmgis.i18n import t
from cmgis.imports.checks import Note, checked_layer
from cmgis.imports.read import MAX_FEATURES, read_file
from cmgis.imports.refusals import refuse
from cmgis.imports.tiles import delete_tiles, ensure_tiles, needs_tiles
from cmgis.store import Store
from cmgis.user_layers.records import (
    UserLayer,
    delete_user_layer,
    get_user_layer,
    list_user_layers,
    save_user_layer,
)

KIND: Final = "imported"
#: Catalog point themes imported points may be added to (kept apart from the OSM features,
#: credited to who imported them): theme id → the catalog layer it adds to.
ADDABLE_THEMES: Final = ("coworking",)
_ENCODING_NOTE: Final = {
    ("cp874", "cpg"): "encoding_cp874_cpg",
    ("cp874", "ldid"): "encoding_cp874_ldid",
    ("cp874", "content"): "encoding_cp874_detected",
}


@dataclass(frozen=True)
class PreparedImport:
    """A checked file, ready to store: the layer in EPSG:4326 and the import report."""

    file_name: str
    format: str
    layer: gpd.GeoDataFrame
    kind: str
    crs: str
    layer_name: str | None = None
    encoding: str = ""
    notes: tuple[Note, ...] = field(default=())

    @property
    def feature_count(self) -> int:
        """How many features will be stored."""
        return len(self.layer)

    @property
    def suggested_title(self) -> str:
        """A title made from the file (and layer) name: letters, digits, spaces."""
        stem = Path(self.layer_name or self.file_name).stem
        text = re.sub(r"[<>\x00-\x1f]+", " ", stem.replace("_", " ")).strip()
        return " ".join(text.split())[:80] or "Imported layer"

    def report(self, lang: str, *, names: bool = True) -> list[str]:
        """The import report, one line each: format, encoding, CRS, repairs, counts.

        ``names=False`` leaves out the file's and layer's own names (the page shows them
        in its widgets).
        """
        read = (
            t("imports.report.read", lang, name=self.file_name, fmt=self.format)
            if names
            else t("imports.report.read_format", lang, fmt=self.format)
        )
        lines = [
            read,
            t(
                "imports.report.features",
                lang,
                n=f"{self.feature_count:,}",
                kind=t(f"imports.kind.{self.kind}", lang),
            ),
        ]
        if self.layer_name and names:
            lines.append(t("imports.report.layer", lang, layer=self.layer_name))
        lines.extend(t(f"imports.report.{key}", lang, **params) for key, params in self.notes)
        return lines


def prepare_import(
    path: Path, *, name: str | None = None, layer: str | None = None, crs: str | None = None
) -> PreparedImport:
    """Read and check the file ``path``; nothing is stored (``cmgis import --check``).

    Parameters
    ----------
    path
        The file on disk.
    name
        Its own name (an upload's name); ``path.name`` by default.
    layer
        The layer (GeoPackage) or dataset (zip) to take when there are several.
    crs
        The CRS to read the coordinates in (``EPSG:n``), replacing the file's own; needed
        when the file has none.

    Raises
    ------
    ImportRefusedError
        Any reason in ``imports.refuse.*``: the message (Thai and English) says what was
        wrong and what is expected; ``candidates`` names likely CRSs for a missing one.
    """
    from cmgis.imports.crs import parse_crs

    path = Path(path)
    shown = name or path.name
    chosen_crs = parse_crs(crs) if crs else None
    raw = read_file(path, name=shown, layer=layer)
    stored, kind, crs_text, notes = checked_layer(raw, name=shown, crs=chosen_crs)
    enc = raw.encoding
    if enc is not None:
        key = _ENCODING_NOTE.get((enc.encoding, enc.how), "encoding_other")
        notes.insert(0, (key, {"encoding": enc.encoding}))
    return PreparedImport(
        file_name=shown,
        format=raw.format,
        layer=stored,
        kind=kind,
        crs=crs_text,
        layer_name=raw.layer,
        encoding=enc.encoding if enc else "",
        notes=tuple(notes),
    )


def _parameters(prepared: PreparedImport, adds_to: str | None) -> dict[str, Any]:
    """What the stored layer keeps about its import (file, format, CRS, report, theme)."""
    parameters: dict[str, Any] = {
        "imported_from": prepared.file_name,
        "format": prepared.format,
        "crs_of_file": prepared.crs,
        "geometry_kind": prepared.kind,
        "encoding": prepared.encoding,
        "report": [[k, p] for k, p in prepared.notes],
    }
    if prepared.layer_name:
        parameters["layer"] = prepared.layer_name
    if adds_to is not None:
        if adds_to not in ADDABLE_THEMES or prepared.kind != "point":
            raise refuse("adds_to", theme=adds_to[:40], themes=", ".join(ADDABLE_THEMES))
        parameters["adds_to"] = adds_to
    return parameters


def store_import(
    store: Store,
    prepared: PreparedImport,
    *,
    imported_by: str,
    title: str | None = None,
    source: str = "",
    licence: str = "",
    date: str = "",
    replace: bool = False,
    adds_to: str | None = None,
    actor: Actor | None = None,
) -> UserLayer:
    """Store a checked import as the user layer ``user:<slug>`` — the one write entry point.

    Parameters
    ----------
    store
        The app's store.
    prepared
        What `prepare_import` returned.
    imported_by
        Display name of who imports it (kept with the layer and shown in popups).
    title, source, licence, date
        The layer's title (default `PreparedImport.suggested_title`), where the data comes
        from (agency, dataset), its licence and its date (as given by the agency).
    adds_to
        A theme of `ADDABLE_THEMES` (``"coworking"``) the points add to, e.g. co-working
        spaces the OSM extract misses: the layer stays its own (never mixed into the OSM
        features), is drawn in that theme's style and credited to ``imported_by``.
    actor
        Who imports it: an editor (`cmgis.accounts.authorize`; ``None`` is the local
        editor while the store has no accounts); the layer's owner.

    Raises
    ------
    ImportRefusedError
        A title that cannot be used, or one whose id is taken (unless ``replace``); the
        store is unchanged.
    """
    authorize(store, actor, Role.EDITOR, action="import layers")
    text = (title or "").strip() or prepared.suggested_title
    parameters = _parameters(prepared, adds_to)
    provenance = Provenance(
        credit=" ".join(source.split()) or f"{imported_by} (file {prepared.file_name})",
        licence=" ".join(licence.split()) or "not stated",
        method=(
            f"imported from the file {prepared.file_name} ({prepared.format}, "
            f"{prepared.crs}) by cmgis, stored in EPSG:4326"
        ),
        source=" ".join(source.split()),
        date=" ".join(date.split()),
    )
    try:
        record = save_user_layer(
            store,
            prepared.layer,
            name=text,
            created_by=imported_by,
            kind=KIND,
            parameters=parameters,
            provenance=provenance,
            replace=replace,
            max_features=MAX_FEATURES,
            actor=actor,
        )
    except CmgisError as err:
        if "already has the id" in str(err):
            raise refuse("id_taken", layer_id=str(err).split("id ", 1)[1].split(";")[0]) from err
        if isinstance(err, InputError):
            raise refuse("bad_title", detail=str(err)) from err
        raise
    if needs_tiles(record):  # big layers are drawn from vector tiles: write them now
        delete_tiles(record.slug)
        ensure_tiles(store, record, layer=prepared.layer)
    return record


def list_imports(store: Store) -> list[UserLayer]:
    """Every imported layer in the store, newest first."""
    return [r for r in list_user_layers(store) if r.kind == KIND]


def delete_import(store: Store, layer_id: str, *, actor: Actor | None = None) -> None:
    """Delete the imported layer ``user:<slug>`` (`UnknownLayerError` if it is not one).

    Needs an editor ``actor`` who imported it, or an admin (`PermissionDeniedError`).
    """
    authorize(store, actor, Role.EDITOR, action="delete imported layers")
    record = get_user_layer(store, layer_id)
    if record.kind != KIND:
        from cmgis._errors import UnknownLayerError

        raise UnknownLayerError(f"{record.layer_id} is not an imported layer")
    delete_user_layer(store, record.slug, actor=actor)
    delete_tiles(record.slug)
