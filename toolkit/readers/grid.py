"""Table grids to text, the form the shared mapping step reads.

Grid readers (HTML, DOCX, PDF, OCR) lift each table as rows of cells. Each source
cell appears once (a merged cell is not repeated across the columns or rows it
spans: repeating "1.属于国家秘密" or a number would add cells), and an empty cell
becomes ``BLANK_CELL`` so that the cells after it keep their column. A cell whose
value the reader could not read with confidence (OCR) is ``UNREADABLE_CELL``: it
keeps its column, and the mapping step leaves it null with a note.

>>> rows_to_text([["1.属于国家秘密", "14", "", " "], ["(七)总计", "3"]])
'1.属于国家秘密\\t14\\t∅\\t∅\\n(七)总计\\t3'
"""
from __future__ import annotations

BLANK_CELL = "∅"
UNREADABLE_CELL = "⍰"


def rows_to_text(rows: list[list[str]]) -> str:
    """One line per row, cells joined by tabs, blanks as ``BLANK_CELL``."""
    return "\n".join("\t".join(_cell(cell) for cell in row) for row in rows)


def _cell(text: str) -> str:
    text = " ".join(text.split())
    return text or BLANK_CELL


MAX_SPAN = 64  # a cell spanning more rows or columns than this is taken to span this many (hostile markup)


def place(rows: list[list[tuple[str, int, int]]]) -> list[list[str | None]]:
    """Cells given as (text, rowspan, colspan), row by row as markup lists them, laid
    out full width as a browser does: each cell's text where it starts, ``None``
    over the rest of its span, "" where no cell stands.

    >>> place([[("组", 2, 1), ("a", 1, 2)], [("b", 1, 1), ("c", 1, 1)]])
    [['组', 'a', None], [None, 'b', 'c']]
    """
    taken: list[dict[int, str | None]] = [{} for _ in rows]  # per row: column -> what stands there
    for r, row in enumerate(rows):
        here, column = taken[r], 0
        for text, rowspan, colspan in row:
            while column in here:
                column += 1
            if rowspan != 1 or colspan != 1:  # most cells span nothing
                rowspan = max(1, min(rowspan, MAX_SPAN, len(rows) - r))
                colspan = max(1, min(colspan, MAX_SPAN))
                for below in taken[r:r + rowspan]:
                    below.update(dict.fromkeys(range(column, column + colspan)))
            here[column] = text
            column += colspan
    width = max((max(here) + 1 for here in taken if here), default=0)
    return [[here.get(c, "") for c in range(width)] for here in taken]
