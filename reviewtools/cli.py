"""The ``reviewtools`` command line: a thin layer over the library.

Each sub-command has an ``_add_<name>(subparsers)`` that declares its arguments and a ``_cmd_<name>(args)``
that calls the library and prints. Library errors become a one-line message and exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import ReviewToolsError

#: Exit status for unreadable input or impossible arguments.
EXIT_BAD_INPUT = 2

Command = Callable[[argparse.Namespace], int]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewtools",
        description="Keep product reviews under control: ingest exports, judge them, triage and respond.",
    )
    parser.add_argument("--version", action="version", version=f"reviewtools {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _REGISTRY:
        add(sub)
    return parser


# --------------------------------------------------------------------------------------------- commands
# Each block below registers one sub-command. Keep the work in the library; these only parse and print.

_REGISTRY: list[Callable[[argparse._SubParsersAction], None]] = []


def _register(add: Callable[[argparse._SubParsersAction], None]) -> Callable[[argparse._SubParsersAction], None]:
    _REGISTRY.append(add)
    return add


# ----------------------------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    func: Command | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(func(args) or 0)
    except ReviewToolsError as exc:
        print(f"reviewtools: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"reviewtools: error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `reviewtools ... | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
