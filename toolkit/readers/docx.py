"""Word documents (.docx): paragraphs and tables in document order.

python-docx repeats a merged cell across every grid column and row it spans;
each underlying cell (``w:tc`` element) is emitted once, in the row where it
starts (``grid.rows_to_text``). Word 97-2003 ``.doc`` files are refused with a
note on how to convert them.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import NoReturn

import docx
import lxml.etree
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from toolkit.errors import EmptyFile, ReportError, UnsupportedFormat
from toolkit.readers import Document, GridTable
from toolkit.readers.grid import rows_to_text

OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # Word 97-2003 (.doc), also when renamed to .docx
CONVERT = "convert it to .docx first, e.g. `libreoffice --headless --convert-to docx file.doc`"
MAX_UNPACKED_BYTES = 256 * 2**20  # all parts together; a report is a few MB, more is a zip bomb


def read(path: Path, data: bytes) -> Document:
    if not data.strip():
        raise EmptyFile(path, "the file is empty")
    if data.startswith(OLE2_MAGIC):
        refuse(path, data)
    try:
        _refuse_zip_bomb(path, data)
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, lxml.etree.XMLSyntaxError) as error:
        raise ReportError(path, f"not a readable .docx (Office Open XML) file: {error}") from error
    lines, where, grids = [], [], []
    paragraphs = tables = 0
    for block in _blocks(document.element.body, document):
        if isinstance(block, Paragraph):
            paragraphs += 1
            if block.text.strip():
                lines.append(" ".join(block.text.split()))
                where.append(f"paragraph {paragraphs}")
            continue
        tables += 1
        grid = _grid(block)
        numbers = []
        for number, row in enumerate(grid, start=1):
            own = [cell for cell in row if cell is not None]
            numbers.append(len(lines) + 1 if own else None)
            if own:
                lines.append(rows_to_text([own]))
                where.append(f"table {tables}, row {number}")
        grids.append(GridTable(tuple(map(tuple, grid)), tuple(numbers)))
    return Document(
        text="\n".join(lines), format="docx", extractor=f"docx (python-docx {docx.__version__})",
        locations=tuple(where), details={"paragraphs": paragraphs, "tables": tables}, grids=tuple(grids),
    )


def refuse(path: Path, data: bytes) -> NoReturn:
    """Word 97-2003 documents are not read."""
    raise UnsupportedFormat(path, f"Word 97-2003 (.doc) documents are not read: {CONVERT}")


def _refuse_zip_bomb(path: Path, data: bytes) -> None:
    """Before anything is unpacked: zipfile never unpacks more than a part's declared size."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        size = sum(info.file_size for info in package.infolist())
    if size > MAX_UNPACKED_BYTES:
        raise ReportError(path, f"the .docx unpacks to {size / 2**20:,.0f} MB (a report is a few MB): "
                                "refused unread, as a zip bomb")


def _blocks(parent, document):
    """Paragraphs and tables directly in ``parent``, also inside content controls; a
    table that holds tables is a frame for layout: its cells' contents instead."""
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl") and child.find(".//" + qn("w:tbl")) is not None:
            for cell in child.iterfind(f"{qn('w:tr')}/{qn('w:tc')}"):
                yield from _blocks(cell, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            yield from _blocks(child, document)


def _grid(table: Table) -> list[list[str | None]]:
    """Full-width rows: a merged cell's text in the first row and column it covers,
    ``None`` over the rest of it."""
    seen, rows = set(), []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            cells.append(None if cell._tc in seen else cell.text)
            seen.add(cell._tc)
        rows.append(cells)
    return rows
