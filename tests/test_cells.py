import pytest

from toolkit.cells import first_cell_run, fit, parse_cells, parse_grid_cell, split_digit_runs
from toolkit.normalize import CompactText

ROW_TOTAL = lambda v: v[-1] == sum(v[:-1])  # noqa: E731


def test_blank_markers_are_null_and_numbers_keep_their_type():
    assert parse_cells("8 / - — 无 1,234 43767.7146") == [8, None, None, None, None, 1234, 43767.7146]


def test_trailing_row_number_belongs_to_the_next_label():
    assert first_cell_run(" 0 0 1 2.") == ("0 0 1", 1)
    assert first_cell_run("00000002.")[0] == "0000000"


def test_extra_trailing_cells_are_ignored_with_a_note():
    got = fit("1 2 3 4", 3)
    assert got.values == [1, 2, 3] and "ignored 1 extra" in got.note


def test_run_together_digits_split_by_the_row_total():
    assert fit("801000081", 7, ROW_TOTAL).values == [80, 1, 0, 0, 0, 0, 81]
    assert fit("500000 5", 7, ROW_TOTAL).values == [5, 0, 0, 0, 0, 0, 5]


def test_ambiguous_split_stays_null_with_every_candidate():
    got = fit("220000022", 7, ROW_TOTAL)
    assert got.values == [None] * 7
    assert (22, 0, 0, 0, 0, 0, 22) in got.candidates and (2, 20, 0, 0, 0, 0, 22) in got.candidates
    assert "2 possible splits" in got.note


def test_no_leading_zeros_in_a_split():
    assert split_digit_runs(["1005"], 2) == [(100, 5)]


def test_too_few_cells_that_are_not_digit_runs_are_null():
    got = fit("1 —", 3)
    assert got.values == [None] * 3 and "expected 3 cells, found 2" in got.note


def test_cells_read_without_confidence_are_null_and_named():
    got = fit("1 ⍰ 3", 3)
    assert got.values == [1, None, 3] and got.unread_cells == [1] and "cell(s) [2]" in got.note


def test_row_numbering_with_a_chinese_comma_is_not_a_cell():
    assert first_cell_run(" 0 0 1 2、属于")[0] == "0 0 1"


def test_thousands_separators_half_and_full_width_are_one_number():
    assert parse_cells("1,200 0") == [1200, 0]
    assert parse_cells(CompactText("1，200\t０").text) == [1200, 0]


def test_a_grouped_number_in_a_tab_or_pipe_cell_is_one_number():
    assert CompactText("规章\t13 290\t0\t5").text == "规章 13290 0 5"
    assert CompactText("13 290 |\n0 |").text == "13290 0"
    assert CompactText("| 规章 | 1 234 567 | 0 |").text == "规章 1234567 0"


def test_a_space_that_may_separate_cells_is_never_joined_by_the_text():
    assert CompactText("规章 13 290 0 5").text == "规章 13 290 0 5"  # crawler text: no tab, no pipe
    assert CompactText("规章\t12 3456\t0").text == "规章 12 3456 0"  # not digit groups of three
    assert CompactText("规章\t13 290 0\t0").text == "规章 13 290 0 0"  # the cell holds more than one number


def test_the_row_arithmetic_decides_whether_a_space_separates_digit_groups():
    got = fit("13 290 0 0 0 0 0 13290", 7, ROW_TOTAL)
    assert got.values == [13290, 0, 0, 0, 0, 0, 13290] and "only reading" in got.note


def test_a_space_the_arithmetic_cannot_settle_stays_null_with_both_readings():
    got = fit("13 290 0 0 0 0 0 999", 7, ROW_TOTAL)
    assert got.values == [None] * 7 and got.unread
    assert set(got.candidates) == {(13, 290, 0, 0, 0, 0, 0), (13290, 0, 0, 0, 0, 0, 999)}
    got = fit("13 290 0 0", 3)  # section 二: no arithmetic
    assert got.values == [None] * 3 and set(got.candidates) == {(13, 290, 0), (13290, 0, 0)}


def test_without_arithmetic_run_together_digits_split_only_when_every_digit_is_a_cell():
    assert fit("000", 3).values == [0, 0, 0]
    assert fit("417", 3).values == [4, 1, 7]
    got = fit("100", 2)  # (10, 0) is the only split without leading zeros, but nothing confirms it
    assert got.values == [None, None] and got.candidates == [(10, 0)] and "no arithmetic" in got.note
    got = fit("898989", 3)
    assert got.values == [None] * 3 and (89, 89, 89) in got.candidates


@pytest.mark.parametrize("cell, value", [
    ("12", 12), ("１２", 12), ("0.5", 0.5), ("1,200", 1200), ("1，200", 1200), ("13 290", 13290),
    ("1 200.50", 1200.5), ("12,345,678", 12345678), ("", None), (" ", None), ("/", None), ("—", None),
    ("无", None), ("∅", None),
])
def test_one_grid_cell(cell, value):
    got = parse_grid_cell(cell)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("cell, reason", [
    ("12件", "glued"), ("3*", "glued"), ("45%", "glued"), ("12 3", "not a number"), ("1,20", "not a number"),
    ("⍰", "not a number"), ("约12", "not a number"), ("abc", "not a number"),
])
def test_a_grid_cell_that_is_not_a_plain_number_is_an_error(cell, reason):
    with pytest.raises(ValueError, match=reason):
        parse_grid_cell(cell)
