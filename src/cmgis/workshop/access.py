"""Who may do what: join codes, the facilitator PIN and their throttles, and workshops.

Creating, finding, joining and publishing workshops; PIN hashing and checking
(`verify_pin`); the join-code throttle (`find_workshop`) and the per-minute write limits
(`rate_check`). The CLI (`cmgis workshop ...`, `cmgis.sources.providers.resolve_workshop`)
and the UI call these same functions, so both are throttled alike.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn

from cmgis._errors import AuthError, InputError, PermissionDeniedError, StoreError
from cmgis.accounts.records import authorize
from cmgis.accounts.roles import Actor, Role
from cmgis.kdf import encode_secret, encoded_matches
from cmgis.store import (
    Store,
    Transaction,
    new_id,
    utc_now,
)
from cmgis.throttle import backoff_remaining_s
from cmgis.workshop.records import (
    ASK_DETAILS,
    CATEGORIES,
    CLI_CLIENT,
    DEFAULT_VOTES_PER_GROUP,
    FREE_JOIN_ATTEMPTS,
    FREE_JOIN_ATTEMPTS_ALL_CLIENTS,
    FREE_JOIN_ATTEMPTS_PER_ADDRESS,
    FREE_PIN_ATTEMPTS,
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    JOIN_WINDOW,
    MAX_CONSENT_CHARS,
    MAX_GROUP_NAME_CHARS,
    MAX_GROUPS_PER_ADDRESS,
    MAX_GROUPS_PER_CLIENT,
    MAX_JOIN_WAIT_S,
    MAX_PIN_CHARS,
    MAX_PIN_WAIT_S,
    MAX_VOTES_PER_GROUP,
    MAX_WORKSHOP_TITLE_CHARS,
    MIN_PIN_CHARS,
    PIN_WINDOW,
    STAGES,
    Client,
    GroupLimitError,
    Participant,
    RateLimitError,
    TooManyAttemptsError,
    Workshop,
    as_client,
    checked_choice,
    clean_text,
    one_line,
    workshop_from_row,
    write_audit,
)

#: Stored hall options of a workshop made without them (e.g. by an older import).
_HALL_DEFAULTS: dict[str, Any] = {
    "allow_anonymous": 0,
    "ask_details": "none",
    "consent_en": "",
    "consent_th": "",
    "categories": "",
    "steps": "[]",
}


def hash_pin(pin: str) -> str:
    """Salted scrypt hash of a facilitator PIN, as ``scrypt$n$r$p$salt$hash`` (hex)."""
    return encode_secret(pin)


def pin_matches(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches a hash made by `hash_pin` (constant-time comparison)."""
    return encoded_matches(pin, stored)


def _check_new_pin(pin: object) -> str:
    if not isinstance(pin, str) or not (MIN_PIN_CHARS <= len(pin) <= MAX_PIN_CHARS):
        raise InputError(
            f"the facilitator PIN must have {MIN_PIN_CHARS} to {MAX_PIN_CHARS} characters",
            key="errors.pin.length",
            low=MIN_PIN_CHARS,
            high=MAX_PIN_CHARS,
        )
    if pin.strip() != pin:
        raise InputError(
            "the facilitator PIN must not start or end with spaces", key="errors.pin.spaces"
        )
    return pin


def normalise_code(code: object) -> str:
    """A join code as stored: upper case, without spaces or dashes."""
    if not isinstance(code, str):
        raise AuthError("the join code must be text, e.g. K7M4QX", key="errors.code.not_text")
    return re.sub(r"[\s\-]", "", code).upper()


