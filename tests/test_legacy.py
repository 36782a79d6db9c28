"""Pre-2019 statistics tables: read as printed, split only where one answer is left."""
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from toolkit import codebook, read_report
from toolkit.errors import PreNationalFormat
from toolkit import tidy
from toolkit.continuity import year_over_year_findings
from toolkit.legacy import read_legacy_table

HEADER = "指标名称 计量单位 2012年度 历年累计 "

# the 2018 page of ../shared/corpus/pingtan, checked by hand against its HTML table
PINGTAN_2018 = [
    ("主动公开文件数", "条", 2069, 12106), ("其中：1.政府网站公开数", "条", 2069, 12106), ("2.政府公报公开数", "条", 0, 0),
    ("受理依申请公开信息总数", "条", 0, 0), ("其中：1.当面申请数", "条", 0, 0), ("2.网上申请数", "条", 0, 0),
    ("3.信函、传真申请数", "条", 0, 0), ("对申请的答复总数", "条", 0, 0), ("其中：1.同意公开答复数", "条", 0, 0),
    ("2.同意部分公开答复数", "条", 0, 0), ("3.不予公开答复数", "条", 0, 0), ("4.其他类型答复数", "条", 0, 0),
    ("接受行政诉讼、举报数", "件", 0, 0), ("行政复议数", "件", 0, 0), ("行政诉讼数", "件", 0, 0),
]


def rows(table):
    return [(row["label"], row["unit"], row["value"], row["cumulative"]) for row in table["rows"]]


# --- reading the printed rows ---------------------------------------------------

def test_rows_separated_by_spaces_are_read_as_printed():
    table = read_legacy_table(HEADER + "主动公开信息数 条 739 4359 其中：1、网站公开 条 739 4359 2、政府公报公开 条 0 0")
    assert rows(table.to_dict()) == [("主动公开信息数", "条", 739, 4359), ("其中：1、网站公开", "条", 739, 4359),
                                     ("2、政府公报公开", "条", 0, 0)]
    assert [row.parent for row in table.rows] == [None, 0, 0]
    assert table.checks == []


def test_a_row_number_glued_to_the_digits_goes_to_the_next_label():
    table = read_legacy_table(HEADER + "主动公开信息数条00其中：1.网站公开条002.政府公报公开条00")
    assert [row.label for row in table.rows] == ["主动公开信息数", "其中：1.网站公开", "2.政府公报公开"]
    assert [row.cells for row in table.rows] == [(0, 0)] * 3


def test_run_together_cells_are_split_where_the_sums_leave_one_answer():
    text = HEADER + "受理依申请公开信息总数条2121其中：1.当面申请数条18182.电子邮件申请数条33对申请的答复数条00"
    table = read_legacy_table(text)
    assert [row.cells for row in table.rows] == [(21, 21), (18, 18), (3, 3), (0, 0)]
    assert table.rows[0].chosen_by == "split where the 其中 rows add up to their total"


def test_run_together_cells_are_split_where_the_prose_states_the_number():
    text = "2012年主动公开政府信息3460条。" + HEADER + "主动公开文件数条346085376其中：1、政府网站公开数条3460853762、政府公报公开数条00"
    table = read_legacy_table(text)
    assert [row.cells for row in table.rows] == [(3460, 85376), (3460, 85376), (0, 0)]
    assert "prose states 3460条" in table.rows[0].chosen_by


def test_a_split_nothing_decides_is_null_with_its_candidates(tmp_path):
    text = HEADER + "主动公开文件数条346085376其中：1、政府网站公开数条3460853762、政府公报公开数条00"
    table = read_legacy_table(text)
    assert table.rows[0].cells is None
    assert table.to_dict()["rows"][0]["value"] is None and table.to_dict()["rows"][0]["cumulative"] is None
    assert [u["candidates"] for u in table.unresolved()][0] == [
        (3, 46085376), (34, 6085376), (3460, 85376), (34608, 5376), (346085, 376), (3460853, 76), (34608537, 6)]
    assert "can be split 7 ways" in table.rows[0].why
    path = tmp_path / "old.txt"
    path.write_text("平潭综合实验区2016年度政府信息公开工作年度报告\n" + text, encoding="utf-8")
    report = read_report(path)
    assert report.unresolved and any("can be split 7 ways" in note for note in report.notes)


