"""The harmonised layer, measures, corrections and year-over-year findings on tiny tables."""
from __future__ import annotations

import pandas as pd
import pytest

from toolkit import codebook
from toolkit.continuity import year_over_year_findings
from toolkit.corrections import apply_corrections, load_corrections
from toolkit.harmonise import harmonise_section3, harmonise_section4
from toolkit.measures import (DENOMINATORS, appeal_measures, applicant_mix, harmonised_wide, ratio_parts,
                              refusal_measures, section3_totals, section4_cells)

COLUMNS = codebook.SECTION3_COLUMNS


def tidy3(report: str, template: str, cells: dict[str, list], status: dict | None = None) -> pd.DataFrame:
    """A tidy section 三 table: every row of the template, zeros unless given."""
    rows = []
    for row in codebook.section3_rows(template):
        values = cells.get(row, [0] * 7)
        for column, value in zip(COLUMNS, values):
            state = (status or {}).get(row) or ("blank" if value is None else "printed")
            rows.append({"report": report, "template": template, "row": row, "column": column,
                         "value": value, "status": state, "line": 1})
    return pd.DataFrame(rows).astype({"value": "Int64"})


def cell(table: pd.DataFrame, row: str, column: str = "total"):
    return table.query("row == @row and column == @column").iloc[0]


def test_2021_other_rows_sum_into_other_processing():
    h3 = harmonise_section3(tidy3("a", "2021", {"other_overdue_correction": [1, 0, 0, 0, 0, 0, 1],
                                                 "other_other": [2, 0, 0, 0, 0, 0, 2]}))
    assert set(h3["row"]) == set(codebook.section3_rows("2019"))
    assert cell(h3, "other_processing")[["value", "flag"]].tolist() == [3, "summed"]


def test_blank_reads_as_zero_and_a_blank_total_is_derived_but_a_printed_one_is_kept():
    h3 = harmonise_section3(tidy3("a", "2019", {
        "granted": [258, 12, None, None, 1, 1, None],
        "new_received": [5, 0, 0, 0, 0, 0, 9],
    }))
    assert cell(h3, "granted", "research_institution")[["value", "flag"]].tolist() == [0, "blank"]
    assert cell(h3, "granted")[["value", "flag"]].tolist() == [272, "derived"]
    assert cell(h3, "new_received")[["printed", "value", "flag"]].tolist() == [9, 9, "printed"]


def test_unread_values_stay_missing_not_zero():
    h3 = harmonise_section3(tidy3("a", "2019", {"granted": [None] * 7}, status={"granted": "unread"}))
    assert pd.isna(cell(h3, "granted")["value"]) and cell(h3, "granted")["flag"] == "unread"


def test_measures_follow_the_codebook_and_zero_denominators_are_missing():
    h3 = harmonise_section3(pd.concat([
        tidy3("a", "2021", {"new_received": [10, 0, 0, 0, 0, 0, 10], "granted": [4, 0, 0, 0, 0, 0, 4],
                            "partially_granted": [1, 0, 0, 0, 0, 0, 1], "unable_not_held": [3, 0, 0, 0, 0, 0, 3],
                            "withheld_state_secret": [2, 0, 0, 0, 0, 0, 2], "total_processed": [10, 0, 0, 0, 0, 0, 10]}),
        tidy3("b", "2019", {}),
    ]))
    measures = refusal_measures(section3_totals(h3))
    assert measures.loc["a", ["not_held_share", "withheld_share", "unable_share"]].tolist() == [0.3, 0.2, 0.3]
    assert pd.isna(measures.loc["b", "not_held_share"])


def test_grant_rates_say_whether_partial_grants_count():
    """予以公开 (granted in full) alone, and with 部分公开 (the codebook's "full-grant rate");
    the old name, which claimed "full" while counting partial grants, is gone."""
    h3 = harmonise_section3(tidy3("a", "2021", {"granted": [4, 0, 0, 0, 0, 0, 4], "partially_granted": [1, 0, 0, 0, 0, 0, 1],
                                                 "total_processed": [10, 0, 0, 0, 0, 0, 10]}))
    measures = refusal_measures(section3_totals(h3))
    assert measures.loc["a", "grant_rate_incl_partial"] == 0.5
    assert measures.loc["a", "granted_in_full_rate"] == 0.4
    assert "full_grant_rate" not in measures.columns


