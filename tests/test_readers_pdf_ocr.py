"""PDF and OCR readers: the seed truth rendered to PDF (two font embeddings) and
scanned (tests/fixtures, see its README), the real PDF of ../shared/corpus, and
broken input. Each scan is read by OCR once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import build_corpus, read_report
from toolkit.cells import fit
from toolkit.errors import DamagedFile, EncryptedFile
from toolkit.readers import pdf as pdf_reader
from toolkit.readers.grid import UNREADABLE_CELL
from toolkit.readers.pages import Grid, Line, to_document

from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
HEADER = ("agency", "year", "section2_template", "section3_template", "processing_fee_yuan")
VALUES_PER_SEED = 984


def _numbers(record: dict):
    """(section, row, column) -> value for every statistic of a record."""
    for section in ("section2", "section4"):
        for row, cells in (record[section] or {}).items():
            for column, value in cells.items():
                yield (section, row, column), value
    for row, values in (record["section3"] or {}).items():
        for column, value in enumerate(values):
            yield ("section3", row, column), value


def _compare(record: dict, truth: dict) -> tuple[int, list]:
    got = dict(_numbers(record))
    wrong = [(where, value, got.get(where, "missing")) for where, value in _numbers(truth)
             if got.get(where, "missing") != value]
    return len(list(_numbers(truth))), wrong + [(key, truth[key], record[key]) for key in HEADER if record[key] != truth[key]]


def _seed(path: Path) -> str:
    return f"{path.stem}.txt"


# --- text-layer PDFs ----------------------------------------------------------

@pytest.mark.parametrize("embedding", ["cff", "cff_tight", "truetype"])
def test_seed_pdfs_give_back_exactly_the_truth(seeds_truth, embedding):
    compared, wrong = 0, []
    for path in sorted((FIXTURES / "pdf" / embedding).glob("*.pdf")):
        record = read_report(path).to_dict()
        count, errors = _compare(record, seeds_truth["reports"][_seed(path)])
        compared += count
        wrong += [(path.name, *error) for error in errors]
        assert record["checks"]["failed"] == [] and record["provenance"]["reader"]["ocr"] is False
    assert compared == (VALUES_PER_SEED if embedding != "cff_tight" else 398)
    assert wrong == []


def test_a_table_across_pages_is_one_table_with_its_rows_located():
    path = FIXTURES / "pdf" / "cff" / "004_05aca36cc1e89005.pdf"
    report = read_report(path)
    reader = report.provenance["reader"]
    assert [t["pages"] for t in reader["tables"]] == [[1], [1, 2], [2]]
    assert {s["engine"] for s in reader["sections"].values()} == {"pdfplumber"}
    assert "no second opinion needed" in reader["sections"]["section3"]["why"]
    read_at = report.provenance["tables"]["section3"]["read_at"]
    assert read_at["new_received"].startswith("page 1, table 2, row")
    assert read_at["unable_needs_creation"].startswith("page 2, table 2, row")


def test_camelot_lattice_shifts_chinese_labels_and_the_identities_say_so():
    path = FIXTURES / "pdf" / "cff_tight" / "004_05aca36cc1e89005.pdf"
    with pdf_reader.open_pdf(path, path.read_bytes()) as pdf:
        judged = {engine: pdf_reader._judge(pdf_reader.lift(pdf, path, engine)) for engine in pdf_reader.ENGINES[:2]}
    assert judged["pdfplumber"]["section3"]["score"] == (0, 0, 0, 0)
    failed, unread, *_ = judged["camelot-lattice"]["section3"]["score"]
    assert failed > 0 and unread > 0


def test_a_section_is_taken_from_the_engine_whose_reading_holds(seeds_truth, monkeypatch):
    """pdfplumber made to lose section 四's numbers: camelot's reading of that section is kept."""
    plumber = pdf_reader._plumber_grids

    def losing_section4(pages):
        found = plumber(pages)
        _, rows, _ = found[max(found)][-1]
        rows[-1] = ["" for _ in rows[-1]]
        return found

    monkeypatch.setattr(pdf_reader, "_plumber_grids", losing_section4)
    path = FIXTURES / "pdf" / "cff" / "004_05aca36cc1e89005.pdf"
    report = read_report(path)
    sections = report.provenance["reader"]["sections"]
    assert sections["section4"]["engine"] == "camelot-lattice"
    assert sections["section4"]["scores"]["pdfplumber"]["blank"] == 15
    assert sections["section3"]["engine"] == "pdfplumber"
    assert report.provenance["tables"]["section4"]["read_at"]["reconsideration"].endswith("(camelot-lattice)")
    assert _compare(report.to_dict(), seeds_truth["reports"][_seed(path)])[1] == []


# --- scans --------------------------------------------------------------------

@pytest.fixture(scope="session")
def scans() -> dict:
    """Every scan fixture read once: seed name -> report."""
    return {_seed(path): read_report(path) for path in sorted((FIXTURES / "scans").iterdir())}


def test_ocr_reads_99_percent_exactly_and_flags_every_other_value(scans, seeds_truth):
    compared, wrong = 0, []
    for name, report in scans.items():
        record = report.to_dict()
        count, errors = _compare(record, seeds_truth["reports"][name])
        compared += count
        for where, expected, got in errors:
            assert got is None, f"{name}: {where} read as {got}, not {expected}: a guess, not flagged"
            row = where[1] if isinstance(where, tuple) else where
            assert any(row in note and "not read with confidence" in note for note in record["notes"]), (name, where)
            wrong.append((name, where))
    assert compared == VALUES_PER_SEED
    assert len(wrong) <= 0.01 * compared
    assert sorted(wrong) == [("003_8d388e7911cc997b.txt", ("section3", "new_received", 2)),
                             ("003_8d388e7911cc997b.txt", ("section3", "new_received", 6))]


def test_an_ocr_record_says_so_with_its_confidence(scans):
    reader = scans["003_8d388e7911cc997b.txt"].provenance["reader"]
    assert reader["ocr"] is True and reader["ocr_engine"].startswith("rapidocr ")
    assert 0.9 < reader["mean_confidence"] <= 1 and reader["min_confidence"] <= reader["mean_confidence"]
    assert [(c["at"].split(", row")[0], c["cell"]) for c in reader["low_confidence_cells"]] == [
        ("page 1, table 2", 4), ("page 1, table 2", 8)]
    assert all(c["confidence"] < 0.9 for c in reader["low_confidence_cells"])
    assert all(isinstance(c, (float, list)) for c in reader["line_confidence"])


def test_a_pdf_without_text_layer_is_read_by_ocr(scans):
    report = scans["004_05aca36cc1e89005.txt"]
    assert report.provenance["format"] == "pdf"
    assert report.provenance["reader"]["ocr_pages"] == [1, 2]
    assert report.checks == []


# --- the real PDF -------------------------------------------------------------

def test_huaian_2024_is_read_whole_with_every_identity_holding(shared):
    report = read_report(shared / "corpus" / "huaian_2024_szf.pdf")
    record = report.to_dict()
    assert (record["agency"], record["year"], record["division_code"]) == ("淮安市人民政府", 2024, "320800")
    assert (record["section2_template"], record["section3_template"]) == ("2021", "2021")
    assert record["checks"]["failed"] == []
    assert all(v is not None for _, v in _numbers(record))
    assert record["section3"]["new_received"] == [3001, 53, 0, 0, 61, 4, 3119]
    assert record["section3"]["unable_not_held"] == [746, 12, 0, 0, 10, 1, 769]
    assert record["section3"]["carried_forward"] == [103, 0, 0, 0, 0, 0, 103]
    assert record["section4"]["reconsideration"] == {"upheld": 72, "corrected": 64, "other": 178, "pending": 37, "total": 351}
    assert record["section2"]["administrative_fees"] == {"amount_10k_yuan": 96171.6}
    assert record["processing_fee_yuan"] == 3940
    read_at = report.provenance["tables"]["section3"]["read_at"]
    assert read_at["unable_not_held"].startswith("page 4,") and read_at["unable_needs_creation"].startswith("page 5,")
    assert [t["pages"] for t in report.provenance["reader"]["tables"]] == [[3, 4], [4, 5], [5]]


# --- page layout, unit --------------------------------------------------------

def test_a_row_cut_by_the_page_break_is_joined_again():
    blocks = [Grid(1, 0, [["结果维持", "尚未"]]), Line(1, 50, "- 2 -"),
              Grid(2, 0, [["", "审结"], ["6", "3"]])]
    assert to_document(blocks, format="pdf", extractor="x").text.splitlines() == ["结果维持\t尚未审结", "6\t3"]


def test_a_new_row_after_the_break_is_not_joined():
    blocks = [Grid(1, 0, [[None, "（四）无法提供", "3.补正后申请内容仍不明确", "1"]]),
              Grid(2, 0, [["", "（五）不予处理", "1.信访举报投诉类申请", "2"]])]
    lines = to_document(blocks, format="pdf", extractor="x").text.splitlines()
    assert lines == ["（四）无法提供\t3.补正后申请内容仍不明确\t1", "（五）不予处理\t1.信访举报投诉类申请\t2"]


def test_a_title_wrapped_over_lines_becomes_one_line():
    blocks = [Line(1, 0, "淮安市人民政府", size=22, bottom=22), Line(1, 28, "2024 年政府信息公开工作年度报告", size=22, bottom=50),
              *[Line(1, 60 + 20 * i, "正文", size=16, bottom=76 + 20 * i) for i in range(3)]]
    assert to_document(blocks, format="pdf", extractor="x").text.splitlines()[0] == "淮安市人民政府2024 年政府信息公开工作年度报告"


def test_an_unreadable_cell_is_null_with_a_note_naming_it():
    got = fit(f"3 {UNREADABLE_CELL} 0", 3)
    assert got.values == [3, None, 0] and "cell(s) [2] not read with confidence" in got.note


# --- broken input -------------------------------------------------------------

@pytest.mark.parametrize("name, make, error, words", [
    ("locked.pdf", (FIXTURES / "pdf" / "encrypted.pdf").read_bytes, EncryptedFile, "password-protected"),
    ("cut.pdf", lambda: (FIXTURES / "pdf" / "cff" / "000_323c267c87cacc94.pdf").read_bytes()[:40_000], DamagedFile,
     "damaged or truncated"),
    ("cut_after_xref.pdf", lambda: (FIXTURES / "pdf" / "cff" / "000_323c267c87cacc94.pdf").read_bytes()[:-8], DamagedFile,
     "truncated"),
    ("junk.pdf", lambda: b"%PDF-1.4 not really", DamagedFile, "damaged or truncated"),
    ("junk.png", lambda: b"\x89PNG\r\n\x1a\n" + bytes(64), DamagedFile, "image cannot be decoded"),
])
def test_broken_pdfs_and_images_raise_a_clear_report_error(tmp_path, name, make, error, words):
    (tmp_path / name).write_bytes(make())
    with pytest.raises(error, match=words) as raised:
        read_report(tmp_path / name)
    assert str(tmp_path / name) in str(raised.value)


def test_a_batch_lists_broken_pdfs_with_their_reason(tmp_path):
    (tmp_path / "locked.pdf").write_bytes((FIXTURES / "pdf" / "encrypted.pdf").read_bytes())
    (tmp_path / "cut.pdf").write_bytes((FIXTURES / "pdf" / "truetype" / "001_45c66cdd23912b77.pdf").read_bytes()[:30_000])
    corpus = build_corpus([tmp_path], progress=False)
    assert {f["file"]: f["reason"] for f in corpus.failures} == {"locked.pdf": "encrypted", "cut.pdf": "damaged"}
