"""Records to tidy tables: one row per (report, row, column, value), and friends.

Every value row carries the report's file name and where its row was read, as a
person would look for it (``read_at``: "page 4, table 2, row 4", "table 1, row 7" or
"line 76"), the row's label as the report prints it (``label_printed``) and the line of
the lifted text (``line``), and a ``status``: ``printed``, ``blank`` (the report states
nothing there) or ``unread`` (the toolkit could not read it; the record's notes say why).
A pre-2019 report's local statistics table is kept as printed in ``legacy_rows``, and
its failed checks in ``legacy_checks``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.codebook import SECTION3_COLUMNS
from toolkit.report import RECORD_KEYS, Report

HEADER_FIELDS = [k for k in RECORD_KEYS if k not in ("section2", "section3", "section4", "legacy")]
WHERE = ["label_printed", "read_at", "line"]  # where a value was read, in the section tables


def reports_table(reports: list[Report]) -> pd.DataFrame:
    """One row per report: header fields, provenance and check counts (a pre-2019 report's
    failed checks are its table's, ``legacy_checks``)."""
    rows = []
    for report in reports:
        p, legacy = report.provenance, report.record["legacy"] or {}
        rows.append({
            "report": report.name,
            **{key: report.record[key] for key in HEADER_FIELDS},
            "legacy_form": legacy.get("form"),
            "checks_failed": len(report.checks) + len(legacy.get("checks", [])),
            "ocr_used": bool(p["reader"].get("ocr", False)),
            "values_unresolved": len(report.unresolved),
            "notes": " | ".join(report.notes),
            "locality_status": p["locality"]["status"], "agency_kind": p["locality"]["agency_kind"],
            "scope": p["locality"]["scope"],
            "collection": p.get("collection"),
            "source_url": (p.get("source") or {}).get("url"),
            "sha256": p["sha256"], "format": p["format"], "encoding": p["encoding"],
            "extractor": p["extractor"], "layout": ", ".join(p["layout"]), "path": p["path"],
        })
    table = pd.DataFrame(rows, columns=_columns(rows, ["report", *HEADER_FIELDS]))
    return table.astype({"year": "Int64", "processing_fee_yuan": "Float64"})


def section2_table(reports: list[Report]) -> pd.DataFrame:
    cells = ((r, r.record["section2_template"], _by_name((r.record["section2"] or {}).items())) for r in reports)
    return _section(cells, "section2", "item", "Float64")


def section3_table(reports: list[Report]) -> pd.DataFrame:
    cells = ((r, r.record["section3_template"], ((row, SECTION3_COLUMNS[:len(values)], values[:len(SECTION3_COLUMNS)])
                                                  for row, values in (r.record["section3"] or {}).items()))
             for r in reports)
    return _section(cells, "section3", "row", "Int64")


def section4_table(reports: list[Report]) -> pd.DataFrame:
    cells = ((r, None, _by_name((r.record["section4"] or {}).items())) for r in reports)
    return _section(cells, "section4", "group", "Int64").drop(columns="template")


def _by_name(rows):
    """(name, columns, values) of rows held as {column: value}."""
    return ((name, list(row), list(row.values())) for name, row in rows)


def _section(reports, section: str, key: str, value_type: str) -> pd.DataFrame:
    """One row per cell of ``section``: (report, its template, (name, columns, values) of each
    row) to the long table. What is the same for every cell of a printed row is gathered once
    per row and repeated in bulk (a corpus has millions of cells)."""
    names = ["report", "template", key, "column", "value", "status", *WHERE]
    rows, widths = [], []                              # one entry per printed row
    cells = {"column": [], "value": [], "status": []}  # one entry per cell
    for report, template, printed in reports:
        where, report_name = _Where(report.provenance["tables"].get(section, {})), report.name
        for name, columns, values in printed:
            rows.append((report_name, template, name, *where.row(name)))
            widths.append(len(values))
            cells["column"].extend(columns)
            cells["value"].extend(values)
            cells["status"].extend(_statuses(values, name in where.unread, where.unread_cells.get(name, ())))
    if not widths:
        return pd.DataFrame(columns=names).astype({"value": value_type, "line": "Int64"})  # empty: untyped, as before
    each_cell = np.repeat(np.arange(len(widths)), widths)
    *texts, lines = zip(*rows)
    shared = {field: _repeated(list(values), each_cell) for field, values in zip((*names[:3], *WHERE[:2]), texts)}
    columns = {**shared, "column": _text(cells["column"]), "value": pd.array(cells["value"], dtype=value_type),
               "status": _text(cells["status"]), "line": pd.array(lines, dtype="Int64").take(each_cell)}
    return pd.DataFrame({name: columns[name] for name in names})


def _statuses(values: list, unread: bool, doubtful: list) -> list[str]:
    """Each cell's status: printed, unread (its row or the cell is), else blank."""
    if None not in values:
        return ["printed"] * len(values)
    return ["printed" if value is not None else "unread" if unread or i in doubtful else "blank"
            for i, value in enumerate(values)]


def _text(texts: list[str], each_cell: np.ndarray | None = None) -> pd.Series:
    """Texts as a column, made by Arrow (taken ``each_cell`` in bulk, when given)."""
    array = pa.array(texts, type=pa.large_string())
    return pd.Series(array if each_cell is None else array.take(each_cell), dtype="str")


def _repeated(values: list, each_cell: np.ndarray):
    """A row's value for each of its cells: text by ``_text``, a column with no text at
    all as pandas would have it from the list."""
    if all(value is None or isinstance(value, str) for value in values) and any(v is not None for v in values):
        return _text(values, each_cell)
    return np.array(values, dtype=object)[each_cell]


def checks_table(reports: list[Report]) -> pd.DataFrame:
    """One row per failed identity."""
    rows = [{"report": r.name, **finding.to_dict()} for r in reports for finding in r.checks]
    columns = ["report", "identity", "section", "row", "column", "expected", "printed", "blanks_read_as_zero", "message"]
    return pd.DataFrame(rows, columns=columns)


NARRATIVE_COLUMNS = ["report", "count", "narrative", "table_row", "table", "table_with_carried_over", "holds",
                     "sentence", "line"]


def narrative_table(reports: list[Report]) -> pd.DataFrame:
    """One row per count a report's narrative states, beside its table's figure."""
    rows = [{"report": r.name, **c} for r in reports for c in r.provenance.get("narrative_counts", [])]
    return pd.DataFrame(rows, columns=NARRATIVE_COLUMNS).astype(
        {"narrative": "Int64", "table": "Int64", "table_with_carried_over": "Int64", "holds": "boolean", "line": "Int64"})


LEGACY_ROWS = ["report", "agency", "year", "form", "order", "key", "parent", "label", "unit", "value", "cumulative",
               "read_at"]
LEGACY_CHECKS = ["report", "agency", "year", "check", "row", "column", "expected", "printed", "message"]


def legacy_rows_table(reports: list[Report]) -> pd.DataFrame:
    """One row per printed row of a pre-2019 statistics table: its form, label and unit as
    printed, this year's value and the cumulative (历年累计), where it was read."""
    rows = [{"report": r.name, "agency": r.record["agency"], "year": r.record["year"], "form": legacy["form"],
             **{name: row.get(name) for name in LEGACY_ROWS[4:]}}
            for r in reports if (legacy := r.record["legacy"]) for row in legacy["rows"]]
    return pd.DataFrame(rows, columns=LEGACY_ROWS).astype(
        {"year": "Int64", "order": "Int64", "value": "Float64", "cumulative": "Float64"})


def legacy_checks_table(reports: list[Report]) -> pd.DataFrame:
    """One row per check of a pre-2019 table that fails (其中 rows that do not add up …)."""
    rows = [{"report": r.name, "agency": r.record["agency"], "year": r.record["year"],
             **{name: check.get(name) for name in LEGACY_CHECKS[3:]}}
            for r in reports if (legacy := r.record["legacy"]) for check in legacy["checks"]]
    return pd.DataFrame(rows, columns=LEGACY_CHECKS).astype({"year": "Int64", "expected": "Float64", "printed": "Float64"})


def failures_table(failures: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(failures, columns=["file", "path", "reason", "message"])


class _Where:
    """Where a section's rows were read, as its record's ``tables`` entry says."""

    def __init__(self, table: dict):
        self.lines, self.read_at = table.get("rows", {}), table.get("read_at", {})
        self.labels = table.get("labels", {})
        self.unread, self.unread_cells = table.get("unread", []), table.get("unread_cells", {})

    def row(self, name: str) -> tuple:
        """A row's label as printed, where it was read ("page 4, table 2, row 4"; "line N"
        when the reader said no more) and its line of the lifted text (``WHERE``)."""
        line = self.lines.get(name)
        read_at = self.read_at.get(name) or (f"line {line}" if line is not None else None)
        return (self.labels.get(name) or {}).get("printed"), read_at, line


def _columns(rows: list[dict], first: list[str]) -> list[str]:
    return list(dict.fromkeys(first + (list(rows[0]) if rows else [])))

