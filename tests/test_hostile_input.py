"""Hostile input: each file ends as a failure row with its reason, within its time
limit, the batch finishes, and no file makes the toolkit fetch anything."""
from __future__ import annotations

import io
import os
import time
import zipfile

import pytest

from toolkit import batch
from toolkit.corpus import find_inputs
from toolkit.readers.docx import MAX_UNPACKED_BYTES

TIME_LIMIT = 5.0
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LAUGHS = ('<!DOCTYPE {root} [<!ENTITY l0 "ha">'
          + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)) + "]>")
SECRET = "/etc/hostname"

EXPECTED = {  # file -> reason (or the reasons it may end with)
    "truncated.pdf": "damaged",
    "encrypted.pdf": "encrypted",
    "thousand_pages.pdf": "too_many_pages",  # no page names the statistics tables (test_hazards.py)
    "random.pdf": "damaged",
    "zip_bomb.docx": "unreadable",
    "laughs.docx": "unreadable",
    "external_entities.docx": "tables_missing",
    "random.docx": "unreadable",
    "laughs.html": "tables_missing",
    "external_entities.html": "tables_are_images",  # its <img src=...> is an external picture, never fetched
    # which limit stops it first (time, or the reading process's memory cap) depends on the machine
    "fifty_megabytes.html": ("timeout", "too_much_memory"),
    "random.html": "not_text",
    "random.txt": "not_text",
    "menu.txt": "not_annual_report",
    "pipe.txt": "unreadable",
    "dangling.txt": "unreadable",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, server):
    """One file of each kind, and the batch's result on them."""
    url, _ = server
    folder = tmp_path_factory.mktemp("hostile")
    external = (f'<!DOCTYPE {{root}} [<!ENTITY secret SYSTEM "file://{SECRET}">'
                f'<!ENTITY remote SYSTEM "{url}/entity"><!ENTITY % dtd SYSTEM "{url}/dtd"> %dtd;]>')
    report = _pdf(["page"] * 3)
    files = {
        "truncated.pdf": report[: len(report) // 2],
        "encrypted.pdf": _pdf(["secret"], encrypted=True),
        "thousand_pages.pdf": _pdf([f"Page {n} of a long document" for n in range(1000)]),
        "random.pdf": os.urandom(4096),
        "zip_bomb.docx": _docx("政府信息公开", media=b"\0" * (MAX_UNPACKED_BYTES + 1)),
        "laughs.docx": _docx("政府信息公开 &l9;", LAUGHS),
        "external_entities.docx": _docx("政府信息公开 &secret; &remote;", external),
        "random.docx": os.urandom(4096),
        "laughs.html": _html("政府信息公开 &l9;", LAUGHS),
        "external_entities.html": _html(f'政府信息公开 &secret; &remote; <img src="{url}/img"> '
                                        f'<iframe src="{url}/frame"></iframe> <script src="{url}/js"></script>'
                                        f'<link rel="stylesheet" href="{url}/css">', external),
        "fifty_megabytes.html": _html("<p>政府信息公开 一二三四五六七八九十</p>\n" * 1_000_000),
        "random.html": os.urandom(4096) + b"\0",
        "random.txt": os.urandom(4096) + b"\0",
        "menu.txt": "今日菜单：米饭、面条。".encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    inputs = [(path, "hostile", None) for path, _ in find_inputs(sorted(folder.iterdir()))]
    started = time.monotonic()
    reports, failures, _ = batch.build(inputs, folder.parent / "cache", jobs=2, timeout=TIME_LIMIT, progress=False)
    return reports, failures, time.monotonic() - started, inputs


def test_each_hostile_file_is_a_failure_with_its_reason(hostile):
    reports, failures, _, inputs = hostile
    assert reports == [] and len(failures) == len(inputs) == len(EXPECTED)
    reasons = {f["file"]: f["reason"] for f in failures}
    assert reasons.keys() == EXPECTED.keys()
    assert {name: reason for name, reason in reasons.items()
            if reason not in (EXPECTED[name] if isinstance(EXPECTED[name], tuple) else (EXPECTED[name],))} == {}
    assert all(f["message"] for f in failures)


def test_the_batch_finishes_within_its_time_limits(hostile):
    _, _, seconds, _ = hostile
    assert seconds < 6 * TIME_LIMIT, seconds


def test_no_file_fetches_anything_or_reads_local_files(hostile, server):
    _, failures, _, _ = hostile
    _, requests = server
    assert requests == []
    secret = open(SECRET, encoding="utf-8").read().strip() if os.path.exists(SECRET) else "unlikely text"
    assert not any(secret in f["message"] for f in failures)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(hostile):
    _, failures, _, _ = hostile
    [bomb] = [f for f in failures if f["file"] == "zip_bomb.docx"]
    assert "zip bomb" in bomb["message"]


def _html(body: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0"?>{doctype.format(root="html")}'
            f"<html><head><title>t</title></head><body>{body}</body></html>").encode()


def _docx(text: str, doctype: str = "", media: bytes = b"") -> bytes:
    """A minimal Word document; ``media`` is stored as an image the document uses."""
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{}" '
            'Target="{}"/></Relationships>')
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="png" ContentType="image/png"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": rels.format("officeDocument", "word/document.xml"),
        "word/document.xml": f'<?xml version="1.0"?>{doctype.format(root="w:document")}<w:document {W}>'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
    }
    if media:
        parts |= {"word/_rels/document.xml.rels": rels.format("image", "media/image1.png"),
                  "word/media/image1.png": media}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _pdf(pages: list[str], encrypted: bool = False) -> bytes:
    """A minimal PDF, one line of text per page; ``encrypted`` with a password we do not know."""
    kids = " ".join(f"{4 + 2 * n} 0 R" for n in range(len(pages)))
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for number, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"
        objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                    f"/Contents {5 + 2 * number} 0 R >>",
                    f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream"]
    trailer = ""
    if encrypted:
        objects.append(f"<< /Filter /Standard /V 1 /R 2 /O <{'ab' * 32}> /U <{'cd' * 32}> /P -4 >>")
        trailer = f" /Encrypt {len(objects)} 0 R /ID [<{'01' * 16}> <{'01' * 16}>]"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
