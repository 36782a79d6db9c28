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
