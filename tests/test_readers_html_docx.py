"""HTML and DOCX readers: tiny inline documents, the seed reports rendered in the
national layout, and the real web pages of ../shared/corpus."""
from __future__ import annotations

import codecs
import csv
import io
import json
from html import escape
from pathlib import Path

import docx
import pytest

from toolkit import read_report
from toolkit.checks import section3_failures, section4_failures
from toolkit.errors import EmptyFile, ReportError, UnsupportedFormat
from toolkit.readers import docx as docx_reader
from toolkit.readers import grid as grid_layout
from toolkit.readers import html as html_reader
from toolkit.readers import read_document

from conftest import ROOT, docx_bytes

SEED = ROOT / "data" / "raw" / "004_05aca36cc1e89005.txt"
RECORD = ("agency", "year", "section2_template", "section3_template", "processing_fee_yuan",
          "section2", "section3", "section4")


# --- HTML on tiny inputs ------------------------------------------------------

def _page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>标题</title></head><body>{body}</body></html>"


def _html(body: str, **kwargs) -> list[str]:
    return html_reader.read(Path("p.html"), _page(body, **kwargs).encode()).text.splitlines()


def test_merged_cells_appear_once_and_blank_cells_keep_their_column():
    lines = _html("""<table>
        <tr><th class="header" rowspan="2">(三)不予公开</th><td>1.属于国家秘密</td><td>14</td><td></td><td>&nbsp;</td></tr>
        <tr><td>2.其他法律行政法规禁止公开</td><td colspan="2">3</td><td> 4 </td></tr>
        </table>""")
    assert lines[1:] == ["(三)不予公开\t1.属于国家秘密\t14\t∅\t∅", "2.其他法律行政法规禁止公开\t3\t4"]


@pytest.mark.parametrize("rows, grid", [
    ([[("a", 2, 2), ("b", 1, 1)], [("c", 1, 1)]], [["a", None, "b"], [None, None, "c"]]),
    # a cell spanning rows below it leaves a hole where no cell of a shorter row stands
    ([[("a", 1, 1), ("b", 3, 1)], [("c", 1, 1)], []], [["a", "b"], ["c", None], ["", None]]),
    # spans of 0 or less are 1; a rowspan past the last row stops there
    ([[("a", 0, -2), ("b", 9, 1)], [("c", 1, 0)]], [["a", "b"], ["c", None]]),
    ([], []),
])
def test_merged_cells_are_laid_out_as_a_browser_does(rows, grid):
    assert grid_layout.place(rows) == grid


def test_a_hostile_span_is_cut_to_max_span():
    [row] = grid_layout.place([[("a", 1, 10_000), ("b", 1, 1)]])
    assert len(row) == grid_layout.MAX_SPAN + 1 and row[-1] == "b"


def test_scripts_styles_hidden_elements_and_navigation_are_skipped():
    lines = _html("""<div class="header"><ul><li>首页</li><li>政务公开</li></ul></div>
        <nav>导航</nav><script>document.write("二、主动公开 9 9 9")</script><style>p {color: red}</style>
        <div style="display: none">隐藏</div><p>正文<span>第一</span>段<br>第二段</p>
        <div role="navigation">菜单</div><div id="footer">版权所有</div>""")
    assert lines == ["标题", "正文第一段", "第二段"]


def test_text_and_tables_come_in_reading_order_with_their_locations():
    page = _page("<h1>年度报告</h1><table><tr><td>a</td></tr></table><p>中间</p>"
                 "<table><caption>表二</caption><tr><td>b</td></tr><tr><td>c</td><td>1</td></tr></table>")
    document = html_reader.read(Path("p.html"), page.encode())
    assert document.text.splitlines() == ["标题", "年度报告", "a", "中间", "表二", "b", "c\t1"]
    assert document.locations == ("title", "text", "table 1, row 1", "text", "text", "table 2, row 1", "table 2, row 2")
    assert document.details == {"tables": 2}


def test_a_layout_table_around_the_data_table_is_read_as_text():
    lines = _html("<table><tr><td><p>二、主动公开政府信息情况</p>"
                  "<table><tr><td>规章</td><td>1</td><td>2</td><td>3</td></tr></table></td></tr></table>")
    assert lines[1:] == ["二、主动公开政府信息情况", "规章\t1\t2\t3"]


