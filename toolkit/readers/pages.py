"""Page blocks to a ``Document``: the layout step shared by the PDF and OCR readers.

A reader of paged documents lifts each page into blocks, prose ``Line``s and table
``Grid``s, with their vertical position. Here they are put in reading order, page
numbers printed at the top or bottom of a page are dropped, a title wrapped over
lines is joined, and a table that ends
one page and opens the next is read as one table: a row cut by the break is
joined again ("尚未" / "审结"), and on the first row after the break, empty label
cells (the rest of a merged cell from the page before) are dropped and a group
label cut by the break ("（四）无" / "法提供") is joined again.

>>> blocks = [Grid(1, 10, [["（四）无", "1.本机关不掌握相关政府信息", "7"]]), Line(1, 90, "- 1 -"),
...           Grid(2, 5, [["法提供", "2.没有现成信息需要另行制作", ""]])]
>>> to_document(blocks, format="pdf", extractor="x").text.splitlines()
['（四）无法提供\\t1.本机关不掌握相关政府信息\\t7', '2.没有现成信息需要另行制作\\t∅']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import fmean, median

from toolkit.readers import Document, GridTable
from toolkit.readers.grid import rows_to_text

PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／]\s*\d+|\s*共\s*\d+\s*页)?[-—–\s]*$")
_NUMERIC = re.compile(r"^[-+]?\d[\d.,]*$")
_NUMBERED = re.compile(r"^(?:\d+[.、]|[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")  # starts a new item


@dataclass
class Line:
    """One line of prose: ``size`` is its text height (font size or box height),
    ``confidence`` its OCR score when read by OCR."""

    page: int
    top: float
    text: str
    confidence: float | None = None
    size: float = 0.0
    bottom: float = 0.0


@dataclass
class Grid:
    """One table on one page: full-width rows, ``None`` where a merged cell
    continues, "" for an empty cell. ``confidence`` is parallel to ``rows`` (OCR);
    ``doubts`` lists the OCR cells left unread: (row, column, text read, score)."""

    page: int
    top: float
    rows: list[list[str | None]]
    engine: str = ""
    confidence: list[list[float | None]] | None = None
    doubts: list[tuple[int, int, str, float]] = field(default_factory=list)


def to_document(blocks: list, *, format: str, extractor: str, details: dict | None = None) -> Document:
    """Blocks of all pages to text (one table row per line), where each line was
    read, which pages each table spans and, for OCR, every line's confidence (a
    float, or one per printed cell) and the cells left unread (``cell`` counts the
    printed cells of the row, its label included)."""
    blocks = _titles_joined(_without_page_numbers(sorted(blocks, key=lambda b: (b.page, b.top))))
    continued = _continued(blocks)
    lines, where, confidence, tables, doubts, grids = [], [], [], [], [], []
    for block in blocks:
        if isinstance(block, Line):
            lines.append(block.text)
            where.append(f"page {block.page}")
            confidence.append(block.confidence)
            continue
        first_row = 0
        if id(block) in continued:
            tables[-1]["pages"].append(block.page)
            first_row = tables[-1]["rows"]
        else:
            tables.append({"table": len(tables) + 1, "pages": [block.page], "rows": 0, "engine": block.engine})
        number = tables[-1]["table"]
        numbers = []
        for i, row in enumerate(block.rows):
            kept = [j for j, cell in enumerate(row) if cell is not None]
            numbers.append(len(lines) + 1 if kept else None)
            if not kept:
                continue
            at = f"page {block.page}, table {number}, row {first_row + i + 1}"
            lines.append(rows_to_text([[row[j] for j in kept]]))
            where.append(at)
            confidence.append([block.confidence[i][j] for j in kept] if block.confidence else None)
            doubts += [{"at": at, "cell": kept.index(j) + 1, "read": text, "confidence": round(score, 3)}
                       for r, j, text, score in block.doubts if r == i]
        tables[-1]["rows"] += len(block.rows)
        grids.append(GridTable(tuple(map(tuple, block.rows)), tuple(numbers)))
    details = {**(details or {}), "tables": tables}
    if any(c is not None for c in confidence):
        details.update(_confidence_details(confidence, doubts))
    return Document(text="\n".join(lines), format=format, extractor=extractor,
                    locations=tuple(where), details=details, grids=tuple(grids))


def _without_page_numbers(blocks: list) -> list:
    """Drop lines that are only a page number and open or close their page."""
    def furniture(block) -> bool:
        if not isinstance(block, Line) or not PAGE_NUMBER.match(block.text):
            return False
        same = [b for b in blocks if b.page == block.page]
        return block is same[0] or block is same[-1]
    return [b for b in blocks if not furniture(b)]


def _titles_joined(blocks: list) -> list:
    """A title set larger than its page's body text and wrapped over several lines
    becomes one line ("淮安市人民政府" / "2024 年政府信息公开工作年度报告")."""
    body = {page: median(b.size for b in blocks if b.page == page and isinstance(b, Line))
            for page in {b.page for b in blocks if isinstance(b, Line)}}
    joined = []
    for block in blocks:
        before = joined[-1] if joined else None
        if (isinstance(block, Line) and isinstance(before, Line) and before.page == block.page
                and block.size > 1.15 * body[block.page] and abs(block.size - before.size) <= 0.1 * before.size
                and block.top - before.bottom < block.size):
            before.text, before.bottom = before.text + block.text, block.bottom
        else:
            joined.append(block)
    return joined


def _continued(blocks: list) -> set[int]:
    """Ids of the grids that continue the table closing the page before; the rows
    on both sides of the break are mended in place (``_rejoin``)."""
    found = set()
    for before, block in zip(blocks, blocks[1:]):
        if isinstance(before, Grid) and isinstance(block, Grid) and block.page == before.page + 1:
            if _rejoin(before.rows[-1], block.rows[0]):
                block.rows = block.rows[1:]
            found.add(id(block))
    return found


def _rejoin(last: list, first: list) -> bool:
    """Mend the first row after a page break when the columns line up; True when
    it is the rest of ``last`` (a row cut by the break), now merged into it."""
    if len(last) != len(first):
        return False
    filled = [j for j, cell in enumerate(first) if cell]
    if all(last[j] is not None and (not last[j] or _continues(last[j], first[j])) for j in filled):
        for j in filled:
            last[j] += first[j]
        return True
    labels = _label_columns(first)
    for j in labels:
        if first[j] == "":
            first[j] = None
        elif last[j] and _continues(last[j], first[j]) and j + 1 in labels and j + 1 in _label_columns(last):
            last[j], first[j] = last[j] + first[j], None
    return False


def _continues(before: str, after: str) -> bool:
    """Whether ``after`` can be the rest of a label cut after ``before``."""
    return not (_NUMERIC.match(before) or _NUMERIC.match(after) or _NUMBERED.match(after))


def _label_columns(row: list) -> range:
    """Columns up to the row's last label (non-numeric text), where no value stands."""
    text = [j for j, cell in enumerate(row) if cell and not _NUMERIC.match(cell.strip())]
    return range(text[-1] + 1 if text else 0)


def _confidence_details(confidence: list, doubts: list) -> dict:
    per_line = [line if isinstance(line, list) else [line] for line in confidence]
    scores = [s for line in per_line for s in line if s is not None]
    return {
        "mean_confidence": round(fmean(scores), 3) if scores else None,
        "min_confidence": round(min(scores), 3) if scores else None,
        "low_confidence_cells": doubts,
        "line_confidence": [_rounded(line) for line in confidence],
    }


def _rounded(scores):
    if isinstance(scores, list):
        return [_rounded(s) for s in scores]
    return None if scores is None else round(scores, 3)
