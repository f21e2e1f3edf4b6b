"""Moderation by the facilitator (PIN or facilitator account): hide, pin, merge; the audit log.

Each action takes ``actor``: the signed-in facilitator account that created the workshop,
or an admin account, needs no PIN (`cmgis.workshop.access.verify_pin`); the audit then
names the account.
"""

from __future__ import annotations

import json

from cmgis._errors import InputError
from cmgis.accounts.roles import Actor
from cmgis.store import (
    Row,
    Store,
    Transaction,
    utc_now,
)
from cmgis.workshop.access import facilitator_label, verify_pin
from cmgis.workshop.contributions import get_contribution
from cmgis.workshop.records import AuditEntry, Contribution, write_audit


def _moderated(tx: Transaction, workshop_id: str, contribution_id: str) -> Row:
    row = tx.query_one(
        "SELECT * FROM workshop_contributions WHERE id = :id AND workshop_id = :w",
        {"id": contribution_id, "w": workshop_id},
    )
    if row is None:
        raise InputError("no such contribution in this workshop")
    return row


def set_hidden(
    store: Store,
    code: str,
    pin: str,
    contribution_id: str,
    *,
    hidden: bool,
    actor: Actor | None = None,
) -> None:
    """Hide a contribution from the board and maps (or show it again); needs the PIN."""
    workshop = verify_pin(store, code, pin, actor=actor)
    with store.transaction() as tx:
        _moderated(tx, workshop.id, contribution_id)
        tx.execute(
            "UPDATE workshop_contributions SET hidden = :h WHERE id = :id",
            {"h": int(hidden), "id": contribution_id},
        )
        write_audit(
            tx, workshop.id, facilitator_label(actor), "hide" if hidden else "show", contribution_id
        )


def set_pinned(
    store: Store,
    code: str,
    pin: str,
    contribution_id: str,
    *,
    pinned: bool,
    actor: Actor | None = None,
) -> None:
    """Pin a contribution to the top of its board cell (or unpin it); needs the PIN."""
    workshop = verify_pin(store, code, pin, actor=actor)
    with store.transaction() as tx:
        _moderated(tx, workshop.id, contribution_id)
        tx.execute(
            "UPDATE workshop_contributions SET pinned = :p WHERE id = :id",
            {"p": int(pinned), "id": contribution_id},
        )
        write_audit(
            tx, workshop.id, facilitator_label(actor), "pin" if pinned else "unpin", contribution_id
        )


def hide_comment(
    store: Store, code: str, pin: str, comment_id: str, *, actor: Actor | None = None
) -> None:
    """Hide one comment of a thread; needs the PIN."""
    workshop = verify_pin(store, code, pin, actor=actor)
    with store.transaction() as tx:
        changed = tx.execute(
            "UPDATE workshop_comments SET hidden = 1 WHERE id = :id AND workshop_id = :w",
            {"id": comment_id, "w": workshop.id},
        )
        if changed.rowcount != 1:
            raise InputError("no such comment in this workshop")
        write_audit(tx, workshop.id, facilitator_label(actor), "hide_comment", comment_id)


def merge_duplicates(
    store: Store,
    code: str,
    pin: str,
    *,
    keep_id: str,
    duplicate_id: str,
    actor: Actor | None = None,
) -> Contribution:
    """Merge a duplicate into the one to keep: its votes and comments move over; needs the PIN.

    The duplicate stays in the store, marked ``merged_into`` (audited with the moved ids).
    """
    if keep_id == duplicate_id:
        raise InputError("choose two different contributions to merge")
    workshop = verify_pin(store, code, pin, actor=actor)
    with store.transaction() as tx:
        # two facilitators (maybe on two app processes) merging crosswise would make a cycle
        tx.lock(f"workshop_merge:{workshop.id}")
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
        write_audit(
            tx,
            workshop.id,
            facilitator_label(actor),
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
