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
    from toolkit import exports

    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 3)
    exports.write_exports({"short": pd.DataFrame({"a": [1, 2]}), "long": pd.DataFrame({"a": range(5)})}, tmp_path)
    sheets = pd.read_excel(tmp_path / "tables.xlsx", sheet_name=None)
    assert set(sheets) == {"short", "not_in_this_workbook"}
    assert sheets["not_in_this_workbook"]["table"].tolist() == ["long"]
    assert len(pd.read_csv(tmp_path / "long.excel.csv")) == 5
