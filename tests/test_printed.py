"""What the pack and the workbook share on paper (costmodel/printed): the quick count of a text's lines
that sizes the workbook's rows is never fewer lines than the wrap that the pack draws with."""

import random

from costmodel.printed.measure import line_count, wrap

WORDS = ("the quick brown fox Hampshire partnership charge (full cost recovery) £1,234,567 a-b Children's "
         "services VAT WWW iii Statutory Director and commissioning unit kept by the council").split()


def test_a_row_is_never_sized_for_fewer_lines_than_its_text_wraps_to():
    chosen = random.Random(19)  # a fixed sample, the same every run
    fewer, exact = [], 0
    for _ in range(2000):
        text = " ".join(chosen.choice(WORDS) for _ in range(chosen.randint(1, 40)))
        width, size, bold = chosen.uniform(40, 400), chosen.choice([10, 11, 12]), chosen.random() < 0.3
        counted, wrapped = line_count(text, width, size, bold), len(wrap(text, width, size, bold))
        if counted < wrapped:
            fewer.append((text, width, size, bold))
        exact += counted == wrapped
    assert not fewer, fewer[:3]
    assert exact >= 1900  # and it is not just generous: it counts as wrap does nearly always


def test_the_count_follows_the_text():
    assert line_count("", 100, 11) == 1
    assert line_count("one\ntwo", 500, 11) == 2
    assert line_count("word " * 40, 100, 11) > line_count("word " * 40, 400, 11) > 1


def test_a_text_is_as_wide_as_matplotlibs_own_renderer_measures_it():
    # The widths size the workbook's rows; they were taken from matplotlib's Agg renderer, and are now taken
    # from FreeType directly, without loading the renderer: the two must agree to the 64th of a point.
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    from costmodel.printed.measure import text_width

    renderer = RendererAgg(10, 10, 72)
    chosen = random.Random(23)
    for _ in range(300):
        text = " ".join(chosen.choice(WORDS) for _ in range(chosen.randint(1, 6)))
        size, bold, mono = chosen.choice([8, 9, 10, 11, 12, 14, 100.0]), chosen.random() < 0.4, chosen.random() < 0.2
        properties = FontProperties(family="DejaVu Sans Mono" if mono else "DejaVu Sans", size=size,
                                    weight="bold" if bold else "normal")
        expected, _, _ = renderer.get_text_width_height_descent(text, properties, ismath=False)
        assert text_width(text, size, bold, mono) == expected, (text, size, bold, mono)


def test_a_line_known_to_fit_is_counted_as_the_word_by_word_count_counts_it():
    # The short cut for a line that fits must give what the estimate and the wrap give, at widths around
    # the text's own, where the two could part.
    from costmodel.printed.measure import _estimated_lines, text_width

    chosen = random.Random(23)
    parted = []
    for _ in range(3000):
        text = " ".join(chosen.choice(WORDS) for _ in range(chosen.randint(1, 6)))
        size, bold = chosen.choice([10, 11, 12]), chosen.random() < 0.3
        width = text_width(text, size, bold) * chosen.uniform(0.9, 1.3) / 0.985
        narrow, wide = (_estimated_lines(text, width, size * stretch, bold, False) for stretch in (1.0, 1.1))
        expected = narrow if narrow == wide else len(wrap(text, width, size, bold))
        if line_count(text, width, size, bold) != expected:
            parted.append((text, width, size, bold))
    assert not parted, parted[:3]


def test_the_table_of_dejavus_metrics_is_what_freetype_gives_now():
    # Regenerated and compared whole: a new matplotlib, FreeType or font makes it stale, and this fails
    # until `python -m costmodel.printed.tabulate` is run again.
    from costmodel.printed.tabulate import TABLE, tabulate, written

    assert written(tabulate()) == TABLE.read_text(encoding="utf-8")


def test_a_text_measured_from_the_table_is_as_wide_as_freetype_measures_it():
    from costmodel.printed.measure import freetype_width, tabulated_width
    from costmodel.printed.tabulate import CHARACTERS, FACES, SIZES

    chosen = random.Random(29)
    ligatures = "ffiflt .AVTo"  # every ligature, and pairs that kern, met often
    for _ in range(3000):
        source = CHARACTERS if chosen.random() < 0.6 else ligatures
        text = "".join(chosen.choice(source) for _ in range(chosen.randint(1, 14)))
        size, (bold, mono) = chosen.choice(SIZES), chosen.choice(list(FACES.values()))
        assert tabulated_width(text, size, bold, mono) == freetype_width(text, size, bold, mono), (text, size)
    assert tabulated_width("x", 9) is None and tabulated_width("Ωx", 11) is None  # not tabulated: FreeType's


def test_the_shipped_workbooks_count_the_same_lines_from_the_table_as_through_freetype(tmp_path, monkeypatch):
    import costmodel.printed.measure as measure
    from conftest import SCENARIOS
    from costmodel.cli import cli

    measured = []
    counted = measure.line_count

    def recorded(text, width, size, bold=False, mono=False):
        measured.append((text, width, size, bold, mono))
        return counted(text, width, size, bold, mono)

    monkeypatch.setattr(measure, "line_count", recorded)
    for name in ("isle-of-wight-2017", "worcestershire-2017", "county-whole-service"):
        try:
            cli.main(["run", str(SCENARIOS / f"{name}.yaml"), "-o", str(tmp_path / f"{name}.xlsx")],
                     standalone_mode=False)
        except SystemExit as exit:
            assert not exit.code, exit.code
    assert len(measured) > 10_000
    table = [counted(*case) for case in measured]
    untabulated = [case for case in measured if any(measure.tabulated_width(word, case[2], case[3], case[4]) is None
                                                    for word in case[0].split())]
    assert untabulated == []  # every text the shipped workbooks measure is measured from the table
    def forget():  # every width and count worked out so far, so that they are worked out again
        for cached in (measure.text_width, measure._character_width, counted):
            cached.cache_clear()
        for advances in measure._ADVANCES.values():
            advances.clear()

    monkeypatch.setattr(measure, "tabulated_width", lambda *args: None)
    forget()
    try:
        assert [counted(*case) for case in measured] == table
    finally:
        forget()
