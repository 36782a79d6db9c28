"""``tables.xlsx``: a summary and each report's section 三 as printed, then every table.

Sheets, in order: ``summary`` (one row per report: agency, year, format, the headline
counts as printed, checks failed, unread cells and where to find the rest),
``section3_as_printed`` (one block per report, laid out as the report prints its
table: its own row labels, the applicant columns under their Chinese headings; a blank
cell is blank, a cell the toolkit could not read says ``unread``), one sheet per
table, ``about`` (the data version) and, when a table passes Excel's row limit,
``not_in_this_workbook`` saying where to read it instead. ``section3_as_printed``
stops at the limit with a note row. Written row by row in openpyxl's write-only mode,
so the cost stays proportional to the rows.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from toolkit import __version__, codebook
from toolkit.codebook import SECTION3_COLUMNS
from toolkit.dictionary import describe
from toolkit.report import PRE_2019

EXCEL_MAX_ROWS = 1_048_576 - 1  # a sheet's rows, less the header
UNREAD = "unread"  # in place of a value the toolkit could not read
NOT_IN_XLSX = "[\x00-\x08\x0b\x0c\x0e-\x1f]"  # control characters a worksheet cannot hold
SECTION3_HEADINGS = {row["name"]: row["label_zh"] for row in codebook.fields("section3", "column")}
CODEBOOK_LABELS = {row["name"]: row["label_zh"] for row in codebook.fields("section3", "row")}
SECTION3_CELLS = ["report", "row", "column", "value", "status", "label_printed", "read_at"]
CHUNK = 500  # reports whose section 三 cells are gathered at once
AS_PRINTED_REPORTS = 200  # reports laid out in section3_as_printed: more is for the CSV files
PLAIN_ROWS = 50_000  # rows of a table made plain Python values at once
MORE = ("sheet reports: notes, source, sha256; sheets section2, section3, section4: every value, its status "
        "and where it was read (read_at, label_printed); records/<report>.json: the whole record")
SUMMARY_COUNTS = {  # heading: the section 三 row whose 总计 it shows, as printed
    "new requests 本年新收申请": "new_received",
    "processed 办理总数": "total_processed",
    "not held 本机关不掌握": "unable_not_held",
}
LEGEND = ("Each report's section 三 as printed: its rows under the labels the report prints (the codebook's "
          f"label where none was kept), its columns under their Chinese headings. A blank cell is printed blank; "
          f"'{UNREAD}' marks a cell the toolkit could not read (the report's notes in the reports sheet say why).")
BOLD = Font(bold=True)


def write_workbook(tables: dict[str, pd.DataFrame], path: str | Path, left_out: dict[str, int] | None = None,
                   journalist: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write ``tables.xlsx`` at ``path``: a sheet per table, the tables of ``left_out``
    (name: rows) listed as not in it. The journalist's sheets are made from
    ``journalist`` (``workbook_rows``), by default from ``tables``' reports and section 三."""
    book = Workbook(write_only=True)
    too_long = {**{name: len(table) for name, table in tables.items() if len(table) >= EXCEL_MAX_ROWS},
                **(left_out or {})}
    if journalist is None and "reports" in tables and "section3" in tables:
        journalist = workbook_rows(tables, AS_PRINTED_REPORTS)
    if journalist is not None and len(journalist["reports"]) < EXCEL_MAX_ROWS:
        starts = _block_starts(journalist["reports"], journalist["section3"])
        summary = book.create_sheet("summary")
        _widths(summary, {"A": 30, "B": 26, "F": 14, "G": 14, "H": 14, "K": 18})
        summary.freeze_panes = "B2"
        _append_table(summary, _summary(journalist, starts))
        _write_section3_as_printed(book.create_sheet("section3_as_printed"), journalist["reports"],
                                   journalist["section3"], starts)
    for name, table in tables.items():
        if name not in too_long and name != "about":
            _append_table(book.create_sheet(name[:31]), table)
    if "about" in tables:
        _write_about(book, tables["about"].to_dict("records")[0])
    if too_long:  # Excel holds 1,048,576 rows a sheet, and a workbook of millions of cells is slow: say where the rest is
        _append_table(book.create_sheet("not_in_this_workbook"), pd.DataFrame({
            "table": list(too_long), "rows": list(too_long.values()),
            "read it from": [f"{name}.excel.csv or ../{name}.parquet" for name in too_long]}))
    book.save(path)
    return Path(path)


