"""The shared mapping step on tiny inputs, one per layout and per real defect."""
from toolkit.normalize import CompactText
from toolkit.sections import find_sections
from toolkit.tables import read_section2, read_section3, read_section4

ROWS_2021 = [
    ("一、本年新收政府信息公开申请数量", "5 0 0 0 0 0 5"),
    ("二、上年结转政府信息公开申请数量", "1 0 0 0 0 0 1"),
    ("三、本年度办理结果\t(一)予以公开", "2 0 0 0 0 0 2"),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "1 0 0 0 0 0 1"),
    ("(三)不予公开\t1.属于国家秘密", "0 0 0 0 0 0 0"),
    ("2.其他法律行政法规禁止公开", "0 0 0 0 0 0 0"),
    ("3.危及“三安全一稳定”", "0 0 0 0 0 0 0"),
    ("4.保护第三方合法权益", "0 0 0 0 0 0 0"),
    ("5.属于三类内部事务信息", "0 0 0 0 0 0 0"),
    ("6.属于四类过程性信息", "0 0 0 0 0 0 0"),
    ("7.属于行政执法案卷", "0 0 0 0 0 0 0"),
    ("8.属于行政查询事项", "0 0 0 0 0 0 0"),
    ("(四)无法提供\t1.本机关不掌握相关政府信息", "3 0 0 0 0 0 3"),
    ("2.没有现成信息需要另行制作", "0 0 0 0 0 0 0"),
    ("3.补正后申请内容仍不明确", "0 0 0 0 0 0 0"),
    ("(五)不予处理\t1.信访举报投诉类申请", "0 0 0 0 0 0 0"),
    ("2.重复申请", "0 0 0 0 0 0 0"),
    ("3.要求提供公开出版物", "0 0 0 0 0 0 0"),
    ("4.无正当理由大量反复申请", "0 0 0 0 0 0 0"),
    ("5.要求行政机关确认或重新出具已获取信息", "0 0 0 0 0 0 0"),
    ("(六)其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "0 0 0 0 0 0 0"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "0 0 0 0 0 0 0"),
    ("3.其他", "0 0 0 0 0 0 0"),
    ("(七)总计", "6 0 0 0 0 0 6"),
    ("四、结转下年度继续办理", "0 0 0 0 0 0 0"),
]
HEADER = "三、收到和处理政府信息公开申请情况\n申请人情况\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"


def _section3(body: str):
    ct = CompactText(HEADER + body + "\n四、政府信息公开行政复议、行政诉讼情况\n")
    return read_section3(ct, find_sections(ct.text)["section3"])


def _tabs():
    return "\n".join(label + "\t" + cells.replace(" ", "\t") for label, cells in ROWS_2021)


def test_tab_separated_rows():
    read = _section3(_tabs())
    assert read.template == "2021"
    assert read.values["unable_not_held"] == [3, 0, 0, 0, 0, 0, 3]
    assert read.values["total_processed"] == [6, 0, 0, 0, 0, 0, 6]
    assert read.notes == []


def test_one_cell_per_line_ending_in_pipe():
    body = "\n".join(f"{part} |" for label, cells in ROWS_2021 for part in (*label.split("\t"), *cells.split()))
    assert _section3(body).values == _section3(_tabs()).values


def test_cells_run_together_as_a_crawler_saves_them():
    body = "".join(label.replace("\t", "") + cells.replace(" ", "") for label, cells in ROWS_2021)
    read = _section3(body)
    assert read.values == _section3(_tabs()).values
    assert any("split run-together" in note for note in read.notes)


def test_group_label_on_the_middle_row_and_label_split_from_its_numbers():
    body = _tabs().replace("(四)无法提供\t1.本机关不掌握相关政府信息\t3", "\t1.本机关不掌握相关政府信息\n\t3")
    body = body.replace("2.没有现成信息需要另行制作", "(四) 无法提 供\t2.没有现成信息需要另行制作")
    assert _section3(body).values["unable_not_held"] == [3, 0, 0, 0, 0, 0, 3]


def test_spaces_inside_labels_and_full_width_brackets():
    body = _tabs().replace("三、本年度办理结果\t(一)予以公开", "三、本 年度办 理结果\t（一） 予以 公开")
    assert _section3(body).values["granted"] == [2, 0, 0, 0, 0, 0, 2]


