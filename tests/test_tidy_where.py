"""The long tables say where each value was read, as a person would say it."""
from __future__ import annotations

import copy
import json

import pandas as pd

from toolkit import read_report, tidy
from toolkit.report import Report

from conftest import ROOT

HUAIAN = ROOT / "data" / "processed" / "corpus" / "records" / "huaian_2024_szf.pdf.json"


def _huaian() -> Report:
    return Report.from_dict(json.loads(HUAIAN.read_text(encoding="utf-8")))


def test_a_pdf_value_is_read_at_its_page_table_and_row_under_its_printed_label():
    section3 = tidy.section3_table([_huaian()]).set_index(["row", "column"])
    cell = section3.loc[("new_received", "total")]
    assert (cell["read_at"], cell["label_printed"], cell["value"]) == (
        "page 4, table 2, row 4", "一、本年新收政府信息公开申请数量", 3119)
    assert section3.loc[("granted", "total"), "label_printed"] == "(一)予以公开"


def test_a_text_value_is_read_at_its_line():
    report = read_report(ROOT / "data" / "raw" / "004_05aca36cc1e89005.txt")
    for table, key in ((tidy.section2_table, "item"), (tidy.section3_table, "row"), (tidy.section4_table, "group")):
        rows = table([report])
        assert rows["read_at"].notna().all() and rows["read_at"].str.startswith("line ").all()
        assert (rows["read_at"] == "line " + rows["line"].astype(str)).all()
    section3 = tidy.section3_table([report]).set_index(["row", "column"])
    assert section3.loc[("unable_not_held", "total"), "label_printed"] == "1.本机关不掌握相关政府信息"


def test_without_the_readers_words_the_line_is_said_and_the_label_left_empty():
    report = _huaian()
    report.provenance = copy.deepcopy(report.provenance)
    for section in ("section2", "section3", "section4"):
        del report.provenance["tables"][section]["read_at"], report.provenance["tables"][section]["labels"]
    cell = tidy.section3_table([report]).set_index(["row", "column"]).loc[("new_received", "total")]
    assert cell["read_at"] == "line 76" and pd.isna(cell["label_printed"])
    assert tidy.section4_table([report])["read_at"].eq("line 105").all()
