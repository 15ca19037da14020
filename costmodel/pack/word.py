"""The pack as a Word file: the same headings, sentences and tables as the PDF, the tables as real
Word tables (not pictures) and the charts as images, so a finance officer can paste them into a
council's template and restyle them there.
"""

from __future__ import annotations

import datetime as _dt
import io

from ..files import SIGNATURE
from .content import Chart, Heading, Pack, Paragraph, Table
from .pdf import MARGIN, PAGE_HEIGHT, PAGE_WIDTH, TEXT_WIDTH, fitted_widths

#: A Word table cell's margins, left and right together (0.19 cm each, Word's default).
WORD_CELL_MARGINS = 2 * 5.4 + 2
#: Charts are drawn at this resolution: sharp on paper, a few hundred kilobytes each.
CHART_DPI = 200


def render_docx(pack: Pack) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    section = document.sections[0]
    # python-docx's template is US Letter; a council prints on A4, with the PDF's margins.
    section.page_width, section.page_height = Pt(PAGE_WIDTH), Pt(PAGE_HEIGHT)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Pt(MARGIN))
    section.footer.paragraphs[0].text = pack.footer
    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    properties = document.core_properties
    properties.title = pack.title
    properties.author = "costmodel"
    properties.comments = SIGNATURE
    # Fixed, so that the file's properties say nothing about when it was made.
    properties.created = properties.modified = _dt.datetime(2000, 1, 1)
    properties.revision = 1
    document.add_heading(pack.title, 0)
    document.add_paragraph(pack.subtitle)
    for block in pack.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, block.level)
        elif isinstance(block, Paragraph):
            _paragraph(document, block)
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Chart):
            _caption(document, block.title)
            document.add_picture(io.BytesIO(chart_png(block)), width=Pt(TEXT_WIDTH))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _paragraph(document, block: Paragraph) -> None:
    from docx.shared import Pt

    if block.style == "bullet":
        document.add_paragraph(block.text, style="List Bullet")
    elif block.style == "code":
        run = document.add_paragraph().add_run(block.text)
        run.font.name = "Courier New"
        run.font.size = Pt(9)
    else:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block.text)
        if block.style == "lead":
            run.font.size = Pt(11)
        elif block.style == "small":
            run.font.size = Pt(8)


def _caption(document, text: str) -> None:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(9)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_after = Pt(3)


def _table(document, table: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    _caption(document, table.title)
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    # The heading row repeats on every page a long table runs onto.
    header = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    # The PDF's widths, which never break a figure or a word of a heading. LibreOffice reads the
    # widths of the table's grid, Word those of its cells: both are set.
    widths = fitted_widths(table, WORD_CELL_MARGINS)
    for column, share in zip(grid.columns, widths):
        column.width = Pt(TEXT_WIDTH * share)
    for r, values in enumerate([table.header] + table.rows):
        bold = r == 0 or (r - 1) in table.bold_rows
        for c, (value, share, align) in enumerate(zip(values, widths, table.align)):
            cell = grid.cell(r, c)
            cell.width = Pt(TEXT_WIDTH * share)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align == "r" else WD_ALIGN_PARAGRAPH.LEFT
            run = paragraph.add_run(value)
            run.bold = bold
            run.font.size = Pt(8)
    if table.note:
        note = document.add_paragraph().add_run(table.note)
        note.font.size = Pt(8)


def chart_png(chart: Chart) -> bytes:
    """A chart on a figure of its own, at the width it has in the PDF."""
    # A Figure made directly, never through pyplot, is drawn by the Agg (PNG) and PDF backends
    # whatever backend the process has chosen: no display is needed and no global state changes.
    import matplotlib

    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": "DejaVu Sans", "hatch.linewidth": 0.6, "axes.linewidth": 0.6}):
        figure = Figure(figsize=(TEXT_WIDTH / 72, chart.height / 72))
        chart.draw(figure, (0, 0, TEXT_WIDTH, chart.height))
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=CHART_DPI, metadata={"Software": SIGNATURE})
    return out.getvalue()
