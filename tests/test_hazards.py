"""Size and page hazards in the readers: each hostile file, built here, gives the report's
record or fails with its reason, quickly, and makes nothing fetch or run."""
from __future__ import annotations

import io
import re
import struct
import time
import zipfile
import zlib

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, TiffImagePlugin

from toolkit import read_report, synthetic
from toolkit.errors import ImageTooLarge, ReportError
from toolkit.readers import ocr, pdf, read_document

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(scope="module")
def report_pdf():
    return synthetic.synthesize(0, "pdf").data


def _record(tmp_path, name: str, data: bytes) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    return read_report(path).record


def _reason(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReportError) as raised:
        read_report(path)
    return raised.value.reason


def _volume(report: bytes | None, before: int, after: int) -> bytes:
    """A PDF of ``before`` blank A4 pages, ``report``'s pages (if any), then ``after`` blank pages."""
    out, blank = pdfium.PdfDocument.new(), pdfium.PdfDocument.new()
    blank.new_page(595, 842)
    for _ in range(before):
        out.import_pages(blank)
    if report is not None:
        out.import_pages(pdfium.PdfDocument(report))
    for _ in range(after):
        out.import_pages(blank)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("before, read", [(0, "1–4"), (1000, "999–1004")])
def test_a_2000_page_volume_gives_its_report_from_the_pages_naming_the_statistics(tmp_path, report_pdf, before, read):
    expected = _record(tmp_path, "report.pdf", report_pdf)
    volume = tmp_path / "volume.pdf"
    volume.write_bytes(_volume(report_pdf, before, 1998 - before))
    started = time.monotonic()
    report = read_report(volume)
    assert time.monotonic() - started < 20
    assert report.record == expected and expected["section3"]
    assert any(f"2,000 pages: only pages {read} were read" in note for note in report.notes), report.notes


def test_a_long_pdf_naming_no_statistics_is_refused_unread(tmp_path):
    started = time.monotonic()
    assert _reason(tmp_path, "blank.pdf", _volume(None, pdf.MAX_PAGES + 1, 0)) == "too_many_pages"
    assert time.monotonic() - started < 5


def test_a_200_inch_page_is_not_rendered(tmp_path):
    document = pdfium.PdfDocument.new()
    document.new_page(14400, 14400)  # the largest page PDF allows: 200 × 200 inches, no text layer
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(ImageTooLarge, match="200×200 inches"):
        read_document(tmp_path / "huge.pdf", buffer.getvalue())


