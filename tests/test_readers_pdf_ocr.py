"""PDF and OCR readers: the seed truth rendered to PDF (two font embeddings) and
scanned (tests/fixtures, see its README), the real PDF of ../shared/corpus, and
broken input. Each scan is read by OCR once per session; the OCR engine's answers
are kept between sessions (``toolkit/readers/ocr_cache.py``, tested here too)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from toolkit import build_corpus, read_report, synthetic, variants
from toolkit.cells import fit
from toolkit.errors import DamagedFile, EncryptedFile
from toolkit.readers import Document, ocr, ocr_cache
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
    assert "no second opinion needed" in sections["section3"]["why"]
    assert report.provenance["tables"]["section4"]["read_at"]["reconsideration"].endswith("(camelot-lattice)")
    # camelot read section 四's page only, and lattice's perfect reading left stream nothing to win
    assert report.provenance["reader"]["second_opinion_pages"] == {"camelot-lattice": [2]}
    assert _compare(report.to_dict(), seeds_truth["reports"][_seed(path)])[1] == []


def test_a_report_inconsistent_as_printed_gets_no_second_opinion(tmp_path, monkeypatch):
    """Section 三's total misprinted: pdfplumber read every cell of the grid, so camelot,
    reading the same text layer, is not asked; the record says why."""
    report = synthetic.synthesize("misprint", "pdf", synthetic.Noise(broken=(3,)))
    path = tmp_path / report.name
    path.write_bytes(report.data)
    monkeypatch.setattr(pdf_reader, "_camelot_grids", lambda *args: pytest.fail("camelot was asked"))
    read = read_report(path)
    reader, record = read.provenance["reader"], read.to_dict()
    assert reader["sections"]["section3"]["engine"] == "pdfplumber"
    assert "pdfplumber read every cell; the identities fail as printed" in reader["sections"]["section3"]["why"]
    assert reader["sections"]["section3"]["scores"] == {"pdfplumber": {"failed": 2, "unread": 0, "notes": 0, "blank": 0}}
    assert "no second opinion needed" in reader["sections"]["section4"]["why"]
    assert "second_opinion_pages" not in reader
    assert {(f["identity"], f["section"], f["row"], f["column"]) for f in record["checks"]["failed"]} == set(report.failed)
    assert [c for c in variants.compare(record, report.expected) if c[3] != "right"] == []


def test_camelot_reads_only_the_pages_of_the_section_that_needs_it(shared, monkeypatch):
    """pdfplumber made to lose section 四's last row of the 6-page real PDF: camelot reads
    page 5, where section 四 is printed, and gives back the published values."""
    path = shared / "corpus" / "huaian_2024_szf.pdf"
    published = read_report(path).to_dict()
    plumber, camelot, asked = pdf_reader._plumber_grids, pdf_reader._camelot_grids, []

    def losing_section4(pages):
        found = plumber(pages)
        _, rows, _ = [table for n in sorted(found) for table in found[n]][-1]
        rows[-1] = ["" for _ in rows[-1]]
        return found

    def counted(path, pages, flavor):
        asked.append((flavor, [page.page_number for page in pages]))
        return camelot(path, pages, flavor)

    monkeypatch.setattr(pdf_reader, "_plumber_grids", losing_section4)
    monkeypatch.setattr(pdf_reader, "_camelot_grids", counted)
    report = read_report(path)
    assert asked == [("lattice", [5])]
    assert report.provenance["reader"]["sections"]["section4"]["engine"] == "camelot-lattice"
    assert {s: report.to_dict()[s] for s in ("section2", "section3", "section4")} == {
        s: published[s] for s in ("section2", "section3", "section4")}


def test_a_sections_pages_are_those_of_its_lines_and_of_every_table_they_were_read_from():
    document = Document(text="\n".join("abcdef"), format="pdf", extractor="x",
                        locations=("page 1", "page 2", "page 2, table 2, row 4", "page 3, table 2, row 9",
                                   "page 6", "page 7, table 3, row 1"),
                        details={"tables": [{"table": 1, "pages": [1]}, {"table": 2, "pages": [1, 2, 3, 4]},
                                            {"table": 3, "pages": [7, 8]}]})
    assert pdf_reader._pages_of(document, (2, 5)) == {1, 2, 3, 4}
    assert pdf_reader._pages_of(document, (5, 7)) == {6, 7, 8}


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


@pytest.fixture
def piece() -> np.ndarray:
    """The top of a scan: a few lines of title and prose, quick to read."""
    return np.asarray(Image.open(FIXTURES / "scans" / "000_323c267c87cacc94.png").convert("L"))[:260]


def test_ocr_answers_are_kept_and_served_for_the_same_pixels_and_engine_only(tmp_path, monkeypatch, piece):
    monkeypatch.setenv(ocr_cache.VARIABLE, str(tmp_path))
    recognise, calls = type(ocr._engine()).__call__, []
    monkeypatch.setattr(type(ocr._engine()), "__call__", lambda self, image: calls.append(1) or recognise(self, image))
    first = ocr.read_pages([(1, piece)])
    kept = list(tmp_path.glob("ocr-*/text-*.npz"))
    assert calls == [1] and len(kept) == 1 and first[0]
    assert ocr.read_pages([(1, piece.copy())]) == first and calls == [1]  # the same pixels: served
    kept[0].write_bytes(b"cut short")
    assert ocr.read_pages([(1, piece)]) == first and calls == [1, 1]  # a damaged answer: read again
    changed = piece.copy()
    changed[5, 5] = 255 - changed[5, 5]
    ocr.read_pages([(1, changed)])
    assert calls == [1, 1, 1]  # one pixel changed: read again
    monkeypatch.setattr(ocr_cache, "fingerprint", lambda engine: "another engine or other code")
    assert ocr.read_pages([(1, piece)]) == first and calls == [1, 1, 1, 1]  # read again, and the same
    assert [p.parent for p in tmp_path.glob("ocr-*/*.npz")] == [tmp_path / "ocr-another engine o"]  # old ones gone


def test_ocr_answers_are_not_kept_without_the_variable_nor_from_stand_ins(tmp_path, monkeypatch, piece):
    monkeypatch.delenv(ocr_cache.VARIABLE, raising=False)
    plain = ocr.read_pages([(1, piece)])
    monkeypatch.setenv(ocr_cache.VARIABLE, str(tmp_path))
    engine, find_text = ocr._engine(), ocr._find_text
    with monkeypatch.context() as patched:
        patched.setattr(ocr, "_engine", lambda: engine)  # not the module's own function: nothing kept
        assert ocr.read_pages([(1, piece)]) == plain
    monkeypatch.setattr(ocr, "_find_text", lambda pieces: find_text(pieces))  # nor from another asking code
    assert ocr.read_pages([(1, piece)]) == plain
    assert not list(tmp_path.glob("*/text-*"))


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
