"""Map a report's table text to codebook names: one shared step for every format.

Works on ``CompactText``: each row label (from the codebook, with its variants) is
found in printed order, and the cells between it and the next label are the row's
values. This reads tab-separated rows, one-cell-per-line text, markdown and
crawler text whose cells run together, and tolerates group labels printed on any
row of their group and rows split across lines.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from functools import cache
from itertools import product

from toolkit import codebook
from toolkit.checks import column_identity_failures
from toolkit.cells import CELL_RUN, CellsRead, first_cell_run, fit, parse_number, split_cells
from toolkit.labels import Candidate, match_label
from toolkit.normalize import CompactText
from toolkit.readers.grid import BLANK_CELL


@dataclass
class TableRead:
    """One statistical table as read: values in the codebook's shape, and how."""

    template: str | None
    values: dict
    rows_at: dict[str, int] = field(default_factory=dict)  # row name -> source line
    unread: list[str] = field(default_factory=list)  # rows whose values could not be read
    unread_cells: dict[str, list[int]] = field(default_factory=dict)  # row -> cells read without confidence
    notes: list[str] = field(default_factory=list)
    unresolved: list[dict] = field(default_factory=list)
    labels: dict[str, dict] = field(default_factory=dict)  # row -> label as printed and how it was matched
    reader: str = "text"  # "text" (labels in the lifted text) or "grid" (the table's own grid)

    @property
    def lines(self) -> tuple[int, int] | None:
        return (min(self.rows_at.values()), max(self.rows_at.values())) if self.rows_at else None


@dataclass
class _Label:
    name: str
    start: int
    stop: int
    how: str = "exact"
    printed: str = ""


def read_section2(ct: CompactText, span: tuple[int, int]) -> TableRead:
    """二、主动公开政府信息情况: items by label, columns by the template's layout."""
    template = _section2_template(ct.text[span[0]:span[1]])
    layout = codebook.section2_layout(template)
    read = TableRead(template, {})
    for label, cells in _rows(ct, span, "section2", tuple(layout), codebook.group_labels("section2", template)):
        columns = layout[label.name]
        got = fit(cells, len(columns))
        read.values[label.name] = dict(zip(columns, got.values))
        _record(read, ct, label, got, "section2")
    for item, columns in layout.items():
        if item not in read.values:
            read.values[item] = dict.fromkeys(columns)
            read.unread.append(item)
            read.notes.append(f"section2: item {item} not found")
    return read


def read_section3(ct: CompactText, span: tuple[int, int]) -> TableRead:
    """三、收到和处理政府信息公开申请情况: 23 (2019) or 25 (2021) rows of 7 columns."""
    text = ct.text[span[0]:span[1]]
    template = "2021" if any(label in text for label in codebook.labels("section3", "other_overdue_correction")) else "2019"
    names = codebook.section3_rows(template)
    width = len(codebook.SECTION3_COLUMNS)
    read = TableRead(template, {})
    for label, cells in _rows(ct, span, "section3", names, codebook.group_labels("section3", template)):
        got = fit(cells, width, check=lambda v: v[-1] == sum(v[:-1]))
        read.values[label.name] = got.values
        _record(read, ct, label, got, "section3")
    for name in names:
        if name not in read.values:
            read.values[name] = [None] * width
            read.unread.append(name)
            read.notes.append(f"section3: row {name} not found")
    read.values = {name: read.values[name] for name in names}
    _resolve_by_columns(read)
    return read


MAX_COMBINATIONS = 100_000


def _resolve_by_columns(read: TableRead) -> None:
    """Settle rows whose run-together digits split several ways, using the
    column identities (balance and outcome total); only a unique answer is kept."""
    open_rows = [u for u in read.unresolved if u["section"] == "section3"]
    sizes = [len(u["candidates"]) for u in open_rows]
    if not open_rows or math.prod(sizes) > MAX_COMBINATIONS:
        return
    fitting = []
    for combo in product(*(u["candidates"] for u in open_rows)):
        values = dict(read.values, **{u["row"]: list(c) for u, c in zip(open_rows, combo)})
        complete = all(v is not None for row in values.values() for v in row)
        if complete and not column_identity_failures(values):
            fitting.append(combo)
    if len(fitting) != 1:
        return
    for u, chosen in zip(open_rows, fitting[0]):
        read.values[u["row"]] = list(chosen)
        read.unresolved.remove(u)
        read.unread.remove(u["row"])
        read.notes.append(f"section3: {u['row']}: split settled by the column identities: {list(chosen)}")


