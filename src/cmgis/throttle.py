"""Slowing down guessers: who is typing (`Client`) and the exponential back-off.

Shared by the workshop's join codes and PINs (`cmgis.workshop.access`) and the accounts'
passwords (`cmgis.accounts`): each counts failures in its own store table and asks
`backoff_remaining_s` how long the next try must wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final


@dataclass(frozen=True)
class Client:
    """Who is typing: a browser session's random key and its network address.

    Either may be empty when unknown (then that dimension is not counted; an empty
    address is never shared between clients). The UI passes both; the CLI uses
    ``Client("cli", "local")``.
    """

    session: str = ""
    address: str = ""


#: The command line's identity for the throttles.
CLI_CLIENT: Final = Client("cli", "local")


def as_client(client: Client | str) -> Client:
    """A `Client` from a `Client` or a bare session key."""
    return client if isinstance(client, Client) else Client(session=str(client))


def backoff_remaining_s(
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
