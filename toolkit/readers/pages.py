"""Page blocks to a ``Document``: the layout step shared by the PDF and OCR readers.

A reader of paged documents lifts each page into blocks, prose ``Line``s and table
``Grid``s, with their vertical position. Here they are put in reading order, page
numbers printed at the top or bottom of a page are dropped, a title wrapped over
lines is joined, and a table that ends one page and opens the next (directly, or
under a "续表" line) is read as one table: its pages laid on the same columns
(``Grid.columns``), the header rows a page repeats dropped, a row cut by the break
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
CONTINUED = re.compile(r"^[(（]?续表\s*[一二三四五六七八九十\d]*[)）]?[:：]?$")  # "续表", "（续表一）": the table goes on
_LABEL = re.compile(r"[\u4e00-\u9fff]{2}")  # two Chinese characters: a label, not a blank marker such as 无
COLUMN_TOLERANCE = 0.015  # column edges closer than this share of the table's width are one edge


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
    ``doubts`` lists the OCR cells left unread: (row, column, text read, score);
    ``boxes``, parallel to ``rows``, each cell's (x0, top, x1, bottom) on its page in
    points, for the review pages (``None`` where the engine gives none)."""

    page: int
    top: float
    rows: list[list[str | None]]
    engine: str = ""
    confidence: list[list[float | None]] | None = None
    doubts: list[tuple[int, int, str, float]] = field(default_factory=list)
    columns: list[float] | None = None  # x of the column edges, left to right (one more than the columns)
    repeated_header: int = 0  # rows repeating the table's header on this page, dropped
    under: str | None = None  # the "续表" line this page of the table was printed under, dropped
    boxes: list[list[tuple | None]] | None = None

    def drop_rows(self, count: int) -> None:
        """Drop the first ``count`` rows, with their confidence, boxes and doubts."""
        self.rows = self.rows[count:]
        if self.confidence:
            self.confidence = self.confidence[count:]
        if self.boxes:
            self.boxes = self.boxes[count:]
        self.doubts = [(r - count, c, text, score) for r, c, text, score in self.doubts if r >= count]

    def lay_on(self, columns: list[float], starts: list[int]) -> None:
        """Lay the rows on ``columns``, finer than this grid's own: column ``j`` starts at
        ``starts[j]``; ``None`` over the rest of its width (a cell wider than a column)."""
        def laid(row):
            out = [None] * (len(columns) - 1)
            for j, cell in enumerate(row):
                out[starts[j]] = cell
            return out
        self.rows = [laid(row) for row in self.rows]
        self.confidence = [laid(row) for row in self.confidence] if self.confidence else self.confidence
        self.boxes = [laid(row) for row in self.boxes] if self.boxes else self.boxes
        self.doubts = [(r, starts[c], text, score) for r, c, text, score in self.doubts]
        self.columns = list(columns)


def to_document(blocks: list, *, format: str, extractor: str, details: dict | None = None) -> Document:
    """Blocks of all pages to text (one table row per line), where each line was
    read, which pages each table spans and, for OCR, every line's confidence (a
    float, or one per printed cell) and the cells left unread (``cell`` counts the
    printed cells of the row, its label included). Grids with boxes give
    ``cell_boxes``: per table row's location, its cells' boxes (``boxes_text``)."""
    blocks = _titles_joined(_without_page_numbers(sorted(blocks, key=lambda b: (b.page, b.top))))
    blocks, continued = _continued(blocks)
    tables_of_grids: list[list[Grid]] = []
    for block in blocks:
        if isinstance(block, Grid) and id(block) in continued:
            tables_of_grids[-1].append(block)
        elif isinstance(block, Grid):
            tables_of_grids.append([block])
    for table in tables_of_grids:
        _label_spans(table)
    lines, where, confidence, tables, doubts, grids, boxes = [], [], [], [], [], [], {}
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
            if block.repeated_header:
                tables[-1].setdefault("repeated_header_rows", []).append({"page": block.page, "rows": block.repeated_header})
            if block.under:
                tables[-1].setdefault("continued_under", []).append({"page": block.page, "line": block.under})
        else:
            tables.append({"table": len(tables) + 1, "pages": [block.page], "rows": 0, "engine": block.engine})
            grids.append(([], []))
        number = tables[-1]["table"]
        numbers = grids[-1][1]
        for i, row in enumerate(block.rows):
            kept = [j for j, cell in enumerate(row) if cell is not None]
            numbers.append(len(lines) + 1 if kept else None)
            if not kept:
                continue
            at = f"page {block.page}, table {number}, row {first_row + i + 1}"
            lines.append(rows_to_text([[row[j] for j in kept]]))
            where.append(at)
            confidence.append([block.confidence[i][j] for j in kept] if block.confidence else None)
            if block.boxes:
                boxes[at] = boxes_text(row, block.boxes[i])
            doubts += [{"at": at, "cell": kept.index(j) + 1, "read": text, "confidence": round(score, 3)}
                       for r, j, text, score in block.doubts if r == i]
        tables[-1]["rows"] += len(block.rows)
        grids[-1][0].extend(map(tuple, block.rows))
    details = {**(details or {}), "tables": tables}
    if boxes:
        details["cell_boxes"] = boxes
    if any(c is not None for c in confidence):
        details.update(_confidence_details(confidence, doubts))
    return Document(text="\n".join(lines), format=format, extractor=extractor, locations=tuple(where),
                    details=details, grids=tuple(GridTable(tuple(rows), tuple(at)) for rows, at in grids if rows))