def read_section4(ct: CompactText, span: tuple[int, int]) -> TableRead:
    """四、行政复议、行政诉讼: 15 cells after the header, left to right."""
    groups, columns = codebook.SECTION4_GROUPS, codebook.SECTION4_COLUMNS
    width = len(groups) * len(columns)
    anchor = ct.text.find(codebook.labels("section4", "reconsideration")[0], span[0], span[1])
    run = _section4_run(ct.text, anchor, span[1]) if anchor >= 0 else None
    check = lambda v: all(v[i + 4] == sum(v[i:i + 4]) for i in range(0, width, len(columns)))
    got = fit(run[0] if run else None, width, check)
    read = TableRead("2019/2021", {})
    for i, group in enumerate(groups):
        read.values[group] = dict(zip(columns, got.values[i * 5:(i + 1) * 5]))
    if run:
        read.rows_at = {group: ct.line(run[1]) for group in groups}
        if run[2]:
            read.notes.append(f"section4: skipped {run[2]} blank cell(s) before the values (an empty heading cell)")
    if got.unread:
        read.unread.extend(groups)
    for i in got.unread_cells:
        read.unread_cells.setdefault(groups[i // len(columns)], []).append(i % len(columns))
    if got.note:
        read.notes.append(f"section4: {got.note}")
    if got.candidates:
        read.unresolved.append({"section": "section4", "row": None, "candidates": got.candidates})
    return read


MIN_COLUMN_HEADINGS = 2
READERS = {"section2": read_section2, "section3": read_section3, "section4": read_section4}


def read_tables(ct: CompactText, spans: dict[str, tuple[int, int]]) -> dict[str, TableRead]:
    """Every statistical section that prints its table, mapped to codebook names."""
    return {section: read(ct, spans[section]) for section, read in READERS.items()
            if section in spans and has_table(ct, spans[section], section)}


def has_table(ct: CompactText, span: tuple[int, int], section: str) -> bool:
    """Whether the section prints its table's column headings (at least two of
    them): without them, numbers in its sentences are not a table."""
    text = ct.text[span[0]:span[1]]
    printed = sum(any(label in text for label in spellings) for spellings in _column_spellings(section))
    return printed >= MIN_COLUMN_HEADINGS


@cache
def _column_spellings(section: str) -> tuple[tuple[str, ...], ...]:
    """The spellings of each column heading of a section."""
    names = dict.fromkeys(row["name"] for row in codebook.fields(section, "column"))
    return tuple(codebook.labels(section, name) for name in names)


def _section4_run(text: str, start: int, stop: int) -> tuple[str, int, int] | None:
    """The first run of cells after the header that can hold all 15 values: the
    run, where it starts, and how many leading blank cells were not values."""
    width = len(codebook.SECTION4_GROUPS) * len(codebook.SECTION4_COLUMNS)
    for match in CELL_RUN.finditer(text, start, stop):
        cells = split_cells(match.group())
        if len(cells) >= width or sum(len(c) for c in cells) >= width:
            offset = _section4_offset(cells, width)
            return " ".join(cells[offset:]), match.start(), offset
    return None


def _section4_offset(cells: list[str], width: int) -> int:
    """Where the 15 values start when more cells were printed: leading blank cells
    may be the empty heading of an extra column, trailing ones an extra cell. The
    offset whose groups add up best wins; on a tie, the first cells are the values."""
    def holds(offset: int) -> int:
        try:
            values = [parse_number(c) or 0 for c in cells[offset:offset + width]]
        except ValueError:
            return -1
        return sum(values[i + 4] == sum(values[i:i + 4]) for i in range(0, width, 5))
    offsets = [k for k in range(len(cells) - width + 1) if all(c == BLANK_CELL for c in cells[:k])]
    return max(offsets, key=lambda k: (holds(k), -k)) if offsets else 0


def _section2_template(text: str) -> str:
    """2019 or 2021, by which template's own column headings the table prints."""
    score = {template: sum(label in text for label in _own_spellings(template)) for template in codebook.TEMPLATES}
    return max(codebook.TEMPLATES, key=lambda t: (score[t], t))


@cache
def _own_spellings(template: str) -> tuple[str, ...]:
    """The spellings of the section 二 column headings that only ``template`` prints."""
    own = [row["name"] for row in codebook.fields("section2", "column") if row["templates"] == template]
    return tuple(label for name in own for label in codebook.labels("section2", name))


def _rows(ct: CompactText, span, section: str, names, group_labels):
    """Each found row label with the text of its cells (up to the next label)."""
    labels = _locate(ct.text, span, section, names)
    stops = sorted({label.start for label in labels}
                   | {i for g in group_labels for i in _find_all(ct.text, g, span)}
                   | {span[1]})
    for label in labels:
        stop = stops[bisect.bisect_left(stops, label.stop)]  # the first stop at or after the label's end
        found = first_cell_run(ct.text[label.stop:stop])
        yield label, (found[0] if found else None)


def _locate(text: str, span, section: str, names) -> list[_Label]:
    """Find row labels in printed order, each searched after the previous one."""
    found, cursor = [], span[0]
    for name in names:
        best = None
        for variant in codebook.labels(section, name):
            at = text.find(variant, cursor, span[1])
            if at >= 0 and (best is None or at < best.start):
                best = _Label(name, at, at + len(variant))
        if best:
            found.append(best)
            cursor = best.stop
    return sorted(found + _misprinted(text, section, list(names), found), key=lambda label: label.start)


_WORDS = re.compile(r"[^\d\s∅⍰/—–\-.,、|]*[\u4e00-\u9fff][^\d\s∅⍰|]*")
_NUMBER_BEFORE = re.compile(r"(\d)[.、]$")  # sub-rows are numbered 1 to 8


def _misprinted(text: str, section: str, names: list[str], found: list[_Label]) -> list[_Label]:
    """Labels the exact search missed, looked for where they must stand: the one row
    missing between two rows found, its words there read as its label when they are
    like it (``toolkit.labels``: by similarity, confirmed by that place)."""
    at = {label.name: label for label in found}
    if len(at) == len(names):  # every label found: none is missing
        return []
    added = []
    for i, name in enumerate(names):
        before = next((at[n] for n in reversed(names[:i]) if n in at), None)
        after = next((at[n] for n in names[i + 1:] if n in at), None)
        if name in at or before is None or after is None:
            continue
        between = names[names.index(before.name) + 1:names.index(after.name)]
        words = _WORDS.search(text, before.stop, after.start)
        if between != [name] or words is None:
            continue
        number = _NUMBER_BEFORE.search(text, max(before.stop, words.start() - 3), words.start())
        printed = (f"{number.group(1)}." if number else "") + words.group()
        row = next((r for r in codebook.fields(section) if r["name"] == name), {})
        candidate = Candidate(name, codebook.labels(section, name), row.get("number", ""))
        match = match_label(printed, [candidate], re.sub(r"\d+$", "", candidate.number))
        if match:
            added.append(_Label(name, words.start(), words.end(), match.how, printed))
    return added


def _find_all(text: str, needle: str, span) -> list[int]:
    at, hits = text.find(needle, span[0], span[1]), []
    while at >= 0:
        hits.append(at)
        at = text.find(needle, at + 1, span[1])
    return hits


def _record(read: TableRead, ct: CompactText, label: _Label, got: CellsRead, section: str) -> None:
    read.rows_at[label.name] = ct.line(label.start)
    read.labels[label.name] = {"printed": label.printed or ct.text[label.start:label.stop], "matched": label.how}
    if got.unread:
        read.unread.append(label.name)
    if got.unread_cells:
        read.unread_cells[label.name] = got.unread_cells
    if got.note:
        read.notes.append(f"{section}: {label.name} (line {ct.line(label.start)}): {got.note}")
    if got.candidates:
        read.unresolved.append({"section": section, "row": label.name, "candidates": got.candidates})
