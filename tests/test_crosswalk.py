"""The crosswalk to the core measures: the codebook table itself, a pre-2019 record's core
and the national core from the harmonised layer, on tiny inline inputs."""
from __future__ import annotations

import pandas as pd
import pytest

from toolkit import codebook
from toolkit.crosswalk import NOT_RECOGNISED, core_columns, core_table, legacy_core
from toolkit.harmonise import harmonise_section3, harmonise_section4
from toolkit.measures import harmonised_wide

from test_panel import tidy3

NATIONAL = ("2019", "2021")


def national_names(template: str) -> set[str]:
    """What a national mapping may sum: section 三 rows, section 四 groups, the fee."""
    return {*codebook.section3_rows(template), *codebook.SECTION4_GROUPS, "processing_fee_yuan"}


def test_every_form_maps_every_core_measure_once_graded_with_a_reason():
    forms = [*codebook.legacy_forms(), *NATIONAL]
    assert set(codebook.crosswalk_forms()) == set(forms)
    assert set(codebook.crosswalk()) == {(form, name) for form in forms for name in codebook.CORE_MEASURES}
    for (form, name), mapping in codebook.crosswalk().items():
        assert mapping["grade"] in codebook.GRADES, (form, name)
        assert mapping["reason"].strip(), (form, name)
        assert (mapping["grade"] == "none") == (not mapping["rows"]), (form, name)


def test_every_mapping_sums_rows_its_form_prints():
    for (form, name), mapping in codebook.crosswalk().items():
        keys = national_names(form) if form in NATIONAL else {key for key, _ in codebook.legacy_forms()[form]["rows"]}
        assert set(mapping["rows"]) <= keys, (form, name, set(mapping["rows"]) - keys)


def test_the_national_templates_map_exactly_as_the_codebook_defines():
    crosswalk = codebook.crosswalk()
    for template in NATIONAL:
        assert {mapping["grade"] for (form, _), mapping in crosswalk.items() if form == template} == {"exact"}
        outcomes = [row for row in codebook.section3_rows(template)
                    if row not in ("new_received", "carried_over", "total_processed", "carried_forward")]
        answers = [row for name in ("granted_full_or_part", "refused", "not_held_or_not_exist", "unclear", "other_answers")
                   for row in crosswalk[(template, name)]["rows"]]
        assert sorted(answers) == sorted(outcomes)  # every outcome row counted once: the answers add up to total_processed
    assert crosswalk[("2021", "other_answers")]["rows"][-3:] == ("other_overdue_correction", "other_overdue_fee", "other_other")
    assert crosswalk[("2019", "lawsuits")]["rows"] == ("litigation_direct", "litigation_after_reconsideration")


def legacy(form: str = "A", **values) -> dict:
    """A pre-2019 record's ``legacy`` part: the rows of ``form``, zero unless given (None: not read)."""
    rows = [{"order": i + 1, "key": key, "parent": parent, "label": key, "unit": "条",
             "value": values.get(key, 0), "cumulative": None, "read_at": f"line {i + 1}"}
            for i, (key, parent) in enumerate(codebook.legacy_forms()[form]["rows"])]
    return {"form": form, "columns": ["2012年度"], "rows": rows, "checks": []}


def test_a_legacy_records_core_sums_its_rows_and_says_how_well_they_match():
    core = legacy_core(legacy("A", requests_total=21, answers_total=21, answers_granted=17, answers_partly_granted=2,
                              answers_refused=2, litigation=1))
    printed = core["value"].dropna()
    assert printed.to_dict() == {"requests_received": 21, "requests_answered": 21, "granted_full_or_part": 19,
                                 "refused": 2, "reconsiderations": 0, "lawsuits": 1}
    assert core.loc["granted_full_or_part", "grade"] == "approximate" and "条" in core.loc["granted_full_or_part", "reason"]
    assert core.loc["refused", "grade"] == "approximate" and "否决公开" in core.loc["refused", "reason"]
    assert core.loc["not_held_or_not_exist", "grade"] == "none"  # inside 否决公开: no split is made up


def test_a_row_not_read_leaves_its_measure_null_with_the_row_named():
    core = legacy_core(legacy("A", answers_partly_granted=None))
    assert pd.isna(core.loc["granted_full_or_part", "value"])
    assert core.loc["granted_full_or_part", "grade"] == "approximate"  # the mapping's grade: the value waits on a row
    assert core.loc["granted_full_or_part", "reason"].startswith("not printed or not read: answers_partly_granted")
    missing = legacy("B")
    missing["rows"] = [row for row in missing["rows"] if row["key"] != "reconsideration"]
    assert pd.isna(legacy_core(missing).loc["reconsiderations", "value"])


def test_an_unknown_form_gives_null_graded_none():
    record = legacy("A", requests_total=5)
    record["form"] = "unknown"
    for row in record["rows"]:
        row["key"] = None
    core = legacy_core(record)
    assert core["value"].isna().all()
    assert set(core["grade"]) == {"none"} and set(core["reason"]) == {NOT_RECOGNISED}


