"""Summaries the notebooks show, one function per question, each unit-tested.

They take the tables of ``toolkit.load()`` and return DataFrames (or the "n = …" a
chart states); the notebooks only call them and plot the result (``toolkit.plots``). A
number the notebooks' prose relies on is shown by one of these, never typed by hand.

A group's shares are given two ways: the mean per report (every report weighs the
same) and pooled (sum of numerators / sum of denominators over the same reports: every
request weighs the same). ``group_summary`` shows both, with the group's n.

The panel holds pre-2019 reports too (``era`` "local form"): their statistics are not the
national template's, so ``sample`` and ``describe_sample`` keep the national eras only;
``pre_2019`` gives the others, and the ``core_*`` functions follow an agency across the
eras on the core measures (``toolkit.crosswalk``), each value with its grade.
"""
from __future__ import annotations

import pandas as pd

from toolkit import codebook, measures
from toolkit.panel import LOCAL_FORM
from toolkit.report import Report

REFUSAL_MIX = ["withheld_share", "unable_share", "not_processed_share"]
CORE = list(codebook.CORE_MEASURES)  # the measures every era shares (toolkit.crosswalk)
APPLICANTS = list(codebook.SECTION3_COLUMNS[:-1])
OUTCOME_GROUPS = {
    "granted_in_full": ["granted"],
    "partially_granted": ["partially_granted"],
    "withheld": [r for r in codebook.section3_rows("2019") if r.startswith("withheld_")],
    "not_held": ["unable_not_held"],
    "other_unable": ["unable_needs_creation", "unable_unclear_after_correction"],
    "not_processed": [r for r in codebook.section3_rows("2019") if r.startswith("not_processed_")],
    "other": ["other_processing"],
}


def national(panel: pd.DataFrame) -> pd.DataFrame:
    """The records of the national templates (every era but the pre-2019 local forms)."""
    return panel[panel["era"].ne(LOCAL_FORM)].reset_index(drop=True)


def pre_2019(panel: pd.DataFrame) -> pd.DataFrame:
    """The records of pre-2019 local forms (``legacy_form`` says which)."""
    return panel[panel["era"].eq(LOCAL_FORM)].reset_index(drop=True)


def describe_pre_2019(panel: pd.DataFrame) -> dict:
    """The pre-2019 records, in the words a notebook prints: records, agencies, years, forms."""
    records = pre_2019(panel)
    years = records["year"].dropna()
    return {
        "records": len(records),
        "agencies": records["agency"].nunique(),
        "years": f"{int(years.min())}–{int(years.max())}" if len(years) else "none",
        "forms": ", ".join(sorted(records["legacy_form"].dropna().unique())),
    }


def sample(panel: pd.DataFrame) -> pd.DataFrame:
    """The reports an analysis of the national statistics uses: one per (agency, year),
    the best-read copy, pre-2019 reports left out (their tables are another form)."""
    kept = national(panel)
    return kept[kept["preferred"]].reset_index(drop=True)


def describe_sample(panel: pd.DataFrame) -> dict:
    """Size of a sample of national reports (pre-2019 ones are left out), in the words a
    notebook prints: records (a report read in two forms is two records), reports,
    agencies, years, provinces, and the requests the reports count (new, and handled;
    once per report, from its preferred copy)."""
    panel = national(panel)
    reports = sample(panel) if "preferred" in panel else panel
    years = panel["year"].dropna()
    return {
        "records": len(panel),
        "reports": len(reports),
        "agencies": panel["agency"].nunique(),
        "years": f"{int(years.min())}–{int(years.max())}" if len(years) else "none",
        "provinces": panel["province"].nunique(),
        "new requests": int(reports["requests_new"].sum()),
        "requests handled": int(reports["requests_processed"].sum()),
    }


def n_label(reports: int, count: float | None = None, of: str = "requests handled", unit: str = "reports") -> str:
    """The "n = …" a chart states: ``n_label(20, 4963)`` -> "n = 20 reports, 4,963 requests handled"."""
    label = f"n = {_counted(reports, unit)}"
    return label if count is None or pd.isna(count) else f"{label}, {count:,.0f} {of}"


