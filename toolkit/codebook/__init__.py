"""The codebook (../shared/spec/CODEBOOK.md) as data: names, Chinese labels, templates.

Every statistic is defined once in ``fields.csv``; label spellings seen in real
reports live in ``label_variants.csv``; the layout of section 二 per template in
``section2_layout.csv``. Matching code reads these tables and nothing else.

>>> section3_rows("2019")[-3:]
('other_processing', 'total_processed', 'carried_forward')
"""
from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files

from toolkit.normalize import compact_label

TEMPLATES = ("2019", "2021")
SECTION3_COLUMNS = (
    "natural_person", "commercial_enterprise", "research_institution",
    "social_welfare_org", "legal_service_org", "other_org", "total",
)
SECTION4_GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
SECTION4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


@cache
def _table(name: str) -> tuple[dict, ...]:
    with files("toolkit.codebook").joinpath(name).open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def fields(section: str | None = None, kind: str | None = None,
           template: str | None = None) -> tuple[dict, ...]:
    """Rows of fields.csv, filtered; ``templates`` is a space-separated list."""
    return tuple(
        row for row in _table("fields.csv")
        if (section is None or row["section"] == section)
        and (kind is None or row["kind"] == kind)
        and (template is None or template in row["templates"].split())
    )


def outputs() -> tuple[dict, ...]:
    """Rows of outputs.csv: type, unit and description of every output column."""
    return _table("outputs.csv")


@cache
def section3_rows(template: str) -> tuple[str, ...]:
    """Row names of section 三 in printed order."""
    return tuple(row["name"] for row in fields("section3", "row", template))


@cache
def section2_layout(template: str) -> dict[str, tuple[str, ...]]:
    """Item name -> its column names, in printed order, for one template."""
    return {
        row["item"]: tuple(row["columns"].split())
        for row in _table("section2_layout.csv") if row["template"] == template
    }


@cache
def labels(section: str, name: str) -> tuple[str, ...]:
    """All spellings of one field's label, compacted for matching, longest first."""
    spellings = [row["label_zh"] for row in fields(section) if row["name"] == name]
    spellings += [row["variant"] for row in _table("label_variants.csv")
                  if row["section"] == section and row["name"] == name]
    return tuple(sorted({compact_label(s) for s in spellings}, key=len, reverse=True))


@cache
def group_numbers(section: str) -> tuple[tuple[str, str], ...]:
    """(label, printed number) of each group of rows: ("不予公开", "(三)")."""
    return tuple((compact_label(row["label_zh"]), row["number"]) for row in _table("groups.csv") if row["section"] == section)


@cache
def group_labels(section: str, template: str) -> tuple[str, ...]:
    """Labels that head a group of rows (not rows themselves): they end a row's cells."""
    return tuple(
        compact_label(row["label_zh"]) for row in _table("groups.csv")
        if row["section"] == section and template in row["templates"].split()
    )


@cache
def format_labels(table_format: str) -> tuple[str, ...]:
    """Labels printed by only one format of the statistics table ("national" or "pre-2019")."""
    return tuple(compact_label(row["label_zh"]) for row in _table("table_formats.csv") if row["format"] == table_format)


# --- the crosswalk: each form's rows to the core measures shared with 2019+ (legacy_crosswalk.csv) ---

CORE_MEASURES = (
    "requests_received", "requests_answered", "granted_full_or_part", "refused", "not_held_or_not_exist",
    "unclear", "other_answers", "reconsiderations", "lawsuits", "fees_yuan",
)
GRADES = ("exact", "approximate", "none")  # how a form's rows match the national definition


@cache
def crosswalk() -> dict[tuple[str, str], dict]:
    """(form, core measure) -> {"rows": (row keys summed), "grade", "reason"}; forms are the
    local forms of ``legacy_forms.csv`` and the national templates "2019" and "2021"."""
    return {(row["form"], row["core"]): {"rows": tuple(row["rows"].split()), "grade": row["grade"], "reason": row["reason"]}
            for row in _table("legacy_crosswalk.csv")}


@cache
def crosswalk_forms() -> tuple[str, ...]:
    """The forms the crosswalk maps, in its order."""
    return tuple(dict.fromkeys(form for form, _ in crosswalk()))


def legacy_row_definitions() -> tuple[dict, ...]:
    """Rows of legacy_rows.csv: key, Chinese label, its variants and meaning (for the data dictionary)."""
    return _table("legacy_rows.csv")


# --- pre-2019 local forms (legacy_rows.csv, legacy_forms.csv, legacy_form_rows.csv) ---

@cache
def legacy_row_labels() -> dict[str, tuple[str, ...]]:
    """Row key -> its label spellings, compacted for matching (without 其中 and item numbers)."""
    return {
        row["key"]: tuple({compact_label(s) for s in [row["label_zh"], *row["variants"].split("|")] if s})
        for row in _table("legacy_rows.csv")
    }


@cache
def legacy_forms() -> dict[str, dict]:
    """Form id -> {"description", "columns" (how many value columns), "rows": ((key, parent), ...)}."""
    forms = {row["form"]: {"description": row["description"], "columns": len(row["columns"].split()), "rows": []}
             for row in _table("legacy_forms.csv")}
    for row in sorted(_table("legacy_form_rows.csv"), key=lambda r: int(r["order"])):
        forms[row["form"]]["rows"].append((row["key"], row["parent"] or None))
    return {form: {**spec, "rows": tuple(spec["rows"])} for form, spec in forms.items()}


@cache
def legacy_narrative_words() -> dict[str, tuple[str, ...]]:
    """Row key -> words a sentence of the prose must hold for its numbers to speak of that row."""
    return {row["key"]: tuple(row["narrative"].split("|")) if row["narrative"] else () for row in _table("legacy_rows.csv")}
