"""The committee pack, read back as a councillor reads it: pages, words, sizes, and the figures on page 1.

The pack is written by the command a finance officer types, then read with poppler
(tests/pdfwords.py) and python-docx, never through costmodel's own layout code.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, SCENARIOS
from pdfwords import height_at, overlapping, page_count, words

from costmodel.cli import cli
from costmodel.engine.projection import project
from costmodel.lines.categories import CATEGORIES
from costmodel.limits import limits
from costmodel.report import assemble
from costmodel.scenario.loader import load_scenario

ISLE_OF_WIGHT = SCENARIOS / "isle-of-wight-2017.yaml"


def _report(*args) -> object:
    return CliRunner().invoke(cli, ["report", *[str(a) for a in args]])


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """The Isle of Wight's pack, as PDF and as Word, written by `costmodel report`."""
    folder = tmp_path_factory.mktemp("pack")
    written = {}
    for kind in ("pdf", "docx"):
        target = folder / f"pack.{kind}"
        result = _report(ISLE_OF_WIGHT, "-o", target)
        assert result.exit_code == 0, result.output
        assert result.output == f"wrote {target}\n"
        written[kind] = target
    return written


@pytest.fixture(scope="module")
def pages(packs):
    return words(packs["pdf"])


@pytest.fixture(scope="module")
def results():
    """The documented JSON results of the same scenario (`costmodel run --json`)."""
    with assemble(project(load_scenario(ISLE_OF_WIGHT, limits(False))), simulate=False) as report:
        return report.to_json()


def test_a_four_option_pack_is_at_most_eight_a4_pages(packs, results):
    assert len(results["options"]) == 4
    assert page_count(packs["pdf"]) <= 8
    info = subprocess.run(["pdfinfo", str(packs["pdf"])], capture_output=True, text=True, check=True).stdout
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    # A4 is 210 x 297 mm: 595.28 x 841.89 points.
    assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842)


def test_no_two_words_overlap(pages):
    clashes = [f"page {a.page}: {a.text!r} and {b.text!r}" for page in pages for a, b in overlapping(page)]
    assert clashes == []


def test_no_word_is_smaller_than_8_pt(pages, tmp_path):
    eight = height_at(8, tmp_path)
    small = [f"page {w.page}: {w.text!r} ({w.height / eight * 8:.1f} pt)" for page in pages for w in page
             if w.height < eight - 0.01]
    assert small == []


def test_the_reading_checks_find_small_and_overlapping_words(tmp_path):
    # The two checks above must be able to fail: a 7 pt word, and two words set on top of each other.
    import matplotlib
    from matplotlib.figure import Figure

    target = tmp_path / "bad.pdf"
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        figure = Figure(figsize=(4, 2))
        figure.text(0.1, 0.8, "small", fontsize=7)
        figure.text(0.1, 0.4, "under", fontsize=10)
        figure.text(0.15, 0.41, "over", fontsize=10)
        figure.savefig(target)
    (page,) = words(target)
    eight = height_at(8, tmp_path)
    assert [w.text for w in page if w.height < eight - 0.01] == ["small"]
    assert [(a.text, b.text) for a, b in overlapping(page)] == [("under", "over")]


def _rows(page) -> list[list[str]]:
    """Words that share a baseline, left to right: a table's rows as pdftotext reads them."""
    rows: dict[float, list] = {}
    for word in page:
        rows.setdefault(round(word.y1, 1), []).append(word)
    return [[w.text for w in sorted(row, key=lambda w: w.x0)] for _, row in sorted(rows.items())]


def test_page_one_gives_the_ranking_and_the_cash_by_year_of_the_json(pages, results):
    page = pages[0]
    texts = [w.text for w in page]
    ranked = sorted(results["options"], key=lambda o: o["rank"])
    # Table 1: each option's NPC, cash total and EAC to the pound, in rank order down the page.
    tops = []
    for option in ranked:
        for key in ("npc", "cash_total", "eac"):
            assert f"£{option[key]:,.0f}" in texts, (option["name"], key)
        tops.append(next(w.y0 for w in page if w.text == f"£{option['npc']:,.0f}"))
    assert tops == sorted(tops)
    # The sentence that gives the answer: the cheapest option's NPC in millions to one decimal place.
    assert f"£{ranked[0]['npc'] / 1e6:.1f}m" in texts
    # Table 2: every year's cash, in £000, in the columns of the options in rank order.
    rows = {row[0]: row[1:] for row in _rows(page) if row}
    for t, year in enumerate(results["years"]):
        assert rows[year] == [f"{option['annual'][t]['cash'] / 1000:,.0f}" for option in ranked], year
    assert rows["Total"] == [f"{option['cash_total'] / 1000:,.0f}" for option in ranked]