def sample_n(panel: pd.DataFrame, requests: str = "requests_new") -> str:
    """The n of a chart of the panel's records: "n = 24 records of 20 reports, 5,091 new
    requests" (requests counted once per report, from its ``preferred`` copy)."""
    kept = sample(panel)
    words = {"requests_new": "new requests", "requests_processed": "requests handled"}
    label = n_label(len(kept), kept[requests].sum(), words[requests])
    return label if len(kept) == len(panel) else label.replace("n = ", f"n = {len(panel):,} records of ", 1)


def above_zero(table: pd.DataFrame, column: str, what: str = "an amount") -> tuple[pd.DataFrame, str]:
    """The reports with ``column`` above 0 (what a log scale can show) and the chart's n,
    saying how many are left out: "n = 11 reports with an amount above 0 (5 others: 0 or
    missing, not shown)"."""
    shown = table[table[column] > 0]
    left = len(table) - len(shown)
    return shown, f"{n_label(len(shown))} with {what} above 0 ({_counted(left, 'others')}: 0 or missing, not shown)"


def _counted(number: float, unit: str) -> str:
    """"1 report", "20 reports"."""
    return f"{number:,.0f} {unit.removesuffix('s') if number == 1 else unit}"


def copies(panel: pd.DataFrame) -> pd.DataFrame:
    """Reports read in more than one form (same agency and year), and the copy analyses use."""
    keys = panel["agency"].fillna(panel["report"]) + "|" + panel["year"].astype("string").fillna("")
    several = panel[keys.duplicated(keep=False)]
    columns = ["agency", "year", "report", "format", "preferred"]
    return several[columns].sort_values(["agency", "year", "report"]).reset_index(drop=True)


def counts(table: pd.DataFrame, rows: str, columns: str | None = None) -> pd.DataFrame:
    """How many reports per value (and per pair of values); missing shown as "unknown"."""
    table = table.fillna({rows: "unknown", **({columns: "unknown"} if columns else {})})
    if columns is None:
        return table[rows].astype(str).value_counts().sort_index().rename("reports").to_frame()
    return pd.crosstab(table[rows].astype(str), table[columns].astype(str))


def quality(panel: pd.DataFrame) -> pd.DataFrame:
    """Per report: identity checks failed, cells blank / derived / unread / corrected, OCR."""
    columns = ["report", "agency", "year", "format", "checks_failed",
               "cells_blank", "cells_derived", "cells_unread", "cells_corrected", "ocr_used"]
    return panel[columns].sort_values(["agency", "year", "report"]).reset_index(drop=True)


def measure_parts(h3: pd.DataFrame, h4: pd.DataFrame) -> pd.DataFrame:
    """Per (report, measure): the numerator and denominator the panel's measure divides,
    from the harmonised tables (``toolkit.measures.ratio_parts``), for pooling."""
    return measures.ratio_parts(*measures.harmonised_wide(h3, h4))


def group_summary(panel: pd.DataFrame, parts: pd.DataFrame, names: list[str], by: str | list[str]) -> pd.DataFrame:
    """Per measure and group, over the reports that have the measure: ``reports``, the sum
    of the measure's ``denominator`` (its unit: ``measures.DENOMINATORS``), the
    ``mean_per_report`` and the ``pooled`` figure (sum of numerators / sum of
    denominators, x100 for the rates per 100 new requests)."""
    by = [by] if isinstance(by, str) else list(by)
    values = panel.melt(id_vars=["report", *by], value_vars=names, var_name="measure", value_name="value")
    rows = values.dropna(subset=["value"]).merge(parts, on=["report", "measure"], how="left")
    rows["measure"] = pd.Categorical(rows["measure"], categories=names)
    grouped = rows.groupby(["measure", *by], observed=True, dropna=False)
    summary = pd.DataFrame({
        "reports": grouped.size(),
        "denominator": grouped["denominator"].sum(),
        "mean_per_report": grouped["value"].mean(),
        "pooled": grouped["numerator"].sum() * grouped["scale"].first() / grouped["denominator"].sum(),
    })
    summary = summary.astype({"mean_per_report": "float", "pooled": "float"}).round(3)
    return summary.assign(denominator=summary["denominator"].round().astype("Int64"))  # counts


