"""Researchers' corrections, applied reproducibly and always listed.

``data/corrections.csv`` has one row per corrected value::

    report,field,printed_value,corrected_value,source
    x.txt,section3.unable_not_held.total,147,174,"typo: the row's columns sum to 174"

``field`` is ``section.row.column``. A correction is applied only when the value
the toolkit read equals ``printed_value``; otherwise it is reported as ``stale``
(the report or the reading changed) and the printed value stays.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from toolkit import codebook

COLUMNS = ["report", "field", "printed_value", "corrected_value", "source"]
FIELD_PARTS = ["section", "row", "column"]
NAMES = {  # what a field may name: the harmonised rows and columns
    "section3": (set(codebook.section3_rows("2019")), set(codebook.SECTION3_COLUMNS)),
    "section4": (set(codebook.SECTION4_GROUPS), set(codebook.SECTION4_COLUMNS)),
}


class CorrectionsError(ValueError):
    """A corrections file that cannot be applied as written; the message names the line."""


def load_corrections(path: str | Path) -> pd.DataFrame:
    """The corrections file, or an empty table when there is none. A malformed file
    raises ``CorrectionsError`` naming its first bad line, before anything is read."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS + FIELD_PARTS)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = _rows(path, csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CorrectionsError(f"{path}: cannot be read as a UTF-8 CSV file: {error}") from error
    table = pd.DataFrame(rows, columns=COLUMNS + FIELD_PARTS)
    for column in ("printed_value", "corrected_value"):
        table[column] = pd.to_numeric(table[column])
    return table


def _rows(path: Path, reader) -> list[list]:
    header = next(reader, None)
    missing = [c for c in COLUMNS if c not in (header or [])]
    if missing:
        raise CorrectionsError(f"{path}, line 1: missing column(s) {missing}; expected {COLUMNS}")
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        where = f"{path}, line {reader.line_num}"
        if len(values) != len(header):
            raise CorrectionsError(f"{where}: {len(values)} fields where the header has {len(header)} "
                                   "(a comma inside a value needs quotes)")
        row = dict(zip(header, (v.strip() for v in values)))
        if not row["report"]:
            raise CorrectionsError(f"{where}: no report named")
        parts = row["field"].split(".")
        if len(parts) != 3:
            raise CorrectionsError(f"{where}: field must be section.row.column, got {row['field']!r}")
        section, name, column = parts
        if section not in NAMES or name not in NAMES[section][0] or column not in NAMES[section][1]:
            raise CorrectionsError(f"{where}: field {row['field']!r} names no cell (section.row.column, "
                                   f"e.g. section3.granted.total or section4.reconsideration.corrected)")
        numbers = [_number(row["printed_value"], where, "printed_value", blank=True),
                   _number(row["corrected_value"], where, "corrected_value", blank=False)]
        rows.append([row["report"], row["field"], *numbers, row["source"], *parts])
    return rows


def _number(text: str, where: str, column: str, blank: bool):
    """A count as written (blank: the printed cell was blank), or a ``CorrectionsError``."""
    if not text and blank:
        return None
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or value != value or value < 0:
        raise CorrectionsError(f"{where}: {column} must be a number of 0 or more"
                               f"{' (or blank)' if blank else ''}, got {text!r}")
    return int(value) if value.is_integer() else value


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
