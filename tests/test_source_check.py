"""The source check: a record's numbers are printed next to their labels, or a finding says which row."""
from __future__ import annotations

import copy

import pytest

from toolkit import read_report
from toolkit.readers import read_document
from toolkit.source_check import source_findings

ZEROS = [0] * 7


def _record(section: str, rows: dict, lines: dict) -> dict:
    return {section: rows, "provenance": {"tables": {section: {"rows": lines}}}}


def _rows_named(record: dict, text: str) -> list[str]:
    return [finding["row"] for finding in source_findings(record, text)]


GRID = (
    "(一)予以公开\t7\t0\t0\t0\t0\t0\t7\n"
    "(二)部分公开\t1\t∅\t0\t0\t0\t0\t1\n"
    "(三)不予公开\t1.属于国家秘密\t3\t2\t0\t0\t0\t0\t5\n"
)
GRID_ROWS = {"granted": [7, 0, 0, 0, 0, 0, 7], "partially_granted": [1, None, 0, 0, 0, 0, 1],
             "withheld_state_secret": [3, 2, 0, 0, 0, 0, 5]}
GRID_LINES = {"granted": 1, "partially_granted": 2, "withheld_state_secret": 3}


def _grid(**changed) -> dict:
    return _record("section3", {**GRID_ROWS, **changed}, GRID_LINES)


def test_grid_rows_as_printed_give_no_finding():
    assert source_findings(_grid(), GRID) == []


def test_a_changed_digit_names_its_row():
    [finding] = source_findings(_grid(withheld_state_secret=[3, 2, 0, 0, 0, 0, 6]), GRID)
    assert finding["section"] == "section3" and finding["row"] == "withheld_state_secret"
    assert finding["line"] == 3 and finding["values"] == [3, 2, 0, 0, 0, 0, 6]
    assert "'5'" in finding["message"]  # says what is printed instead


def test_values_shifted_by_one_column_are_found_out():
    assert _rows_named(_grid(granted=[None, 7, 0, 0, 0, 0, 0]), GRID) == ["granted"]
    assert _rows_named(_grid(granted=[0, 0, 0, 0, 0, 7, None]), GRID) == ["granted"]
    assert _rows_named(_grid(withheld_state_secret=[2, 0, 0, 0, 0, 5, None]), GRID) == ["withheld_state_secret"]


def test_swapped_rows_name_both():
    swapped = _grid(granted=GRID_ROWS["withheld_state_secret"], withheld_state_secret=GRID_ROWS["granted"])
    assert _rows_named(swapped, GRID) == ["granted", "withheld_state_secret"]


def test_a_null_takes_a_printed_blank_not_a_number():
    assert _rows_named(_grid(partially_granted=[1, 0, None, 0, 0, 0, 1]), GRID) == ["partially_granted"]
    assert _rows_named(_grid(granted=[7, None, 0, 0, 0, 0, 7]), GRID) == ["granted"]


def test_rows_of_nulls_are_not_checked_and_rows_without_a_line_are_findings():
    record = _grid(granted=[None] * 7)
    assert source_findings(record, GRID) == []
    del record["provenance"]["tables"]["section3"]["rows"]["partially_granted"]
    [finding] = source_findings(record, GRID)
    assert finding["row"] == "partially_granted" and finding["line"] is None and "unknown" in finding["message"]


def test_a_row_whose_label_prints_nothing_does_not_take_the_next_rows_numbers():
    text = "(一)予以公开\n(二)部分公开 1 0 0 0 0 0 1"
    record = _record("section3", {"granted": [1, 0, 0, 0, 0, 0, 1], "partially_granted": [1, 0, 0, 0, 0, 0, 1]},
                     {"granted": 1, "partially_granted": 2})
    assert _rows_named(record, text) == ["granted"]
    same_line = _record("section3", record["section3"], {"granted": 1, "partially_granted": 1})
    assert _rows_named(same_line, text.replace("\n", "")) == ["granted"]


