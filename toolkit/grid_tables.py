"""Tables that arrive as grids (HTML, DOCX, PDF, OCR, markdown pipe tables) mapped
to codebook names by their own structure.

A table is recognised by what it prints, wherever it sits: rows that print section
三's column headings (自然人, 商业企业 …) open a section 三 table, and so on for 二
and 四. Each value cell belongs to the heading printed above the column where it
starts; a merged cell's continuation holds nothing, so a label spanning two columns
shifts nothing. Rows are found by their labels in printed order, tolerant of
misprints (``toolkit.labels``), their group (（三）不予公开) read from the row itself
or from the rows before it.

Heading rows printed again after a page break are skipped; a table continued in the
next grid (续表, a page break) goes on; a second table of the same section (a
subordinate unit's, another year's) is read on its own and listed, never mixed in.
A section 三 row whose cells do not sit under the headings is read in printed order
only where its own total confirms that reading; otherwise it is left null, with a
note. A table whose column headings cannot be found is left to the text path.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple

from toolkit import codebook
from toolkit.cells import BLANK_MARKERS, parse_grid_cell
from toolkit.labels import Candidate, match_label, number_of
from toolkit.normalize import compact_label as _compact_label
from toolkit.readers import GridTable
from toolkit.readers.grid import UNREADABLE_CELL
from toolkit.tables import TableRead

SECTION3_GROUP_HEADINGS = ("申请人情况", "法人或其他组织")
SECTION3_NOTE = "本列数据的勾稽关系"  # printed in the corner of section 三's heading rows
SECTION4_GROUP_HEADINGS = ("行政诉讼",)
GROUP_HEADINGS = SECTION3_GROUP_HEADINGS + SECTION4_GROUP_HEADINGS  # headings over columns, never columns
EXTRA_COLUMNS = ("备注", "说明")  # remarks printed beside the template's columns; never values
UNITS = ("元", "件", "项", "个", "条", "次")  # a unit printed after a count, or after an amount as printed
_LETTER_SPACED = re.compile(r"\d(?: \d)+")  # one number printed a digit at a time; "13 290" is parse_grid_cell's
MIN_CONTAINED = 3  # a shorter spelling (其他, 总计) names a heading only when it is the whole heading


compact_label = lru_cache(maxsize=8192)(_compact_label)  # labels repeat from report to report

# --- one cell --------------------------------------------------------------------

class NotAValue(ValueError):
    """A value cell holding something other than a number or a blank mark."""


def cell_value(text: str | None) -> int | float | None:
    """One value cell as printed: its number, ``None`` for an empty or blank-marked cell.

    >>> [cell_value(t) for t in ("12", "1,200", "13 290", "１２", "", "—", "无", "251000元")]
    [12, 1200, 13290, 12, None, None, None, 251000]
    """
    value, why = _read_cell(text or "")
    if why:
        raise NotAValue(why)
    return value


@lru_cache(maxsize=4096)
def _read_cell(text: str) -> tuple[int | float | None, str]:
    """(value, "") or (None, why it is no value), by ``cells.parse_grid_cell`` after a
    unit printed after the number ("251000元", "12件"); cells repeat, so this is kept."""
    text = _number_text(text)
    if text == UNREADABLE_CELL:
        return None, "not read with confidence (OCR)"
    unit = next((u for u in UNITS if text.endswith(u) and text[:-len(u)][-1:].isdigit()), "")
    try:
        return parse_grid_cell(text[:len(text) - len(unit)]), ""
    except ValueError as error:
        return None, str(error)


@lru_cache(maxsize=4096)
def _number_text(text: str | None) -> str:
    """NFKC, white space folded, digits letter-spaced inside the cell ("2 0") joined."""
    text = " ".join(unicodedata.normalize("NFKC", text or "").split())
    return text.replace(" ", "") if _LETTER_SPACED.fullmatch(text) else text


def _number(text: str | None) -> int | float | None:
    """The cell's number, ``None`` for anything else."""
    return _read_cell(text)[0] if text else None


@lru_cache(maxsize=4096)
def _is_value(text: str | None) -> bool:
    """A cell that states a number or a blank mark (not an empty cell, not words)."""
    return bool(text) and (_number(text) is not None or _number_text(text) in BLANK_MARKERS)


@lru_cache(maxsize=4096)
def _is_number(text: str | None) -> bool:
    """A cell that states a number."""
    return bool(text) and _read_cell(text)[0] is not None


