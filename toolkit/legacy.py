"""Pre-2019 statistics tables, read as printed: ``read_legacy_table(text)``.

Before the national template of 2019, agencies printed forms of their province's
or city's making: 指标名称 / 计量单位 / this year (and often 历年累计), with 其中
sub-rows. Every row is kept as printed (label, unit, this year's number, the
cumulative); the form is recognised from the codebook (``legacy_forms.csv``) or
is ``unknown``. Nothing is mapped to the national template here.

Cells that run together in crawler text (``条20263542``) are split only where the
其中 sums or the prose leave one answer; otherwise the row is null, with its
candidates. Checks are findings, never repairs.

>>> table = read_legacy_table("指标名称 计量单位 2012年度 历年累计 行政复议数 件 0 3")
>>> [(row.label, row.unit, row.cells) for row in table.rows]
[('行政复议数', '件', (0, 3))]
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from toolkit import codebook
from toolkit.normalize import compact_label, normalize

_HEAD = r"[0-9０-９]{4}\s*年\s*度|本\s*年\s*度|年\s*末\s*统\s*计|数\s*量|历\s*年\s*累\s*计"
HEADER = re.compile(rf"指\s*标\s*名\s*称\s*(?:计\s*量\s*)?单\s*位\s*(?P<heads>(?:(?:{_HEAD})\s*){{1,3}})")
CUMULATIVE = "历年累计"
UNITS = "万元|人次|条|件|元|个|次|项|份"
_NUMBER = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
ROW = re.compile(
    rf"\s*(?P<label>[^\s。；;，,][^。；;\n\t]{{0,40}}?)\s*(?P<unit>{UNITS})[ \t\u3000]*"
    rf"(?P<run>{_NUMBER}(?:[ \t\u3000]+{_NUMBER})*)"
)
TABLE_ENDS = ("附件", "下载", "扫一扫")
MARKDOWN_ROW = re.compile(r"^\s*\|.*\|\s*$")
MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
ITEM = re.compile(r"^(?:其中\s*[:：]\s*)?(?P<n>[0-9０-９]{1,2})\s*[.．、]")
SUB_ROWS = re.compile(r"^其中\s*[:：]?")
MAX_READINGS = 100_000  # combinations of candidate readings tried for one 其中 group
CLAUSE = re.compile(r"[^，,。；;！？!?\n]+")
RECEIVED = re.compile(r"(?:(?:收到|受理)[^，,。；;]{0,25}?申请\s*(?P<n>[0-9]+)\s*[条件])|(?P<none>未收到[^，,。；;]{0,25}?申请)")
OTHER_MATTERS = ("复议", "诉讼", "申诉", "举报", "投诉", "咨询", "信访")
CHANNELS_OR_OTHER_MATTERS = re.compile("当面|信函|传真|电子邮件|网上|" + "|".join(OTHER_MATTERS))
ABOUT_DISCLOSURE = re.compile(r"信息公开|公开政府信息|依申请公开")
REQUEST_ROWS = ("requests_total", "applications_formal")


@dataclass
class LegacyRow:
    """One printed row: label and unit as printed, the digits as printed (``run``),
    its possible readings (one tuple of column values each) and why it has none."""

    label: str
    unit: str
    run: str
    line: int
    readings: list[tuple] = field(default_factory=list)
    why: str | None = None
    chosen_by: str | None = None
    key: str | None = None
    parent: int | None = None  # index of the row it is a 其中 part of

    @property
    def cells(self) -> tuple | None:
        return self.readings[0] if len(self.readings) == 1 else None


@dataclass
class LegacyTable:
    """A pre-2019 table as printed: its form, its columns, its rows and the checks."""

    form: str
    columns: list[str]
    rows: list[LegacyRow]
    checks: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def value(self, row: LegacyRow):
        return row.cells[0] if row.cells else None

    def cumulative(self, row: LegacyRow):
        if row.cells is None or CUMULATIVE not in self.columns:
            return None
        return row.cells[self.columns.index(CUMULATIVE)]

    def unresolved(self) -> list[dict]:
        """Rows whose digits run together and could be split more than one way."""
        return [{"section": "legacy", "row": row.label, "text": row.run, "candidates": row.readings,
                 "why": row.why} for row in self.rows if len(row.readings) > 1]

    def to_dict(self, location=lambda line: f"line {line}") -> dict:
        keys = [row.key for row in self.rows]
        return {
            "form": self.form,
            "columns": self.columns,
            "rows": [{"order": i, "key": row.key, "parent": keys[row.parent] if row.parent is not None else None,
                      "label": row.label, "unit": row.unit, "value": self.value(row),
                      "cumulative": self.cumulative(row), "read_at": location(row.line)}
                     for i, row in enumerate(self.rows, 1)],
            "checks": self.checks,
        }


def read_legacy_table(text: str) -> LegacyTable | None:
    """The first pre-2019 statistics table in ``text``, or None when there is none."""
    text = _markdown_as_tabs(text)
    header = HEADER.search(text)
    if header is None:
        return None
    columns = _heads(header)
    rows, end = _rows(text, header.end(), columns)
    if not rows:
        return None
    table = LegacyTable("unknown", columns, rows)
    _structure(table)
    prose = text[:header.start()] + "\n" + text[end:]
    _split(table, prose)
    table.checks = _sub_row_checks(table) + _cumulative_checks(table) + _narrative_checks(table, prose)
    if another := HEADER.search(text, end):
        table.notes.append(f"another 指标名称 table begins at line {_line(text, another.start())}: only the first is read")
    return table


def _rows(text: str, pos: int, columns: list[str]) -> tuple[list[LegacyRow], int]:
    """Rows from ``pos`` on, each label, unit and run of digits; where the table ends.
    A run followed by ``2.`` or ``2、`` gives its last digits to the next row's label."""
    rows: list[LegacyRow] = []
    while True:
        repeated = HEADER.match(text, _skip_space(text, pos))
        if repeated and _heads(repeated) == columns:  # the same header again, at a page break
            pos = repeated.end()
        match = ROW.match(text, pos)
        if match is None or any(word in match.group("label") + match.group("unit") for word in TABLE_ENDS):
            break
        label, run, pos = match.group("label").strip(), match.group("run"), match.end()
        item = ITEM.match(label)
        follows = text[pos:pos + 2]
        if len(follows) == 2 and follows[0] in ".．、" and not follows[1].isdigit():
            expected = str(int(normalize(item.group("n"))) + 1) if item else "1"
            head = run[:-len(expected)].rstrip() if normalize(run).endswith(expected) else None
            if head:
                run, pos = head, pos - len(expected)
            else:
                rows.append(LegacyRow(label, match.group("unit"), run, _line(text, match.start("label")),
                                      why=f"the digits {run} run into the next row's number, which is not {expected}"))
                continue
        row = LegacyRow(label, match.group("unit"), run, _line(text, match.start("label")))
        row.readings = _readings(run, len(columns))
        if not row.readings:
            row.why = f"{run!r} cannot be {len(columns)} number(s)"
        rows.append(row)
    return rows, pos


