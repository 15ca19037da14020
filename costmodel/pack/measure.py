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


def wrap(text: str, width: float, size: float, bold: bool = False, mono: bool = False) -> list[str]:
    """Greedy word wrap to `width` points; a word wider than the line is broken where it must be."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold, mono) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while text_width(word, size, bold, mono) > width:
                cut = len(word)
                while cut > 1 and text_width(word[:cut], size, bold, mono) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines
