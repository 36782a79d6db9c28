"""Tables over page breaks (repeated header rows, 续表), labels spanning columns, and
scans fed askew: synthetic PDFs rendered into tmp_path, small inline page blocks."""
from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from toolkit import read_report, synthetic
from toolkit.errors import ReportError
from toolkit.readers import ocr
from toolkit.readers import pdf as pdf_reader
from toolkit.readers.pages import Grid, Line, to_document

from conftest import ROOT

SECTIONS = ("section2", "section3", "section4")
HEADER_ROWS = 3  # rows of section 三's heading


def _report(seed: str, split=None):
    """A synthetic report's record and blocks; ``split`` edits the blocks."""
    record, fee = synthetic.make_record(random.Random(seed))
    blocks = synthetic.document(record, fee)
    return record, split(blocks) if split else blocks


def _section3_grid(document):
    return next(g for g in document.grids if any(row[0] and "勾稽关系" in row[0] for row in g.rows))


def _read(path: Path):
    with pdf_reader.open_pdf(path, path.read_bytes()) as pdf:
        return pdf_reader.lift(pdf, path, "pdfplumber")


# --- header rows repeated on every page ---------------------------------------

@pytest.fixture(scope="module")
def repeated(tmp_path_factory):
    """Section 三 over three pages, its three heading rows repeated at the top of pages 2 and 3."""
    record, blocks = _report("1")
    path = tmp_path_factory.mktemp("repeated") / "repeated.pdf"
    path.write_bytes(synthetic.render_pdf(blocks, synthetic.Noise(), random.Random(0), repeat_header=True, padding=6))
    return record, path


def test_header_rows_repeated_after_page_breaks_are_dropped_and_every_value_is_right(repeated):
    record, path = repeated
    report = read_report(path)
    got = report.to_dict()
    assert {s: got[s] for s in SECTIONS} == {s: record[s] for s in SECTIONS}
    assert got["checks"]["failed"] == []
    table = report.provenance["reader"]["tables"][1]
    assert table["pages"] == [1, 2, 3]
    assert table["repeated_header_rows"] == [{"page": 2, "rows": HEADER_ROWS}, {"page": 3, "rows": HEADER_ROWS}]


def test_a_table_over_three_pages_is_one_grid_with_its_header_once(repeated):
    _, path = repeated
    document = _read(path)
    grid = _section3_grid(document)
    assert sum(bool(row[0] and "勾稽关系" in row[0]) for row in grid.rows) == 1
    assert len(grid.rows) == HEADER_ROWS + 25 and {len(row) for row in grid.rows} == {10}
    lines = document.text.splitlines()
    assert lines[grid.lines[-1] - 1].startswith("四、结转下年度继续办理")
    assert "勾稽关系" not in "".join(lines[grid.lines[HEADER_ROWS] - 1:])


def test_camelot_reads_the_pages_on_one_set_of_columns(repeated):
    """camelot lattice finds 8 columns on the pages whose labels all span three, 10 on the
    page with group labels: the pages are laid on the 10, each value in its column."""
    record, path = repeated
    with pdf_reader.open_pdf(path, path.read_bytes()) as pdf:
        document = pdf_reader.lift(pdf, path, "camelot-lattice")
    grid = _section3_grid(document)
    assert {len(row) for row in grid.rows} == {10}
    rows = {row[0] or row[1]: row for row in grid.rows}
    assert rows["二、上年结转政府信息公开申请数量"][1:] == (None, None, *map(str, record["section3"]["carried_over"]))
    assert rows["(七)总计"] == (None, "(七)总计", None, *map(str, record["section3"]["total_processed"]))


# --- 续表 ------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["续表", "续表一", "（续表）"])
def test_a_table_continued_under_a_xubiao_line_is_joined(line):
    """(The synthetic PDF font has no 表, so this is on page blocks; ``Line`` is what pdfplumber gives.)"""
    blocks = [Grid(1, 0, [list(r) for r in HEAD] + [["一、本年新收", "3", "3"]]), Line(1, 700, "- 1 -"),
              Line(2, 0, line), Grid(2, 20, [list(r) for r in HEAD] + [["四、结转下年度继续办理", "1", "1"]])]
    document = to_document(blocks, format="pdf", extractor="x")
    assert line not in document.text.splitlines() and len(document.grids) == 1
    assert document.grids[0].rows[-2:] == (("一、本年新收", "3", "3"), ("四、结转下年度继续办理", "1", "1"))
    assert document.details["tables"] == [{"table": 1, "pages": [1, 2], "rows": 4, "engine": "",
                                           "repeated_header_rows": [{"page": 2, "rows": 2}],
                                           "continued_under": [{"page": 2, "line": line}]}]


