"""Summaries the notebooks show, one function per question, each unit-tested.

They take the tables of ``toolkit.load()`` and return DataFrames; the notebooks
only call them and plot the result (``toolkit.plots``).
"""
from __future__ import annotations

import pandas as pd

from toolkit import codebook
from toolkit.report import Report

REFUSAL_MIX = ["withheld_share", "unable_share", "not_processed_share"]
APPLICANTS = list(codebook.SECTION3_COLUMNS[:-1])
OUTCOME_GROUPS = {
    "granted": ["granted", "partially_granted"],
    "withheld": [r for r in codebook.section3_rows("2019") if r.startswith("withheld_")],
    "not_held": ["unable_not_held"],
    "other_unable": ["unable_needs_creation", "unable_unclear_after_correction"],
    "not_processed": [r for r in codebook.section3_rows("2019") if r.startswith("not_processed_")],
    "other": ["other_processing"],
}


def sample(panel: pd.DataFrame) -> pd.DataFrame:
    """The reports an analysis uses: one per (agency, year), the best-read copy."""
    return panel[panel["preferred"]].reset_index(drop=True)


def describe_sample(panel: pd.DataFrame) -> dict:
    """Size of a sample, in the words a notebook prints."""
    years = panel["year"].dropna()
    return {
        "reports": len(panel),
        "agencies": panel["agency"].nunique(),
        "years": f"{int(years.min())}–{int(years.max())}" if len(years) else "none",
        "provinces": panel["province"].nunique(),
    }


def counts(table: pd.DataFrame, rows: str, columns: str | None = None) -> pd.DataFrame:
    """How many reports per value (and per pair of values); missing shown as "unknown"."""
    table = table.fillna({rows: "unknown", **({columns: "unknown"} if columns else {})})
    if columns is None:
        return table[rows].astype(str).value_counts().sort_index().rename("reports").to_frame()
    return pd.crosstab(table[rows].astype(str), table[columns].astype(str))


def quality(panel: pd.DataFrame) -> pd.DataFrame:
    """Per report: identities failed, cells blank / derived / unread / corrected, OCR."""
    columns = ["report", "agency", "year", "format", "identities_failed",
               "cells_blank", "cells_derived", "cells_unread", "cells_corrected", "ocr_used"]
    return panel[columns].sort_values(["agency", "year", "report"]).reset_index(drop=True)


def by_group(panel: pd.DataFrame, measures: list[str], by: str | list[str]) -> pd.DataFrame:
    """Mean of each measure per group, with the number of reports that have it."""
    grouped = panel.groupby(by, dropna=False)[measures]
    summary = grouped.mean().round(3)
    summary["reports"] = grouped.size()
    return summary


def agency_series(panel: pd.DataFrame, agency: str, measures: list[str]) -> pd.DataFrame:
    """One agency's reports over the years (one row per year)."""
    rows = panel[panel["agency"] == agency].sort_values("year")
    return rows.set_index("year")[["report", *measures]]


def agencies_with_series(panel: pd.DataFrame, min_years: int = 3) -> list[str]:
    """Agencies with at least ``min_years`` reports: within-agency change is visible."""
    years = panel.groupby("agency")["year"].nunique()
    return sorted(years[years >= min_years].index)


def litigation_after_reconsideration(h4: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Per report: reconsiderations, lawsuits after reconsideration, and their ratio."""
    totals = h4[h4["column"] == "total"].pivot(index="report", columns="row", values="value")
    table = pd.DataFrame({
        "reconsiderations": totals["reconsideration"],
        "lawsuits_after_reconsideration": totals["litigation_after_reconsideration"],
    }).astype("Float64")
    table["lawsuits_per_reconsideration"] = (
        table["lawsuits_after_reconsideration"] / table["reconsiderations"].where(table["reconsiderations"] != 0)
    ).round(3)
    keep = panel.set_index("report")[["agency", "year"]]
    return keep.join(table, how="inner").reset_index()


def fee_collectors(panel: pd.DataFrame) -> pd.DataFrame:
    """Reports that say what 信息处理费 they collected, largest first."""
    known = panel[panel["processing_fee_yuan"].notna()]
    columns = ["agency", "year", "level", "processing_fee_yuan", "requests_new"]
    return known[columns].sort_values(["processing_fee_yuan", "agency"], ascending=[False, True]).reset_index(drop=True)


def fee_summary(panel: pd.DataFrame) -> pd.Series:
    """How many reports say anything about the fee, how many collected any, how much."""
    fee = panel["processing_fee_yuan"]
    return pd.Series({
        "reports": len(panel),
        "say_nothing": int(fee.isna().sum()),
        "say_none_collected": int((fee == 0).sum()),
        "collected_some": int((fee > 0).sum()),
        "total_collected_yuan": float(fee.sum()),
    })


def administrative_fees(section2: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """行政事业性收费 amounts (万元) of section 二, 2021 format only (2019 prints no amount)."""
    amounts = section2[(section2["item"] == "administrative_fees") & (section2["column"] == "amount_10k_yuan")]
    table = amounts[["report", "value", "status"]].rename(columns={"value": "amount_10k_yuan"})
    return panel[["report", "agency", "year", "level"]].merge(table, on="report").sort_values("amount_10k_yuan")


def applicant_shares(h3: pd.DataFrame, reports: list[str]) -> pd.DataFrame:
    """Pooled over ``reports``: share of new requests from each kind of applicant."""
    new = h3[(h3["row"] == "new_received") & h3["report"].isin(reports) & h3["column"].isin(APPLICANTS)]
    pooled = new.groupby("column")["value"].sum().reindex(APPLICANTS)
    return pd.DataFrame({"requests": pooled, "share": (pooled / pooled.sum()).round(3)})


def outcomes_by_applicant(h3: pd.DataFrame, reports: list[str]) -> pd.DataFrame:
    """Pooled over ``reports``: for each kind of applicant, how its requests ended
    (shares of its total_processed)."""
    cells = h3[h3["report"].isin(reports) & h3["column"].isin(APPLICANTS)]
    summed = cells.groupby(["row", "column"])["value"].sum().unstack("column").reindex(columns=APPLICANTS)
    outcomes = pd.DataFrame({group: summed.reindex(rows).sum() for group, rows in OUTCOME_GROUPS.items()})
    processed = summed.loc["total_processed"]
    shares = outcomes.div(processed.where(processed != 0), axis=0).round(3)
    return shares.assign(processed=processed)


def record_tables(report: Report) -> dict[str, pd.DataFrame]:
    """One report's sections as tables, with the line each row was read from."""
    record, where = report.record, report.provenance["tables"]
    section3 = pd.DataFrame.from_dict(record["section3"] or {}, orient="index", columns=list(codebook.SECTION3_COLUMNS))
    section3["line"] = [where.get("section3", {}).get("rows", {}).get(row) for row in section3.index]
    section4 = pd.DataFrame.from_dict(record["section4"] or {}, orient="index")
    section2 = pd.DataFrame([{"item": item, **cells} for item, cells in (record["section2"] or {}).items()])
    return {"section2": section2, "section3": section3, "section4": section4}


def checks(report: Report) -> pd.DataFrame:
    """The identities a report fails, one row each (empty: all hold)."""
    columns = ["identity", "section", "row", "column", "expected", "printed", "blanks_read_as_zero", "message"]
    return pd.DataFrame([finding.to_dict() for finding in report.checks], columns=columns)