def _has_number(row) -> bool:
    return any(map(_is_number, reversed(row)))  # a row's numbers stand at its end: looked at first


@lru_cache(maxsize=4096)
def _facts(text: str) -> tuple[str, int | float | None, bool]:
    """A printed cell's text as numbers are read (``_number_text``), its number, and
    whether it is a value (``_is_value``): what the columns ask of every cell, at once."""
    return _number_text(text), _number(text), _is_value(text)


# --- columns from heading rows ----------------------------------------------------

def _spellings(section: str, kind: str) -> dict[str, tuple[str, ...]]:
    names = dict.fromkeys(row["name"] for row in codebook.fields(section, kind))
    return {name: codebook.labels(section, name) for name in names}


def heading_name(text: str, spellings: dict[str, tuple[str, ...]]) -> str | None:
    """The codebook name a heading cell prints: exactly, contained, or clearly similar."""
    return _heading_name(compact_label(text).replace("其它", "其他"), tuple(spellings.items()))


@lru_cache(maxsize=2048)
def _heading_name(heading: str, spellings: tuple) -> str | None:
    spellings = dict(spellings)
    if not heading:
        return None
    exact = [name for name, found in spellings.items() if heading in found]
    if exact:
        return exact[0]
    contained = [(len(s), name) for name, found in spellings.items() for s in found
                 if len(s) >= MIN_CONTAINED and s in heading or len(heading) >= 4 and heading in s]
    if contained:
        return max(contained)[1]
    match = match_label(heading, [Candidate(name, found) for name, found in spellings.items()])
    return match.name if match and match.how != "exact" else None


def printed_headings(heading_rows: list, width: int) -> dict[int, tuple[int, str]]:
    """Column -> (heading row, text) of the heading printed lowest above it."""
    found = {}
    for column in range(width):
        for r in range(len(heading_rows) - 1, -1, -1):
            row = heading_rows[r]
            if column < len(row) and row[column] is not None and compact_label(row[column]):
                found[column] = (r, row[column])
                break
    return found


def covering(row, column: int) -> str | None:
    """The heading over ``column`` in a heading row: its own, or the nearest printed
    heading to its left when its cell is a merged continuation or empty (converters
    print merged cells as empty ones)."""
    for c in range(min(column, len(row) - 1), -1, -1):
        if row[c] is not None and compact_label(row[c]):
            return row[c]
    return None


class RowCells(NamedTuple):
    """A data row as one table's columns read it (``Columns.read``). Kept and shared
    between reports: read, never changed."""

    row: tuple  # the row's cells as printed
    labels: list[str]  # the row's label cells (``_labels``)
    numbers: bool  # a number from the first value column on
    empty: bool  # nothing printed from the first value column on
    problems: list[str]  # every sign that the cells do not sit under their headings
    placed: dict  # name -> the grid column its cell stood in
    ignored: str  # what the row printed beyond the headings, not used
    readings: dict  # name -> ``_read_cell`` of the cell under its heading: (value, "") or (None, why it is no value)


