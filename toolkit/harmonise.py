"""The harmonised layer: printed values made comparable, every change flagged.

On top of the tidy tables (values as printed), for sections 三 and 四:
- 2019 and 2021 tables on one set of rows: a 2021 table's ``other_processing`` is the
  sum of its three ``other_*`` rows (flag ``summed``);
- a blank cell reads as zero (flag ``blank``); a value the toolkit could not read
  stays missing (flag ``unread``), it is not a zero;
- a blank total is derived from its parts (flag ``derived``), a printed total never is;
- researchers' corrections (``toolkit.corrections``) are applied last (flag ``corrected``).
``printed`` keeps the value as printed beside ``value``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit import codebook

ROWS = codebook.section3_rows("2019")
OTHER_2021 = [r for r in codebook.section3_rows("2021") if r.startswith("other_")]
COLUMNS = ["report", "row", "column", "printed", "value", "flag"]
TIDY_COLUMNS = ["report", "row", "column", "value", "status"]  # of a tidy section table, what the layer reads


def harmonise_section3(section3: pd.DataFrame) -> pd.DataFrame:
    """Long table: report, row, column, printed, value, flag (one set of 23 rows)."""
    table = _flagged(section3[TIDY_COLUMNS])  # only what is used: every filter below copies each column
    summed = (
        table[table["row"].isin(OTHER_2021)]
        .groupby(["report", "column"], as_index=False)["value"].sum(min_count=1, skipna=False)
        .assign(row="other_processing", printed=pd.NA, flag="summed")
    )
    table = pd.concat([table[table["row"].isin(ROWS)], summed], ignore_index=True)
    parts = table[table["column"] != "total"].groupby(["report", "row"])["value"].sum(min_count=1, skipna=False)
    table = _derive_totals(table, parts)
    places = {  # reports in the order given (a chunk's rows then follow the chunk before), rows as in the codebook
        "report": section3["report"].unique(), "row": ROWS, "column": codebook.SECTION3_COLUMNS,
    }
    order = np.lexsort([pd.Categorical(table[key], categories=places[key]).codes for key in ("column", "row", "report")])
    return table.iloc[order][COLUMNS].reset_index(drop=True).astype({"printed": "Int64"})


def harmonise_section4(section4: pd.DataFrame) -> pd.DataFrame:
    """Long table: report, row (the group), column, printed, value, flag."""
    table = _flagged(section4.rename(columns={"group": "row"})[TIDY_COLUMNS])
    parts = table[table["column"] != "total"].groupby(["report", "row"])["value"].sum(min_count=1, skipna=False)
    return _derive_totals(table, parts)[COLUMNS].astype({"printed": "Int64"})


def _flagged(tidy: pd.DataFrame) -> pd.DataFrame:
    """printed -> value as printed; blank -> 0; unread -> missing."""
    table = tidy.rename(columns={"value": "printed"})
    table["flag"] = table["status"]
    table["value"] = table["printed"].astype("Float64").mask(table["status"] == "blank", 0)
    return table


def _derive_totals(table: pd.DataFrame, parts: pd.Series) -> pd.DataFrame:
    """A blank ``total`` becomes the sum of its row's parts, flagged ``derived``."""
    derive = (table["column"] == "total") & (table["flag"] == "blank")
    keys = pd.MultiIndex.from_frame(table.loc[derive, ["report", "row"]])
    table.loc[derive, "value"] = parts.reindex(keys).to_numpy()
    table.loc[derive, "flag"] = "derived"
    return table
