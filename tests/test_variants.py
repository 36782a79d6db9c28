"""Property tests on the real-world publishing variants (``toolkit.variants``).

For every class, a few reports (OCR classes: one, ids ending in ``-ocr``, deselect
with ``-k "not ocr"``) are read back and compared cell by cell with what they print
(sections 二, 三, 四 and the 信息处理费): no report is lost, no value is wrong (a
number that is not the printed one), and every value left null has a note naming
its section and row. ``benchmarks/variants.py`` measures the same over many seeds.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from toolkit import read_report, synthetic, variants

SEEDS, OCR_SEEDS = (0, 1), (0,)
CASES = [pytest.param(name, seed, id=f"{name}-{seed}" + ("-ocr" if how.ocr else ""))
         for name, how in variants.VARIANTS.items() for seed in (OCR_SEEDS if how.ocr else SEEDS)]
PDF = "pdf" in synthetic.available_layouts()


def read(report: synthetic.Synthetic) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / report.name
        path.write_bytes(report.data)
        return read_report(path).to_dict()


@pytest.mark.parametrize("name, seed", CASES)
def test_a_variant_reads_as_printed_or_null_with_a_note(name, seed):
    if variants.VARIANTS[name].layout in ("pdf", "scan") or variants.VARIANTS[name].ocr:
        if not PDF:
            pytest.skip("PDF, scans and pictures need reportlab and toolkit/readers/pdf.py")
    report = variants.variant(seed, name)
    verdicts = variants.compare(read(report), report.expected)
    wrong = [(key, got, expected) for key, got, expected, verdict in verdicts if verdict == "wrong"]
    unexplained = [(key, expected) for key, _, expected, verdict in verdicts if verdict == "unexplained"]
    assert wrong == [], f"{report.name}: wrong values (read, printed): {wrong}"
    assert unexplained == [], f"{report.name}: null without a note naming its section and row: {unexplained}"


# --- the generator itself -------------------------------------------------------------------

def test_a_variant_is_the_same_for_the_same_seed():
    for name in ("groups_repeated_html", "labels_misprinted_tabs", "tracked_changes_docx"):
        first, second = variants.variant(5, name), variants.variant(5, name)
        assert first.expected == second.expected and first.name == second.name
        assert name.endswith("docx") or first.data == second.data  # a Word file carries its save time


def test_every_variant_file_is_marked_synthetic():
    for name, how in variants.VARIANTS.items():
        if how.ocr or how.layout == "pdf":
            continue
        report = variants.variant(1, name)
        assert report.name.startswith("SYNTHETIC_1_") and "合成" in report.expected["agency"], name


def test_a_variant_prints_the_same_record_as_the_plain_report_unless_it_changes_it():
    assert variants.variant(4, "continued_html").expected == synthetic.synthesize(4, "html").expected
    spaced = variants.variant(4, "numbers_spaced_html")
    assert spaced.expected["section3"]["granted"][0] >= 1000  # large numbers drawn on purpose
    assert " " in spaced.data.decode().split(spaced.expected["agency"])[-1]


def test_a_deleted_tracked_value_is_expected_blank():
    reports = [variants.variant(seed, "tracked_changes_docx") for seed in range(12)]
    blanks = [r for r in reports if any(None in row for row in r.expected["section3"].values())]
    assert blanks, "no value deleted as a tracked change in 12 seeds"


def test_a_misprint_stays_closer_to_its_own_label():
    report = variants.variant(2, "labels_misprinted_tabs")
    plain = synthetic.synthesize(2, "tabs")
    changed = set(report.data.decode().splitlines()) - set(plain.data.decode().splitlines())
    assert changed and report.expected == plain.expected


def test_the_oracle_tells_right_null_and_wrong():
    expected = {"section2": {}, "section3": {"granted": [1, 2]}, "section4": {}, "processing_fee_yuan": 0}
    read_back = {"section3": {"granted": [1, None]}, "processing_fee_yuan": 5, "notes": []}
    assert [v for *_, v in variants.compare(read_back, expected)] == ["right", "unexplained", "wrong"]
    read_back["notes"] = ["section3: partially_granted (line 3): three cells for seven"]
    assert variants.compare(read_back, expected)[1][3] == "unexplained"  # another row's note
    read_back["notes"] = ["section3: granted (line 3): three cells for seven"]
    assert variants.compare(read_back, expected)[1][3] == "null"
