"""Contributions and their comment threads: add, update, delete, read."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from shapely.geometry.base import BaseGeometry

from cmgis._errors import AuthError, InputError
from cmgis.store import (
    Row,
    Store,
    Transaction,
    geometry_to_text,
    new_id,
    utc_now,
)
from cmgis.vocab import parse_strategy, strategy_to_store
from cmgis.workshop.access import normalise_code, rate_check, require_member
from cmgis.workshop.geometry import ZoneIndex, default_zone_index, geometry_from_input
from cmgis.workshop.records import (
    CATEGORIES,
    CONTRIBUTION_SELECT,
    MAX_COMMENT_CHARS,
    MAX_COMMENTS_PER_ADDRESS_PER_MINUTE,
    MAX_COMMENTS_PER_CLIENT_PER_MINUTE,
    MAX_COMMENTS_PER_MINUTE,
    MAX_CONTRIBUTIONS_PER_ADDRESS_PER_MINUTE,
    MAX_CONTRIBUTIONS_PER_CLIENT_PER_MINUTE,
    MAX_CONTRIBUTIONS_PER_MINUTE,
    MAX_TITLE_CHARS,
    NO_PLACE,
    Comment,
    Contribution,
    Participant,
    checked_choice,
    clean_text,
    comment_from_row,
    contribution_from_row,
    one_line,
    write_audit,
)

#: How long a save keeps trying while the shared database is unreachable (a restart takes
#: a few seconds); then the user is told that the entry was not saved.
SAVE_RETRY_S = 8.0


@dataclass(frozen=True)
class _Fields:
    category: str
    strategy: str
    title: str
    comment: str


def _check_fields(category: object, strategy: object, title: object, comment: object) -> _Fields:
    return _Fields(
        category=checked_choice(category, CATEGORIES, what="category"),
        strategy=parse_strategy(strategy),
        title=one_line(clean_text(title, what="the title", max_chars=MAX_TITLE_CHARS)),
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
    step: str = "",
) -> Contribution:
    """Validate and save one contribution at once; return it with its stable id.

    Long because the docstring names every field and limit; the body is a few checked steps.

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
    step
        The workshop step (board column) it answers, one of `Workshop.steps`; ``""`` when
        the workshop has none (then the first step is used if it has some).

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

    def save(tx: Transaction) -> Contribution | None:
        nonlocal step  # the checked step, for the record returned
        if _member_and_saved(tx, who, cid):
            return get_contribution(store, cid, _tx=tx)  # already saved: a retry
        rate_check(
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
        step = _checked_step(tx, who.workshop_id, step)
        _insert_contribution(tx, who, cid, fields, geom, zone_id, at, step)
        return None

    # the id is fixed, so running `save` again after a lost connection stores it once
    existing = store.write_retrying(save, within_s=SAVE_RETRY_S)
    if existing is not None:
        return existing
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
        step=step,
    )


def _checked_step(tx: Transaction, workshop_id: str, step: str) -> str:
    """``step`` if the workshop has it; its first step when ``step`` is empty; else refused."""
    row = tx.query_one("SELECT steps FROM workshop_workshops WHERE id = :w", {"w": workshop_id})
    steps = json.loads((row or {}).get("steps") or "[]")
    if not step:
        return str(steps[0]) if steps else ""
    if step not in steps:
        raise InputError(f"step {step[:40]!r} is not a step of this workshop ({', '.join(steps)})")
    return step


def _member_and_saved(tx: Transaction, who: Participant, cid: str) -> bool:
    """Whether contribution ``cid`` is saved already; `AuthError` when ``who`` is no member.

    One statement for both checks: few statements keep the write lock short.
    """
    check = tx.query_one(
        "SELECT (SELECT COUNT(*) FROM workshop_groups g JOIN workshop_workshops w "
        "ON w.id = g.workshop_id WHERE g.id = :g AND w.id = :w AND w.code = :code) AS member, "
        "(SELECT COUNT(*) FROM workshop_contributions WHERE id = :id) AS saved",
        {"g": who.group_id, "w": who.workshop_id, "code": normalise_code(who.code), "id": cid},
    )
    if check is None or not check["member"]:
        raise AuthError(
            "this group has not joined the workshop with that code; join again",
            key="errors.group.not_joined",
        )
    return bool(check["saved"])


def _insert_contribution(
    tx: Transaction,
    who: Participant,
    cid: str,
    fields: _Fields,
    geom: BaseGeometry | None,
    zone_id: str,
    at: str,
    step: str = "",
) -> None:
    """Insert a checked contribution and its audit row (the strategy in the stored spelling)."""
    tx.execute(
        "INSERT INTO workshop_contributions (id, workshop_id, group_id, category, strategy, "
        "title, comment, geometry, geom_type, zone_id, created_at, updated_at, client, "
        "address, step) VALUES (:id, :w, :g, :category, :strategy, :title, :comment, "
        ":geometry, :geom_type, :zone, :at, :at, :client, :address, :step)",
        {
            "step": step,
            "client": who.client,
            "address": who.address,
            "id": cid,
            "w": who.workshop_id,
            "g": who.group_id,
            "category": fields.category,
            "strategy": strategy_to_store(fields.strategy),
            "title": fields.title,
            "comment": fields.comment,
            "geometry": geometry_to_text(geom),
            "geom_type": None if geom is None else geom.geom_type,
            "zone": zone_id,
            "at": at,
        },
    )
    write_audit(tx, who.workshop_id, f"group:{who.group_id}", "add", cid, {})


