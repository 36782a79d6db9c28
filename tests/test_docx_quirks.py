"""DOCX and HTML quirks: tracked changes read as accepted, tables pasted as pictures
(read by OCR, or the report fails as ``tables_are_images``), frame tables, and
pictures that are hostile. Documents are built here with python-docx and PIL."""
from __future__ import annotations

import base64
import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from PIL import Image, ImageOps

from toolkit import read_report
from toolkit.errors import TablesAreImages
from toolkit.readers import docx as docx_reader
from toolkit.readers import html as html_reader
from toolkit.readers.pictures import MAX_PIXELS, tables_are_images
from toolkit.synthetic import Noise, document, make_record, render_docx, render_scan

from conftest import docx_bytes

TITLE = "合成县人民政府2023年政府信息公开工作年度报告"
SECTION3 = "三、收到和处理政府信息公开申请情况"


def _read_docx(build):
    return docx_reader.read(Path("r.docx"), docx_bytes(build))


def _revision(kind: str, text: str, number: int) -> object:
    """A run inserted (``w:ins``) or deleted (``w:del``) as a tracked change."""
    tag = "w:t" if kind == "ins" else "w:delText"
    return parse_xml(f'<w:{kind} {nsdecls("w")} w:id="{number}" w:author="审核人" w:date="2024-01-20T00:00:00Z">'
                     f"<w:r><{tag}>{text}</{tag}></w:r></w:{kind}>")


def _table(word, rows: list[list[str]]):
    table = word.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return table


def _png(width: int, height: int, color: int = 255) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


# --- tracked changes ----------------------------------------------------------------

def test_a_number_changed_with_tracked_changes_reads_as_accepted_with_a_note():
    def build(word):
        word.add_paragraph(SECTION3)
        table = _table(word, [["行政复议", "1", "2"], ["行政诉讼", "", "4"]])
        cell = table.cell(1, 1).paragraphs[0]._p
        cell.append(_revision("del", "12", 1))
        cell.append(_revision("ins", "21", 2))

    read = _read_docx(build)
    assert read.text.splitlines()[1:] == ["行政复议\t1\t2", "行政诉讼\t21\t4"]
    assert read.grids[0].rows == (("行政复议", "1", "2"), ("行政诉讼", "21", "4"))
    assert read.details["tracked_changes"] == {"insertions": 1, "deletions": 1}
    assert read.details["notes"] == ["the document holds unaccepted tracked changes (1 insertion, 1 deletion): "
                                     "read as displayed with them accepted"]


def test_a_deleted_row_is_gone_and_an_inserted_row_is_kept():
    def build(word):
        table = _table(word, [["行政复议", "1"], ["旧行", "9"], ["新行", "3"], ["总计", "4"]])
        table.rows[1]._tr.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:del w:id="1" w:author="x"/></w:trPr>'))
        table.rows[2]._tr.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:ins w:id="2" w:author="x"/></w:trPr>'))

    read = _read_docx(build)
    assert read.grids[0].rows == (("行政复议", "1"), ("新行", "3"), ("总计", "4"))
    assert read.text.splitlines() == ["行政复议\t1", "新行\t3", "总计\t4"]
    assert read.details["tracked_changes"] == {"insertions": 1, "deletions": 1}
    assert "(1 insertion, 1 deletion)" in read.details["notes"][0]


def test_prose_with_tracked_changes_and_a_deleted_paragraph_mark_reads_as_displayed():
    def build(word):
        first = word.add_paragraph("本机关")._p
        first.append(_revision("ins", "全年", 1))
        first.append(_revision("del", "上半年", 2))
        first.get_or_add_pPr().append(parse_xml(f'<w:rPr {nsdecls("w")}><w:del w:id="3" w:author="x"/></w:rPr>'))
        word.add_paragraph("公开信息27条。")

    read = _read_docx(build)
    assert read.text == "本机关全年公开信息27条。"
    assert read.details["tracked_changes"] == {"insertions": 1, "deletions": 2}


def test_a_document_without_tracked_changes_has_no_note():
    read = _read_docx(lambda word: _table(word, [["行政复议", "1"]]))
    assert read.details == {"paragraphs": 0, "tables": 1}


# --- frame tables ---------------------------------------------------------------------

