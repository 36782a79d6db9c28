"""Tables read as grids (toolkit.grid_tables): columns by their headings, rows by
their labels, and never a number under the wrong name."""
from __future__ import annotations

import pytest

from toolkit import codebook
from toolkit.grid_tables import cell_value, read_grids
from toolkit.labels import Candidate, match_label
from toolkit.readers import GridTable

N = None  # a merged cell's continuation
HEADINGS = [
    ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", N, N, "申请人情况", N, N, N, N, N, N],
    [N, N, N, "自然人", "法人或其他组织", N, N, N, N, "总计"],
    [N, N, N, N, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", N],
]
LABELS_2021 = {  # row -> its label cells (group, sub-group, own), as the national template prints them
    "new_received": ["一、本年新收政府信息公开申请数量", N, N],
    "carried_over": ["二、上年结转政府信息公开申请数量", N, N],
    "granted": ["三、本年度办理结果", "(一)予以公开", N],
    "partially_granted": [N, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", N],
    "withheld_state_secret": [N, "(三)不予公开", "1.属于国家秘密"],
    "withheld_law_prohibited": [N, N, "2.其他法律行政法规禁止公开"],
    "withheld_three_security_one_stability": [N, N, "3.危及“三安全一稳定”"],
    "withheld_third_party_rights": [N, N, "4.保护第三方合法权益"],
    "withheld_internal_affairs": [N, N, "5.属于三类内部事务信息"],
    "withheld_process_information": [N, N, "6.属于四类过程性信息"],
    "withheld_enforcement_case_file": [N, N, "7.属于行政执法案卷"],
    "withheld_administrative_inquiry": [N, N, "8.属于行政查询事项"],
    "unable_not_held": [N, "(四)无法提供", "1.本机关不掌握相关政府信息"],
    "unable_needs_creation": [N, N, "2.没有现成信息需要另行制作"],
    "unable_unclear_after_correction": [N, N, "3.补正后申请内容仍不明确"],
    "not_processed_petition_complaint": [N, "(五)不予处理", "1.信访举报投诉类申请"],
    "not_processed_repeated": [N, N, "2.重复申请"],
    "not_processed_publication": [N, N, "3.要求提供公开出版物"],
    "not_processed_massive_repeated": [N, N, "4.无正当理由大量反复申请"],
    "not_processed_confirmation": [N, N, "5.要求行政机关确认或重新出具已获取信息"],
    "other_overdue_correction": [N, "(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    "other_overdue_fee": [N, N, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
    "other_other": [N, N, "3.其他"],
    "total_processed": [N, "(七)总计", N],
    "carried_forward": ["四、结转下年度继续办理", N, N],
}


def values_2021(seed: int = 1) -> dict[str, list[int]]:
    """A consistent section 三: every row's total is the sum of its parts."""
    rows = {}
    for i, name in enumerate(LABELS_2021):
        parts = [(i * 7 + seed * 3 + j * 5) % 4 for j in range(6)]
        rows[name] = parts + [sum(parts)]
    return rows


def grid(rows, first_line: int = 1) -> GridTable:
    return GridTable(tuple(tuple(r) for r in rows), tuple(range(first_line, first_line + len(rows))))


def section3_rows(values, labels=LABELS_2021):
    return [labels[name] + [str(v) for v in values[name]] for name in labels]


def read3(grids, year=None):
    tables, others = read_grids(tuple(grids), "\n" * 400).own(year)
    return tables["section3"], others


def test_a_national_table_reads_every_row_and_column():
    values = values_2021()
    table, others = read3([grid(HEADINGS + section3_rows(values))])
    assert table.template == "2021" and table.values == values and others == []
    assert table.labels["withheld_law_prohibited"] == {"printed": "2.其他法律行政法规禁止公开", "matched": "exact"}


def test_a_label_spanning_two_columns_shifts_nothing():
    """（七）总计 printed over two label columns leaves a merged cell, not a value."""
    values = values_2021()
    labels = dict(LABELS_2021, total_processed=[N, "(七)总计", N])
    table, _ = read3([grid(HEADINGS + section3_rows(values, labels))])
    assert table.values["total_processed"] == values["total_processed"]


def test_a_value_cell_spanning_two_columns_is_read_once():
    """A real page gives 商业企业's cells colspan=2: the continuation is no eighth column."""
    headings = [row[:5] + [row[4] and N] + row[5:] for row in HEADINGS]
    headings[2][4], headings[2][5] = "商业企业", N
    values = values_2021()
    rows = [LABELS_2021[n] + [str(values[n][0]), str(values[n][1]), N] + [str(v) for v in values[n][2:]]
            for n in LABELS_2021]
    table, _ = read3([grid(headings + rows)])
    assert table.values == values


def test_heading_rows_repeated_after_a_page_break_are_skipped_and_the_table_goes_on():
    values = values_2021()
    body = section3_rows(values)
    table, _ = read3([grid(HEADINGS + body[:10]), grid(HEADINGS + body[10:], first_line=50)])
    assert table.values == values
    assert any("heading row printed again" in note for note in table.notes)


def test_a_remarks_column_is_never_a_value():
    headings = [row + [h] for row, h in zip(HEADINGS, ["备注", N, N])]
    values = values_2021()
    rows = [r + ["3"] for r in section3_rows(values)]
    table, _ = read3([grid(headings + rows)])
    assert table.values == values


def test_misprinted_labels_match_by_their_number_and_similarity():
    labels = dict(LABELS_2021, withheld_law_prohibited=[N, N, "2.其他法律行政止公开"],
                  unable_needs_creation=[N, N, "2、没有现成信息需另行制做"])
    values = values_2021()
    table, _ = read3([grid(HEADINGS + section3_rows(values, labels))])
    assert table.values == values
    assert table.labels["withheld_law_prohibited"]["matched"].startswith("similar")
    assert table.labels["withheld_law_prohibited"]["printed"] == "2.其他法律行政止公开"


def test_a_word_inside_another_label_names_no_row():
    """其他 inside (二)部分公开(…不计其他情形) is not the row 3.其他."""
    labels = dict(LABELS_2021, partially_granted=[N, "(二)部分公开(区分处理的,只计这一情形,不计其他情、形)", N])
    values = values_2021()
    table, _ = read3([grid(HEADINGS + section3_rows(values, labels))])
    assert table.values == values


def test_a_label_nothing_confirms_is_left_null_with_a_note():
    labels = dict(LABELS_2021, withheld_law_prohibited=[N, N, "2.某某某某"])
    values = values_2021()
    table, _ = read3([grid(HEADINGS + section3_rows(values, labels))])
    assert table.values["withheld_law_prohibited"] == [None] * 7
    assert "withheld_law_prohibited" in table.unread
    assert any("matches no row" in note for note in table.notes)
    assert table.values["withheld_three_security_one_stability"] == values["withheld_three_security_one_stability"]


def test_a_subordinate_units_table_is_listed_not_mixed_in():
    own, other = values_2021(1), values_2021(2)
    table, others = read3([grid(HEADINGS + section3_rows(own)), grid(HEADINGS + section3_rows(other), 60)])
    assert table.values == own
    assert len(others) == 1 and others[0]["section"] == "section3" and others[0]["lines"][0] >= 60


def test_of_two_years_the_table_captioned_with_the_reports_year_is_its_own():
    text = "\n".join(["2023年数据"] + [""] * 40 + ["2024年数据"] + [""] * 60)
    last, this = values_2021(1), values_2021(2)
    grids = (grid(HEADINGS + section3_rows(last), 2), grid(HEADINGS + section3_rows(this), 43))
    tables, others = read_grids(grids, text).own(2024)
    assert tables["section3"].values == this and others[0]["caption"] == "2023年数据"


def test_numbers_among_the_labels_are_read_in_order_only_when_the_total_confirms():
    values = values_2021()
    rows = section3_rows(values)
    total_row = list(LABELS_2021).index("total_processed")
    rows[total_row] = ["(七)总计"] + [str(v) for v in values["total_processed"]] + [""] * 2  # shifted left
    bad = list(LABELS_2021).index("granted")
    rows[bad] = ["三、本年度办理结果", "(一)予以公开", "9"] + [str(v) for v in values["granted"][:-1]]  # no total
    table, _ = read3([grid(HEADINGS + rows)])
    assert table.values["total_processed"] == values["total_processed"]
    assert table.values["granted"] == [None] * 7


def test_a_label_on_a_row_of_its_own_takes_the_numbers_below_it():
    values = values_2021()
    rows = []
    for name, labels in LABELS_2021.items():
        rows.append(labels + [""] * 7)
        rows.append([N, N, N] + [str(v) for v in values[name]])
    table, _ = read3([grid(HEADINGS + rows)])
    assert table.values == values


def test_section4_printed_as_two_tables_is_one_section():
    reconsideration = grid([["行政复议", N, N, N, N], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
                            ["1", "2", "0", "0", "3"]])
    litigation = grid([["行政诉讼"] + [N] * 9,
                       ["未经复议直接起诉", N, N, N, N, "复议后起诉", N, N, N, N],
                       ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
                       ["4", "0", "0", "1", "5", "0", "0", "0", "0", "0"]], first_line=10)
    tables, _ = read_grids((reconsideration, litigation), "\n" * 20).own()
    section4 = tables["section4"].values
    assert section4["reconsideration"] == {"upheld": 1, "corrected": 2, "other": 0, "pending": 0, "total": 3}
    assert section4["litigation_direct"]["total"] == 5 and section4["litigation_after_reconsideration"]["total"] == 0


def test_section2_columns_follow_each_sub_tables_own_headings():
    rows = [["第二十条第(一)项", N, N, N], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "1", "0", "11"], ["行政规范性文件", "8", "26", "66"],
            ["第二十条第(五)项", N, N, N], ["信息内容", "本年处理决定数量", N, N], ["行政许可", "447", N, N],
            ["第二十条第(六)项", N, N, N], ["信息内容", "本年处理决定数量", N, N], ["行政处罚", "3,985", N, N],
            ["行政强制", "88 283", N, N], ["第二十条第(八)项", N, N, N],
            ["信息内容", "本年收费金额(单位:万元)", N, N], ["行政事业性收费", "96171.6", N, N]]
    tables, _ = read_grids((grid(rows),), "\n" * 20).own()
    section2 = tables["section2"]
    assert section2.template == "2021"
    assert section2.values["normative_documents"] == {"issued": 8, "repealed": 26, "in_force": 66}
    assert section2.values["penalty"] == {"decisions": 3985} and section2.values["compulsion"] == {"decisions": 88283}
    assert section2.values["administrative_fees"] == {"amount_10k_yuan": 96171.6}


def test_words_under_a_section2_heading_leave_the_row_null():
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "见附件", "0", "11"]]
    tables, _ = read_grids((grid(rows),), "\n" * 20).own()
    assert tables["section2"].values["regulations"] == {"issued": None, "repealed": None, "in_force": None}


