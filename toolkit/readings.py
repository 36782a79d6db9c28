"""A document's statistics tables read both ways, and per section the reading kept.

Grids (HTML, DOCX, PDF, OCR, tab and pipe tables) are read by their own rows and
columns (``toolkit.grid_tables``); every document's text is also read by its labels
(``toolkit.tables``). The grid reading is kept unless the report's own arithmetic,
or the text reading agreeing with it, says otherwise (``choose_readings``). Both
``read_report`` and the PDF reader's choice of engine use this one step.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.checks import Finding, section3_failures, section4_failures
from toolkit.codebook import SECTION3_COLUMNS, SECTION4_COLUMNS
from toolkit.grid_tables import read_grids
from toolkit.normalize import CompactText
from toolkit.readers import Document
from toolkit.tables import TableRead, read_tables


CHECKED = ("section3", "section4")  # sections the identities check: only there can they confirm a text reading


@dataclass
class Readings:
    """Each section's table as kept, how it was chosen, the document's other tables, and
    the identities each kept table fails (sections 三 and 四)."""

    tables: dict[str, TableRead]
    how: dict[str, dict]
    others: list[dict]
    failures: dict[str, list[Finding]] = field(default_factory=dict)


def read_sections(document: Document, ct: CompactText, spans: dict, year: int | None = None) -> Readings:
    """Every statistics table of ``document``: as grids and as text, one kept per section."""
    grid_tables, others = read_grids(document.grids, document.text).own(year)
    grid_failures = {section: _failures(section, table) for section, table in grid_tables.items()}
    settled = {section for section, table in grid_tables.items() if _settled(section, table, grid_failures[section])}
    text_tables = read_tables(ct, {section: span for section, span in spans.items() if section not in settled})
    tables, how = choose_readings(grid_tables, text_tables)
    for section in settled:
        how[section] = {"reader": "grid", "why_not_text": "every row and cell read, every identity holds"}
    failures = {section: grid_failures[section] if table is grid_tables.get(section) else _failures(section, table)
                for section, table in tables.items() if section in CHECKED}
    return Readings(tables, how, others, failures)


def _settled(section: str, table: TableRead, failures: list[Finding]) -> bool:
    """A grid reading with every row and cell read and every identity holding (``failures``
    empty): the text reading could not change it."""
    return not table.unread and not table.unread_cells and not failures and section != "section2"


def choose_readings(grid: dict[str, TableRead], text: dict[str, TableRead]) -> tuple[dict, dict]:
    """Per section, the grid reading (the table's own rows and columns) or the text
    reading, and why. The grid reading is kept, unless it fails an identity that the
    text reading, reading a number wherever it does, satisfies; or, in a section the
    identities check, the text reading, satisfying every one, agrees with it on every
    number it read and reads cells it left null. A reading that fails an identity is
    never repaired."""
    tables, readings = {}, {}
    for section in sorted(set(grid) | set(text)):
        if section not in grid or section not in text:
            tables[section] = grid.get(section) or text[section]
            readings[section] = {"reader": tables[section].reader}
            continue
        if grid[section].values == text[section].values:
            tables[section], readings[section] = grid[section], {"reader": "grid", "text_reading_agrees": True}
            continue
        failed = {"grid": len(_failures(section, grid[section])), "text": len(_failures(section, text[section]))}
        why = None
        if failed["grid"] and not failed["text"] and _covers(text[section].values, grid[section].values):
            why = f"its grid reading fails {failed['grid']} identities that the text reading satisfies"
        elif section in CHECKED and not failed["text"] and _fills(text[section].values, grid[section].values):
            why = "the text reading agrees with the grid reading on every number it read, and reads the cells it left null"
        tables[section] = text[section] if why else grid[section]
        readings[section] = {"reader": "text" if why else "grid", "identities_failed": failed}
        if why:
            differ = [f"{path}: {g} in the grid, {t} in the text"
                      for path, t, g in _cell_pairs(text[section].values, grid[section].values) if t != g]
            readings[section]["why"] = (f"{section}: {why}: the text reading is kept ({len(differ)} cells differ: "
                                        + "; ".join(differ[:5]) + ("; …" if len(differ) > 5 else "") + ")")
    return tables, readings


def _covers(text, grid) -> bool:
    """Whether ``text`` has a number wherever ``grid`` has one."""
    return all(t is not None for _, t, g in _cell_pairs(text, grid) if g is not None)


def _fills(text, grid) -> bool:
    """Whether ``text`` has every number of ``grid`` and numbers where ``grid`` has none."""
    pairs = [(t, g) for _, t, g in _cell_pairs(text, grid)]
    return all(g is None or g == t for t, g in pairs) and any(g is None and t is not None for t, g in pairs)


def _cell_pairs(a, b, path: str = ""):
    """(where, a's value, b's value) for every cell of two readings of one section."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            yield from _cell_pairs(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
    elif isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from _cell_pairs(x, y, f"{path}[{i}]")
    else:
        yield path, a, b


def _failures(section: str, table: TableRead) -> list[Finding]:
    if section == "section3":
        return section3_failures(table.values, unread_cells(table, range(len(SECTION3_COLUMNS))))
    if section == "section4":
        return section4_failures(table.values, unread_cells(table, SECTION4_COLUMNS))
    return []


def unread_cells(table: TableRead | None, columns) -> set:
    """(row, column) of every cell the reader could not read, for the checks to skip."""
    if table is None:
        return set()
    columns = list(columns)
    whole = {(row, c) for row in table.unread for c in columns}
    return whole | {(row, columns[i]) for row, cells in table.unread_cells.items() for i in cells}
