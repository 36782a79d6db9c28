"""Where sections 二…六 start: every numbering, unnumbered titles, tables appended under captions."""
import re

import pytest

from toolkit.fees import processing_fee_yuan
from toolkit.normalize import CompactText
from toolkit.sections import find_sections
from toolkit.tables import read_tables

NUMERALS = "二三四五六"


def _contents(text: str) -> dict[str, str]:
    """Section -> its content (the compact text after its heading)."""
    ct = CompactText(text)
    return {section: ct.text[start:stop] for section, (start, stop) in find_sections(ct).items()}


def _report(*headings: str) -> str:
    """Each heading followed by one line of content, 内容二 under the first."""
    return "\n".join(f"{heading}\n内容{n}" for n, heading in zip(NUMERALS, headings))


def _found_under(text: str) -> dict[str, str]:
    """Section -> the content lines (内容X) its span holds."""
    return {section: "".join(re.findall("内容.", content)) for section, content in _contents(text).items()}


@pytest.mark.parametrize("headings", [
    ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
     "五、存在的主要问题及改进情况", "六、其他需要报告的事项"),
    ("(二)主动公开政府信息情况", "(三)收到和处理政府信息公开申请情况", "(四)政府信息公开行政复议、行政诉讼情况",
     "(五)存在的主要问题及改进情况", "(六)其他需要报告的事项"),
    ("（二）主动公开政府信息情况", "（三）依申请公开情况", "（四）行政复议和行政诉讼情况",
     "（五）存在的主要问题及整改措施", "（六）其它需要报告的事项"),
    ("2、主动公开政府信息情况", "3、收到和处理政府信息公开申请情况", "4、政府信息公开行政复议、行政诉讼情况",
     "5、存在的主要问题及明年工作计划", "6、其他需要报告的事项"),
    ("2. 主动公开政府信息情况", "3. 收到和处理政府信息公开申请情况", "4. 政府信息公开行政复议、行政诉讼情况",
     "5. 存在的主要问题及改进情况", "6. 其他需要报告的事项"),
    ("第二部分 主动公开政府信息情况", "第三部分 收到和处理政府信息公开申请情况", "第四部分 政府信息公开行政复议、行政诉讼情况",
     "第五部分 存在的主要问题及改进情况", "第六部分 其他需要报告的事项"),
    ("主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
     "存在的主要问题及改进情况", "其他需要报告的事项"),
    ("## 主动公开政府信息情况", "**收到和处理政府信息公开申请情况**", "政府信息公开行政复议、行政诉讼情况：",
     "存在的主要问题及整改措施", "其它需要报告的事项。"),
])
def test_every_numbering_and_none(headings):
    assert _found_under(_report(*headings)) == {f"section{i}": f"内容{n}" for i, n in enumerate(NUMERALS, start=2)}


def test_in_table_rows_are_not_headings():
    text = ("二、主动公开政府信息情况\n内容二\n三、收到和处理政府信息公开申请情况\n内容三\n"
            "二、上年结转政府信息公开申请数量\t0\n三、本年度办理结果\t(一)予以公开\t1\n四、结转下年度继续办理\t0\n"
            "四、政府信息公开行政复议、行政诉讼情况\n内容四")
    ct = CompactText(text)
    spans = find_sections(ct)
    assert ct.text[slice(*spans["section3"])].rstrip().endswith("四、结转下年度继续办理 0")
    assert ct.text[spans["section4"][0]:].endswith("诉讼情况内容四")


def test_a_title_inside_prose_is_not_a_heading():
    text = "一、总体情况\n本年度主动公开政府信息情况良好。\n主动公开政府信息情况\n内容二"
    assert _contents(text) == {"section2": "内容二"}
    assert _contents("本年度主动公开政府信息情况良好,其他需要报告的事项见下。") == {}


def test_a_compact_string_has_no_lines_so_unnumbered_titles_need_the_compact_text():
    text = _report("主动公开政府信息情况", "三、收到和处理政府信息公开申请情况")  # noqa
    assert list(find_sections(CompactText(text).text)) == ["section3"]
    assert list(find_sections(CompactText(text))) == ["section2", "section3"]


def test_sections_five_and_six_numbered_by_a_narrative_of_their_own():
    text = _report("二、主动公开政府信息情况", "七、存在的主要问题及改进情况", "八、其它需要报告的事项")
    assert _found_under(text) == {"section2": "内容二", "section5": "内容三", "section6": "内容四"}