def test_measures_use_the_harmonised_layer_blank_as_zero_derived_totals_and_null_for_zero_denominators():
    h3 = harmonise_section3(pd.concat([
        tidy3("blank", "2019", {"granted": [3, None, None, None, None, None, None],  # blank total: derived 3
                                "unable_not_held": [None] * 7, "total_processed": [6, 0, 0, 0, 0, 0, 6]}),
        tidy3("unread", "2019", {"unable_not_held": [None] * 7, "total_processed": [6, 0, 0, 0, 0, 0, 6]},
              status={"unable_not_held": "unread"}),
        tidy3("nothing", "2019", {}),  # total_processed 0
    ]))
    measures = refusal_measures(section3_totals(h3))
    assert measures.loc["blank", "granted_in_full_rate"] == 0.5
    assert measures.loc["blank", "not_held_share"] == 0  # blank read as zero
    assert pd.isna(measures.loc["unread", "not_held_share"]) and pd.isna(measures.loc["unread", "unable_share"])
    assert measures.loc["nothing"].drop(["requests_new", "requests_processed"]).isna().all()


def test_ratio_parts_give_each_measure_its_numerator_and_denominator():
    """Pooling one report gives back its measure, for every measure of the panel."""
    h3 = harmonise_section3(tidy3("a", "2021", {"new_received": [40, 0, 0, 0, 0, 0, 40], "granted": [4, 0, 0, 0, 0, 0, 4],
                                                 "partially_granted": [2, 0, 0, 0, 0, 0, 2],
                                                 "unable_not_held": [3, 0, 0, 0, 0, 0, 3],
                                                 "total_processed": [9, 0, 0, 0, 0, 0, 9]}))
    s4 = pd.DataFrame([
        {"report": "a", "group": group, "column": column, "value": value, "status": "printed", "line": 1}
        for group in codebook.SECTION4_GROUPS
        for column, value in zip(codebook.SECTION4_COLUMNS, [1, 2, 0, 1, 4])
    ])
    totals, cells = harmonised_wide(h3, harmonise_section4(s4))
    parts = ratio_parts(totals, cells).set_index("measure")
    panel = refusal_measures(totals).join(appeal_measures(totals, cells))
    assert set(parts.index) == set(panel.columns) - {"requests_new", "requests_processed"} == set(DENOMINATORS)
    for name, row in parts.iterrows():
        assert row["numerator"] * row["scale"] / row["denominator"] == pytest.approx(panel.loc["a", name]), name
    assert parts.loc["reconsideration_rate", ["numerator", "denominator", "scale"]].tolist() == [4, 40, 100]
    assert parts.loc["grant_rate_incl_partial", ["numerator", "denominator"]].tolist() == [6, 9]


def test_the_data_dictionary_says_how_panel_measures_are_computed():
    """Every panel measure is described: the harmonised layer (blank as zero, derived totals)
    and null for a zero denominator; the grant rates say what they count."""
    described = {row["column"]: row for row in codebook.outputs() if row["table"] == "panel"}
    for name in DENOMINATORS:
        text = described[name]["description_en"]
        assert "harmonised layer" in text and "blank cell counts as 0" in text and "sum of its row's parts" in text, name
        assert "Null (empty) when the denominator is 0" in text, name
        assert "分母为0时为空" in described[name]["description_zh"], name
    assert "full_grant_rate" not in described
    assert "full-grant rate" in described["grant_rate_incl_partial"]["description_en"]
    assert "partially_granted" in described["grant_rate_incl_partial"]["description_en"]
    assert "in full (予以公开) only" in described["granted_in_full_rate"]["description_en"]
    assert "unable_not_held included" in described["unable_share"]["description_en"]


def test_appeal_rates_per_100_requests_and_correction_rate():
    h3 = harmonise_section3(tidy3("a", "2021", {"new_received": [50, 0, 0, 0, 0, 0, 50]}))
    s4 = pd.DataFrame([
        {"report": "a", "group": group, "column": column, "value": value, "status": "printed", "line": 1}
        for group, values in {"reconsideration": [1, 2, 0, 1, 4], "litigation_direct": [0, 0, 0, 0, 0],
                              "litigation_after_reconsideration": [1, 0, 0, 0, 1]}.items()
        for column, value in zip(codebook.SECTION4_COLUMNS, values)
    ])
    measures = appeal_measures(section3_totals(h3), section4_cells(harmonise_section4(s4)))
    assert measures.loc["a", "reconsideration_rate"] == 8
    assert measures.loc["a", "litigation_rate"] == 2
    assert measures.loc["a", "reconsideration_correction_rate"] == pytest.approx(2 / 3)
    assert pd.isna(measures.loc["a", "litigation_direct_correction_rate"])


