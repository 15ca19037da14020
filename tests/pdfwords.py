"""Reading a PDF back as a reader sees it: each page's words and their boxes, from poppler's pdftotext.

pdftotext -bbox gives each word's box from the font's ascent to its descent, so a box's height is
its font size times a constant of the font (1.165 for DejaVu Sans, bold and mono alike). The
smallest size is found against a box measured the same way: a word set at 8 pt by matplotlib.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
#: Boxes that share less than this (points, each way) are touching, not overlapping.
TOUCH = 0.05


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def poppler(tool: str) -> str:
    """The poppler command, or a skip that says why (a failure where CI requires it, as for LibreOffice)."""
    found = shutil.which(tool)
    if found:
        return found
    reason = f"poppler's {tool} is not installed; .ci/run installs it with apt-get (poppler-utils), and CI requires it"
    if os.environ.get("COSTMODEL_REQUIRE_LIBREOFFICE"):
        pytest.fail(reason)
    pytest.skip(reason)


def words(pdf: Path) -> list[list[Word]]:
    """Each page's words, top to bottom as pdftotext reads them."""
    out = subprocess.run([poppler("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for number, (_, _, body) in enumerate(_PAGE.findall(out), start=1):
        pages.append([Word(number, float(a), float(b), float(c), float(d), html.unescape(text))
                      for a, b, c, d, text in _WORD.findall(body)])
    return pages


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Each page's width and height, in points."""
    out = subprocess.run([poppler("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [(float(width), float(height)) for width, height, _ in _PAGE.findall(out)]


def page_count(pdf: Path) -> int:
    out = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def overlapping(page: list[Word], between_lines: float = 0.0) -> list[tuple[Word, Word]]:
    """Every pair of words on a page whose boxes overlap (sorted by left edge, so not every pair is compared).

    `between_lines`: the share of a box's height that words on successive lines may share. A box runs from
    the font's ascent to its descent (1.165 sizes for DejaVu Sans); LibreOffice sets the lines of a cell's
    wrapped text 1.06 sizes apart, so the descent of one line's box meets the ascent of the next's by a
    tenth of its height, where no letter reaches. Words on one line, or text run into other text, share
    far more than that."""
    found = []
    ordered = sorted(page, key=lambda w: w.x0)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.x0 >= a.x1 - TOUCH:
                break
            shared = min(a.y1, b.y1) - max(a.y0, b.y0)
            if shared > max(TOUCH, between_lines * min(a.height, b.height)) and \
                    min(a.x1, b.x1) - max(a.x0, b.x0) > TOUCH:
                found.append((a, b))
    return found


def height_at(size: float, folder: Path) -> float:
    """The height pdftotext gives a word matplotlib sets at `size` points in DejaVu Sans."""
    import matplotlib
    from matplotlib.figure import Figure

    target = folder / f"calibrate-{size:g}.pdf"
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        figure = Figure(figsize=(3, 1))
        figure.text(0.1, 0.5, "Calibrate", fontsize=size, family="DejaVu Sans")
        figure.savefig(target)
    (word,) = words(target)[0]
    return word.height