@dataclass(eq=False)  # compared and hashed as itself: one per layout (``columns_of``), never changed
class Columns:
    """Where each codebook column stands in a grid, from the table's heading rows."""

    at: dict  # name -> grid column
    starts: list[int]  # the column of every printed heading, and of every unheaded column
    remarks: set[int] = field(default_factory=set)  # 备注 columns: never values
    last: int = 0  # the last column with a printed heading: cells after it stand under none

    def __post_init__(self):
        self.first = min(self.at.values())
        self.named = set(self.at.values())
        self.under_heading = {}  # column -> the start of the heading it stands under
        heading, starts = None, set(self.starts)
        for c in range(max(self.starts) + 1):
            heading = c if c in starts else heading
            self.under_heading[c] = heading
        # Every column from the first to the last headed by a codebook column of its own: a row of that width
        # whose cells are all values has each cell under its own heading (``cells``' shortcut).
        self.plain_width = self.last + 1 if self.named == set(range(self.first, self.last + 1)) else None

    def read(self, row) -> RowCells:
        """The row's labels and cells under these columns (``_read_row``)."""
        return _read_row(self, tuple(row))

    def cells(self, row) -> tuple[dict, list[str], dict, str]:
        """The row's cell under each name, and every sign that its cells do not sit
        under their headings: a number among the labels, words under a heading, a
        number under no column of the template, two cells under one heading. A cell
        that starts inside a merged heading belongs to that heading. Then where each
        cell stood, and what the row printed beyond the headings."""
        problems = [f"a number among the labels ({t!r})" for t in row[:self.first] if _is_number(t)]
        if len(row) == self.plain_width and all(map(_is_value, row[self.first:])):
            # what the loop below finds for such a row, at once
            return {name: row[c] for name, c in self.at.items()}, problems, dict(self.at), ""
        under: dict[int, str] = {}
        stood: dict[int, int] = {}
        named, last_start, under_heading, remarks = self.named, self.starts[-1], self.under_heading, self.remarks
        beyond, ignored = [], ""
        present = None  # the last column holding a cell
        for c in range(self.first, len(row)):
            text = row[c]
            if text is None:
                continue
            present = c
            shown, number, value = _facts(text)
            if not shown:
                continue
            start = under_heading.get(c, last_start)
            if start in remarks:
                continue
            if c > self.last and (start not in named or start in under):
                beyond.append(text)
            elif start not in named:
                if number is not None:
                    problems.append(f"a number under no column of the template ({text!r})")
            elif not value and shown != UNREADABLE_CELL:
                problems.append(f"words under a heading ({text!r})")
            elif start in under:
                problems.append(f"two cells under one heading ({under[start]!r}, {text!r})")
            else:
                under[start], stood[start] = text, c
        if beyond and (problems or self.first not in under):  # the row starts late: shifted right?
            problems.append(f"cells beyond the table's headings ({', '.join(map(repr, beyond))})")
        elif beyond:
            ignored = f"ignored {len(beyond)} extra cell(s) beyond the table's headings: {' '.join(beyond)!r}"
        ending = self.under_heading.get(present, last_start) if present is not None else self.first
        missing = [name for name, c in self.at.items() if c > ending]
        if missing and under:
            problems.append(f"no cell at all under {', '.join(missing)} (the row ends early)")
        placed = {name: stood[c] for name, c in self.at.items() if c in stood}
        return {name: under.get(c) for name, c in self.at.items()}, problems, placed, ignored


@lru_cache(maxsize=8192)
def _read_row(columns: Columns, row: tuple) -> RowCells:
    """``Columns.read``: a pure function of the columns and the row's cells, kept, as rows
    (a label and its zeros) repeat from report to report."""
    values = row[columns.first:]
    cells, problems, placed, ignored = columns.cells(row)
    readings = {name: _read_cell(cell or "") for name, cell in cells.items()}
    return RowCells(row, _labels(row), _has_number(values), not any(map(_number_text, values)),
                    problems, placed, ignored, readings)


def columns_of(heading_rows: list, width: int, spellings: dict) -> Columns | None:
    """Where the codebook's columns stand under ``heading_rows``. A column whose
    heading cells are all printed empty (not merged into a neighbour), or that
    lies beyond them, has no heading: a number there is out of place."""
    return _columns_of(tuple(map(tuple, heading_rows)), width, tuple(spellings.items()))


@lru_cache(maxsize=1024)
def _columns_of(heading_rows: tuple, width: int, spellings: tuple) -> Columns | None:
    """``columns_of``, kept: heading rows repeat from report to report (so do the rows under them, ``_read_row``)."""
    printed = {column: found for column, found in printed_headings(heading_rows, width).items()
               if compact_label(found[1]) not in GROUP_HEADINGS}
    at, remarks = {}, set()
    for column, (_, text) in printed.items():
        name = heading_name(text, dict(spellings))
        if name and name not in at:
            at[name] = column
        elif any(extra in compact_label(text) for extra in EXTRA_COLUMNS):
            remarks.add(column)
    return Columns(at, _starts(heading_rows, width, printed), remarks, max(printed)) if at else None


def _starts(heading_rows: list, width: int, printed: dict) -> list[int]:
    """Columns that start a heading: printed ones, and those with no heading at all."""
    unheaded = {c for c in range(width) if c not in printed and all(c < len(r) and r[c] == "" for r in heading_rows)}
    return sorted(set(printed) | unheaded)


# --- which section a heading row opens -------------------------------------------

def _markers() -> dict[str, tuple[str, ...]]:
    def spelled(section, kind):
        return tuple(s for found in _spellings(section, kind).values() for s in found)
    return {
        "section2": spelled("section2", "column") + codebook.group_labels("section2", "2021"),
        "section3": tuple(s for s in spelled("section3", "column") if s not in ("其他", "总计"))
        + SECTION3_GROUP_HEADINGS + (SECTION3_NOTE,),
        "section4": tuple(s for s in spelled("section4", "column") if s != "总计") + spelled("section4", "group")
        + SECTION4_GROUP_HEADINGS,
    }


