"""The pack's charts, drawn with matplotlib into a box on a page (the PDF) or on a figure of their own (Word).

Colours are the palette every chart of costmodel's shares (printed/palette.py: Okabe and Ito's,
which stays distinct for the commonest kinds of colour blindness); each series also has its own
marker, line style or hatching, so a greyscale printer keeps them apart. Lines are labelled at
their ends rather than in a legend. Every word is at least 8 pt, and labels that would land on
each other are moved apart.
"""

from __future__ import annotations

import numpy as np

from ..printed.measure import wrap
from ..printed.palette import FILLS, PALETTE, colour, fill

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINE_STYLES = ["-", "--", "-.", ":"]
HATCHES = ["", "////", "....", "xxxx", "\\\\\\\\", "oo", "++", "--"]
TEXT = 8.0
#: Lines of a label, as a multiple of the size: pdftotext boxes are 1.165 sizes tall, so these never touch.
SPACING = 1.3
LINE = TEXT * SPACING
GRID = "#BBBBBB"


def hatch(index: int) -> str:
    # The second time round the palette, a colour comes back with a hatching it did not have.
    return HATCHES[(index + index // len(PALETTE)) % len(HATCHES)]


def fill_hatch(index: int) -> str:
    # The second time round, a colour comes back with a hatching three along from the one it had.
    return HATCHES[(index % len(FILLS) + 3 * (index // len(FILLS))) % len(HATCHES)]


def _axes(fig, box, left, right, top, bottom):
    """Axes inside `box` (points from the figure's lower left), keeping margins in points for the labels."""
    width, height = fig.get_size_inches() * 72
    x, y, w, h = box
    ax = fig.add_axes([(x + left) / width, (y + bottom) / height, (w - left - right) / width,
                       (h - top - bottom) / height])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=TEXT, length=3, width=0.6)
    return ax, (w - left - right, h - top - bottom)


def _pounds_m(value, _position=None) -> str:
    text = f"£{abs(value):,.0f}m" if abs(value - round(value)) < 1e-6 else f"£{abs(value):,.1f}m"
    return f"({text})" if value < -1e-9 else text


def spread(targets: list[float], heights: list[float], low: float, high: float) -> list[float]:
    """Label centres as near their targets as they can be without two labels overlapping, within [low, high]."""
    order = sorted(range(len(targets)), key=lambda i: targets[i])
    placed = [0.0] * len(targets)
    previous = None
    for i in order:
        want = max(targets[i], low + heights[i] / 2)
        if previous is not None:
            want = max(want, placed[previous] + (heights[previous] + heights[i]) / 2 + 1)
        placed[i] = want
        previous = i
    # Pushed off the top: a pass downwards from the top keeps the gaps and the top edge.
    above = None
    for i in reversed(order):
        limit = high - heights[i] / 2 if above is None else placed[above] - (heights[above] + heights[i]) / 2 - 1
        placed[i] = min(placed[i], limit)
        above = i
    return placed


def line_chart(years: list[str], series: list[tuple[str, np.ndarray]]):
    """One line an option over the years (pounds), each labelled at its end."""

    def draw(fig, box):
        label_width = 150
        ax, (w, h) = _axes(fig, box, left=46, right=label_width + 14, top=8, bottom=18)
        x = np.arange(len(years))
        top = max(float(np.max(values)) for _, values in series) / 1e6 * 1.08
        low = min(0.0, min(float(np.min(values)) for _, values in series) / 1e6 * 1.08)
        if top <= low:  # options that cost nothing: a scale of £0m to £1m rather than none
            top = low + 1.0
        for index, (name, values) in enumerate(series):
            ax.plot(x, values / 1e6, color=colour(index), marker=MARKERS[index % len(MARKERS)], markersize=4,
                    linestyle=LINE_STYLES[index % len(LINE_STYLES)], linewidth=1.6)
        ax.set_ylim(low, top)
        ax.set_xlim(-0.3, len(years) - 0.7)
        step = max(1, int(np.ceil(len(years) * 36 / w)))
        ax.set_xticks(x)
        ax.set_xticklabels([year if t % step == 0 else "" for t, year in enumerate(years)])
        ax.yaxis.set_major_formatter(_pounds_m)
        ax.yaxis.grid(True, color=GRID, linewidth=0.5)
        ax.set_axisbelow(True)
        # Direct labels at each line's end, moved apart where lines end close together.
        wrapped = [wrap(name, label_width, TEXT) for name, _ in series]
        heights = [len(lines) * LINE for lines in wrapped]
        targets = [(float(values[-1]) / 1e6 - low) / (top - low) * h for _, values in series]
        placed = spread(targets, heights, 0, h)
        for index, (lines, target, at) in enumerate(zip(wrapped, targets, placed)):
            ax.text(1.0 + 12 / w, at / h, "\n".join(lines), transform=ax.transAxes, va="center", ha="left",
                    fontsize=TEXT, color="black", linespacing=SPACING)
            ax.plot([1.0 + 2 / w, 1.0 + 10 / w], [target / h, at / h], transform=ax.transAxes, clip_on=False,
                    color=colour(index), linewidth=0.8)
    return draw


def composition_chart(options: list[str], categories: list[tuple[str, list[float]]]):
    """Stacked bars, one an option, each category a colour and a hatching; costs right of zero, savings left."""

    from matplotlib.patches import Rectangle

    def draw(fig, box):
        name_width = 120
        x0, y0, bw, _ = box
        wrapped = [wrap(name, name_width, TEXT) for name in options]
        column = bw / 2
        labels = [wrap(label, column - 24, TEXT) for label, _ in categories]
        rows = [max(len(lines) for lines in labels[i:i + 2]) for i in range(0, len(labels), 2)]
        legend = sum(rows) * LINE + 2 * len(rows) + 6
        ax, (w, h) = _axes(fig, box, left=name_width + 8, right=48, top=4, bottom=22 + legend)
        y = np.arange(len(options))[::-1]
        positive = np.zeros(len(options))
        negative = np.zeros(len(options))
        for index, (_, values) in enumerate(categories):
            values = np.asarray(values) / 1e6
            start = np.where(values >= 0, positive, negative)
            ax.barh(y, values, left=start, height=0.6, color=fill(index), hatch=fill_hatch(index),
                    edgecolor="white", linewidth=0.4)
            positive += np.where(values >= 0, values, 0)
            negative += np.where(values < 0, values, 0)
        totals = positive + negative
        span = max(positive.max(), 1e-9) - min(negative.min(), 0)
        ax.set_xlim(min(negative.min(), 0) - 0.02 * span, positive.max() + 0.02 * span)
        for k, (row, total) in enumerate(zip(y, totals)):
            ax.text(positive[k] + 0.01 * span, row, _money_m(total), va="center", ha="left", fontsize=TEXT)
        ax.set_yticks(y)
        ax.set_yticklabels(["\n".join(lines) for lines in wrapped], linespacing=SPACING)
        ax.xaxis.set_major_formatter(_pounds_m)
        ax.xaxis.grid(True, color=GRID, linewidth=0.5)
        ax.set_axisbelow(True)
        # The legend, laid out by hand below the chart in two columns, so nothing can land on the bars.
        width, height = fig.get_size_inches() * 72
        top = y0 + legend - 2
        for start, lines_in_row in zip(range(0, len(labels), 2), rows):
            for index in range(start, min(start + 2, len(labels))):
                left = x0 + (index % 2) * column
                swatch = fig.add_axes([left / width, (top - 9) / height, 16 / width, 9 / height])
                swatch.add_patch(Rectangle((0, 0), 1, 1, facecolor=fill(index), hatch=fill_hatch(index),
                                           edgecolor="white", linewidth=0.4))
                swatch.set_axis_off()
                fig.text((left + 20) / width, (top + 1) / height, "\n".join(labels[index]), fontsize=TEXT,
                         va="top", ha="left", linespacing=SPACING)
            top -= lines_in_row * LINE + 2

    return draw


def _money_m(value: float) -> str:
    text = f"£{abs(value):,.1f}m"
    return f"({text})" if value < 0 else text


def tornado_chart(lead: float, bars: list[tuple[str, float, float, str, str]]):
    """For each input, the lead of the cheapest option over the next at the input's low and at its high."""

    def draw(fig, box):
        name_width = 170
        ax, (w, h) = _axes(fig, box, left=name_width + 8, right=10, top=20, bottom=18)
        lows = [b[1] / 1e6 for b in bars]
        highs = [b[2] / 1e6 for b in bars]
        centre = lead / 1e6
        ends = lows + highs + [centre, 0.0]
        span = max(ends) - min(ends) or 1.0
        ax.set_xlim(min(ends) - 0.22 * span, max(ends) + 0.22 * span)
        ax.set_ylim(-0.6, len(bars) - 0.4)
        y = np.arange(len(bars))[::-1]
        for row, low, high, (_, _, _, low_text, high_text) in zip(y, lows, highs, bars):
            for end, index in ((low, 0), (high, 1)):
                ax.barh(row, end - centre, left=centre, height=0.5, color=colour(index), hatch=hatch(index * 2),
                        edgecolor="white", linewidth=0.4, alpha=0.9)
            same_side = (low - centre) * (high - centre) > 0
            for end, text, shift in ((low, f"low {low_text}", 0.22), (high, f"high {high_text}", -0.22)):
                # On white, so that a label that reaches across the zero line stays legible.
                ax.text(end + (0.01 if end >= centre else -0.01) * span, row + (shift if same_side else 0), text,
                        va="center", ha="left" if end >= centre else "right", fontsize=TEXT,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        ax.axvline(centre, color="black", linewidth=0.8)
        ax.axvline(0.0, color="black", linewidth=0.8, linestyle="--")
        ax.text(centre, 1.0 + 4 / h, f" central: {_pounds_m(centre)}", transform=ax.get_xaxis_transform(),
                ha="left", va="bottom", fontsize=TEXT)
        ax.text(0.0, 1.0 + 4 / h, "below zero the answer changes ", transform=ax.get_xaxis_transform(),
                ha="right", va="bottom", fontsize=TEXT)
        ax.set_yticks(y)
        ax.set_yticklabels(["\n".join(wrap(b[0], name_width, TEXT)[:3]) for b in bars], linespacing=SPACING)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_formatter(_pounds_m)
        ax.xaxis.grid(True, color=GRID, linewidth=0.5)
        ax.set_axisbelow(True)

    return draw


def distribution_chart(edges: np.ndarray, outcomes: list[tuple[str, np.ndarray, dict]]):
    """One small histogram an option, on one scale, each with its P10, P50 and P90 marked."""

    def draw(fig, box):
        name_width = 120
        x0, y0, bw, bh = box
        panel = (bh - 18) / len(outcomes)
        edges_m = np.asarray(edges) / 1e6
        for index, (name, counts, npc) in enumerate(outcomes):
            bottom = y0 + bh - (index + 1) * panel
            last = index == len(outcomes) - 1
            ax, (w, h) = _axes(fig, (x0, bottom - (18 if last else 0), bw, panel + (18 if last else 0)),
                               left=name_width + 8, right=10, top=14, bottom=18 if last else 2)
            ax.stairs(counts, edges_m, fill=True, color=colour(index), hatch=hatch(index), alpha=0.85)
            ax.set_xlim(edges_m[0], edges_m[-1])
            ax.set_ylim(0, max(float(np.max(counts)), 1) * 1.05)
            ax.set_yticks([])
            ax.spines["left"].set_visible(False)
            # Where P10 and P90 sit too near P50 to be named apart, only P50 is named (Table 4 gives all three).
            scale = w / (edges_m[-1] - edges_m[0] or 1.0)
            crowded = min(npc["p50"] - npc["p10"], npc["p90"] - npc["p50"]) / 1e6 * scale < 20
            for key, style in (("p10", "--"), ("p50", "-"), ("p90", "--")):
                at = npc[key] / 1e6
                ax.axvline(at, color="black", linewidth=0.9, linestyle=style)
                if key == "p50" or not crowded:
                    ax.text(at, 1.0, key.upper(), transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                            fontsize=TEXT)
            ax.text(-8 / w, 0.5, "\n".join(wrap(name, name_width, TEXT)[:3]), transform=ax.transAxes, ha="right",
                    va="center", fontsize=TEXT, linespacing=SPACING)
            if last:
                ax.xaxis.set_major_formatter(_pounds_m)
            else:
                ax.set_xticklabels([])
                ax.tick_params(axis="x", length=2)

    return draw
