"""Indicator tables: a CSV keyed by district or tambon, joined to the areas, kept in the store.

A table's key column is found by its values, in this order: ``zone_id`` (the five
districts), ``ADM3_PCODE`` / ``tambon_code`` (``TH500101``) or the 6-digit code
(``500101``), then a Thai or English name of a district or tambon. Every other column
with numbers is an indicator (blank cells are "no data", never zero); a column with a
non-number is refused naming the cell. Rows that match no area are listed back, not
dropped silently. Each stored table keeps its title, source, licence, date and who
imported it; `imported_indicators` gives its values as the indicator tables have them
(indexed by ``zone_id`` / ``tambon_code``), for the map, profiles and exports.

Storing and deleting a table need the editor role (`cmgis.accounts.authorize`;
``actor=None`` is the local editor while the store has no accounts): the account is kept
as the table's ``owner`` beside the typed name, and only its owner or an admin deletes it.

`indicator_template_csv` is a template listing the indicators the catalog marks "no data".
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from cmgis._errors import CmgisError
from cmgis.accounts.records import authorize
from cmgis.accounts.roles import Actor, Role
from cmgis.imports.encoding import text_encoding
from cmgis.imports.read import csv_error
from cmgis.imports.refusals import quote, refuse
from cmgis.store import Migration, Store, new_id, utc_now
from cmgis.textclean import strip_unwanted

MAX_TABLE_ROWS: Final = 10_000
MAX_TABLE_BYTES: Final = 5 * 1024 * 1024
LEVELS: Final = ("zones", "tambons")
KEY_OF_LEVEL: Final = {"zones": "zone_id", "tambons": "tambon_code"}
_SLUG = re.compile(r"[^a-z0-9]+")

MIGRATIONS: Final = (
    Migration(
        "imports",
        1,
        "imported indicator tables and their values",
        """
        CREATE TABLE imports_indicator_tables (
            id TEXT PRIMARY KEY,
            level TEXT NOT NULL,
            title TEXT NOT NULL,
            file_name TEXT NOT NULL,
            source TEXT NOT NULL,
            licence TEXT NOT NULL,
            data_date TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            indicators TEXT NOT NULL
        );
        CREATE TABLE imports_indicator_values (
            table_id TEXT NOT NULL REFERENCES imports_indicator_tables (id) ON DELETE CASCADE,
            area_id TEXT NOT NULL,
            indicator TEXT NOT NULL,
            value REAL,
            PRIMARY KEY (table_id, area_id, indicator)
        );
        """,
    ),
    Migration(
        "imports",
        2,
        "indicator tables: the account that stored the table (owner)",
        "ALTER TABLE imports_indicator_tables ADD COLUMN owner TEXT",
    ),
)


@dataclass(frozen=True)
class Area:
    """A district or tambon the tables can join to."""

    level: str
    id: str
    name_en: str
    name_th: str


@dataclass(frozen=True)
class PreparedTable:
    """A checked indicator table: values by area id, and the rows that matched nothing."""

    file_name: str
    level: str
    key_column: str
    key_kind: str
    values: pd.DataFrame
    unmatched: tuple[tuple[int, str], ...]
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class IndicatorTable:
    """A stored indicator table (its values: `imported_indicators`)."""

    id: str
    level: str
    title: str
    file_name: str
    source: str
    licence: str
    date: str
    created_by: str
    created_at: str
    indicators: tuple[str, ...]
    owner: str | None = None


def _norm(text: object) -> str:
    value = unicodedata.normalize("NFC", str(text)).strip().lower()
    return " ".join(value.split())


def known_areas() -> list[Area]:
    """The five districts and the tambons, with their ids and names (from the built layers)."""
    from cmgis.data.layers import load_layer

    out = []
    for level, layer_id in (("zones", "zones"), ("tambons", "tambons")):
        layer = load_layer(layer_id)
        key = KEY_OF_LEVEL[level]
        for _, row in layer.iterrows():
            out.append(Area(level, str(row[key]), str(row["name_en"]), str(row["name_th"])))
    return out


def _lookup(kind: str, value: str, areas: list[Area]) -> Area | None:
    v = _norm(value)
    for area in areas:
        if kind == "zone_id" and area.level == "zones" and v == area.id:
            return area
        if kind == "pcode" and area.level == "tambons" and v.upper() == area.id:
            return area
        if kind == "code6" and area.level == "tambons" and v == area.id.removeprefix("TH"):
            return area
        if kind == "name" and v in (_norm(area.name_en), _norm(area.name_th)):
            return area
    return None


def _key_kind(values: pd.Series, areas: list[Area]) -> tuple[str, int]:
    """The kind of key whose matches are most among ``values`` and how many matched."""
    best = ("", 0)
    for kind in ("zone_id", "pcode", "code6", "name"):
        hits = sum(_lookup(kind, str(v), areas) is not None for v in values if str(v).strip())
        if hits > best[1]:
            best = (kind, hits)
    return best


_KEY_NAMES: Final = (
    "zone_id",
    "adm3_pcode",
    "tambon_code",
    "code",
    "tambon",
    "name_th",
    "name_en",
    "name",
    "ชื่อ",
    "ตำบล",
    "ย่าน",
    "รหัสตำบล",
)


def _read_table(path: Path, name: str) -> pd.DataFrame:
    if path.stat().st_size == 0:
        raise refuse("empty_file", name=quote(name))
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise refuse(
            "too_big",
            name=quote(name),
            mb=f"{path.stat().st_size / 2**20:.1f}",
            limit=MAX_TABLE_BYTES // 2**20,
        )
    data = path.read_bytes()
    enc = text_encoding(data, name=name)
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            dtype=str,
            keep_default_na=False,
            encoding=enc.encoding,
            sep=None,
            engine="python",
        )
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError, csv_error()) as err:
        raise refuse("table_unreadable", name=quote(name), detail=str(err)[:80]) from err
    if len(frame) > MAX_TABLE_ROWS:
        raise refuse("table_too_big", name=quote(name), n=len(frame), limit=MAX_TABLE_ROWS)
    frame.columns = [strip_unwanted(str(c), multiline=False).strip() for c in frame.columns]
    return frame


def prepare_table(path: Path, *, name: str | None = None) -> PreparedTable:
    """Read and check an indicator table (CSV); nothing is stored.

    Raises
    ------
    ImportRefusedError
        Unreadable, empty or too large; no key column; no numeric indicator column; a cell
        that is not a number; a key given twice; no row matching any area.
    """
    shown = name or Path(path).name
    frame = _read_table(Path(path), shown)
    areas = known_areas()
    candidates = [c for c in frame.columns if _norm(c) in _KEY_NAMES] or list(frame.columns)
    scored = [(c, *_key_kind(frame[c], areas)) for c in candidates]
    key_col, kind, hits = max(scored, key=lambda s: s[2], default=("", "", 0))
    if not hits:
        if not any(_norm(c) in _KEY_NAMES for c in frame.columns):
            raise refuse("table_no_key", name=quote(shown))
        col = next(c for c in frame.columns if _norm(c) in _KEY_NAMES)
        sample = ", ".join(quote(v) for v in frame[col].head(3))
        raise refuse("table_nothing_matched", name=quote(shown), column=quote(col), sample=sample)
    matched = [_lookup(kind, str(v), areas) for v in frame[key_col]]
    levels = {a.level for a in matched if a is not None}
    level = "zones" if "zones" in levels and len(levels) == 1 else "tambons"
    if len(levels) > 1:  # names of both: keep the level most rows match
        counts = pd.Series([a.level for a in matched if a is not None]).value_counts()
        level = str(counts.index[0])
    others = [c for c in frame.columns if c != key_col and _norm(c) not in _KEY_NAMES]
    indicators = _numeric_columns(frame, others, shown)
    if not indicators:
        raise refuse("table_no_values", name=quote(shown), column=quote(key_col))
    rows, unmatched, seen = [], [], {}
    for i, area in enumerate(matched):
        if area is None or area.level != level:
            unmatched.append((i + 2, str(frame[key_col].iloc[i])[:80]))
            continue
        if area.id in seen:
            raise refuse(
                "table_duplicate",
                name=quote(shown),
                column=quote(key_col),
                value=quote(area.id),
                n=2,
            )
        seen[area.id] = i
        rows.append(
            {KEY_OF_LEVEL[level]: area.id, **{c: _number(frame[c].iloc[i]) for c in indicators}}
        )
    values = pd.DataFrame(rows).set_index(KEY_OF_LEVEL[level])
    return PreparedTable(shown, level, key_col, kind, values, tuple(unmatched), tuple(indicators))


def _number(text: str) -> float:
    value = str(text).strip().replace(",", "")
    return float(value) if value else float("nan")


def _numeric_columns(frame: pd.DataFrame, columns: list[str], name: str) -> list[str]:
    """Columns whose non-blank cells are numbers; a column of mostly numbers with a bad
    cell is refused naming it (a typo must not silently become "no data")."""
    out = []
    for column in columns:
        cells = frame[column].str.strip().str.replace(",", "")
        filled = cells != ""
        numbers = pd.to_numeric(cells[filled], errors="coerce")
        if not filled.any() or numbers.isna().all():
            continue  # a text column (notes, names): not an indicator
        if numbers.isna().any():
            row = int(numbers[numbers.isna()].index[0])
            raise refuse(
                "table_bad_value",
                name=quote(name),
                row=row + 2,
                column=quote(column),
                value=quote(frame[column].iloc[row]),
            )
        out.append(column)
    return out


def indicator_id(column: str) -> str:
    """The indicator id a column becomes: ASCII lower case, ``_`` elsewhere."""
    ascii_text = unicodedata.normalize("NFKD", column).encode("ascii", "ignore").decode()
    slug = _SLUG.sub("_", ascii_text.lower()).strip("_")[:48]
    return slug or "indicator_" + str(abs(hash(column)) % 10_000)


def store_table(
    store: Store,
    prepared: PreparedTable,
    *,
    imported_by: str,
    title: str = "",
    source: str = "",
    licence: str = "",
    date: str = "",
    actor: Actor | None = None,
) -> IndicatorTable:
    """Store a checked indicator table (one transaction); returns its record.

    Needs an editor ``actor`` (`PermissionDeniedError` otherwise; nothing is written);
    a signed-in account is kept as the table's ``owner``.
    """
    acting = authorize(store, actor, Role.EDITOR, action="import indicator tables")
    table_id = new_id()
    columns = {c: indicator_id(c) for c in prepared.indicators}
    row = {
        "id": table_id,
        "level": prepared.level,
        "title": " ".join((title or Path(prepared.file_name).stem).split())[:80],
        "file": prepared.file_name,
        "source": " ".join(source.split()),
        "licence": " ".join(licence.split()) or "not stated",
        "date": " ".join(date.split()),
        "by": " ".join(imported_by.split()) or "not given",
        "at": utc_now(),
        "ind": json.dumps(columns, ensure_ascii=False),
        "owner": acting.username if acting.verified else None,
    }
    with store.transaction() as tx:
        tx.execute(
            "INSERT INTO imports_indicator_tables (id, level, title, file_name, source, licence, "
            "data_date, created_by, created_at, indicators, owner) VALUES (:id, :level, :title, "
            ":file, :source, :licence, :date, :by, :at, :ind, :owner)",
            row,
        )
        for area_id, values in prepared.values.iterrows():
            for column, ind in columns.items():
                value = values[column]
                tx.execute(
                    "INSERT INTO imports_indicator_values (table_id, area_id, indicator, value) "
                    "VALUES (:t, :a, :i, :v)",
                    {
                        "t": table_id,
                        "a": str(area_id),
                        "i": ind,
                        "v": None if pd.isna(value) else float(value),
                    },
                )
    return get_table(store, table_id)


def _record(row: dict[str, Any]) -> IndicatorTable:
    return IndicatorTable(
        id=str(row["id"]),
        level=str(row["level"]),
        title=str(row["title"]),
        file_name=str(row["file_name"]),
        source=str(row["source"]),
        licence=str(row["licence"]),
        date=str(row["data_date"]),
        created_by=str(row["created_by"]),
        created_at=str(row["created_at"]),
        indicators=tuple(json.loads(str(row["indicators"])).values()),
        owner=row.get("owner"),
    )


def list_tables(store: Store) -> list[IndicatorTable]:
    """Every stored indicator table, newest first."""
    rows = store.query("SELECT * FROM imports_indicator_tables ORDER BY created_at DESC")
    return [_record(r) for r in rows]


def get_table(store: Store, table_id: str) -> IndicatorTable:
    """One stored table (`CmgisError` if there is none with this id)."""
    row = store.query_one("SELECT * FROM imports_indicator_tables WHERE id = :i", {"i": table_id})
    if row is None:
        raise CmgisError(f"no imported indicator table {table_id[:40]!r}")
    return _record(row)


def may_delete_table(actor: Actor, record: IndicatorTable) -> bool:
    """Whether ``actor`` (already checked as an editor) may delete ``record``: its owner,
    an admin, or the local editor (no accounts in the store)."""
    return (
        actor.role is Role.ADMIN
        or actor.is_local_editor
        or (actor.username is not None and actor.username == record.owner)
    )


def delete_table(store: Store, table_id: str, *, actor: Actor | None = None) -> None:
    """Delete a stored table and its values.

    Needs an editor ``actor`` who stored it, or an admin (`PermissionDeniedError`).
    """
    acting = authorize(store, actor, Role.EDITOR, action="delete indicator tables")
    record = get_table(store, table_id)
    if not may_delete_table(acting, record):
        owner = record.owner or "nobody (stored before accounts)"
        authorize(store, acting, Role.ADMIN, action=f"delete a table stored by {owner}")
    with store.transaction() as tx:
        tx.execute("DELETE FROM imports_indicator_values WHERE table_id = :i", {"i": record.id})
        tx.execute("DELETE FROM imports_indicator_tables WHERE id = :i", {"i": record.id})


def imported_indicators(store: Store, level: str) -> pd.DataFrame:
    """Values of every stored table of ``level``, indexed like `load_indicators(level)`.

    One column per indicator id; NaN is "no data". When two tables give the same
    indicator, the later table's values are used.
    """
    rows = store.query(
        "SELECT v.area_id, v.indicator, v.value, t.created_at FROM imports_indicator_values v "
        "JOIN imports_indicator_tables t ON t.id = v.table_id WHERE t.level = :l "
        "ORDER BY t.created_at",
        {"l": level},
    )
    key = KEY_OF_LEVEL[level]
    if not rows:
        return pd.DataFrame(index=pd.Index([], name=key))
    frame = pd.DataFrame(rows)
    wide = frame.pivot_table(
        index="area_id", columns="indicator", values="value", aggfunc="last", dropna=False
    )
    wide.index.name = key
    wide.columns.name = None
    return wide


def indicator_template_csv(level: str = "tambons", lang: str = "en") -> bytes:
    """A CSV to fill in: one row per district or tambon, one column per "no data" indicator.

    The key columns come first (``zone_id`` or ``ADM3_PCODE``, names in Thai and English);
    the indicator columns are the catalog's "no data" ids, empty. UTF-8 with a BOM so
    spreadsheet programs show the Thai names.
    """
    from cmgis.data.catalog import load_catalog

    if level not in LEVELS:
        raise CmgisError(f"unknown level {level!r}; expected one of {LEVELS}")
    gaps = [e.id for e in load_catalog().no_data]
    areas = [a for a in known_areas() if a.level == level]
    key = "zone_id" if level == "zones" else "ADM3_PCODE"
    frame = pd.DataFrame(
        [
            {key: a.id, "name_th": a.name_th, "name_en": a.name_en, **dict.fromkeys(gaps, "")}
            for a in areas
        ]
    )
    return frame.to_csv(index=False).encode("utf-8-sig")
