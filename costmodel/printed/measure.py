"""How wide a line of text is on the page, so text is wrapped before it is drawn, never after."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

#: DejaVu Sans: matplotlib's own font, always installed with it, so every machine lays out alike.
FONT = "DejaVu Sans"


#: matplotlib's rcParams["text.hinting"] to FreeType's flags, as its Agg renderer maps them
#: (backends/backend_agg.py, get_hinting_flag).
_HINTING = {"default": "DEFAULT", "no_autohint": "NO_AUTOHINT", "force_autohint": "FORCE_AUTOHINT",
            "no_hinting": "NO_HINTING", True: "FORCE_AUTOHINT", False: "NO_HINTING", "either": "DEFAULT",
            "native": "NO_AUTOHINT", "auto": "FORCE_AUTOHINT", "none": "NO_HINTING"}


@lru_cache(maxsize=None)
def freetype_font(bold: bool, mono: bool):
    """The font file(s) and FreeType's hinting flags, found as matplotlib's Agg renderer finds them.

    Measured through FreeType (matplotlib's ft2font) directly rather than through the Agg renderer,
    whose module brings in matplotlib's drawing machinery: a workbook needs only the widths."""
    import matplotlib
    from matplotlib.font_manager import FontProperties, fontManager
    from matplotlib.ft2font import LoadFlags

    properties = FontProperties(family="DejaVu Sans Mono" if mono else FONT, weight="bold" if bold else "normal")
    return fontManager._find_fonts_by_props(properties), getattr(LoadFlags, _HINTING[matplotlib.rcParams["text.hinting"]])


def freetype_width(text: str, size: float, bold: bool = False, mono: bool = False) -> float:
    """The width in points of `text` set at `size` points, as matplotlib's Agg renderer measures it at 72
    dots an inch (a dot is a point): the box of the glyphs laid out by FreeType, hinted."""
    from matplotlib.font_manager import get_font

    paths, hinting = freetype_font(bold, mono)
    font = get_font(paths)  # one FreeType face per file, shared: cleared and sized for each text
    font.clear()
    font.set_size(size, 72)
    font.set_text(text, 0.0, flags=hinting)
    width, _ = font.get_width_height()
    return width / 64.0  # FreeType's 26.6 fixed point


@lru_cache(maxsize=None)
def _table() -> dict:
    """dejavu.json, with each face's sizes keyed by (bold, mono, size)."""
    table = json.loads(Path(__file__).with_name("dejavu.json").read_text(encoding="utf-8"))
    faces = {"regular": (False, False), "bold": (True, False), "mono": (False, True), "mono bold": (True, True)}
    sizes = {}
    for name, face in table["faces"].items():
        for size, metrics in face["sizes"].items():
            sizes[(*faces[name], float(size))] = (face["ligatures"], metrics["advances"], metrics["kerning"])
    return {"characters": frozenset(table["characters"]), "sizes": sizes}


def shaped(text: str, ligatures: list[str]) -> list[str]:
    """`text` as the font sets it: each ligature (the longest first) one glyph, every other character its own."""
    if not any(ligature[0] in text for ligature in ligatures):
        return list(text)
    units, at = [], 0
    while at < len(text):
        unit = next((ligature for ligature in ligatures if text.startswith(ligature, at)), text[at])
        units.append(unit)
        at += len(unit)
    return units


def tabulated_width(text: str, size: float, bold: bool = False, mono: bool = False) -> float | None:
    """`freetype_width` from the table of DejaVu's metrics (tabulate.py), the same to the 64th of a point,
    without loading matplotlib; None for a size or a character the table does not hold."""
    table = _table()
    metrics = table["sizes"].get((bold, mono, float(size)))
    if metrics is None or not table["characters"].issuperset(text):
        return None
    ligatures, advances, kerning = metrics
    width, previous = 0, None
    for unit in shaped(text, ligatures):
        width += advances[unit] + (kerning.get(previous, {}).get(unit, 0) if previous is not None else 0)
        previous = unit
    return width / 64.0


@lru_cache(maxsize=100_000)
def text_width(text: str, size: float, bold: bool = False, mono: bool = False) -> float:
    """The width in points of `text` set at `size` points, as matplotlib's Agg renderer measures it
    (`freetype_width`): from the table where it holds the size and every character, else through FreeType."""
    width = tabulated_width(text, size, bold, mono)
    return freetype_width(text, size, bold, mono) if width is None else width


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


class _Advances(dict):
    """Each character's advance at 100 pt (`_character_width`) in one font, looked up as a text is added up."""

    def __init__(self, bold: bool, mono: bool):
        super().__init__()
        self.bold, self.mono = bold, mono

    def __missing__(self, character: str) -> float:
        self[character] = width = _character_width(character, self.bold, self.mono)
        return width


_ADVANCES = {(bold, mono): _Advances(bold, mono) for bold in (False, True) for mono in (False, True)}


@lru_cache(maxsize=100_000)
def line_count(text: str, width: float, size: float, bold: bool = False, mono: bool = False) -> int:
    """How many lines `text` takes wrapped to `width` points, as `wrap` breaks it.

    A workbook has thousands of texts, and measuring each word takes a millisecond; adding up each
    character's advance takes a hundredth of that. Glyphs set small come out up to some 8% wider than
    that sum (hinting rounds them), so the count is made with the sum and with it 10% wider: where the
    two agree, that is the count; where they do not, the text is near a line's end and is wrapped.
    A Staffing sheet has a short title and id a post, tens of thousands of them: a line whose every
    character, 10% wider, fits (with room to spare for the order the additions are made in) is one
    line by both counts, and is known to be without going word by word. The same text in the same
    column (a post's period, a unit) is counted once."""
    if "\n" not in text and sum(map(_ADVANCES[bold, mono].__getitem__, text)) * size * 1.1 / 100.0 * (1 + 1e-9) \
            <= width * SPARE:
        return 1
    narrow, wide = (_estimated_lines(text, width, size * stretch, bold, mono) for stretch in (1.0, 1.1))
    return narrow if narrow == wide else len(wrap(text, width, size, bold, mono))


def _estimated_lines(text: str, width: float, size: float, bold: bool, mono: bool) -> int:
    scale = size / 100.0
    advance = _ADVANCES[bold, mono].__getitem__  # _character_width's, each character's measured once

    def wide(word: str) -> float:
        return sum(map(advance, word)) * scale

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
