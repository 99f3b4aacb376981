"""A PDF looked at as an auditor would: its text per page, and one page as pixels (poppler)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

__all__ = ["page_text", "pixels", "red_pixels", "render_page"]


def page_text(pdf: Path) -> list[str]:
    """The text of each page (``pdftotext``), in page order."""
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def render_page(
    pdf: Path, pages: list[str], wanted: Callable[[str], bool], out: Path, dpi: int = 60
) -> tuple[Path, str]:
    """The first page whose text is ``wanted``, rendered as PNG in ``out``; and its text."""
    number = next(i for i, page in enumerate(pages, 1) if wanted(page))
    prefix = out / f"page{number}"
    first_last = ["-f", str(number), "-l", str(number)]
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), *first_last, str(pdf), str(prefix)], check=True
    )
    (png,) = out.glob(f"{prefix.name}*.png")
    return png, pages[number - 1]


def pixels(png: Path, wanted: Callable[[int, int, int], bool]) -> int:
    """How many pixels of the PNG have a colour ``wanted`` takes."""
    from PIL import Image

    image = Image.open(png).convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if wanted(r, g, b))  # type: ignore[misc]


def red_pixels(png: Path) -> int:
    """Pixels of a gap's red (``#d92d20``), not the pale red of table rows."""
    return pixels(png, lambda r, g, b: r > 190 and g < 80 and b < 70)
