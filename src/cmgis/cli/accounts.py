"""``cmgis users``: accounts and roles (add, list, disable, reset-password); who the CLI is.

Passwords are never arguments: they are read from the terminal (`getpass`, typed twice
for a new one) or, when stdin is not a terminal, one per line from stdin.

Who a write command of the CLI acts as (`cli_actor`): the local editor while the store
has no accounts (the single-user laptop, as before accounts); once accounts exist, the
account named by the global option ``cmgis --as USER ...``, whose password is read first.
Without ``--as`` the write is refused and the message says so.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from cmgis._errors import InputError, PermissionDeniedError
from cmgis.accounts.records import (
    add_account,
    check_password_of,
    has_accounts,
    list_accounts,
    reset_password,
    set_disabled,
)
from cmgis.accounts.roles import Actor, Role
from cmgis.store import Store, open_app_store
from cmgis.throttle import CLI_CLIENT


def register(sub: Any) -> None:
    """Add ``users`` and its actions to ``sub`` (an argparse sub-parsers action)."""
    p = sub.add_parser(
        "users",
        help="accounts and roles: add, list, disable, reset-password",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.add_argument(
        "--db", default=None, help="store file or URL (default: $CMGIS_DB, else user data dir)"
    )
    usub = p.add_subparsers(dest="users_command", metavar="ACTION", parser_class=type(p))
    usub.required = True
    a = usub.add_parser("add", help="add an account (the password is asked, never an argument)")
    a.add_argument("name", help="username: 2-32 of a-z 0-9 . _ -")
    a.add_argument("--role", required=True, choices=[r.value for r in Role if r.value != "viewer"])
    a.add_argument("--display-name", default="", help="name shown in histories (default: NAME)")
    a.set_defaults(func=cmd_add)
    ls = usub.add_parser("list", help="one line per account: name, role, state, last sign-in")
    ls.set_defaults(func=cmd_list)
    d = usub.add_parser("disable", help="disable an account (its sessions end)")
    d.add_argument("name")
    d.add_argument("--enable", action="store_true", help="enable it again instead")
    d.set_defaults(func=cmd_disable)
    r = usub.add_parser("reset-password", help="set a new password (asked); sessions end")
    r.add_argument("name")
    r.set_defaults(func=cmd_reset)


def read_password(prompt: str, *, confirm: bool = False) -> str:
    """A password from the terminal (not echoed), or the next line of stdin if not a tty."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise InputError(f"no password on stdin ({prompt.strip().rstrip(':')})")
        return line.rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("again: ") != first:
        raise InputError("the two passwords differ; nothing was changed")
    return first


def cli_actor(store: Store, args: argparse.Namespace) -> Actor | None:
    """Who a write command acts as: ``--as USER`` (password read), else ``None``.

    ``None`` is the local editor while the store has no accounts; with accounts it is
    refused with a message naming ``--as``.
    """
    username = getattr(args, "as_user", None)
    if username:
        password = read_password(f"password of {username}: ")
        return check_password_of(store, username, password, client=CLI_CLIENT)
    if has_accounts(store):
        raise PermissionDeniedError(
            "accounts are defined in this store: run the command as an account, "
            "e.g. `cmgis --as USER ...` (its password is asked)",
            "ที่เก็บข้อมูลนี้มีบัญชีผู้ใช้แล้ว: สั่งงานในนามบัญชี เช่น `cmgis --as USER ...`",
        )
    return None


def _admin(store: Store, args: argparse.Namespace) -> Actor | None:
    """The admin for an account change (none needed for the store's first account)."""
    return cli_actor(store, args) if has_accounts(store) else None


def cmd_add(args: argparse.Namespace) -> int:
    """Add an account; the first account of a store needs no ``--as``."""
    with open_app_store(args.db) as store:
        actor = _admin(store, args)
        password = read_password(f"new password of {args.name}: ", confirm=True)
        account = add_account(
            store,
            args.name,
            password,
            role=args.role,
            display_name=args.display_name,
            actor=actor,
        )
    print(f"added {account.username} ({account.role.value})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Print the accounts, tab-separated (never a hash)."""
    with open_app_store(args.db) as store:
        print("username\tdisplay_name\trole\tstate\tcreated_at\tlast_login_at")
        for acc in list_accounts(store):
            state = "disabled" if acc.disabled else "enabled"
            cells = [acc.username, acc.display_name, acc.role.value, state, acc.created_at,
                     acc.last_login_at or "-"]  # fmt: skip
            print("\t".join(" ".join(c.split()) for c in cells))
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    """Disable (or ``--enable``) an account."""
    with open_app_store(args.db) as store:
        acc = set_disabled(store, args.name, disabled=not args.enable, actor=cli_actor(store, args))
    print(f"{acc.username}: {'disabled' if acc.disabled else 'enabled'}")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    """Set a new password of an account."""
    with open_app_store(args.db) as store:
        actor = cli_actor(store, args)
        password = read_password(f"new password of {args.name}: ", confirm=True)
        acc = reset_password(store, args.name, password, actor=actor)
    print(f"new password set for {acc.username}; their sessions ended")
    return 0
