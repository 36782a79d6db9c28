"""Source check: every number of a record is printed in the source next to its row's label.

A second look at a finished record, independent of how it was read: for each row
of sections 二, 三 and 四 that holds a value, the row's label is searched from the
line the record gives for it up to the next row's line, and the first run of cells
after the label (before the next row's label) must print the row's values, in order
and nothing more. ``None`` takes a printed blank (``∅``, ``/``, ``-``, ``—``, ``无``).
Thousands separators and full-width digits are read as the reader reads them; in a
row without blanks, digits run together (``801000081`` for 80, 1, 0, 0, 0, 0, 81) or
letter-spaced (``1 3 2 9 0`` for 13290) match when the digits are the same and the
printed cell boundaries fall on the values' boundaries (or, letter-spaced, the other
way round). A row that does not match, or that has no line, is a finding; the
record is never changed.

>>> record = {"section3": {"granted": [7, 0, 0, 0, 0, 0, 7]},
...           "provenance": {"tables": {"section3": {"rows": {"granted": 1}}}}}
>>> source_findings(record, "(一)予以公开\\t7\\t0\\t0\\t0\\t0\\t0\\t7")
[]
>>> [f["row"] for f in source_findings(record, "(一)予以公开\\t7\\t0\\t0\\t0\\t0\\t0\\t8")]
['granted']
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from toolkit import codebook
from toolkit.cells import BLANK_MARKERS, CELL_RUN, first_cell_run, parse_number, split_cells
from toolkit.normalize import QUOTES, normalize
from toolkit.readers.grid import UNREADABLE_CELL

LAST_ROW_LINES = 8  # the last row's cells may follow its label one per line: label + 7 cells
SECTION4_LINES = 15  # section 四's 15 cells may be printed one per line
_RULES = re.compile(r"-{3,}|={3,}")  # markdown rules, separators as for CompactText
_NOT_DIGIT = re.compile(r"\D")
_LABEL_GAP = "[\\s|" + re.escape(QUOTES) + "]*"  # what CompactText removes inside a label
_BLANKS = BLANK_MARKERS | {UNREADABLE_CELL}
LABEL_NOT_FOUND = "label not found"


def source_findings(record: dict, text: str) -> list[dict]:
    """Rows of sections 二, 三 and 四 whose values are not printed next to their label
    in ``text`` (the document's lifted text), each as a finding."""
    source = _Source(text)
    tables = record.get("provenance", {}).get("tables", {})
    findings = []
    for section in ("section2", "section3", "section4"):
        values = record.get(section)
        if not values:
            continue
        rows_at = (tables.get(section) or {}).get("rows") or {}
        check = _section4_findings if section == "section4" else _row_findings
        findings += check(section, values, rows_at, source)
    return findings


class _Source:
    """The lifted text as the reader saw it (NFKC, pipes and markdown rules as
    separators), cut into windows of lines. Text already normalised (``CompactText.source``)
    is not normalised again."""

    def __init__(self, text: str):
        if not unicodedata.is_normalized("NFKC", text) or "\r" in text:
            text = normalize(text)
        text = text.replace("|", " ")
        if "---" in text or "===" in text:  # only a text that prints a rule needs the regex's scan
            text = _RULES.sub(" ", text)
        self.lines = text.split("\n")

    def window(self, first: int, last: int) -> str:
        """Lines ``first`` to ``last`` (1-based, inclusive), joined."""
        if first == last and 0 < first <= len(self.lines):  # most rows: a line of its own
            return self.lines[first - 1]
        return "\n".join(self.lines[first - 1:last])


def _row_findings(section: str, values: dict, rows_at: dict, source: _Source) -> list[dict]:
    """Sections 二 and 三: each row's values in the first run of cells after its label,
    before the next row's label; rows sharing a window are found left to right."""
    ends = _window_ends(rows_at, len(source.lines))
    following, after = {}, {}  # name -> the next row on its line; line -> the row last seen on it
    for name in reversed(values):
        line = rows_at.get(name)
        following[name], after[line] = after.get(line), name
    cursors: dict[int, int] = {}
    findings = []
    for name, printed in values.items():
        row = _flat(printed)
        if row.count(None) == len(row):  # no value
            continue
        line = rows_at.get(name)
        if line is None:
            findings.append(_finding(section, name, None, row, "the row has no line: its place in the source is unknown"))
            continue
        window = source.window(line, ends[line])
        found, message = _after_label(window, cursors.get(line, 0), section, name, following[name],
                                      tuple(row), tuple(map(type, row)))
        if message == LABEL_NOT_FOUND and sum(at == line for at in rows_at.values()) == 1:
            found, message = _after_first_line_label(window, row)
        if found is None:
            findings.append(_finding(section, name, line, row, f"{message} (lines {line}–{ends[line]})"))
        else:
            cursors[line] = found
    return findings


@lru_cache(maxsize=8192)
def _after_label(window: str, cursor: int, section: str, name: str, following: str | None,
                 row: tuple, types: tuple) -> tuple[int | None, str]:
    """Where the row's cells end, for the first occurrence of its label (row ``name``'s)
    followed by them, before the label of the ``following`` row; else ``None`` and what
    the label is followed by. Kept: rows (a label and its zeros) repeat from report to
    report, and this depends on its arguments alone; ``types`` keeps 1 and 1.0 (equal
    keys, printed differently) apart."""
    label, next_label = _label(section, name), _label(section, following) if following else None
    printed = None
    for match in label.finditer(window, cursor):
        stop = next_label.search(window, match.end()) if next_label else None
        segment = window[match.end():stop.start() if stop else len(window)]
        run = first_cell_run(segment)
        if run and _printed(row, split_cells(run[0])):
            return match.end() + run[1] + len(run[0]), ""
        if printed is None:
            printed = run[0] if run else ""
    if printed is None:
        return None, LABEL_NOT_FOUND
    return None, f"not printed after its label, which is followed by {_cells(printed)}"


def _after_first_line_label(window: str, row: list) -> tuple[int | None, str]:
    """For a row alone on its line whose label is printed in a spelling the codebook
    does not know (the reader matched it by similarity): the first run of cells
    that ends the line or follows it."""
    first_line = window.split("\n", 1)[0]
    ending = [m for m in CELL_RUN.finditer(first_line) if not first_line[m.end():].strip()]
    run = first_cell_run(window[ending[-1].start() if ending else len(first_line):])
    if run and _printed(row, split_cells(run[0])):
        return len(window), ""
    return None, f"{LABEL_NOT_FOUND}, and the cells that end its line are {_cells(run[0] if run else '')}"


def _cells(run: str) -> list[str] | str:
    return split_cells(run) or "no number"


def _section4_findings(section: str, values: dict, rows_at: dict, source: _Source) -> list[dict]:
    """Section 四: the 15 values of the three groups, on one row, as one run of cells."""
    groups = [name for name in values if any(v is not None for v in _flat(values[name]))]
    if not groups:
        return []
    lines = {rows_at.get(name) for name in values}
    if None in lines or len(lines) != 1:
        return [_finding(section, name, rows_at.get(name), _flat(values[name]),
                         "the group has no line, or not the line of the other groups: its place in the source is unknown")
                for name in groups]
    [line] = lines
    row = [v for name in values for v in _flat(values[name])]
    runs, digits = [], _leading_digits(row)  # read up to the first run that prints the row: the rest is not needed
    for run in (match.group() for match in CELL_RUN.finditer(source.window(line, line + SECTION4_LINES - 1))):
        if _NOT_DIGIT.sub("", run).startswith(digits) and _printed(row, split_cells(run), extra_cells=True):
            return []
        runs.append(run)
    printed = next((cells for cells in map(split_cells, runs) if max(len(cells), len("".join(cells))) >= len(row)), None)
    wrong = _differing_groups(values, printed)
    message = (f"not printed on lines {line}–{line + SECTION4_LINES - 1}, where the first run of cells "
               f"that can hold {len(row)} values prints {printed or 'nothing'}")
    return [_finding(section, name, line, _flat(values[name]), message) for name in wrong or groups]


def _leading_digits(row: list) -> str:
    """The digits a run that prints the row begins with (a quick test before reading its
    cells): its values' digits when they are whole numbers, else none."""
    numbers = [v for v in row if v is not None]
    return "".join(str(abs(v)) for v in numbers) if all(isinstance(v, int) for v in numbers) else ""


def _differing_groups(values: dict, printed: list[str] | None) -> list[str]:
    """Groups whose five values differ from the printed cells at their place (after
    leading blank cells, at the offset that fits best), when at least fifteen cells
    were printed; otherwise nothing to say."""
    width = len(codebook.SECTION4_COLUMNS)
    if printed is None:
        return []
    rows = [_flat(values[name]) for name in values]
    leading = next((i for i, cell in enumerate(printed) if cell not in _BLANKS), len(printed))
    offsets = [k for k in range(leading + 1) if len(printed) - k >= width * len(rows)]
    differing = [[name for i, (name, row) in enumerate(zip(values, rows))
                  if row != [_number(cell) for cell in printed[k + i * width:k + (i + 1) * width]]]
                 for k in offsets]
    return min(differing, key=len, default=[])


def _printed(row: list, cells: list[str], extra_cells: bool = False) -> bool:
    """Whether ``cells`` print the row's values, cell by cell or as digits run together."""
    if None not in row and cells == list(map(str, row)):  # each value in its own cell, as Python writes it:
        return True  # what ``_cell_by_cell`` finds, at once (a cell that prints str(v) reads as v)
    return _cell_by_cell(row, cells, extra_cells) or _same_digits(row, cells)


def _cell_by_cell(row: list, cells: list[str], extra_cells: bool) -> bool:
    """Each value in its own cell, ``None`` in a blank one; blank cells may precede
    the values (an empty heading cell); after them, only blank cells, unless
    ``extra_cells`` (the reader ignores extra cells after section 四's fifteen)."""
    leading = next((i for i, cell in enumerate(cells) if cell not in _BLANKS), len(cells))
    for start in range(leading + 1):
        rest = cells[start:start + len(row)]
        if len(rest) == len(row) and all(
                cell in _BLANKS if value is None else _number(cell) == value for value, cell in zip(row, rest)):
            return extra_cells or all(cell in _BLANKS for cell in cells[start + len(row):])
    return False


def _same_digits(row: list, cells: list[str]) -> bool:
    """Digits run together or letter-spaced, in a row without blanks (a crawler drops
    blank cells with the separators): the same digits, and the printed cell boundaries
    among the values' boundaries (run together) or, for cells of one digit each, the
    values' boundaries among the printed ones (letter-spaced)."""
    if not all(isinstance(v, int) and v >= 0 for v in row):
        return False
    if not all(cell.isascii() and cell.isdigit() for cell in cells):
        return False
    digits = [str(v) for v in row]
    if "".join(digits) != "".join(cells):
        return False
    value_cuts, printed_cuts = _cuts(digits), _cuts(cells)
    return printed_cuts <= value_cuts or (value_cuts <= printed_cuts and all(len(c) == 1 for c in cells))


def _cuts(parts: list[str]) -> set[int]:
    """Positions in the joined string where one part ends and the next begins."""
    cuts, at = set(), 0
    for part in parts[:-1]:
        at += len(part)
        cuts.add(at)
    return cuts


def _number(cell: str):
    if cell.isascii() and cell.isdigit():
        return int(cell)
    try:
        return parse_number(cell)
    except ValueError:
        return None


def _flat(values) -> list:
    """A row's values in printed order: section 三 is a list, sections 二 and 四 map columns to values."""
    return list(values.values()) if isinstance(values, dict) else list(values)


def _window_ends(rows_at: dict, last_line: int) -> dict[int, int]:
    """For each row line, the last line of its window: the line before the next
    row's line, or a few lines on for the last row."""
    lines = sorted({line for line in rows_at.values() if line is not None})
    ends = {line: max(line, following - 1) for line, following in zip(lines, lines[1:])}
    if lines:
        ends[lines[-1]] = min(lines[-1] + LAST_ROW_LINES, last_line)
    return ends


@cache
def _label(section: str, name: str) -> re.Pattern:
    """Any spelling of a row's label, with white space, pipes and quotes allowed between its characters."""
    spellings = codebook.labels(section, name)
    return re.compile("|".join(_LABEL_GAP.join(map(re.escape, spelling)) for spelling in spellings))


def _finding(section: str, row: str, line: int | None, values: list, message: str) -> dict:
    return {"section": section, "row": row, "line": line, "values": values,
            "message": f"{section}: {row}: {message}"}
