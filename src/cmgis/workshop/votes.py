"""Dot votes: each group's budget, casting and taking back dots."""

from __future__ import annotations

from cmgis._errors import InputError, StoreError
from cmgis.store import (
    Store,
    Transaction,
    new_id,
    utc_now,
)
from cmgis.workshop.access import require_member
from cmgis.workshop.contributions import live_visible
from cmgis.workshop.records import Participant, VoteBudget, write_audit
from cmgis.workshop.schema import VOTE_BUDGET_ERROR


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

    A group may put several dots on one contribution. `InputError` when no dot is left;
    the database refuses a vote over the budget too (two app processes racing for the
    last dot: one gets it, the other gets the same `InputError`).
    """
    try:
        return _cast_vote(store, who, contribution_id)
    except StoreError as err:
        if VOTE_BUDGET_ERROR not in str(err):
            raise
        total = _budget(store, who).total
        raise InputError(
            f"group {who.group_name!r} has used all {total} votes; take a vote back to move it"
        ) from err


def _cast_vote(store: Store, who: Participant, contribution_id: str) -> VoteBudget:
    with store.transaction() as tx:
        require_member(tx, who)
        live_visible(tx, who.workshop_id, contribution_id)
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
        write_audit(tx, who.workshop_id, f"group:{who.group_id}", "vote", contribution_id, {})
        return _budget(tx, who)


def retract_vote(store: Store, who: Participant, contribution_id: str) -> VoteBudget:
    """Take back one of the group's dots from a contribution."""
    with store.transaction() as tx:
        require_member(tx, who)
        row = tx.query_one(
            "SELECT id FROM workshop_votes WHERE group_id = :g AND contribution_id = :c "
            "ORDER BY created_at DESC LIMIT 1",
            {"g": who.group_id, "c": contribution_id},
        )
        if row is None:
            raise InputError("this group has no vote on that contribution")
        tx.execute("DELETE FROM workshop_votes WHERE id = :id", {"id": row["id"]})
        write_audit(tx, who.workshop_id, f"group:{who.group_id}", "unvote", contribution_id, {})
        return _budget(tx, who)


def group_votes(store: Store, who: Participant) -> dict[str, int]:
    """Dots this group placed, by contribution id."""
    rows = store.query(
        "SELECT contribution_id, COUNT(*) AS n FROM workshop_votes WHERE group_id = :g "
        "GROUP BY contribution_id",
        {"g": who.group_id},
    )
    return {r["contribution_id"]: int(r["n"]) for r in rows}
