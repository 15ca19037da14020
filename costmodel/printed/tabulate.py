"""Writes the table of DejaVu Sans's metrics (dejavu.json) that lets a workbook's texts be measured
without loading matplotlib: each glyph's advance and each pair's kerning, as FreeType and the shaping
of matplotlib's FT2Font give them, at each size the workbook sets text in.

    python -m costmodel.printed.tabulate      # rewrites costmodel/printed/dejavu.json

Run it whenever matplotlib (its FreeType, its shaping, or the fonts it ships) changes;
tests/test_printed.py fails until the table is regenerated. matplotlib lays a text out as HarfBuzz
shapes it and measures the box of its glyphs' advances, so a text's width is the sum of its glyphs'
hinted advances and the kerning between each pair, after ligatures (fi, ffl) are formed: the table
holds exactly those, and `measure.tabulated_width` adds them up.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TABLE = Path(__file__).with_name("dejavu.json")

#: The fonts the workbook's texts print in, as measure.text_width names them by (bold, mono).
FACES = {"regular": (False, False), "bold": (True, False), "mono": (False, True), "mono bold": (True, True)}

#: The sizes the workbook sets text in (11 pt its default, 12 and 14 its headings, 10 the scenario's own
#: text in Courier New), and 100 pt, at which line_count takes each character's advance.
SIZES = (10, 11, 12, 14, 100)

#: The characters tabulated: printable ASCII and Latin-1 (without the soft hyphen, which HarfBuzz hides),
#: and the punctuation, currency and signs a council's papers use. A text with any other is measured
#: through FreeType itself.
CHARACTERS = ("".join(chr(code) for code in range(0x20, 0x7F)) + "".join(chr(code) for code in range(0xA0, 0x100)
              if code != 0xAD) + "–—‘’‚“”„•…‰′″€−×÷≈≠≤≥→←↑↓✓✗")


def _laid_out(font, flags, text: str) -> tuple[list[str], list[int]]:
    """The clusters HarfBuzz makes of `text` (a ligature's characters together) and each one's pen
    position, in 64ths of a point."""
    items = font._layout(text, flags)
    positions = [item.x * 64 for item in items]
    if any(position != int(position) for position in positions):
        raise RuntimeError(f"{text[:20]!r}...: a pen position between FreeType's 64ths")
    return [item.char for item in items], [int(position) for position in positions]


def _width(font, flags, text: str) -> int:
    font.clear()
    font.set_text(text, 0.0, flags=flags)
    return int(font.get_width_height()[0])


def _interleaved(first: str, others: list[str]) -> str:
    """`first` before and after each of `others`: every pair of the two, in both orders, in one text."""
    return first + "".join(other + first for other in others)


def _ligatures(font, flags) -> list[str]:
    """Every run of tabulated characters that the font sets as one glyph: each character set beside each
    other, in both orders, then each ligature found beside each character, until no longer one forms."""
    found: set[str] = set()
    characters = list(CHARACTERS)
    starts, first = characters, True
    while starts:
        longer = set()
        for index, start in enumerate(starts):
            # Among the characters, each pair is met once in both orders; a ligature beside every character.
            clusters, _ = _laid_out(font, flags, _interleaved(start, characters[index:] if first else characters))
            longer |= {cluster for cluster in clusters if len(cluster) > 1}
        longer -= found
        found |= longer
        starts, first = sorted(longer), False
    return sorted(found, key=lambda ligature: (-len(ligature), ligature))


def _size(font, flags, size: float, ligatures: list[str]) -> dict:
    from .measure import shaped

    font.set_size(size, 72)
    units = list(CHARACTERS) + ligatures
    advances = {unit: _width(font, flags, unit) for unit in units}  # a glyph alone is as wide as its advance
    kerning: dict[str, dict[str, int]] = {}

    def measured(text: str) -> None:
        """Each neighbouring pair's kerning in `text`: its distance less the left one's advance."""
        clusters, positions = _laid_out(font, flags, text)
        if clusters != shaped(text, ligatures):
            raise RuntimeError(f"{size} pt: the font shapes {text[:20]!r}... other than the table supposes")
        for (first, second), (here, there) in zip(zip(clusters, clusters[1:]), zip(positions, positions[1:])):
            kern = there - here - advances[first]
            if kerning.get(first, {}).get(second, kern) != kern:
                raise RuntimeError(f"{size} pt: {first!r}{second!r} kerned differently in two places")
            if kern:
                kerning.setdefault(first, {})[second] = kern

    def apart(left: str, right: str) -> bool:
        return shaped(left + right, ligatures) == [left, right]

    alone = []  # pairs that can meet in one order only (f before i makes fi): each measured on its own
    for index, left in enumerate(units):
        both = [right for right in units[index:] if apart(left, right) and apart(right, left)]
        measured(_interleaved(left, both))
        alone += [left + right for right in units if apart(left, right) and not apart(right, left)]
    measured(" ".join(alone))
    return {"advances": advances, "kerning": {left: dict(sorted(right.items())) for left, right in sorted(kerning.items())}}


def tabulate() -> dict:
    """The table, measured now through matplotlib's FreeType."""
    import matplotlib
    from matplotlib import ft2font
    from matplotlib.font_manager import get_font

    from .measure import freetype_font

    faces = {}
    for name, (bold, mono) in FACES.items():
        paths, flags = freetype_font(bold, mono)
        font = get_font(paths)
        ligatures = _ligatures(font, flags)
        faces[name] = {"file": Path(paths[0]).name, "ligatures": ligatures,
                       "sizes": {str(size): _size(font, flags, size, ligatures) for size in SIZES}}
    return {"about": "DejaVu Sans's advances and kerning in 64ths of a point, written by costmodel/printed/tabulate.py",
            "matplotlib": matplotlib.__version__, "freetype": ft2font.__freetype_version__,
            "hinting": str(matplotlib.rcParams["text.hinting"]), "characters": CHARACTERS, "faces": faces}


def written(table: dict) -> str:
    return json.dumps(table, ensure_ascii=False, indent=None, separators=(",", ":"), sort_keys=False) + "\n"


def main() -> int:
    TABLE.write_text(written(tabulate()), encoding="utf-8")
    print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
