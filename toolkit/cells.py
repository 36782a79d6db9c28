"""From the text after a row label to that row's values.

A cell is a number, a blank marker (``/``, ``-``, ``—``, ``无``: printed, but
stating nothing) or, in crawler text, several numbers run together
(``801000081`` for 80, 1, 0, 0, 0, 0, 81). Run-together cells are split only
where the row's own arithmetic leaves exactly one way; otherwise the values stay
``None`` and the candidates are kept for the record.

Numbers are read after NFKC ("１，２００" is "1,200"); "1,200" is 1200. A space
between digit groups ("13 290") may be a thousands space or may separate two
cells: ``CompactText`` joins it only inside a tab- or pipe-separated cell, and
elsewhere ``fit`` joins it only where the row's arithmetic leaves one reading.

>>> parse_cells("8 0 — 1.5 1,200")
[8, 0, None, 1.5, 1200]
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
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
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:([, ])\d{3})(?:\1\d{3})*(?:\.\d+)?")  # "1,200", "13 290", "1 200.50"
_SPACE_GROUPED = re.compile(r"[1-9]\d{0,2}(?: \d{3})+(?:\.\d+)?")  # "13 290": one number, or two cells
_GLUED = re.compile(r"[-+]?\d[\d,. ]*\s*(?:[\u4e00-\u9fff%‰]+|[*※#]+|[a-zA-Z]+)")  # "12件", "3*"
MAX_CANDIDATES = 50
MAX_EXTRA_DIGITS = 8  # beyond this, splitting one run has too many ways to search


def first_cell_run(text: str) -> tuple[str, int] | None:
    """The first run of cells in ``text`` and its offset, without a trailing
    row number ("2." or "2、") that belongs to the next label."""
    match = CELL_RUN.search(text)
    if not match:
        return None
    following = text[match.end():match.end() + 1]
    run = match.group() + ("、" if following == "、" else "")
    if run.endswith((".", "、")):  # a run ends in a cell, never in white space: a row number ends it only so
        run = _NUMBERING.sub("", run)
    return (run, match.start()) if run.strip() else None


@lru_cache(maxsize=4096)
def parse_number(cell: str) -> Number | None:
    """One printed cell as a number; ``None`` for a blank marker or an unreadable cell (cells repeat: kept)."""
    if cell in BLANK_MARKERS or cell == UNREADABLE_CELL:
        return None
    if _THOUSANDS.match(cell):
        cell = cell.replace(",", "")
    if not _NUMBER.match(cell):
        raise ValueError(f"not a number: {cell!r}")
    value = float(cell)
    return int(value) if "." not in cell else value


def parse_grid_cell(text: str) -> Number | None:
    """One cell of a grid table (HTML, DOCX, PDF) as a number; ``None`` for a blank
    cell or a blank marker. Raises ``ValueError`` for anything else, naming a unit
    or footnote mark glued to a number ("12件", "3*"), which the caller decides on.

    >>> [parse_grid_cell(cell) for cell in ("１２", " ", "—", "1,200", "13 290", "1 200.50", "0.5")]
    [12, None, None, 1200, 13290, 1200.5, 0.5]
    >>> parse_grid_cell("12件")
    Traceback (most recent call last):
    ...
    ValueError: a unit or mark glued to the number: '12件'
    >>> parse_grid_cell("12 3")
    Traceback (most recent call last):
    ...
    ValueError: not a number: '12 3'
    """
    cell = " ".join(unicodedata.normalize("NFKC", text).split())
    if not cell or cell in BLANK_MARKERS:
        return None
    if _GROUPED.fullmatch(cell):
        cell = cell.replace(",", "").replace(" ", "")
    if _NUMBER.match(cell):
        return parse_number(cell)
    if _GLUED.fullmatch(cell):
        raise ValueError(f"a unit or mark glued to the number: {cell!r}")
    raise ValueError(f"not a number: {cell!r}")


def split_cells(run: str) -> list[str]:
    """Cells of a run: split on white space and on commas that are not thousands."""
    if "," not in run:
        return run.split()
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

    Extra trailing cells are ignored with a note, unless a number and the digit
    groups after it ("13 290") could be one cell: then only ``check`` (the row's
    arithmetic) can choose. Too few cells are split as run-together digits when
    ``check`` leaves one way; without ``check``, only when every digit is a cell.
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
        if not doubtful and (grouped := _grouped_readings(cells, width)):
            return _choose_reading(run, [values[:width]] + grouped, width, check)
        if check is not None and not doubtful and not _holds(check, values[:width]):
            return _shifted(run, values, width, check)
        extra = f"ignored {len(cells) - width} extra cell(s) after {width}: {' '.join(cells[width:])!r}"
        return CellsRead(values[:width], "; ".join(filter(None, (_unreadable(doubtful), extra))), unread_cells=doubtful)
    if not all(cell.isdigit() for cell in cells):
        return CellsRead([None] * width, f"expected {width} cells, found {len(cells)}: {run!r}", unread=True)
    extra_digits = sum(map(len, cells)) - width
    if extra_digits > MAX_EXTRA_DIGITS:
        return CellsRead([None] * width, f"cannot split run-together digits {run!r}: too many digits", unread=True)
    candidates = split_digit_runs(cells, width, check)
    if len(candidates) == 1 and (check is not None or extra_digits == 0):
        return CellsRead(list(candidates[0]), f"split run-together digits {run!r}")
    if check is None:
        reason = f"{len(candidates)} possible split(s) and no arithmetic to confirm one"
    else:
        reason = "no split satisfies the row's arithmetic" if not candidates else f"{len(candidates)} possible splits"
    return CellsRead([None] * width, f"cannot split run-together digits {run!r}: {reason}", candidates, unread=True)


def _holds(check: Check, values: list) -> bool:
    """The row's arithmetic on these values, a blank cell read as zero."""
    return check([0 if v is None else v for v in values])


