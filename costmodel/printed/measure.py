"""How wide a line of text is on the page, so text is wrapped before it is drawn, never after."""

from __future__ import annotations

from functools import lru_cache

#: DejaVu Sans: matplotlib's own font, always installed with it, so every machine lays out alike.
FONT = "DejaVu Sans"


@lru_cache(maxsize=None)
def _renderer():
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, 72)  # at 72 dots an inch, a dot is a point


@lru_cache(maxsize=None)
def _properties(size: float, bold: bool, mono: bool):
    from matplotlib.font_manager import FontProperties

    return FontProperties(family="DejaVu Sans Mono" if mono else FONT, size=size,
                          weight="bold" if bold else "normal")


@lru_cache(maxsize=100_000)
def text_width(text: str, size: float, bold: bool = False, mono: bool = False) -> float:
    """The width in points of `text` set at `size` points."""
    width, _, _ = _renderer().get_text_width_height_descent(text, _properties(size, bold, mono), ismath=False)
    return width


#: Lines are measured word by word, which leaves out kerning across the spaces: this much is kept spare.
SPARE = 0.985


def wrap(text: str, width: float, size: float, bold: bool = False, mono: bool = False) -> list[str]:
    """Greedy word wrap to `width` points; a word wider than the line is broken where it must be."""
    space = text_width("x x", size, bold, mono) - 2 * text_width("x", size, bold, mono)
    room = width * SPARE
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            wide = text_width(word, size, bold, mono)
            if line and used + space + wide <= room:
                line, used = f"{line} {word}", used + space + wide
                continue
            if line:
                lines.append(line)
            while wide > room and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and text_width(word[:cut], size, bold, mono) > room:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                wide = text_width(word, size, bold, mono)
            line, used = word, wide
        lines.append(line)
    return lines
