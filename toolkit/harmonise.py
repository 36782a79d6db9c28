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
TOTAL = codebook.SECTION3_COLUMNS.index("total")
SUMMED = "other_processing"  # the 2019 row a 2021 table's other_* rows sum into


def harmonise_section3(section3: pd.DataFrame) -> pd.DataFrame:
    """Long table: report, row, column, printed, value, flag (one set of 23 rows)."""
    reports = pd.factorize(section3["report"])[0]  # in the order given: a chunk's rows follow the chunk before
    rows = _codes(section3["row"], [*ROWS, *OTHER_2021])
    columns = _codes(section3["column"], codebook.SECTION3_COLUMNS)
    value, blank = _values(section3)
    kept, other = np.flatnonzero((rows >= 0) & (rows < len(ROWS))), np.flatnonzero(rows >= len(ROWS))
    per_column = reports[other] * (len(codebook.SECTION3_COLUMNS) + 1) + columns[other]  # a column not known: -1
    groups, first, member = np.unique(per_column, return_index=True, return_inverse=True)
    source = np.concatenate([kept, other[first]])  # the tidy row each row of the layer is taken from
    summed = np.arange(len(source)) >= len(kept)   # the rows that sum a report's other_* rows, per column
    rows = np.concatenate([rows[kept], np.full(len(groups), ROWS.index(SUMMED))])
    value = np.concatenate([value[kept], _sums(value[other], member, len(groups))])
    derived = _derive_totals(value, blank[source] & ~summed, columns[source] == TOTAL,
                             reports[source] * len(ROWS) + rows)
    order = np.lexsort((columns[source], rows, reports[source]))  # reports as given, rows and columns as in the codebook
    return _layer(section3, "row", source[order], value[order], summed[order], derived[order])


def harmonise_section4(section4: pd.DataFrame) -> pd.DataFrame:
    """Long table: report, row (the group), column, printed, value, flag."""
    value, blank = _values(section4)
    groups = pd.factorize(section4["group"], use_na_sentinel=False)[0]
    reports = pd.factorize(section4["report"], use_na_sentinel=False)[0]
    total = (section4["column"] == "total").to_numpy(bool, na_value=False)
    derived = _derive_totals(value, blank, total, reports * (groups.max(initial=0) + 1) + groups)
    rows = np.arange(len(section4))  # as given, and under the index given
    return _layer(section4, "group", rows, value, np.zeros(len(section4), bool), derived).set_axis(section4.index)


def _codes(names: pd.Series, known: list[str]) -> np.ndarray:
    """Each name's place in ``known`` (-1 for a name not there): looked up once per distinct
    name (``pd.Categorical`` gives the same codes, six times slower on Arrow strings)."""
    codes, uniques = pd.factorize(names)
    places = {name: i for i, name in enumerate(known)}
    return np.array([places.get(name, -1) for name in uniques] + [-1], dtype=np.int64)[codes]


def _values(tidy: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The values as numbers (NaN: missing), a blank cell 0, and which cells are blank."""
    blank = (tidy["status"] == "blank").to_numpy(bool, na_value=False)
    value = tidy["value"].to_numpy("float64", na_value=np.nan)
    value[blank] = 0
    return value, blank


def _sums(values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """Each group's sum, NaN when a value of it is missing or it has none."""
    missing = np.bincount(groups, weights=np.isnan(values), minlength=count)
    present = np.bincount(groups, minlength=count)
    sums = np.bincount(groups, weights=np.where(np.isnan(values), 0, values), minlength=count)
    return np.where((missing == 0) & (present > 0), sums, np.nan)


def _derive_totals(value: np.ndarray, blank: np.ndarray, total: np.ndarray, row: np.ndarray) -> np.ndarray:
    """A blank ``total`` becomes the sum of its row's parts (in place); which cells were."""
    derived = total & blank
    parts = _sums(value[~total], row[~total], row.max(initial=-1) + 1)
    value[derived] = parts[row[derived]]
    return derived


def _layer(tidy: pd.DataFrame, key: str, source: np.ndarray, value: np.ndarray, summed: np.ndarray,
           derived: np.ndarray) -> pd.DataFrame:
    """The layer's rows: each taken from the tidy row ``source``, with its ``value`` and flag."""
    def taken(column: str) -> pd.Series:
        return pd.Series(tidy[column].array.take(source), dtype=tidy[column].dtype)

    return pd.DataFrame({
        "report": taken("report"),
        "row": taken(key).mask(summed, SUMMED),
        "column": taken("column"),
        "printed": taken("value").astype("Int64").mask(summed),
        "value": pd.array(value, dtype="Float64"),  # NaN: missing
        "flag": taken("status").mask(derived, "derived").mask(summed, "summed"),
    })