MARKERS = _markers()


def heading_section(row) -> str | None:
    """The section whose heading row this is (no numbers, its headings printed), or ``None``."""
    return None if _has_number(row) else _heading_section(tuple(row))


@lru_cache(maxsize=4096)
def _heading_section(row: tuple) -> str | None:
    """``heading_section`` of a row without numbers: heading rows repeat from report to report."""
    text = "".join(compact_label(c) for c in row if c).replace("其它", "其他")
    hits = {section: sum(marker in text for marker in found) for section, found in MARKERS.items()}
    best = max(hits, key=hits.get)
    return best if hits[best] else None


@lru_cache(maxsize=4096)
def _heading_key(row: tuple) -> tuple[str, ...]:
    """A heading row's printed cells as matched, to tell a heading printed again: heading rows repeat."""
    return tuple(compact_label(c) for c in row if c)


# --- the tables ------------------------------------------------------------------

class _Table:
    """One table being read row after row; ``read()`` gives its ``TableRead``."""

    section = ""

    def __init__(self, caption: str):
        self.caption = caption
        self.headings: list = []  # the heading rows above the data rows now being read
        self.headings_closed = False  # data rows came after them: a heading row now opens a new block
        self.seen: set[tuple] = set()
        self.data_rows = 0
        self.notes: list[str] = []
        self.lines: list[int] = []
        self.block_noted = False  # the rows under these headings are said to be unread

    def heading(self, row, line: int) -> bool:
        """Take a heading row; ``False`` when it opens a new table instead."""
        key = _heading_key(tuple(row))
        if self.data_rows and key in self.seen:
            if self.headings and not self.headings_closed:  # part of a new block of headings
                self.headings.append(row)
            elif self.section != "section2":  # section 二's sub-tables print the same headings by design
                self.notes.append(f"{self.section}: heading row printed again (line {line}): skipped")
            return True
        if self.data_rows and self.complete():
            return False
        if self.headings_closed:
            self.headings = []
        self.headings_closed = False
        self.headings.append(row)
        self.seen.add(key)
        return True

    def data(self, row, line: int) -> None:
        self.headings_closed = True
        self.data_rows += 1
        self.lines.append(line)
        self.row(row, line)

    def row(self, row, line: int) -> None:
        raise NotImplementedError

    def complete(self) -> bool:
        raise NotImplementedError

    def has_values(self) -> bool:
        raise NotImplementedError

    def listing(self) -> dict:
        """How the table is listed when it is not the record's."""
        return {"section": self.section, "caption": self.caption,
                "lines": [min(self.lines), max(self.lines)] if self.lines else None}


class _RowsTable(_Table):
    """A table of labelled rows (sections 二 and 三)."""

    spellings: dict = {}

    def __init__(self, caption: str):
        super().__init__(caption)
        self.candidates = self._candidates()
        self.cursor = 0
        self.found: dict[str, object] = {}
        self.at: dict[str, int] = {}
        self.labels: dict[str, dict] = {}
        self.unread_cells: dict[str, list[int]] = {}
        self.group_number = ""
        self.pending: str = ""  # a label printed on a row of its own, before its numbers
        self.columns: Columns | None = None
        self.last_empty: str | None = None  # the row just read, when its cells were all empty
        self.wrapped: list[str] = []  # rows whose numbers are printed on the row after their label
        self.realigned: list[str] = []  # rows read in printed order, as their totals confirm
        self.value_columns: dict[str, list[int | None]] = {}  # row -> the grid column of each value

    def _candidates(self) -> list[Candidate]:
        raise NotImplementedError

    def row(self, row, line: int) -> None:
        if self.headings:
            self.columns = columns_of(self.headings, len(row), self.spellings)
            self.headings, self.block_noted = [], False
        if not self.aligned():
            if not self.block_noted:
                self.notes.append(f"{self.section}: the columns of the rows from line {line} on cannot be told "
                                  "from their headings: those rows are not read")
                self.block_noted = True
            return
        read = self.columns.read(row)
        self._take_group(read.labels)
        leaf, match = self._matched(read.labels)
        if match is None:
            self._unmatched(read, line, leaf)
            return
        self.pending = ""
        self.last_empty = match.name if read.empty else None
        self._take(match.name, read, line)
        self.labels[match.name] = {"printed": leaf, "matched": match.how}
        self.cursor = _first_place(type(self), match.name) + 1

    def _matched(self, labels: list[str]):
        """The row's own label and the row it names: its last label cell (after a
        label printed on a row of its own), or else another of its label cells
        (words printed where values stand)."""
        leaf = labels[-1] if labels else ""
        for label in ([self.pending + leaf] if self.pending else []) + labels[::-1]:
            match = self._match(label)
            if match:
                return label, match
        return leaf, None

    def _unmatched(self, read: RowCells, line, leaf: str) -> None:
        if read.numbers and self.last_empty:  # a label wrapped onto a second row: the numbers are its
            name, self.last_empty = self.last_empty, None
            self.wrapped.append(name)
            self._take(name, read, line)
        elif read.numbers:
            self.notes.append(f"{self.section}: row {leaf or '(no label)'!r} (line {line}) matches no row "
                              "of the template: its numbers are not used")
            self.pending = ""
        elif leaf and not self._is_group(leaf):
            self.pending += leaf

    def _match(self, leaf: str):
        return _match_from(type(self), leaf, self.cursor, self.group_number)

    def _take_group(self, labels: list[str]) -> None:
        pass

    def _is_group(self, label: str) -> bool:
        return False

    def has_values(self) -> bool:
        return bool(self.found)

    def wrapped_note(self) -> list[str]:
        return [f"{self.section}: the numbers of {len(self.wrapped)} rows are printed on the row after their label "
                f"({', '.join(self.wrapped)})"] if self.wrapped else []