def _heads(header: re.Match) -> list[str]:
    return [re.sub(r"\s", "", head) for head in re.findall(_HEAD, header.group("heads"))]


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _markdown_as_tabs(text: str) -> str:
    """Converter markdown (``| 行政复议数 | 件 | 0 |``) as tab-separated cells, line for line."""
    if "|" not in text:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if MARKDOWN_RULE.match(line):
            lines[i] = ""
        elif MARKDOWN_ROW.match(line):
            lines[i] = "\t".join(cell.strip() for cell in line.strip().strip("|").split("|"))
    return "\n".join(lines)


def _readings(run: str, width: int) -> list[tuple]:
    """Every way to read the printed run as ``width`` numbers: white space always
    separates; digits that run together are split where each part is a number (no
    leading zero). A cumulative below this year's is not ruled out: reports misprint."""
    pieces = [normalize(token) for token in run.split()]
    return [numbers for cut in _cuts(pieces, width) if None not in (numbers := tuple(_number(part) for part in cut))]


def _cuts(pieces: list[str], width: int):
    """Each piece split into one or more parts, ``width`` parts in all."""
    if not pieces:
        if width == 0:
            yield ()
        return
    first, rest = pieces[0], pieces[1:]
    for parts in range(1, min(width - len(rest), len(first)) + 1):
        for at in itertools.combinations(range(1, len(first)), parts - 1):
            bounds = (0, *at, len(first))
            head = tuple(first[a:b] for a, b in zip(bounds, bounds[1:]))
            for tail in _cuts(rest, width - parts):
                yield head + tail


