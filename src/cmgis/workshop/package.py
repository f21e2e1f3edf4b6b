"""The workshop GeoPackage: its layers, and reading and checking a file to import.

`cmgis.workshop.exchange` writes and imports the package; this module holds the format
(`FORMAT_NAME`, the layers) and turns an untrusted file into checked records (`Package`)
or a list of problems, before anything is written.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyogrio
import shapely

from cmgis import settings
from cmgis._errors import InputError
from cmgis.geocheck import check_user_layer
from cmgis.vocab import parse_strategy
from cmgis.workshop.geometry import geometry_from_input
from cmgis.workshop.records import (
    CATEGORIES,
    MAX_COMMENT_CHARS,
    MAX_GROUP_NAME_CHARS,
    MAX_TITLE_CHARS,
    MAX_VERTICES,
    clean_text,
)

FORMAT_NAME: Final = "cmgis-workshop"


FORMAT_VERSION: Final = "1"


MAX_IMPORT_BYTES: Final = 200 * 1024 * 1024


MAX_IMPORT_ROWS: Final = 100_000


#: How far ahead of this computer's clock a time in an imported file may be.
MAX_CLOCK_SKEW: Final = timedelta(days=1)


GEOMETRY_LAYERS: Final[dict[str, str]] = {
    "Point": "contributions_point",
    "LineString": "contributions_line",
    "Polygon": "contributions_polygon",
}


ID_PATTERN = re.compile(r"[0-9a-f]{32}")


CONTRIBUTION_COLUMNS: Final = (
    "id",
    "group_id",
    "group_name",
    "category",
    "strategy",
    "title",
    "comment",
    "zone_id",
    "votes",
    "created_at",
    "updated_at",
    "hidden",
    "pinned",
    "merged_into",
    "deleted_at",
    "approximate",
)


def _read_layers(path: Path) -> dict[str, pd.DataFrame]:
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise InputError(
            f"{path.name} is {size / 1e6:.0f} MB; a workshop file is at most "
            f"{MAX_IMPORT_BYTES / 1e6:.0f} MB"
        )
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise InputError(f"{path.name} is not a GeoPackage; expected a .gpkg exported by cmgis")
    try:
        available = {str(name) for name, _ in pyogrio.list_layers(path)}
    except (pyogrio.errors.DataSourceError, OSError) as err:
        raise InputError(f"{path.name} cannot be read as a GeoPackage ({err})") from err
    if "workshop_metadata" not in available:
        raise InputError(f"{path.name} is not a cmgis workshop export (no workshop_metadata layer)")
    layers: dict[str, pd.DataFrame] = {}
    for name in available:
        try:
            info = pyogrio.read_info(path, layer=name)
            if int(info["features"]) > MAX_IMPORT_ROWS:
                raise InputError(f"layer {name} has more than {MAX_IMPORT_ROWS} rows")
            if name in GEOMETRY_LAYERS.values():
                frame = pyogrio.read_dataframe(path, layer=name)
                if frame.crs is None:
                    raise InputError(f"layer {name} has no CRS; expected EPSG:4326")
                layers[name] = frame.to_crs(settings.STORE_CRS)
            else:
                layers[name] = pyogrio.read_dataframe(path, layer=name, read_geometry=False)
        except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError) as err:
            raise InputError(f"layer {name} of {path.name} cannot be read ({err})") from err
        except UnicodeDecodeError as err:
            # a damaged file, or text written in another encoding than UTF-8
            raise InputError(
                f"layer {name} of {path.name} has text that is not UTF-8 (damaged file?); "
                "export the workshop again and retry"
            ) from err
    return layers


def _text(row: Any, column: str) -> str:
    value = row.get(column) if hasattr(row, "get") else None
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _timestamp(row: Any, column: str, where: str, problems: list[str]) -> str:
    """An ISO 8601 time from the file, or "" when missing or not a time.

    A time in the future (more than `MAX_CLOCK_SKEW` ahead) is recorded in ``problems``.
    """
    value = _text(row, column)[:40]
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when > datetime.now(UTC) + MAX_CLOCK_SKEW:
        problems.append(f"{where}: {column} {value!r} is in the future")
    return value


def _check_id(value: str, what: str, problems: list[str]) -> str:
    if not ID_PATTERN.fullmatch(value):
        problems.append(f"{what} has an invalid id {value[:40]!r}")
    return value


@dataclass(frozen=True)
class Package:
    """The checked records of a workshop file (see `parse_package`)."""

    groups: dict[str, str]
    contributions: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    votes: list[dict[str, Any]]


def read_package(src: Path) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The layers and the metadata of a workshop file; `InputError` for another format."""
    layers = _read_layers(src)
    meta = {str(r["key"]): str(r["value"]) for _, r in layers["workshop_metadata"].iterrows()}
    if meta.get("format") != FORMAT_NAME or meta.get("format_version") != FORMAT_VERSION:
        raise InputError(
            f"{src.name} has format {meta.get('format')!r} version "
            f"{meta.get('format_version')!r}; expected {FORMAT_NAME} {FORMAT_VERSION}"
        )
    return layers, meta


