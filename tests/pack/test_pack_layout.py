"""The pack's layout rules, one at a time: labels moved apart, text wrapped to its width, columns fitted."""

from __future__ import annotations

from costmodel.pack.charts import spread
from costmodel.pack.content import Table
from costmodel.printed.measure import text_width, wrap
from costmodel.pack.pdf import PAD, TEXT_WIDTH, fitted_widths


def test_labels_that_would_overlap_are_moved_apart_by_their_heights():
    # Three labels 10 pt tall aimed 2 pt apart: each goes half of each height plus 1 pt above the one below.
    # 50; max(52, 50 + (10 + 10) / 2 + 1) = 61; max(54, 61 + 11) = 72.
    assert spread([50, 52, 54], [10, 10, 10], 0, 100) == [50, 61, 72]


def test_labels_pushed_off_the_top_come_back_down_keeping_their_gaps():
    # Forward: 95, then 95 + 11 = 106, past the top; back down: min(106, 100 - 10 / 2) = 95, then 95 - 11 = 84.
    assert spread([95, 96], [10, 10], 0, 100) == [84, 95]
    # Labels far apart stay where they are aimed, in the order given.
    assert spread([80, 20], [10, 10], 0, 100) == [80, 20]


def test_wrapped_lines_fit_their_width_and_keep_every_word():
    text = ("Option 2a: partnership with another council becomes cheaper than Option 2: extend the Hampshire "
            "partnership only if Failure risk: annual probability is above 11.1% (central 5.0%).")
    lines = wrap(text, 120, 8)
    assert len(lines) > 1
    assert all(text_width(line, 8) <= 120 for line in lines)
    assert " ".join(lines) == text


def test_a_word_wider_than_the_line_is_broken_where_it_must_be():
    lines = wrap("d05ffdd1cf74ab811eb53c82df467d89e120ce346d9cddf1c577139201c3503", 60, 8)
    assert len(lines) > 1 and all(text_width(line, 8) <= 60 for line in lines)
    assert "".join(lines) == "d05ffdd1cf74ab811eb53c82df467d89e120ce346d9cddf1c577139201c3503"


def test_a_figure_column_is_widened_to_hold_its_widest_figure_from_the_column_of_words():
    table = Table("T", ["Option", "P10"], [["An option", "£428,929,966"]], [0.95, 0.05], "lr")
    shares = fitted_widths(table)
    # The figure column takes the figure's width (in bold, the widest it is set) and its margins.
    assert shares[1] * TEXT_WIDTH >= text_width("£428,929,966", 8, bold=True) + 2 * PAD
    assert abs(sum(shares) - 1) < 1e-9
    assert shares[0] < 0.95
