"""Checks that a Thai translation keeps the numbers and units of its English text."""

from __future__ import annotations

import re

THAI = re.compile("[\u0e00-\u0e7f]")
NUMBER = re.compile(r"\d[\d,.]*\d|\d")
#: unit symbols and operators that must survive translation unchanged
UNITS = tuple(re.compile(u) for u in (r"km²", r"\(km\)", r"\d m\b", r"%", r"×", r"/"))


def same_numbers_and_units(en: str, th: str) -> bool:
    """The Thai text keeps every number and unit symbol of the English one."""
    return sorted(NUMBER.findall(en)) == sorted(NUMBER.findall(th)) and all(
        len(u.findall(en)) == len(u.findall(th)) for u in UNITS
    )
