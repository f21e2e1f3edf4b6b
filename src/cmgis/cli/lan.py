"""``cmgis app --lan``: find the machine's address on the hall's network and print how to join.

The address is the one the operating system would use to reach other machines (a UDP
socket is "connected" to a documentation address: no packet is sent, so this works
without internet); loopback addresses are never returned.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import TextIO

from cmgis._errors import CmgisError
from cmgis.workshop.hall import join_url, qr_text

#: Addresses no packet goes to (RFC 5737 TEST-NET-1 and a private one): only the route
#: the system would pick is looked at.
_PROBES = ("192.0.2.1", "10.255.255.255")


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.version == 4 and not (ip.is_loopback or ip.is_unspecified or ip.is_link_local)


def lan_address() -> str:
    """The machine's IPv4 address on the local network (e.g. ``192.168.1.20``).

    Raises `CmgisError` when the machine has no network address other than loopback
    (no Wi-Fi or cable connected).
    """
    for probe in _PROBES:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))
                address = str(sock.getsockname()[0])
        except OSError:
            continue
        if _usable(address):
            return address
    try:
        candidates = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        candidates = []
    for address in candidates:
        if _usable(address):
            return address
    raise CmgisError(
        "no network address found (only loopback); connect this machine to the hall's "
        "Wi-Fi or network and try again, or start without --lan"
    )


def print_join_banner(base_url: str, out: TextIO, code: str | None = None) -> str:
    """Print the join link of the app at ``base_url`` and its QR code; return the link."""
    link = join_url(base_url, code)
    print(f"cmgis: participants join at {link}", file=out)
    print("cmgis: or scan this QR code with a phone on the same network:", file=out)
    print(qr_text(link), file=out, flush=True)
    return link
