"""End to end on ../shared/corpus: the text-form reports (crawler text whose cells
run together) are read, and the test says what it found."""
from __future__ import annotations

import csv

import pytest

from toolkit import read_report


def _text_reports(shared):
    with open(shared / "corpus" / "MANIFEST.tsv", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t")
                if row["format"] == "txt" and row["file"].startswith("flattened/")]


def test_manifest_lists_text_reports(shared):
    assert len(_text_reports(shared)) == 7


@pytest.fixture(scope="module")
def flattened(shared):
    return {row["file"]: (row, read_report(shared / "corpus" / row["file"])) for row in _text_reports(shared)}


def test_year_and_template_agree_with_the_manifest(flattened):
    for row, report in flattened.values():
        assert report.record["year"] == int(row["year"])
        assert report.record["section3_template"] == row["template"]
        assert report.record["agency"] == "平潭综合实验区"  # as the title names it


def test_run_together_section3_is_split_by_its_own_arithmetic(flattened):
    """Every section 三 cell is either split uniquely or left null with candidates."""
    for name, (_, report) in flattened.items():
        section3 = report.record["section3"]
        open_rows = {u["row"] for u in report.unresolved if u["section"] == "section3"}
        for row, values in section3.items():
            if row in open_rows:
                assert values == [None] * 7, (name, row)
            else:
                assert None not in values, (name, row)
        print(name, "section3 rows unresolved:", sorted(open_rows) or "none",
              "| failed identities:", [f.message for f in report.checks] or "none")


def test_known_identity_failure_of_2020_is_recorded_not_fixed(flattened):
    _, report = flattened["flattened/pingtan_2020_gwh.txt"]
    failed = {(f.identity, f.column) for f in report.checks}
    assert (3, "total") in failed
    assert report.record["section3"]["total_processed"][-1] == 21


def test_2023_values_as_printed(flattened):
    _, report = flattened["flattened/pingtan_2023_gwh.txt"]
    assert report.record["section3"]["new_received"] == [80, 1, 0, 0, 0, 0, 81]
    assert report.record["section3"]["granted"] == [22, 0, 0, 0, 0, 0, 22]
    assert report.checks == []


def test_section2_runs_that_split_many_ways_stay_null_with_candidates(flattened):
    for name, (_, report) in flattened.items():
        normative = report.record["section2"]["normative_documents"]
        open_items = {u["row"] for u in report.unresolved if u["section"] == "section2"}
        assert "normative_documents" in open_items and set(normative.values()) == {None}, name


def test_corpus_reports_with_truth_carry_its_header_and_locality(shared):
    import json

    truth = json.loads((shared / "truth" / "corpus.json").read_text(encoding="utf-8"))["reports"]
    fields = ("agency", "year", "province", "prefecture", "county", "division_code", "level",
              "section2_template", "section3_template", "processing_fee_yuan")
    for name, expected in truth.items():
        [path] = list((shared / "corpus").rglob(name))
        record = read_report(path).record
        assert {f: record[f] for f in fields} == {f: expected[f] for f in fields}, name


def test_every_pingtan_report_is_placed_in_its_county(flattened):
    for _, report in flattened.values():
        record = report.record
        assert (record["province"], record["division_code"], record["level"]) == ("福建省", "350128", "county")