def parse_package(layers: dict[str, pd.DataFrame], problems: list[str]) -> Package:
    """The checked records of a file's layers; what is wrong is added to ``problems``."""
    for name in GEOMETRY_LAYERS.values():
        if name in layers and len(layers[name]):  # the CRS and extent checks of every import
            _checked(problems, f"layer {name}", check_user_layer, layers[name],
                     what=f"layer {name}", max_vertices=MAX_IMPORT_ROWS * MAX_VERTICES)  # fmt: skip
    groups = _parse_groups(layers.get("groups"), problems)
    package = Package(
        groups=groups,
        contributions=_parse_contributions(layers, groups, problems),
        comments=_parse_comments(layers.get("comments"), problems),
        votes=_parse_votes(layers.get("votes"), problems),
    )
    for what, records in (
        ("contribution", package.contributions),
        ("comment", package.comments),
        ("vote", package.votes),
    ):
        _check_unique([r["id"] for r in records], what, problems)
    return package


def _check_unique(ids: list[str], what: str, problems: list[str]) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            problems.append(f"the {what} id {value[:40]!r} appears more than once")
        seen.add(value)


def check_budget(votes: list[dict[str, Any]], budget: int, problems: list[str]) -> None:
    """Each group's votes in the file must fit the workshop's budget (votes per group)."""
    per_group = Counter(v["group_id"] for v in votes)
    for group, n in sorted(per_group.items()):
        if n > budget:
            problems.append(
                f"group {group[:40]!r} has {n} votes; the workshop allows {budget} per group"
            )