def test_a_row_alone_on_its_line_under_an_unknown_spelling_of_its_label_is_read_from_the_line_end():
    record = _record("section3", {"withheld_law_prohibited": [2, 0, 0, 0, 0, 0, 2]}, {"withheld_law_prohibited": 1})
    assert source_findings(record, "2.其他法律行政止公开\t2\t0\t0\t0\t0\t0\t2") == []
    assert source_findings(record, "2.其他法律行政止公开\n2\n0\n0\n0\n0\n0\n2") == []
    [finding] = source_findings(record, "2.其他法律行政止公开\t2\t0\t0\t0\t0\t2\t0")
    assert "label not found" in finding["message"] and "'2', '0'" in finding["message"]
    sharing = _record("section3", {"withheld_state_secret": ZEROS, "withheld_law_prohibited": [2, 0, 0, 0, 0, 0, 2]},
                      {"withheld_state_secret": 1, "withheld_law_prohibited": 1})
    assert _rows_named(sharing, "1.属于国家秘密00000002.其他法律行政止公开2000002") == ["withheld_law_prohibited"]


def test_one_cell_per_line_and_markdown_pipes():
    text = "(一)予以公开 |\n7 |\n0 |\n0 |\n0 |\n0 |\n0 |\n7 | ||\n(二)部分公开 |\n0 |\n"
    record = _record("section3", {"granted": [7, 0, 0, 0, 0, 0, 7]}, {"granted": 1, "partially_granted": 9})
    assert source_findings(record, text) == []
    record["section3"]["granted"] = [7, 0, 0, 0, 0, 0, 0]
    assert _rows_named(record, text) == ["granted"]


CRAWLED = ("二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数"
           "规章000行政规范性文件77132470第二十条第(五)项信息内容本年处理决定数量行政许可2629"
           "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量801000081"
           "二、上年结转政府信息公开申请数量0000000三、本年度办理结果(一)予以公开220000022")


def test_digits_run_together_on_one_line():
    section3 = {"new_received": [80, 1, 0, 0, 0, 0, 81], "carried_over": ZEROS, "granted": [22, 0, 0, 0, 0, 0, 22]}
    record = _record("section3", section3, dict.fromkeys(section3, 1))
    assert source_findings(record, CRAWLED) == []
    for row, wrong in [("new_received", [80, 1, 0, 0, 0, 0, 82]), ("granted", [22, 0, 0, 0, 0, 0, 2])]:
        changed = copy.deepcopy(record)
        changed["section3"][row] = wrong
        assert _rows_named(changed, CRAWLED) == [row]
    swapped = copy.deepcopy(record)
    swapped["section3"]["new_received"], swapped["section3"]["granted"] = section3["granted"], section3["new_received"]
    assert _rows_named(swapped, CRAWLED) == ["new_received", "granted"]


def test_run_together_digits_must_be_cut_where_the_source_cuts_them():
    """Within one run of digits any cut passes (the source cannot tell; the row's
    arithmetic may); a cut across a printed separator does not."""
    record = _record("section2", {"normative_documents": {"issued": 77, "repealed": 13, "in_force": 2470}},
                     {"normative_documents": 1})
    assert source_findings(record, "行政规范性文件 77 132470") == []
    record["section2"]["normative_documents"] = {"issued": 7, "repealed": 71, "in_force": 32470}
    assert source_findings(record, "行政规范性文件77132470") == []
    assert _rows_named(record, "行政规范性文件 77 132470") == ["normative_documents"]


def test_section2_items_sharing_a_line_are_found_left_to_right():
    section2 = {"regulations": {"issued": 0, "repealed": 0, "in_force": 0},
                "normative_documents": {"issued": 77, "repealed": 13, "in_force": 2470},
                "licensing": {"decisions": 2629}}
    record = _record("section2", dict(section2), dict.fromkeys(section2, 1))
    assert source_findings(record, CRAWLED) == []
    record["section2"]["normative_documents"] = {"issued": 77, "repealed": 13, "in_force": 2471}
    assert _rows_named(record, CRAWLED) == ["normative_documents"]
    grid = "规章\t0\t0\t0\t行政规范性文件\t77\t13\t2470\n行政许可\t2629"
    record = _record("section2", dict(section2), {"regulations": 1, "normative_documents": 1, "licensing": 2})
    assert source_findings(record, grid) == []
    record["section2"]["regulations"], record["section2"]["licensing"] = {"issued": 0, "repealed": 0, "in_force": 7}, {"decisions": 2692}
    assert _rows_named(record, grid) == ["regulations", "licensing"]