@cache
def _first_place(table: type, name: str) -> int:
    """Where row ``name`` stands first among ``table``'s rows."""
    return [c.name for c in table._candidates()].index(name)


@lru_cache(maxsize=8192)
def _match_from(table: type, label: str, cursor: int, group_number: str):
    """``match_label`` among the rows of ``table`` from ``cursor`` on: labels repeat from report to report."""
    return match_label(label, table._candidates()[cursor:], group_number)


def _labels(row) -> list[str]:
    """The row's label cells: the printed cells before its first value cell (where a
    layout drops empty cells, labels can stand where the headings put values)."""
    labels = []
    for cell in row:
        if not cell:
            continue
        shown, _, value = _facts(cell)
        if value or shown == UNREADABLE_CELL:
            break
        if label := compact_label(cell):
            labels.append(label)
    return labels


class Section3Table(_RowsTable):
    section = "section3"
    spellings = _spellings("section3", "column")
    groups = codebook.group_numbers("section3")

    @staticmethod
    @cache
    def _candidates() -> list[Candidate]:
        """Both templates' rows in printed order (2019's 其他处理 where 2021's 其他 group begins)."""
        order = list(codebook.section3_rows("2021"))
        order.insert(order.index("other_overdue_correction"), "other_processing")
        numbers = {row["name"]: row["number"] for row in codebook.fields("section3", "row")}
        return [Candidate(name, codebook.labels("section3", name), numbers[name]) for name in order]

    def aligned(self) -> bool:
        return self.columns is not None and len(self.columns.at) == len(codebook.SECTION3_COLUMNS)

    def complete(self) -> bool:
        return "carried_forward" in self.found and self.last_empty is None

    def _take_group(self, labels: list[str]) -> None:
        for label in labels:
            if (number := _group_number(label)) is not None:
                self.group_number = number

    def _is_group(self, label: str) -> bool:
        return _group_number(label) is not None

    def _take(self, name: str, read: RowCells, line: int) -> None:
        names = codebook.SECTION3_COLUMNS
        problems = read.problems
        if read.ignored:
            self.notes.append(f"section3: {name} (line {line}): {read.ignored}")
        readings = read.readings  # ``cell_value``'s (value, why not) by column
        values = [readings[column][0] for column in names]
        unread = [i for i, column in enumerate(names) if readings[column][1]]
        for i in unread:
            self.notes.append(f"section3: {name} (line {line}) {names[i]}: {readings[names[i]][1]}: left null")
        at = list(map(read.placed.get, names))
        if problems:
            values, at = self._realigned(name, read.row, line, (values, at), problems)
            unread = [i for i, v in enumerate(values) if v is None] if all(v is None for v in values) else []
        self.found[name] = values
        self.at[name] = line
        self.value_columns[name] = at
        if unread:
            self.unread_cells[name] = unread
        else:
            self.unread_cells.pop(name, None)

    def _realigned(self, name: str, row, line: int, by_heading: tuple[list, list],
                   problems: list[str]) -> tuple[list, list]:
        """Cells not all under their headings: the reading in printed order (exactly
        seven value cells) or, when only an extra cell is in the way, by position (the
        first cell under each heading) is kept when its total is the sum of the
        others and the two do not disagree; else null. Values and their grid columns."""
        width = len(codebook.SECTION3_COLUMNS)
        printed_at = [c for c, cell in enumerate(row) if _is_value(cell)]
        in_order = ([_number(row[c]) for c in printed_at], printed_at)
        shifted = any(p.startswith(("a number among", "words under")) for p in problems)
        readings = [r for r in (None if shifted else by_heading, in_order if len(printed_at) == width else None)
                    if r and _row_adds_up(r[0])]
        why = "; ".join(problems)
        if readings and all(r[0] == readings[0][0] for r in readings):
            self.realigned.append(f"{name} (line {line}: {why})")
            return readings[0]
        self.notes.append(f"{self.section}: {name} (line {line}): {why}, and no one reading that the row's total "
                          "confirms: left null")
        return [None] * width, [None] * width

    def read(self) -> TableRead:
        template = "2021" if any(n in self.found for n in TEMPLATE_2021_ROWS) else "2019"
        names = codebook.section3_rows(template)
        read = TableRead(template, {})
        read.notes = self.notes + self.wrapped_note()
        if self.realigned:
            read.notes.append(f"section3: {len(self.realigned)} rows whose cells do not sit under the table's "
                              "headings are read in printed order, as each row's total confirms: "
                              + "; ".join(self.realigned))
        for name in set(self.found) - set(names):
            if any(v is not None for v in self.found[name]):
                read.notes.append(f"section3: a {name} row with numbers in a {template} table: not used")
        width = len(codebook.SECTION3_COLUMNS)
        for name in names:
            read.values[name] = self.found.get(name, [None] * width)
            if name in self.found:
                read.rows_at[name] = self.at[name]
            else:
                read.unread.append(name)
                read.notes.append(f"section3: row {name} not found")
        read.unread_cells = {k: v for k, v in self.unread_cells.items() if k in names}
        read.labels = {k: v for k, v in self.labels.items() if k in names}
        return read