def create_workshop(
    store: Store,
    *,
    title: str,
    pin: str,
    votes_per_group: int = DEFAULT_VOTES_PER_GROUP,
    workshop_date: date | str | None = None,
    stage: str = "co_sensing",
    zones_in_focus: Sequence[str] = (),
    actor: Actor | None = None,
    **hall: Any,
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
    actor
        A signed-in account (`cmgis.accounts`) creating it becomes its owner
        (`Workshop.owner`): as a facilitator it then opens the workshop without the PIN
        (`verify_pin`), and the audit names it (``facilitator:<username>``). ``None`` or
        an actor without an account: a PIN-only workshop (owner ``None``).
    hall
        The hall options of `workshop_fields`: ``allow_anonymous``, ``ask_details``,
        ``consent_en``, ``consent_th``, ``categories``, ``steps``.
    """
    fields = workshop_fields(
        title=title,
        pin=pin,
        votes_per_group=votes_per_group,
        workshop_date=workshop_date,
        stage=stage,
        zones_in_focus=zones_in_focus,
        **hall,
    )
    fields["owner"] = owner_for(store, actor)
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
    allow_anonymous: bool = False,
    ask_details: str = "none",
    consent_en: str = "",
    consent_th: str = "",
    categories: Sequence[str] = CATEGORIES,
    steps: Sequence[str] = (),
) -> dict[str, Any]:
    """The checked fields of a new workshop (see `create_workshop`); `InputError` if wrong.

    ``allow_anonymous`` lets groups join without a name; ``ask_details`` (`ASK_DETAILS`)
    asks participants for their name (and contact) after the consent text
    ``consent_en``/``consent_th``, which is then required; ``categories`` narrows
    `CATEGORIES`; ``steps`` (short keys, e.g. ``goals``) become the board's columns.
    """
    clean_title = one_line(
        clean_text(title, what="the workshop title", max_chars=MAX_WORKSHOP_TITLE_CHARS)
    )
    pin_hash = hash_pin(_check_new_pin(pin))
    if isinstance(votes_per_group, bool) or not isinstance(votes_per_group, int):
        raise InputError(
            "votes per group must be a whole number",
            key="errors.workshop.votes",
            high=MAX_VOTES_PER_GROUP,
        )
    if not 1 <= votes_per_group <= MAX_VOTES_PER_GROUP:
        raise InputError(
            f"votes per group must be between 1 and {MAX_VOTES_PER_GROUP}",
            key="errors.workshop.votes",
            high=MAX_VOTES_PER_GROUP,
        )
    stage = checked_choice(stage, STAGES, what="stage")
    day = _parse_date(workshop_date)
    focus = tuple(dict.fromkeys(one_line(str(z)) for z in zones_in_focus if str(z).strip()))
    for zone in focus:
        clean_text(zone, what="a zone id", max_chars=64)
    return {
        "title": clean_title,
        "day": day,
        "stage": stage,
        "focus": json.dumps(list(focus), ensure_ascii=False),
        "votes": votes_per_group,
        "pin_hash": pin_hash,
        **hall_fields(
            allow_anonymous=allow_anonymous, ask_details=ask_details, consent_en=consent_en,
            consent_th=consent_th, categories=categories, steps=steps,
        ),
    }  # fmt: skip


def hall_fields(
    *,
    allow_anonymous: bool,
    ask_details: str,
    consent_en: str,
    consent_th: str,
    categories: Sequence[str],
    steps: Sequence[str],
) -> dict[str, Any]:
    """The checked hall options of a workshop (see `workshop_fields`) as stored values."""
    ask = checked_choice(ask_details, ASK_DETAILS, what="asked details")
    texts = {
        lang: clean_text(text, what=f"the consent text ({lang})", max_chars=MAX_CONSENT_CHARS,
                         required=False)
        for lang, text in (("en", consent_en), ("th", consent_th))
    }  # fmt: skip
    if ask != "none" and not (texts["en"] and texts["th"]):
        raise InputError(
            "asking participants for names or contacts needs a consent text in Thai and English"
        )
    cats = [checked_choice(c, CATEGORIES, what="category") for c in dict.fromkeys(categories)]
    if not cats:
        raise InputError("a workshop needs at least one category")
    step_keys = list(dict.fromkeys(one_line(str(s)) for s in steps if str(s).strip()))
    for step in step_keys:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", step):
            raise InputError(f"a step key must be short lower-case letters, got {step[:40]!r}")
    return {
        "allow_anonymous": int(bool(allow_anonymous)),
        "ask_details": ask,
        "consent_en": texts["en"],
        "consent_th": texts["th"],
        "categories": json.dumps(cats),
        "steps": json.dumps(step_keys),
    }


def owner_for(store: Store | Transaction, actor: Actor | None) -> str | None:
    """The owner a new workshop records for ``actor``: a signed-in account's username
    (read again from the store, so a disabled account is refused with
    `PermissionDeniedError`), else ``None`` (a PIN-only workshop)."""
    if actor is None or not actor.verified or not actor.username:
        return None
    return authorize(store, actor, Role.VIEWER, action="create a workshop").username


def insert_workshop(tx: Transaction, fields: Mapping[str, Any]) -> str | None:
    """Insert a workshop with checked ``fields`` (`workshop_fields`) inside ``tx``.

    ``fields["owner"]`` (optional, `owner_for`) is the account that runs it; the audit
    row then names it (``facilitator:<owner>``). Returns the new join code, or ``None``
    when the random code is taken (try again).
    """
    code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
    if tx.query_one("SELECT 1 AS x FROM workshop_workshops WHERE code = :c", {"c": code}):
        return None
    workshop_id = new_id()
    tx.execute(
        "INSERT INTO workshop_workshops (id, code, title, workshop_date, stage, "
        "zones_in_focus, votes_per_group, pin_hash, created_at, allow_anonymous, ask_details, "
        "consent_en, consent_th, categories, steps, owner) VALUES (:id, :code, "
        ":title, :day, :stage, :focus, :votes, :pin_hash, :at, :allow_anonymous, "
        ":ask_details, :consent_en, :consent_th, :categories, :steps, :owner)",
        {**_HALL_DEFAULTS, "owner": None, **fields, "id": workshop_id, "code": code,
         "at": utc_now()},
    )  # fmt: skip
    owner = fields.get("owner")
    who = f"facilitator:{owner}" if owner else "facilitator"
    write_audit(tx, workshop_id, who, "create_workshop", workshop_id, {})
    return code


def _parse_date(value: date | str | None) -> str:
    if value is None:
        return datetime.now(UTC).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as err:
        raise InputError(
            f"the date {value!r} is not a date; expected YYYY-MM-DD",
            key="errors.workshop.date",
            value=str(value)[:40],
        ) from err


def get_workshop(store: Store, code: str) -> Workshop:
    """The workshop with join code ``code``; `AuthError` when there is none."""
    row = store.query_one(
        "SELECT * FROM workshop_workshops WHERE code = :c", {"c": normalise_code(code)}
    )
    if row is None:
        raise AuthError(
            f"no workshop has the join code {normalise_code(code)[:12]!r}; "
            "check the code shown by the facilitator",
            key="errors.code.unknown",
            code=normalise_code(code)[:12],
        )
    return workshop_from_row(row)


def list_workshops(store: Store, *, published_only: bool = False) -> list[Workshop]:
    """Every workshop in the store, newest first; only published ones if ``published_only``.

    The rule of the app: a workshop is visible only to who has its join code, unless its
    facilitator publishes it (`set_published`). Pages for visitors pass
    ``published_only=True``; the facilitator's own tools (the CLI on the store) list all.
    """
    where = "WHERE published = 1 " if published_only else ""
    rows = store.query(f"SELECT * FROM workshop_workshops {where}ORDER BY created_at DESC")
    return [workshop_from_row(r) for r in rows]


def workshops_of(store: Store, actor: Actor | None) -> list[Workshop]:
    """The workshops ``actor`` may open without a PIN (`verify_pin`), newest first.

    An admin account: every workshop; a facilitator account: the workshops it created
    (`Workshop.owner`); anyone else (no account, a viewer or editor account, a disabled
    account, the public read-only app): none. A workshop of another facilitator, or one
    made with the PIN only, is opened with its join code and PIN.
    """
    if actor is None or not actor.verified or not actor.username:
        return []
    try:
        who = authorize(store, actor, Role.FACILITATOR, action="moderate workshops")
    except PermissionDeniedError:
        return []
    if who.role is Role.ADMIN:
        return list_workshops(store)
    rows = store.query(
        "SELECT * FROM workshop_workshops WHERE owner = :u ORDER BY created_at DESC",
        {"u": who.username},
    )
    return [workshop_from_row(r) for r in rows]


def set_published(
    store: Store, code: str, pin: str, *, published: bool, actor: Actor | None = None
) -> Workshop:
    """Publish a workshop (visible without its code) or withdraw it; needs the PIN
    (or a facilitator account as ``actor``, see `verify_pin`)."""
    workshop = verify_pin(store, code, pin, actor=actor)
    with store.transaction() as tx:
        tx.execute(
            "UPDATE workshop_workshops SET published = :p WHERE id = :id",
            {"p": int(published), "id": workshop.id},
        )
        write_audit(tx, workshop.id, facilitator_label(actor),
                    "publish" if published else "unpublish", workshop.id)  # fmt: skip
    return get_workshop(store, workshop.code)


def facilitator_label(actor: Actor | None) -> str:
    """Who moderated, for the audit: ``facilitator`` (PIN) or ``facilitator:<account>``."""
    if actor is not None and actor.verified and actor.username:
        return f"facilitator:{actor.username}"
    return "facilitator"


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
            backoff_remaining_s(
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
    who = as_client(client)
    now = now or datetime.now(UTC)
    with store.transaction() as tx:
        found = _look_up_code(tx, code, who, now)
    return found if found is not None else _unknown_code(code)


def _unknown_code(code: str) -> NoReturn:
    wanted = normalise_code(code)
    raise AuthError(
        f"no workshop has the join code {wanted[:12]!r}; check the code shown by the facilitator",
        key="errors.code.unknown",
        code=wanted[:12],
    )


def _look_up_code(tx: Transaction, code: str, who: Client, now: datetime) -> Workshop | None:
    """`find_workshop` inside the caller's write transaction: the workshop, or ``None``
    after counting a wrong code (the caller commits, then raises `_unknown_code`)."""
    wanted = normalise_code(code)
    tx.lock("workshop_join_failures")  # app processes count wrong codes one at a time
    remaining = _join_wait_s(tx, who, now)
    if remaining > 0:
        wait_s = math.ceil(remaining)
        raise TooManyAttemptsError(
            f"too many wrong join codes; wait {wait_s} s before trying again", wait_s
        ).localised("errors.code.too_many", wait_s=wait_s)
    row = tx.query_one("SELECT * FROM workshop_workshops WHERE code = :c", {"c": wanted})
    if row is not None:
        return workshop_from_row(row)
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
    return None


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

    A workshop that allows anonymous groups (`Workshop.allow_anonymous`) accepts an
    empty ``group_name``: the group is then called ``#1``, ``#2`` ... in joining order.

    Raises `AuthError` for an unknown code, `TooManyAttemptsError` (an `AuthError`) when
    ``client`` must wait, `GroupLimitError` (an `InputError`) over the group cap and
    `InputError` for a bad group name.
    """
    who = as_client(client)
    now = now or datetime.now(UTC)
    with store.transaction() as tx:  # one write transaction: the hall joins at once
        joined = _join_in(tx, code, group_name, who, now)
    return joined if joined is not None else _unknown_code(code)


def _join_in(
    tx: Transaction, code: str, group_name: str, who: Client, now: datetime
) -> Participant | None:
    """`join_workshop` inside its transaction; ``None`` for a wrong (counted) code."""
    workshop = _look_up_code(tx, code, who, now)
    if workshop is None:  # counted as a wrong code: the caller commits, then refuses
        return None
    name = one_line(
        clean_text(
            group_name, what="the group name", max_chars=MAX_GROUP_NAME_CHARS,
            required=not workshop.allow_anonymous,
        )
    )  # fmt: skip
    if not name:  # an anonymous group: the next free number
        name = _anonymous_name(tx, workshop.id)
    key = name.casefold()
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
                    " — re-join one of them by its name",
                    key="errors.group.limit",
                    n=made["n"],
                    cap=cap,
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
        write_audit(tx, workshop.id, f"group:{group_id}", "join", group_id, {"name": name})
    else:
        group_id, name = row["id"], row["name"]
    return Participant(workshop.id, workshop.code, group_id, name, who.session, who.address)


def _anonymous_name(tx: Transaction, workshop_id: str) -> str:
    """``#n`` for the next anonymous group of a workshop (a number no group uses yet)."""
    row = tx.query_one(
        "SELECT COUNT(*) AS n FROM workshop_groups WHERE workshop_id = :w", {"w": workshop_id}
    )
    n = int(row["n"]) + 1 if row is not None else 1
    while tx.query_one(
        "SELECT 1 AS x FROM workshop_groups WHERE workshop_id = :w AND name_key = :k",
        {"w": workshop_id, "k": f"#{n}"},
    ):
        n += 1
    return f"#{n}"


def rate_check(
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
        # app processes count one at a time per group / session / address (always taken in
        # this order, so two writers never wait on each other crosswise)
        tx.lock(f"{table}:{column}:{workshop_id}:{value}")
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
            ).localised("errors.group.rate", n=row["n"], limit=limit, wait_s=wait_s)


def require_member(tx: Transaction, who: Participant) -> None:
    """`AuthError` unless ``who``'s group joined the workshop with that code."""
    row = tx.query_one(
        "SELECT g.id AS id FROM workshop_groups g JOIN workshop_workshops w "
        "ON w.id = g.workshop_id WHERE g.id = :g AND w.id = :w AND w.code = :c",
        {"g": who.group_id, "w": who.workshop_id, "c": normalise_code(who.code)},
    )
    if row is None:
        raise AuthError(
            "this group has not joined the workshop with that code; join again",
            key="errors.group.not_joined",
        )


def verify_pin(
    store: Store,
    code: str,
    pin: str,
    *,
    now: datetime | None = None,
    client: Client | str = CLI_CLIENT,
    actor: Actor | None = None,
) -> Workshop:
    """Check the facilitator PIN of workshop ``code``; return the workshop when right.

    Without a PIN, a signed-in account ``actor`` (`cmgis.accounts`) is checked instead
    (`authorize`, its role read again from the store): an admin facilitates every
    workshop; a facilitator only the workshops it created (`Workshop.owner`), and gets
    `PermissionDeniedError` for another facilitator's workshop or a PIN-only one (use
    that workshop's PIN). Another actor without a PIN (a viewer, an editor, a
    participant) gets `PermissionDeniedError`. With a PIN, the PIN is checked, whoever
    acts (so a facilitator account runs a colleague's workshop with its PIN).

    The code is looked up with `find_workshop` as ``client`` (the command line unless the
    UI passes its session), so wrong codes are slowed down on every path that checks a
    PIN (moderation, publishing, exports and imports of the CLI and the UI). After
    `FREE_PIN_ATTEMPTS` wrong PINs within `PIN_WINDOW`, each further attempt must wait
    1, 2, 4, ... seconds (at most `MAX_PIN_WAIT_S`) after the last wrong one; an attempt
    made too early is refused without checking the PIN.

    Raises
    ------
    AuthError
        Unknown code, wrong PIN, or too many wrong PINs or codes (the message says how
        long to wait; `TooManyAttemptsError` for codes).
    PermissionDeniedError
        No PIN, and the actor may not facilitate this workshop by its account.
    """
    now = now or datetime.now(UTC)
    if not pin:
        return _verify_account(store, code, actor, client=client, now=now)
    workshop = find_workshop(store, code, client=client, now=now)
    window_start = (now - PIN_WINDOW).isoformat(timespec="microseconds")
    # check and count in one transaction: the attempt is counted as wrong before the
    # (slow) hash check, so parallel attempts cannot all pass the throttle
    with store.transaction() as tx:
        tx.lock(f"workshop_pin_failures:{workshop.id}")  # one check at a time, all processes
        failures = tx.query_one(
            "SELECT COUNT(*) AS n, MAX(at) AS last FROM workshop_pin_failures "
            "WHERE workshop_id = :w AND at >= :since",
            {"w": workshop.id, "since": window_start},
        )
        remaining = (
            0.0
            if failures is None
            else backoff_remaining_s(
                int(failures["n"]), failures["last"], FREE_PIN_ATTEMPTS, MAX_PIN_WAIT_S, now
            )
        )
        if remaining > 0:
            raise AuthError(
                f"too many wrong PINs; wait {math.ceil(remaining)} s before trying again",
                key="errors.pin.too_many",
                wait_s=math.ceil(remaining),
            )
        tx.execute(
            "INSERT INTO workshop_pin_failures (workshop_id, at) VALUES (:w, :at)",
            {"w": workshop.id, "at": now.isoformat(timespec="microseconds")},
        )
        row = tx.query_one(
            "SELECT pin_hash FROM workshop_workshops WHERE id = :w", {"w": workshop.id}
        )
    if row is None or not isinstance(pin, str) or not pin_matches(pin, row["pin_hash"]):
        with store.transaction() as tx:
            write_audit(tx, workshop.id, "unknown", "wrong_pin", None, {})
        raise AuthError("wrong facilitator PIN; nothing was changed", key="errors.pin.wrong")
    with store.transaction() as tx:  # this attempt (at = now) and every earlier one
        tx.execute(
            "DELETE FROM workshop_pin_failures WHERE workshop_id = :w AND at <= :at",
            {"w": workshop.id, "at": now.isoformat(timespec="microseconds")},
        )
    return workshop


def _verify_account(
    store: Store, code: str, actor: Actor | None, *, client: Client | str, now: datetime
) -> Workshop:
    """`verify_pin` without a PIN: the account ``actor`` facilitates workshop ``code``
    if it is an admin, or a facilitator that created it; `PermissionDeniedError` if not.

    Nothing is written on a refusal (the code is looked up with `find_workshop`, which
    counts only wrong codes).
    """
    who = authorize(store, actor, Role.FACILITATOR, action="moderate workshops")
    workshop = find_workshop(store, code, client=client, now=now)
    if who.role is Role.ADMIN:
        return workshop
    if who.verified and who.username and workshop.owner == who.username:
        return workshop
    if workshop.owner is None:
        raise PermissionDeniedError(
            f"the workshop {workshop.code} was made without an account: open it with its "
            "facilitator PIN (an account opens only the workshops it created)",
            f"เวิร์กช็อป {workshop.code} สร้างโดยไม่ใช้บัญชี: เปิดด้วย PIN ผู้ดำเนินกิจกรรมของเวิร์กช็อปนี้ "
            "(บัญชีเปิดได้เฉพาะเวิร์กช็อปที่บัญชีนั้นสร้าง)",
        )
    raise PermissionDeniedError(
        f"the workshop {workshop.code} belongs to another facilitator: open it with its "
        "facilitator PIN (an account opens only the workshops it created)",
        f"เวิร์กช็อป {workshop.code} เป็นของผู้ดำเนินกิจกรรมคนอื่น: เปิดด้วย PIN ผู้ดำเนินกิจกรรมของเวิร์กช็อปนี้ "
        "(บัญชีเปิดได้เฉพาะเวิร์กช็อปที่บัญชีนั้นสร้าง)",
    )
