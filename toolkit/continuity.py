"""Year-over-year findings: this year's 上年结转 against last year's 结转下年度.

For the same agency (as named) in consecutive years, section 三's ``carried_over``
should equal the previous report's ``carried_forward``, column by column. A
difference is a finding, not an error to fix.
"""
from __future__ import annotations

import pandas as pd

COLUMNS = ["agency", "report", "year", "previous_report", "previous_year", "column",
           "carried_over", "previous_carried_forward", "holds"]


def carried_over_findings(reports: pd.DataFrame, section3: pd.DataFrame) -> pd.DataFrame:
    """One row per (consecutive pair of reports of an agency, column), with ``holds``."""
    years = reports.dropna(subset=["agency", "year"]).sort_values(["agency", "year"])[["agency", "report", "year"]]
    by_agency = years.groupby("agency")
    pairs = years.assign(previous_report=by_agency["report"].shift(), previous_year=by_agency["year"].shift())
    pairs = pairs[pairs["year"] == pairs["previous_year"] + 1]
    carried_over = _row(section3, "carried_over", "report", "carried_over")
    carried_forward = _row(section3, "carried_forward", "previous_report", "previous_carried_forward")
    table = pairs.merge(carried_over, on="report").merge(carried_forward, on=["previous_report", "column"], how="left")
    known = table["carried_over"].notna() & table["previous_carried_forward"].notna()
    table["holds"] = (table["carried_over"] == table["previous_carried_forward"]).astype("boolean").where(known)
    return table[COLUMNS].astype({"previous_year": "Int64"}).reset_index(drop=True)


def _row(section3: pd.DataFrame, row: str, key: str, name: str) -> pd.DataFrame:
    cells = section3.loc[section3["row"] == row, ["report", "column", "value"]]
    return cells.rename(columns={"report": key, "value": name})
