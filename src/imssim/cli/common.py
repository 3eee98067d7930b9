"""What every command line shares: a problem with the input is one line on stderr,
``<command>: error: ...``, and exit code 2."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse, but an error is the same single line as the command's own errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def fail(prog: str, message: str) -> int:
    text = " ".join(str(message).split()) or "failed"
    print(f"{prog}: error: {text}", file=sys.stderr)
    return EXIT_USAGE


def written_files(paths: dict[str, Path], formats: Sequence[str]) -> list[Path]:
    out = []
    for png in paths.values():
        out += [png.with_suffix(f".{fmt}") for fmt in dict.fromkeys(formats)]
    return out


def run_command(
    prog: str,
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None,
    action: Callable[[argparse.Namespace], None],
) -> int:
    """Parse `argv` and do `action`; the exit code: 0, or 2 with one line on stderr for a
    bad input (an :class:`~imssim.errors.ImssimError` or a file that cannot be read or
    written)."""
    from imssim.errors import ImssimError

    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed
        return int(exc.code or 0)
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    try:
        action(args)
    except ImssimError as exc:
        return fail(prog, str(exc))
    except OSError as exc:
        return fail(prog, f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))
    return 0
