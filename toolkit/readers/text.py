"""Plain-text reports, as saved from web pages or by crawlers.

Decodes UTF-8 (with or without BOM), UTF-16 with BOM and GB18030 (a superset of
GBK and GB2312); refuses binary data with a clear message.
"""
from __future__ import annotations

import codecs
import re
from functools import lru_cache
from pathlib import Path

from toolkit.errors import EmptyFile, NotText
from toolkit.readers import Document, GridTable

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_FALLBACKS = ("utf-8", "gb18030")
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")  # below 32, but for \t \n \f \r


def read(path: Path, data: bytes) -> Document:
    text, encoding = decode(path, data)
    return Document(text=text, format="text", extractor="text", encoding=encoding, grids=text_tables(text))


_PIPE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_RULE_ROW = re.compile(r"^[\s|:\-]+$")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_NEWLINE = re.compile(r"\r\n|\r|\n")  # as toolkit.normalize counts lines
_SPACE_BUT_TAB = re.compile(r"[^\S\t]")


def text_tables(text: str) -> tuple[GridTable, ...]:
    """Tables that text prints as rows of cells, as grids: markdown pipe tables
    (``| a | b |`` lines, as converters write them; the ``|---|`` rule is not a
    row, ``<br>`` inside a cell is a space) and runs of tab-separated lines (a line
    without a tab between two of them is a row of one cell: a label wrapped onto a
    line of its own). A row shorter than the table has no cell (``None``) where it
    ends early.

    >>> text_tables("| 行政复议 | 3 |\\n|---|---|\\n| a | |")[0].rows
    (('行政复议', '3'), ('a', ''))
    >>> text_tables("说明\\n规章\\t1\\t2\\n行政许可\\t5")[0].rows
    (('规章', '1', '2'), ('行政许可', '5', None))
    """
    tables, rows, lines, kind = [], [], [], None
    text_lines = (_NEWLINE.split(text) if "\r" in text else text.split("\n")) + [""]
    for number, line in enumerate(text_lines, start=1):
        cells, this = _cells(line)
        if kind == "tab" and this is None and line.strip() and _cells(text_lines[number])[1] == "tab":
            cells, this = (" ".join(line.split()),), "tab"  # a label wrapped onto a line of its own, mid-table
        if rows and this != kind and not (this == "rule" and kind == "pipe"):
            width = max(map(len, rows))
            tables.append(GridTable(tuple(row + (None,) * (width - len(row)) for row in rows), tuple(lines)))
            rows, lines = [], []
        if cells is not None:
            rows.append(cells)
            lines.append(number)
        kind = kind if this == "rule" else this
    return tuple(tables)


@lru_cache(maxsize=2048)
def _cells(line: str) -> tuple[tuple[str, ...] | None, str | None]:
    """A line's cells and its kind: a pipe row, the pipe table's rule, a tab row, or prose.
    Kept, as lines repeat from report to report."""
    match = _PIPE_ROW.match(line) if "|" in line else None
    if match:
        if _RULE_ROW.match(line):
            return None, "rule"
        return tuple(" ".join(_BREAK.sub(" ", cell).split()) for cell in match.group(1).split("|")), "pipe"
    if "\t" in line and line.strip():
        line = line.rstrip()
        if not _SPACE_BUT_TAB.search(line):  # no cell to fold
            return tuple(line.split("\t")), "tab"
        return tuple(" ".join(cell.split()) for cell in line.split("\t")), "tab"
    return None, None


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Bytes to text and the encoding used; raises ``NotText`` for binary data."""
    if not data.strip():
        raise EmptyFile(path, "the file is empty")
    encodings = [name for bom, name in _BOMS if data.startswith(bom)] or list(_FALLBACKS)
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text, ("gb18030" if encoding == "gb18030" else encoding.replace("-sig", ""))
    raise NotText(path, "binary data, not text in UTF-8, UTF-16 or GB18030")


def _looks_binary(text: str) -> bool:
    controls = len(_CONTROL.findall(text))
    return "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text)


def layout(text: str) -> list[str]:
    """How the table cells are laid out in the text (for provenance)."""
    lines = text.splitlines()
    found = []  # each count is made only where the text holds what it counts
    if "#" in text and sum(line.lstrip().startswith("#") for line in lines) >= 2:
        found.append("markdown headings")
    if text.count("\t") >= 10 and len([line for line in lines if "\t" in line]) >= 10:
        found.append("tab-separated cells")
    if text.count("|") >= 20 and sum(line.rstrip().endswith("|") for line in lines) >= 20:
        found.append("one cell per line ending in |")
    if len(text) > 2000 and max(map(len, lines), default=0) > 2000:
        found.append("long lines (cells may run together)")
    return found