def test_tables_appended_under_captions_after_a_narrative_numbered_its_own_way():
    text = ("一、总体情况\n二、主动公开情况\n本年度主动公开工作良好。\n三、依申请公开情况\n见附表。\n"
            "四、政府信息管理\n五、存在的主要问题及改进情况\n问题\n六、其他需要报告的事项\n未收取信息处理费。\n"
            "表一：总体情况\n表二：主动公开政府信息情况\n规章\n表三：收到和处理政府信息公开申请情况\n申请\n"
            "表四：政府信息公开行政复议、行政诉讼情况\n复议")
    ct = CompactText(text)
    spans = find_sections(ct)
    assert {section: ct.text[slice(*span)] for section, span in spans.items()} == {
        "section2": "规章", "section3": "申请", "section4": "复议",
        "section5": "及改进情况问题", "section6": "未收取信息处理费。表一:总体情况",
    }


@pytest.mark.parametrize("caption", ["附表1 主动公开政府信息情况", "表2：主动公开政府信息情况", "附件2:主动公开政府信息情况"])
def test_other_captions(caption):
    assert _contents(f"二、主动公开情况\n内容\n{caption}\n规章") == {"section2": "规章"}


def test_a_reference_to_a_table_is_not_its_caption():
    assert _contents("二、主动公开政府信息情况\n规章 详见表二:主动公开政府信息情况。") == {
        "section2": "政府信息情况规章详见表二:主动公开政府信息情况。"}


def test_section_six_content_starts_after_its_whole_heading():
    assert _contents("六、其他需要报告的事项\n本年度未收取信息处理费。") == {"section6": "本年度未收取信息处理费。"}
    assert _contents("六、其它需要报告事项:无") == {"section6": ":无"}


# End to end on the real seeds: the same report, its headings rewritten, reads the same.

HEADING_LINE = [re.compile(rf"^[#\s]*{n}、\s*({title})") for n, title in (
    ("二", "主动公开.*"), ("三", "(?:收到和处理|依申请).*"), ("四", ".*(?:复议|诉讼).*"),
    ("五", "存在.*"), ("六", "其他需要报告.*"))]
REWRITES = {
    "(二)": lambda i, title: f"（{NUMERALS[i]}）{title}",
    "2、": lambda i, title: f"{i + 2}、{title}",
    "第二部分": lambda i, title: f"第{NUMERALS[i]}部分 {title}",
    "unnumbered": lambda i, title: title,
}


def _heading_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(line index, title) of the five headings, found in order."""
    found, cursor = [], 0
    for pattern in HEADING_LINE:
        index, match = next((i, m) for i in range(cursor, len(lines)) if (m := pattern.match(lines[i])))
        found.append((index, match.group(1).strip()))
        cursor = index + 1
    return found


def _rewritten(text: str, layout: str) -> str:
    lines = text.split("\n")
    headings = _heading_lines(lines)
    if layout in REWRITES:
        for i, (index, title) in enumerate(headings):
            lines[index] = REWRITES[layout](i, title)
        return "\n".join(lines)
    (two, _), _, _, (five, _), (six, _) = headings
    narrative = ["二、主动公开情况", "本年度主动公开政府信息情况良好。", "三、依申请公开情况", "详见表三。"]
    tables = lines[two:five]
    for i, (index, title) in enumerate(headings[:3]):
        tables[index - two] = f"表{NUMERALS[i]}：{title}"
    closing = ["七、存在的主要问题及改进情况", *lines[five + 1:six], "八、其它需要报告的事项", *lines[six + 1:]]
    return "\n".join(lines[:two] + narrative + closing + ["附件", "表一：总体情况"] + tables)


def _read(text: str) -> dict:
    ct = CompactText(text)
    spans = find_sections(ct)
    values = {section: table.values for section, table in read_tables(ct, spans).items()}
    values["fee"] = processing_fee_yuan(ct.source_slice(*spans["section6"]))[0] if "section6" in spans else "absent"
    return values


@pytest.mark.parametrize("layout", [*REWRITES, "appended"])
def test_seeds_read_the_same_whatever_their_headings(shared, layout):
    for path in sorted((shared / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        expected = _read(text)
        assert set(expected) == {"section2", "section3", "section4", "fee"}, path.name
        assert _read(_rewritten(text, layout)) == expected, (path.name, layout)
