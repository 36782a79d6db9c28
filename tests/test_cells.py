from toolkit.cells import first_cell_run, fit, parse_cells, split_digit_runs

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