def test_the_prose_about_another_matter_does_not_split_a_cell():
    text = "共收到行政复议申请3条。" + HEADER + "受理依申请公开信息总数条346085376行政复议数件00"
    table = read_legacy_table(text)
    assert table.rows[0].cells is None  # 受理 is a request row, but no prose sentence counts 主动公开 or requests


def test_more_numbers_than_columns_is_null_with_a_reason():
    table = read_legacy_table(HEADER + "行政复议数 件 0 0 0 行政诉讼数 件 1 1")
    assert table.rows[0].cells is None and "cannot be 2 number(s)" in table.rows[0].why
    assert table.rows[1].cells == (1, 1)


def test_a_cumulative_below_this_year_is_a_finding():
    table = read_legacy_table(HEADER + "行政复议数 件 5 3")
    assert table.rows[0].cells == (5, 3)
    assert [c["check"] for c in table.checks] == ["cumulative_below_year"]


def test_sub_rows_that_do_not_add_up_are_a_finding_not_a_repair():
    table = read_legacy_table(HEADER + "主动公开信息数 条 10 25 其中：1.网站公开 条 4 20 2.政府公报公开 条 5 5")
    assert [row.cells for row in table.rows] == [(10, 25), (4, 20), (5, 5)]
    assert [(c["column"], c["expected"], c["printed"]) for c in table.checks] == [("2012年度", 9, 10)]


def test_nested_lists_find_their_parents():
    text = ("指 标 名 称 单位 数量 正式受理政府信息公开申请数 件 3 其中：1．在办 件 1 2．办结 件 2 其中：1．同意提供 件 1 "
            "2．拒绝提供 件 1 其中：1．信息不存在 件 1 2．信息涉密 件 0 政府信息咨询数 件 4")
    table = read_legacy_table(text)
    assert [row.parent for row in table.rows] == [None, 0, 0, 2, 2, 4, 4, None]
    assert table.checks == []


def test_an_unknown_form_gives_its_rows_as_printed():
    table = read_legacy_table(HEADER + "依申请公开答复数 件 3 9 其中：信息不存在 件 1 2 非本部门掌握 件 2 7").to_dict()
    assert table["form"] == "unknown"
    assert rows(table) == [("依申请公开答复数", "件", 3, 9), ("其中：信息不存在", "件", 1, 2), ("非本部门掌握", "件", 2, 7)]
    assert {row["key"] for row in table["rows"]} == {None}


def test_a_second_table_is_named_in_a_note_not_mixed_in():
    table = read_legacy_table(HEADER + "行政复议数 件 1 2\n附件2\n" + HEADER + "行政复议数 件 7 9")
    assert [row.cells for row in table.rows] == [(1, 2)]
    assert table.notes == ["another 指标名称 table begins at line 3: only the first is read"]


def test_a_single_column_form():
    table = read_legacy_table("附表： 指标名称 计量单位 年末统计 主动公开信息数 条 6 行政复议数 件 0 附件下载").to_dict()
    assert table["columns"] == ["年末统计"]
    assert rows(table) == [("主动公开信息数", "条", 6, None), ("行政复议数", "件", 0, None)]


def test_the_narrative_count_of_requests_against_the_table():
    text = "2012年全县共收到有关政府信息公开的申请21条。" + HEADER + "受理依申请公开信息总数 条 20 20"
    table = read_legacy_table(text)
    assert [(c["check"], c["expected"], c["printed"]) for c in table.checks] == [("narrative", 21, 20)]
    assert read_legacy_table("2014年未收到有关政府信息公开行政复议的申请。" + HEADER + "受理依申请公开信息总数 条 1 1").checks == []


