"""The ``cmgis`` command: a thin wrapper over the library.

User mistakes raise `cmgis.CmgisError`; they are printed to stderr as one line
(``cmgis: error: ...``) with exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from cmgis._errors import CmgisError
from cmgis.cli import accounts, core, projects, suitability, workshop
from cmgis.cli import export as export_cli
from cmgis.cli import imports as imports_cli
from cmgis.cli import store as store_cli
from cmgis.cli import user_layers as user_layers_cli

#: Feature modules that add sub-commands; each has ``register(subparsers)``.
_COMMAND_MODULES = [
    core,
    projects,
    workshop,
    suitability,
    export_cli,
    user_layers_cli,
    imports_cli,
    store_cli,
    accounts,
]


def plain_text(text: str) -> str:
    """``text`` without reStructuredText markup (docstrings double as help text)."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"\1", text)  # :func:`x` -> x
    return re.sub(r"``([^`]+)``", r"\1", text)  # ``x`` -> x


class _Parser(argparse.ArgumentParser):
    def format_help(self) -> str:
        return plain_text(super().format_help())

    def format_usage(self) -> str:
        return plain_text(super().format_usage())

    def error(self, message: str) -> NoReturn:  # one clear line, exit 2, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"cmgis: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = _Parser(prog="cmgis", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        default=None,
        help="act as this account (its password is asked); needed for writes once the "
        "store has accounts",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in _COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except CmgisError as err:
        print(f"cmgis: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `cmgis layers | head`
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
