"""One reader per source format; each lifts text out of a document.

A reader takes a path and its bytes and returns a ``Document``; mapping the text
to codebook names is one shared step (``toolkit.tables``), not the reader's job.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import UnsupportedFormat


@dataclass(frozen=True)
class Document:
    """Text lifted from one input file, with how it was lifted."""

    text: str
    format: str
    extractor: str
    encoding: str | None = None


def read_document(path: Path, data: bytes) -> Document:
    """Pick the reader by file suffix and lift the text."""
    from toolkit.readers import text

    readers = {".txt": text.read, ".md": text.read, ".text": text.read}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        supported = ", ".join(sorted(readers))
        raise UnsupportedFormat(path, f"format {path.suffix or '(no suffix)'!r} is not supported yet (supported: {supported})")
    return reader(path, data)