def test_docx_tables_inside_a_frame_table_are_read_as_the_tables():
    def build(word):
        frame = word.add_table(rows=1, cols=1).cell(0, 0)
        frame.paragraphs[0].text = SECTION3
        inner = frame.add_table(rows=2, cols=2)
        for (r, c), text in zip([(0, 0), (0, 1), (1, 0), (1, 1)], ["行政复议", "1", "行政诉讼", "2"]):
            inner.cell(r, c).text = text
        frame.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")

    read = _read_docx(build)
    assert read.text.splitlines() == [SECTION3, "行政复议\t1", "行政诉讼\t2", "四、政府信息公开行政复议、行政诉讼情况"]
    # python-docx puts an empty paragraph after a table in a cell: paragraph 2
    assert read.locations == ("paragraph 1", "table 1, row 1", "table 1, row 2", "paragraph 3")
    assert [grid.rows for grid in read.grids] == [(("行政复议", "1"), ("行政诉讼", "2"))]
    assert read.details["tables"] == 1


def test_a_one_cell_frame_of_paragraphs_is_read_as_paragraphs_a_one_cell_table_as_a_table():
    def build(word):
        frame = word.add_table(rows=1, cols=1).cell(0, 0)
        frame.paragraphs[0].text = TITLE
        frame.add_paragraph(SECTION3)
        word.add_table(rows=1, cols=1).cell(0, 0).text = "无"

    read = _read_docx(build)
    assert read.text.splitlines() == [TITLE, SECTION3, "无"]
    assert read.locations == ("paragraph 1", "paragraph 2", "table 1, row 1")


def test_html_one_cell_frame_of_several_lines_is_read_as_text():
    page = (f"<html><body><table><tr><td><p>{TITLE}</p><p>{SECTION3}</p></td></tr></table>"
            "<table><tr><td>无</td></tr></table></body></html>")
    read = html_reader.read(Path("p.html"), page.encode())
    assert read.text.splitlines() == [TITLE, SECTION3, "无"]
    assert read.locations == ("text", "text", "table 1, row 1")


# --- tables pasted as pictures: read by OCR ---------------------------------------------

@pytest.fixture(scope="module")
def pictured(tmp_path_factory):
    """A synthetic report as DOCX with its largest table (section 三) pasted as a picture."""
    record, fee_sentence = make_record(random.Random("pictured"))
    rng = random.Random(1)
    blocks = document(record, fee_sentence)
    tables = [i for i, (kind, _) in enumerate(blocks) if kind == "table"]
    blocks[tables[1]] = ("image", (_cropped(render_scan([blocks[tables[1]]], Noise(), rng)), None))
    path = tmp_path_factory.mktemp("pictured") / "pictured.docx"
    path.write_bytes(render_docx(blocks, Noise(), rng))
    return record, read_report(path)


def _cropped(png: bytes, margin: int = 20) -> bytes:
    """The page cut to its ink, as a table pasted as a screenshot."""
    page = Image.open(io.BytesIO(png)).convert("L")
    left, top, right, bottom = ImageOps.invert(page).getbbox()
    buffer = io.BytesIO()
    page.crop((left - margin, top - margin, right + margin, bottom + margin)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_tables_pasted_as_pictures_in_a_docx_are_read_by_ocr(pictured):
    record, report = pictured
    for section in ("section2", "section3", "section4"):
        assert report.record[section] == record[section], section
    images = report.provenance["reader"]["images"]
    assert [(image["image"], image["ocr"], image["tables"]) for image in images] == [("word/media/image1.png", True, 1)]
    assert report.provenance["reader"]["ocr"] is True
    read_at = {section: set(where["read_at"].values()) for section, where in report.provenance["tables"].items()}
    assert all(at.startswith("picture word/media/image1.png, page 1, table 1, row ") for at in read_at["section3"])
    assert all(at.startswith("table 1, row ") for at in read_at["section2"])
    assert all(at.startswith("table 2, row ") for at in read_at["section4"])


# --- pictures not read: listed, and the report fails as tables_are_images ---------------

def _linked_picture(word):
    """A picture linked to a file on the web (``r:link``), not stored in the document."""
    word.add_paragraph(TITLE)
    word.add_paragraph().add_run().add_picture(io.BytesIO(_png(300, 200)))
    blip = word.element.body.xpath(".//a:blip")[0]
    link = word.part.relate_to("http://example.org/table.png", RELATIONSHIP_TYPE.IMAGE, is_external=True)
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), link)


