"""Accounts and roles: who may change what (issue 17).

Modules: `roles` (`Role`, `Actor`, the pure check `require_role`, the public read-only
app's refusal), `records` (accounts in the store with scrypt hashes, throttled sign-in,
expiring sessions, and `authorize`, the one-line check of every write path).

Every write of the library (project edits, saved layers, workshop moderation, imports)
calls ``authorize(store, actor, Role.EDITOR, action=...)``; ``actor=None`` is the local
editor while the store has no accounts (the single-user laptop), a viewer otherwise.

Public API: the names in ``__all__``. Inside ``src/cmgis`` import from the submodule.
"""

from cmgis._errors import PermissionDeniedError
from cmgis.accounts.records import (
    MIN_PASSWORD_CHARS,
    SESSION_TTL,
    Account,
    Session,
    TooManyPasswordsError,
    add_account,
    authorize,
    check_password_of,
    default_actor,
    get_account,
    has_accounts,
    history_fields,
    list_accounts,
    reset_password,
    session_actor,
    set_disabled,
    sign_in,
    sign_out,
)
from cmgis.accounts.roles import (
    GRANTS,
    Actor,
    Role,
    parse_role,
    refuse_if_read_only,
    require_role,
)
from cmgis.throttle import Client

__all__ = [
    "GRANTS",
    "MIN_PASSWORD_CHARS",
    "SESSION_TTL",
    "Account",
    "Actor",
    "Client",
    "PermissionDeniedError",
    "Role",
    "Session",
    "TooManyPasswordsError",
    "add_account",
    "authorize",
    "check_password_of",
    "default_actor",
    "get_account",
    "has_accounts",
    "history_fields",
    "list_accounts",
    "parse_role",
    "refuse_if_read_only",
    "require_role",
    "reset_password",
    "session_actor",
    "set_disabled",
    "sign_in",
    "sign_out",
]