# --- the record -----------------------------------------------------------------

def test_a_report_with_an_old_table_is_a_record_without_national_values(tmp_path):
    path = tmp_path / "old.txt"
    path.write_text("某区2018年政府信息公开工作年度报告\n六、政府信息公开情况统计表\n指标名称\t计量单位\t2018年度\t历年累计\n"
                    "受理依申请公开信息总数\t条\t0\t0\n", encoding="utf-8")
    record = read_report(path).to_dict()
    assert (record["template"], record["section2"], record["section3"], record["section4"]) == ("pre-2019", None, None, None)
    assert rows(record["legacy"]) == [("受理依申请公开信息总数", "条", 0, 0)]
    assert record["legacy"]["rows"][0]["read_at"] == "line 4"


def test_old_labels_without_readable_rows_are_refused_with_the_reason(tmp_path):
    path = tmp_path / "old.txt"
    path.write_text("某区2018年政府信息公开工作年度报告\n指标名称 计量单位 历年累计 受理依申请公开信息总数（见附件）\n", encoding="utf-8")
    with pytest.raises(PreNationalFormat, match="no row of label, unit and numbers could be read"):
        read_report(path)


# --- the codebook's forms ---------------------------------------------------------

def test_every_form_row_is_a_known_row_under_a_parent_of_its_form():
    known = codebook.legacy_row_labels()
    for form, spec in codebook.legacy_forms().items():
        keys = [key for key, _ in spec["rows"]]
        assert len(keys) == len(set(keys)), form
        for i, (key, parent) in enumerate(spec["rows"]):
            assert key in known, (form, key)
            assert parent is None or parent in keys[:i], (form, key)


# --- the shared real reports --------------------------------------------------------

def test_every_legacy_report_reads_exactly_as_the_truth(shared):
    truth = json.loads((shared / "truth" / "legacy.json").read_text(encoding="utf-8"))["reports"]
    for name, expected in truth.items():
        record = read_report(shared / "corpus" / name).to_dict()
        assert rows(record["legacy"]) == [(r["label"], r["unit"], r["value"], r["cumulative"]) for r in expected["rows"]], name
        assert record["legacy"]["form"] == re.search(r"form ([A-Z]'?\d?)", expected["form"]).group(1), name
        assert record["template"] == "pre-2019" and record["year"] == expected["year"], name
        assert (record["section2"], record["section3"], record["section4"], record["processing_fee_yuan"]) == (None,) * 4


def test_the_2018_page_reads_as_checked_by_hand(shared):
    record = read_report(shared / "corpus" / "pingtan" / "pingtan_2018_gwh_preformat.html").to_dict()
    assert rows(record["legacy"]) == PINGTAN_2018
    assert record["legacy"]["form"] == "B'" and record["legacy"]["columns"] == ["2018年度", "历年累计"]
    assert record["legacy"]["rows"][0]["read_at"] == "table 1, row 2"  # read from the HTML table's cells


def test_cumulative_figures_carry_over_or_are_a_finding(shared):
    names = ["legacy/pingtan_syq_2016.excerpt.txt", "legacy/pingtan_syq_2017.excerpt.txt",
             "pingtan/pingtan_2018_gwh_preformat.html"]
    reports = [read_report(shared / "corpus" / name) for name in names]
    table = year_over_year_findings(tidy.reports_table(reports), pd.DataFrame(columns=["report", "template", "item", "column", "value", "status"]),
                                    pd.DataFrame(columns=["report", "row", "column", "value"]), tidy.legacy_rows_table(reports))
    found = {(f.year, f.item): (f.printed, f.expected, f.holds) for f in table.itertuples() if f.check == "cumulative"}
    assert found[(2018, "active_total")] == (12106, 12106, True)  # 10037 + 2069
    assert found[(2017, "active_total")] == (10037, 85376 + 2122, False)  # the 2017 form restarts the count
