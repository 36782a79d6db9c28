"""Exports a researcher expects: CSV for Excel (UTF-8 with BOM), .xlsx, Stata .dta.

They are made from the tables ``toolkit.outputs`` wrote, so a long table is read again
only where it goes into the workbook.

``panel.dta`` keeps Stata's own types: counts, years and quality flags are integers of
the smallest type that holds them (byte, int, long; missing stays missing); shares,
rates and amounts in yuan stay doubles. Coded columns are labelled integers with fixed
codes (``STATA_CODES``), so every file codes ``county``, ``era`` or a core measure's grade
alike; the templates are the integers 2019 and 2021; booleans are 0/1 labelled no/yes.
Other strings stay strings.
Names and variable labels follow ``toolkit.dictionary`` (``stata_name``, ``stata_label``),
and the data label names the data version.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from toolkit.codebook import CORE_MEASURES, GRADES
from toolkit.dictionary import describe, stata_label, stata_name
from toolkit.panel import ERAS
from toolkit.workbook import journalist_cells, write_workbook

STATA_CODES = {  # code i + 1 for the i-th value; a value not listed gets the next code, in sorted order
    "level": ("central", "province", "prefecture", "county", "township"),
    "agency_kind": ("government", "government_office", "department", "development_zone", "vertical"),
    "scope": ("region", "agency"),
    "format": ("text", "html", "pdf", "docx", "image"),
    "era": ERAS,
    **{f"core_{name}_grade": GRADES for name in CORE_MEASURES},
}
STATA_TEMPLATES = ("section2_template", "section3_template")
STATA_INTEGERS = (("Int8", -127, 100), ("Int16", -32_767, 32_740), ("Int32", -2_147_483_647, 2_147_483_620))
INTEGER_UNITS = ("count", "year")
YES_NO = {0: "no", 1: "yes"}
WORKBOOK_CELLS = 200_000  # a workbook of millions of cells takes minutes to write and to open: the CSVs hold the rest


def write_exports(processed: str | Path, sizes: dict[str, tuple[int, int]], in_memory: dict[str, pd.DataFrame],
                  journalist: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """``processed/exports``: ``<table>.excel.csv`` for each table of ``sizes`` (name:
    rows, columns; its ``processed/<table>.csv`` with a byte-order mark), ``tables.xlsx``
    (``toolkit.workbook``: the tables that fit in ``WORKBOOK_CELLS``, from ``in_memory`` or
    their Parquet file; the others listed) and ``panel.dta``; stamped with the data
    version when ``in_memory`` has ``about``."""
    processed = Path(processed)
    out = processed / "exports"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sizes:
        written.append(out / f"{name}.excel.csv")
        copy_with_bom(processed / f"{name}.csv", written[-1])
    fits = in_workbook(sizes, journalist_cells(journalist) if journalist else 0)
    sheets = {name: in_memory[name] if name in in_memory else pd.read_parquet(processed / f"{name}.parquet")
              for name in sizes if name in fits}
    left_out = {name: rows for name, (rows, _) in sizes.items() if name not in fits}
    written.append(write_workbook(sheets, out / "tables.xlsx", left_out, journalist))
    if "panel" in in_memory:
        version = in_memory["about"].at[0, "data_version"] if "about" in in_memory else None
        written.append(write_stata(in_memory["panel"], out / "panel.dta", version))
    return written


def in_workbook(sizes: dict[str, tuple[int, int]], taken: int) -> set[str]:
    """The tables that go into the workbook: smallest first, while the workbook (``taken``
    cells already) stays within ``WORKBOOK_CELLS``; ``about`` always.

    >>> sorted(in_workbook({"panel": (4_000, 45), "section3": (680_000, 9), "about": (1, 7)}, 1_000))
    ['about', 'panel']
    """
    fits = {"about"}
    for name, (rows, columns) in sorted(sizes.items(), key=lambda item: item[1][0] * item[1][1]):
        if name not in fits and taken + rows * columns <= WORKBOOK_CELLS:
            fits.add(name)
            taken += rows * columns
    return fits


def copy_with_bom(source: Path, target: Path) -> None:
    """``target``: the UTF-8 CSV at ``source`` with a byte-order mark, for Excel."""
    with open(source, "rb") as read, open(target, "wb") as write:
        write.write("\ufeff".encode("utf-8"))
        shutil.copyfileobj(read, write, 1 << 20)


def write_stata(panel: pd.DataFrame, path: Path, data_version: str | None = None) -> Path:
    """The panel as Stata 118 (Unicode), typed and labelled as the module says."""
    columns, value_labels = {}, {}
    for column in panel.columns:
        name = stata_name(column)
        columns[name], labels = _stata_column(panel[column], describe("panel", column))
        if labels:
            value_labels[name] = labels
    variable_labels = {stata_name(c): stata_label(describe("panel", c)["description_en"]) for c in panel.columns}
    data_label = "OGI annual reports panel" + (f", data version {data_version}" if data_version else "")
    pd.DataFrame(columns).to_stata(path, write_index=False, version=118, variable_labels=variable_labels,
                                   value_labels=value_labels, data_label=data_label)
    return path


def _stata_column(series: pd.Series, entry: dict) -> tuple[pd.Series, dict | None]:
    """The column as Stata will hold it, and its value labels (None: no labels)."""
    if series.name in STATA_CODES:
        values = series.dropna().unique().tolist()
        known = STATA_CODES[series.name]
        order = [*known, *sorted(v for v in values if v not in known)]
        codes = {value: i + 1 for i, value in enumerate(order)}
        return series.map(codes).astype("Int8"), {i: value for value, i in codes.items()}
    if series.name in STATA_TEMPLATES:
        years = pd.to_numeric(series).astype("Int16")
        return years, {int(y): f"{y} national format" for y in years.dropna().unique()}
    if pd.api.types.is_bool_dtype(series):
        return series.astype("Int8"), YES_NO
    if pd.api.types.is_numeric_dtype(series):
        whole = series.dropna()
        if (entry["type"] == "integer" or entry["unit"] in INTEGER_UNITS) and (whole == whole.round()).all():
            return _smallest_integer(series), None
        return series.astype("float64"), None
    return series.astype("string").fillna("").astype("object"), None  # "" is Stata's missing string


def _smallest_integer(series: pd.Series) -> pd.Series:
    """The smallest Stata integer type (byte, int, long) that holds every value; else a double."""
    low, high = (series.min(), series.max()) if series.notna().any() else (0, 0)
    for dtype, smallest, largest in STATA_INTEGERS:
        if smallest <= low and high <= largest:
            return series.astype(dtype)
    return series.astype("float64")
