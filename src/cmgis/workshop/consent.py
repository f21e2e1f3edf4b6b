"""Consent and anonymity (Thailand's Personal Data Protection Act 2019, B.E. 2562).

Participants join under a group name by default and nothing personal is kept. When the
facilitator asks for names or contacts (`Workshop.ask_details`), the participant reads the
facilitator's consent text and may refuse: they take part all the same and nothing
personal is stored. Given details are kept in ``workshop_people`` with a copy of the text
consented to. A facilitator deletes one participant's data on request
(`delete_participant`), leaving an audit row without the deleted names. Exports replace
group names by pseudonyms unless the facilitator chooses otherwise (`pseudonyms`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cmgis._errors import InputError
from cmgis.accounts.roles import Actor
from cmgis.store import Store, Transaction, new_id, utc_now
from cmgis.workshop.access import (
    facilitator_label,
    get_workshop,
    hall_fields,
    require_member,
    verify_pin,
)
from cmgis.workshop.records import (
    MAX_CONTACT_CHARS,
    MAX_PERSON_NAME_CHARS,
    Participant,
    Workshop,
    clean_text,
    one_line,
    write_audit,
)


@dataclass(frozen=True)
class Person:
    """Details one participant gave with consent (only the facilitator sees them)."""

    id: str
    group_id: str
    group_name: str
    person_name: str
    contact: str
    consent_text: str
    created_at: str


@dataclass(frozen=True)
class Deletion:
    """What `delete_participant` removed: counts only, never the removed text."""

    group_id: str
    contributions: int
    comments: int
    votes: int
    people: int


def set_hall_options(
    store: Store,
    code: str,
    pin: str,
    *,
    allow_anonymous: bool,
    ask_details: str,
    consent_en: str = "",
    consent_th: str = "",
    actor: Actor | None = None,
) -> Workshop:
    """Set whether groups may be anonymous and what details are asked (needs the PIN, or
    a facilitator account as ``actor``).

    Asking for details (``ask_details`` other than ``"none"``) needs the consent text in
    Thai and English; `InputError` otherwise.
    """
    workshop = verify_pin(store, code, pin, actor=actor)
    fields = hall_fields(
        allow_anonymous=allow_anonymous, ask_details=ask_details, consent_en=consent_en,
        consent_th=consent_th, categories=workshop.categories, steps=workshop.steps,
    )  # fmt: skip
    with store.transaction() as tx:
        tx.execute(
            "UPDATE workshop_workshops SET allow_anonymous = :allow_anonymous, "
            "ask_details = :ask_details, consent_en = :consent_en, consent_th = :consent_th "
            "WHERE id = :id",
            {**fields, "id": workshop.id},
        )
        detail = {"allow_anonymous": bool(allow_anonymous), "ask_details": ask_details}
        write_audit(tx, workshop.id, facilitator_label(actor), "hall_options", workshop.id, detail)
    return get_workshop(store, workshop.code)


def record_consent(
    store: Store,
    who: Participant,
    *,
    consent: bool,
    person_name: str = "",
    contact: str = "",
) -> Person | None:
    """Record a participant's answer to the consent text; keep details only if they agree.

    Refusing (``consent=False``) stores nothing personal: the group takes part as before,
    and the audit says only that consent was refused. Agreeing stores the name (and the
    contact when asked for) with a copy of the consent text in both languages.
    """
    workshop = get_workshop(store, who.code)
    if workshop.ask_details == "none":
        raise InputError("this workshop does not ask for names or contacts")
    with store.transaction() as tx:
        require_member(tx, who)
        if not consent:
            write_audit(tx, workshop.id, f"group:{who.group_id}", "consent_refused",
                        who.group_id, {})  # fmt: skip
            return None
        name = one_line(clean_text(person_name, what="your name", max_chars=MAX_PERSON_NAME_CHARS))
        reach = ""
        if workshop.ask_details == "name_contact":
            reach = one_line(
                clean_text(contact, what="the contact", max_chars=MAX_CONTACT_CHARS,
                           required=False)
            )  # fmt: skip
        text = json.dumps({"en": workshop.consent_en, "th": workshop.consent_th},
                          ensure_ascii=False)  # fmt: skip
        person_id, at = new_id(), utc_now()
        tx.execute(
            "INSERT INTO workshop_people (id, workshop_id, group_id, person_name, contact, "
            "consent_text, created_at) VALUES (:id, :w, :g, :name, :contact, :text, :at)",
            {"id": person_id, "w": workshop.id, "g": who.group_id, "name": name,
             "contact": reach, "text": text, "at": at},
        )  # fmt: skip
        write_audit(tx, workshop.id, f"group:{who.group_id}", "consent_given", person_id, {})
    return Person(person_id, who.group_id, who.group_name, name, reach, text, at)


def list_people(store: Store, code: str, pin: str, *, actor: Actor | None = None) -> list[Person]:
    """Names and contacts given with consent in workshop ``code`` (needs the PIN, or a
    facilitator account as ``actor``)."""
    workshop = verify_pin(store, code, pin, actor=actor)
    return people_of(store, workshop.id)


def people_of(store: Store | Transaction, workshop_id: str) -> list[Person]:
    """Every `Person` of a workshop, by time (for exports the facilitator asked names in)."""
    rows = store.query(
        "SELECT p.*, g.name AS group_name FROM workshop_people p JOIN workshop_groups g "
        "ON g.id = p.group_id WHERE p.workshop_id = :w ORDER BY p.created_at, p.id",
        {"w": workshop_id},
    )
    return [
        Person(r["id"], r["group_id"], r["group_name"], r["person_name"], r["contact"],
               r["consent_text"], r["created_at"])
        for r in rows
    ]  # fmt: skip


def list_groups(store: Store, workshop_id: str) -> list[tuple[str, str]]:
    """``(group id, group name)`` of every group of a workshop, in joining order."""
    rows = store.query(
        "SELECT id, name FROM workshop_groups WHERE workshop_id = :w ORDER BY created_at, id",
        {"w": workshop_id},
    )
    return [(str(r["id"]), str(r["name"])) for r in rows]


def pseudonyms(store: Store | Transaction, workshop_id: str) -> dict[str, str]:
    """A stable pseudonym per group id (``group 1``, ``group 2`` ... in joining order)."""
    rows = store.query(
        "SELECT id FROM workshop_groups WHERE workshop_id = :w ORDER BY created_at, id",
        {"w": workshop_id},
    )
    return {r["id"]: f"group {i}" for i, r in enumerate(rows, start=1)}


def delete_participant(
    store: Store, code: str, pin: str, group_id: str, *, actor: Actor | None = None
) -> Deletion:
    """Delete everything one participant (group) gave, on their request (needs the PIN, or
    a facilitator account as ``actor``).

    Removed for good: their personal details, contributions (with the comments and votes
    others left on them), comments and votes, and their name in earlier audit rows; the
    group keeps a row named ``deleted`` so the audit trail stays whole. One audit row
    ``delete_participant`` records the counts, never the removed text.
    """
    workshop = verify_pin(store, code, pin, actor=actor)
    with store.transaction() as tx:
        group = tx.query_one(
            "SELECT id FROM workshop_groups WHERE id = :g AND workshop_id = :w",
            {"g": group_id, "w": workshop.id},
        )
        if group is None:
            raise InputError("no such participant in this workshop")
        deletion = _delete_rows(tx, workshop.id, group_id)
        write_audit(tx, workshop.id, facilitator_label(actor), "delete_participant", group_id,
                    {"contributions": deletion.contributions, "comments": deletion.comments,
                     "votes": deletion.votes, "people": deletion.people})  # fmt: skip
    return deletion


def _delete_rows(tx: Transaction, workshop_id: str, group_id: str) -> Deletion:
    params = {"g": group_id, "w": workshop_id}
    mine = "SELECT id FROM workshop_contributions WHERE group_id = :g AND workshop_id = :w"
    votes = tx.execute(
        f"DELETE FROM workshop_votes WHERE group_id = :g OR contribution_id IN ({mine})", params
    ).rowcount
    comments = tx.execute(
        f"DELETE FROM workshop_comments WHERE group_id = :g OR contribution_id IN ({mine})",
        params,
    ).rowcount
    tx.execute(
        f"UPDATE workshop_contributions SET merged_into = NULL WHERE merged_into IN ({mine})",
        params,
    )
    contributions = tx.execute(
        "DELETE FROM workshop_contributions WHERE group_id = :g AND workshop_id = :w", params
    ).rowcount
    people = tx.execute(
        "DELETE FROM workshop_people WHERE group_id = :g AND workshop_id = :w", params
    ).rowcount
    tx.execute(
        "UPDATE workshop_groups SET name = :name, name_key = :name, client = '', address = '' "
        "WHERE id = :g",
        {"g": group_id, "name": f"deleted {group_id[:8]}"},
    )
    tx.execute(
        "UPDATE workshop_audit SET detail = '{}' WHERE workshop_id = :w AND "
        "(target_id = :g OR actor = :actor)",
        {"w": workshop_id, "g": group_id, "actor": f"group:{group_id}"},
    )
    return Deletion(group_id, contributions, comments, votes, people)