def _number(part: str) -> int | float | None:
    """A printed number, or None when it is not one (a leading zero, a bare point)."""
    if "." in part:
        whole = part.split(".")[0]
        return float(part) if whole and (whole == "0" or not whole.startswith("0")) else None
    return int(part) if part == "0" or not part.startswith("0") else None


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _structure(table: LegacyTable) -> None:
    """Each row's parent (the row its 其中 list belongs to) and, when every row
    matches a known form in order, the form and the rows' keys."""
    open_lists: list[list] = []  # [parent index, last item number]
    for i, row in enumerate(table.rows):
        item = ITEM.match(row.label)
        number = int(normalize(item.group("n"))) if item else None
        if SUB_ROWS.match(row.label) and i:
            open_lists.append([i - 1, number or 1])
            row.parent = i - 1
            continue
        while open_lists and number is not None and open_lists[-1][1] != number - 1:
            open_lists.pop()
        if number is None or not open_lists:
            open_lists.clear()
            continue
        open_lists[-1][1] = number
        row.parent = open_lists[-1][0]
    labels = [_bare(row.label) for row in table.rows]
    known = codebook.legacy_row_labels()
    for form, spec in codebook.legacy_forms().items():
        if spec["columns"] == len(table.columns) and len(spec["rows"]) == len(labels) and all(
                label in known[key] for label, (key, _) in zip(labels, spec["rows"])):
            table.form = form
            index = {key: i for i, (key, _) in enumerate(spec["rows"])}
            for row, (key, parent) in zip(table.rows, spec["rows"]):
                row.key, row.parent = key, index[parent] if parent else None
            return


def _bare(label: str) -> str:
    """A label as matched against the codebook: without 其中, its number and spaces."""
    return re.sub(r"^(?:其中:?)?(?:\d{1,2}[.、])?", "", compact_label(label))


def _groups(table: LegacyTable) -> list[tuple[int, list[int]]]:
    children: dict[int, list[int]] = {}
    for i, row in enumerate(table.rows):
        if row.parent is not None:
            children.setdefault(row.parent, []).append(i)
    return sorted(children.items())


def _split(table: LegacyTable, prose: str) -> None:
    """Narrow the readings of rows whose digits run together: first by the 其中
    sums, then by numbers the prose states about the same matter in the same unit."""
    if not any(len(row.readings) > 1 for row in table.rows):
        return
    _by_sums(table)
    stated = _stated_numbers(prose)
    for row in table.rows:
        if len(row.readings) > 1:
            said = {n for clause, n, unit in stated if unit == row.unit and _speaks_of(clause, row)}
            fitting = [reading for reading in row.readings if reading[0] in said]
            if len(fitting) == 1:
                row.readings, row.chosen_by = fitting, f"split as the prose states {fitting[0][0]}{row.unit}"
    _by_sums(table)
    for row in table.rows:
        if len(row.readings) > 1:
            shown = "; ".join(" | ".join(str(n) for n in reading) for reading in row.readings)
            row.why = f"{row.run} can be split {len(row.readings)} ways ({shown}); neither the 其中 sums nor the prose tell which"


def _meaning(row: LegacyRow) -> str | None:
    """The row's key, or in a form not recognised the key of the one known row with its label."""
    if row.key:
        return row.key
    keys = [key for key, labels in codebook.legacy_row_labels().items() if _bare(row.label) in labels]
    return keys[0] if len(keys) == 1 else None


