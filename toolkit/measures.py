"""The codebook's measures, from the harmonised layer (one row per report).

Every measure is a ratio of two counts of the harmonised layer (``toolkit.harmonise``:
a blank cell counts as zero, a blank total is the sum of its row's parts, an unread
cell stays missing). ``ratio_parts`` gives each report's numerator and denominator, so
that a group's pooled figure (sum of numerators / sum of denominators) uses the very
definitions of the per-report measure. A zero denominator gives a missing value, not
zero or infinite.

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
SECTION4_CELLS = [f"{group}.{column}" for group in GROUPS for column in codebook.SECTION4_COLUMNS]

PER_100 = {"reconsideration_rate", "litigation_rate"}  # per 100 new requests; every other measure is a share
DENOMINATORS = {  # what each measure divides by, in words (for "n = …" on charts)
    **dict.fromkeys(["not_held_share", "withheld_share", "unable_share", "not_processed_share",
                     "grant_rate_incl_partial", "granted_in_full_rate"], "requests handled"),
    **dict.fromkeys(["reconsideration_rate", "litigation_rate"], "new requests"),
    **{f"{group}_correction_rate": "decided cases" for group in GROUPS},
    **{f"{group}_pending_share": "cases" for group in GROUPS},
}


def section3_totals(h3: pd.DataFrame) -> pd.DataFrame:
    """report x row: the harmonised ``total`` column of section 三."""
    totals = h3[h3["column"] == "total"].pivot(index="report", columns="row", values="value")
    return totals.reindex(columns=[r for r in codebook.section3_rows("2019") if r in totals.columns]).astype("Float64")


def section4_cells(h4: pd.DataFrame) -> pd.DataFrame:
    """report x "group.column": the harmonised cells of section 四."""
    cells = h4.assign(key=h4["row"] + "." + h4["column"]).pivot(index="report", columns="key", values="value")
    return cells.astype("Float64")


def harmonised_wide(h3: pd.DataFrame, h4: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Section 三 totals and section 四 cells, one row per report, no column lost when empty."""
    totals = section3_totals(h3).reindex(columns=list(codebook.section3_rows("2019")))
    return totals, section4_cells(h4).reindex(columns=SECTION4_CELLS)


def refusal_parts(totals: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series]]:
    """Measure -> (numerator, denominator) for the shares of ``total_processed``."""
    processed = totals["total_processed"]

    def rows(names: list[str]) -> pd.Series:
        return totals[names].sum(axis=1, skipna=False)

    return {
        "not_held_share": (totals["unable_not_held"], processed),
        "withheld_share": (rows(WITHHELD), processed),
        "unable_share": (rows(UNABLE), processed),
        "not_processed_share": (rows(NOT_PROCESSED), processed),
        "grant_rate_incl_partial": (totals["granted"] + totals["partially_granted"], processed),
        "granted_in_full_rate": (totals["granted"], processed),
    }


def appeal_parts(totals: pd.DataFrame, cells: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series]]:
    """Measure -> (numerator, denominator) for the appeal rates (before the x100 of ``PER_100``),
    correction rates and pending shares."""
    new = totals["new_received"].reindex(cells.index)
    parts = {
        "reconsideration_rate": (cells["reconsideration.total"], new),
        "litigation_rate": (cells["litigation_direct.total"] + cells["litigation_after_reconsideration.total"], new),
    }
    for group in GROUPS:
        decided = cells[f"{group}.total"] - cells[f"{group}.pending"]
        parts[f"{group}_correction_rate"] = (cells[f"{group}.corrected"], decided)
        parts[f"{group}_pending_share"] = (cells[f"{group}.pending"], cells[f"{group}.total"])
    return parts


def ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1) -> pd.Series:
    """numerator x scale / denominator; missing where the denominator is zero or missing."""
    return (numerator * scale / denominator.where(denominator != 0)).astype("Float64")


def _measures(parts: dict[str, tuple[pd.Series, pd.Series]]) -> dict[str, pd.Series]:
    return {name: ratio(n, d, 100 if name in PER_100 else 1) for name, (n, d) in parts.items()}


def refusal_measures(totals: pd.DataFrame) -> pd.DataFrame:
    """Request counts, the not-held share, the refusal mix and the two grant rates, shares of
    total_processed: ``grant_rate_incl_partial`` (the codebook's "full-grant rate", granted +
    partially_granted) and ``granted_in_full_rate`` (granted, 予以公开, only)."""
    return pd.DataFrame({
        "requests_new": totals["new_received"],
        "requests_processed": totals["total_processed"],
        **_measures(refusal_parts(totals)),
    })


def appeal_measures(totals: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Reconsideration and litigation per 100 new requests; correction rates and pending shares."""
    return pd.DataFrame(_measures(appeal_parts(totals, cells)))


def ratio_parts(totals: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Long table, one row per (report, measure): ``numerator``, ``denominator`` and ``scale``
    (100 for the rates per 100 new requests), for every ratio of the panel."""
    parts = {**refusal_parts(totals), **appeal_parts(totals, cells)}
    frames = [
        pd.DataFrame({"measure": name, "numerator": n.astype("Float64"), "denominator": d.astype("Float64"),
                      "scale": 100 if name in PER_100 else 1}).rename_axis("report").reset_index()
        for name, (n, d) in parts.items()
    ]
    return pd.concat(frames, ignore_index=True)


def applicant_mix(h3: pd.DataFrame, row: str = "new_received") -> pd.DataFrame:
    """report x applicant column: share of one row's total (default: new requests)."""
    cells = h3[h3["row"] == row].pivot(index="report", columns="column", values="value").astype("Float64")
    parts = list(codebook.SECTION3_COLUMNS[:-1])
    return cells[parts].div(cells["total"].where(cells["total"] != 0), axis=0)