def test_a_xubiao_line_before_another_table_is_kept():
    blocks = [Grid(1, 0, [["行政处罚", "3"]]), Line(2, 0, "续表"), Grid(2, 10, [["结果维持", "结果纠正", "总计"], ["1", "2", "3"]])]
    document = to_document(blocks, format="pdf", extractor="x")
    assert "续表" in document.text.splitlines() and len(document.grids) == 2


# --- page blocks, unit ------------------------------------------------------------

HEAD = [["项目", "申请人情况", None], [None, "自然人", "总计"]]


def test_repeated_header_rows_are_dropped_from_text_and_grid():
    blocks = [Grid(1, 0, HEAD + [["一、本年新收", "3", "3"]]),
              Grid(2, 0, [list(r) for r in HEAD] + [["四、结转下年度继续办理", "1", "1"]])]
    document = to_document(blocks, format="pdf", extractor="x")
    assert document.text.splitlines() == ["项目\t申请人情况", "自然人\t总计", "一、本年新收\t3\t3", "四、结转下年度继续办理\t1\t1"]
    assert [g.rows for g in document.grids] == [(*map(tuple, HEAD), ("一、本年新收", "3", "3"),
                                                ("四、结转下年度继续办理", "1", "1"))]
    assert document.grids[0].lines == (1, 2, 3, 4)


def test_a_header_row_starting_the_first_page_only_once_is_not_taken_for_a_repeat():
    """Rows that hold numbers are never dropped, even when they equal a row of the page before."""
    blocks = [Grid(1, 0, [["规章", "0", "0"]]), Grid(2, 0, [["规章", "0", "0"], ["行政许可", "1", "2"]])]
    assert len(to_document(blocks, format="pdf", extractor="x").grids[0].rows) == 3


def test_pages_of_a_table_with_coarser_columns_are_laid_on_the_finer_ones():
    """Huaian 2024: pdfplumber finds 4 columns on one page of section 二 and 2 on the next."""
    blocks = [Grid(3, 0, [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "0", "11"]],
                   columns=[74.0, 243.8, 336.4, 415.9, 518.9]),
              Grid(4, 0, [["行政处罚", "3985758"]], columns=[72.8, 243.8, 520.0])]
    document = to_document(blocks, format="pdf", extractor="x")
    assert document.grids[0].rows[-1] == ("行政处罚", "3985758", None, None)
    assert document.text.splitlines()[-1] == "行政处罚\t3985758"


def test_pages_whose_columns_do_not_line_up_are_two_tables():
    blocks = [Grid(1, 0, [["a", "1", "2"]], columns=[0, 100, 200, 300]), Grid(2, 0, [["b", "3"]], columns=[0, 150, 300])]
    document = to_document(blocks, format="pdf", extractor="x")
    assert [len(g.rows[0]) for g in document.grids] == [3, 2]
    assert [t["pages"] for t in document.details["tables"]] == [[1], [2]]


def test_a_label_spanning_two_label_columns_keeps_the_values_in_their_columns():
    """(七)总计 over the item column, read as an empty cell (camelot stream, or a rule drawn
    under the label): the spanned column is None, not a blank that shifts 95 under 商业企业."""
    rows = [["三、本年度办理结果", "（六）其他处理", "3.其他", "1", "0", "1"],
            ["", "（七）总计", "", "95", "0", "95"]]
    document = to_document([Grid(1, 0, rows)], format="pdf", extractor="x")
    assert document.grids[0].rows[1] == (None, "（七）总计", None, "95", "0", "95")
    assert document.text.splitlines()[1] == "（七）总计\t95\t0\t95"