def summary_n(summary: pd.DataFrame, measure: str | None = None) -> str:
    """The n of a ``group_summary`` (its first measure unless named), for a chart's title."""
    measure = measure or summary.index.get_level_values("measure")[0]
    rows = summary.xs(measure, level="measure")
    return n_label(int(rows["reports"].sum()), rows["denominator"].sum(), measures.DENOMINATORS[measure])


def chart_table(summary: pd.DataFrame, statistic: str = "pooled", labels: dict | None = None) -> pd.DataFrame:
    """groups x measures of one statistic of a ``group_summary`` (measures renamed by
    ``labels``), each group labelled with its n: reports, and the sum of the first
    measure's denominator, in short ("requests", "cases": the title says which)."""
    names = list(summary.index.get_level_values("measure").unique())
    wide = summary[statistic].unstack("measure").reindex(columns=names)
    n = summary.xs(names[0], level="measure").reindex(wide.index)
    unit = "requests" if "requests" in measures.DENOMINATORS[names[0]] else "cases"
    wide.index = [f"{group}\n{_counted(reports, 'reports')}\n{count:,.0f} {unit}" if pd.notna(reports) else str(group)
                  for group, reports, count in zip(wide.index, n["reports"], n["denominator"])]
    return wide.rename(columns=labels or {})


def label_n(table: pd.DataFrame, counts: pd.Series, unit: str = "requests", labels: dict | None = None) -> pd.DataFrame:
    """The table with each row's label (renamed by ``labels``) followed by its n from
    ``counts``, for a chart: "自然人\n4,767 requests"."""
    names = [f"{(labels or {}).get(row, row)}\n{_counted(counts[row], unit)}" for row in table.index]
    return table.set_axis(names, axis=0)


def agency_series(panel: pd.DataFrame, agency: str, names: list[str]) -> pd.DataFrame:
    """One agency's reports over the years (one row per year), with the requests they handled."""
    rows = panel[panel["agency"] == agency].sort_values("year")
    return rows.set_index("year")[["report", "requests_processed", *names]].round({name: 3 for name in names})


def series_years(panel: pd.DataFrame, min_years: int = 3) -> pd.DataFrame:
    """Agencies with reports in at least ``min_years`` years (within-agency change is
    visible): how many years, the first and the last."""
    years = panel.dropna(subset=["agency", "year"]).groupby("agency")["year"].agg(["nunique", "min", "max"])
    years.columns = ["years", "first", "last"]
    return years[years["years"] >= min_years].sort_values(["years", "first"], ascending=[False, True])


def agencies_with_series(panel: pd.DataFrame, min_years: int = 3) -> list[str]:
    """The agencies of ``series_years``, most years first."""
    return list(series_years(panel, min_years).index)


def named(panel: pd.DataFrame, text: str) -> pd.DataFrame:
    """The preferred records of the agencies whose name contains ``text``, by year."""
    rows = panel[panel["preferred"] & panel["agency"].str.contains(text, regex=False, na=False)]
    return rows.sort_values(["year", "agency"]).reset_index(drop=True)


def core_series(panel: pd.DataFrame, agencies: list[str], grades: bool = False) -> pd.DataFrame:
    """The core measures of the ``agencies``' reports (the preferred copy of each), one row
    per (year, agency) with its era; with ``grades``, each value's grade in its place
    (exact / approximate / none, ``codebook/legacy_crosswalk.csv``)."""
    rows = panel[panel["preferred"] & panel["agency"].isin(agencies)].sort_values(["year", "agency"])
    columns = {f"core_{name}_grade" if grades else f"core_{name}": name for name in CORE}
    return rows.set_index(["year", "agency"])[["era", *columns]].rename(columns=columns)


BREAK_NAMES = {"2019 template": "2019 regulation and template", "2021 template": "2021 template"}