def test_a_linked_picture_is_listed_not_fetched_and_named_as_the_reason(tmp_path):
    read = _read_docx(_linked_picture)
    assert read.details["images"] == [{"image": "http://example.org/table.png", "ocr": False,
                                       "why": "linked image, not embedded in the document: not fetched"}]
    assert "http://example.org/table.png: linked image" in tables_are_images(read)
    (tmp_path / "linked.docx").write_bytes(docx_bytes(_linked_picture))
    with pytest.raises(TablesAreImages, match=r"tables are images: 1 picture .*example\.org/table\.png") as failed:
        read_report(tmp_path / "linked.docx")
    assert failed.value.reason == "tables_are_images"


def test_a_page_of_only_images_fails_as_tables_are_images_naming_them(tmp_path):
    blank = "data:image/png;base64," + base64.b64encode(_png(400, 300)).decode()
    icon = "data:image/png;base64," + base64.b64encode(_png(16, 16)).decode()
    page = (f"<html><head><title>{TITLE}</title></head><body><p><img src='{icon}'><img src='/logo.gif' width='32'></p>"
            f"<p><img src='/upload/table1.jpg'></p><table><tr><td><img src='{blank}'></td></tr></table></body></html>")
    (tmp_path / "images.html").write_text(page, encoding="utf-8")
    read = html_reader.read(Path("images.html"), page.encode())
    assert [(image["image"], image["ocr"]) for image in read.details["images"]] == [
        ("img 3 (/upload/table1.jpg)", False), ("img 4", True)]  # the icon and the small logo passed over
    assert read.details["images"][1]["tables"] == 0
    with pytest.raises(TablesAreImages, match=r"2 pictures not read or holding no table "
                                              r"\(img 3 \(/upload/table1\.jpg\): external image, not fetched; "
                                              r"img 4: read by OCR, no table in it\)"):
        read_report(tmp_path / "images.html")


def test_a_report_whose_tables_are_text_is_not_blamed_on_its_pictures():
    read = _read_docx(lambda word: _table(word, [["行政复议", "1"]]))
    assert tables_are_images(read) is None


# --- hostile pictures: listed, never a crash --------------------------------------------

def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` pixels and holds almost nothing."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def _with_media(data: bytes, media: dict[str, bytes]) -> bytes:
    """The package with some of its parts' bytes replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, media.get(info.filename, source.read(info)))
    return out.getvalue()


def test_hostile_pictures_are_listed_with_their_reason_not_read():
    def build(word):
        word.add_paragraph(TITLE)
        for n in range(5):
            word.add_paragraph().add_run().add_picture(io.BytesIO(_png(200 + n, 200)))

    pictures = {
        "word/media/image1.png": _png_header(50_000, 50_000),  # a decompression bomb: 2.5 gigapixels
        "word/media/image2.png": _png_header(8_000, 6_000),  # under PIL's limit, over ours
        "word/media/image3.png": b"\x89PNG garbage" * 100,
        "word/media/image4.png": _png(300, 200)[:60],  # cut short
        "word/media/image5.png": _png_header(100, 20_000),  # a strip
    }
    read = docx_reader.read(Path("r.docx"), _with_media(docx_bytes(build), pictures))
    why = {image["image"]: image["why"] for image in read.details["images"]}
    assert list(why) == list(pictures)
    assert why["word/media/image1.png"] == f"more than {MAX_PIXELS / 1e6:.0f} megapixels: not decoded"
    assert why["word/media/image2.png"].startswith("8000×6000 pixels, more than 40 megapixels")
    assert why["word/media/image3.png"].startswith("not a picture that can be decoded")
    assert why["word/media/image4.png"].startswith("not a picture that can be decoded")
    assert "a strip" in why["word/media/image5.png"]
    assert read.text == TITLE and read.grids == ()


def test_a_legacy_vml_picture_is_found():
    def build(word):
        word.add_paragraph().add_run().add_picture(io.BytesIO(_png(300, 200)))
        blip = word.element.body.xpath(".//a:blip")[0]
        picture = parse_xml(f'<w:pict {nsdecls("w", "r")} xmlns:v="urn:schemas-microsoft-com:vml"><v:shape>'
                            f'<v:imagedata r:id="{blip.get(qn("r:embed"))}"/></v:shape></w:pict>')
        drawing = blip.xpath("ancestor::w:drawing")[0]
        drawing.getparent().replace(drawing, picture)

    read = docx_reader.read(Path("r.docx"), _with_media(docx_bytes(build), {"word/media/image1.png": b"not a picture"}))
    assert [image["image"] for image in read.details["images"]] == ["word/media/image1.png"]