def _rows(frame: pd.DataFrame | None) -> Iterable[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _flag(value: object, where: str, column: str, problems: list[str]) -> int:
    """A 0/1 flag from the file (empty is 0); anything else is recorded in ``problems``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    try:
        number = float(str(value).strip())
    except ValueError:
        number = math.nan
    if number in (0.0, 1.0):
        return int(number)
    problems.append(f"{where}: {column} is {str(value)[:20]!r}; expected 0 or 1")
    return 0


def _parse_groups(frame: pd.DataFrame | None, problems: list[str]) -> dict[str, str]:
    groups: dict[str, str] = {}
    for r in _rows(frame):
        gid = _check_id(_text(r, "id"), "a group", problems)
        try:
            groups[gid] = " ".join(
                clean_text(
                    _text(r, "name"), what="a group name", max_chars=MAX_GROUP_NAME_CHARS
                ).split()
            )
        except InputError as err:
            problems.append(str(err))
    return groups


def _parse_contributions(
    layers: dict[str, pd.DataFrame],
    groups: dict[str, str],
    problems: list[str],
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    sources: list[tuple[str, pd.DataFrame]] = [
        (layer, layers[layer]) for layer in (*GEOMETRY_LAYERS.values(), "notes") if layer in layers
    ]
    for layer, frame in sources:
        for n, r in enumerate(_rows(frame), start=1):
            where = f"{layer} row {n}"
            raw_geom = r.get("geometry") if layer != "notes" else None
            if raw_geom is not None and not isinstance(raw_geom, shapely.Geometry):
                raw_geom = None
            record: dict[str, Any] = {
                "id": _check_id(_text(r, "id"), where, problems),
                "group_id": _text(r, "group_id"),
                "category": _text(r, "category"),
                "strategy": _text(r, "strategy"),
                "title": _checked(problems, where, _clean_title, _text(r, "title"), where),
                "comment": _checked(
                    problems, where, clean_text, _text(r, "comment"),
                    what=f"{where}: the comment", max_chars=MAX_COMMENT_CHARS, required=False,
                ),
                "geometry": _checked(problems, where, geometry_from_input, raw_geom),
                "created_at": _timestamp(r, "created_at", where, problems),
                "updated_at": _timestamp(r, "updated_at", where, problems),
                "hidden": _flag(r.get("hidden"), where, "hidden", problems),
                "pinned": _flag(r.get("pinned"), where, "pinned", problems),
                "merged_into": _text(r, "merged_into")[:32],
                "deleted_at": _timestamp(r, "deleted_at", where, problems),
            }  # fmt: skip
            if layer != "notes" and raw_geom is None:
                problems.append(f"{where}: the geometry is missing")
            if record["category"] not in CATEGORIES:
                problems.append(f"{where}: unknown category {record['category'][:30]!r}")
            try:  # either spelling of the 3Ds (files from older versions say driving_spaces)
                record["strategy"] = parse_strategy(record["strategy"])
            except InputError:
                problems.append(f"{where}: unknown strategy {record['strategy'][:30]!r}")
            if record["group_id"] not in groups:
                problems.append(f"{where}: its group is not in the groups layer")
            out.append(record)
    return out


def _clean_title(text: str, where: str) -> str:
    return " ".join(clean_text(text, what=f"{where}: the title", max_chars=MAX_TITLE_CHARS).split())


def _checked(
    problems: list[str], where: str, check: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    """Run one field check; record its `InputError` in ``problems`` and return ``None``."""
    try:
        return check(*args, **kwargs)
    except InputError as err:
        message = str(err)
        problems.append(message if message.startswith(where) else f"{where}: {message}")
        return None


def _parse_comments(frame: pd.DataFrame | None, problems: list[str]) -> list[dict[str, Any]]:
    out = []
    for n, r in enumerate(_rows(frame), start=1):
        try:
            out.append(
                {
                    "id": _check_id(_text(r, "id"), f"comments row {n}", problems),
                    "contribution_id": _text(r, "contribution_id"),
                    "group_id": _text(r, "group_id"),
                    "body": clean_text(
                        _text(r, "body"), what=f"comments row {n}", max_chars=MAX_COMMENT_CHARS
                    ),
                    "created_at": _timestamp(r, "created_at", f"comments row {n}", problems),
                    "hidden": _flag(r.get("hidden"), f"comments row {n}", "hidden", problems),
                    "deleted_at": _timestamp(r, "deleted_at", f"comments row {n}", problems),
                }
            )
        except InputError as err:
            problems.append(str(err))
    return out


def _parse_votes(frame: pd.DataFrame | None, problems: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "id": _check_id(_text(r, "id"), f"votes row {n}", problems),
            "contribution_id": _text(r, "contribution_id"),
            "group_id": _text(r, "group_id"),
            "created_at": _timestamp(r, "created_at", f"votes row {n}", problems),
        }
        for n, r in enumerate(_rows(frame), start=1)
    ]