def era_breaks(series: pd.DataFrame) -> dict[float, str]:
    """Where a series (of ``core_series``) changes era: the point halfway between the last
    year of one era and the first of the next -> the new era."""
    years = series.reset_index()[["year", "era"]].dropna().drop_duplicates().sort_values("year")
    changes = years[years["era"] != years["era"].shift()].iloc[1:]
    before = [years.loc[years["year"] < year, "year"].max() for year in changes["year"]]
    return {(int(last) + int(year)) / 2: BREAK_NAMES.get(era, era)
            for last, year, era in zip(before, changes["year"], changes["era"])}


def comparability(panel: pd.DataFrame, agencies: list[str]) -> pd.DataFrame:
    """For the forms of the ``agencies``' reports (local forms, national templates), each
    core measure that is not exact: its grade, the rows it sums and the reason, the forms
    that share them together (in the crosswalk's order)."""
    rows = panel[panel["preferred"] & panel["agency"].isin(agencies)]
    held = set(rows["legacy_form"].fillna(rows["section3_template"]).fillna(rows["section2_template"]).dropna())
    found = {}
    for name in CORE:
        for form in (form for form in codebook.crosswalk_forms() if form in held):
            mapping = codebook.crosswalk()[(form, name)]
            if mapping["grade"] != "exact":
                key = (name, mapping["grade"], " + ".join(mapping["rows"]) or "none", mapping["reason"])
                found.setdefault(key, []).append(form)
    table = pd.DataFrame([(name, " ".join(forms), grade, summed, reason)
                          for (name, grade, summed, reason), forms in found.items()],
                         columns=["measure", "forms", "grade", "rows", "reason"])
    return table.set_index(["measure", "forms"])


def cumulative_continuity(legacy_rows: pd.DataFrame, key: str, agencies: list[str]) -> pd.DataFrame:
    """One pre-2019 row (``key``) of the ``agencies``' reports by year: this year's value, the
    cumulative (历年累计), the cumulative before this year (cumulative - value), and the
    earlier report whose cumulative that is (``continues``; empty when none is): equal
    figures suggest one count carried on, they do not prove it."""
    rows = legacy_rows[(legacy_rows["key"] == key) & legacy_rows["agency"].isin(agencies)]
    table = rows[["year", "agency", "report", "value", "cumulative"]].sort_values(["year", "agency"])
    table = table.assign(before_this_year=table["cumulative"] - table["value"]).reset_index(drop=True)
    table["continues"] = [
        ", ".join(table.loc[((table["year"] < year) & (table["cumulative"] == before)).fillna(False), "report"]) or None
        for year, before in zip(table["year"], table["before_this_year"])
    ]
    return table


def bands(values: pd.Series, edges: tuple[int, ...] = (0, 1, 10)) -> pd.Series:
    """How many values fall in each band: ``edges`` (0, 1, 10) give "0", "1–9", "10 or more";
    missing values are counted as "unknown"."""
    labels = [f"{low}" if high - low == 1 else f"{low}–{high - 1}" for low, high in zip(edges, edges[1:])]
    labels.append(f"{edges[-1]} or more")
    banded = pd.cut(values.astype("float"), bins=[*edges, float("inf")], right=False, labels=labels)
    counted = banded.value_counts(sort=False)
    unknown = int(values.isna().sum())
    return pd.concat([counted, pd.Series({"unknown": unknown})]) if unknown else counted


def largest(panel: pd.DataFrame, column: str = "requests_new", top: int = 3) -> pd.DataFrame:
    """The ``top`` reports by ``column`` and their share of the sample's total of it."""
    table = panel.nlargest(top, column)[["agency", "year", "report", column]].reset_index(drop=True)
    return table.assign(share_of_all=(table[column] / panel[column].sum()).astype("float").round(3))


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


def fee_statements(panel: pd.DataFrame) -> pd.DataFrame:
    """Reports that state what 信息处理费 they collected (zero included), largest first."""
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
    }, dtype=object)


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
    (shares of its total_processed; ``granted_in_full`` is 予以公开 only)."""
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
