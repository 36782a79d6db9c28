"""The data dictionary, generated from the codebook: every column of every output
table, then every statistic (row, column, item, group) with its Chinese label, every
row of the pre-2019 local forms (``legacy row``), and the crosswalk of each form to the
core measures (``core measure``: grade, rows summed, reason).

The panel's rows also give each column's name in ``panel.dta``: Stata allows
32-character names, so long names are shortened by ``STATA_ABBREVIATIONS``, and
80-character variable labels, so a longer description is cut at a word boundary
there (and says so here, where the whole text stays)."""
from __future__ import annotations

import pandas as pd

from toolkit import codebook

FALLBACK = {"harmonised_section3": "harmonised", "harmonised_section4": "harmonised"}
STATA_ABBREVIATIONS = {
    "litigation_after_reconsideration": "lit_after_recon",
    "litigation_direct": "lit_direct",
    "reconsideration": "recon",
    "processing_fee": "proc_fee",
}
STATA_NAME_LIMIT = 32
STATA_LABEL_LIMIT = 80
SHORTENED = " (cut to {limit} characters as the Stata variable label of panel.dta)"


def describe(table: str, column: str) -> dict:
    """The outputs.csv entry for one column: the table's own, else the one of the
    same column in ``reports`` (header fields), else the one shared by all tables."""
    entries = {(row["table"], row["column"]): row for row in codebook.outputs()}
    for owner in (table, FALLBACK.get(table), "reports", "*"):
        if (owner, column) in entries:
            return entries[(owner, column)]
    raise KeyError(f"column {column!r} of table {table!r} is not described in toolkit/codebook/outputs.csv")


COLUMNS = ["table", "column", "type", "unit", "description_en", "description_zh", "templates", "stata_name"]


def data_dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per (table, column) of the given tables and of the dictionary itself,
    then one per codebook statistic."""
    tables = {**tables, "data_dictionary": pd.DataFrame(columns=COLUMNS)}
    columns = [
        {"table": name, "column": column, **{k: describe(name, column)[k] for k in
                                              ("type", "unit", "description_en", "description_zh")}}
        for name, table in tables.items() for column in table.columns
    ]
    for row in columns:
        if row["table"] == "panel":
            row["stata_name"] = stata_name(row["column"])
            if stata_label(row["description_en"]) != row["description_en"]:
                row["description_en"] += SHORTENED.format(limit=STATA_LABEL_LIMIT)
    statistics = [
        {"table": f"{row['section']} {row['kind']}", "column": row["name"], "type": "code",
         "unit": "", "description_en": row["description"], "description_zh": row["label_zh"],
         "templates": row["templates"]}
        for row in codebook.fields()
    ]
    rows = columns + statistics + _legacy_rows() + _crosswalk()
    return pd.DataFrame(rows, columns=COLUMNS).fillna({"templates": "", "stata_name": ""})


def _legacy_rows() -> list[dict]:
    """Each row of the pre-2019 local forms, with the forms that print it."""
    forms = {}
    for form, spec in codebook.legacy_forms().items():
        for key, _ in spec["rows"]:
            forms.setdefault(key, []).append(form)
    return [{"table": "legacy row", "column": row["key"], "type": "code", "unit": "", "description_en": row["meaning"],
             "description_zh": row["label_zh"], "templates": " ".join(forms.get(row["key"], []))}
            for row in codebook.legacy_row_definitions()]


def _crosswalk() -> list[dict]:
    """Each (form, core measure) of the crosswalk: grade, rows summed and reason; in Chinese,
    the labels of the rows summed."""
    legacy = {row["key"]: row["label_zh"] for row in codebook.legacy_row_definitions()}
    national = {row["name"]: row["label_zh"] for row in codebook.fields() if row["kind"] in ("row", "group")}
    entries = []
    for (form, name), mapping in codebook.crosswalk().items():
        labels = legacy if form in codebook.legacy_forms() else national
        zh = [labels.get(row) or describe("reports", row)["description_zh"] for row in mapping["rows"]]
        entries.append({"table": "core measure", "column": name, "type": "code", "unit": "",
                        "description_en": f"{mapping['grade']}: {' + '.join(mapping['rows']) or 'no row'}. {mapping['reason']}",
                        "description_zh": " + ".join(zh) or "无对应行", "templates": form})
    return entries


def stata_name(column: str) -> str:
    """The column's name in ``panel.dta``.

    >>> stata_name("litigation_after_reconsideration_correction_rate")
    'lit_after_recon_correction_rate'
    """
    for long, short in STATA_ABBREVIATIONS.items():
        column = column.replace(long, short)
    if len(column) > STATA_NAME_LIMIT:
        raise ValueError(f"no Stata name for {column!r}: add an abbreviation to STATA_ABBREVIATIONS")
    return column


def stata_label(description: str) -> str:
    """The description as a Stata variable label: whole, or its first sentences that fit,
    or else the words that fit (before an unclosed parenthesis), ended with an ellipsis.

    >>> stata_label("Identities failed once data/corrections.csv is applied (equal to checks_failed without an applied correction)")
    'Identities failed once data/corrections.csv is applied…'
    >>> stata_label("new_received.total. Harmonised: a blank total is the sum of its row's parts (null if a part is unread)")
    'new_received.total. …'
    """
    if len(description) <= STATA_LABEL_LIMIT:
        return description
    head = description[:STATA_LABEL_LIMIT - 1]
    if (sentence := head.rfind(". ")) > 0:
        return head[:sentence + 1] + " …"
    head = head[:head.rfind(" ")] if " " in head else head
    if head.count("(") > head.count(")"):
        head = head[:head.rfind("(")]
    return head.rstrip(" ,;:(/+-") + "…"
