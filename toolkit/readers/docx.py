"""Word documents (.docx): paragraphs, tables and pictures in document order.

python-docx repeats a merged cell across every grid column and row it spans;
each underlying cell (``w:tc`` element) is emitted once, in the row where it
starts (``grid.rows_to_text``). Tracked changes not yet accepted are read as
Word displays them accepted (``wordml``), with a note. A table holding tables,
or a single cell of several paragraphs, is a frame for layout: what it holds is
read instead. Pictures (tables pasted as images) are read by OCR where they
stand (``pictures``), those in a table after it; a linked picture is listed,
never fetched. Word 97-2003 ``.doc`` files are refused with a note on how to
convert them.
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
from toolkit.readers import Document, GridTable, wordml
from toolkit.readers.grid import rows_to_text
from toolkit.readers.pictures import Pictures, splice

OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # Word 97-2003 (.doc), also when renamed to .docx
CONVERT = "convert it to .docx first, e.g. `libreoffice --headless --convert-to docx file.doc`"
MAX_UNPACKED_BYTES = 256 * 2**20  # all parts together; a report is a few MB, more is a zip bomb
NAMESPACES = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
# DrawingML pictures and legacy VML ones; a fallback copy of a picture for older Word is not read twice
PICTURES = lxml.etree.XPath(".//a:blip[not(ancestor::mc:Fallback)] | .//v:imagedata[not(ancestor::mc:Fallback)]",
                            namespaces=NAMESPACES)
PICTURE_REFERENCES = tuple(f"{{{NAMESPACES[prefix]}}}{name}" for prefix, name in
                           (("r", "embed"), ("r", "id"), ("o", "relid"), ("r", "link")))


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
    accepted = wordml.accept_revisions(document.element.body)
    lines, where, grids = [], [], []
    paragraphs = tables = 0
    pictures, seen = Pictures(), set()
    for block in _blocks(document.element.body, document):
        if isinstance(block, Paragraph):
            paragraphs += 1
            if block.text.strip():
                lines.append(" ".join(block.text.split()))
                where.append(f"paragraph {paragraphs}")
        else:
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
        for name, blob, why_not in _pictures(block._element, document.part, seen):
            if (read := pictures.read(name, blob, why_not)) is not None:
                splice(read, lines, where, grids)
    details = {"paragraphs": paragraphs, "tables": tables, **accepted, **pictures.details()}
    if accepted:
        details["notes"] = [revisions_note(**accepted["tracked_changes"])]
    return Document(
        text="\n".join(lines), format="docx", extractor=f"docx (python-docx {docx.__version__})",
        locations=tuple(where), details=details, grids=tuple(grids),
    )


def revisions_note(insertions: int, deletions: int) -> str:
    """The record's note on tracked changes read as accepted."""
    counts = [f"{n} {word}{'s' if n != 1 else ''}"
              for n, word in ((insertions, "insertion"), (deletions, "deletion")) if n]
    return (f"the document holds unaccepted tracked changes ({', '.join(counts)}): "
            "read as displayed with them accepted")


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
    frame (``_is_frame``) gives its cells' contents instead."""
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl") and _is_frame(child):
            for cell in child.xpath("w:tr/w:tc | w:tr/w:sdt/w:sdtContent/w:tc"):
                yield from _blocks(cell, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            yield from _blocks(child, document)


def _is_frame(table) -> bool:
    """A table that holds tables, or whose only cell holds several paragraphs, lays out the page."""
    return bool(table.xpath(".//w:tbl")) or (len(table.xpath(".//w:tc")) == 1 and len(table.xpath(".//w:tc/w:p")) > 1)


def _pictures(element, part, seen: set):
    """(name, bytes or ``None``, why not) of each picture in ``element``, in document
    order; a picture stored once but shown again is not read twice."""
    for picture in PICTURES(element):
        reference = next((picture.get(key) for key in PICTURE_REFERENCES if picture.get(key)), None)
        relationship = part.rels.get(reference) if reference else None
        if relationship is None:
            yield f"picture {reference or '(no reference)'}", None, "its relationship is missing from the package"
        elif relationship.is_external:
            yield relationship.target_ref[:200], None, "linked image, not embedded in the document: not fetched"
        elif (name := str(relationship.target_part.partname).lstrip("/")) not in seen:
            seen.add(name)
            yield name, relationship.target_part.blob, ""


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
