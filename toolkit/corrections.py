"""Researchers' corrections, applied reproducibly and always listed.

``data/corrections.csv`` has one row per corrected value::

    report,field,printed_value,corrected_value,source
    x.txt,section3.unable_not_held.total,147,174,"typo: the row's columns sum to 174"

``field`` is ``section.row.column``. A correction is applied only when the value
the toolkit read equals ``printed_value``; otherwise it is reported as ``stale``
(the report or the reading changed) and the printed value stays.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

COLUMNS = ["report", "field", "printed_value", "corrected_value", "source"]
FIELD_PARTS = ["section", "row", "column"]


def load_corrections(path: str | Path) -> pd.DataFrame:
    """The corrections file, or an empty table when there is none."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS + FIELD_PARTS)
    table = pd.read_csv(path, dtype={"report": str, "field": str, "source": str})
    missing = set(COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}; expected {COLUMNS}")
    bad = table.loc[table["field"].str.count(r"\.") != 2, "field"].tolist()
    if bad:
        raise ValueError(f"{path}: field must be section.row.column, got {bad}")
    parts = table["field"].str.split(".", expand=True).reindex(columns=range(3))
    parts.columns = FIELD_PARTS
    return pd.concat([table, parts], axis=1)


def apply_corrections(long: pd.DataFrame, corrections: pd.DataFrame, section: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the corrections of one section to a harmonised long table.

    Returns the table (``value`` corrected, ``flag`` = "corrected") and one row per
    correction of that section with its ``status``: applied, stale or not_found.
    """
    long = long.copy()
    mine = corrections[corrections["section"] == section]
    statuses = []
    for correction in mine.itertuples(index=False):
        at = (long["report"] == correction.report) & (long["row"] == correction.row) & (long["column"] == correction.column)
        if not at.any():
            statuses.append("not_found")
            continue
        printed = long.loc[at, "printed"].iloc[0]
        if pd.isna(printed) and pd.isna(correction.printed_value) or printed == correction.printed_value:
            long.loc[at, ["value", "flag"]] = [correction.corrected_value, "corrected"]
            statuses.append("applied")
        else:
            statuses.append("stale")
    return long, mine.drop(columns=["section", "row", "column"]).assign(status=statuses)