def test_applicant_mix_shares_of_new_requests():
    h3 = harmonise_section3(tidy3("a", "2021", {"new_received": [6, 2, 0, 0, 2, 0, 10]}))
    assert applicant_mix(h3).loc["a", ["natural_person", "legal_service_org"]].tolist() == [0.6, 0.2]


def test_corrections_apply_only_where_the_printed_value_matches(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text("report,field,printed_value,corrected_value,source\n"
                    "a,section3.granted.total,4,5,row sums to 5\n"
                    "a,section3.unable_not_held.total,99,1,stale on purpose\n"
                    "zzz,section3.granted.total,4,5,no such report\n", encoding="utf-8")
    h3 = harmonise_section3(tidy3("a", "2021", {"granted": [5, 0, 0, 0, 0, 0, 4]}))
    corrected, applied = apply_corrections(h3, load_corrections(path), "section3")
    assert cell(corrected, "granted")[["printed", "value", "flag"]].tolist() == [4, 5, "corrected"]
    assert applied["status"].tolist() == ["applied", "stale", "not_found"]
    assert cell(corrected, "unable_not_held")["value"] == 0


def test_corrections_file_with_a_bad_field_is_refused(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text("report,field,printed_value,corrected_value,source\na,granted,1,2,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="section.row.column"):
        load_corrections(path)


def test_carried_over_is_checked_against_last_years_carried_forward():
    reports = pd.DataFrame({"report": ["y1", "y2", "y4"], "agency": "X局", "year": [2021, 2022, 2024]})
    section3 = pd.concat([
        tidy3("y1", "2021", {"carried_forward": [2, 0, 0, 0, 0, 0, 2]}),
        tidy3("y2", "2021", {"carried_over": [1, 0, 0, 0, 0, 0, 1]}),
        tidy3("y4", "2021", {}),
    ])
    findings = year_over_year_findings(reports, pd.DataFrame(columns=SECTION2), section3)
    assert set(findings["report"]) == {"y2"}  # 2024 has no 2023 report to compare with
    total = findings.query("column == 'total'").iloc[0]
    assert (total["check"], total["printed"], total["expected"], total["holds"]) == ("carried_over", 1, 2, False)


SECTION2 = ["report", "template", "item", "column", "value", "status", "line"]


def tidy2(report: str, items: dict) -> pd.DataFrame:
    """Section 二 (2021 template) rows: item -> (issued, repealed, in_force), None for a blank cell."""
    return pd.DataFrame([
        {"report": report, "template": "2021", "item": item, "column": column, "value": value,
         "status": "blank" if value is None else "printed", "line": 1}
        for item, values in items.items() for column, value in zip(["issued", "repealed", "in_force"], values)
    ], columns=SECTION2).astype({"value": "Float64"})


def test_documents_in_force_follow_from_last_year():
    reports = pd.DataFrame({"report": ["y1", "y2", "y3"], "agency": "X局", "year": [2021, 2022, 2023]})
    section2 = pd.concat([
        tidy2("y1", {"normative_documents": (1, 0, 2), "regulations": (0, 0, None)}),
        tidy2("y2", {"normative_documents": (4, 1, 7), "regulations": (None, None, 0)}),  # 2 + 4 - 1 = 5, not 7
        tidy2("y3", {"normative_documents": (0, 2, 5)}),
    ])
    findings = year_over_year_findings(reports, section2, pd.DataFrame(columns=["report", "row", "column", "value"]))
    got = findings.set_index(["report", "item"])[["printed", "expected", "blanks_read_as_zero", "holds"]]
    assert got.loc[("y2", "normative_documents")].tolist() == [7, 5, 0, False]
    assert got.loc[("y2", "regulations")].tolist() == [0, 0, 3, True]  # blanks read as zero, and counted
    assert got.loc[("y3", "normative_documents")].tolist() == [5, 5, 0, True]
    assert ("y3", "regulations") not in got.index  # 2023 prints no 规章 row: nothing to compare
