"""The core measures: a few counts that the pre-2019 local forms and the national
templates share (``codebook.CORE_MEASURES``), so that one agency can be followed across
the 2019 break.

``codebook/legacy_crosswalk.csv`` says, for each form (a local form of
``legacy_forms.csv``, or the national template "2019" or "2021") and each measure,
which rows are summed, and grades the match: ``exact``, ``approximate`` or ``none``
(no counterpart), with the reason. A measure is the sum of its rows' values for the
year: null when any of them is not printed or not read, and null with grade ``none``
when the form has no counterpart or is not recognised. Nothing is split or imputed.
National reports take their rows from the harmonised layer, as the panel's other
measures do (``toolkit.measures``).

>>> core = legacy_core({"form": "A", "rows": [{"key": "reconsideration", "value": 2}]})
>>> print(core.loc["reconsiderations", "value"], core.loc["reconsiderations", "grade"])
2.0 approximate
>>> core.loc["refused", "reason"].split(";")[0]
'not printed or not read: answers_refused'
>>> legacy_core({"form": "unknown", "rows": []}).loc["lawsuits"].tolist()
[<NA>, 'none', 'form not recognised']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit import codebook
from toolkit.harmonise import OTHER_2021
from toolkit.measures import GROUPS
from toolkit.report import PRE_2019

CORE = codebook.CORE_MEASURES
NOT_RECOGNISED = "form not recognised"
IN_HARMONISED = dict.fromkeys(OTHER_2021, "other_processing")  # 2021 rows the harmonised layer holds as their sum


def core_columns() -> list[str]:
    """The panel's core columns: ``core_<name>`` and ``core_<name>_grade`` for each measure."""
    return [column for name in CORE for column in (f"core_{name}", f"core_{name}_grade")]


def core_measures(values: pd.DataFrame, forms: pd.Series) -> pd.DataFrame:
    """One row per report of ``forms`` (report -> form): ``core_<name>`` and its grade, from
    ``values`` (report x row key; missing: not printed or not read)."""
    known = values.reindex(index=forms.index).astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    where = {row: i for i, row in enumerate(values.columns)}
    missing = np.full(len(forms), np.nan)
    reports_of = {form: (forms == form).to_numpy() for form in forms.dropna().unique()}
    table = {}
    for name in CORE:
        value, grade = missing.copy(), np.full(len(forms), "none", dtype=object)
        for form, mine in reports_of.items():
            mapping = codebook.crosswalk().get((form, name))
            if mapping is None or mapping["grade"] == "none":
                continue
            rows = dict.fromkeys(IN_HARMONISED.get(row, row) for row in mapping["rows"])
            value[mine] = sum(known[:, where[row]] if row in where else missing for row in rows)[mine]
            grade[mine] = mapping["grade"]
        table[f"core_{name}"] = pd.array(value, dtype="Float64")
        table[f"core_{name}_grade"] = pd.array(grade, dtype="str")
    return pd.DataFrame(table, index=forms.index)


def core_table(reports: pd.DataFrame, legacy_rows: pd.DataFrame, totals: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """report -> the core columns, for every report of the tidy ``reports`` table: a
    pre-2019 report from its ``legacy_rows``, a national one from the harmonised layer
    (``totals`` and ``cells``, as ``measures.harmonised_wide`` gives them)."""
    reports = reports.set_index("report")
    local = reports["template"] == PRE_2019
    forms = reports["legacy_form"].where(local, reports["template"])
    national = national_values(totals, cells, reports["processing_fee_yuan"])
    parts = [core_measures(national, forms[~local]), core_measures(legacy_values(legacy_rows), forms[local])]
    return pd.concat(parts).reindex(forms.index)


def national_values(totals: pd.DataFrame, cells: pd.DataFrame, fees: pd.Series) -> pd.DataFrame:
    """report x national row: section 三 totals, section 四 group totals (harmonised) and the fee."""
    appeals = cells[[f"{group}.total" for group in GROUPS]].rename(columns=lambda c: c.removesuffix(".total"))
    return totals.join(appeals, how="outer").join(fees.astype("Float64"), how="outer")


def legacy_values(legacy_rows: pd.DataFrame) -> pd.DataFrame:
    """report x legacy row key: this year's value; a key a report prints twice is null
    (which row is meant cannot be told)."""
    rows = legacy_rows.dropna(subset=["key"])
    twice = rows.duplicated(["report", "key"], keep=False)
    rows = rows.assign(value=rows["value"].astype("Float64").mask(twice)).drop_duplicates(["report", "key"])
    return rows.pivot(index="report", columns="key", values="value")


def legacy_core(legacy: dict) -> pd.DataFrame:
    """A pre-2019 record's core measures (its ``legacy`` part): one row per measure, its
    ``value``, ``grade`` and ``reason``."""
    rows = pd.DataFrame([{"report": "record", "key": row.get("key"), "value": row.get("value")} for row in legacy["rows"]],
                        columns=["report", "key", "value"])
    values = legacy_values(rows)
    wide = core_measures(values, pd.Series({"record": legacy["form"]})).iloc[0]
    return pd.DataFrame([
        {"measure": name, "value": wide[f"core_{name}"], "grade": wide[f"core_{name}_grade"],
         "reason": _reason(legacy["form"], name, values)}
        for name in CORE
    ]).set_index("measure").astype({"value": "Float64"})


def _reason(form: str, name: str, values: pd.DataFrame) -> str:
    """The crosswalk's reason, and the rows a null value waits on."""
    mapping = codebook.crosswalk().get((form, name))
    if mapping is None:
        return NOT_RECOGNISED
    missing = [row for row in mapping["rows"] if row not in values or values[row].isna().all()]
    return f"not printed or not read: {', '.join(missing)}; {mapping['reason']}" if missing else mapping["reason"]
