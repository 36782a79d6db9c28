import pytest

from toolkit.fees import processing_fee_yuan, read_fee
from toolkit.header import find_agency_and_year


@pytest.mark.parametrize("text, agency, year", [
    ("\n\n庆阳市西峰区 2022 年政府信息公开工作 年度报告\n", "庆阳市西峰区", 2022),
    ("当前位置: 首页>年度报告\n标题: 长治市潞州区人民政府办公室2021年政府信息公开工作年度报告 | |\n", "长治市潞州区人民政府办公室", 2021),
    ("# 卫滨区人民政府办公室 2020 年政府信息公开工作年度报告\n", "卫滨区人民政府办公室", 2020),
    ("依据《条例》要求,编制本报告。\n一、总体情况\n2023年,沙依巴克区人民政府办公室坚持以…", "沙依巴克区人民政府办公室", 2023),
    ("平潭综合实验区2021年度政府信息公开工作年度报告", "平潭综合实验区", 2021),
])
def test_agency_and_year(text, agency, year):
    assert find_agency_and_year(text)[:2] == (agency, year)


def test_nothing_found_is_none_not_a_guess():
    assert find_agency_and_year("政府信息公开 一些文字")[:2] == (None, None)


@pytest.mark.parametrize("section6, fee", [
    ("本年度没有产生信息公开处理费。", 0),
    ("2021年，无收取信息处理费情况。", 0),
    ("本机关未收取信息处理费", 0),
    ("本年度收取信息处理费共计300元。", 300),
    ("依法收取信息处理费0.05万元。", 500.0),
    ("无", None),
    ("本机关其他事项：无。", None),
    ("本年度收取信息处理费共计1,200元。", 1200),
    ("本年度收取信息处理费共计1，200元。", 1200),
    ("共收取信息处理费1.2万元。", 12000),
    ("共收取信息处理费１２００元。", 1200),
    ("收取信息处理费0.12345万元。", 1234.5),
    ("2023年度，县发展和改革局政府信息公开未发生收费情况。", 0),
    ("本年度未实际收取信息处理费。", 0),
    ("向申请人发出收费通知1件，申请人未缴费。", 0),
    ("向申请人发出收费通知1件，金额200元，申请人逾期未缴纳。", 0),
    ("应收信息处理费300元，实际收取0元。", 0),
    ("向申请人发出收费通知2件，其中1件申请人已缴纳100元。", 100),
    ("依据《关于印发<政府信息公开信息处理费管理办法>的通知》，本年度收取信息处理费300元。", 300),
    ("按照《政府信息公开信息处理费管理办法》要求，本单位无其他需要报告的事项。", None),
    ("我局收费项目公开共收费1200元。本年度未收取信息处理费。", 0),
])
def test_processing_fee(section6, fee):
    assert processing_fee_yuan(section6)[0] == fee


def test_the_fee_amount_is_an_int_in_yuan():
    assert type(processing_fee_yuan("共收取信息处理费1.2万元。")[0]) is int


@pytest.mark.parametrize("section6", [
    "本年度收取信息处理\n费1,200元。",
    "本年度收取信息处理费\n- 3 -\n1,200元。",
    "本年度收取信息处理费\n第3页\n1,200元。",
    "本年度收取信息处理费\n3\n\n1,200元。",
])
def test_a_sentence_broken_by_a_line_or_a_page_number_is_read_whole(section6):
    assert processing_fee_yuan(section6) == (1200, "本年度收取信息处理费1,200元")


def test_paragraphs_that_are_not_one_sentence_stay_apart():
    assert processing_fee_yuan("(一)信息处理费:无\n(二)其他事项:共计5元")[0] == 0


@pytest.mark.parametrize("section6, says", [
    ("向申请人发出收费通知1件，金额200元。", "not said to be paid"),
    ("向申请人发出收费通知2件，金额共300元，其中1件未缴费。", "cannot be told"),
])
def test_a_fee_notice_not_known_to_be_paid_is_null_with_a_note(section6, says):
    read = read_fee(section6)
    assert read.yuan is None and says in read.note


def test_the_shuyang_county_bureau_collected_no_fee(shared):
    from toolkit import read_report

    report = read_report(shared / "corpus" / "departments" / "shuyang_fgj_2023.html")
    assert report.record["processing_fee_yuan"] == 0
    assert "未发生收费情况" in report.provenance["processing_fee_from"]
