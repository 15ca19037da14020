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


@lru_cache(maxsize=None)
def _character_width(character: str, bold: bool, mono: bool) -> float:
    """One character's advance at 100 pt, in points: measured between two letters, since a character
    measured alone is its ink, and a space has none."""
    return text_width(f"x{character}x", 100.0, bold, mono) - text_width("xx", 100.0, bold, mono)


def line_count(text: str, width: float, size: float, bold: bool = False, mono: bool = False) -> int:
    """How many lines `text` takes wrapped to `width` points, as `wrap` breaks it.

    A workbook has thousands of texts, and measuring each word takes a millisecond; adding up each
    character's advance takes a hundredth of that. Glyphs set small come out up to some 8% wider than
    that sum (hinting rounds them), so the count is made with the sum and with it 10% wider: where the
    two agree, that is the count; where they do not, the text is near a line's end and is wrapped."""
    narrow, wide = (_estimated_lines(text, width, size * stretch, bold, mono) for stretch in (1.0, 1.1))
    return narrow if narrow == wide else len(wrap(text, width, size, bold, mono))


def _estimated_lines(text: str, width: float, size: float, bold: bool, mono: bool) -> int:
    scale = size / 100.0

    def wide(word: str) -> float:
        return sum(_character_width(c, bold, mono) for c in word) * scale

    space, room = wide(" "), width * SPARE
    count = 0
    for paragraph in text.split("\n"):
        used = None
        for word in paragraph.split(" "):
            this = wide(word)
            if used is not None and used + space + this <= room:
                used += space + this
                continue
            count += 1 if used is not None else 0
            while this > room and len(word) > 1:  # a word wider than the line is broken where it must be
                count += 1
                this -= room
            used = this
        count += 1
    return count