def test_a_blank_value_cell_stays_blank():
    document = to_document([Grid(1, 0, [["（七）总计", "", "95", ""]])], format="pdf", extractor="x")
    assert document.grids[0].rows[0] == ("（七）总计", "", "95", "")


def test_merged_cells_from_pdfplumber_are_none_and_empty_cells_empty(repeated):
    _, path = repeated
    rows = {row[1]: row for row in _section3_grid(_read(path)).rows if row[1]}
    assert rows["(七)总计"][0] is None and rows["(七)总计"][2] is None
    assert rows["(二)部分公开(区分处理的,只计这一情形,不计其他情形)"][2] is None


# --- scans fed askew ----------------------------------------------------------------

def test_a_page_scanned_3_degrees_askew_is_read_with_no_wrong_value(tmp_path):
    source = ROOT / "tests" / "fixtures" / "pdf" / "truetype" / "000_323c267c87cacc94.pdf"
    page = pdfium.PdfDocument(str(source))[0].render(scale=ocr.PDF_DPI / 72, grayscale=True).to_pil().convert("L")
    page.rotate(3, resample=Image.BICUBIC, expand=True, fillcolor=255).save(tmp_path / "askew.png")
    scanned, exact = read_report(tmp_path / "askew.png").to_dict(), read_report(source).to_dict()
    assert scanned["provenance"]["reader"]["deskew_degrees"] == [3.0]
    read = [(section, row, value, exact[section][row]) for section in ("section2", "section3")
            for row, value in scanned[section].items() if value is not None]
    values = [(v, e) for *_, got, want in read
              for v, e in (zip(got.values(), want.values()) if isinstance(got, dict) else zip(got, want))]
    assert len([v for v, _ in values if v is not None]) >= 20  # page 1: section 二 and the top of 三
    assert [(v, e) for v, e in values if v is not None and v != e] == []


@pytest.mark.parametrize("angle", [-3.0, -1.5, 2.0])
def test_the_skew_angle_is_found_on_ruled_lines(angle):
    page = Image.new("L", (600, 800), 255)
    for y in range(100, 700, 40):
        page.paste(0, (50, y, 550, y + 2))
    turned = np.asarray(page.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255))
    assert ocr.skew_degrees(ocr._ink(turned)) == pytest.approx(angle, abs=0.15)
    level, found = ocr.deskewed(turned)
    assert found == pytest.approx(angle, abs=0.15) and level.shape[1] >= turned.shape[1]


NOT_PAGES = {
    "blank": np.full((200, 150), 255, np.uint8),
    "tiny": np.zeros((2, 2), np.uint8),
    "one_pixel_high": np.zeros((1, 800), np.uint8),
    "one_pixel_high_and_wide": np.zeros((3, 5000), np.uint8),
    "noise": np.random.default_rng(0).integers(0, 256, (400, 300), dtype=np.uint8),
}


@pytest.mark.parametrize("name", NOT_PAGES)
def test_deskew_never_fails_on_what_is_not_a_page(name):
    level, angle = ocr.deskewed(NOT_PAGES[name])
    assert level.ndim == 2 and level.size and abs(angle) <= ocr.SKEW_LIMIT


@pytest.mark.parametrize("name", NOT_PAGES)
def test_an_image_that_is_not_a_page_gives_a_document_or_a_report_error(tmp_path, name):
    data = io.BytesIO()
    Image.fromarray(NOT_PAGES[name]).save(data, "PNG")
    try:
        document = ocr.read(tmp_path / f"{name}.png", data.getvalue())
    except ReportError as error:
        assert str(tmp_path) in str(error)
    else:
        assert document.details["deskew_degrees"] == [0.0]


def test_a_page_turned_90_degrees_is_not_levelled_and_gives_a_report_error(tmp_path):
    """Beyond ``SKEW_LIMIT`` nothing is turned: the page reads as no report, a failure with its reason."""
    scan = Image.open(ROOT / "tests" / "fixtures" / "scans" / "000_323c267c87cacc94.png").convert("L")
    scan.crop((0, 0, scan.width, 700)).rotate(90, expand=True).save(tmp_path / "turned.png")
    with pytest.raises(ReportError) as raised:
        read_report(tmp_path / "turned.png")
    assert str(tmp_path / "turned.png") in str(raised.value)
