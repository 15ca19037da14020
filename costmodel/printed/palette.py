"""The colours of every chart costmodel draws, in the committee pack and in the workbook: one palette,
so an option or a category is the same colour on paper wherever a reader meets it.

Okabe and Ito's palette stays distinct for the commonest kinds of colour blindness. Each series
also has its own marker, line style or hatching, so a greyscale printer keeps them apart.
"""

from __future__ import annotations

#: Okabe & Ito (2008), "Color Universal Design": in the order that keeps neighbours far apart in grey.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
#: For areas (bars, stacks): black would hide its hatching and outweigh the rest, so it is left out.
FILLS = [c for c in PALETTE if c != "#000000"]


def colour(index: int) -> str:
    """The colour of the index-th line or point (options in rank order)."""
    return PALETTE[index % len(PALETTE)]


def fill(index: int) -> str:
    """The colour of the index-th area (categories in the order a reader meets them)."""
    return FILLS[index % len(FILLS)]