def _shifted(run: str, values: list, width: int, check: Check) -> CellsRead:
    """More cells than the row holds, and the first ``width`` fail its arithmetic: the
    one run of ``width`` consecutive cells that satisfies it (a stray cell before
    the values would otherwise shift every value by one); where none or several
    do, the first ``width`` as printed, the failed identity left to the checks."""
    fitting = {tuple(values[k:k + width]) for k in range(1, len(values) - width + 1)
               if values[k + width - 1] is not None and _holds(check, values[k:k + width])}
    if len(fitting) == 1:
        chosen = list(fitting.pop())
        return CellsRead(chosen, f"{len(values)} cells {run!r} for {width} values: the first {width} fail the "
                                 f"row's arithmetic, the only {width} in a row that satisfy it are read "
                                 f"(first {width}: {values[:width]})")
    return CellsRead(values[:width], f"{len(values)} cells {run!r} for {width} values: the first {width} are read; "
                                     "they fail the row's arithmetic and no other run of cells satisfies it")


MAX_GROUPINGS = 6  # digit groups that could join the number before them; beyond this, too many readings


def _grouped_readings(cells: list[str], width: int) -> list[list[Number]]:
    """Readings of ``width`` values that join a number with the 3-digit groups after
    it ("13 290" as 13290), the other cells kept as they are."""
    if sum(bool(_SPACE_GROUPED.fullmatch(f"{a} {b}")) for a, b in zip(cells, cells[1:])) > MAX_GROUPINGS:
        return []
    readings: list[list[str]] = [[]]
    for cell in cells:
        readings = [r + [cell] for r in readings] + [
            r[:-1] + [f"{r[-1]} {cell}"] for r in readings if r and _SPACE_GROUPED.fullmatch(f"{r[-1]} {cell}")]
    return [[parse_number(cell.replace(" ", "")) for cell in r] for r in readings if len(r) == width]


def _choose_reading(run: str, readings: list[list[Number | None]], width: int, check: Check | None) -> CellsRead:
    """The one reading that satisfies the row's arithmetic (blanks counting 0), or none."""
    fitting = [r for r in readings if check is not None and check([v or 0 for v in r])]
    if len(fitting) == 1:
        return CellsRead(fitting[0], f"read {run!r} as {fitting[0]}: the only reading of its digit groups "
                                     "that satisfies the row's arithmetic")
    reason = ("no arithmetic to choose" if check is None
              else f"{len(fitting)} readings satisfy the row's arithmetic" if fitting
              else "no reading satisfies the row's arithmetic")
    candidates = [tuple(r) for r in (fitting or readings)]
    return CellsRead([None] * width, f"cannot tell whether spaces in {run!r} separate cells or digit groups: {reason}",
                     candidates, unread=True)


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
