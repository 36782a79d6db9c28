"""The research panel: one row per report, measures and quality flags.

``preferred`` marks one report per (agency, year), so that a report found in two
forms is counted once in analyses.

``build_panel`` takes the tidy tables and the corrections, builds the harmonised
layer (``toolkit.harmonise``) and the measures (``toolkit.measures``), and returns
every table it made. Identities are evaluated again on the corrected values
(``checks_failed_corrected``), beside the count on the values as printed.

A pre-2019 report is a row too: its ``era`` is "local form", its national measures are
null, and the core measures (``toolkit.crosswalk``), each with its grade, follow every
report across the eras.
"""
from __future__ import annotations

import pandas as pd

from toolkit.checks import section3_failures, section4_failures
from toolkit.corrections import apply_corrections
from toolkit.codebook import SECTION3_COLUMNS
from toolkit.crosswalk import core_table
from toolkit.harmonise import harmonise_section3, harmonise_section4
from toolkit.measures import appeal_measures, harmonised_wide, refusal_measures
from toolkit.report import PRE_2019

ID_COLUMNS = ["report", "agency", "year", "province", "prefecture", "county", "division_code", "level",
              "agency_kind", "scope", "collection", "format", "era", "legacy_form",
              "section2_template", "section3_template", "processing_fee_yuan"]
LOCAL_FORM = "local form"
ERAS = (LOCAL_FORM, "2019 template", "2021 template")
FORMAT_PREFERENCE = ["html", "docx", "pdf", "text", "ocr"]  # for the same report in several forms


def build_panel(reports: pd.DataFrame, section3: pd.DataFrame, section4: pd.DataFrame,
                corrections: pd.DataFrame, legacy_rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Harmonised sections, the panel and the corrections with their status. The panel's
    ``preferred`` needs every report: it is marked once they all are (``outputs``)."""
    h3, applied3 = apply_corrections(harmonise_section3(section3), corrections, "section3")
    h4, applied4 = apply_corrections(harmonise_section4(section4), corrections, "section4")
    totals, cells = harmonised_wide(h3, h4)
    measures = refusal_measures(totals).join(appeal_measures(totals, cells), how="outer")
    applied = pd.concat([applied3, applied4], ignore_index=True)
    flags = _quality_flags(reports, h3, h4)
    flags["checks_failed_corrected"] = _identities_after_corrections(
        flags["checks_failed"], section3, section4, applied)
    panel = (
        reports.assign(era=era(reports))[ID_COLUMNS].set_index("report")
        .assign(collects_processing_fee=lambda t: (t["processing_fee_yuan"] > 0).astype("boolean"))
        .join(measures).join(core_table(reports, legacy_rows, totals, cells)).join(flags).reset_index()
    )
    return {
        "harmonised_section3": h3,
        "harmonised_section4": h4,
        "panel": panel,
        "corrections_applied": applied,
    }


def era(reports: pd.DataFrame) -> pd.Series:
    """"local form" for a pre-2019 report, else its national template (section 三's, else
    section 二's): "2019 template" or "2021 template"; null when it printed neither."""
    national = reports["section3_template"].fillna(reports["section2_template"]) + " template"
    return national.mask(reports["template"] == PRE_2019, LOCAL_FORM).astype("str")


def _identities_after_corrections(before: pd.Series, section3: pd.DataFrame, section4: pd.DataFrame,
                                  applied: pd.DataFrame) -> pd.Series:
    """Identities failed once the applied corrections replace the printed values
    (``checks``: blanks read as zero, unread cells not evaluated); a report without an
    applied correction keeps its count."""
    after = before.copy()
    done = applied[applied["status"] == "applied"]
    for report, mine in done.groupby("report", sort=False):
        fixed = {tuple(field.split(".")): value for field, value in zip(mine["field"], mine["corrected_value"])}
        three = section3[section3["report"] == report]
        four = section4[section4["report"] == report]
        table3 = _record(three, "row", fixed, "section3", by_name=False)
        table4 = _record(four, "group", fixed, "section4", by_name=True)
        unread3 = {(r, list(SECTION3_COLUMNS).index(c)) for r, c in
                   three.loc[three["status"] == "unread", ["row", "column"]].itertuples(index=False)}
        unread4 = set(four.loc[four["status"] == "unread", ["group", "column"]].itertuples(index=False, name=None))
        after[report] = len(section3_failures(table3, unread3)) + len(section4_failures(table4, unread4))
    return after


def _record(tidy: pd.DataFrame, key: str, fixed: dict, section: str, by_name: bool) -> dict | None:
    """The record's section (as ``toolkit.checks`` takes it) from its tidy rows, corrected."""
    table = {}
    for (name, column), value in zip(tidy[[key, "column"]].itertuples(index=False, name=None), tidy["value"]):
        value = fixed.get((section, name, column), None if pd.isna(value) else value)
        value = None if value is None or pd.isna(value) else float(value)
        if by_name:
            table.setdefault(name, {})[column] = value
        else:
            table.setdefault(name, []).append(value)
    return table or None


def _quality_flags(reports: pd.DataFrame, h3: pd.DataFrame, h4: pd.DataFrame) -> pd.DataFrame:
    """Checks failed, OCR, and the cells of sections 三/四 by flag (0 for a report without them)."""
    cells = pd.concat([h3[["report", "flag"]], h4[["report", "flag"]]])
    counts = cells.groupby(["report", "flag"]).size().unstack(fill_value=0).reindex(
        columns=["blank", "derived", "unread", "corrected"], fill_value=0)
    counts.columns = [f"cells_{flag}" for flag in counts.columns]
    own = reports.set_index("report")[["checks_failed", "ocr_used"]]
    return own.join(counts).fillna({c: 0 for c in counts.columns}).astype(dict.fromkeys(counts.columns, "int64"))


def preferred(panel: pd.DataFrame) -> pd.Series:
    """True for one report per (agency, year): the same report saved in several forms
    (a web page and a crawler's text) is counted once, the best-read copy."""
    rank = panel.assign(
        format_rank=panel["format"].map({f: i for i, f in enumerate(FORMAT_PREFERENCE)}).fillna(len(FORMAT_PREFERENCE)),
        key=panel["agency"].fillna(panel["report"]) + "|" + panel["year"].astype("string").fillna(""),
    ).sort_values(["cells_unread", "checks_failed", "format_rank", "report"])
    first = ~rank.duplicated("key")
    return first.reindex(panel.index).astype(bool)
