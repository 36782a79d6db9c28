"""Records that wait on disk, so that a corpus of 10^5 reports is not held in memory.

A ``StoredReport`` knows its report's name and content hash; its record is read from
its JSON file (a batch cache entry, or a record ``extract`` wrote) each time it is
needed, and not kept. ``Report.load()`` gives the report itself, so code that takes
both calls ``load()`` and holds the record only while it uses it.
"""
from __future__ import annotations

from typing import Callable

from toolkit.report import Report


class StoredReport:
    """A report by name and content hash; ``load()`` reads its record."""

    def __init__(self, name: str, sha256: str, read: Callable[[], Report]):
        self.name, self.sha256, self._read = name, sha256, read

    def load(self) -> Report:
        """The record, under this report's (possibly changed) name."""
        report = self._read()
        if report.name != self.name:
            report.renamed(self.name)
        return report

    def renamed(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attribute: str):  # record, provenance, to_dict …: read from disk, not kept
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        return getattr(self.load(), attribute)


def loaded(reports) -> list[Report]:
    """The reports with their records in memory."""
    return [report.load() for report in reports]


def in_chunks(reports, size: int):
    """The reports ``size`` at a time, each chunk's records read when it is reached."""
    for first in range(0, len(reports), size):
        yield loaded(reports[first:first + size])