def test_every_section_is_there_with_the_fingerprint_and_the_command_that_re_runs_it(pages, results, packs):
    text = " ".join(w.text for page in pages for w in page)
    for heading in ("The answer", "What each option costs, year by year", "How sure the answer is",
                    "Switching values", "The range of net present cost", "The risks",
                    "The assumptions that matter most", "Published figures checked", "Assurance statement"):
        assert heading in text
    for figure in range(1, 6):
        assert f"Figure {figure}." in text
    assert results["scenario"]["fingerprint"] in text
    assert f"costmodel report {ISLE_OF_WIGHT} -o {packs['pdf']}" in text
    # Who built it, from the scenario's metadata.
    assert "Built by costmodel project (from the Cabinet paper of 9 November 2017) for Isle of Wight Council" in text


def test_no_internal_key_reaches_the_page(pages, packs):
    from docx import Document

    pdf_words = {w.text for page in pages for w in page}
    document = Document(str(packs["docx"]))
    docx_text = "\n".join([p.text for p in document.paragraphs] +
                          [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    for key in CATEGORIES:
        if "_" in key:
            assert not any(key in word for word in pdf_words), key
            assert key not in docx_text, key
    assert not [w for w in pdf_words if "_" in w or "options[" in w]
    # The categories' own names do reach it.
    assert "Set-up and transition (with optimism bias)" in docx_text


def test_the_word_file_holds_the_tables_as_word_tables_and_the_charts_as_pictures(packs, results):
    from docx import Document

    document = Document(str(packs["docx"]))
    assert len(document.tables) == 7
    assert len(document.inline_shapes) == 5
    ranking = document.tables[0]
    assert [cell.text for cell in ranking.rows[0].cells] == [
        "Rank", "Option", "Net present cost", "Cash total", "Equivalent annual cost", "NPC against the baseline"]
    ranked = sorted(results["options"], key=lambda o: o["rank"])
    assert [[row.cells[1].text, row.cells[2].text] for row in ranking.rows[1:]] == [
        [option["name"], f"£{option['npc']:,.0f}"] for option in ranked]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_word_file_opens_in_libreoffice_writer(packs, tmp_path):
    from libreoffice import libreoffice_convert

    (converted,) = libreoffice_convert([packs["docx"]], "pdf", tmp_path, recalculate=False)
    text = " ".join(w.text for page in words(converted) for w in page)
    assert "Financial implications: Isle of Wight" in text
    assert "Assurance statement" in text


def test_the_same_scenario_gives_the_same_pdf(tmp_path, monkeypatch):
    # The pack names the command that re-runs it, output and all: so the same command, in two folders.
    written = []
    for folder in ("first", "second"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        assert _report(ISLE_OF_WIGHT, "-o", "pack.pdf").exit_code == 0
        written.append((tmp_path / folder / "pack.pdf").read_bytes())
    assert written[0] == written[1]


def test_a_scenario_without_ranges_gives_a_pack_without_the_uncertainty(write_scenario, tmp_path):
    target = tmp_path / "minimal.pdf"
    result = _report(write_scenario(MINIMAL), "-o", target)
    assert result.exit_code == 0, result.output
    pages = words(target)
    text = " ".join(w.text for page in pages for w in page)
    assert "The answer" in text and "Assurance statement" in text
    assert "How sure the answer is" not in text
    assert "The scenario states no published figures to check." in text
    assert [pair for page in pages for pair in overlapping(page)] == []


def test_options_that_cost_nothing_give_a_pack_and_say_so(write_scenario, tmp_path):
    # No posts and no purchases: every line is zero, so every chart's scale and stack is empty.
    text = MINIMAL.replace("count: 10", "count: 0").replace("amount: 100,000", "amount: 0")
    path = write_scenario(text)
    for kind in ("pdf", "docx"):
        result = _report(path, "-o", tmp_path / f"zero.{kind}")
        assert result.exit_code == 0, result.output
    pages = words(tmp_path / "zero.pdf")
    said = " ".join(w.text for page in pages for w in page)
    assert "No option has a cost in any category" in said
    assert "£0" in said
    assert [pair for page in pages for pair in overlapping(page)] == []


def test_an_output_that_is_not_a_pdf_or_word_file_is_refused(tmp_path):
    result = _report(ISLE_OF_WIGHT, "-o", tmp_path / "pack.txt")
    assert result.exit_code == 2
    assert "pack.txt should end in .pdf or .docx" in result.output
    assert not (tmp_path / "pack.txt").exists()


def test_a_file_costmodel_did_not_write_is_not_replaced(tmp_path):
    target = tmp_path / "minutes.pdf"
    target.write_bytes(b"%PDF-1.4 the minutes of the last meeting")
    result = _report(ISLE_OF_WIGHT, "-o", target)
    assert result.exit_code == 1
    assert result.output == (f"error: {target}: exists, and was changed since costmodel wrote it or was not "
                             f"written by costmodel; use --force to replace it\n")
    assert target.read_bytes() == b"%PDF-1.4 the minutes of the last meeting"


def test_a_pack_costmodel_wrote_is_replaced_without_force(packs, write_scenario, tmp_path):
    from costmodel.files import written_by_costmodel

    assert written_by_costmodel(packs["pdf"]) and written_by_costmodel(packs["docx"])
    target = tmp_path / "pack.pdf"
    target.write_bytes(packs["pdf"].read_bytes())
    assert _report(write_scenario(MINIMAL), "-o", target).exit_code == 0
    assert target.read_bytes() != packs["pdf"].read_bytes()


def test_the_answer_sets_each_option_against_the_budget_envelope_by_year():
    # The case of tests/engine/test_two_cases.py: the trust's £114,000 a year is first above the
    # envelope in 2019/20 and £3,000 over it in all (-6,000 + 1,000 + 4,000 + 4,000); the council's
    # £100,000 is within it every year, 20,000 + 13,000 + 10,000 + 10,000 = £53,000 under it.
    from costmodel.pack.content import Paragraph, Table, pack_content
    from costmodel.scenario.loader import load_scenario_text
    from two_cases import ENVELOPE, two_options

    with assemble(project(load_scenario_text(two_options(ENVELOPE))), simulate=False) as report:
        blocks = pack_content(report, "costmodel report cases.yaml -o pack.pdf").blocks
    sentence = next(b.text for b in blocks if isinstance(b, Paragraph) and "budget envelope" in b.text)
    assert sentence == ("Against the budget envelope by year: A trust buys it: first above it in 2019/20; £3,000 "
                        "more than it over the whole period; The council buys it: within it every year; £53,000 "
                        "less than it over the whole period.")
    cash = next(b for b in blocks if isinstance(b, Table) and "financial case" in b.title)
    assert cash.header[-1] == "Budget envelope"
    # £000: 120, 113, 110 and 110 carried forward; 453 in all.
    assert [row[-1] for row in cash.rows] == ["120", "113", "110", "110", "453"]


def test_the_answer_says_so_where_the_scenario_states_no_budget_envelope():
    from costmodel.pack.content import Paragraph, Table, pack_content
    from costmodel.scenario.loader import load_scenario_text
    from two_cases import two_options

    with assemble(project(load_scenario_text(two_options())), simulate=False) as report:
        blocks = pack_content(report, "costmodel report cases.yaml -o pack.pdf").blocks
    sentences = [b.text for b in blocks if isinstance(b, Paragraph) and "budget envelope" in b.text]
    assert sentences == ["The scenario states no budget envelope (the medium-term financial strategy's cash by "
                         "year), so no gap to a budget is shown."]
    cash = next(b for b in blocks if isinstance(b, Table) and "financial case" in b.title)
    assert "Budget envelope" not in cash.header