def get_contribution(
    store: Store, contribution_id: str, *, _tx: Transaction | None = None
) -> Contribution:
    """One contribution (deleted ones too) with its votes and comments."""
    reader: Transaction | Store = _tx if _tx is not None else store
    row = reader.query_one(CONTRIBUTION_SELECT + "WHERE c.id = :id", {"id": contribution_id})
    if row is None:
        raise InputError(f"no contribution has the id {contribution_id[:40]!r}")
    comment_rows = reader.query(
        "SELECT m.*, g.name AS group_name FROM workshop_comments m JOIN workshop_groups g "
        "ON g.id = m.group_id WHERE m.contribution_id = :id AND m.deleted_at IS NULL "
        "ORDER BY m.created_at",
        {"id": contribution_id},
    )
    return contribution_from_row(row, tuple(comment_from_row(r) for r in comment_rows))


def list_contributions(
    store: Store,
    workshop_id: str,
    *,
    include_hidden: bool = False,
    include_deleted: bool = False,
    include_merged: bool = False,
) -> list[Contribution]:
    """Contributions of a workshop, oldest first, with vote counts and comment threads."""
    where = ["c.workshop_id = :w"]
    if not include_hidden:
        where.append("c.hidden = 0")
    if not include_deleted:
        where.append("c.deleted_at IS NULL")
    if not include_merged:
        where.append("c.merged_into IS NULL")
    rows = store.query(
        CONTRIBUTION_SELECT + "WHERE " + " AND ".join(where) + " ORDER BY c.created_at, c.id",
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
        comments.setdefault(r["contribution_id"], []).append(comment_from_row(r))
    return [contribution_from_row(r, tuple(comments.get(r["id"], ()))) for r in rows]


def without_hidden(items: Sequence[Contribution]) -> list[Contribution]:
    """What `list_contributions` gives by default, from what it gave with
    ``include_hidden=True``: hidden contributions and hidden comments left out."""
    return [
        replace(c, comments=tuple(m for m in c.comments if not m.hidden))
        if any(m.hidden for m in c.comments)
        else c
        for c in items
        if not c.hidden
    ]


def _own_live_contribution(tx: Transaction, who: Participant, contribution_id: str) -> Row:
    row = tx.query_one(
        "SELECT * FROM workshop_contributions WHERE id = :id AND workshop_id = :w",
        {"id": contribution_id, "w": who.workshop_id},
    )
    if row is None or row["deleted_at"] is not None:
        raise InputError(
            "that contribution does not exist or was deleted", key="errors.contribution.missing"
        )
    if row["group_id"] != who.group_id:
        raise AuthError(
            "a group can only change its own contributions", key="errors.contribution.not_own"
        )
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
        require_member(tx, who)
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
                "strategy": strategy_to_store(fields.strategy),
                "title": fields.title,
                "comment": fields.comment,
                "geometry": geom_text,
                "gt": geom_type,
                "zone": zone_id,
                "at": utc_now(),
                "id": contribution_id,
            },
        )
        write_audit(tx, who.workshop_id, f"group:{who.group_id}", "edit", contribution_id, old)
        return get_contribution(store, contribution_id, _tx=tx)


def delete_contribution(store: Store, who: Participant, contribution_id: str) -> None:
    """Soft-delete one of the group's own contributions (kept, marked, audited)."""
    with store.transaction() as tx:
        require_member(tx, who)
        row = _own_live_contribution(tx, who, contribution_id)
        tx.execute(
            "UPDATE workshop_contributions SET deleted_at = :at WHERE id = :id",
            {"at": utc_now(), "id": contribution_id},
        )
        write_audit(
            tx,
            who.workshop_id,
            f"group:{who.group_id}",
            "delete",
            contribution_id,
            {"title": row["title"]},
        )


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
        require_member(tx, who)
        live_visible(tx, who.workshop_id, contribution_id)
        rate_check(
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
        write_audit(tx, who.workshop_id, f"group:{who.group_id}", "comment", comment_id, {})
    return Comment(comment_id, contribution_id, who.group_id, who.group_name, text, at)


def live_visible(tx: Transaction, workshop_id: str, contribution_id: str) -> Row:
    """The row of a contribution on the board; `InputError` if deleted, hidden or merged."""
    row = tx.query_one(
        "SELECT * FROM workshop_contributions WHERE id = :id AND workshop_id = :w",
        {"id": contribution_id, "w": workshop_id},
    )
    if row is None or row["deleted_at"] is not None or row["hidden"]:
        raise InputError(
            "that contribution is not on the board (deleted or hidden)",
            key="errors.contribution.not_on_board",
        )
    if row["merged_into"] is not None:
        raise InputError(
            "that contribution was merged into another; use that one",
            key="errors.contribution.merged",
        )
    return row
