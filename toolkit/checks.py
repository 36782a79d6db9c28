"""The codebook's four identities, evaluated on the values as printed.

A failed identity is a finding about the report, never a reason to change a
number. Blank cells (``None``) inside a sum are read as zero, and the finding
says how many there were; an identity whose total is blank is not evaluated.

>>> section4_failures({"reconsideration": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 2}})[0].message
'section4 reconsideration: total 2 but upheld + corrected + other + pending = 1'
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from toolkit.codebook import SECTION3_COLUMNS

IDENTITIES = {
    1: "section3 row: total = sum of the six applicant columns",
    2: "section3 column: new_received + carried_over = total_processed + carried_forward",
    3: "section3 column: total_processed = sum of the outcome rows",
    4: "section4 group: total = upheld + corrected + other + pending",
}


@dataclass(frozen=True)
class Finding:
    """One identity that does not hold: where, what the parts give, what is printed."""

    identity: int
    section: str
    row: str | None
    column: str | None
    expected: float
    printed: float
    blanks_read_as_zero: int
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


UNREAD = object()  # a cell the reader could not read: an identity that needs it is not evaluated


def _finding(identity, section, row, column, parts: list, printed, message) -> Finding | None:
    """The finding when ``parts`` do not add up to ``printed``; ``message`` is formatted
    (row, column, expected, printed) only then."""
    if printed is UNREAD or printed is None or UNREAD in parts:  # UNREAD equals only itself
        return None
    numbers = [p for p in parts if p is not None] if None in parts else parts
    if not numbers:
        return None
    expected = sum(numbers)
    if abs(expected - printed) < 1e-9:
        return None
    return Finding(identity, section, row, column, expected, printed, len(parts) - len(numbers),
                   message.format(row=row, column=column, expected=expected, printed=printed))


def section3_failures(section3: dict | None, unread: set[tuple[str, int]] = frozenset()) -> list[Finding]:
    """Identities 1, 2 and 3 over a section 三 table; ``unread`` (row, column index)
    cells could not be read, so the identities that need them are not evaluated."""
    if not section3:
        return []
    if unread:
        section3 = {row: [UNREAD if (row, i) in unread else v for i, v in enumerate(values)]
                    for row, values in section3.items()}
    found = []
    for row, values in section3.items():
        found.append(_finding(1, "section3", row, "total", values[:-1], values[-1],
                              "section3 {row}: total {printed} but the six columns sum to {expected}"))
    found.extend(column_identity_failures(section3))
    return [f for f in found if f]


def column_identity_failures(section3: dict) -> list[Finding]:
    """Identities 2 and 3 for every column."""
    rows = list(section3)
    new, over, processed_at, forward_at = map(rows.index, ("new_received", "carried_over", "total_processed",
                                                          "carried_forward"))
    found = []
    for column, cells in zip(SECTION3_COLUMNS, zip(*section3.values())):  # the column's cell in each row
        processed, forward = cells[processed_at], cells[forward_at]
        if all(v is not None and v is not UNREAD for v in (processed, forward)):
            found.append(_finding(2, "section3", None, column, [cells[new], cells[over]], processed + forward,
                                  "section3 {column}: new_received + carried_over = {expected} "
                                  "but total_processed + carried_forward = {printed}"))
        found.append(_finding(3, "section3", "total_processed", column, cells[2:-2], processed,
                              "section3 {column}: total_processed {printed} but the outcome rows sum to {expected}"))
    return [f for f in found if f]


def section4_failures(section4: dict | None, unread: set[tuple[str, str]] = frozenset()) -> list[Finding]:
    """Identity 4 for each group of section 四; ``unread`` (group, column) cells are
    not evaluated."""
    if not section4:
        return []
    if unread:
        section4 = {group: {c: UNREAD if (group, c) in unread else v for c, v in cells.items()}
                    for group, cells in section4.items()}
    found = [
        _finding(4, "section4", group, "total",
                 [cells["upheld"], cells["corrected"], cells["other"], cells["pending"]], cells["total"],
                 "section4 {row}: total {printed} but upheld + corrected + other + pending = {expected}")
        for group, cells in section4.items()
    ]
    return [f for f in found if f]