TEMPLATE_2021_ROWS = ("other_overdue_correction", "other_overdue_fee", "other_other")


@lru_cache(maxsize=4096)
def _group_number(label: str) -> str | None:
    """The printed number of the section 三 group a label heads ((三) for 不予公开), the
    last that fits; ``None`` when it heads none."""
    rest = number_of(label)[1]
    fits = [number for group, number in Section3Table.groups if rest.startswith(group) and len(rest) <= len(group) + 2]
    return fits[-1] if fits else None


def _row_adds_up(values: list) -> bool:
    """A section 三 row whose printed total is the sum of its printed parts."""
    return values[-1] is not None and any(v is not None for v in values[:-1]) and \
        values[-1] == sum(v for v in values[:-1] if v is not None)


def _groups_add_up(found: dict) -> bool:
    """Section 四 groups that print a number each add up (their total the sum of their
    parts), and there is at least one; an all-blank group confirms nothing, and denies nothing."""
    printed = [[g[c] for c in codebook.SECTION4_COLUMNS] for g in found.values()]
    printed = [values for values in printed if any(v is not None for v in values)]
    return bool(printed) and all(_row_adds_up(values) for values in printed)


class Section2Table(_RowsTable):
    section = "section2"
    spellings = _spellings("section2", "column")
    ITEMS = ("regulations", "normative_documents", "licensing", "other_external_services", "penalty",
             "compulsion", "administrative_fees", "central_procurement")

    @classmethod
    @cache
    def _candidates(cls) -> list[Candidate]:
        return [Candidate(name, codebook.labels("section2", name)) for name in cls.ITEMS]

    def aligned(self) -> bool:
        return self.columns is not None

    def complete(self) -> bool:
        if not self.found or self.last_empty is not None or self.cursor < len(self.candidates) - 1:
            return False  # asked of every row: the template is told only when it can matter
        return self.cursor >= len(self.candidates) - (0 if self._template() == "2019" else 1)

    def _is_group(self, label: str) -> bool:
        return any(group in label for group in codebook.group_labels("section2", "2021"))

    def _take(self, name: str, read: RowCells, line: int) -> None:
        problems = read.problems
        values = {}
        for column, (value, why) in read.readings.items():  # ``cell_value``'s value, or why not
            values[column] = value
            if why:
                self.unread_cells.setdefault(name, []).append(column)
                self.notes.append(f"section2: {name} (line {line}) {column}: {why}: left null")
        placed = read.placed
        if problems:
            self.notes.append(f"section2: {name} (line {line}): {'; '.join(problems)}: left null")
            values, placed = dict.fromkeys(values), {}
            self.unread_cells[name] = list(values)
        self.found[name] = values
        self.at[name] = line
        self.value_columns[name] = {column: placed.get(column) for column in values}

    OWN_COLUMNS = {t: {row["name"] for row in codebook.fields("section2", "column") if row["templates"] == t}
                   for t in codebook.TEMPLATES}  # the columns only one template prints

    def _template(self) -> str:
        seen = {column for values in self.found.values() for column in values}
        return max(codebook.TEMPLATES, key=lambda t: (len(seen & self.OWN_COLUMNS[t]), t))

    def read(self) -> TableRead:
        template = self._template()
        layout = codebook.section2_layout(template)
        read = TableRead(template, {})
        read.notes = self.notes + self.wrapped_note()
        for item, columns in layout.items():
            found = self.found.get(item)
            if found is None:
                read.values[item] = dict.fromkeys(columns)
                read.unread.append(item)
                read.notes.append(f"section2: item {item} not found")
                continue
            read.values[item] = {column: found.get(column) for column in columns}
            read.rows_at[item] = self.at[item]
            missing = [column for column in columns if column not in found]
            if missing:
                read.notes.append(f"section2: {item}: no column headed {', '.join(missing)}: left null")
                read.unread_cells[item] = [list(columns).index(c) for c in missing]
            unread = [list(columns).index(c) for c in self.unread_cells.get(item, []) if c in columns]
            if unread:
                read.unread_cells[item] = sorted(set(read.unread_cells.get(item, []) + unread))
        read.labels = {k: v for k, v in self.labels.items() if k in layout}
        return read