def journalist_cells(journalist: dict[str, pd.DataFrame]) -> int:
    """About how many cells the summary and ``section3_as_printed`` take."""
    laid_out = journalist["section3"].drop_duplicates(["report", "row"]).groupby("report").size()
    return len(journalist["reports"]) * 12 + int(laid_out.head(AS_PRINTED_REPORTS).sum()) * 10


def workbook_rows(tables: dict[str, pd.DataFrame], room: int) -> dict[str, pd.DataFrame]:
    """What the summary and ``section3_as_printed`` need of some reports' tables: the
    reports, the section 三 cells of the first ``room`` of them and the headline totals
    of all, and the cells left unread."""
    reports, section3 = tables["reports"], tables["section3"]
    laid_out = reports["report"].iloc[:max(room, 0)]
    needed = section3["report"].isin(laid_out) | ((section3["column"] == "total")
                                                   & section3["row"].isin(SUMMARY_COUNTS.values()))
    cells = pd.concat([tables[s][["report", "status"]] for s in ("section2", "section3", "section4") if s in tables])
    kept = section3.loc[needed, SECTION3_CELLS]
    elsewhere = ~kept["report"].isin(laid_out)  # only the totals of these are shown: where they were read is not kept
    kept = kept.assign(label_printed=kept["label_printed"].mask(elsewhere), read_at=kept["read_at"].mask(elsewhere))
    return {"reports": reports[["report", "agency", "year", "format", "template", "checks_failed", "notes"]],
            "section3": kept, "unread": cells[cells["status"] == UNREAD]}


def _block_starts(reports: pd.DataFrame, section3: pd.DataFrame) -> dict[str, int]:
    """The sheet row each report's block starts on (a heading, the column headings, its
    rows, a blank row), for the reports that fit in the sheet with a last row for a note."""
    rows = section3.drop_duplicates(["report", "row"]).groupby("report", sort=False).size()
    starts, next_row = {}, 2  # row 1: the legend
    for report in reports["report"].iloc[:AS_PRINTED_REPORTS]:
        size = max(int(rows.get(report, 0)), 1) + 3
        if next_row + size > EXCEL_MAX_ROWS + 1:
            break
        starts[report] = next_row
        next_row += size
    return starts


def _write_section3_as_printed(sheet, reports: pd.DataFrame, section3: pd.DataFrame, starts: dict[str, int]) -> None:
    """Each report's block, a few hundred reports at a time (memory stays flat)."""
    _widths(sheet, {"A": 50, "I": 34, "J": 24})
    sheet.append([LEGEND])
    headings = ["", *[SECTION3_HEADINGS[c] for c in SECTION3_COLUMNS], "row (codebook)", "read at"]
    at = section3.groupby("report", sort=False).indices
    shown = reports.loc[reports["report"].isin(starts), ["report", "agency", "year", "format", "template"]]
    for first in range(0, len(shown), CHUNK):
        chunk = list(_plain(shown.iloc[first:first + CHUNK]))
        positions = [i for report, *_ in chunk for i in at.get(report, [])]
        cells = {}
        for cell in _plain(section3.iloc[positions][SECTION3_CELLS]):
            cells.setdefault(cell[0], []).append(cell)
        for report, agency, year, source, template in chunk:
            sheet.append([_bold(sheet, f"{report} · {agency or 'agency not found'} · {year or 'year not found'} · {source}")])
            sheet.append([_bold(sheet, h) for h in headings])
            for row in _printed_rows(cells.get(report, []), template):
                sheet.append(row)
            sheet.append([])
    if left_out := len(reports) - len(starts):
        why = ("This sheet is full" if len(starts) < min(len(reports), AS_PRINTED_REPORTS)
               else f"This sheet lays out the first {AS_PRINTED_REPORTS} reports")
        sheet.append([f"{why}: section 三 of the other {left_out} report(s) is not shown here; read it "
                      "from section3.excel.csv or ../section3.parquet (columns label_printed, read_at)."])


