"""Accounts in the store: add, list, disable, reset passwords; sign-in, sessions, `authorize`.

Passwords are kept only as scrypt hashes (`cmgis.kdf`) with their parameters and salt in
columns of the row, so the parameters can be raised later and old rows still check.
Wrong passwords are slowed down per account, per browser session and per network address
(`cmgis.throttle.backoff_remaining_s`, as the workshop's join codes). A sign-in opens a
session that ends after `SESSION_TTL` (or at sign-out); only a hash of its token is kept.

Portable SQL only (SQLite and PostGIS share it): text ids, ISO UTC times, 0/1 flags.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from cmgis._errors import AuthError, InputError, PermissionDeniedError
from cmgis.accounts.roles import Actor, Role, parse_role, refuse_if_read_only, require_role
from cmgis.kdf import DEFAULT_PARAMS, KDF_NAME, ScryptParams, derive, digest_matches, new_salt
from cmgis.store import Migration, Row, Store, Transaction, new_id, utc_now
from cmgis.textclean import strip_unwanted
from cmgis.throttle import Client, as_client, backoff_remaining_s

FEATURE: Final = "accounts"
MIN_PASSWORD_CHARS: Final = 10
MAX_PASSWORD_CHARS: Final = 256
MAX_DISPLAY_NAME_CHARS: Final = 80
USERNAME_PATTERN: Final = re.compile(r"[a-z][a-z0-9._-]{1,31}")
#: How long a sign-in lasts (a working day).
SESSION_TTL: Final = timedelta(hours=8)
#: Wrong passwords are counted over this window.
LOGIN_WINDOW: Final = timedelta(minutes=15)
#: Wrong passwords that cost nothing: per account, per browser session, per address.
FREE_LOGIN_ATTEMPTS_PER_ACCOUNT: Final = 5
FREE_LOGIN_ATTEMPTS_PER_SESSION: Final = 5
FREE_LOGIN_ATTEMPTS_PER_ADDRESS: Final = 20
MAX_LOGIN_WAIT_S: Final = 300

MIGRATIONS: Final = (
    Migration(
        FEATURE,
        1,
        "accounts: users (scrypt hashes with parameters), sessions, wrong-password log",
        """
        CREATE TABLE accounts_users (
            username TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            kdf TEXT NOT NULL,
            kdf_n INTEGER NOT NULL,
            kdf_r INTEGER NOT NULL,
            kdf_p INTEGER NOT NULL,
            salt TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            password_set_at TEXT NOT NULL,
            last_login_at TEXT
        );
        CREATE TABLE accounts_sessions (
            token_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            ended_at TEXT
        );
        CREATE TABLE accounts_login_failures (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            client TEXT NOT NULL,
            address TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX accounts_login_failures_at ON accounts_login_failures (at);
        """,
    ),
)


@dataclass(frozen=True)
class Account:
    """An account as listed (never its password hash)."""

    username: str
    display_name: str
    role: Role
    disabled: bool
    created_at: str
    last_login_at: str | None


@dataclass(frozen=True)
class Session:
    """A signed-in session: its secret ``token`` (keep it in the browser session only)."""

    token: str
    actor: Actor
    expires_at: str


class TooManyPasswordsError(AuthError):
    """Too many wrong passwords: the next try must wait ``wait_s`` seconds."""

    def __init__(self, message: str, wait_s: int) -> None:
        super().__init__(message)
        self.wait_s = wait_s


# ---------------------------------------------------------------------------- checks


def check_username(value: object) -> str:
    """A username: 2-32 of a-z, 0-9, ``.``, ``_``, ``-``, starting with a letter."""
    name = str(value or "").strip().lower()
    if not USERNAME_PATTERN.fullmatch(name):
        raise InputError(
            f"the username {str(value)[:40]!r} is not allowed; use 2-32 lower-case letters, "
            "digits, '.', '_' or '-', starting with a letter"
        )
    return name


def check_password(value: object) -> str:
    """A new password: `MIN_PASSWORD_CHARS` to `MAX_PASSWORD_CHARS` characters."""
    if not isinstance(value, str) or not (MIN_PASSWORD_CHARS <= len(value) <= MAX_PASSWORD_CHARS):
        raise InputError(
            f"the password must have {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
        )
    return value


def check_display_name(value: object, fallback: str) -> str:
    """A display name: one line of at most `MAX_DISPLAY_NAME_CHARS` characters."""
    text = " ".join(strip_unwanted(str(value or "")).split()) or fallback
    if len(text) > MAX_DISPLAY_NAME_CHARS:
        raise InputError(
            f"the display name has {len(text)} characters; at most {MAX_DISPLAY_NAME_CHARS}"
        )
    return text


def _hash_columns(password: str) -> dict[str, object]:
    salt = new_salt()
    params = DEFAULT_PARAMS
    return {
        "kdf": KDF_NAME,
        "n": params.n,
        "r": params.r,
        "p": params.p,
        "salt": salt.hex(),
        "hash": derive(password, salt, params).hex(),
    }


def _account(row: Row) -> Account:
    return Account(
        username=str(row["username"]),
        display_name=str(row["display_name"]),
        role=parse_role(row["role"]),
        disabled=bool(row["disabled"]),
        created_at=str(row["created_at"]),
        last_login_at=None if row["last_login_at"] is None else str(row["last_login_at"]),
    )


# ------------------------------------------------------------------- who is acting


def has_accounts(store: Store | Transaction) -> bool:
    """Whether any account (enabled or not) is defined in the store."""
    return store.query_one("SELECT 1 AS x FROM accounts_users LIMIT 1") is not None


def default_actor(store: Store | Transaction) -> Actor:
    """Who acts when nobody signed in: the local editor if no account is defined and the
    app listens on this computer only (`cmgis.settings.bind_address`), else a viewer
    (always a viewer in the public read-only app)."""
    from cmgis import settings

    if (
        settings.read_only()
        or not settings.is_loopback(settings.bind_address())
        or has_accounts(store)
    ):
        return Actor.viewer()
    return Actor.local_editor()


def authorize(
    store: Store | Transaction,
    actor: Actor | None,
    role: Role,
    *,
    action: str = "make this change",
) -> Actor:
    """The actor allowed to act with ``role`` rights, or `PermissionDeniedError`.

    The one-line check of every write path: ``actor = authorize(store, actor, Role.EDITOR,
    action="import a layer")``. ``None`` is `default_actor`. An account's role is read
    again from the store (a disabled account or a changed role counts at once); the local
    editor is refused as soon as the store has accounts; in the public read-only app
    everything is refused.
    """
    refuse_if_read_only()
    who = default_actor(store) if actor is None else actor
    if who.verified and who.username:
        row = store.query_one(
            "SELECT * FROM accounts_users WHERE username = :u", {"u": who.username}
        )
        if row is None or row["disabled"]:
            raise PermissionDeniedError(
                f"the account {who.username!r} is disabled or gone; sign in again",
                f"บัญชี {who.username!r} ถูกปิดหรือไม่มีแล้ว — ลงชื่อเข้าใช้อีกครั้ง",
            )
        who = Actor(who.username, who.display_name, parse_role(row["role"]), True)
    elif who.role in (Role.EDITOR, Role.ADMIN) and default_actor(store) != Actor.local_editor():
        raise PermissionDeniedError(
            f"accounts are defined in this store or the app is open to the network, so you "
            f"must sign in to {action}",
            "ที่เก็บข้อมูลนี้มีบัญชีผู้ใช้แล้วหรือแอปเปิดให้เครือข่ายเข้าถึง — ต้องลงชื่อเข้าใช้ก่อนจึงจะแก้ไขได้",
        )
    return require_role(who, role, action=action)


def history_fields(actor: Actor, typed_name: str) -> tuple[str, str | None, int]:
    """What a history row keeps of who acted: (shown name, account or None, verified 0/1).

    An account keeps its username and the typed name beside it (its display name when
    nothing was typed); the local editor keeps only the typed name, unverified.
    """
    name = " ".join(strip_unwanted(typed_name or "").split())
    if actor.verified and actor.username:
        return name or actor.display_name, actor.username, 1
    return name, None, 0


# ------------------------------------------------------------------------ accounts


def _admin_or_first(store: Store, actor: Actor | None, action: str) -> None:
    """Account changes need an admin, except adding the very first account (bootstrap)."""
    if has_accounts(store):
        authorize(store, actor, Role.ADMIN, action=action)
    else:
        refuse_if_read_only()


def add_account(
    store: Store,
    username: str,
    password: str,
    *,
    role: Role | str,
    display_name: str = "",
    actor: Actor | None = None,
) -> Account:
    """Add an account; needs an admin ``actor`` unless it is the store's first account."""
    name = check_username(username)
    chosen = parse_role(role)
    shown = check_display_name(display_name, name)
    columns = _hash_columns(check_password(password))
    _admin_or_first(store, actor, "add accounts")
    now = utc_now()
    with store.transaction() as tx:
        if tx.query_one("SELECT 1 AS x FROM accounts_users WHERE username = :u", {"u": name}):
            raise InputError(f"the account {name!r} exists already")
        tx.execute(
            "INSERT INTO accounts_users (username, display_name, role, kdf, kdf_n, kdf_r, "
            "kdf_p, salt, password_hash, disabled, created_at, password_set_at) VALUES (:u, "
            ":d, :role, :kdf, :n, :r, :p, :salt, :hash, 0, :now, :now)",
            {**columns, "u": name, "d": shown, "role": chosen.value, "now": now},
        )
    return get_account(store, name)


def get_account(store: Store | Transaction, username: str) -> Account:
    """The account ``username``; `InputError` when there is none."""
    row = store.query_one(
        "SELECT * FROM accounts_users WHERE username = :u", {"u": str(username).strip().lower()}
    )
    if row is None:
        raise InputError(f"there is no account {str(username)[:40]!r}; `cmgis users list`")
    return _account(row)


def list_accounts(store: Store) -> list[Account]:
    """Every account, by username."""
    return [_account(r) for r in store.query("SELECT * FROM accounts_users ORDER BY username")]


def set_disabled(
    store: Store, username: str, *, disabled: bool = True, actor: Actor | None = None
) -> Account:
    """Disable an account (its sessions end) or enable it again; needs an admin."""
    account = get_account(store, username)
    authorize(store, actor, Role.ADMIN, action="disable accounts")
    with store.transaction() as tx:
        tx.execute(
            "UPDATE accounts_users SET disabled = :d WHERE username = :u",
            {"d": int(disabled), "u": account.username},
        )
        if disabled:
            _end_sessions(tx, account.username)
    return get_account(store, account.username)


def reset_password(
    store: Store, username: str, password: str, *, actor: Actor | None = None
) -> Account:
    """Set a new password (new salt, current parameters); sessions end. Needs an admin."""
    account = get_account(store, username)
    columns = _hash_columns(check_password(password))
    authorize(store, actor, Role.ADMIN, action="reset passwords")
    with store.transaction() as tx:
        tx.execute(
            "UPDATE accounts_users SET kdf = :kdf, kdf_n = :n, kdf_r = :r, kdf_p = :p, "
            "salt = :salt, password_hash = :hash, password_set_at = :now WHERE username = :u",
            {**columns, "u": account.username, "now": utc_now()},
        )
        _end_sessions(tx, account.username)
        tx.execute(
            "DELETE FROM accounts_login_failures WHERE username = :u", {"u": account.username}
        )
    return account


def _end_sessions(tx: Transaction, username: str) -> None:
    tx.execute(
        "UPDATE accounts_sessions SET ended_at = :now WHERE username = :u AND ended_at IS NULL",
        {"u": username, "now": utc_now()},
    )


# ------------------------------------------------------------------ sign-in, sessions


def _login_wait_s(tx: Transaction, username: str, who: Client, now: datetime) -> float:
    since = (now - LOGIN_WINDOW).isoformat(timespec="microseconds")
    remaining = 0.0
    for column, value, free in (
        ("username", username, FREE_LOGIN_ATTEMPTS_PER_ACCOUNT),
        ("client", who.session, FREE_LOGIN_ATTEMPTS_PER_SESSION),
        ("address", who.address, FREE_LOGIN_ATTEMPTS_PER_ADDRESS),
    ):
        if not value:
            continue  # unknown: never shared with other clients
        row = tx.query_one(
            f"SELECT COUNT(*) AS n, MAX(at) AS last FROM accounts_login_failures "
            f"WHERE {column} = :v AND at >= :since",
            {"v": value, "since": since},
        )
        if row is not None:
            count, last = int(row["n"]), row["last"]
            wait = backoff_remaining_s(count, last, free, MAX_LOGIN_WAIT_S, now)
            remaining = max(remaining, wait)
    return remaining


def check_password_of(
    store: Store,
    username: str,
    password: str,
    *,
    client: Client | str = "",
    now: datetime | None = None,
) -> Actor:
    """The verified `Actor` of ``username`` if ``password`` is right; slowed when guessed.

    After `FREE_LOGIN_ATTEMPTS_PER_ACCOUNT` wrong passwords for one account (or
    `FREE_LOGIN_ATTEMPTS_PER_SESSION` from one browser session,
    `FREE_LOGIN_ATTEMPTS_PER_ADDRESS` from one address) within `LOGIN_WINDOW`, each try
    must wait 1, 2, 4, ... seconds (at most `MAX_LOGIN_WAIT_S`) after the last wrong one
    and is refused without looking at the password. The attempt is counted as wrong
    before the (slow) hash check, in the same transaction as the check of the count, so
    parallel tries cannot pass the budget; a right password removes that one count.
    Unknown, disabled and wrong all give the same message.

    Raises
    ------
    TooManyPasswordsError
        Wait first (``wait_s``).
    AuthError
        Wrong username or password, or a disabled account.
    """
    who = as_client(client)
    now = now or datetime.now(UTC)
    name = str(username or "").strip().lower()[:64]
    attempt = new_id()
    with store.transaction() as tx:
        remaining = _login_wait_s(tx, name, who, now)
        if remaining > 0:
            wait_s = math.ceil(remaining)
            raise TooManyPasswordsError(
                f"too many wrong passwords; wait {wait_s} s before trying again", wait_s
            )
        tx.execute(
            "DELETE FROM accounts_login_failures WHERE at < :old",
            {"old": (now - LOGIN_WINDOW).isoformat(timespec="microseconds")},
        )
        tx.execute(
            "INSERT INTO accounts_login_failures (id, username, client, address, at) "
            "VALUES (:id, :u, :c, :a, :at)",
            {
                "id": attempt,
                "u": name,
                "c": who.session,
                "a": who.address,
                "at": now.isoformat(timespec="microseconds"),
            },
        )
        row = tx.query_one("SELECT * FROM accounts_users WHERE username = :u", {"u": name})
    ok = _password_matches(row, password)
    if not ok or row is None:
        raise AuthError("wrong username or password (or the account is disabled)")
    with store.transaction() as tx:
        tx.execute("DELETE FROM accounts_login_failures WHERE id = :id", {"id": attempt})
    return Actor(name, str(row["display_name"]), parse_role(row["role"]), True)


def _password_matches(row: Row | None, password: object) -> bool:
    """Whether ``password`` is the one of account ``row`` (enabled); constant-time.

    An unknown account costs one hash too, so the time taken does not tell which
    usernames exist.
    """
    if row is None or not isinstance(password, str):
        derive(str(password), b"\0" * 16, DEFAULT_PARAMS)
        return False
    if row["disabled"] or row["kdf"] != KDF_NAME:
        return False
    digest_hex = str(row["password_hash"])
    params = ScryptParams(
        int(row["kdf_n"]), int(row["kdf_r"]), int(row["kdf_p"]), len(digest_hex) // 2
    )
    return digest_matches(
        password, bytes.fromhex(str(row["salt"])), params, bytes.fromhex(digest_hex)
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(
    store: Store,
    username: str,
    password: str,
    *,
    client: Client | str = "",
    now: datetime | None = None,
) -> Session:
    """Check the password (`check_password_of`, throttled) and open a session."""
    refuse_if_read_only()
    now = now or datetime.now(UTC)
    actor = check_password_of(store, username, password, client=client, now=now)
    token = secrets.token_urlsafe(32)
    at = now.isoformat(timespec="microseconds")
    expires = (now + SESSION_TTL).isoformat(timespec="microseconds")
    with store.transaction() as tx:
        tx.execute(
            "INSERT INTO accounts_sessions (token_hash, username, created_at, expires_at) "
            "VALUES (:t, :u, :at, :exp)",
            {"t": _token_hash(token), "u": actor.username, "at": at, "exp": expires},
        )
        tx.execute(
            "UPDATE accounts_users SET last_login_at = :at WHERE username = :u",
            {"at": at, "u": actor.username},
        )
    return Session(token, actor, expires)


def session_actor(store: Store, token: str, *, now: datetime | None = None) -> Actor | None:
    """The signed-in `Actor` of session ``token``; ``None`` if ended, expired or disabled."""
    if not token or not isinstance(token, str):
        return None
    now = now or datetime.now(UTC)
    row = store.query_one(
        "SELECT u.username AS username, u.display_name AS display_name, u.role AS role "
        "FROM accounts_sessions s JOIN accounts_users u ON u.username = s.username "
        "WHERE s.token_hash = :t AND s.ended_at IS NULL AND s.expires_at > :now "
        "AND u.disabled = 0",
        {"t": _token_hash(token), "now": now.isoformat(timespec="microseconds")},
    )
    if row is None:
        return None
    return Actor(str(row["username"]), str(row["display_name"]), parse_role(row["role"]), True)


def sign_out(store: Store, token: str) -> None:
    """End session ``token`` (nothing happens for an unknown one)."""
    if token:
        store.execute(
            "UPDATE accounts_sessions SET ended_at = :now WHERE token_hash = :t",
            {"t": _token_hash(token), "now": utc_now()},
        )