class Section4Table(_Table):
    """四: fifteen cells under three groups of five headings (or two tables: 复议, 诉讼)."""

    section = "section4"
    columns_spelled = _spellings("section4", "column")
    groups_spelled = [Candidate(name, found) for name, found in _spellings("section4", "group").items()]

    def __init__(self, caption: str):
        super().__init__(caption)
        self.found: dict[str, dict] = {}
        self.at: dict[str, int] = {}
        self.mapped: set[tuple[str, str]] = set()  # (group, column) found under a heading
        self.value_columns: dict[str, dict[str, int | None]] = {}  # group -> the grid column of each value

    def complete(self) -> bool:
        return len(self.found) == len(codebook.SECTION4_GROUPS)

    def has_values(self) -> bool:
        return bool(self.found)

    def row(self, row, line: int) -> None:
        if not _has_number(row):
            return
        columns = self._columns(len(row))
        if columns is None:
            self.notes.append(f"section4: the columns of line {line} cannot be told from their headings: not read")
            return
        read = columns.read(row)
        problems = read.problems
        if read.ignored:
            self.notes.append(f"section4 (line {line}): {read.ignored}")
        self.mapped |= set(columns.at)
        found: dict[str, dict] = {}
        for (group, column), (value, why) in read.readings.items():  # ``cell_value``'s value, or why not
            if why:
                self.notes.append(f"section4: {group} {column} (line {line}): {why}: left null")
            found.setdefault(group, dict.fromkeys(codebook.SECTION4_COLUMNS))[column] = value
        placed = read.placed
        if problems and not _groups_add_up(found):
            self.notes.append(f"section4 (line {line}): {'; '.join(problems)}, and the groups' totals do not "
                              "confirm the reading: left null")
            found, placed = {group: dict.fromkeys(codebook.SECTION4_COLUMNS) for group in found}, {}
        elif problems:
            self.notes.append(f"section4 (line {line}): {'; '.join(problems)}: the first cell under each heading "
                              "is kept, as every group's total confirms")
        for group, values in found.items():
            self.found[group] = values
            self.at[group] = line
            self.value_columns[group] = {column: placed.get((group, column)) for column in values}
        self.headings = []

    def _columns(self, width: int) -> Columns | None:
        return _section4_columns(tuple(map(tuple, self.headings)), width)

    def read(self) -> TableRead:
        read = TableRead("2019/2021", {})
        read.notes = list(self.notes)
        for group in codebook.SECTION4_GROUPS:
            read.values[group] = self.found.get(group, dict.fromkeys(codebook.SECTION4_COLUMNS))
            if group in self.found:
                read.rows_at[group] = self.at[group]
                missing = [column for column in codebook.SECTION4_COLUMNS if (group, column) not in self.mapped]
                if missing:
                    read.notes.append(f"section4: {group}: no heading found for {', '.join(missing)}: left null")
                    read.unread_cells[group] = [codebook.SECTION4_COLUMNS.index(c) for c in missing]
            else:
                read.unread.append(group)
                read.notes.append(f"section4: {group} not found")
        return read


