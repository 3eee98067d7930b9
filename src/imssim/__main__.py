"""``python -m imssim`` is the ``imssim`` command."""

from imssim.cli import main

main()