def _printed_rows(cells: list[tuple], template: str | None = None) -> list[list]:
    """A report's cells (``SECTION3_CELLS``) as the rows of its printed table."""
    if template == PRE_2019:
        return [["a pre-2019 local form, not the national section 三: its rows as printed are in legacy_rows"]]
    rows = {}
    for _, row, column, value, status, printed, read_at in cells:
        if row not in rows:
            rows[row] = [printed or CODEBOOK_LABELS.get(row, row), *[None] * len(SECTION3_COLUMNS), row, read_at]
        rows[row][1 + SECTION3_COLUMNS.index(column)] = UNREAD if status == UNREAD else value
    return list(rows.values()) or [["no section 三 table was read from this report (see its notes)"]]


def _summary(journalist: dict[str, pd.DataFrame], starts: dict[str, int]) -> pd.DataFrame:
    """One row per report: who, when, the headline counts as printed, and where to look next."""
    reports, section3 = journalist["reports"], journalist["section3"]
    totals = section3[section3["column"] == "total"].set_index(["report", "row"])
    shown = totals["value"].astype(object).where(totals["status"] != UNREAD, UNREAD)
    unread = journalist["unread"].groupby("report").size()
    return pd.DataFrame({
        "report": reports["report"], "agency 机关": reports["agency"], "year 年度": reports["year"],
        "format": reports["format"], "template 表格式": reports["template"],
        **{heading: shown.reindex(pd.MultiIndex.from_arrays([reports["report"], [row] * len(reports)])).to_numpy()
           for heading, row in SUMMARY_COUNTS.items()},
        "identity checks failed 勾稽不符": reports["checks_failed"],
        "unread cells": reports["report"].map(unread).fillna(0).astype(int),
        "section 三 as printed": [f"row {starts[r]}" if r in starts else "not shown (see the sheet's last row)"
                                  for r in reports["report"]],
        "more": MORE,
        "notes": reports["notes"],
    })


def _write_about(book: Workbook, about: dict) -> None:
    sheet = book.create_sheet("about")
    sheet.append([_bold(sheet, h) for h in ("field", "value", "meaning")])
    for field, value in about.items():
        sheet.append([field, value, describe("about", field)["description_en"]])
    props = book.properties
    props.title, props.creator = "OGI annual reports: tables", f"ogi-annual-reports-toolkit {__version__}"
    props.identifier = props.version = about["data_version"]
    props.description = f"Data version {about['data_version']} (toolkit version + hash of the inputs): see the about sheet."


def _append_table(sheet, table: pd.DataFrame) -> None:
    sheet.append(list(table.columns))
    for row in _plain(table):
        sheet.append(row)


def _plain(table: pd.DataFrame):
    """The rows as tuples of plain values, missing as None, without the control characters
    a worksheet cannot hold; made a slice at a time."""
    for first in range(0, len(table), PLAIN_ROWS):
        part = table.iloc[first:first + PLAIN_ROWS]
        part = part.assign(**{c: part[c].str.replace(NOT_IN_XLSX, "", regex=True)
                              for c in part.columns if pd.api.types.is_string_dtype(part[c])})
        yield from part.astype(object).where(part.notna(), None).itertuples(index=False, name=None)


def _widths(sheet, widths: dict[str, int]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = BOLD
    return cell
