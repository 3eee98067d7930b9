"""What every command line shares: a problem with the input is one line on stderr,
``<command>: error: ...``, and exit code 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
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
