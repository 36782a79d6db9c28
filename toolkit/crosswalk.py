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

import pandas as pd

from toolkit import codebook
from toolkit.harmonise import OTHER_2021
from toolkit.measures import GROUPS, harmonised_wide
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
    pieces = []
    for form, reports in forms.groupby(forms, sort=False).groups.items():
        mine = values.reindex(index=reports)
        columns = {}
        for name in CORE:
            mapping = codebook.crosswalk().get((form, name))
            grade = "none" if mapping is None else mapping["grade"]
            value = pd.Series(pd.NA, index=reports, dtype="Float64")
            if grade != "none":
                rows = list(dict.fromkeys(IN_HARMONISED.get(row, row) for row in mapping["rows"]))
                value = mine.reindex(columns=rows).astype("Float64").sum(axis=1, skipna=False)
            columns[f"core_{name}"], columns[f"core_{name}_grade"] = value, pd.Series(grade, index=reports, dtype="str")
        pieces.append(pd.DataFrame(columns, index=reports))
    empty = pd.DataFrame({column: pd.Series(dtype="Float64" if not column.endswith("_grade") else "str")
                          for column in core_columns()})
    table = pd.concat([empty, *pieces]).reindex(forms.index)
    grades = [column for column in core_columns() if column.endswith("_grade")]
    table[grades] = table[grades].fillna("none")
    return table.astype({column: "Float64" for column in core_columns() if not column.endswith("_grade")})


def core_table(reports: pd.DataFrame, legacy_rows: pd.DataFrame, h3: pd.DataFrame, h4: pd.DataFrame) -> pd.DataFrame:
    """report -> the core columns, for every report of the tidy ``reports`` table: a
    pre-2019 report from its ``legacy_rows``, a national one from the harmonised layer."""
    reports = reports.set_index("report")
    local = reports["template"] == PRE_2019
    forms = reports["legacy_form"].where(local, reports["template"])
    national = national_values(h3, h4, reports["processing_fee_yuan"])
    parts = [core_measures(national, forms[~local]), core_measures(legacy_values(legacy_rows), forms[local])]
    return pd.concat(parts).reindex(forms.index)


def national_values(h3: pd.DataFrame, h4: pd.DataFrame, fees: pd.Series) -> pd.DataFrame:
    """report x national row: section 三 totals, section 四 group totals (harmonised) and the fee."""
    totals, cells = harmonised_wide(h3, h4)
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