def boxes_text(row: list, boxes: list) -> str:
    """A table row's cell boxes as the record keeps them, small: "x0 top x1 bottom" in
    whole points per grid column, comma-separated, empty where no cell of the row starts.

    >>> boxes_text(["组", None, "3"], [(72.4, 100, 150.6, 120), None, (150.6, 100, 200, 120)])
    '72 100 151 120,,151 100 200 120'
    >>> read_boxes(_)
    [(72, 100, 151, 120), None, (151, 100, 200, 120)]
    """
    return ",".join(" ".join(str(round(v)) for v in box) if cell is not None and box else ""
                    for cell, box in zip(row, boxes))


def read_boxes(text: str) -> list[tuple[int, ...] | None]:
    """The boxes ``boxes_text`` wrote, one per grid column (``None`` where no cell starts)."""
    return [tuple(map(int, part.split())) if part else None for part in text.split(",")]


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


def _label_spans(grids: list[Grid]) -> None:
    """In the grids of one table, an empty cell of a row with a label, in a column that
    holds labels and never a number, is the rest of a label or group cell that spans it
    ("（七）总计" over the group and item columns), not a blank value: ``None``, so
    that the row's values keep their columns in the text."""
    rows = [row for grid in grids for row in grid.rows]
    label = lambda cell: bool(cell and _LABEL.search(cell) and not _NUMERIC.match(cell))
    numbers = {j for row in rows for j, cell in enumerate(row) if cell and _NUMERIC.match(cell.strip())}
    spanned = {j for row in rows for j, cell in enumerate(row) if label(cell)} - numbers
    for row in rows:
        if any(label(row[j]) for j in spanned if j < len(row)):
            row[:] = [None if cell == "" and j in spanned else cell for j, cell in enumerate(row)]


def _continued(blocks: list) -> tuple[list, set[int]]:
    """The blocks without the "续表" lines that join two pages of a table, and the ids
    of the grids that continue the table closing the page before; the grids of a
    table are laid on the same columns, the header rows a page repeats dropped and
    the rows on both sides of the break mended in place (``_rejoin``)."""
    kept, found, table = [], set(), []
    for block in blocks:
        before = kept[-1] if kept else None
        under = None
        if isinstance(before, Line) and CONTINUED.match(before.text.replace(" ", "")) and len(kept) > 1:
            before, under = kept[-2], before
        if (isinstance(block, Grid) and isinstance(before, Grid) and block.page == before.page + 1
                and (under is None or under.page == block.page) and _aligned(table, block)):
            if under is not None:
                kept.pop()
                block.under = under.text
            block.repeated_header = _repeated_header(table[0].rows, block.rows)
            block.drop_rows(block.repeated_header)
            if before.rows and block.rows and _rejoin(before.rows[-1], block.rows[0]):
                block.drop_rows(1)
            found.add(id(block))
            table.append(block)
        elif isinstance(block, Grid):
            table = [block]
        kept.append(block)
    return kept, found


def _aligned(table: list[Grid], block: Grid) -> bool:
    """Whether ``block`` has the columns of ``table`` (the grids of one table so far),
    or edges that one of them refines; both are then laid on the finer edges."""
    width = len(table[0].rows[0]) if table and table[0].rows else 0
    if not block.rows or width == len(block.rows[0]):
        return bool(block.rows)
    if table[0].columns is None or block.columns is None:
        return False
    coarse, fine = sorted((table[0].columns, block.columns), key=len)
    tolerance = COLUMN_TOLERANCE * (fine[-1] - fine[0])
    starts = [min(range(len(fine)), key=lambda i: abs(fine[i] - x)) for x in coarse]
    if any(abs(fine[i] - x) > tolerance for i, x in zip(starts, coarse)) or len(set(starts)) < len(starts):
        return False
    for grid in ([block] if block.columns is coarse else table):
        grid.lay_on(fine, starts)
    return True


def _repeated_header(head: list, rows: list) -> int:
    """How many of ``rows`` repeat, in order, header rows at the top of ``head`` (rows
    without a number, before the table's first number): the page's repeated header."""
    header = head[:next((r for r, row in enumerate(head) if any(cell and _NUMERIC.match(cell) for cell in row)), 0)]
    same = lambda a, b: [(c or "").replace(" ", "") for c in a] == [(c or "").replace(" ", "") for c in b]
    start = next((k for k, row in enumerate(header) if rows and same(row, rows[0])), None)
    count = 0
    while start is not None and start + count < len(header) and count < len(rows) and same(header[start + count], rows[count]):
        count += 1
    return count


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
        elif last[j] and first[j] and _continues(last[j], first[j]) and j + 1 in labels and j + 1 in _label_columns(last):
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
