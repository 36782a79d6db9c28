"""The codebook's measures, from the harmonised layer (one row per report).

Rates with a zero denominator are missing, not zero or infinite.

>>> wide = section3_totals(pd.DataFrame({"report": "r", "row": ["unable_not_held", "total_processed"],
...                                      "column": "total", "value": [3.0, 12.0]}))
>>> float(wide.loc["r", "unable_not_held"])
3.0
"""
from __future__ import annotations

import pandas as pd

from toolkit import codebook

WITHHELD = [r for r in codebook.section3_rows("2019") if r.startswith("withheld_")]
UNABLE = [r for r in codebook.section3_rows("2019") if r.startswith("unable_")]
NOT_PROCESSED = [r for r in codebook.section3_rows("2019") if r.startswith("not_processed_")]
GROUPS = codebook.SECTION4_GROUPS


def section3_totals(h3: pd.DataFrame) -> pd.DataFrame:
    """report x row: the harmonised ``total`` column of section 三."""
    totals = h3[h3["column"] == "total"].pivot(index="report", columns="row", values="value")
    return totals.reindex(columns=[r for r in codebook.section3_rows("2019") if r in totals.columns]).astype("Float64")


def section4_cells(h4: pd.DataFrame) -> pd.DataFrame:
    """report x "group.column": the harmonised cells of section 四."""
    cells = h4.assign(key=h4["row"] + "." + h4["column"]).pivot(index="report", columns="key", values="value")
    return cells.astype("Float64")


def _ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1) -> pd.Series:
    return (numerator * scale / denominator.where(denominator != 0)).astype("Float64")


def refusal_measures(totals: pd.DataFrame) -> pd.DataFrame:
    """Not-held share, refusal mix and full-grant rate, shares of total_processed."""
    processed = totals["total_processed"]
    return pd.DataFrame({
        "requests_new": totals["new_received"],
        "requests_processed": processed,
        "not_held_share": _ratio(totals["unable_not_held"], processed),
        "withheld_share": _ratio(totals[WITHHELD].sum(axis=1, skipna=False), processed),
        "unable_share": _ratio(totals[UNABLE].sum(axis=1, skipna=False), processed),
        "not_processed_share": _ratio(totals[NOT_PROCESSED].sum(axis=1, skipna=False), processed),
        "full_grant_rate": _ratio(totals["granted"] + totals["partially_granted"], processed),
    })


def appeal_measures(totals: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Reconsideration and litigation per 100 new requests; correction and pending rates."""
    new = totals["new_received"].reindex(cells.index)
    litigation = cells["litigation_direct.total"] + cells["litigation_after_reconsideration.total"]
    measures = {
        "reconsideration_rate": _ratio(cells["reconsideration.total"], new, 100),
        "litigation_rate": _ratio(litigation, new, 100),
    }
    for group in GROUPS:
        decided = cells[f"{group}.total"] - cells[f"{group}.pending"]
        measures[f"{group}_correction_rate"] = _ratio(cells[f"{group}.corrected"], decided)
        measures[f"{group}_pending_share"] = _ratio(cells[f"{group}.pending"], cells[f"{group}.total"])
    return pd.DataFrame(measures)


def applicant_mix(h3: pd.DataFrame, row: str = "new_received") -> pd.DataFrame:
    """report x applicant column: share of one row's total (default: new requests)."""
    cells = h3[h3["row"] == row].pivot(index="report", columns="column", values="value").astype("Float64")
    parts = list(codebook.SECTION3_COLUMNS[:-1])
    return cells[parts].div(cells["total"].where(cells["total"] != 0), axis=0)
