"""Workshop records: vocabularies, limits, the dataclasses, errors and row converters.

Shared by every other module of `cmgis.workshop`; it holds no store logic except the
converters from store rows and the audit writer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

from shapely.geometry.base import BaseGeometry

from cmgis._errors import AuthError, InputError
from cmgis.accounts.roles import refuse_if_read_only
from cmgis.store import (
    Row,
    Transaction,
    geometry_from_text,
    new_id,
    utc_now,
)
from cmgis.textclean import clean_typed_text
from cmgis.throttle import CLI_CLIENT as CLI_CLIENT  # kept here for the workshop's users
from cmgis.throttle import Client as Client
from cmgis.throttle import as_client as as_client
from cmgis.vocab import CATEGORIES as CATEGORIES  # the workshop's names for the shared vocabularies
from cmgis.vocab import STAGES as STAGES
from cmgis.vocab import STRATEGY_KEYS, strategy_from_store
from cmgis.vocab import Category as Category
from cmgis.vocab import Stage as Stage
from cmgis.vocab import Strategy as Strategy

# --------------------------------------------------------------------------- vocabularies

#: The 3Ds in their one spelling (`cmgis.vocab`); store rows keep ``driving_spaces``.
STRATEGIES: Final[tuple[Strategy, ...]] = STRATEGY_KEYS
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
#: What a facilitator may ask participants for (always optional, with consent).
ASK_DETAILS: Final[tuple[str, ...]] = ("none", "name", "name_contact")
MAX_CONSENT_CHARS: Final = 4000
MAX_PERSON_NAME_CHARS: Final = 120
MAX_CONTACT_CHARS: Final = 200


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
    #: Groups may join without typing a name (they get "#1", "#2" ...).
    allow_anonymous: bool = False
    #: Personal details the facilitator asks for, with consent: one of `ASK_DETAILS`.
    ask_details: str = "none"
    #: The consent text the participant reads before giving those details.
    consent_en: str = ""
    consent_th: str = ""
    #: Categories offered in this workshop (a template may narrow `CATEGORIES`).
    categories: tuple[Category, ...] = CATEGORIES
    #: Board columns by step (e.g. goals, means, constraints); empty: columns by zone.
    steps: tuple[str, ...] = ()
    #: Username of the account that created it (it facilitates without the PIN); ``None``
    #: for a workshop made with the PIN only (`cmgis.workshop.access.verify_pin`).
    owner: str | None = None


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
    #: The workshop step (board column) when the workshop has steps, else ``""``.
    step: str = ""

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


def clean_text(value: object, *, what: str, max_chars: int, required: bool = True) -> str:
    """Normalise typed text (NFC, no control or bidi-override characters) and check its length.

    Thai and any other script are kept; newlines and tabs are kept, other control
    characters are removed. Raises `InputError` naming ``what`` when the text is empty
    (and ``required``) or longer than ``max_chars`` characters.
    """
    return clean_typed_text(value, what=what, max_chars=max_chars, required=required)


def one_line(text: str) -> str:
    """``text`` on one line: runs of whitespace (newlines too) become one space."""
    return " ".join(text.split())


def checked_choice(value: object, allowed: Sequence[str], *, what: str) -> str:
    """``value`` if it is one of ``allowed``; else `InputError` naming ``what``."""
    if not isinstance(value, str) or value not in allowed:
        raise InputError(f"{what} {value!r} is not known; expected one of {', '.join(allowed)}")
    return value


def workshop_from_row(row: Row) -> Workshop:
    """A `Workshop` from a ``workshop_workshops`` row (the PIN hash is left out)."""
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
        allow_anonymous=bool(row.get("allow_anonymous") or 0),
        ask_details=str(row.get("ask_details") or "none"),
        consent_en=str(row.get("consent_en") or ""),
        consent_th=str(row.get("consent_th") or ""),
        categories=tuple(json.loads(row.get("categories") or "null") or CATEGORIES),
        steps=tuple(json.loads(row.get("steps") or "[]")),
        owner=row.get("owner") or None,
    )


CONTRIBUTION_SELECT = (
    "SELECT c.*, g.name AS group_name, "
    "(SELECT COUNT(*) FROM workshop_votes v WHERE v.contribution_id = c.id) AS votes "
    "FROM workshop_contributions c JOIN workshop_groups g ON g.id = c.group_id "
)


def contribution_from_row(row: Row, comments: tuple[Comment, ...] = ()) -> Contribution:
    """A `Contribution` from a `CONTRIBUTION_SELECT` row (strategy in the code's spelling)."""
    return Contribution(
        id=row["id"],
        workshop_id=row["workshop_id"],
        group_id=row["group_id"],
        group_name=row["group_name"],
        category=row["category"],
        strategy=strategy_from_store(row["strategy"]),
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
        step=str(row.get("step") or ""),
    )


def comment_from_row(row: Row) -> Comment:
    """A `Comment` from a ``workshop_comments`` row joined with its group's name."""
    return Comment(
        id=row["id"],
        contribution_id=row["contribution_id"],
        group_id=row["group_id"],
        group_name=row["group_name"],
        body=row["body"],
        created_at=row["created_at"],
        hidden=bool(row["hidden"]),
    )


def write_audit(
    tx: Transaction,
    workshop_id: str,
    actor: str,
    action: str,
    target_id: str | None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Record one change (who, what, on which record) in ``workshop_audit`` inside ``tx``.

    Every write of a workshop is audited here, so this is also where the public read-only
    app refuses them (`cmgis.accounts.refuse_if_read_only`; the transaction rolls back).
    """
    refuse_if_read_only()
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