@pytest.mark.parametrize("text, value", [("1,200", 1200), ("13 290", 13290), ("１２", 12), ("/", None), ("", None),
                                         ("5件", 5)])
def test_cell_values(text, value):
    assert cell_value(text) == value


def test_a_cell_of_words_is_not_a_value():
    with pytest.raises(ValueError, match="not a number"):
        cell_value("见说明")


def test_exact_labels_prefer_the_longest_spelling_and_short_ones_only_whole():
    rows = [Candidate(name, codebook.labels("section3", name)) for name in ("partially_granted", "other_other")]
    assert match_label("(二)部分公开(不计其他情形)", rows).name == "partially_granted"
    assert match_label("3.其他", rows).name == "other_other"
    assert match_label("其他情况说明", rows[1:]) is None


def test_no_arithmetic_no_text_reading_fills_a_grid_readings_null():
    """Section 二 has no identity to confirm it: a text reading that fills a cell the grid
    left null (a letter-spaced "2 0" read there as 2, 0) is not taken."""
    from toolkit.readings import choose_readings
    from toolkit.tables import TableRead

    grid = TableRead("2021", {"regulations": {"issued": None, "repealed": 0, "in_force": 0}}, reader="grid")
    text = TableRead("2021", {"regulations": {"issued": 2, "repealed": 0, "in_force": 0}})
    tables, how = choose_readings({"section2": grid}, {"section2": text})
    assert tables["section2"] is grid and how["section2"]["reader"] == "grid"
