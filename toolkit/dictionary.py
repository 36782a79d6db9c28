"""The data dictionary, generated from the codebook: every column of every output
table, then every statistic (row, column, item, group) with its Chinese label."""
from __future__ import annotations

import pandas as pd

from toolkit import codebook

FALLBACK = {"harmonised_section3": "harmonised", "harmonised_section4": "harmonised"}


def describe(table: str, column: str) -> dict:
    """The outputs.csv entry for one column: the table's own, else the one of the
    same column in ``reports`` (header fields), else the one shared by all tables."""
    entries = {(row["table"], row["column"]): row for row in codebook.outputs()}
    for owner in (table, FALLBACK.get(table), "reports", "*"):
        if (owner, column) in entries:
            return entries[(owner, column)]
    raise KeyError(f"column {column!r} of table {table!r} is not described in toolkit/codebook/outputs.csv")


COLUMNS = ["table", "column", "type", "unit", "description_en", "description_zh", "templates"]


def data_dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per (table, column) of the given tables and of the dictionary itself,
    then one per codebook statistic."""
    tables = {**tables, "data_dictionary": pd.DataFrame(columns=COLUMNS)}
    columns = [
        {"table": name, "column": column, **{k: describe(name, column)[k] for k in
                                              ("type", "unit", "description_en", "description_zh")}}
        for name, table in tables.items() for column in table.columns
    ]
    statistics = [
        {"table": f"{row['section']} {row['kind']}", "column": row["name"], "type": "code",
         "unit": "", "description_en": row["description"], "description_zh": row["label_zh"],
         "templates": row["templates"]}
        for row in codebook.fields()
    ]
    return pd.DataFrame(columns + statistics, columns=COLUMNS).fillna({"templates": ""})
