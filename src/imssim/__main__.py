"""``python -m imssim`` is the ``imssim`` command."""

from imssim.cli.main import main

main()
