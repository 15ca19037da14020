"""The committee pack: the financial-implications section of a Cabinet paper, as PDF or Word.

`content.py` decides what the pack says (every sentence, table and chart, from a `Report`);
`charts.py` draws the charts with matplotlib; `pdf.py` lays the pages out on A4 and `word.py`
writes the same blocks as a .docx with real Word tables, so a finance officer can paste them
into a council's template. Nothing here works a figure out: it lays out what the report holds.

    with assemble(projection) as report:
        data = write_pack(report, "pdf", "costmodel report scenario.yaml -o pack.pdf")
"""

from __future__ import annotations

#: What `costmodel report -o` writes, by the file's suffix.
PACK_KINDS = {".pdf": "pdf", ".docx": "docx"}


def write_pack(report, kind: str, rerun_command: str) -> bytes:
    """The pack as the bytes of a .pdf or .docx file."""
    from .content import pack_content

    content = pack_content(report, rerun_command)
    if kind == "pdf":
        from .pdf import render_pdf

        return render_pdf(content)
    if kind == "docx":
        from .word import render_docx

        return render_docx(content)
    raise ValueError(f"no pack of kind {kind!r}")
