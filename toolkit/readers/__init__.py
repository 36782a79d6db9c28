"""One reader per source format; each lifts text out of a document.

A reader takes a path and its bytes and returns a ``Document``: the document's
text, with each table row on one line and its cells joined by tabs (see
``grid.rows_to_text``), and, from readers that see tables as grids, each table
with its cells in their columns (``GridTable``). Mapping text and grids to
codebook names is shared (``toolkit.tables``, ``toolkit.grid_tables``), not the
reader's job.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import UnsupportedFormat


@dataclass(frozen=True)
class GridTable:
    """One table as laid out in the document: full-width ``rows`` ("" for an empty
    cell, ``None`` where a merged cell continues), and for each row the 1-based line
    of ``Document.text`` that holds it (``None`` for a row with nothing of its own)."""

    rows: tuple[tuple[str | None, ...], ...]
    lines: tuple[int | None, ...]


@dataclass(frozen=True)
class Document:
    """Text lifted from one input file, and how it was lifted.

    ``locations`` optionally says, per line of ``text``, where in the document it
    was read ("page 2, table 1"); ``details`` holds reader-specific provenance
    (engine per table, OCR confidence, …) that goes into the record as is.
    """

    text: str
    format: str
    extractor: str
    encoding: str | None = None
    locations: tuple[str, ...] = ()
    details: dict = field(default_factory=dict)
    grids: tuple[GridTable, ...] = ()

    def location(self, line: int) -> str:
        """Where 1-based ``line`` of the text was read in the document."""
        if 0 < line <= len(self.locations):
            return self.locations[line - 1]
        return f"line {line}"


def read_document(path: Path, data: bytes) -> Document:
    """Pick the reader by file suffix and lift the text."""
    from toolkit.readers import docx, html, ocr, pdf, text

    readers = {
        ".txt": text.read, ".md": text.read, ".text": text.read,
        ".html": html.read, ".htm": html.read, ".shtml": html.read,
        ".docx": docx.read, ".doc": docx.refuse,
        ".pdf": pdf.read, ".png": ocr.read, ".jpg": ocr.read, ".jpeg": ocr.read, ".tif": ocr.read, ".tiff": ocr.read,
    }
    reader = readers.get(path.suffix.lower())
    if reader is None:
        supported = ", ".join(sorted(readers))
        raise UnsupportedFormat(path, f"format {path.suffix or '(no suffix)'!r} is not supported yet (supported: {supported})")
    return reader(path, data)