def _speaks_of(clause: str, row: LegacyRow) -> bool:
    """Whether a clause of the prose speaks of the row's matter (and of no other)."""
    words = codebook.legacy_narrative_words().get(_meaning(row), ())
    return any(w in clause for w in words) and not any(
        m in clause and not any(m in w for w in words) for m in OTHER_MATTERS)


def _by_sums(table: LegacyTable) -> None:
    """Keep only readings that let a 其中 group add up, while some reading does."""
    changed = True
    while changed:
        changed = False
        for parent, children in _groups(table):
            members = [parent, *children]
            options = [table.rows[i].readings for i in members]
            if all(len(o) == 1 for o in options) or not all(options):
                continue
            if math.prod(len(o) for o in options) > MAX_READINGS:
                continue
            fitting = [combo for combo in itertools.product(*options) if _adds_up(combo)]
            if not fitting:
                continue  # the printed sums do not hold under any split: no evidence
            for position, i in enumerate(members):
                kept = list(dict.fromkeys(combo[position] for combo in fitting))
                if len(kept) < len(table.rows[i].readings):
                    table.rows[i].readings, changed = kept, True
                    if len(kept) == 1:
                        table.rows[i].chosen_by = "split where the 其中 rows add up to their total"


def _adds_up(combo: tuple) -> bool:
    parent, *children = combo
    return all(parent[c] == sum(child[c] for child in children) for c in range(len(parent)))


def _stated_numbers(prose: str) -> list[tuple[str, int, str]]:
    """(clause, number, unit) for each count the prose states in 条 or 件."""
    return [(clause.group(), int(n.group(1)), n.group(2))
            for clause in CLAUSE.finditer(prose) for n in re.finditer(r"(\d+)\s*(条|件)", clause.group())]


def _sub_row_checks(table: LegacyTable) -> list[dict]:
    """其中 rows against their total, per column, where every cell is read."""
    found = []
    for parent, children in _groups(table):
        cells = [table.rows[i].cells for i in (parent, *children)]
        if None in cells:
            continue
        for c, column in enumerate(table.columns):
            expected, printed = sum(cell[c] for cell in cells[1:]), cells[0][c]
            if expected != printed:
                labels = " + ".join(table.rows[i].label for i in children)
                found.append(_check("sub_rows", table, parent, column, expected, printed,
                                    f"{table.rows[parent].label} ({column}) prints {printed}, its 其中 rows add up to "
                                    f"{expected} ({labels})"))
    return found


def _cumulative_checks(table: LegacyTable) -> list[dict]:
    """A cumulative (历年累计) below this year's number."""
    found = []
    for i, row in enumerate(table.rows):
        value, cumulative = table.value(row), table.cumulative(row)
        if value is not None and cumulative is not None and cumulative < value:
            found.append(_check("cumulative_below_year", table, i, CUMULATIVE, value, cumulative,
                                f"{row.label}: 历年累计 {cumulative} is below this year's {value}"))
    return found


def _narrative_checks(table: LegacyTable, prose: str) -> list[dict]:
    """The prose's count of disclosure requests received against the table's row."""
    row_at = next((i for i, row in enumerate(table.rows) if _meaning(row) in REQUEST_ROWS), None)
    if row_at is None or table.value(table.rows[row_at]) is None:
        return []
    for clause in CLAUSE.finditer(prose):
        words = clause.group()
        said = RECEIVED.search(words)
        if said is None or not ABOUT_DISCLOSURE.search(words) or CHANNELS_OR_OTHER_MATTERS.search(words):
            continue
        stated, printed = (0 if said.group("none") else int(said.group("n"))), table.value(table.rows[row_at])
        if stated == printed:
            return []
        return [_check("narrative", table, row_at, table.columns[0], stated, printed,
                       f"the prose says {words.strip()[:60]}; {table.rows[row_at].label} prints {printed}")]
    return []


def _check(check: str, table: LegacyTable, i: int, column: str, expected, printed, message: str) -> dict:
    row = table.rows[i]
    return {"check": check, "row": row.key or row.label, "column": column, "expected": expected,
            "printed": printed, "message": message}