def test_2019_template_has_one_other_processing_row():
    rows_2019 = [r for r in ROWS_2021 if not r[0].startswith(("(六)", "2.申请人", "3.其他"))]
    rows_2019.insert(-2, ("(六)其他处理", "0 0 0 0 0 0 0"))
    read = _section3("\n".join(label + "\t" + cells for label, cells in rows_2019))
    assert read.template == "2019"
    assert list(read.values)[-3:] == ["other_processing", "total_processed", "carried_forward"]
    assert len(read.values) == 23


def test_missing_row_is_null_with_a_note():
    read = _section3(_tabs().replace("2.重复申请", "2.(illegible)"))
    assert read.values["not_processed_repeated"] == [None] * 7
    assert "section3: row not_processed_repeated not found" in read.notes


def test_section2_template_by_column_headings_and_the_typo_column():
    text = ("二、主动公开政府信息情况\n第二十条第(一)项\n信息内容\t本年制发件数\t本年度止件数\t现行有效件数\n"
            "规章\t0\t0\t0\n行政规范性文件\t1\t6\t20\n第二十条第(五)项\n信息内容\t本年处理决定数量\n行政许可\t13290\n"
            "第二十条第(六)项\n行政处罚\t6352\n行政强制\t28\n第二十条第(八)项\n信息内容\t本年收费金额(单位:万元,保留4位小数)\n"
            "行政事业性收费\t1447.3263\n三、收到和处理政府信息公开申请情况\n")
    ct = CompactText(text)
    read = read_section2(ct, find_sections(ct.text)["section2"])
    assert read.template == "2021"
    assert read.values["normative_documents"] == {"issued": 1, "repealed": 6, "in_force": 20}
    assert read.values["administrative_fees"] == {"amount_10k_yuan": 1447.3263}


def test_section4_after_prose_and_a_header_with_an_extra_trailing_cell():
    text = ("四、行政复议和行政诉讼情况。\n本年度没有因为政府信息公开引起的行政复议。\n"
            "行政复议\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
            + "\t".join(["6", "1", "1", "3", "11", "14", "5", "2", "1", "22", "4", "1", "0", "1", "6", "0"])
            + "\n五、存在的主要问题及改进情况\n")
    ct = CompactText(text)
    read = read_section4(ct, find_sections(ct.text)["section4"])
    assert read.values["litigation_direct"] == {"upheld": 14, "corrected": 5, "other": 2, "pending": 1, "total": 22}
    assert "ignored 1 extra" in read.notes[0]


def test_duplicated_top_level_numbering_does_not_confuse_sections():
    text = "一、总体情况\n一、工作情况\n(二)依申请公开\n二、主动公开政府信息情况\n表\n三、收到和处理政府信息公开申请情况\n"
    assert list(find_sections(CompactText(text).text)) == ["section2", "section3"]


def test_a_misprinted_label_in_crawler_text_is_read_where_it_must_stand(tmp_path):
    """Cells run together: the one row missing between two rows found is read from the
    words there when they are like its label and its number confirms it."""
    from toolkit import read_report, synthetic

    report = synthetic.synthesize(3, "crawler")
    text = report.data.decode("utf-8")
    assert "其他法律行政法规禁止公开" in text
    path = tmp_path / report.name
    path.write_text(text.replace("其他法律行政法规禁止公开", "其他法律行政止公开", 1), encoding="utf-8")
    read = read_report(path)
    assert read.record["section3"] == report.expected["section3"]
    assert read.provenance["tables"]["section3"]["labels"]["withheld_law_prohibited"] == {
        "printed": "2.其他法律行政止公开", "matched": "similar 0.86, numbered (三)2"}


def test_words_unlike_the_missing_label_leave_its_row_null(tmp_path):
    from toolkit import read_report, synthetic

    report = synthetic.synthesize(3, "crawler")
    path = tmp_path / report.name
    path.write_text(report.data.decode("utf-8").replace("属于行政查询事项", "某某某某某某", 1), encoding="utf-8")
    read = read_report(path)
    assert read.record["section3"]["withheld_administrative_inquiry"] == [None] * 7
    assert "withheld_administrative_inquiry" in read.provenance["tables"]["section3"]["unread"]
