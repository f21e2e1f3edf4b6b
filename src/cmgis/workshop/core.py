"""Participatory mapping workshops: records, validation, board, votes and moderation.

A facilitator creates a `Workshop` and gets a short join code and a PIN (kept only as a
salted scrypt hash). Groups join with the code and a group name (`join_workshop`) and get
a `Participant`; every write checks the code and the group again inside its transaction.
Contributions are points, lines, polygons (EPSG:4326) or free notes, each tied to a
category and one of the 3Ds strategies, placed in a zone by spatial join ("elsewhere"
when in none). Dot votes are limited by a per-group budget; moderation (hide, pin, merge
duplicates) needs the PIN. Deletes are soft and every change is written to an audit table.

All text typed by participants is stored as typed (after normalisation and limits); it is
escaped where it is shown (`cmgis.maps.workshop`, the UI) and guarded in CSV exports.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, Final, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from cmgis import settings
from cmgis._errors import AuthError, InputError, StoreError
from cmgis.geocheck import extent_problem
from cmgis.store import (
    Migration,
    Row,
    Store,
    Transaction,
    geometry_from_text,
    geometry_to_text,
    new_id,
    utc_now,
)
from cmgis.textclean import clean_typed_text

# --------------------------------------------------------------------------- vocabularies

Category = Literal["asset", "problem", "opportunity", "project", "connection"]
#: Kinds of contribution, as on the report's co-sensing boards.
CATEGORIES: Final[tuple[Category, ...]] = (
    "asset",
    "problem",
    "opportunity",
    "project",
    "connection",
)
Strategy = Literal["default", "driving_spaces", "drivers"]
#: The plan's three strategies ("3Ds"): 1 Default, 2 Driving spaces, 3 Drivers.
STRATEGIES: Final[tuple[Strategy, ...]] = ("default", "driving_spaces", "drivers")
Stage = Literal["co_initiating", "co_sensing", "co_presencing", "co_creating", "co_evolving"]
#: Stages of the participatory process (Oxford Scenario Planning, as in the report).
STAGES: Final[tuple[Stage, ...]] = (
    "co_initiating",
    "co_sensing",
    "co_presencing",
    "co_creating",
    "co_evolving",
)
#: Board column of a contribution whose geometry lies in no zone.
ELSEWHERE: Final = "elsewhere"
#: Board column of a free note without geometry.
NO_PLACE: Final = "no_place"

# --------------------------------------------------------------------------------- limits

MAX_TITLE_CHARS: Final = 120
MAX_COMMENT_CHARS: Final = 2000
MAX_GROUP_NAME_CHARS: Final = 60
MAX_WORKSHOP_TITLE_CHARS: Final = 160
MAX_VERTICES: Final = 500
#: Contributions one group may save per minute (a group drawing by hand makes a few).
MAX_CONTRIBUTIONS_PER_MINUTE: Final = 30
#: Contributions one browser session may save per minute, over all its groups.
MAX_CONTRIBUTIONS_PER_CLIENT_PER_MINUTE: Final = 30
#: Contributions one network address may save per minute (a hall shares one address).
MAX_CONTRIBUTIONS_PER_ADDRESS_PER_MINUTE: Final = 120
#: Comments one group, one session and one address may add per minute.
MAX_COMMENTS_PER_MINUTE: Final = 20
MAX_COMMENTS_PER_CLIENT_PER_MINUTE: Final = 20
MAX_COMMENTS_PER_ADDRESS_PER_MINUTE: Final = 120
#: New groups one browser session (one network address) may create in one workshop.
MAX_GROUPS_PER_CLIENT: Final = 10
MAX_GROUPS_PER_ADDRESS: Final = 60
#: Cards shown per board cell (pinned first, then most votes); the rest are counted.
MAX_BOARD_CARDS_PER_CELL: Final = 8
#: Comments shown per board card (the newest); the rest are counted.
MAX_BOARD_COMMENTS_PER_CARD: Final = 10
MAX_VOTES_PER_GROUP: Final = 100
DEFAULT_VOTES_PER_GROUP: Final = 5
MIN_PIN_CHARS: Final = 4
MAX_PIN_CHARS: Final = 64
#: Wrong PINs allowed in `PIN_WINDOW` before each further attempt must wait.
FREE_PIN_ATTEMPTS: Final = 3
PIN_WINDOW: Final = timedelta(minutes=15)
MAX_PIN_WAIT_S: Final = 300
#: Different wrong join codes one browser session may type in `JOIN_WINDOW` before each
#: further try must wait 1, 2, 4, ... s (at most `MAX_JOIN_WAIT_S`).
FREE_JOIN_ATTEMPTS: Final = 5
#: The same for one network address (all sessions behind it; a hall shares one address).
FREE_JOIN_ATTEMPTS_PER_ADDRESS: Final = 20
#: Wrong join codes from all clients together in `JOIN_WINDOW` above which the store is
#: "under attack": then every session and address waits after its first wrong code.
#: A right code is never slowed down by this store-wide count.
FREE_JOIN_ATTEMPTS_ALL_CLIENTS: Final = 50
JOIN_WINDOW: Final = timedelta(minutes=15)
MAX_JOIN_WAIT_S: Final = 300
JOIN_CODE_ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
JOIN_CODE_LENGTH: Final = 6

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1

# ------------------------------------------------------------------------------ migrations

MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(
        "workshop",
        1,
        "workshops, groups, contributions, comments, votes, audit, PIN failures",
        """
        CREATE TABLE workshop_workshops (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            workshop_date TEXT NOT NULL,
            stage TEXT NOT NULL,
            zones_in_focus TEXT NOT NULL,
            votes_per_group INTEGER NOT NULL,
            pin_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE workshop_groups (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshop_workshops (id),
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (workshop_id, name_key)
        );
        CREATE TABLE workshop_contributions (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshop_workshops (id),
            group_id TEXT NOT NULL REFERENCES workshop_groups (id),
            category TEXT NOT NULL,
            strategy TEXT NOT NULL,
            title TEXT NOT NULL,
            comment TEXT NOT NULL,
            geometry TEXT,
            geom_type TEXT,
            zone_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            pinned INTEGER NOT NULL DEFAULT 0,
            merged_into TEXT,
            deleted_at TEXT
        );
        CREATE INDEX workshop_contributions_ws ON workshop_contributions (workshop_id, created_at);
        CREATE INDEX workshop_contributions_group ON workshop_contributions (group_id, created_at);
        CREATE TABLE workshop_comments (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshop_workshops (id),
            contribution_id TEXT NOT NULL REFERENCES workshop_contributions (id),
            group_id TEXT NOT NULL REFERENCES workshop_groups (id),
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            deleted_at TEXT
        );
        CREATE INDEX workshop_comments_c ON workshop_comments (contribution_id, created_at);
        CREATE TABLE workshop_votes (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshop_workshops (id),
            contribution_id TEXT NOT NULL REFERENCES workshop_contributions (id),
            group_id TEXT NOT NULL REFERENCES workshop_groups (id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX workshop_votes_group ON workshop_votes (group_id);
        CREATE INDEX workshop_votes_c ON workshop_votes (contribution_id);
        CREATE TABLE workshop_audit (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target_id TEXT,
            detail TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX workshop_audit_ws ON workshop_audit (workshop_id, at);
        CREATE TABLE workshop_pin_failures (
            workshop_id TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX workshop_pin_failures_ws ON workshop_pin_failures (workshop_id, at);
        """,
    ),
    Migration(
        "workshop",
        2,
        "wrong join codes, to slow down guessing",
        """
        CREATE TABLE workshop_join_failures (
            client TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX workshop_join_failures_at ON workshop_join_failures (at);
        """,
    ),
    Migration(
        "workshop",
        3,
        "client identity for join throttling and flood limits",
        """
        ALTER TABLE workshop_join_failures ADD COLUMN address TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_join_failures ADD COLUMN code_key TEXT NOT NULL DEFAULT '';
        CREATE INDEX workshop_join_failures_client ON workshop_join_failures (client, at);
        CREATE INDEX workshop_join_failures_address ON workshop_join_failures (address, at);
        ALTER TABLE workshop_groups ADD COLUMN client TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_groups ADD COLUMN address TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_contributions ADD COLUMN client TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_contributions ADD COLUMN address TEXT NOT NULL DEFAULT '';
        CREATE INDEX workshop_contributions_client
            ON workshop_contributions (workshop_id, client, created_at);
        CREATE INDEX workshop_contributions_address
            ON workshop_contributions (workshop_id, address, created_at);
        ALTER TABLE workshop_comments ADD COLUMN client TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshop_comments ADD COLUMN address TEXT NOT NULL DEFAULT '';
        CREATE INDEX workshop_comments_group ON workshop_comments (group_id, created_at);
        CREATE INDEX workshop_comments_client
            ON workshop_comments (workshop_id, client, created_at);
        CREATE INDEX workshop_comments_address
            ON workshop_comments (workshop_id, address, created_at);
        """,
    ),
    # its own feature, so the steps other changes add to "workshop" never clash with it
    Migration(
        "workshop_visibility",
        1,
        "published flag: a workshop is visible without its code only when published",
        """
        ALTER TABLE workshop_workshops ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
        """,
    ),
)


def open_workshop_store(store: Store) -> Store:
    """Make sure the workshop tables exist in ``store`` (cheap after the first call)."""
    store.migrate(MIGRATIONS)
    return store


# --------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Workshop:
    """A workshop as participants see it (the PIN hash never leaves the store)."""

    id: str
    code: str
    title: str
    workshop_date: str
    stage: Stage
    zones_in_focus: tuple[str, ...]
    votes_per_group: int
    created_at: str
    #: Visible to visitors without the join code (Map page, lists); set by the facilitator.
    published: bool = False


@dataclass(frozen=True)
class Participant:
    """A group that joined a workshop with its code; passed to every write."""

    workshop_id: str
    code: str
    group_id: str
    group_name: str
    #: Who joined (`Client`): flood limits count per session and per address too.
    client: str = ""
    address: str = ""


@dataclass(frozen=True)
class Client:
    """Who is typing: a browser session's random key and its network address.

    Either may be empty when unknown (then that dimension is not counted; an empty
    address is never shared between clients). The UI passes both; the CLI uses
    ``Client("cli", "local")``.
    """

    session: str = ""
    address: str = ""


#: The command line's identity for the join-code throttle.
CLI_CLIENT: Final = Client("cli", "local")


def as_client(client: Client | str) -> Client:
    """A `Client` from a `Client` or a bare session key."""
    return client if isinstance(client, Client) else Client(session=str(client))


@dataclass(frozen=True)
class Contribution:
    """One mapped remark: geometry in EPSG:4326 (``None`` for a free note).

    ``zone_id`` is a zone id, `ELSEWHERE` or `NO_PLACE`. Geometry is hand-drawn by
    participants, so it is approximate by nature (exports say so).
    """

    id: str
    workshop_id: str
    group_id: str
    group_name: str
    category: Category
    strategy: Strategy
    title: str
    comment: str
    geometry: BaseGeometry | None
    zone_id: str
    created_at: str
    updated_at: str
    hidden: bool = False
    pinned: bool = False
    merged_into: str | None = None
    deleted_at: str | None = None
    votes: int = 0
    comments: tuple[Comment, ...] = ()

    @property
    def geom_type(self) -> str | None:
        """``"Point"``, ``"LineString"``, ``"Polygon"`` or ``None`` for a note."""
        return None if self.geometry is None else self.geometry.geom_type


@dataclass(frozen=True)
class Comment:
    """A remark in the thread under a contribution."""

    id: str
    contribution_id: str
    group_id: str
    group_name: str
    body: str
    created_at: str
    hidden: bool = False


@dataclass(frozen=True)
class AuditEntry:
    """One change: who (``group:<id>`` or ``facilitator``), what, on which record, when."""

    id: str
    workshop_id: str
    actor: str
    action: str
    target_id: str | None
    detail: dict[str, Any]
    at: str


@dataclass(frozen=True)
class VoteBudget:
    """A group's dots: how many it has, how many it used."""

    total: int
    used: int

    @property
    def left(self) -> int:
        """Dots still available."""
        return max(self.total - self.used, 0)


@dataclass(frozen=True)
class Board:
    """The deliberation board: contributions by (strategy, zone column).

    ``columns`` lists the zone columns in display order (zones in focus first, then the
    other zones, `ELSEWHERE`, `NO_PLACE`); ``cells`` maps ``(strategy, column)`` to the
    contributions there, pinned first, then by votes and time. A cell keeps at most
    `MAX_BOARD_CARDS_PER_CELL` cards and a card its newest `MAX_BOARD_COMMENTS_PER_CARD`
    comments, so the board's size is bounded however many contributions there are;
    ``more`` counts the cards left out per cell, ``more_comments`` the comments left out
    per contribution id.
    """

    strategies: tuple[Strategy, ...]
    columns: tuple[str, ...]
    cells: Mapping[tuple[str, str], tuple[Contribution, ...]] = field(default_factory=dict)
    more: Mapping[tuple[str, str], int] = field(default_factory=dict)
    more_comments: Mapping[str, int] = field(default_factory=dict)

    def left_out(self, strategy: str, column: str) -> int:
        """Cards of one cell not shown (beyond `MAX_BOARD_CARDS_PER_CELL`)."""
        return self.more.get((strategy, column), 0)

    def cell(self, strategy: str, column: str) -> tuple[Contribution, ...]:
        """Contributions of one board cell (empty tuple when none)."""
        return self.cells.get((strategy, column), ())


class RateLimitError(InputError):
    """A group, session or address wrote more per minute than allowed.

    ``wait_s`` says when the next write will be accepted.
    """

    def __init__(self, message: str, wait_s: int = 60) -> None:
        super().__init__(message)
        self.wait_s = wait_s


class GroupLimitError(InputError):
    """A session or address created more groups in one workshop than allowed."""


class TooManyAttemptsError(AuthError):
    """Too many wrong join codes: the next try must wait ``wait_s`` seconds."""

    def __init__(self, message: str, wait_s: int) -> None:
        super().__init__(message)
        self.wait_s = wait_s


# ------------------------------------------------------------------------- text validation


def clean_text(value: object, *, what: str, max_chars: int, required: bool = True) -> str:
    """Normalise typed text (NFC, no control or bidi-override characters) and check its length.

    Thai and any other script are kept; newlines and tabs are kept, other control
    characters are removed. Raises `InputError` naming ``what`` when the text is empty
    (and ``required``) or longer than ``max_chars`` characters.
    """
    return clean_typed_text(value, what=what, max_chars=max_chars, required=required)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _choice(value: object, allowed: Sequence[str], *, what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InputError(f"{what} {value!r} is not known; expected one of {', '.join(allowed)}")
    return value


# --------------------------------------------------------------------- geometry validation


def geometry_from_input(value: object) -> BaseGeometry | None:
    """A validated geometry (EPSG:4326) from a GeoJSON Feature/geometry dict or shapely.

    ``None`` (a free note) stays ``None``. Accepts Point, LineString and Polygon (what the
    map's drawing tools make). Raises `InputError` saying what was wrong: another type,
    too many vertices (`MAX_VERTICES`), an invalid or empty shape, coordinates that are not
    lon/lat, or a shape not wholly inside the Chiang Mai area
    (`cmgis.settings.AREA_BOUNDS_LONLAT`).
    """
    if value is None:
        return None
    if isinstance(value, BaseGeometry):
        geom = value
    elif isinstance(value, Mapping):
        gj: Mapping[str, Any] = value
        if gj.get("type") == "Feature":
            gj = gj.get("geometry") or {}
        if not isinstance(gj, Mapping) or "type" not in gj:
            raise InputError("the shape is not GeoJSON; expected a Point, LineString or Polygon")
        try:
            geom = shape(dict(gj))
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as err:
            raise InputError(f"the shape cannot be read as GeoJSON ({err})") from err
        except shapely.errors.ShapelyError as err:
            raise InputError(f"the shape cannot be read as GeoJSON ({err})") from err
    else:
        raise InputError(f"a shape must be GeoJSON or a geometry, got {type(value).__name__}")
    if geom.geom_type not in ("Point", "LineString", "Polygon"):
        raise InputError(f"a {geom.geom_type} cannot be saved; draw a point, a line or a polygon")
    if geom.is_empty:
        raise InputError("the shape is empty; draw it again")
    if shapely.has_z(geom):
        geom = shapely.force_2d(geom)
    n_vertices = int(shapely.get_num_coordinates(geom))
    if n_vertices > MAX_VERTICES:
        raise InputError(
            f"the shape has {n_vertices} vertices; at most {MAX_VERTICES} are allowed — "
            "draw it with fewer points"
        )
    coords = shapely.get_coordinates(geom)
    if not bool((abs(coords) < 1e9).all()) or coords.size == 0:
        raise InputError("the shape has coordinates that are not numbers")
    if isinstance(geom, LineString) and len({tuple(c) for c in coords}) < 2:
        raise InputError("a line needs at least two different points")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise InputError(
            f"the shape is not valid ({reason}); draw it again without crossing its own edges"
        )
    if isinstance(geom, Polygon) and geom.area == 0:
        raise InputError("the polygon has no area; draw at least three corners")
    problem = extent_problem(geom.bounds)
    if problem:
        raise InputError(f"the shape is not inside the Chiang Mai area: {problem}; draw it there")
    return geom


# ----------------------------------------------------------------------------------- zones


class ZoneIndex:
    """Places geometries in zones: the zone with the largest overlap (metres), else elsewhere.

    Parameters
    ----------
    zones
        Polygons in EPSG:4326 with a ``zone_id`` column (`cmgis.data.layers.load_layer("zones")`).
    """

    def __init__(self, zones: gpd.GeoDataFrame) -> None:
        if zones.crs is None:
            raise InputError("the zones layer has no CRS; expected EPSG:4326")
        if "zone_id" not in zones.columns:
            raise InputError("the zones layer has no zone_id column")
        self.zone_ids: tuple[str, ...] = tuple(str(z) for z in zones["zone_id"])
        metric = zones.to_crs(settings.METRIC_CRS)
        self._metric = list(zip(self.zone_ids, metric.geometry, strict=True))
        self._tree = shapely.STRtree([g for _, g in self._metric])

    def zone_for(self, geom: BaseGeometry | None) -> str:
        """Zone id of ``geom`` (EPSG:4326), `ELSEWHERE` in none, `NO_PLACE` for ``None``."""
        if geom is None:
            return NO_PLACE
        g = to_metric_geometry(geom)
        best, best_overlap = ELSEWHERE, 0.0
        for idx in self._tree.query(g, predicate="intersects"):
            zone_id, zone = self._metric[int(idx)]
            if isinstance(g, Point):
                return zone_id
            part = g.intersection(zone)
            overlap = part.area if isinstance(g, Polygon) else part.length
            if overlap > best_overlap:
                best, best_overlap = zone_id, overlap
        return best


@cache
def _metric_transformer() -> Transformer:
    return Transformer.from_crs(settings.STORE_CRS, settings.METRIC_CRS, always_xy=True)


def to_metric_geometry(geom: BaseGeometry) -> BaseGeometry:
    """One geometry from EPSG:4326 (lon/lat) to EPSG:32647 (metres), without a GeoSeries."""
    transformer = _metric_transformer()

    def project(xy: np.ndarray[Any, np.dtype[np.float64]]) -> np.ndarray[Any, Any]:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    metric: BaseGeometry = shapely.transform(geom, project)
    return metric


@cache
def default_zone_index() -> ZoneIndex:
    """`ZoneIndex` of the built zones layer (``cmgis.data.layers.load_layer("zones")``)."""
    from cmgis.data.layers import load_layer  # imported here: only the default index needs it

    return ZoneIndex(load_layer("zones"))


# ---------------------------------------------------------------------------- PIN hashing


def hash_pin(pin: str) -> str:
    """Salted scrypt hash of a facilitator PIN, as ``scrypt$n$r$p$salt$hash`` (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches a hash made by `hash_pin` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            pin.encode("utf-8"),
            salt=bytes.fromhex(salt_hex),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest_hex) // 2,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def _check_new_pin(pin: object) -> str:
    if not isinstance(pin, str) or not (MIN_PIN_CHARS <= len(pin) <= MAX_PIN_CHARS):
        raise InputError(
            f"the facilitator PIN must have {MIN_PIN_CHARS} to {MAX_PIN_CHARS} characters"
        )
    if pin.strip() != pin:
        raise InputError("the facilitator PIN must not start or end with spaces")
    return pin


def normalise_code(code: object) -> str:
    """A join code as stored: upper case, without spaces or dashes."""
    if not isinstance(code, str):
        raise AuthError("the join code must be text, e.g. K7M4QX")
    return re.sub(r"[\s\-]", "", code).upper()


# ------------------------------------------------------------------------------- workshops


def _workshop_from_row(row: Row) -> Workshop:
    return Workshop(
        id=row["id"],
        code=row["code"],
        title=row["title"],
        workshop_date=row["workshop_date"],
        stage=row["stage"],
        zones_in_focus=tuple(json.loads(row["zones_in_focus"])),
        votes_per_group=int(row["votes_per_group"]),
        created_at=row["created_at"],
        published=bool(row.get("published") or 0),
    )


def _audit(
    tx: Transaction,
    workshop_id: str,
    actor: str,
    action: str,
    target_id: str | None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    tx.execute(
        "INSERT INTO workshop_audit (id, workshop_id, actor, action, target_id, detail, at) "
        "VALUES (:id, :w, :actor, :action, :target, :detail, :at)",
        {
            "id": new_id(),
            "w": workshop_id,
            "actor": actor,
            "action": action,
            "target": target_id,
            "detail": json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True),
            "at": utc_now(),
        },
    )


def create_workshop(
    store: Store,
    *,
    title: str,
    pin: str,
    votes_per_group: int = DEFAULT_VOTES_PER_GROUP,
    workshop_date: date | str | None = None,
    stage: str = "co_sensing",
    zones_in_focus: Sequence[str] = (),
) -> Workshop:
    """Create a workshop and return it with its new join code (`Workshop.code`).

    Parameters
    ----------
    store
        Where to keep it (`cmgis.store.open_store`).
    title
        Shown to participants (Thai or English, at most `MAX_WORKSHOP_TITLE_CHARS`).
    pin
        The facilitator PIN for moderation; only its salted hash is kept.
    votes_per_group
        Dots each group may place on the board (1..`MAX_VOTES_PER_GROUP`).
    workshop_date
        Day of the workshop (``date`` or ISO text); today (UTC) when ``None``.
    stage
        One of `STAGES`.
    zones_in_focus
        Zone ids shown first on the board.
    """
    fields = workshop_fields(
        title=title,
        pin=pin,
        votes_per_group=votes_per_group,
        workshop_date=workshop_date,
        stage=stage,
        zones_in_focus=zones_in_focus,
    )
    open_workshop_store(store)
    for _ in range(20):  # a clash of random codes is rare; try again with a new one
        with store.transaction() as tx:
            code = insert_workshop(tx, fields)
            if code is None:
                continue
        return get_workshop(store, code)
    raise StoreError("could not find a free join code; try again")  # pragma: no cover


def workshop_fields(
    *,
    title: str,
    pin: str,
    votes_per_group: int = DEFAULT_VOTES_PER_GROUP,
    workshop_date: date | str | None = None,
    stage: str = "co_sensing",
    zones_in_focus: Sequence[str] = (),
) -> dict[str, Any]:
    """The checked fields of a new workshop (see `create_workshop`); `InputError` if wrong."""
    clean_title = _one_line(
        clean_text(title, what="the workshop title", max_chars=MAX_WORKSHOP_TITLE_CHARS)
    )
    pin_hash = hash_pin(_check_new_pin(pin))
    if isinstance(votes_per_group, bool) or not isinstance(votes_per_group, int):
        raise InputError("votes per group must be a whole number")
    if not 1 <= votes_per_group <= MAX_VOTES_PER_GROUP:
        raise InputError(f"votes per group must be between 1 and {MAX_VOTES_PER_GROUP}")
    stage = _choice(stage, STAGES, what="stage")
    day = _parse_date(workshop_date)
    focus = tuple(dict.fromkeys(_one_line(str(z)) for z in zones_in_focus if str(z).strip()))
    for zone in focus:
        clean_text(zone, what="a zone id", max_chars=64)
    return {
        "title": clean_title,
        "day": day,
        "stage": stage,
        "focus": json.dumps(list(focus), ensure_ascii=False),
        "votes": votes_per_group,
        "pin_hash": pin_hash,
    }


def insert_workshop(tx: Transaction, fields: Mapping[str, Any]) -> str | None:
    """Insert a workshop with checked ``fields`` (`workshop_fields`) inside ``tx``.

    Returns its new join code, or ``None`` when the random code is taken (try again).
    """
    code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
    if tx.query_one("SELECT 1 AS x FROM workshop_workshops WHERE code = :c", {"c": code}):
        return None
    workshop_id = new_id()
    tx.execute(
        "INSERT INTO workshop_workshops (id, code, title, workshop_date, stage, "
        "zones_in_focus, votes_per_group, pin_hash, created_at) VALUES (:id, :code, "
        ":title, :day, :stage, :focus, :votes, :pin_hash, :at)",
        {**fields, "id": workshop_id, "code": code, "at": utc_now()},
    )
    _audit(tx, workshop_id, "facilitator", "create_workshop", workshop_id, {})
    return code


def _parse_date(value: date | str | None) -> str:
    if value is None:
        return datetime.now(UTC).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as err:
        raise InputError(f"the date {value!r} is not a date; expected YYYY-MM-DD") from err


def get_workshop(store: Store, code: str) -> Workshop:
    """The workshop with join code ``code``; `AuthError` when there is none."""
    open_workshop_store(store)
    row = store.query_one(
        "SELECT * FROM workshop_workshops WHERE code = :c", {"c": normalise_code(code)}
    )
    if row is None:
        raise AuthError(
            f"no workshop has the join code {normalise_code(code)[:12]!r}; "
            "check the code shown by the facilitator"
        )
    return _workshop_from_row(row)


def list_workshops(store: Store, *, published_only: bool = False) -> list[Workshop]:
    """Every workshop in the store, newest first; only published ones if ``published_only``.

    The rule of the app: a workshop is visible only to who has its join code, unless its
    facilitator publishes it (`set_published`). Pages for visitors pass
    ``published_only=True``; the facilitator's own tools (the CLI on the store) list all.
    """
    open_workshop_store(store)
    where = "WHERE published = 1 " if published_only else ""
    rows = store.query(f"SELECT * FROM workshop_workshops {where}ORDER BY created_at DESC")
    return [_workshop_from_row(r) for r in rows]


def set_published(store: Store, code: str, pin: str, *, published: bool) -> Workshop:
    """Publish a workshop (visible without its code) or withdraw it; needs the PIN."""
    workshop = verify_pin(store, code, pin)
    with store.transaction() as tx:
        tx.execute(
            "UPDATE workshop_workshops SET published = :p WHERE id = :id",
            {"p": int(published), "id": workshop.id},
        )
        _audit(tx, workshop.id, "facilitator", "publish" if published else "unpublish",
               workshop.id)  # fmt: skip
    return get_workshop(store, workshop.code)


def _backoff_remaining_s(
    count: int, last_at: str | None, free: int, cap_s: int, now: datetime
) -> float:
    """Seconds still to wait after ``count`` failures, the newest at ``last_at``; <= 0: none.

    The first ``free`` failures cost nothing; after them each try must come 1, 2, 4, ...
    seconds (at most ``cap_s``) after the last failure.
    """
    if count < free or last_at is None:
        return 0.0
    wait_s = min(2 ** (count - free), cap_s)
    last = datetime.fromisoformat(last_at)
    return (last + timedelta(seconds=wait_s) - now).total_seconds()


def _code_key(code: str) -> str:
    """What is kept of a wrong code: a short hash (a typo of a right code is not stored)."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]


def _join_wait_s(tx: Transaction, client: Client, now: datetime) -> float:
    """Seconds ``client`` must wait before its next join code is looked at (<= 0: none).

    Counts the different wrong codes of the client's session and of its address in
    `JOIN_WINDOW`; when all clients together typed more than
    `FREE_JOIN_ATTEMPTS_ALL_CLIENTS` wrong codes, each session and address may type only
    one wrong code before waiting. The store-wide count alone never makes anyone wait.
    """
    since = (now - JOIN_WINDOW).isoformat(timespec="microseconds")
    row = tx.query_one(
        "SELECT COUNT(*) AS n FROM workshop_join_failures WHERE at >= :since", {"since": since}
    )
    under_attack = row is not None and int(row["n"]) >= FREE_JOIN_ATTEMPTS_ALL_CLIENTS
    remaining = 0.0
    for column, value, free in (
        ("client", client.session, FREE_JOIN_ATTEMPTS),
        ("address", client.address, FREE_JOIN_ATTEMPTS_PER_ADDRESS),
    ):
        if not value:
            continue  # unknown: never shared with other clients
        mine = tx.query_one(
            f"SELECT COUNT(*) AS n, MAX(at) AS last FROM workshop_join_failures "
            f"WHERE {column} = :v AND at >= :since",
            {"v": value, "since": since},
        )
        if mine is None:
            continue
        remaining = max(
            remaining,
            _backoff_remaining_s(
                int(mine["n"]), mine["last"], 1 if under_attack else free, MAX_JOIN_WAIT_S, now
            ),
        )
    return remaining


def find_workshop(
    store: Store, code: str, *, client: Client | str = "", now: datetime | None = None
) -> Workshop:
    """The workshop with join code ``code``, typed by ``client``; guessing is slowed down.

    The throttle slows the guesser, not the hall. Wrong codes are counted per browser
    session and per network address (`Client`), each different code once: after
    `FREE_JOIN_ATTEMPTS` different wrong codes from one session (or
    `FREE_JOIN_ATTEMPTS_PER_ADDRESS` from one address) within `JOIN_WINDOW`, that client's
    next try must wait 1, 2, 4, ... seconds (at most `MAX_JOIN_WAIT_S`) after its last
    wrong one and is refused without looking at the code. Wrong codes from all clients
    together only lower every client's free tries to one (see `_join_wait_s`); a client
    without wrong codes is never slowed down, so the right code always works for the
    hall. A right code clears nothing (a guesser who knows one code cannot reset its
    count with it). Check, look-up and count run in one store transaction, so parallel
    sessions cannot get more looks than the budget.

    Raises
    ------
    TooManyAttemptsError
        The client must wait (an `AuthError`; ``wait_s`` says how long).
    AuthError
        No workshop has that code.
    """
    open_workshop_store(store)
    who = as_client(client)
    now = now or datetime.now(UTC)
    wanted = normalise_code(code)
    with store.transaction() as tx:
        remaining = _join_wait_s(tx, who, now)
        if remaining > 0:
            wait_s = math.ceil(remaining)
            raise TooManyAttemptsError(
                f"too many wrong join codes; wait {wait_s} s before trying again", wait_s
            )
        row = tx.query_one("SELECT * FROM workshop_workshops WHERE code = :c", {"c": wanted})
        if row is not None:
            return _workshop_from_row(row)
        key = _code_key(wanted)
        since = (now - JOIN_WINDOW).isoformat(timespec="microseconds")
        seen = tx.query_one(
            "SELECT COUNT(*) AS n FROM workshop_join_failures WHERE code_key = :k AND at >= :since "
            "AND ((client = :c AND client != '') OR (address = :a AND address != ''))",
            {"k": key, "since": since, "c": who.session, "a": who.address},
        )
        if seen is None or not int(seen["n"]):  # the same wrong code again tells nothing new
            tx.execute(
                "DELETE FROM workshop_join_failures WHERE at < :old",
                {"old": (now - JOIN_WINDOW).isoformat(timespec="microseconds")},
            )
            tx.execute(
                "INSERT INTO workshop_join_failures (client, address, code_key, at) "
                "VALUES (:c, :a, :k, :at)",
                {
                    "c": who.session,
                    "a": who.address,
                    "k": key,
                    "at": now.isoformat(timespec="microseconds"),
                },
            )
    raise AuthError(
        f"no workshop has the join code {wanted[:12]!r}; check the code shown by the facilitator"
    )


def join_workshop(
    store: Store,
    code: str,
    group_name: str,
    *,
    client: Client | str = "",
    now: datetime | None = None,
) -> Participant:
    """Join a workshop as a group (re-joining with the same name gives the same group).

    The code is looked up with `find_workshop`, so wrong codes are slowed down. One
    session may create at most `MAX_GROUPS_PER_CLIENT` groups in a workshop and one
    address `MAX_GROUPS_PER_ADDRESS` (re-joining an existing group is always allowed).

    Raises `AuthError` for an unknown code, `TooManyAttemptsError` (an `AuthError`) when
    ``client`` must wait, `GroupLimitError` (an `InputError`) over the group cap and
    `InputError` for a bad group name.
    """
    who = as_client(client)
    workshop = find_workshop(store, code, client=who, now=now)
    name = _one_line(clean_text(group_name, what="the group name", max_chars=MAX_GROUP_NAME_CHARS))
    key = name.casefold()
    with store.transaction() as tx:
        row = tx.query_one(
            "SELECT id, name FROM workshop_groups WHERE workshop_id = :w AND name_key = :k",
            {"w": workshop.id, "k": key},
        )
        if row is None:
            for column, value, cap in (
                ("client", who.session, MAX_GROUPS_PER_CLIENT),
                ("address", who.address, MAX_GROUPS_PER_ADDRESS),
            ):
                if not value:
                    continue
                made = tx.query_one(
                    f"SELECT COUNT(*) AS n FROM workshop_groups "
                    f"WHERE workshop_id = :w AND {column} = :v",
                    {"w": workshop.id, "v": value},
                )
                if made is not None and int(made["n"]) >= cap:
                    raise GroupLimitError(
                        f"this {'browser session' if column == 'client' else 'network address'}"
                        f" already made {made['n']} groups in this workshop; at most {cap}"
                        " — re-join one of them by its name"
                    )
            group_id = new_id()
            tx.execute(
                "INSERT INTO workshop_groups (id, workshop_id, name, name_key, created_at, "
                "client, address) VALUES (:id, :w, :name, :k, :at, :c, :a)",
                {
                    "id": group_id,
                    "w": workshop.id,
                    "name": name,
                    "k": key,
                    "at": utc_now(),
                    "c": who.session,
                    "a": who.address,
                },
            )
            _audit(tx, workshop.id, f"group:{group_id}", "join", group_id, {"name": name})
        else:
            group_id, name = row["id"], row["name"]
    return Participant(workshop.id, workshop.code, group_id, name, who.session, who.address)


def _rate_check(
    tx: Transaction,
    table: str,
    checks: Sequence[tuple[str, str, int, str]],
    workshop_id: str,
    now: datetime,
) -> None:
    """Refuse with `RateLimitError` when any (column, value, limit, who) wrote too much.

    Counts rows of ``table`` created in the last minute with ``column = value`` (an empty
    value is not counted); run inside the writing transaction so all sessions and
    processes share the count.
    """
    cutoff = (now - timedelta(minutes=1)).isoformat(timespec="microseconds")
    for column, value, limit, who in checks:
        if not value:
            continue
        row = tx.query_one(
            f"SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM {table} "
            f"WHERE workshop_id = :w AND {column} = :v AND created_at >= :cutoff",
            {"w": workshop_id, "v": value, "cutoff": cutoff},
        )
        if row is not None and int(row["n"]) >= limit:
            oldest = datetime.fromisoformat(row["oldest"])
            wait_s = max(1, math.ceil((oldest + timedelta(minutes=1) - now).total_seconds()))
            raise RateLimitError(
                f"{who} wrote {row['n']} times in the last minute; at most {limit} per minute"
                f" — try again in {wait_s} s",
                wait_s,
            )


def _require_member(tx: Transaction, who: Participant) -> None:
    row = tx.query_one(
        "SELECT g.id AS id FROM workshop_groups g JOIN workshop_workshops w "
        "ON w.id = g.workshop_id WHERE g.id = :g AND w.id = :w AND w.code = :c",
        {"g": who.group_id, "w": who.workshop_id, "c": normalise_code(who.code)},
    )
    if row is None:
        raise AuthError("this group has not joined the workshop with that code; join again")


# -------------------------------------------------------------------------- contributions


@dataclass(frozen=True)
class _Fields:
    category: str
    strategy: str
    title: str
    comment: str


def _check_fields(category: object, strategy: object, title: object, comment: object) -> _Fields:
    return _Fields(
        category=_choice(category, CATEGORIES, what="category"),
        strategy=_choice(strategy, STRATEGIES, what="strategy"),
        title=_one_line(clean_text(title, what="the title", max_chars=MAX_TITLE_CHARS)),
        comment=clean_text(
            comment, what="the comment", max_chars=MAX_COMMENT_CHARS, required=False
        ),
    )


def add_contribution(
    store: Store,
    who: Participant,
    *,
    category: str,
    strategy: str,
    title: str,
    comment: str = "",
    geometry: object = None,
    zones: ZoneIndex | None = None,
    contribution_id: str | None = None,
    rate_limit_per_minute: int = MAX_CONTRIBUTIONS_PER_MINUTE,
) -> Contribution:
    """Validate and save one contribution at once; return it with its stable id.

    Parameters
    ----------
    store, who
        The store and the group that joined (`join_workshop`).
    category, strategy
        One of `CATEGORIES` and one of `STRATEGIES`.
    title, comment
        Thai or English text (`MAX_TITLE_CHARS`, `MAX_COMMENT_CHARS`).
    geometry
        GeoJSON (dict) or shapely geometry in EPSG:4326, or ``None`` for a free note.
    zones
        Zones for the spatial join; the built zones layer when ``None``.
    contribution_id
        A caller-made id (`cmgis.store.new_id`) makes a retried save idempotent: saving
        the same id twice stores it once.
    rate_limit_per_minute
        Contributions a group may save in any 60 s; one session may save
        `MAX_CONTRIBUTIONS_PER_CLIENT_PER_MINUTE` and one address
        `MAX_CONTRIBUTIONS_PER_ADDRESS_PER_MINUTE` over all its groups (from ``who``).

    Raises
    ------
    InputError
        Bad field or shape (nothing is saved); `RateLimitError` when over the limit.
    AuthError
        The group or join code does not match.
    """
    fields = _check_fields(category, strategy, title, comment)
    geom = geometry_from_input(geometry)
    zone_id = (zones or default_zone_index()).zone_for(geom) if geom is not None else NO_PLACE
    cid = contribution_id or new_id()
    if not re.fullmatch(r"[0-9a-f]{32}", cid):
        raise InputError("a contribution id must be 32 hex characters (cmgis.store.new_id)")
    now = datetime.now(UTC)
    at = now.isoformat(timespec="microseconds")
    with store.transaction() as tx:
        # one statement for the three checks: few statements keep the write lock short
        check = tx.query_one(
            "SELECT (SELECT COUNT(*) FROM workshop_groups g JOIN workshop_workshops w "
            "ON w.id = g.workshop_id WHERE g.id = :g AND w.id = :w AND w.code = :code) AS member, "
            "(SELECT COUNT(*) FROM workshop_contributions WHERE id = :id) AS saved",
            {
                "g": who.group_id,
                "w": who.workshop_id,
                "code": normalise_code(who.code),
                "id": cid,
            },
        )
        if check is None or not check["member"]:
            raise AuthError("this group has not joined the workshop with that code; join again")
        if check["saved"]:
            return get_contribution(store, cid, _tx=tx)  # already saved: a retry
        _rate_check(
            tx,
            "workshop_contributions",
            (
                ("group_id", who.group_id, rate_limit_per_minute, f"group {who.group_name!r}"),
                ("client", who.client, MAX_CONTRIBUTIONS_PER_CLIENT_PER_MINUTE, "this session"),
                (
                    "address",
                    who.address,
                    MAX_CONTRIBUTIONS_PER_ADDRESS_PER_MINUTE,
                    "this network address",
                ),
            ),
            who.workshop_id,
            now,
        )
        tx.execute(
            "INSERT INTO workshop_contributions (id, workshop_id, group_id, category, strategy, "
            "title, comment, geometry, geom_type, zone_id, created_at, updated_at, client, "
            "address) VALUES (:id, :w, :g, :category, :strategy, :title, :comment, :geometry, "
            ":geom_type, :zone, :at, :at, :client, :address)",
            {
                "client": who.client,
                "address": who.address,
                "id": cid,
                "w": who.workshop_id,
                "g": who.group_id,
                "category": fields.category,
                "strategy": fields.strategy,
                "title": fields.title,
                "comment": fields.comment,
                "geometry": geometry_to_text(geom),
                "geom_type": None if geom is None else geom.geom_type,
                "zone": zone_id,
                "at": at,
            },
        )
        _audit(tx, who.workshop_id, f"group:{who.group_id}", "add", cid, {})
    return Contribution(
        id=cid,
        workshop_id=who.workshop_id,
        group_id=who.group_id,
        group_name=who.group_name,
        category=fields.category,  # type: ignore[arg-type]  # checked by _check_fields
        strategy=fields.strategy,  # type: ignore[arg-type]
        title=fields.title,
        comment=fields.comment,
        geometry=geom,
        zone_id=zone_id,
        created_at=at,
        updated_at=at,
    )


_CONTRIBUTION_SELECT = (
    "SELECT c.*, g.name AS group_name, "
    "(SELECT COUNT(*) FROM workshop_votes v WHERE v.contribution_id = c.id) AS votes "
    "FROM workshop_contributions c JOIN workshop_groups g ON g.id = c.group_id "
)


def _contribution_from_row(row: Row, comments: tuple[Comment, ...] = ()) -> Contribution:
    return Contribution(
        id=row["id"],
        workshop_id=row["workshop_id"],
        group_id=row["group_id"],
        group_name=row["group_name"],
        category=row["category"],
        strategy=row["strategy"],
        title=row["title"],
        comment=row["comment"],
        geometry=geometry_from_text(row["geometry"]),
        zone_id=row["zone_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        hidden=bool(row["hidden"]),
        pinned=bool(row["pinned"]),
        merged_into=row["merged_into"],
        deleted_at=row["deleted_at"],
        votes=int(row["votes"]),
        comments=comments,
    )


def get_contribution(
    store: Store, contribution_id: str, *, _tx: Transaction | None = None
) -> Contribution:
    """One contribution (deleted ones too) with its votes and comments."""
    reader: Transaction | Store = _tx if _tx is not None else store
    row = reader.query_one(_CONTRIBUTION_SELECT + "WHERE c.id = :id", {"id": contribution_id})
    if row is None:
        raise InputError(f"no contribution has the id {contribution_id[:40]!r}")
    comment_rows = reader.query(
        "SELECT m.*, g.name AS group_name FROM workshop_comments m JOIN workshop_groups g "
        "ON g.id = m.group_id WHERE m.contribution_id = :id AND m.deleted_at IS NULL "
        "ORDER BY m.created_at",
        {"id": contribution_id},
    )
    return _contribution_from_row(row, tuple(_comment_from_row(r) for r in comment_rows))


def _comment_from_row(row: Row) -> Comment:
    return Comment(
        id=row["id"],
        contribution_id=row["contribution_id"],
        group_id=row["group_id"],
        group_name=row["group_name"],
        body=row["body"],
        created_at=row["created_at"],
        hidden=bool(row["hidden"]),
    )


def list_contributions(
    store: Store,
    workshop_id: str,
    *,
    include_hidden: bool = False,
    include_deleted: bool = False,
    include_merged: bool = False,
) -> list[Contribution]:
    """Contributions of a workshop, oldest first, with vote counts and comment threads."""
    open_workshop_store(store)
    where = ["c.workshop_id = :w"]
    if not include_hidden:
        where.append("c.hidden = 0")
    if not include_deleted:
        where.append("c.deleted_at IS NULL")
    if not include_merged:
        where.append("c.merged_into IS NULL")
    rows = store.query(
        _CONTRIBUTION_SELECT + "WHERE " + " AND ".join(where) + " ORDER BY c.created_at, c.id",
        {"w": workshop_id},
    )
    comments: dict[str, list[Comment]] = {}
    comment_where = "" if include_hidden else " AND m.hidden = 0"
    for r in store.query(
        "SELECT m.*, g.name AS group_name FROM workshop_comments m JOIN workshop_groups g "
        "ON g.id = m.group_id WHERE m.workshop_id = :w AND m.deleted_at IS NULL"
        + comment_where
        + " ORDER BY m.created_at",
        {"w": workshop_id},
    ):
        comments.setdefault(r["contribution_id"], []).append(_comment_from_row(r))
    return [_contribution_from_row(r, tuple(comments.get(r["id"], ()))) for r in rows]


def _own_live_contribution(tx: Transaction, who: Participant, contribution_id: str) -> Row:
    row = tx.query_one(
        "SELECT * FROM workshop_contributions WHERE id = :id AND workshop_id = :w",
        {"id": contribution_id, "w": who.workshop_id},
    )
    if row is None or row["deleted_at"] is not None:
        raise InputError("that contribution does not exist or was deleted")
    if row["group_id"] != who.group_id:
        raise AuthError("a group can only change its own contributions")
    return row


def update_contribution(
    store: Store,
    who: Participant,
    contribution_id: str,
    *,
    category: str | None = None,
    strategy: str | None = None,
    title: str | None = None,
    comment: str | None = None,
    geometry: object = None,
    zones: ZoneIndex | None = None,
) -> Contribution:
    """Change fields of one of the group's own contributions (audited with the old values).

    Fields left ``None`` keep their value; a new ``geometry`` is placed in a zone again.
    """
    with store.transaction() as tx:
        _require_member(tx, who)
        row = _own_live_contribution(tx, who, contribution_id)
        fields = _check_fields(
            category if category is not None else row["category"],
            strategy if strategy is not None else row["strategy"],
            title if title is not None else row["title"],
            comment if comment is not None else row["comment"],
        )
        geom_text, geom_type, zone_id = row["geometry"], row["geom_type"], row["zone_id"]
        if geometry is not None:
            geom = geometry_from_input(geometry)
            geom_text, geom_type = geometry_to_text(geom), None if geom is None else geom.geom_type
            zone_id = (zones or default_zone_index()).zone_for(geom)
        old = {k: row[k] for k in ("category", "strategy", "title", "comment", "zone_id")}
        tx.execute(
            "UPDATE workshop_contributions SET category = :category, strategy = :strategy, "
            "title = :title, comment = :comment, geometry = :geometry, geom_type = :gt, "
            "zone_id = :zone, updated_at = :at WHERE id = :id",
            {
                "category": fields.category,
                "strategy": fields.strategy,
                "title": fields.title,
                "comment": fields.comment,
                "geometry": geom_text,
                "gt": geom_type,
                "zone": zone_id,
                "at": utc_now(),
                "id": contribution_id,
            },
        )
        _audit(tx, who.workshop_id, f"group:{who.group_id}", "edit", contribution_id, old)
        return get_contribution(store, contribution_id, _tx=tx)


def delete_contribution(store: Store, who: Participant, contribution_id: str) -> None:
    """Soft-delete one of the group's own contributions (kept, marked, audited)."""
    with store.transaction() as tx:
        _require_member(tx, who)
        row = _own_live_contribution(tx, who, contribution_id)
        tx.execute(
            "UPDATE workshop_contributions SET deleted_at = :at WHERE id = :id",
            {"at": utc_now(), "id": contribution_id},
        )
        _audit(
            tx,
            who.workshop_id,
            f"group:{who.group_id}",
            "delete",
            contribution_id,
            {"title": row["title"]},
        )


# ------------------------------------------------------------------------ comments, votes


def add_comment(store: Store, who: Participant, contribution_id: str, body: str) -> Comment:
    """Add a remark to a contribution's thread.

    One group, session and address may add `MAX_COMMENTS_PER_MINUTE`,
    `MAX_COMMENTS_PER_CLIENT_PER_MINUTE` and `MAX_COMMENTS_PER_ADDRESS_PER_MINUTE`
    comments per minute (`RateLimitError` says when to try again).
    """
    text = clean_text(body, what="the comment", max_chars=MAX_COMMENT_CHARS)
    comment_id = new_id()
    now = datetime.now(UTC)
    at = now.isoformat(timespec="microseconds")
    with store.transaction() as tx:
        _require_member(tx, who)
        _live_visible(tx, who.workshop_id, contribution_id)
        _rate_check(
            tx,
            "workshop_comments",
            (
                ("group_id", who.group_id, MAX_COMMENTS_PER_MINUTE, f"group {who.group_name!r}"),
                ("client", who.client, MAX_COMMENTS_PER_CLIENT_PER_MINUTE, "this session"),
                ("address", who.address, MAX_COMMENTS_PER_ADDRESS_PER_MINUTE, "this address"),
            ),
            who.workshop_id,
            now,
        )
        tx.execute(
            "INSERT INTO workshop_comments (id, workshop_id, contribution_id, group_id, body, "
            "created_at, client, address) VALUES (:id, :w, :c, :g, :body, :at, :client, :addr)",
            {
                "id": comment_id,
                "w": who.workshop_id,
                "c": contribution_id,
                "g": who.group_id,
                "body": text,
                "at": at,
                "client": who.client,
                "addr": who.address,
            },
        )
        _audit(tx, who.workshop_id, f"group:{who.group_id}", "comment", comment_id, {})
    return Comment(comment_id, contribution_id, who.group_id, who.group_name, text, at)


def _live_visible(tx: Transaction, workshop_id: str, contribution_id: str) -> Row:
    row = tx.query_one(
        "SELECT * FROM workshop_contributions WHERE id = :id AND workshop_id = :w",
        {"id": contribution_id, "w": workshop_id},
    )
    if row is None or row["deleted_at"] is not None or row["hidden"]:
        raise InputError("that contribution is not on the board (deleted or hidden)")
    if row["merged_into"] is not None:
        raise InputError("that contribution was merged into another; use that one")
    return row


def _budget(tx: Transaction | Store, who: Participant) -> VoteBudget:
    total = tx.query_one(
        "SELECT votes_per_group AS n FROM workshop_workshops WHERE id = :w",
        {"w": who.workshop_id},
    )
    used = tx.query_one(
        "SELECT COUNT(*) AS n FROM workshop_votes v JOIN workshop_contributions c "
        "ON c.id = v.contribution_id WHERE v.group_id = :g AND c.deleted_at IS NULL",
        {"g": who.group_id},
    )
    return VoteBudget(total=int(total["n"]) if total else 0, used=int(used["n"]) if used else 0)


def vote_budget(store: Store, who: Participant) -> VoteBudget:
    """How many dots the group has and has used (votes on deleted items are given back)."""
    return _budget(store, who)


def cast_vote(store: Store, who: Participant, contribution_id: str) -> VoteBudget:
    """Place one of the group's dots on a contribution; return the budget after it.

    A group may put several dots on one contribution. `InputError` when no dot is left.
    """
    with store.transaction() as tx:
        _require_member(tx, who)
        _live_visible(tx, who.workshop_id, contribution_id)
        budget = _budget(tx, who)
        if budget.left <= 0:
            raise InputError(
                f"group {who.group_name!r} has used all {budget.total} votes; "
                "take a vote back to move it"
            )
        vote_id = new_id()
        tx.execute(
            "INSERT INTO workshop_votes (id, workshop_id, contribution_id, group_id, created_at) "
            "VALUES (:id, :w, :c, :g, :at)",
            {
                "id": vote_id,
                "w": who.workshop_id,
                "c": contribution_id,
                "g": who.group_id,
                "at": utc_now(),
            },
        )
        _audit(tx, who.workshop_id, f"group:{who.group_id}", "vote", contribution_id, {})
        return _budget(tx, who)


def retract_vote(store: Store, who: Participant, contribution_id: str) -> VoteBudget:
    """Take back one of the group's dots from a contribution."""
    with store.transaction() as tx:
        _require_member(tx, who)
        row = tx.query_one(
            "SELECT id FROM workshop_votes WHERE group_id = :g AND contribution_id = :c "
            "ORDER BY created_at DESC LIMIT 1",
            {"g": who.group_id, "c": contribution_id},
        )
        if row is None:
            raise InputError("this group has no vote on that contribution")
        tx.execute("DELETE FROM workshop_votes WHERE id = :id", {"id": row["id"]})
        _audit(tx, who.workshop_id, f"group:{who.group_id}", "unvote", contribution_id, {})
        return _budget(tx, who)


def group_votes(store: Store, who: Participant) -> dict[str, int]:
    """Dots this group placed, by contribution id."""
    rows = store.query(
        "SELECT contribution_id, COUNT(*) AS n FROM workshop_votes WHERE group_id = :g "
        "GROUP BY contribution_id",
        {"g": who.group_id},
    )
    return {r["contribution_id"]: int(r["n"]) for r in rows}


# ------------------------------------------------------------------------------ moderation


def verify_pin(store: Store, code: str, pin: str, *, now: datetime | None = None) -> Workshop:
    """Check the facilitator PIN of workshop ``code``; return the workshop when right.

    After `FREE_PIN_ATTEMPTS` wrong PINs within `PIN_WINDOW`, each further attempt must
    wait 1, 2, 4, ... seconds (at most `MAX_PIN_WAIT_S`) after the last wrong one; an
    attempt made too early is refused without checking the PIN.

    Raises
    ------
    AuthError
        Unknown code, wrong PIN, or too many wrong PINs (the message says how long to wait).
    """
    workshop = get_workshop(store, code)
    now = now or datetime.now(UTC)
    window_start = (now - PIN_WINDOW).isoformat(timespec="microseconds")
    # check and count in one transaction: the attempt is counted as wrong before the
    # (slow) hash check, so parallel attempts cannot all pass the throttle
    with store.transaction() as tx:
        failures = tx.query_one(
            "SELECT COUNT(*) AS n, MAX(at) AS last FROM workshop_pin_failures "
            "WHERE workshop_id = :w AND at >= :since",
            {"w": workshop.id, "since": window_start},
        )
        remaining = (
            0.0
            if failures is None
            else _backoff_remaining_s(
                int(failures["n"]), failures["last"], FREE_PIN_ATTEMPTS, MAX_PIN_WAIT_S, now
            )
        )
        if remaining > 0:
            raise AuthError(
                f"too many wrong PINs; wait {math.ceil(remaining)} s before trying again"
            )
        attempt = tx.execute(
            "INSERT INTO workshop_pin_failures (workshop_id, at) VALUES (:w, :at)",
            {"w": workshop.id, "at": now.isoformat(timespec="microseconds")},
        ).lastrowid
        row = tx.query_one(
            "SELECT pin_hash FROM workshop_workshops WHERE id = :w", {"w": workshop.id}
        )
    if row is None or not isinstance(pin, str) or not pin_matches(pin, row["pin_hash"]):
        with store.transaction() as tx:
            _audit(tx, workshop.id, "unknown", "wrong_pin", None, {})
        raise AuthError("wrong facilitator PIN; nothing was changed")
    with store.transaction() as tx:
        tx.execute(
            "DELETE FROM workshop_pin_failures WHERE workshop_id = :w AND at <= :at",
            {"w": workshop.id, "at": now.isoformat(timespec="microseconds")},
        )
        tx.execute("DELETE FROM workshop_pin_failures WHERE rowid = :id", {"id": attempt})
    return workshop


def _moderated(tx: Transaction, workshop_id: str, contribution_id: str) -> Row:
    row = tx.query_one(
        "SELECT * FROM workshop_contributions WHERE id = :id AND workshop_id = :w",
        {"id": contribution_id, "w": workshop_id},
    )
    if row is None:
        raise InputError("no such contribution in this workshop")
    return row


def set_hidden(store: Store, code: str, pin: str, contribution_id: str, *, hidden: bool) -> None:
    """Hide a contribution from the board and maps (or show it again); needs the PIN."""
    workshop = verify_pin(store, code, pin)
    with store.transaction() as tx:
        _moderated(tx, workshop.id, contribution_id)
        tx.execute(
            "UPDATE workshop_contributions SET hidden = :h WHERE id = :id",
            {"h": int(hidden), "id": contribution_id},
        )
        _audit(tx, workshop.id, "facilitator", "hide" if hidden else "show", contribution_id)


def set_pinned(store: Store, code: str, pin: str, contribution_id: str, *, pinned: bool) -> None:
    """Pin a contribution to the top of its board cell (or unpin it); needs the PIN."""
    workshop = verify_pin(store, code, pin)
    with store.transaction() as tx:
        _moderated(tx, workshop.id, contribution_id)
        tx.execute(
            "UPDATE workshop_contributions SET pinned = :p WHERE id = :id",
            {"p": int(pinned), "id": contribution_id},
        )
        _audit(tx, workshop.id, "facilitator", "pin" if pinned else "unpin", contribution_id)


def hide_comment(store: Store, code: str, pin: str, comment_id: str) -> None:
    """Hide one comment of a thread; needs the PIN."""
    workshop = verify_pin(store, code, pin)
    with store.transaction() as tx:
        changed = tx.execute(
            "UPDATE workshop_comments SET hidden = 1 WHERE id = :id AND workshop_id = :w",
            {"id": comment_id, "w": workshop.id},
        )
        if changed.rowcount != 1:
            raise InputError("no such comment in this workshop")
        _audit(tx, workshop.id, "facilitator", "hide_comment", comment_id)


def merge_duplicates(
    store: Store, code: str, pin: str, *, keep_id: str, duplicate_id: str
) -> Contribution:
    """Merge a duplicate into the one to keep: its votes and comments move over; needs the PIN.

    The duplicate stays in the store, marked ``merged_into`` (audited with the moved ids).
    """
    if keep_id == duplicate_id:
        raise InputError("choose two different contributions to merge")
    workshop = verify_pin(store, code, pin)
    with store.transaction() as tx:
        keep = _moderated(tx, workshop.id, keep_id)
        dup = _moderated(tx, workshop.id, duplicate_id)
        if keep["deleted_at"] or keep["merged_into"]:
            raise InputError("the contribution to keep was deleted or merged itself")
        if dup["merged_into"]:
            raise InputError("that duplicate was merged already")
        votes = [
            r["id"]
            for r in tx.query(
                "SELECT id FROM workshop_votes WHERE contribution_id = :d", {"d": duplicate_id}
            )
        ]
        comments = [
            r["id"]
            for r in tx.query(
                "SELECT id FROM workshop_comments WHERE contribution_id = :d", {"d": duplicate_id}
            )
        ]
        params = {"k": keep_id, "d": duplicate_id}
        tx.execute(
            "UPDATE workshop_votes SET contribution_id = :k WHERE contribution_id = :d", params
        )
        tx.execute(
            "UPDATE workshop_comments SET contribution_id = :k WHERE contribution_id = :d", params
        )
        tx.execute(
            "UPDATE workshop_contributions SET merged_into = :k, updated_at = :at WHERE id = :d",
            {**params, "at": utc_now()},
        )
        _audit(
            tx,
            workshop.id,
            "facilitator",
            "merge",
            duplicate_id,
            {"into": keep_id, "votes": votes, "comments": comments},
        )
        return get_contribution(store, keep_id, _tx=tx)


def audit_log(store: Store, workshop_id: str) -> list[AuditEntry]:
    """Every recorded change of a workshop, oldest first."""
    rows = store.query(
        "SELECT * FROM workshop_audit WHERE workshop_id = :w ORDER BY at, id", {"w": workshop_id}
    )
    return [
        AuditEntry(
            id=r["id"],
            workshop_id=r["workshop_id"],
            actor=r["actor"],
            action=r["action"],
            target_id=r["target_id"],
            detail=json.loads(r["detail"]),
            at=r["at"],
        )
        for r in rows
    ]


# ------------------------------------------------------------------- board and live views


def build_board(
    store: Store,
    workshop: Workshop,
    *,
    zone_ids: Sequence[str] = (),
    max_per_cell: int = MAX_BOARD_CARDS_PER_CELL,
) -> Board:
    """The deliberation board of a workshop (hidden, deleted and merged items left out).

    ``zone_ids`` lists every zone column (from the zones layer); the workshop's zones in
    focus come first, then the other zones, then any zone found only in the data, then
    `ELSEWHERE` and `NO_PLACE`.
    """
    items = list_contributions(store, workshop.id)
    order = list(dict.fromkeys([*workshop.zones_in_focus, *zone_ids]))
    for c in items:
        if c.zone_id not in order and c.zone_id not in (ELSEWHERE, NO_PLACE):
            order.append(c.zone_id)
    columns = (*order, ELSEWHERE, NO_PLACE)
    cells: dict[tuple[str, str], list[Contribution]] = {}
    for c in items:
        cells.setdefault((c.strategy, c.zone_id), []).append(c)
    sorted_cells: dict[tuple[str, str], tuple[Contribution, ...]] = {}
    more: dict[tuple[str, str], int] = {}
    more_comments: dict[str, int] = {}
    for key, value in cells.items():
        ranked = sorted(value, key=lambda c: (not c.pinned, -c.votes, c.created_at))
        shown = ranked[:max_per_cell]
        if len(ranked) > len(shown):
            more[key] = len(ranked) - len(shown)
        trimmed = []
        for c in shown:
            if len(c.comments) > MAX_BOARD_COMMENTS_PER_CARD:
                more_comments[c.id] = len(c.comments) - MAX_BOARD_COMMENTS_PER_CARD
                c = replace(c, comments=c.comments[-MAX_BOARD_COMMENTS_PER_CARD:])
            trimmed.append(c)
        sorted_cells[key] = tuple(trimmed)
    return Board(
        strategies=STRATEGIES,
        columns=columns,
        cells=sorted_cells,
        more=more,
        more_comments=more_comments,
    )


#: Columns of `contributions_frame` by default (then ``geometry``).
FRAME_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "group_id",
    "group_name",
    "category",
    "strategy",
    "title",
    "comment",
    "zone_id",
    "geom_type",
    "votes",
    "n_comments",
    "hidden",
    "pinned",
    "created_at",
    "updated_at",
    "approximate",
)


def _contribution_record(c: Contribution) -> dict[str, Any]:
    """Every column `contributions_frame` can give for ``c``, and its geometry."""
    return {
        "id": c.id,
        "group_id": c.group_id,
        "group_name": c.group_name,
        "category": c.category,
        "strategy": c.strategy,
        "title": c.title,
        "comment": c.comment,
        "zone_id": c.zone_id,
        "geom_type": c.geom_type or "",
        "votes": c.votes,
        "n_comments": len(c.comments),
        "hidden": c.hidden,
        "pinned": c.pinned,
        "merged_into": c.merged_into or "",
        "deleted_at": c.deleted_at or "",
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "approximate": True,
        "geometry": c.geometry,
    }


def contributions_frame(
    store: Store,
    workshop_id: str,
    *,
    include_hidden: bool = False,
    include_deleted: bool = False,
    include_merged: bool = False,
    columns: Sequence[str] = FRAME_COLUMNS,
) -> gpd.GeoDataFrame:
    """Contributions as a GeoDataFrame (EPSG:4326); notes have an empty geometry.

    ``columns`` (then ``geometry``) are picked from: id, group_id, group_name, category,
    strategy, title, comment, zone_id, geom_type, votes, n_comments, hidden, pinned,
    merged_into and deleted_at ("" when not), created_at, updated_at, approximate (always
    True: shapes are hand-drawn). The ``include_*`` flags are those of `list_contributions`.
    """
    items = list_contributions(
        store,
        workshop_id,
        include_hidden=include_hidden,
        include_deleted=include_deleted,
        include_merged=include_merged,
    )
    records = [_contribution_record(c) for c in items]
    frame = pd.DataFrame.from_records(records, columns=[*columns, "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.STORE_CRS)


def tallies_by_zone_category(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Counts of contributions per zone (rows) and category (columns), with a total column."""
    table = pd.crosstab(frame["zone_id"], frame["category"]) if len(frame) else pd.DataFrame()
    table = table.reindex(columns=list(CATEGORIES), fill_value=0)
    table["total"] = table.sum(axis=1)
    return table


def participation(store: Store, workshop_id: str) -> pd.DataFrame:
    """Per group: contributions, comments, votes used, and how much it mapped.

    Columns: group_name, contributions, notes, points, lines, polygons, mapped_length_km
    (lines, measured in EPSG:32647), mapped_area_km2 (polygons), comments, votes_used.
    Every group that joined is listed, also those that contributed nothing.
    """
    groups = store.query(
        "SELECT id, name FROM workshop_groups WHERE workshop_id = :w ORDER BY created_at",
        {"w": workshop_id},
    )
    frame = contributions_frame(store, workshop_id, include_hidden=True)
    comments = {
        r["group_id"]: int(r["n"])
        for r in store.query(
            "SELECT group_id, COUNT(*) AS n FROM workshop_comments WHERE workshop_id = :w "
            "AND deleted_at IS NULL GROUP BY group_id",
            {"w": workshop_id},
        )
    }
    votes = {
        r["group_id"]: int(r["n"])
        for r in store.query(
            "SELECT v.group_id, COUNT(*) AS n FROM workshop_votes v JOIN workshop_contributions c "
            "ON c.id = v.contribution_id WHERE v.workshop_id = :w AND c.deleted_at IS NULL "
            "GROUP BY v.group_id",
            {"w": workshop_id},
        )
    }
    metric = frame.to_crs(settings.METRIC_CRS) if len(frame) else frame
    rows = []
    for g in groups:
        mine = metric[metric["group_id"] == g["id"]] if len(metric) else metric
        kinds = mine["geom_type"].value_counts() if len(mine) else pd.Series(dtype=int)
        lines = mine[mine["geom_type"] == "LineString"] if len(mine) else mine
        polys = mine[mine["geom_type"] == "Polygon"] if len(mine) else mine
        rows.append(
            {
                "group_name": g["name"],
                "contributions": len(mine),
                "notes": int(kinds.get("", 0)),
                "points": int(kinds.get("Point", 0)),
                "lines": int(kinds.get("LineString", 0)),
                "polygons": int(kinds.get("Polygon", 0)),
                "mapped_length_km": round(float(lines.length.sum()) / 1000, 3)
                if len(lines)
                else 0.0,
                "mapped_area_km2": round(float(polys.area.sum()) / 1e6, 4) if len(polys) else 0.0,
                "comments": comments.get(g["id"], 0),
                "votes_used": votes.get(g["id"], 0),
            }
        )
    return pd.DataFrame.from_records(
        rows,
        columns=[
            "group_name",
            "contributions",
            "notes",
            "points",
            "lines",
            "polygons",
            "mapped_length_km",
            "mapped_area_km2",
            "comments",
            "votes_used",
        ],
    )


def heat_points(frame: gpd.GeoDataFrame) -> list[tuple[float, float]]:
    """(lat, lon) of every point contribution, for a heat map."""
    points = frame[frame["geom_type"] == "Point"] if len(frame) else frame
    return [(float(g.y), float(g.x)) for g in points.geometry]