@lru_cache(maxsize=1024)
def _section4_columns(headings: tuple, width: int) -> Columns | None:
    """Where section 四's (group, column) cells stand under its heading rows: heading
    rows repeat from report to report (so do the rows under them, ``_read_row``)."""
    printed = printed_headings(headings, width)
    at = {}
    for column, (r, text) in printed.items():
        name = heading_name(text, Section4Table.columns_spelled)
        group = _group_over(headings, r, column)
        if name and group and (group, name) not in at:
            at[(group, name)] = column
    return Columns(at, _starts(headings, width, printed), last=max(printed)) if at else None


def _group_over(headings: tuple, heading_row: int, column: int) -> str | None:
    """The section 四 group printed above ``column`` in the heading rows before ``heading_row``."""
    for row in reversed(headings[:heading_row]):
        text = covering(row, column)
        if text and (name := _group_named(compact_label(text))):
            return name
    return None


@lru_cache(maxsize=1024)
def _group_named(heading: str) -> str | None:
    """The section 四 group a heading names exactly, or ``None``."""
    match = match_label(heading, Section4Table.groups_spelled)
    return match.name if match and match.how == "exact" else None


TABLES = {"section2": Section2Table, "section3": Section3Table, "section4": Section4Table}


@dataclass
class GridTables:
    """The tables read from a document's grids: per section, in printed order."""

    found: dict[str, list[_Table]]

    def own(self, year: int | None = None) -> tuple[dict[str, TableRead], list[dict]]:
        """Each section's own table (the first, or the one whose caption names ``year``
        when another names a different year), and every other table, listed."""
        tables, others = {}, []
        for section, chosen, usable in self._chosen(year):
            tables[section] = chosen.read()
            tables[section].reader = "grid"
            others += [{**t.listing(), "why": "another table of this section (a subordinate unit's or another "
                                              "year's): read on its own, not mixed in"}
                       for t in usable if t is not chosen]
        return tables, others

    def value_columns(self, year: int | None = None) -> dict[str, dict[str, tuple[int, list | dict]]]:
        """Per section and row of its own table: the line the row was read from and the
        grid column each value came from (``None`` where none), in the record's shape."""
        return {section: {name: (chosen.at[name], columns) for name, columns in chosen.value_columns.items()}
                for section, chosen, _ in self._chosen(year)}

    def _chosen(self, year: int | None):
        """(section, its own table, the tables of the section that hold values)."""
        for section, found in self.found.items():
            usable = [t for t in found if t.has_values()]
            if not usable:
                continue
            chosen = usable[0]
            if year and str(year) not in chosen.caption:
                chosen = next((t for t in usable if str(year) in t.caption), chosen)
            yield section, chosen, usable


def read_grids(grids: tuple[GridTable, ...], text: str) -> GridTables:
    """Every statistics table printed in ``grids`` (in document order), by section."""
    lines = text.splitlines()
    found: dict[str, list[_Table]] = {}
    current: _Table | None = None
    for grid in grids:
        if current is not None and current.complete():
            current = None
        for row, line in zip(grid.rows, grid.lines):
            if line is None:
                continue
            section = heading_section(row)
            if section:
                if current is None or current.section != section or not current.heading(row, line):
                    current = TABLES[section](_caption(grid, lines))
                    current.heading(row, line)
                    found.setdefault(section, []).append(current)
            elif current is not None and not current.complete():
                current.data(row, line)
    return GridTables(found)


def _caption(grid: GridTable, lines: list[str]) -> str:
    """The printed line just before the grid (a caption naming its unit or year)."""
    first = next((n for n in grid.lines if n), None)
    for n in range((first or 1) - 2, max(-1, (first or 1) - 6), -1):
        if 0 <= n < len(lines) and lines[n].strip():
            return lines[n].strip()[:200]
    return ""