@pytest.mark.parametrize("head, data_encoding", [
    ('<meta charset="gbk">', "gbk"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb2312"),
    ("", "gbk"),  # no declaration: UTF-8 fails, GB18030 reads it
    ('<meta charset="utf-8">', "gbk"),  # a wrong declaration: it fails, then GB18030 reads it
])
def test_declared_or_guessed_chinese_encodings(head, data_encoding):
    data = _page("<p>行政复议</p>", head=head).encode(data_encoding)
    document = html_reader.read(Path("p.html"), data)
    assert document.encoding == "gb18030"
    assert document.text.splitlines()[1] == "行政复议"


def test_a_bom_wins_over_the_declared_charset():
    data = codecs.BOM_UTF8 + _page("<p>行政复议</p>", head='<meta charset="gbk">').encode("utf-8")
    assert html_reader.read(Path("p.html"), data).text.splitlines()[1] == "行政复议"


def test_an_xml_declaration_is_accepted():
    data = ('<?xml version="1.0" encoding="gb2312"?>' + _page("<p>行政复议</p>", head="")).encode("gb2312")
    assert html_reader.read(Path("p.xhtml"), data).text.splitlines()[1] == "行政复议"


@pytest.mark.parametrize("data", [b"", b"  \n", b"<!-- nothing -->"])
def test_an_empty_page_is_an_empty_file(data):
    with pytest.raises(EmptyFile):
        html_reader.read(Path("p.html"), data)


@pytest.mark.parametrize("suffix, extractor", [(".html", "html"), (".htm", "html"), (".shtml", "html"), (".docx", "docx")])
def test_readers_are_registered_by_suffix(suffix, extractor):
    data = _page("<p>x</p>").encode() if extractor == "html" else docx_bytes(lambda d: d.add_paragraph("x"))
    assert read_document(Path("report" + suffix), data).format == extractor


# --- DOCX on tiny inputs ------------------------------------------------------

def test_docx_paragraphs_and_tables_in_order_with_merged_cells_once():
    def build(document):
        document.add_paragraph("三、收到和处理政府信息公开申请情况")
        table = document.add_table(rows=2, cols=4)
        table.cell(0, 0).merge(table.cell(1, 0)).text = "(三)不予公开"
        table.cell(0, 2).merge(table.cell(0, 3)).text = "7"
        table.cell(0, 1).text, table.cell(1, 1).text, table.cell(1, 2).text = "1.属于国家秘密", "2.其他", "5"
        document.add_paragraph("")
        document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")

    document = docx_reader.read(Path("r.docx"), docx_bytes(build))
    assert document.text.splitlines() == [
        "三、收到和处理政府信息公开申请情况",
        "(三)不予公开\t1.属于国家秘密\t7",
        "2.其他\t5\t∅",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    assert document.locations == ("paragraph 1", "table 1, row 1", "table 1, row 2", "paragraph 3")


@pytest.mark.parametrize("name", ["old.doc", "renamed.docx"])
def test_word_97_documents_are_refused_with_how_to_convert(tmp_path, name):
    (tmp_path / name).write_bytes(docx_reader.OLE2_MAGIC + b" Word 97-2003")
    with pytest.raises(UnsupportedFormat, match="libreoffice --headless --convert-to docx"):
        read_report(tmp_path / name)


def test_a_broken_docx_names_the_problem(tmp_path):
    (tmp_path / "broken.docx").write_bytes(b"PK not a zip")
    with pytest.raises(ReportError, match="not a readable .docx"):
        read_report(tmp_path / "broken.docx")


# --- the old (pre-2019) statistics table (tests/test_legacy.py reads it) ---------

OLD_TABLE = "六、政府信息公开情况统计表\n指标名称\t计量单位\t2018年度\t历年累计\n受理依申请公开信息总数\t条\t0\t0\n"


def test_old_table_words_beside_a_national_table_do_not_refuse_the_report(tmp_path):
    path = tmp_path / "both.txt"
    path.write_text(SEED.read_text(encoding="utf-8") + OLD_TABLE, encoding="utf-8")
    assert read_report(path).record == read_report(SEED).record


# --- the truth records rendered in the national layout, as HTML and as DOCX -----

def cell(text, rows=1, cols=1):
    return (text, rows, cols)


SECTION2_BLOCKS = {  # template -> (heading, column headings, items with their printed labels)
    "2021": [
        ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
         (("regulations", "规章"), ("normative_documents", "行政规范性文件"))),
        ("第二十条第（五）项", ("本年处理决定数量",), (("licensing", "行政许可"),)),
        ("第二十条第（六）项", ("本年处理决定数量",), (("penalty", "行政处罚"), ("compulsion", "行政强制"))),
        ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("administrative_fees", "行政事业性收费"),)),
    ],
    "2019": [
        ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
         (("regulations", "规章"), ("normative_documents", "规范性文件"))),
        ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         (("licensing", "行政许可"), ("other_external_services", "其他对外管理服务事项"))),
        ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         (("penalty", "行政处罚"), ("compulsion", "行政强制"))),
        ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), (("administrative_fees", "行政事业性收费"),)),
        ("第二十条第（九）项", ("采购项目数量", "采购总金额"), (("central_procurement", "政府集中采购"),)),
    ],
}
SECTION3_LABELS = {  # row -> (group label or None, printed label)
    "new_received": (None, "一、本年新收政府信息公开申请数量"),
    "carried_over": (None, "二、上年结转政府信息公开申请数量"),
    "granted": (None, "（一）予以公开"),
    "partially_granted": (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "withheld_state_secret": ("（三）不予公开", "1.属于国家秘密"),
    "withheld_law_prohibited": ("（三）不予公开", "2.其他法律行政法规禁止公开"),
    "withheld_three_security_one_stability": ("（三）不予公开", "3.危及“三安全一稳定”"),
    "withheld_third_party_rights": ("（三）不予公开", "4.保护第三方合法权益"),
    "withheld_internal_affairs": ("（三）不予公开", "5.属于三类内部事务信息"),
    "withheld_process_information": ("（三）不予公开", "6.属于四类过程性信息"),
    "withheld_enforcement_case_file": ("（三）不予公开", "7.属于行政执法案卷"),
    "withheld_administrative_inquiry": ("（三）不予公开", "8.属于行政查询事项"),
    "unable_not_held": ("（四）无法提供", "1.本机关不掌握相关政府信息"),
    "unable_needs_creation": ("（四）无法提供", "2.没有现成信息需要另行制作"),
    "unable_unclear_after_correction": ("（四）无法提供", "3.补正后申请内容仍不明确"),
    "not_processed_petition_complaint": ("（五）不予处理", "1.信访举报投诉类申请"),
    "not_processed_repeated": ("（五）不予处理", "2.重复申请"),
    "not_processed_publication": ("（五）不予处理", "3.要求提供公开出版物"),
    "not_processed_massive_repeated": ("（五）不予处理", "4.无正当理由大量反复申请"),
    "not_processed_confirmation": ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    "other_processing": (None, "（六）其他处理"),
    "other_overdue_correction": ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    "other_overdue_fee": ("（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other_other": ("（六）其他处理", "3.其他"),
    "total_processed": (None, "（七）总计"),
    "carried_forward": (None, "四、结转下年度继续办理"),
}
OUTCOMES_HEADING = "三、本年度办理结果"
RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
FEE_SENTENCE = {0: "本年度未收取信息处理费。", None: "无。"}


def _printed(value) -> str:
    return "" if value is None else str(value)


def _spread(texts: list[str], width: int) -> list:
    """One cell per text, the last one spanning what is left of ``width`` columns."""
    return [cell(t) for t in texts[:-1]] + [cell(texts[-1], cols=width - len(texts) + 1)]


def section2_rows(values: dict, template: str) -> list:
    rows = []
    for heading, columns, items in SECTION2_BLOCKS[template]:
        rows.append([cell(heading, cols=4)])
        rows.append([cell("信息内容")] + _spread(list(columns), 3))
        rows += [[cell(label)] + _spread([_printed(v) for v in values[item].values()], 3) for item, label in items]
    return rows


def section3_rows(values: dict) -> list:
    rows = [
        [cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), cell("申请人情况", cols=7)],
        [cell("自然人", rows=2), cell("法人或其他组织", cols=5), cell("总计", rows=2)],
        [cell(name) for name in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    outcomes = list(values)[2:-1]
    groups = [SECTION3_LABELS[name][0] for name in values]
    previous = None
    for name, numbers in values.items():
        group, label = SECTION3_LABELS[name]
        row = [cell(OUTCOMES_HEADING, rows=len(outcomes))] if name == outcomes[0] else []
        if group and group != previous:
            row.append(cell(group, rows=groups.count(group)))
        previous = group
        span = 1 if group else (2 if name in outcomes else 3)
        rows.append(row + [cell(label, cols=span)] + [cell(_printed(v)) for v in numbers])
    return rows


def section4_rows(values: dict) -> list:
    return [
        [cell("行政复议", cols=5), cell("行政诉讼", cols=10)],
        [cell(name, rows=2) for name in RESULTS] + [cell("未经复议直接起诉", cols=5), cell("复议后起诉", cols=5)],
        [cell(name) for name in RESULTS * 2],
        [cell(_printed(v)) for group in values.values() for v in group.values()],
    ]


def report_parts(truth: dict) -> list:
    """The report as a list of paragraphs (str) and tables (rows of cells)."""
    return [
        f"{truth['agency']}{truth['year']}年政府信息公开工作年度报告",
        "一、总体情况", f"{truth['year']}年，本机关认真贯彻《中华人民共和国政府信息公开条例》。",
        "二、主动公开政府信息情况", section2_rows(truth["section2"], truth["section2_template"]),
        "三、收到和处理政府信息公开申请情况", section3_rows(truth["section3"]),
        "四、政府信息公开行政复议、行政诉讼情况", section4_rows(truth["section4"]),
        "五、存在的主要问题及改进情况", "无。",
        "六、其他需要报告的事项", FEE_SENTENCE[truth["processing_fee_yuan"]],
    ]


def render_html(parts: list) -> bytes:
    body = []
    for part in parts:
        if isinstance(part, str):
            body.append(f"<p>{escape(part)}</p>")
        else:
            body.append("<table>" + "".join(
                "<tr>" + "".join(f'<td rowspan="{r}" colspan="{c}">{escape(t) or "&nbsp;"}</td>' for t, r, c in row) + "</tr>"
                for row in part) + "</table>")
    head = f'<meta charset="utf-8"><title>{escape(parts[0])}</title><script>var menu = "二、主动公开 1 2 3";</script>'
    nav = '<div class="nav"><a href="/">首页</a><a href="/zwgk">政务公开</a></div>'
    return _page(nav + "".join(body), head=head).encode("utf-8")


def _placed(rows: list):
    """(row, column, rows spanned, columns spanned, text) of every cell, as a browser lays them out."""
    taken, placed = set(), []
    for r, row in enumerate(rows):
        c = 0
        for text, row_span, col_span in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, row_span, col_span, text))
            taken |= {(r + i, c + j) for i in range(row_span) for j in range(col_span)}
            c += col_span
    return placed


def render_docx(parts: list) -> bytes:
    def build(document):
        for part in parts:
            if isinstance(part, str):
                document.add_paragraph(part)
                continue
            placed = _placed(part)
            table = document.add_table(rows=len(part), cols=max(c + cs for _, c, _, cs, _ in placed))
            for r, c, row_span, col_span, _ in placed:
                if row_span > 1 or col_span > 1:
                    table.cell(r, c).merge(table.cell(r + row_span - 1, c + col_span - 1))
            for r, c, _, _, text in placed:
                table.rows[r].cells[c].text = text
    return docx_bytes(build)


@pytest.fixture(scope="module")
def truths(shared, seeds_truth) -> dict:
    """The seeds' truth, and the Shanghai report's (blank zero and 总计 cells, 第（九）项)."""
    corpus = json.loads((shared / "truth" / "corpus.json").read_text(encoding="utf-8"))
    return {**seeds_truth["reports"], **corpus["reports"]}


@pytest.mark.parametrize("suffix, render", [(".html", render_html), (".docx", render_docx)])
def test_truth_rendered_in_the_national_layout_reads_back_as_the_truth(truths, tmp_path, suffix, render):
    for name, truth in truths.items():
        path = tmp_path / (Path(name).stem + suffix)
        path.write_bytes(render(report_parts(truth)))
        report = read_report(path)
        assert {key: report.record[key] for key in RECORD} == {key: truth[key] for key in RECORD}, name
        printed_failures = section3_failures(truth["section3"]) + section4_failures(truth["section4"])  # real misprints
        assert report.checks == printed_failures and report.unresolved == [], name
        assert report.provenance["tables"]["section3"]["read_at"]["carried_forward"].startswith("table 2, row "), name


# --- the real web pages of ../shared/corpus --------------------------------------

def _manifest(shared, kind: str) -> dict[str, dict]:
    with open(shared / "corpus" / "MANIFEST.tsv", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t") if row["format"] == kind}


def _cells(record: dict):
    """(section, row, column) -> value for every statistic of a record."""
    found = {}
    for section in ("section2", "section4"):
        for row, cells in (record[section] or {}).items():
            found.update({(section, row, column): value for column, value in cells.items()})
    for row, values in (record["section3"] or {}).items():
        found.update({("section3", row, column): value for column, value in enumerate(values)})
    return found


def test_shanghai_2019_matches_its_truth_blank_cells_null(shared, truths):
    truth = truths["shanghai_2019_szfbgt.html"]
    report = read_report(shared / "corpus" / "shanghai_2019_szfbgt.html")
    assert {key: report.record[key] for key in RECORD} == {key: truth[key] for key in RECORD}
    assert report.record["section3"]["granted"] == [258, 12, None, None, 1, 1, None]  # blank 总计 stays null
    assert report.provenance["tables"]["section3"]["read_at"]["unable_not_held"] == "table 2, row 16"
    assert report.checks == []
    assert report.notes == ["section6: no sentence of section 六 states a 信息处理费: processing_fee_yuan is null"]
    print("shanghai_2019_szfbgt.html: every statistic, template, agency and year as in the truth; other keys",
          "(truth, read):", {k: (truth[k], report.record.get(k)) for k in truth if k not in RECORD})


PINGTAN_YEARS = (2019, 2020, 2021, 2022)


@pytest.fixture(scope="module")
def pingtan(shared):
    return {year: (read_report(shared / "corpus" / "pingtan" / f"pingtan_{year}_gwh.html"),
                   read_report(shared / "corpus" / "flattened" / f"pingtan_{year}_gwh.txt"))
            for year in PINGTAN_YEARS}


@pytest.mark.parametrize("year", PINGTAN_YEARS)
def test_pingtan_pages_agree_with_the_crawler_text_and_fill_in_its_gaps(pingtan, year):
    page, crawl = pingtan[year]
    header = ("agency", "year", "section2_template", "section3_template", "processing_fee_yuan")
    assert [page.record[k] for k in header] == [crawl.record[k] for k in header]
    from_page, from_crawl = _cells(page.record), _cells(crawl.record)
    assert from_page.keys() == from_crawl.keys()
    differ = {k: (from_crawl[k], from_page[k]) for k in from_page if from_crawl[k] not in (None, from_page[k])}
    filled = {k: from_page[k] for k in from_page if from_crawl[k] is None}
    assert differ == {}
    assert None not in from_page.values() and page.unresolved == []  # every cell is printed on the page
    for section, row in {k[:2] for k in filled}:  # the crawler text's reading says why it left them null
        assert any(note.startswith(f"{section}: {row} (") for note in crawl.notes), (section, row)
    print(f"pingtan {year}: {len(from_page)} values, {len(filled)} filled in where the crawler text could not be split:",
          sorted({f"{s}.{r}" for s, r, _ in filled}))


def test_pingtan_2020_identity_failure_is_recorded_not_fixed(pingtan):
    page, crawl = pingtan[2020]
    assert {(f.identity, f.column) for f in page.checks} == {(3, "natural_person"), (3, "total")}
    assert [f.to_dict() for f in page.checks] == [f.to_dict() for f in crawl.checks]
    assert page.record["section3"]["total_processed"] == [20, 0, 0, 0, 0, 1, 21]
    assert page.record["section3"]["other_processing"] == [4, 0, 0, 0, 0, 0, 4]


def test_every_html_report_holds_its_identities_or_says_why(shared):
    known_failures = {"pingtan/pingtan_2020_gwh.html": {(3, "natural_person"), (3, "total")}}
    for name, row in _manifest(shared, "html").items():
        report = read_report(shared / "corpus" / name)
        if report.record["template"] == "pre-2019":
            assert row["template"] == "pre-2019" and report.record["section3"] is None, name
            continue
        assert (report.record["year"], report.record["section3_template"]) == (int(row["year"]), row["template"])
        assert {(f.identity, f.column) for f in report.checks} == known_failures.get(name, set()), name
        assert report.unresolved == [], name
        print(f"{name}: {report.record['agency']} {report.record['year']}, templates "
              f"{report.record['section2_template']}/{report.record['section3_template']}; failed identities:",
              [f.message for f in report.checks] or "none", "| notes:", report.notes or "none")
