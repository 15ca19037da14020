"""The pack as an A4 PDF, laid out with matplotlib: text wrapped by measure, tables split between pages
with their heading repeated, charts drawn in place. Every word is at least 8 pt.

Layout and drawing are two steps: the pages are laid out first (so the footer can say "page 2 of
7"), then each page is drawn on a figure of its own and added to the PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from ..files import SIGNATURE
from .content import Chart, Heading, Pack, Paragraph, Table
from ..printed.measure import text_width, wrap

#: A4 in points, and the margins a council's print room expects (2 cm).
PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89
MARGIN = 56.7
TOP, BOTTOM = MARGIN, PAGE_HEIGHT - MARGIN
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LEADING = 1.32
PAD = 3.0
INK, GREY, RULE, LIGHT = "#000000", "#404040", "#808080", "#D0D0D0"

#: Tables of up to this many rows are not split between pages.
SHORT_TABLE = 12

SIZES = {"title": 15.0, "subtitle": 9.0, "h1": 12.5, "h2": 10.5, "lead": 10.5, "body": 9.5, "bullet": 9.5,
         "small": 8.0, "code": 8.5, "caption": 9.0, "cell": 8.0, "footer": 8.0}


@dataclass
class Page:
    texts: list = field(default_factory=list)  # (x, baseline from the top, text, size, bold, mono, ha, colour)
    rules: list = field(default_factory=list)  # (x0, x1, y from the top, width, colour)
    charts: list = field(default_factory=list)  # (draw, x, top, width, height)


class Layout:
    def __init__(self):
        self.pages: list[Page] = [Page()]
        self.y = TOP

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def room(self) -> float:
        return BOTTOM - self.y

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = TOP

    def ensure(self, height: float) -> None:
        if height > self.room() and self.y > TOP:
            self.new_page()

    def lines(self, lines: list[str], size: float, x: float = MARGIN, bold=False, mono=False, colour=INK,
              ha="left") -> None:
        for line in lines:
            self.ensure(size * LEADING)
            self.y += size * LEADING
            self.page.texts.append((x, self.y - size * 0.3, line, size, bold, mono, ha, colour))

    def text(self, text: str, style: str, x: float = MARGIN, width: float = TEXT_WIDTH, bold=False,
             colour=INK) -> None:
        size = SIZES[style]
        mono = style == "code"
        self.lines(wrap(text, width, size, bold, mono), size, x, bold, mono, colour)


def _paragraph_height(block: Paragraph, lines: int | None = None) -> float:
    size = SIZES[block.style]
    width = TEXT_WIDTH - (12 if block.style == "bullet" else 0)
    count = len(wrap(block.text, width, size, mono=block.style == "code"))
    return min(count, lines or count) * size * LEADING + 5


def fitted_widths(table: Table, padding: float = 2 * PAD) -> list[float]:
    """The table's column shares, widened where a figure (£459,262,527) or a word of a heading would
    otherwise be broken over two lines, the width taken from the columns of words. `padding`: a cell's
    margins, left and right together."""
    size = SIZES["cell"]
    need = []
    for c, align in enumerate(table.align):
        widest = max(text_width(word, size, bold=True) for word in table.header[c].split(" ") or [""])
        if align == "r":
            # A figure is one word: "£3,000,000 to £10,000,000" may wrap at its spaces, never inside a figure.
            widest = max([widest] + [text_width(word, size, bold=True) for row in table.rows
                                     for word in row[c].split(" ")])
        need.append((widest + padding + 1) / TEXT_WIDTH)
    shares = [max(share, least) for share, least in zip(table.widths, need)]
    words = [c for c, align in enumerate(table.align) if align != "r"]
    excess = sum(shares) - 1
    if excess > 0 and words:
        slack = {c: max(shares[c] - need[c], 0) for c in words}
        total = sum(slack.values())
        for c in words:
            shares[c] -= min(excess, total) * (slack[c] / total if total else 0)
    return shares


def _cell_lines(table: Table, row: list[str], bold: bool) -> list[list[str]]:
    return [wrap(text, TEXT_WIDTH * share - 2 * PAD, SIZES["cell"], bold)
            for text, share in zip(row, fitted_widths(table))]


def _row_height(cells: list[list[str]]) -> float:
    return max(len(lines) for lines in cells) * SIZES["cell"] * LEADING + 2 * PAD


def _first_part_height(block) -> float:
    """Enough of a block that its heading is not left alone at the foot of a page."""
    if isinstance(block, Paragraph):
        return _paragraph_height(block, 3)
    if isinstance(block, Chart):
        return SIZES["caption"] * LEADING * 2 + block.height
    if isinstance(block, Table):
        header = _row_height(_cell_lines(block, block.header, True))
        rows = [_row_height(_cell_lines(block, row, False)) for row in block.rows]
        # A short table is kept whole (see _table), so its heading waits for all of it.
        return SIZES["caption"] * LEADING * 2 + header + (sum(rows) if len(rows) <= SHORT_TABLE else sum(rows[:2]))
    return 0.0


def lay_out(pack: Pack) -> list[Page]:
    layout = Layout()
    layout.text(pack.title, "title", bold=True)
    layout.y += 2
    layout.text(pack.subtitle, "subtitle", colour=GREY)
    layout.y += 4
    layout.page.rules.append((MARGIN, PAGE_WIDTH - MARGIN, layout.y, 0.8, RULE))
    for index, block in enumerate(pack.blocks):
        following = pack.blocks[index + 1] if index + 1 < len(pack.blocks) else None
        if isinstance(block, Heading):
            style = "h1" if block.level == 1 else "h2"
            before = 10 if block.level == 1 else 6
            height = before + SIZES[style] * LEADING + 3 + (_first_part_height(following) if following else 0)
            after = pack.blocks[index + 2] if index + 2 < len(pack.blocks) else None
            if isinstance(following, Paragraph) and isinstance(after, (Table, Chart)):
                # A sentence that introduces a table or chart stays with it, and the heading with both.
                height += _paragraph_height(following) - _first_part_height(following) + _first_part_height(after)
            layout.ensure(height)
            if layout.y > TOP:
                layout.y += before
            layout.text(block.text, style, bold=True)
            layout.y += 3
        elif isinstance(block, Paragraph):
            if block.style == "bullet":
                layout.ensure(SIZES["bullet"] * LEADING)
                layout.page.texts.append((MARGIN + 2, layout.y + SIZES["bullet"] * (LEADING - 0.3), "•",
                                          SIZES["bullet"], False, False, "left", INK))
                layout.text(block.text, "bullet", x=MARGIN + 12, width=TEXT_WIDTH - 12)
            else:
                layout.text(block.text, block.style, x=MARGIN + (8 if block.style == "code" else 0))
            layout.y += 5 if block.style != "bullet" else 2
        elif isinstance(block, Table):
            _table(layout, block)
        elif isinstance(block, Chart):
            caption = wrap(block.title, TEXT_WIDTH, SIZES["caption"], True)
            layout.ensure(len(caption) * SIZES["caption"] * LEADING + 4 + block.height)
            layout.lines(caption, SIZES["caption"], bold=True)
            layout.y += 4
            layout.page.charts.append((block.draw, MARGIN, layout.y, TEXT_WIDTH, block.height))
            layout.y += block.height + 8
    return layout.pages


def _table(layout: Layout, table: Table) -> None:
    header = _cell_lines(table, table.header, True)
    rows = [_cell_lines(table, row, i in table.bold_rows) for i, row in enumerate(table.rows)]
    caption = wrap(table.title, TEXT_WIDTH, SIZES["caption"], True)

    def top(continued: bool) -> None:
        title = caption if not continued else wrap(f"{table.title} (continued)", TEXT_WIDTH, SIZES["caption"], True)
        layout.lines(title, SIZES["caption"], bold=True)
        layout.y += 3
        _row(layout, table, header, True)
        layout.page.rules.append((MARGIN, PAGE_WIDTH - MARGIN, layout.y, 0.8, RULE))

    head = len(caption) * SIZES["caption"] * LEADING + 3 + _row_height(header)
    whole = head + sum(_row_height(cells) for cells in rows)
    # A short table is kept whole on one page; a long one splits, with its heading repeated.
    layout.ensure(whole if len(rows) <= SHORT_TABLE else head + (_row_height(rows[0]) if rows else 0))
    top(False)
    for index, cells in enumerate(rows):
        if _row_height(cells) > layout.room():
            layout.new_page()
            top(True)
        bold = index in table.bold_rows
        if bold:
            layout.page.rules.append((MARGIN, PAGE_WIDTH - MARGIN, layout.y, 0.8, RULE))
        _row(layout, table, cells, bold)
        if index + 1 < len(rows):
            layout.page.rules.append((MARGIN, PAGE_WIDTH - MARGIN, layout.y, 0.4, LIGHT))
    layout.page.rules.append((MARGIN, PAGE_WIDTH - MARGIN, layout.y, 0.8, RULE))
    layout.y += 4
    if table.note:
        layout.text(table.note, "small", colour=GREY)
    layout.y += 6


def _row(layout: Layout, table: Table, cells: list[list[str]], bold: bool) -> None:
    size = SIZES["cell"]
    x = MARGIN
    top = layout.y + PAD
    for lines, share, align in zip(cells, fitted_widths(table), table.align):
        width = TEXT_WIDTH * share
        for k, line in enumerate(lines):
            baseline = top + (k + 1) * size * LEADING - size * 0.3
            left = x + PAD if align == "l" else x + width - PAD
            layout.page.texts.append((left, baseline, line, size, bold, False, "left" if align == "l" else "right",
                                      INK))
        x += width
    layout.y += _row_height(cells)


def render_pdf(pack: Pack) -> bytes:
    # A Figure made directly, never through pyplot, is drawn by the Agg (PNG) and PDF backends
    # whatever backend the process has chosen: no display is needed and no global state changes.
    import matplotlib

    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    pages = lay_out(pack)
    out = io.BytesIO()
    # TrueType text (not Type 3) keeps every word searchable and copyable, and readable by pdftotext.
    with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans", "hatch.linewidth": 0.6,
                                "axes.linewidth": 0.6, "svg.hashsalt": "costmodel"}):
        with PdfPages(out, metadata={"Title": pack.title, "Creator": SIGNATURE, "Producer": SIGNATURE,
                                     "CreationDate": None}) as pdf:
            for number, page in enumerate(pages, start=1):
                figure = Figure(figsize=(PAGE_WIDTH / 72, PAGE_HEIGHT / 72))
                for draw, x, top, width, height in page.charts:
                    draw(figure, (x, PAGE_HEIGHT - top - height, width, height))
                for x, baseline, text, size, bold, mono, ha, colour in page.texts:
                    figure.text(x / PAGE_WIDTH, 1 - baseline / PAGE_HEIGHT, text, fontsize=size, ha=ha,
                                va="baseline", color=colour, fontweight="bold" if bold else "normal",
                                family="DejaVu Sans Mono" if mono else "DejaVu Sans")
                for x0, x1, y, width, colour in page.rules:
                    figure.add_artist(_rule(x0, x1, y, width, colour))
                # The page number at the right margin; the title at the left, cut short where a long one
                # would run into it.
                size = SIZES["footer"]
                page_words = f"page {number} of {len(pages)}"
                room = TEXT_WIDTH - text_width(page_words, size) - 12
                title = wrap(pack.footer, room, size)
                footer = title[0] + (" …" if len(title) > 1 else "")
                figure.text(MARGIN / PAGE_WIDTH, 28 / PAGE_HEIGHT, footer, fontsize=size, color=GREY, va="baseline")
                figure.text(1 - MARGIN / PAGE_WIDTH, 28 / PAGE_HEIGHT, page_words, fontsize=size, color=GREY,
                            va="baseline", ha="right")
                pdf.savefig(figure)
    return out.getvalue()


def _rule(x0: float, x1: float, y: float, width: float, colour: str):
    from matplotlib.lines import Line2D

    return Line2D([x0 / PAGE_WIDTH, x1 / PAGE_WIDTH], [1 - y / PAGE_HEIGHT] * 2, linewidth=width, color=colour)



