"""tables.xlsx for people: the summary and each report's section 三 as printed."""
from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from toolkit import workbook
from toolkit.codebook import SECTION3_COLUMNS

HEADINGS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def _tables(rows_per_report: dict[str, dict[str, list]]) -> dict[str, pd.DataFrame]:
    """reports and section3 as the tidy tables give them; a row's cells are (value, status)
    pairs, its label as printed the first item (None: none kept)."""
    reports = pd.DataFrame({
        "report": list(rows_per_report), "agency": "某某县人民政府", "year": pd.array([2023] * len(rows_per_report), "Int64"),
        "format": "pdf", "section3_template": "2021", "template": "2021", "checks_failed": 0, "notes": "",
    })
    cells = [
        {"report": report, "template": "2021", "row": row, "column": column, "value": value, "status": status,
         "label_printed": printed, "read_at": f"page 4, table 2, row {n}", "line": 70 + n}
        for report, rows in rows_per_report.items()
        for n, (row, (printed, *pairs)) in enumerate(rows.items(), start=4)
        for column, (value, status) in zip(SECTION3_COLUMNS, pairs)
    ]
    section3 = pd.DataFrame(cells).astype({"value": "Int64", "line": "Int64"})
    return {"reports": reports, "section3": section3}


PRINTED = [(1, "printed")] * 6 + [(6, "printed")]
WITH_BLANK_AND_UNREAD = [(None, "blank"), (None, "unread")] + [(0, "printed")] * 4 + [(None, "unread")]


def _rows(path, sheet: str) -> list[tuple]:
    return list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))


def test_section3_as_printed_keeps_labels_headings_blanks_and_marks_unread_cells(tmp_path):
    tables = _tables({"a.pdf": {"new_received": ["一、本年新收政府信息公开申请数量", *PRINTED],
                                "unable_not_held": [None, *WITH_BLANK_AND_UNREAD]}})
    workbook.write_workbook(tables, tmp_path / "t.xlsx")
    rows = _rows(tmp_path / "t.xlsx", "section3_as_printed")
    heading, columns, first, second = rows[1:5]
    assert heading[0] == "a.pdf · 某某县人民政府 · 2023 · pdf"
    assert columns[1:8] == HEADINGS
    assert first[:8] == ("一、本年新收政府信息公开申请数量", 1, 1, 1, 1, 1, 1, 6)
    assert first[8:] == ("new_received", "page 4, table 2, row 4")
    assert second[:8] == ("本机关不掌握相关政府信息", None, "unread", 0, 0, 0, 0, "unread")  # the codebook's label: none kept


def test_summary_gives_headline_counts_as_printed_and_where_each_block_starts(tmp_path):
    tables = _tables({name: {"new_received": ["一、本年新收", *PRINTED], "total_processed": ["总计", *PRINTED],
                             "unable_not_held": ["不掌握", *WITH_BLANK_AND_UNREAD]} for name in ("a.pdf", "b.pdf")})
    workbook.write_workbook(tables, tmp_path / "t.xlsx")
    summary = pd.read_excel(tmp_path / "t.xlsx", sheet_name="summary")
    assert summary["new requests 本年新收申请"].tolist() == [6, 6]
    assert summary["not held 本机关不掌握"].tolist() == ["unread", "unread"]
    assert summary["unread cells"].tolist() == [2, 2]
    printed = _rows(tmp_path / "t.xlsx", "section3_as_printed")
    for report, where in zip(summary["report"], summary["section 三 as printed"]):
        assert printed[int(where.removeprefix("row ")) - 1][0].startswith(report)


def test_section3_as_printed_stops_with_a_note_when_the_sheet_is_full(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 12)  # 13 rows a sheet: the legend, two blocks of 5, the note
    tables = _tables({name: {"new_received": [None, *PRINTED], "granted": [None, *PRINTED]}
                      for name in ("a.pdf", "b.pdf", "c.pdf")})
    workbook.write_workbook(tables, tmp_path / "t.xlsx")
    rows = _rows(tmp_path / "t.xlsx", "section3_as_printed")
    assert len(rows) <= 13
    assert rows[-1][0].startswith("This sheet is full: section 三 of the other 1 report(s)")
    summary = pd.read_excel(tmp_path / "t.xlsx", sheet_name="summary")
    assert summary["section 三 as printed"].tolist() == ["row 2", "row 7", "not shown (see the sheet's last row)"]
    assert pd.read_excel(tmp_path / "t.xlsx", sheet_name="not_in_this_workbook")["table"].tolist() == ["section3"]


def test_a_report_without_section3_gets_a_block_that_says_so(tmp_path):
    tables = _tables({"a.pdf": {"new_received": [None, *PRINTED]}})
    tables["reports"] = pd.concat([tables["reports"], tables["reports"].assign(report="none.pdf")], ignore_index=True)
    workbook.write_workbook(tables, tmp_path / "t.xlsx")
    rows = _rows(tmp_path / "t.xlsx", "section3_as_printed")
    assert rows[-2][0].startswith("no section 三 table was read")


def test_a_pre_2019_report_is_sent_to_its_rows_as_printed(tmp_path):
    tables = _tables({"a.pdf": {"new_received": [None, *PRINTED]}})
    old = tables["reports"].assign(report="old.txt", template="pre-2019", section3_template=None)
    tables["reports"] = pd.concat([tables["reports"], old], ignore_index=True)
    workbook.write_workbook(tables, tmp_path / "t.xlsx")
    assert _rows(tmp_path / "t.xlsx", "section3_as_printed")[-2][0].endswith("its rows as printed are in legacy_rows")
    summary = pd.read_excel(tmp_path / "t.xlsx", sheet_name="summary")
    assert summary["template 表格式"].tolist() == ["2021", "pre-2019"]


def test_control_characters_a_worksheet_cannot_hold_are_dropped_not_fatal(tmp_path):
    tables = _tables({"a.pdf": {"new_received": ["一、本年新收\x0b申请", *PRINTED]}})
    tables["reports"]["notes"] = "page\x0c break"
    workbook.write_workbook(tables, tmp_path / "t.xlsx")
    assert _rows(tmp_path / "t.xlsx", "section3_as_printed")[3][0] == "一、本年新收申请"
    assert pd.read_excel(tmp_path / "t.xlsx", sheet_name="reports")["notes"].tolist() == ["page break"]
