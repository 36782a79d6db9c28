"""Exports a researcher expects: CSV for Excel (UTF-8 with BOM), .xlsx, Stata .dta.

Stata allows 32-character variable names, so long names are shortened by the
``STATA_ABBREVIATIONS`` table; every variable keeps its description as a label.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.dictionary import describe

STATA_ABBREVIATIONS = {
    "litigation_after_reconsideration": "lit_after_recon",
    "litigation_direct": "lit_direct",
    "reconsideration": "recon",
    "processing_fee": "proc_fee",
}
STATA_NAME_LIMIT = 32
STATA_LABEL_LIMIT = 80
EXCEL_MAX_ROWS = 1_048_576 - 1  # a sheet's rows, less the header


def write_exports(tables: dict[str, pd.DataFrame], out: str | Path) -> list[Path]:
    """``out``/<table>.excel.csv for every table, ``tables.xlsx`` with one sheet each,
    and ``panel.dta``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = out / f"{name}.excel.csv"
        table.to_csv(path, index=False, encoding="utf-8-sig")
        written.append(path)
    with pd.ExcelWriter(out / "tables.xlsx") as excel:
        too_long = {name: len(table) for name, table in tables.items() if len(table) >= EXCEL_MAX_ROWS}
        for name, table in tables.items():
            if name not in too_long:
                table.to_excel(excel, sheet_name=name[:31], index=False)
        if too_long:  # Excel holds 1,048,576 rows a sheet: say where the rest is
            pd.DataFrame({"table": list(too_long), "rows": list(too_long.values()),
                          "read it from": [f"{name}.excel.csv or ../{name}.parquet" for name in too_long]}
                         ).to_excel(excel, sheet_name="not_in_this_workbook", index=False)
    written.append(out / "tables.xlsx")
    if "panel" in tables:
        written.append(write_stata(tables["panel"], out / "panel.dta"))
    return written


def stata_name(column: str) -> str:
    for long, short in STATA_ABBREVIATIONS.items():
        column = column.replace(long, short)
    if len(column) > STATA_NAME_LIMIT:
        raise ValueError(f"no Stata name for {column!r}: add an abbreviation to STATA_ABBREVIATIONS")
    return column


def write_stata(panel: pd.DataFrame, path: Path) -> Path:
    """The panel as Stata 118 (Unicode) with variable labels from the dictionary."""
    plain = pd.DataFrame({
        stata_name(c): (panel[c].astype("float64") if _is_numeric(panel[c])
                        else panel[c].astype("string").fillna("").astype("object"))  # "" is Stata's missing string
        for c in panel.columns
    })
    labels = {stata_name(c): describe("panel", c)["description_en"][:STATA_LABEL_LIMIT] for c in panel.columns}
    plain.to_stata(path, write_index=False, version=118, variable_labels=labels)
    return path


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
