"""From the text after a row label to that row's values.

A cell is a number, a blank marker (``/``, ``-``, ``—``, ``无``: printed, but
stating nothing) or, in crawler text, several numbers run together
(``801000081`` for 80, 1, 0, 0, 0, 0, 81). Run-together cells are split only
where the row's own arithmetic leaves exactly one way; otherwise the values stay
``None`` and the candidates are kept for the record.

>>> parse_cells("8 0 — 1.5")
[8, 0, None, 1.5]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product
from typing import Callable, Sequence

from toolkit.readers.grid import BLANK_CELL, UNREADABLE_CELL

Number = int | float
Check = Callable[[Sequence[Number]], bool]

BLANK_MARKERS = {"/", "-", "--", "—", "——", "–", "无", BLANK_CELL}
_CELL = rf"(?:[-+]?\d[\d.,]*|[-—–/]{{1,2}}|无(?![\u4e00-\u9fff])|{BLANK_CELL}|{UNREADABLE_CELL})"
CELL_RUN = re.compile(rf"{_CELL}(?:\s*{_CELL})*")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_NUMBERING = re.compile(r"\s*\d[.、]$")
MAX_CANDIDATES = 50
MAX_EXTRA_DIGITS = 8  # beyond this, splitting one run has too many ways to search


def first_cell_run(text: str) -> tuple[str, int] | None:
    """The first run of cells in ``text`` and its offset, without a trailing
    row number ("2." or "2、") that belongs to the next label."""
    match = CELL_RUN.search(text)
    if not match:
        return None
    following = text[match.end():match.end() + 1]
    run = _NUMBERING.sub("", match.group() + ("、" if following == "、" else ""))
    return (run, match.start()) if run.strip() else None


def parse_number(cell: str) -> Number | None:
    """One printed cell as a number; ``None`` for a blank marker or an unreadable cell."""
    if cell in BLANK_MARKERS or cell == UNREADABLE_CELL:
        return None
    if _THOUSANDS.match(cell):
        cell = cell.replace(",", "")
    if not _NUMBER.match(cell):
        raise ValueError(f"not a number: {cell!r}")
    value = float(cell)
    return int(value) if "." not in cell else value


def split_cells(run: str) -> list[str]:
    """Cells of a run: split on white space and on commas that are not thousands."""
    cells = []
    for chunk in run.split():
        cells.extend([chunk] if _THOUSANDS.match(chunk) else [c for c in chunk.split(",") if c])
    return cells


def parse_cells(run: str) -> list[Number | None]:
    return [parse_number(cell) for cell in split_cells(run)]


@dataclass
class CellsRead:
    """The values of one row, or why they are missing."""

    values: list[Number | None]
    note: str | None = None
    candidates: list[tuple[Number, ...]] = field(default_factory=list)
    unread: bool = False  # the values are placeholders: nothing could be read
    unread_cells: list[int] = field(default_factory=list)  # 0-based cells read without confidence


def fit(run: str | None, width: int, check: Check | None = None) -> CellsRead:
    """Read exactly ``width`` values from a run of cells.

    Extra trailing cells are ignored with a note; too few cells are split as
    run-together digits when ``check`` (the row's arithmetic) leaves one way.
    """
    if run is None:
        return CellsRead([None] * width, "no numbers after the label", unread=True)
    cells = split_cells(run)
    try:
        values = [parse_number(cell) for cell in cells]
    except ValueError as error:
        return CellsRead([None] * width, f"unreadable cells {run!r}: {error}", unread=True)
    doubtful = [i for i, cell in enumerate(cells[:width]) if cell == UNREADABLE_CELL]
    if len(values) == width:
        return CellsRead(values, _unreadable(doubtful), unread_cells=doubtful)
    if len(values) > width:
        extra = f"ignored {len(cells) - width} extra cell(s) after {width}: {' '.join(cells[width:])!r}"
        return CellsRead(values[:width], "; ".join(filter(None, (_unreadable(doubtful), extra))), unread_cells=doubtful)
    if not all(cell.isdigit() for cell in cells):
        return CellsRead([None] * width, f"expected {width} cells, found {len(cells)}: {run!r}", unread=True)
    extra_digits = sum(map(len, cells)) - width
    if extra_digits > MAX_EXTRA_DIGITS:
        return CellsRead([None] * width, f"cannot split run-together digits {run!r}: too many digits", unread=True)
    candidates = split_digit_runs(cells, width, check)
    if len(candidates) == 1:
        return CellsRead(list(candidates[0]), f"split run-together digits {run!r}")
    reason = "no split satisfies the row's arithmetic" if not candidates else f"{len(candidates)} possible splits"
    return CellsRead([None] * width, f"cannot split run-together digits {run!r}: {reason}", candidates, unread=True)


def _unreadable(doubtful: list[int]) -> str | None:
    """A note naming the cells (1-based) the reader could not read with confidence."""
    return f"cell(s) {[i + 1 for i in doubtful]} not read with confidence (OCR): left null" if doubtful else None


def split_digit_runs(chunks: Sequence[str], width: int, check: Check | None = None) -> list[tuple[int, ...]]:
    """Every way to cut the digit strings into ``width`` numbers (no leading zeros),
    in order, that passes ``check``; at most ``MAX_CANDIDATES + 1`` are returned."""
    found: list[tuple[int, ...]] = []
    for counts in _compositions(width, len(chunks)):
        pieces = [list(_cuts(chunk, count)) for chunk, count in zip(chunks, counts)]
        for combo in product(*pieces):
            values = tuple(v for part in combo for v in part)
            if check is None or check(values):
                found.append(values)
                if len(found) > MAX_CANDIDATES:
                    return found
    return found


def _compositions(total: int, parts: int):
    """Ways to write ``total`` as ``parts`` positive integers, in order."""
    if parts == 1:
        yield (total,)
        return
    for first in range(1, total - parts + 2):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def _cuts(digits: str, count: int):
    """Ways to cut one digit string into ``count`` numbers without leading zeros."""
    if count == 1:
        if digits == "0" or not digits.startswith("0"):
            yield (int(digits),)
        return
    for i in range(1, len(digits) - count + 2):
        head = digits[:i]
        if head != "0" and head.startswith("0"):
            break
        for rest in _cuts(digits[i:], count - 1):
            yield (int(head), *rest)
