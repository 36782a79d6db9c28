"""CompactText: separators folded or dropped, quotes dropped, and every compact position
mapped back to its source line and text."""
from toolkit.normalize import CompactText


def test_separators_quotes_and_blank_cells_fold_and_keep_their_lines():
    ct = CompactText('规章\t13\t"2"\n行政 许可\t5|6\n---\n无\t无')
    assert ct.text == "规章 13 2 行政许可 5 6 ∅ ∅"
    assert [ct.line(i) for i in range(len(ct.text))] == [1] * 8 + [2] * 9 + [4] * 3
    assert ct.line(len(ct.text) + 5) == 4  # past the end: the last line
    assert ct.source_slice(2, 6) == "\t13\t"


def test_digit_groups_join_inside_a_cell_and_quotes_leave_no_trace():
    ct = CompactText("“三安全一稳定”\t1\t0\n\n(二)部分公开\t13 290\t7\n")
    assert ct.text == "三安全一稳定 1 0 (二)部分公开 13290 7"
    assert [ct.line(i) for i in range(len(ct.text))] == [1] * 11 + [3] * 15
    assert ct.source_slice(2, 6) == "全一稳定"


def test_a_title_alone_on_its_line():
    ct = CompactText("## 五、其他需要报告的事项:\n正文 五、其他需要报告的事项")
    first = ct.text.index("五")
    assert ct.on_own_line(first, first + len("五、其他需要报告的事项"))
    second = ct.text.rindex("五")
    assert not ct.on_own_line(second, second + len("五、其他需要报告的事项"))


def test_empty_text():
    ct = CompactText("")
    assert ct.text == "" and ct.line(0) == 1 and ct.source_slice(0, 0) == ""