def test_thousands_separators_full_width_and_letter_spaced_digits():
    record = _record("section2", {"licensing": {"decisions": 13290}, "penalty": {"decisions": 6352}},
                     {"licensing": 1, "penalty": 2})
    for text in ("行政许可\t13,290\n行政处罚\t6352", "行政许可\t１３２９０\n行政处罚\t６，３５２", "行 政 许 可 1 3 2 9 0\n行政处罚 6 3 5 2"):
        assert source_findings(record, text) == [], text
    assert _rows_named(record, "行政许可\t13,209\n行政处罚\t6352") == ["licensing"]
    assert _rows_named(record, "行政许可\t1 3 2 9\n行政处罚\t6352") == ["licensing"]


def _section4(reconsideration, direct, after, line=1) -> dict:
    columns = ("upheld", "corrected", "other", "pending", "total")
    groups = {"reconsideration": reconsideration, "litigation_direct": direct, "litigation_after_reconsideration": after}
    return _record("section4", {g: dict(zip(columns, v)) for g, v in groups.items()}, dict.fromkeys(groups, line))


def test_section4_prints_its_fifteen_values_on_one_row():
    text = "行政复议\t行政诉讼\n结果维持\t结果纠正\n∅\t1\t1\t0\t0\t2\t4\t0\t0\t1\t5\t1\t0\t1\t0\t2"
    record = _section4([1, 1, 0, 0, 2], [4, 0, 0, 1, 5], [1, 0, 1, 0, 2], line=3)
    assert source_findings(record, text) == []
    assert source_findings(_section4([1, 1, 0, 0, 2], [4, 0, 0, 1, 5], [1, 0, 1, 0, 2], line=10), "\n" * 9 + "110024001510102") == []
    assert _rows_named(_section4([1, 1, 0, 0, 2], [4, 0, 0, 2, 5], [1, 0, 1, 0, 2], line=3), text) == ["litigation_direct"]
    swapped = _section4([4, 0, 0, 1, 5], [1, 1, 0, 0, 2], [1, 0, 1, 0, 2], line=3)
    assert _rows_named(swapped, text) == ["reconsideration", "litigation_direct"]


SEEDS = ["000_323c267c87cacc94.txt", "001_45c66cdd23912b77.txt", "002_1ee472de9be0b35c.txt",
         "003_8d388e7911cc997b.txt", "004_05aca36cc1e89005.txt"]
CORPUS = [
    *(f"flattened/pingtan_{year}_gwh.txt" for year in range(2019, 2026)),
    "departments/pingtan_czj_2021.txt", "departments/pingtan_czj_2024.txt", "departments/pingtan_gaj_2021.txt",
    "departments/pingtan_gaj_2022.txt", "departments/pingtan_gaj_2024.txt", "departments/shuyang_fgj_2023.html",
    *(f"pingtan/pingtan_{year}_gwh.html" for year in range(2019, 2023)),
    "huaian_2024_szf.pdf", "shanghai_2019_szfbgt.html",
]


def _read(path):
    return read_report(path).to_dict(), read_document(path, path.read_bytes()).text


@pytest.mark.parametrize("name", [f"seeds/{seed}" for seed in SEEDS] + [f"corpus/{name}" for name in CORPUS])
def test_real_reports_print_every_value_of_their_record(shared, name):
    record, text = _read(shared / name)
    assert source_findings(record, text) == []


@pytest.mark.parametrize("name", ["seeds/004_05aca36cc1e89005.txt", "corpus/flattened/pingtan_2023_gwh.txt",
                                  "corpus/shanghai_2019_szfbgt.html"])
def test_real_records_changed_by_one_row_name_that_row(shared, name):
    record, text = _read(shared / name)
    section3 = record["section3"]
    row = next(r for r, values in section3.items() if values[0])
    other = next(r for r, values in section3.items() if values != section3[row] and any(v is not None for v in values))
    changes = {
        "shifted": {row: [None] + section3[row][:-1]},
        "swapped": {row: section3[other], other: section3[row]},
        "one digit": {row: [section3[row][0] + 1] + section3[row][1:]},
    }
    for change, rows in changes.items():
        changed = copy.deepcopy(record)
        changed["section3"].update(rows)
        named = {finding["row"] for finding in source_findings(changed, text)}
        assert named == set(rows), (change, named)