def test_a_key_printed_twice_is_not_guessed():
    record = legacy("A", answers_granted=3)
    record["rows"].append({**record["rows"][11], "value": 4})  # a second answers_granted row
    assert pd.isna(legacy_core(record).loc["granted_full_or_part", "value"])


def tidy4(report: str, totals: dict[str, list]) -> pd.DataFrame:
    """A tidy section 四 table: each group's (upheld, corrected, other, pending, total)."""
    return pd.DataFrame([{"report": report, "group": group, "column": column, "value": value,
                          "status": "printed" if value is not None else "blank"}
                         for group, values in totals.items() for column, value in zip(codebook.SECTION4_COLUMNS, values)]
                        ).astype({"value": "Int64"})


def reports(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["report", "template", "legacy_form", "processing_fee_yuan"]).astype(
        {"processing_fee_yuan": "Float64"})


def test_the_national_core_comes_from_the_harmonised_layer():
    section3 = pd.concat([
        tidy3("n21", "2021", {"new_received": [0, 0, 0, 0, 0, 0, 10], "granted": [0, 0, 0, 0, 0, 0, 3],
                              "withheld_state_secret": [0, 0, 0, 0, 0, 0, 1], "withheld_third_party_rights": [0, 0, 0, 0, 0, 0, 2],
                              "unable_not_held": [0, 0, 0, 0, 0, 0, 2], "other_overdue_fee": [0, 0, 0, 0, 0, 0, 1],
                              "other_other": [0, 0, 0, 0, 0, 0, 1], "total_processed": [0, 0, 0, 0, 0, 0, 10]}),
        tidy3("n19", "2019", {"new_received": [1, 0, 0, 0, 0, 0, None], "partially_granted": [0, 0, 0, 0, 0, 0, None]},
              status={"partially_granted": "unread"}),
    ])
    section4 = pd.concat([tidy4("n21", {"reconsideration": [1, 0, 0, 1, 2], "litigation_direct": [0, 0, 0, 1, 1],
                                        "litigation_after_reconsideration": [None] * 5}),
                          tidy4("n19", {"reconsideration": [0, 0, 0, 0, 0]})])
    h3, h4 = harmonise_section3(section3), harmonise_section4(section4)
    table = core_table(reports(("n21", "2021", None, 0.0), ("n19", "2019", None, None)), legacy_rows([]),
                       *harmonised_wide(h3, h4))
    assert list(table.columns) == core_columns()
    n21 = table.loc["n21"]
    assert [n21[f"core_{name}"] for name in ("requests_received", "requests_answered", "refused",
                                             "not_held_or_not_exist", "other_answers", "lawsuits", "fees_yuan")] == [
        10, 10, 3, 2, 2, 1, 0]  # other_* summed as other_processing; a blank 复议后起诉 reads as zero
    assert n21["core_reconsiderations"] == 2 and n21["core_refused_grade"] == "exact"
    n19 = table.loc["n19"]
    assert n19["core_requests_received"] == 1  # a blank total derived from its parts
    assert pd.isna(n19["core_granted_full_or_part"]) and n19["core_granted_full_or_part_grade"] == "exact"  # unread
    assert pd.isna(n19["core_lawsuits"])  # section 四 printed no litigation groups
    assert pd.isna(n19["core_fees_yuan"])  # the report says nothing about the fee


def legacy_rows(records: list[tuple[str, dict]]) -> pd.DataFrame:
    return pd.DataFrame([{"report": report, "form": part["form"], "key": row["key"], "value": row["value"]}
                         for report, part in records for row in part["rows"]], columns=["report", "form", "key", "value"])


def test_pre_2019_and_national_reports_side_by_side_keep_their_own_rows():
    """行政复议数 of a local form is the key ``reconsideration``, as is a national group: each
    report reads its own."""
    section4 = tidy4("n", {"reconsideration": [0, 0, 0, 0, 5]})
    table = core_table(
        reports(("n", "2019", None, None), ("old", "pre-2019", "A", None), ("odd", "pre-2019", "unknown", None)),
        legacy_rows([("old", legacy("A", reconsideration=2)), ("odd", {**legacy("A"), "form": "unknown"})]),
        *harmonised_wide(harmonise_section3(tidy3("n", "2019", {})), harmonise_section4(section4)))
    assert table.loc[["n", "old"], "core_reconsiderations"].tolist() == [5, 2]
    assert pd.isna(table.loc["odd", "core_reconsiderations"])
    assert table["core_reconsiderations_grade"].tolist() == ["exact", "approximate", "none"]
    assert table.loc["old", "core_not_held_or_not_exist_grade"] == "none"
    assert pd.isna(table.loc["old", "core_fees_yuan"]) and table.loc["n", "core_fees_yuan_grade"] == "exact"


@pytest.mark.parametrize("form", sorted(codebook.legacy_forms()))
def test_every_form_gives_a_core_from_its_own_rows(form):
    core = legacy_core(legacy(form))
    graded = core[core["grade"] != "none"]
    assert (graded["value"] == 0).all(), form  # every mapped row is one the form prints
    assert core.loc[core["grade"] == "none", "value"].isna().all()
