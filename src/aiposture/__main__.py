"""``python -m aiposture``."""

from aiposture.cli import main

main()
