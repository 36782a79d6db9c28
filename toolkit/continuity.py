"""Year-over-year findings, for the same agency (as named) in consecutive years:

- ``carried_over``: section 三's 上年结转 against last year's 结转下年度继续办理,
  column by column;
- ``in_force``: section 二's 现行有效件数 (2021 template, 规章 and 规范性文件)
  against last year's plus 本年制发 minus 本年废止, when both years print it;
- ``cumulative``: a pre-2019 table's 历年累计 against last year's 历年累计 plus this
  year's number, row by row (``item`` is the row's key).

A difference is a finding, not an error to fix. Blank cells count as zero in the
expected figure (``blanks_read_as_zero`` says how many); an unread one leaves it null.
"""
from __future__ import annotations

import pandas as pd

COLUMNS = ["agency", "report", "year", "previous_report", "previous_year", "check", "item", "column",
           "printed", "expected", "blanks_read_as_zero", "holds"]
IN_FORCE_ITEMS = ["regulations", "normative_documents"]
IN_FORCE_COLUMNS = ["issued", "repealed", "in_force"]


def year_over_year_findings(reports: pd.DataFrame, section2: pd.DataFrame, section3: pd.DataFrame,
                            legacy_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (consecutive pair of an agency's reports, check, item, column), with ``holds``."""
    pairs = _consecutive(reports)
    found = [_carried_over(pairs, section3), _in_force(pairs, section2)]
    if legacy_rows is not None:
        found.append(_cumulative(pairs, legacy_rows))
    table = pd.concat([f for f in found if not f.empty] or [pd.DataFrame(columns=COLUMNS)], ignore_index=True)
    known = table["printed"].notna() & table["expected"].notna()
    table["holds"] = (table["printed"] == table["expected"]).astype("boolean").where(known)
    return table[COLUMNS].astype({"year": "Int64", "previous_year": "Int64", "printed": "Float64",
                                  "expected": "Float64", "blanks_read_as_zero": "Int64"}).reset_index(drop=True)


def consecutive_reports(reports: pd.DataFrame) -> set[str]:
    """The reports that have a report of the same agency for the year before or after."""
    pairs = _consecutive(reports)
    return set(pairs["report"]) | set(pairs["previous_report"])


def _consecutive(reports: pd.DataFrame) -> pd.DataFrame:
    years = reports.dropna(subset=["agency", "year"]).sort_values(["agency", "year"])[["agency", "report", "year"]]
    by_agency = years.groupby("agency")
    pairs = years.assign(previous_report=by_agency["report"].shift(), previous_year=by_agency["year"].shift())
    return pairs[pairs["year"] == pairs["previous_year"] + 1]


def _carried_over(pairs: pd.DataFrame, section3: pd.DataFrame) -> pd.DataFrame:
    now = _cells(section3, "row", "carried_over").rename(columns={"value": "printed"})
    before = _cells(section3, "row", "carried_forward").rename(columns={"report": "previous_report", "value": "expected"})
    table = pairs.merge(now, on="report").merge(before[["previous_report", "column", "expected"]],
                                                on=["previous_report", "column"], how="left")
    return table.assign(check="carried_over", item="carried_over", blanks_read_as_zero=0)


def in_force_cells(section2: pd.DataFrame) -> pd.DataFrame:
    """The section 二 cells the in-force check reads: the 2021 template's regulations and
    normative documents, issued, repealed and in force."""
    return section2[(section2["template"] == "2021") & section2["item"].isin(IN_FORCE_ITEMS)
                    & section2["column"].isin(IN_FORCE_COLUMNS)]


def _in_force(pairs: pd.DataFrame, section2: pd.DataFrame) -> pd.DataFrame:
    cells = in_force_cells(section2)
    if cells.empty:
        return pd.DataFrame(columns=COLUMNS)
    blank = cells["status"] == "blank"
    cells = cells.assign(printed=cells["value"], counted=cells["value"].mask(blank, 0), blank=blank.astype(int))
    wide = cells.pivot(index=["report", "item"], columns="column", values=["printed", "counted", "blank"])
    now = pd.DataFrame({"printed": wide["printed"]["in_force"], "issued": wide["counted"]["issued"],
                        "repealed": wide["counted"]["repealed"],
                        "blanks_now": wide["blank"][["issued", "repealed"]].sum(axis=1)}).reset_index()
    last = pd.DataFrame({"previous": wide["counted"]["in_force"], "blanks_last": wide["blank"]["in_force"]})
    last = last.reset_index().rename(columns={"report": "previous_report"})
    table = pairs.merge(now, on="report").merge(last, on=["previous_report", "item"])
    return table.assign(check="in_force", column="in_force",
                        expected=table["previous"] + table["issued"] - table["repealed"],
                        blanks_read_as_zero=table["blanks_now"] + table["blanks_last"])


def _cumulative(pairs: pd.DataFrame, legacy_rows: pd.DataFrame) -> pd.DataFrame:
    rows = legacy_rows.dropna(subset=["key"])
    now = rows[["report", "key", "value", "cumulative"]].rename(columns={"key": "item", "cumulative": "printed"})
    before = rows[["report", "key", "cumulative"]].rename(
        columns={"report": "previous_report", "key": "item", "cumulative": "previous"})
    table = pairs.merge(now, on="report").merge(before, on=["previous_report", "item"])
    return table.assign(check="cumulative", column="历年累计", expected=table["previous"] + table["value"],
                        blanks_read_as_zero=0)


def _cells(section3: pd.DataFrame, key: str, row: str) -> pd.DataFrame:
    return section3.loc[section3[key] == row, ["report", "column", "value"]]
