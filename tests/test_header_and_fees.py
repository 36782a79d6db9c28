import pytest

from toolkit.fees import processing_fee_yuan
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
])
def test_processing_fee(section6, fee):
    assert processing_fee_yuan(section6)[0] == fee
