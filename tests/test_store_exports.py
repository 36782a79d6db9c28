"""The main command's outputs: store, load(), exports and the data dictionary."""
from __future__ import annotations

import pandas as pd
import pytest

import toolkit
from toolkit.cli import main

from conftest import ROOT


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    assert main(["extract", str(ROOT / "data" / "raw"), "--out", str(out), "--quiet"]) == 0
    return out


def test_load_gives_every_table_and_the_panel(processed):
    tables = toolkit.load(processed=processed)
    assert {"reports", "section3", "panel", "harmonised_section3", "continuity", "data_dictionary"} <= set(tables)
    panel = toolkit.load("panel", processed=processed)
    assert len(panel) == 5
    assert panel.set_index("report").loc["004_05aca36cc1e89005.txt", "not_held_share"] == pytest.approx(147 / 363)
    with pytest.raises(KeyError, match="no table 'nope'"):
        toolkit.load("nope", processed=processed)


def test_duckdb_store_answers_sql(processed):
    with toolkit.connect(processed) as con:
        total = con.execute("""select sum(value) from section3 where row = 'new_received' and "column" = 'total'""").fetchone()[0]
    assert total == 8 + 26 + 4 + 33 + 363


def test_excel_csv_has_a_bom_and_xlsx_and_stata_read_back(processed):
    exports = processed / "exports"
    assert (exports / "panel.excel.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(pd.read_excel(exports / "tables.xlsx", sheet_name="panel")) == 5
    stata = pd.read_stata(exports / "panel.dta")
    assert "lit_after_recon_correction_rate" in stata.columns
    assert set(stata["agency"]) == set(toolkit.load("panel", processed=processed)["agency"])


def test_data_dictionary_describes_every_column_in_english_and_chinese(processed):
    dictionary = toolkit.load("data_dictionary", processed=processed)
    for name, table in toolkit.load(processed=processed).items():
        described = set(dictionary.loc[dictionary["table"] == name, "column"])
        assert set(table.columns) <= described, name
    assert dictionary[["description_en", "description_zh"]].notna().all().all()
    assert "本机关不掌握相关政府信息" in set(dictionary["description_zh"])


def test_panel_measures_agree_with_the_records_they_come_from(processed):
    """The numbers the notebooks print are the records' own numbers."""
    import json

    panel = toolkit.load("panel", processed=processed).set_index("report")
    for path in (processed / "records").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        section3 = record["section3"]
        processed_total = section3["total_processed"][-1]
        expected = section3["unable_not_held"][-1] / processed_total if processed_total else None
        got = panel.loc[record["provenance"]["file"], "not_held_share"]
        assert (pd.isna(got) and expected is None) or got == pytest.approx(expected), path.name
        assert panel.loc[record["provenance"]["file"], "requests_new"] == section3["new_received"][-1]


def test_tables_too_long_for_excel_are_left_out_of_the_workbook_and_listed(tmp_path, monkeypatch):
    from toolkit import exports, workbook

    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 3)
    monkeypatch.setattr(exports, "WORKBOOK_CELLS", 10)
    tables = {"short": pd.DataFrame({"a": [1, 2]}), "long": pd.DataFrame({"a": range(5)}),
              "longer": pd.DataFrame({"a": range(20)})}
    for name, table in tables.items():
        table.to_csv(tmp_path / f"{name}.csv", index=False)
        table.to_parquet(tmp_path / f"{name}.parquet")
    exports.write_exports(tmp_path, {name: table.shape for name, table in tables.items()}, {"short": tables["short"]})
    sheets = pd.read_excel(tmp_path / "exports" / "tables.xlsx", sheet_name=None)
    assert set(sheets) == {"short", "not_in_this_workbook"}
    assert sheets["not_in_this_workbook"]["table"].tolist() == ["long", "longer"]  # Excel's limit, then ours
    for name, table in tables.items():
        assert (tmp_path / "exports" / f"{name}.excel.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "exports" / f"{name}.excel.csv"), table)


def test_stata_keeps_integers_integers_labels_whole_words_and_codes_labelled(processed):
    stata = pd.read_stata(processed / "exports" / "panel.dta", convert_categoricals=False)
    for column in ("year", "requests_new", "requests_processed", "checks_failed", "cells_unread"):
        assert pd.api.types.is_integer_dtype(stata[column]), column
    assert stata["year"].tolist() == toolkit.load("panel", processed=processed)["year"].tolist()
    assert pd.api.types.is_float_dtype(stata["not_held_share"])
    with pd.io.stata.StataReader(processed / "exports" / "panel.dta") as reader:
        labels, codes = reader.variable_labels(), reader.value_labels()
    assert codes["level"][3] == "prefecture" and codes["format"][1] == "text" and codes["preferred"] == {0: "no", 1: "yes"}
    assert set(codes["section3_template"]) <= {2019, 2021}
    dictionary = toolkit.load("data_dictionary", processed=processed)
    panel_rows = dictionary[dictionary["table"] == "panel"].set_index("stata_name")
    assert list(panel_rows.index) == list(stata.columns)
    for name, label in labels.items():
        full = panel_rows.loc[name, "description_en"]
        assert len(label) <= 80
        if label.endswith("…"):  # shortened: a whole-word prefix, and the dictionary says so
            kept = label.removesuffix("…").rstrip()
            assert full.startswith(kept) and full[len(kept)] in " .,;:()/", (name, label)
            assert full.endswith("(cut to 80 characters as the Stata variable label of panel.dta)")
        else:
            assert full == label


def test_stata_integers_hold_missing_values_and_use_the_smallest_type(tmp_path):
    from toolkit.exports import write_stata

    panel = pd.DataFrame({"report": ["a", "b"], "year": pd.array([2022, None], "Int64"),
                          "requests_new": pd.array([3.0, None], "Float64"), "cells_unread": [0, 1],
                          "level": ["county", None], "not_held_share": [0.5, None]})
    write_stata(panel, tmp_path / "p.dta", "0.1.0+inputs.00000000")
    with pd.io.stata.StataReader(tmp_path / "p.dta") as reader:
        raw = reader.read(convert_missing=True, convert_categoricals=False)
        assert reader.data_label == "OGI annual reports panel, data version 0.1.0+inputs.00000000"
    assert [type(v).__name__ for v in raw["year"]] == ["int", "StataMissingValue"]
    assert [type(v).__name__ for v in raw["requests_new"]] == ["int", "StataMissingValue"]
    assert raw["level"][0] == 4 and type(raw["level"][1]).__name__ == "StataMissingValue"
    assert str(pd.read_stata(tmp_path / "p.dta")["cells_unread"].dtype) == "int8"


def test_every_output_carries_the_data_version(processed):
    import json

    import duckdb
    import openpyxl
    import pyarrow.parquet as pq

    stamp = json.loads((processed / "data_version.json").read_text(encoding="utf-8"))
    version = stamp["data_version"]
    assert version.startswith(f"{toolkit.__version__}+inputs.") and stamp["reports"] == 5
    assert stamp["created_by"]  # this process's command line: here, the test runner's
    for name in ("reports", "panel"):
        assert set(pd.read_csv(processed / f"{name}.csv")["data_version"]) == {version}
    for parquet in processed.glob("*.parquet"):
        assert pq.read_metadata(parquet).metadata[b"data_version"] == version.encode(), parquet.name
    with duckdb.connect(str(processed / "ogi.duckdb"), read_only=True) as con:
        assert con.execute("select data_version from about").fetchone()[0] == version
    book = openpyxl.load_workbook(processed / "exports" / "tables.xlsx", read_only=True)
    assert book.properties.identifier == version
    assert ("data_version", version) in [row[:2] for row in book["about"].iter_rows(values_only=True)]
    with pd.io.stata.StataReader(processed / "exports" / "panel.dta") as reader:
        assert reader.data_label.endswith(version)


def test_long_tables_say_where_each_value_was_read(processed):
    for name in ("section2", "section3", "section4"):
        table = toolkit.load(name, processed=processed)
        assert table["read_at"].notna().all(), name
    section3 = toolkit.load("section3", processed=processed).set_index(["report", "row", "column"])
    cell = section3.loc[("004_05aca36cc1e89005.txt", "unable_not_held", "total")]
    assert (cell["value"], cell["label_printed"], cell["read_at"]) == (147, "1.本机关不掌握相关政府信息", "line 72")


def test_workbook_opens_on_the_summary_and_each_reports_section3_as_printed(processed):
    path = processed / "exports" / "tables.xlsx"
    sheets = pd.ExcelFile(path).sheet_names
    assert sheets[:2] == ["summary", "section3_as_printed"] and "about" in sheets
    summary = pd.read_excel(path, sheet_name="summary").set_index("report")
    row = summary.loc["004_05aca36cc1e89005.txt"]
    assert (row["agency 机关"], row["year 年度"], row["new requests 本年新收申请"], row["not held 本机关不掌握"]) == (
        "濮阳市人民政府", 2022, 363, 147)
    printed = pd.read_excel(path, sheet_name="section3_as_printed", header=None)
    start = int(row["section 三 as printed"].removeprefix("row ")) - 1
    assert printed.iloc[start, 0].startswith("004_05aca36cc1e89005.txt · 濮阳市人民政府 · 2022")
    assert printed.iloc[start + 1, 1:8].tolist() == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert printed.iloc[start + 2, [0, 7]].tolist() == ["一、本年新收政府信息公开申请数量", 363]