def _png(width: int, height: int, chunks: bytes = b"") -> bytes:
    """A PNG header declaring ``width`` × ``height`` grey pixels (data for one row only)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunks
            + chunk(b"IDAT", zlib.compress(b"\0" * (width + 1))) + chunk(b"IEND", b""))


@pytest.mark.parametrize("side", [10_000, 30_000])  # over Pillow's warning limit (89 M), and its error limit
def test_a_png_decompression_bomb_is_refused_before_decoding(tmp_path, side):
    assert _reason(tmp_path, "bomb.png", _png(side, side)) == "image_too_large"


def test_a_png_text_chunk_bomb_is_refused(tmp_path):
    text = b"Comment\0\0" + zlib.compress(b"\0" * 20 * 2**20)  # 20 MB of text in 20 kB
    chunk = struct.pack(">I", len(text)) + b"zTXt" + text + struct.pack(">I", zlib.crc32(b"zTXt" + text))
    assert _reason(tmp_path, "text_bomb.png", _png(200, 200, chunk)) == "image_too_large"


def test_a_tiff_of_300_frames_is_read_a_frame_at_a_time_up_to_its_budget(tmp_path, monkeypatch):
    frames = [Image.fromarray(np.full((120, 160), 255, np.uint8)) for _ in range(300)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    decoded, read = [], []
    convert = TiffImagePlugin.TiffImageFile.convert
    monkeypatch.setattr(TiffImagePlugin.TiffImageFile, "convert",
                        lambda self, *a, **k: decoded.append(1) or convert(self, *a, **k))
    monkeypatch.setattr(ocr, "page_blocks", lambda gray, page: read.append((page, len(decoded))) or [])
    document = ocr.read(tmp_path / "scan.tif", buffer.getvalue())
    assert read == [(n, n) for n in range(1, ocr.MAX_FRAMES + 1)]  # frame n decoded only when read
    assert document.details["pages"] == ocr.MAX_FRAMES
    assert document.details["notes"] == [f"the image has more than {ocr.MAX_FRAMES} frames: "
                                         f"only the first {ocr.MAX_FRAMES} were read"]


def test_100000_nested_tags_are_read_flattened(tmp_path):
    page = synthetic.synthesize(0, "html").data.decode()
    expected = _record(tmp_path, "plain.html", page.encode())
    body = page.index("<body>") + len("<body>")
    deep = page[:body] + "<div><span>" * 50_000 + page[body:].replace("</body>", "</span></div>" * 50_000 + "</body>")
    path = tmp_path / "deep.html"
    path.write_bytes(deep.encode())
    report = read_report(path)
    assert report.record == expected
    assert any("deeper than 256 levels: read with the nesting flattened" in note for note in report.notes)


def test_tables_nested_100000_deep_are_refused(tmp_path):
    page = "<html><body><p>政府信息公开</p>" + "<table><tr><td>" * 100_000 + "</body></html>"
    assert _reason(tmp_path, "tables.html", page.encode()) == "too_deeply_nested"


def test_a_pdf_with_javascript_actions_reads_and_runs_nothing(tmp_path, report_pdf, server):
    url, requests = server
    expected = _record(tmp_path, "report.pdf", report_pdf)
    assert _record(tmp_path, "script.pdf", _with_javascript(report_pdf, f'app.launchURL("{url}/js", true);')) == expected
    assert requests == []


def _with_javascript(data: bytes, script: str) -> bytes:
    """``data`` with an incremental update: the catalog opens with ``script`` and names it."""
    root = int(re.search(rb"/Root (\d+) 0 R", data).group(1))
    catalog = re.search(rb"\n%d 0 obj\s*(<<.*?>>)\s*endobj" % root, data, re.S).group(1)
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    objects = {root: catalog[:-2] + b"/OpenAction %d 0 R /Names << /JavaScript << /Names [(a) %d 0 R] >> >> >>"
               % (size, size), size: b"<< /S /JavaScript /JS (" + script.encode() + b") >>"}
    out, offsets = bytearray(data), {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n" + b"".join(b"%d 1\n%010d 00000 n \n" % (n, offsets[n]) for n in sorted(offsets))
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size + 1, root, previous, xref)
    return bytes(out)


def test_a_docx_with_external_links_reads_and_fetches_nothing(tmp_path, server):
    url, requests = server
    data = synthetic.synthesize(0, "docx").data
    expected = _record(tmp_path, "report.docx", data)
    links = {"x1": ("hyperlink", "link"), "x2": ("image", "image.png"), "x3": ("aFChunk", "chunk.html"),
             "x4": ("subDocument", "sub.docx"), "x5": ("oleObject", "object.bin")}
    rels = "".join(f'<Relationship Id="{rid}" Type="{R}/{kind}" Target="{url}/{target}" TargetMode="External"/>'
                   for rid, (kind, target) in links.items())
    body = ('<w:p><w:hyperlink r:id="x1"><w:r><w:t>链接</w:t></w:r></w:hyperlink>'
            '<w:r><w:pict><v:shape style="width:300pt;height:300pt"><v:imagedata r:id="x2"/></v:shape></w:pict></w:r>'
            '<w:subDoc r:id="x4"/></w:p><w:altChunk r:id="x3"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "word/_rels/document.xml.rels":
                part = part.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            elif item.filename == "word/document.xml":
                part = part.replace(b"<w:sectPr", body.encode() + b"<w:sectPr", 1)
            target.writestr(item, part)
    assert _record(tmp_path, "linked.docx", buffer.getvalue()) == expected
    assert requests == []


@pytest.mark.parametrize("declared, encoding", [("iso-8859-1", "utf-8"), ("gb2312", "utf-8"), ("big5", "gb18030"),
                                               ("utf-8", "gb18030")])
def test_a_wrongly_declared_charset_still_gives_the_record(tmp_path, declared, encoding):
    page = synthetic.synthesize(0, "html").data.decode()
    expected = _record(tmp_path, "plain.html", page.encode())
    wrong = page.replace('<meta charset="utf-8">', f'<meta charset="{declared}">').encode(encoding)
    assert _record(tmp_path, "wrong.html", wrong) == expected
